//===- panic.c - Panics and process exit ----------------------------------===//
//
// The ways a program ends other than returning from nl_main: nl_panic for
// errors in the program, nl_rt_fatal for errors the runtime detects itself,
// and nl_exit. Each flushes stdout first, so output printed before the error
// is not lost and appears before the message, and ends with the profile
// table of programs built with --profile.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"
#include "internal.h"

/// Converts a length from the ABI, where a negative one is a caller bug best
/// treated as empty.
static size_t byte_count(int64_t len) { return len > 0 ? (size_t)len : 0; }

/// Finishes a panic message begun in \p err (its location), writes it out and
/// exits with NL_PANIC_STATUS.
static _Noreturn void finish_panic(NlWriter *err, const char *msg,
                                   size_t msg_len) {
  static const char kind[] = ": runtime error: ";
  nl_writer_put(err, kind, sizeof kind - 1);
  nl_writer_put(err, msg, msg_len);
  nl_writer_put(err, "\n", 1);
  nl_writer_flush(err);
  nl_profile_report();
  nl_plat_exit(NL_PANIC_STATUS);
}

void nl_panic(const char *msg, int64_t msg_len, const char *file,
              int64_t file_len, int64_t line, int64_t col) {
  nl_flush();
  char storage[256];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  nl_writer_put(&err, file, byte_count(file_len));
  nl_writer_put(&err, ":", 1);
  nl_writer_put_i64(&err, line);
  nl_writer_put(&err, ":", 1);
  nl_writer_put_i64(&err, col);
  finish_panic(&err, msg, byte_count(msg_len));
}

void nl_tile_bounds_error(const char *kernel, int64_t kernel_len,
                          const char *op, int64_t op_len, int64_t pid0,
                          int64_t pid1, int64_t pid2, int64_t rank,
                          int64_t index0, int64_t index1, int64_t size0,
                          int64_t size1, const char *file, int64_t file_len,
                          int64_t line, int64_t col) {
  nl_flush();
  char storage[512];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  nl_writer_put(&err, file, byte_count(file_len));
  nl_writer_put(&err, ":", 1);
  nl_writer_put_i64(&err, line);
  nl_writer_put(&err, ":", 1);
  nl_writer_put_i64(&err, col);
  nl_writer_put(&err, ": runtime error: kernel `", 25);
  nl_writer_put(&err, kernel, byte_count(kernel_len));
  nl_writer_put(&err, "`, program (", 12);
  nl_writer_put_i64(&err, pid0);
  nl_writer_put(&err, ", ", 2);
  nl_writer_put_i64(&err, pid1);
  nl_writer_put(&err, ", ", 2);
  nl_writer_put_i64(&err, pid2);
  nl_writer_put(&err, "): ", 3);
  nl_writer_put(&err, op, byte_count(op_len));
  nl_writer_put(&err, " of tile [", 10);
  nl_writer_put_i64(&err, index0);
  if (rank == 2) {
    nl_writer_put(&err, ", ", 2);
    nl_writer_put_i64(&err, index1);
  }
  nl_writer_put(&err, "] lies outside its view (size ", 30);
  nl_writer_put_i64(&err, size0);
  if (rank == 2) {
    nl_writer_put(&err, " x ", 3);
    nl_writer_put_i64(&err, size1);
  }
  nl_writer_put(&err, ")\n", 2);
  nl_writer_flush(&err);
  nl_profile_report();
  nl_plat_exit(NL_PANIC_STATUS);
}

void nl_rt_fatal(const char *msg) {
  nl_flush();
  char storage[256];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  nl_writer_put(&err, "<runtime>", 9);
  size_t msg_len = 0;
  while (msg[msg_len] != '\0')
    ++msg_len;
  finish_panic(&err, msg, msg_len);
}

void nl_exit(int32_t status) {
  nl_flush();
  nl_profile_report();
  nl_plat_exit(status);
}
