//===- files_baremetal.c - Read-only files from the boot module -----------===//
//
// The unikernel's files come from one PVH boot module (QEMU's -initrd) that
// holds an archive nlc writes (tools/nlc/Run.cpp, docs/BareMetal.md "Files"):
//
//   offset 0   "NLFILES1", then the u64 file count n
//   offset 16  n entries of four u64: name offset, name length, data
//              offset, data size (offsets from the archive's start)
//   then       the names, then the data of each file on a 4 KiB boundary
//
// All integers are little-endian. The archive stays where QEMU loaded it and
// the arena never uses that memory (start.c), so mapping a file is
// returning a pointer into it: zero copy. Files are read-only (EROFS for
// writing modes); reads copy from the archive. Handles 0, 1 and 2 are the
// standard streams, as on Linux: 0 is always at its end, 1 and 2 write to
// the console. Boot options NAME=VALUE
// before `--` on the command line are the environment (start.c).
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"
#include "bare.h"

enum {
  kENOENT = 2,
  kEBADF = 9,
  kENOMEM = 12,
  kEINVAL = 22,
  kEMFILE = 24,
  kEROFS = 30,
  kENAMETOOLONG = 36,
  kFirstFile = 3,
  kMaxOpen = 64,
  kMaxEnv = 32,
};

typedef struct Entry {
  uint64_t name_offset, name_len, data_offset, size;
} Entry;

typedef struct OpenFile {
  const Entry *entry; ///< NULL when the slot is free.
  uint64_t pos;
} OpenFile;

static const char *archive;
static uint64_t archive_size;
static const Entry *entries;
static uint64_t entry_count;
static OpenFile open_files[kMaxOpen];

/// Whether [offset, offset + size) lies inside the archive.
static bool in_archive(uint64_t offset, uint64_t size) {
  return offset <= archive_size && size <= archive_size - offset;
}

/// The reason the archive at \p base (\p size bytes) is unusable, or NULL.
static const char *check_archive(const char *base, uint64_t size) {
  static const char magic[8] = {'N', 'L', 'F', 'I', 'L', 'E', 'S', '1'};
  if (size < 16 || __builtin_memcmp(base, magic, 8) != 0)
    return "not an nlc file archive";
  uint64_t count;
  __builtin_memcpy(&count, base + 8, 8);
  if (count > (size - 16) / sizeof(Entry))
    return "truncated file table";
  const Entry *table = (const Entry *)(base + 16);
  archive_size = size;
  for (uint64_t i = 0; i < count; ++i)
    if (!in_archive(table[i].name_offset, table[i].name_len) ||
        !in_archive(table[i].data_offset, table[i].size))
      return "a file lies outside it";
  return NULL;
}

void nl_bare_files_init(uintptr_t addr, uint64_t size) {
  const char *base = (const char *)addr;
  const char *why = check_archive(base, size);
  if (why != NULL) {
    nl_bare_console_puts("<runtime>: warning: ignoring the boot module: ");
    nl_bare_console_puts(why);
    nl_bare_console_puts("\n");
    return;
  }
  archive = base;
  entries = (const Entry *)(base + 16);
  __builtin_memcpy(&entry_count, base + 8, 8);
}

bool nl_bare_files_contains(const void *p) {
  uintptr_t a = (uintptr_t)p, lo = (uintptr_t)archive;
  return archive != NULL && a >= lo && a - lo <= archive_size;
}

static OpenFile *lookup(int64_t fd) {
  if (fd < kFirstFile || fd >= kMaxOpen || open_files[fd].entry == NULL)
    return NULL;
  return &open_files[fd];
}

int64_t nl_plat_file_open(const char *path, int64_t mode) {
  uint64_t len = 0;
  while (path[len] != '\0')
    ++len;
  const Entry *found = NULL;
  for (uint64_t i = 0; i < entry_count && found == NULL; ++i)
    if (entries[i].name_len == len &&
        __builtin_memcmp(archive + entries[i].name_offset, path, len) == 0)
      found = &entries[i];
  if (found == NULL)
    return -kENOENT;
  if (mode != NL_FILE_READ)
    return -kEROFS;
  for (int64_t fd = kFirstFile; fd < kMaxOpen; ++fd) {
    if (open_files[fd].entry == NULL) {
      open_files[fd] = (OpenFile){found, 0};
      return fd;
    }
  }
  return -kEMFILE;
}

int64_t nl_plat_file_read(int64_t fd, void *buf, int64_t n) {
  if (fd == 0)
    return 0;
  OpenFile *f = lookup(fd);
  if (f == NULL)
    return -kEBADF;
  uint64_t left = f->pos < f->entry->size ? f->entry->size - f->pos : 0;
  uint64_t count = (uint64_t)n < left ? (uint64_t)n : left;
  __builtin_memcpy(buf, archive + f->entry->data_offset + f->pos, count);
  f->pos += count;
  return (int64_t)count;
}

int64_t nl_plat_file_write(int64_t fd, const void *buf, int64_t n) {
  if (fd != 1 && fd != 2)
    return -kEBADF; // Every file is open for reading only.
  nl_bare_console_write(buf, (size_t)n);
  return n;
}

int64_t nl_plat_file_seek(int64_t fd, int64_t offset, int64_t whence) {
  OpenFile *f = lookup(fd);
  if (f == NULL)
    return -kEBADF;
  int64_t from = whence == 0   ? 0
                 : whence == 1 ? (int64_t)f->pos
                               : (int64_t)f->entry->size;
  if ((offset < 0 && from + offset < 0) ||
      (offset > 0 && from > INT64_MAX - offset))
    return -kEINVAL;
  f->pos = (uint64_t)(from + offset);
  return from + offset;
}

int64_t nl_plat_file_size(int64_t fd) {
  OpenFile *f = lookup(fd);
  return f == NULL ? -kEBADF : (int64_t)f->entry->size;
}

int64_t nl_plat_file_close(int64_t fd) {
  OpenFile *f = lookup(fd);
  if (f == NULL)
    return -kEBADF;
  f->entry = NULL;
  return 0;
}

void *nl_plat_file_map(int64_t fd, int64_t *error) {
  OpenFile *f = lookup(fd);
  if (f == NULL) {
    *error = -kEBADF;
    return NULL;
  }
  return (void *)(archive + f->entry->data_offset);
}

const char *nl_plat_error_message(int64_t code) {
  switch (code) {
  case kENOENT: return "No such file or directory";
  case kEBADF: return "Bad file descriptor";
  case kENOMEM: return "Cannot allocate memory";
  case kEINVAL: return "Invalid argument";
  case kEMFILE: return "Too many open files";
  case kEROFS: return "Read-only file system";
  case kENAMETOOLONG: return "File name too long";
  default: return NULL;
  }
}

static const char *env[kMaxEnv];
static int env_count;

void nl_bare_setenv(const char *assignment) {
  if (env_count < kMaxEnv)
    env[env_count++] = assignment;
}

const char *nl_plat_getenv(const char *name) {
  // The last assignment of a name wins, as with repeated `export`s.
  for (int i = env_count - 1; i >= 0; --i) {
    const char *a = env[i], *n = name;
    while (*n != '\0' && *a == *n)
      ++a, ++n;
    if (*n == '\0' && *a == '=')
      return a + 1;
  }
  return NULL;
}
