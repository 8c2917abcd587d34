//===- platform_hosted.c - The runtime platform layer for Linux -----------===//
//
// Implements platform.h with POSIX and libc: write(2) for output, exit(3) to
// end the process, posix_memalign/free for small blocks and mmap for large
// ones, and clock_gettime(CLOCK_MONOTONIC) for time. Every block carries a
// small header right below it that says how to release it: blocks of at
// least kLargeBlock bytes are mapped on 2 MiB boundaries and marked for
// transparent huge pages (madvise(MADV_HUGEPAGE)), so that large tensors
// cost few TLB entries wherever the kernel offers huge pages; mapped files
// (nl_plat_file_map) carry the same header, so nl_plat_free releases them
// too. This file, files_hosted.c, signals.c and main_hosted.c are the only
// parts of the hosted runtime that use libc.
//
//===----------------------------------------------------------------------===//

#define _DEFAULT_SOURCE

#include "../platform.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

void nl_plat_write(int stream, const char *buf, size_t len) {
  int fd = stream == NL_PLAT_STDERR ? STDERR_FILENO : STDOUT_FILENO;
  while (len > 0) {
    ssize_t written = write(fd, buf, len);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return;
    buf += written;
    len -= (size_t)written;
  }
}

void nl_plat_exit(int status) {
  // exit rather than _exit, so that C code linked into the program (tests,
  // foreign functions) still gets its stdio buffers flushed.
  exit(status);
}

void nl_plat_wait_forever(void) {
  for (;;)
    pause();
}

enum {
  kHugePage = 2 << 20,
  /// Blocks from this size on are mapped on huge-page boundaries.
  kLargeBlock = 4 << 20,
};

/// Blocks below kLargeBlock come from posix_memalign. By default glibc maps
/// each block from 128 KiB up on its own and unmaps it when freed, and
/// trims the heap as soon as 128 KiB at its top are free: a kernel that
/// allocates and frees a 128 KiB tile buffer per program instance then
/// faults in fresh zeroed pages every time (3x slower on a softmax over
/// rows of 32768). Up to kLargeBlock, blocks come from the heap, and freed
/// memory is kept for reuse up to 64 MiB.
__attribute__((constructor)) static void tune_malloc(void) {
  mallopt(M_MMAP_THRESHOLD, kLargeBlock);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

/// Lies right below every block: where its memory begins, for mapped
/// blocks the length of the mapping (0 for blocks from posix_memalign), and
/// the size and alignment it was allocated with (for the block cache).
typedef struct BlockHeader {
  char *base;
  size_t mapped;
  size_t size, align;
} BlockHeader;

static BlockHeader *header_of(void *p) { return (BlockHeader *)p - 1; }

/// \p n rounded up to a multiple of \p to (a power of two), or 0 on overflow.
static size_t round_up(size_t n, size_t to) {
  return n > SIZE_MAX - (to - 1) ? 0 : (n + to - 1) & ~(to - 1);
}

/// A block of \p size bytes at offset \p align into a mapping that starts on
/// a huge-page boundary.
static void *map_large(size_t size, size_t align) {
  size_t keep = round_up(size + align, kHugePage);
  if (keep == 0 || keep > SIZE_MAX - kHugePage)
    return NULL;
  // Map one huge page more than needed, then trim to a 2 MiB boundary.
  size_t len = keep + kHugePage;
  char *raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    return NULL;
  char *start = (char *)round_up((size_t)raw, kHugePage);
  size_t head = (size_t)(start - raw);
  if (head > 0)
    munmap(raw, head);
  if (len - head > keep)
    munmap(start + keep, len - head - keep);
  // Advice only: where huge pages are disabled the mapping still works.
  madvise(start, keep, MADV_HUGEPAGE);
  char *p = start + align;
  *header_of(p) = (BlockHeader){start, keep};
  return p;
}

/// Recently freed blocks of kCacheMin bytes or more, handed out again to a
/// request of the same size and alignment. A program that allocates a
/// tensor of the same shape call after call (a tile-map function's result)
/// otherwise gets fresh pages for about its first ten calls, since small
/// allocations in between take parts of the freed block and the heap grows
/// instead, and gets a fresh mapping every time from kLargeBlock up: every
/// page written for the first time costs a fault and a clearing (a
/// tile-map matmul at 256^3 ran 1.5-1.7x slower in those calls). The
/// slots hold at most kCacheBytes; the oldest block goes first.
enum {
  kCacheMin = 64 << 10,
  kCacheSlots = 8,
  kCacheBytes = 64 << 20,
};
static void *cache[kCacheSlots];
static size_t cache_count, cache_bytes;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/// Gives the memory of block \p p back to the system.
static void release(void *p) {
  BlockHeader h = *header_of(p);
  if (h.mapped != 0)
    munmap(h.base, h.mapped);
  else
    free(h.base);
}

/// Takes slot \p i out of the cache (the lock held) and gives its block.
static void *take_slot(size_t i) {
  void *p = cache[i];
  for (size_t j = i; j + 1 < cache_count; ++j)
    cache[j] = cache[j + 1];
  --cache_count;
  cache_bytes -= header_of(p)->size;
  return p;
}

/// A cached block of exactly \p size bytes aligned to \p align, or NULL.
static void *take_cached(size_t size, size_t align) {
  void *found = NULL;
  pthread_mutex_lock(&cache_lock);
  for (size_t i = cache_count; i-- > 0;) {
    BlockHeader *h = header_of(cache[i]);
    if (h->size == size && h->align == align) {
      found = take_slot(i);
      break;
    }
  }
  pthread_mutex_unlock(&cache_lock);
  return found;
}

void *nl_plat_alloc(size_t size, size_t align) {
  // The header needs 32 bytes below the block; the block stays aligned
  // because it starts `align` bytes into aligned memory.
  if (align < sizeof(BlockHeader))
    align = sizeof(BlockHeader);
  if (size > SIZE_MAX - align)
    return NULL;
  if (size >= kCacheMin) {
    void *p = take_cached(size, align);
    if (p != NULL)
      return p;
  }
  char *p;
  if (size >= kLargeBlock && align <= kHugePage) {
    p = (char *)map_large(size, align);
    if (p == NULL)
      return NULL;
  } else {
    void *base;
    if (posix_memalign(&base, align, size + align) != 0)
      return NULL;
    p = (char *)base + align;
    *header_of(p) = (BlockHeader){base, 0, 0, 0};
  }
  header_of(p)->size = size;
  header_of(p)->align = align;
  return p;
}

void nl_plat_free(void *p) {
  size_t size = header_of(p)->size;
  if (size < kCacheMin || size > kCacheBytes) {
    release(p);
    return;
  }
  // Kept: the oldest blocks make room, then this one goes last.
  void *evicted[kCacheSlots];
  size_t n = 0;
  pthread_mutex_lock(&cache_lock);
  while (cache_count > 0 &&
         (cache_count == kCacheSlots || cache_bytes + size > kCacheBytes))
    evicted[n++] = take_slot(0);
  cache[cache_count++] = p;
  cache_bytes += size;
  pthread_mutex_unlock(&cache_lock);
  for (size_t i = 0; i < n; ++i)
    release(evicted[i]);
}

void *nl_plat_file_map(int64_t fd, int64_t *error) {
  int64_t size = nl_plat_file_size(fd);
  if (size < 0) {
    *error = size;
    return NULL;
  }
  // One page for the header, then the file: reserve the whole range, then
  // map the file over all of it but the first page.
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t body = round_up((size_t)size, page);
  if ((uint64_t)size > SIZE_MAX - 2 * page || (size > 0 && body == 0)) {
    *error = -ENOMEM;
    return NULL;
  }
  char *start = mmap(NULL, page + body, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (start == MAP_FAILED) {
    *error = -errno;
    return NULL;
  }
  char *p = start + page;
  if (size > 0 && mmap(p, (size_t)size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_FIXED, (int)fd, 0) == MAP_FAILED) {
    *error = -errno;
    munmap(start, page + body);
    return NULL;
  }
  *header_of(p) = (BlockHeader){start, page + body};
  return p;
}

uint64_t nl_plat_clock_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
