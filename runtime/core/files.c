//===- files.c - Files and environment variables --------------------------===//
//
// The public file API of nl_runtime.h over the platform's (platform.h): it
// validates arguments, turns the program's (pointer, length) strings into
// NUL-terminated ones and reports every failure as a negative errno value,
// never by ending the program. The Linux errno numbers are used on both
// flavours, so the bare-metal platform defines the few it returns.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"

enum {
  kEINVAL = 22,
  kENAMETOOLONG = 36,
  /// The longest path or name accepted, NUL excluded (Linux's PATH_MAX - 1).
  kMaxPath = 4095,
};

/// Copies \p len bytes at \p s into \p out as a C string. Returns 0, or a
/// negative errno value when the string is empty, too long or holds a NUL.
static int64_t c_string(const char *s, int64_t len, char out[kMaxPath + 1]) {
  if (len <= 0)
    return -kEINVAL;
  if (len > kMaxPath)
    return -kENAMETOOLONG;
  for (int64_t i = 0; i < len; ++i) {
    if (s[i] == '\0')
      return -kEINVAL;
    out[i] = s[i];
  }
  out[len] = '\0';
  return 0;
}

int64_t nl_file_open(const char *path, int64_t len, int64_t mode) {
  char buf[kMaxPath + 1];
  int64_t status = c_string(path, len, buf);
  if (status < 0)
    return status;
  if (mode < NL_FILE_READ || mode > NL_FILE_UPDATE)
    return -kEINVAL;
  return nl_plat_file_open(buf, mode);
}

int64_t nl_file_read(int64_t fd, void *buf, int64_t n) {
  return n < 0 ? -kEINVAL : nl_plat_file_read(fd, buf, n);
}

int64_t nl_file_write(int64_t fd, const void *buf, int64_t n) {
  if (n < 0)
    return -kEINVAL;
  // Writing to the standard streams directly: the program's printed output
  // so far comes first.
  if (fd == 1 || fd == 2)
    nl_flush();
  return nl_plat_file_write(fd, buf, n);
}

int64_t nl_file_seek(int64_t fd, int64_t offset, int64_t whence) {
  return whence < 0 || whence > 2 ? -kEINVAL
                                  : nl_plat_file_seek(fd, offset, whence);
}

int64_t nl_file_size(int64_t fd) { return nl_plat_file_size(fd); }

int64_t nl_file_close(int64_t fd) { return nl_plat_file_close(fd); }

void *nl_file_map(int64_t fd, int64_t *error) {
  *error = 0;
  return nl_plat_file_map(fd, error);
}

void *nl_file_map_at(int64_t fd, const char *file, int64_t file_len,
                     int64_t line, int64_t col) {
  int64_t error;
  void *p = nl_file_map(fd, &error);
  if (p != NULL)
    return p;
  static const char prefix[] = "cannot map the file: ";
  const char *reason = nl_error_message(error);
  char text[160];
  int64_t n = 0;
  for (const char *c = prefix; *c != '\0'; ++c)
    text[n++] = *c;
  for (const char *c = reason; *c != '\0' && n < (int64_t)sizeof text; ++c)
    text[n++] = *c;
  nl_panic(text, n, file, file_len, line, col);
}

int64_t nl_file_try_map(int64_t fd) {
  int64_t error;
  void *p = nl_file_map(fd, &error);
  return p != NULL ? (int64_t)(uintptr_t)p : error;
}

static int64_t length(const char *s) {
  int64_t n = 0;
  while (s[n] != '\0')
    ++n;
  return n;
}

const char *nl_error_message(int64_t code) {
  const char *text = code < 0 ? nl_plat_error_message(-code) : NULL;
  return text != NULL ? text : "Unknown error";
}

int64_t nl_error_message_len(int64_t code) {
  return length(nl_error_message(code));
}

const char *nl_env_get(const char *name, int64_t name_len) {
  char buf[kMaxPath + 1];
  if (c_string(name, name_len, buf) < 0)
    return NULL;
  for (int64_t i = 0; i < name_len; ++i)
    if (buf[i] == '=')
      return NULL;
  return nl_plat_getenv(buf);
}

int64_t nl_env_len(const char *name, int64_t name_len) {
  const char *value = nl_env_get(name, name_len);
  return value != NULL ? length(value) : -1;
}
