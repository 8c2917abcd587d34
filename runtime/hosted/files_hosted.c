//===- files_hosted.c - Files and the environment on Linux ----------------===//
//
// The file functions of platform.h over POSIX file descriptors: the handle
// is the descriptor. Every call is retried on EINTR and reports -errno.
// Mapping lives in platform_hosted.c, next to the block headers it shares
// with the allocator.
//
//===----------------------------------------------------------------------===//

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "../nl_runtime.h"
#include "../platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int64_t nl_plat_file_open(const char *path, int64_t mode) {
  static const int flags[] = {
      [NL_FILE_READ] = O_RDONLY,
      [NL_FILE_WRITE] = O_WRONLY | O_CREAT | O_TRUNC,
      [NL_FILE_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
      [NL_FILE_UPDATE] = O_RDWR,
  };
  int fd;
  do
    fd = open(path, flags[mode] | O_CLOEXEC, 0666);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return -errno;
  // Reading a directory would fail later with a less helpful EISDIR.
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return -EISDIR;
  }
  return fd;
}

int64_t nl_plat_file_read(int64_t fd, void *buf, int64_t n) {
  ssize_t got;
  do
    got = read((int)fd, buf, (size_t)n);
  while (got < 0 && errno == EINTR);
  return got < 0 ? -errno : got;
}

int64_t nl_plat_file_write(int64_t fd, const void *buf, int64_t n) {
  const char *p = buf;
  int64_t left = n;
  while (left > 0) {
    ssize_t put = write((int)fd, p, (size_t)left);
    if (put < 0 && errno == EINTR)
      continue;
    if (put < 0)
      return -errno;
    p += put;
    left -= put;
  }
  return n;
}

int64_t nl_plat_file_seek(int64_t fd, int64_t offset, int64_t whence) {
  static const int whences[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  off_t pos = lseek((int)fd, (off_t)offset, whences[whence]);
  return pos < 0 ? -errno : pos;
}

int64_t nl_plat_file_size(int64_t fd) {
  struct stat st;
  return fstat((int)fd, &st) < 0 ? -errno : st.st_size;
}

int64_t nl_plat_file_close(int64_t fd) {
  // Linux releases the descriptor even when close reports EINTR: no retry.
  return close((int)fd) < 0 && errno != EINTR ? -errno : 0;
}

const char *nl_plat_error_message(int64_t code) {
  return code > 0 && code < 4096 ? strerrordesc_np((int)code) : NULL;
}

const char *nl_plat_getenv(const char *name) { return getenv(name); }
