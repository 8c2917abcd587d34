// Checks the stdout buffering of the runtime by capturing its output in a
// pipe: nothing is written until the 4 KiB buffer is full or nl_flush is
// called, a write that does not fit flushes the buffer first, data as large as
// the buffer is written straight through, bytes come out in order (embedded
// NULs included) and empty or negative lengths print nothing.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t && %t | FileCheck %s
// CHECK: print_buffer: 10 passed, 0 failed

#include "nl_runtime.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int capture_fd = -1, saved_stdout = -1;
static unsigned passed, failed;

/// Sends file descriptor 1, which the runtime writes to, into a pipe.
static void begin_capture(void) {
  int fds[2];
  if (pipe(fds) != 0)
    perror("pipe");
  fflush(stdout);
  saved_stdout = dup(STDOUT_FILENO);
  dup2(fds[1], STDOUT_FILENO);
  close(fds[1]);
  capture_fd = fds[0];
}

/// Returns the number of bytes the runtime has written so far.
static int written(void) {
  int n = -1;
  ioctl(capture_fd, FIONREAD, &n);
  return n;
}

/// Restores stdout and reads everything captured into \p buf.
static size_t end_capture(char *buf, size_t cap) {
  dup2(saved_stdout, STDOUT_FILENO);
  close(saved_stdout);
  size_t len = 0;
  ssize_t n;
  while (len < cap && (n = read(capture_fd, buf + len, cap - len)) > 0)
    len += (size_t)n;
  close(capture_fd);
  return len;
}

static void check(const char *what, int got, int want) {
  if (got == want) {
    ++passed;
    return;
  }
  ++failed;
  // stderr: stdout may be the pipe being checked.
  fprintf(stderr, "FAIL %s: %d, expected %d\n", what, got, want);
}

int main(void) {
  static char expected[16384], captured[16384];
  static char big[5000];
  size_t len = 0;
  memset(big, 'B', sizeof big);
  big[0] = '<';
  big[sizeof big - 1] = '>';

  begin_capture();
  nl_print_str("abc", 3);
  nl_print_str("ignored", 0);
  nl_print_str("ignored", -5);
  nl_print_str("x\0y", 3);
  memcpy(expected + len, "abcx\0y", 6);
  len += 6;
  check("bytes written before the buffer is full", written(), 0);

  // Fill the buffer exactly: still nothing is written.
  for (int i = 0; i < 4090; ++i) {
    char c = (char)('a' + i % 26);
    nl_print_str(&c, 1);
    expected[len++] = c;
  }
  check("bytes written with a full buffer", written(), 0);

  // One more byte does not fit: the 4096 buffered ones go out.
  nl_print_str("!", 1);
  expected[len++] = '!';
  check("bytes written on overflow", written(), 4096);

  // A write as large as the buffer flushes the pending byte, then bypasses it.
  nl_print_str(big, sizeof big);
  memcpy(expected + len, big, sizeof big);
  len += sizeof big;
  check("bytes written after a large write", written(), 4097 + 5000);

  nl_print_i64(-42);
  nl_print_u64(7);
  nl_print_bool(true);
  nl_print_f64(0.5);
  nl_print_f32(0.1f);
  nl_print_newline();
  const char tail[] = "-427true0.50.1\n";
  memcpy(expected + len, tail, sizeof tail - 1);
  len += sizeof tail - 1;
  check("bytes written before nl_flush", written(), 9097);
  nl_flush();
  check("bytes written after nl_flush", written(), (int)len);
  nl_flush();
  check("bytes written after a second nl_flush", written(), (int)len);

  // Exactly a buffer's worth at once also goes straight through.
  memset(big, 'C', 4096);
  nl_print_str(big, 4096);
  memcpy(expected + len, big, 4096);
  len += 4096;
  check("bytes written after a buffer-sized write", written(), (int)len);

  size_t got = end_capture(captured, sizeof captured);
  check("captured length", (int)got, (int)len);
  check("captured bytes match",
        got == len && memcmp(captured, expected, len) == 0, 1);

  printf("print_buffer: %u passed, %u failed\n", passed, failed);
  return failed != 0;
}
