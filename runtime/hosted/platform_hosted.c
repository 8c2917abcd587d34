//===- platform_hosted.c - The runtime platform layer for Linux -----------===//
//
// Implements platform.h with POSIX and libc: write(2) for output, exit(3) to
// end the process, posix_memalign/free for memory and
// clock_gettime(CLOCK_MONOTONIC) for time. This file, signals.c and
// main_hosted.c are the only parts of the hosted runtime that use libc.
//
//===----------------------------------------------------------------------===//

#define _POSIX_C_SOURCE 200809L

#include "../platform.h"

#include <errno.h>
#include <stdlib.h>
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

void *nl_plat_alloc(size_t size, size_t align) {
  // posix_memalign rejects alignments below the size of a pointer.
  if (align < sizeof(void *))
    align = sizeof(void *);
  void *p;
  if (posix_memalign(&p, align, size) != 0)
    return NULL;
  return p;
}

void nl_plat_free(void *p) { free(p); }

uint64_t nl_plat_clock_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
