//===- panic.c - Panics and process exit ----------------------------------===//
//
// The ways a program ends other than returning from nl_main: nl_panic for
// errors in the program, nl_rt_fatal for errors the runtime detects itself,
// and nl_exit. Each flushes stdout first, so output printed before the error
// is not lost and appears before the message, and ends with the profile
// table of programs built with --profile. Kernel instances run on several
// threads and may fail at the same moment: only the first thread to end the
// program flushes and reports; any other blocks until the process is gone,
// so there is exactly one message and stdout is written out exactly once.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"
#include "internal.h"

/// Converts a length from the ABI, where a negative one is a caller bug best
/// treated as empty.
static size_t byte_count(int64_t len) { return len > 0 ? (size_t)len : 0; }

/// The length of the NUL-terminated string \p s (there is no libc).
static size_t c_len(const char *s) {
  size_t n = 0;
  while (s[n] != '\0')
    ++n;
  return n;
}

/// Begins an error message with its source location, `file:line:col`.
static void put_location(NlWriter *w, const char *file, int64_t file_len,
                         int64_t line, int64_t col) {
  nl_writer_put(w, file, byte_count(file_len));
  nl_writer_put_cstr(w, ":");
  nl_writer_put_i64(w, line);
  nl_writer_put_cstr(w, ":");
  nl_writer_put_i64(w, col);
}

/// Nonzero once a thread has begun to end the program.
static int ending;

bool nl_rt_claim_end(void) {
  return __atomic_exchange_n(&ending, 1, __ATOMIC_ACQ_REL) == 0;
}

/// Makes the calling thread the one that ends the program and flushes
/// stdout, or blocks it for good when another thread got there first.
static void begin_end(void) {
  if (!nl_rt_claim_end())
    nl_plat_wait_forever();
  nl_flush();
}

/// Writes out the message in \p err and exits with NL_PANIC_STATUS.
static _Noreturn void end_panic(NlWriter *err) {
  nl_writer_flush(err);
  nl_profile_report();
  nl_plat_exit(NL_PANIC_STATUS);
}

/// Finishes a panic message begun in \p err (its location) and exits.
static _Noreturn void finish_panic(NlWriter *err, const char *msg,
                                   size_t msg_len) {
  nl_writer_put_cstr(err, ": runtime error: ");
  nl_writer_put(err, msg, msg_len);
  nl_writer_put_cstr(err, "\n");
  end_panic(err);
}

void nl_panic(const char *msg, int64_t msg_len, const char *file,
              int64_t file_len, int64_t line, int64_t col) {
  begin_end();
  char storage[256];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  put_location(&err, file, file_len, line, col);
  finish_panic(&err, msg, byte_count(msg_len));
}

void nl_tile_bounds_error(const char *kernel, int64_t kernel_len,
                          const char *op, int64_t op_len, int64_t pid0,
                          int64_t pid1, int64_t pid2, int64_t rank,
                          int64_t index0, int64_t index1, int64_t size0,
                          int64_t size1, const char *file, int64_t file_len,
                          int64_t line, int64_t col) {
  begin_end();
  char storage[512];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  put_location(&err, file, file_len, line, col);
  nl_writer_put_cstr(&err, ": runtime error: kernel `");
  nl_writer_put(&err, kernel, byte_count(kernel_len));
  nl_writer_put_cstr(&err, "`, program (");
  nl_writer_put_i64(&err, pid0);
  nl_writer_put_cstr(&err, ", ");
  nl_writer_put_i64(&err, pid1);
  nl_writer_put_cstr(&err, ", ");
  nl_writer_put_i64(&err, pid2);
  nl_writer_put_cstr(&err, "): ");
  nl_writer_put(&err, op, byte_count(op_len));
  nl_writer_put_cstr(&err, " of tile [");
  nl_writer_put_i64(&err, index0);
  if (rank == 2) {
    nl_writer_put_cstr(&err, ", ");
    nl_writer_put_i64(&err, index1);
  }
  nl_writer_put_cstr(&err, "] lies outside its view (size ");
  nl_writer_put_i64(&err, size0);
  if (rank == 2) {
    nl_writer_put_cstr(&err, " x ");
    nl_writer_put_i64(&err, size1);
  }
  nl_writer_put_cstr(&err, ")\n");
  end_panic(&err);
}

void nl_rt_fatal(const char *msg) {
  begin_end();
  char storage[256];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  nl_writer_put_cstr(&err, "<runtime>");
  finish_panic(&err, msg, c_len(msg));
}

void nl_exit(int32_t status) {
  void (*before)(void) = __atomic_load_n(&nl_rt_before_exit, __ATOMIC_ACQUIRE);
  if (before)
    before();
  begin_end();
  nl_scratch_release();
  nl_profile_report();
  nl_plat_exit(status);
}
