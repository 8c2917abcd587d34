//===- internal.h - Helpers shared by the runtime core files --------------===//
//
// Declarations used across runtime/core that are not part of the public ABI:
// the buffered byte writer behind stdout and panic messages, and the fatal
// error path for errors the runtime detects itself (which have no source
// location to report). Like the rest of the core, it needs no libc.
//
//===----------------------------------------------------------------------===//

#ifndef NL_CORE_INTERNAL_H
#define NL_CORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// A byte buffer in front of a platform output stream.
typedef struct NlWriter {
  char *buf;  ///< Storage for pending bytes.
  size_t cap; ///< Size of buf.
  size_t len; ///< Number of pending bytes at the start of buf.
  int stream; ///< NL_PLAT_STDOUT or NL_PLAT_STDERR.
} NlWriter;

/// Appends \p n bytes to \p w, flushing first when they do not fit. Data at
/// least as large as the whole buffer bypasses it, after the pending bytes.
void nl_writer_put(NlWriter *w, const char *data, size_t n);
/// Appends the NUL-terminated string \p s to \p w.
void nl_writer_put_cstr(NlWriter *w, const char *s);

/// Appends the decimal form of \p v to \p w.
void nl_writer_put_i64(NlWriter *w, int64_t v);

/// Writes the pending bytes of \p w to its stream and empties the buffer.
void nl_writer_flush(NlWriter *w);

/// Ends the program like nl_panic, for errors found by the runtime itself:
/// writes "<runtime>: runtime error: MSG\n" (\p msg is NUL-terminated).
/// Set by the hosted GPU runtime once it has given out device memory (a
/// tensor on a GPU, runtime/hosted/gpu.c): frees \p p and returns true if
/// \p p is such memory, else returns false. nl_dealloc asks it first.
extern bool (*nl_rt_free_device_memory)(void *p);

/// Set by the hosted GPU runtime once a launch may still run when it
/// returns (runtime/hosted/gpu.c): waits for every such launch. nl_exit
/// calls it before it claims the end, so that a kernel's failure is still
/// reported as one.
extern void (*nl_rt_before_exit)(void);

_Noreturn void nl_rt_fatal(const char *msg);

/// Claims the end of the program for the calling thread: true for the first
/// caller (a panic, nl_exit, a fatal signal), false for every later one,
/// which must not flush or report anything.
bool nl_rt_claim_end(void);

#endif // NL_CORE_INTERNAL_H
