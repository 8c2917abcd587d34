//===- nl_runtime.h - Public ABI of the Neuro-Lang runtime ----------------===//
//
// This is the one public header of nlrt, the runtime library that is linked
// into every executable nlc produces. It declares the stable C ABI that
// generated code calls: buffered printing of strings, integers, floats and
// booleans, panics and process exit, aligned allocation, a monotonic clock,
// access to the program arguments and the counters of `nlc --profile`. It
// includes only freestanding headers, so the same declarations serve the
// hosted (Linux/libc) build and the bare-metal unikernel build. The runtime is
// single-threaded: none of these functions may be called concurrently.
//
//===----------------------------------------------------------------------===//

#ifndef NL_RUNTIME_H
#define NL_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define NL_NORETURN [[noreturn]]
extern "C" {
#else
/// Marks a function that never returns, in both C and C++.
#define NL_NORETURN _Noreturn
#endif

/// Exit status of a process that ends in a panic (nl_panic or an error the
/// runtime detects itself, such as running out of memory).
#define NL_PANIC_STATUS 101

//===----------------------------------------------------------------------===//
// Printing. Output to stdout is buffered; it is flushed when the buffer is
// full, by nl_flush, before any panic message and when the program exits.
//===----------------------------------------------------------------------===//

/// Prints the \p len bytes at \p s to stdout. The bytes need not be
/// NUL-terminated and may contain NUL; a \p len <= 0 prints nothing.
void nl_print_str(const char *s, int64_t len);

/// Prints \p v in decimal, with a leading '-' when negative.
void nl_print_i64(int64_t v);

/// Prints \p v in decimal.
void nl_print_u64(uint64_t v);

/// Prints the shortest decimal that reads back as exactly \p v. Values with a
/// decimal exponent in [-4, 16) are written plainly with at least one
/// fractional digit ("100.0", "0.0001"), others in scientific notation
/// ("1e16", "-1.5e-7"); the special values are "nan", "inf", "-inf", "-0.0".
void nl_print_f64(double v);

/// Like nl_print_f64, but the digits are the shortest that read back as
/// exactly \p v as a float, so 0.1f prints as "0.1".
void nl_print_f32(float v);

/// Prints "true" or "false".
void nl_print_bool(bool v);

/// Prints a line feed. It does not flush the buffer.
void nl_print_newline(void);

/// Writes out everything buffered for stdout.
void nl_flush(void);

//===----------------------------------------------------------------------===//
// Termination.
//===----------------------------------------------------------------------===//

/// Aborts the program: flushes stdout, writes
/// "FILE:LINE:COL: runtime error: MSG\n" to stderr and exits with
/// NL_PANIC_STATUS. \p msg and \p file are byte strings of the given lengths,
/// not NUL-terminated.
NL_NORETURN void nl_panic(const char *msg, int64_t msg_len, const char *file,
                          int64_t file_len, int64_t line, int64_t col);

/// Flushes stdout and ends the process with exit status \p status.
/// Bounds-checked kernels (`nlc --check-bounds`): reports that a `load` or
/// `store` (`op`) of tile `[index0, index1]` (rank 1: `[index0]`) in program
/// (pid0, pid1, pid2) of `kernel` lies wholly outside its view of
/// `size0 x size1`, at FILE:LINE:COL, then exits with NL_PANIC_STATUS.
NL_NORETURN void nl_tile_bounds_error(
    const char *kernel, int64_t kernel_len, const char *op, int64_t op_len,
    int64_t pid0, int64_t pid1, int64_t pid2, int64_t rank, int64_t index0,
    int64_t index1, int64_t size0, int64_t size1, const char *file,
    int64_t file_len, int64_t line, int64_t col);

NL_NORETURN void nl_exit(int32_t status);

//===----------------------------------------------------------------------===//
// Memory.
//===----------------------------------------------------------------------===//

/// Allocates \p size bytes aligned to \p align, which must be a power of two.
/// A \p size of 0 returns a unique pointer that may only be freed. Invalid
/// arguments and exhausted memory end the program with a runtime error
/// ("invalid allocation size", "invalid allocation alignment",
/// "out of memory") reported at location "<runtime>"; it never returns NULL.
void *nl_alloc(int64_t size, int64_t align);

/// Releases memory from nl_alloc. Freeing NULL does nothing.
void nl_free(void *p);

//===----------------------------------------------------------------------===//
// Environment.
//===----------------------------------------------------------------------===//

/// Returns the nanoseconds elapsed since an arbitrary fixed point in the past;
/// the value never decreases while the program runs.
int64_t nl_clock_ns(void);

/// Returns the number of program arguments, the program name (argv[0])
/// included; 0 before nl_set_args has been called.
int64_t nl_argc(void);

/// Returns a pointer to the bytes of argument \p i (0 <= i < nl_argc()). The
/// bytes are followed by a NUL, which nl_arg_len does not count. An index out
/// of range ends the program with "argument index out of range".
const char *nl_arg_ptr(int64_t i);

/// Returns the length in bytes of argument \p i, with the same range check as
/// nl_arg_ptr.
int64_t nl_arg_len(int64_t i);

/// Records the program arguments for nl_argc, nl_arg_ptr and nl_arg_len. The
/// hosted main calls it; \p argv must stay valid for the rest of the run.
void nl_set_args(int32_t argc, char **argv);

/// The entry point of a compiled Neuro-Lang program, defined by the code nlc
/// generates and called by the runtime's main. Its result is the process exit
/// status.
int32_t nl_main(void);

//===----------------------------------------------------------------------===//
// Profiling (nlc --profile).
//===----------------------------------------------------------------------===//

/// The counters of one profiled function. nlc emits one per function with
/// the name filled in and zero counts, and registers it from a module
/// constructor; every call that returns adds 1 to \p calls and the cycles it
/// took (cycle counter at return minus at entry, callees included) to
/// \p cycles.
typedef struct NlProfileEntry {
  uint64_t calls;   ///< Calls that returned.
  uint64_t cycles;  ///< Cycles spent in those calls, callees included.
  const char *name; ///< Function name (bytes, not NUL-terminated).
  int64_t name_len; ///< Length of name in bytes.
  struct NlProfileEntry *next; ///< Set by nl_profile_register.
} NlProfileEntry;

/// Adds \p entry to the table that nl_profile_report prints. An entry
/// registered twice is listed once.
void nl_profile_register(NlProfileEntry *entry);

/// Writes the profile table to stderr if any entry was registered; the
/// runtime calls it when the program ends (return from main, nl_exit,
/// panics). The format is documented in docs/BareMetal.md: a header line,
/// then one line per function, most total cycles first, each starting with
/// "profile: ".
void nl_profile_report(void);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // NL_RUNTIME_H
