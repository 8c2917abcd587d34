//===- platform.h - What the runtime core needs from its platform ---------===//
//
// The core of nlrt (runtime/core) uses no libc, so that the same code runs in
// a Linux process and on bare metal. Everything it needs from the outside world
// goes through the few functions declared here, and each flavour of the
// runtime provides exactly one implementation of them (hosted/ for Linux; a
// bare-metal file for the unikernel). Besides these, a platform must provide
// memcpy, memmove, memset and memcmp: C compilers may emit calls to them even
// in freestanding code, and the core uses __builtin_memcpy. This header is
// internal to the runtime; generated code never sees it.
//
//===----------------------------------------------------------------------===//

#ifndef NL_PLATFORM_H
#define NL_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/// Output streams understood by nl_plat_write.
enum {
  NL_PLAT_STDOUT = 1, ///< Program output (the serial console on bare metal).
  NL_PLAT_STDERR = 2, ///< Diagnostics (may be the same device as stdout).
};

/// Writes all \p len bytes at \p buf to \p stream, retrying short writes.
/// Errors are ignored: the runtime has nowhere to report them.
void nl_plat_write(int stream, const char *buf, size_t len);

/// Ends the program with exit status \p status. The core flushes its own
/// buffers before calling this.
_Noreturn void nl_plat_exit(int status);

/// Blocks the calling thread until the process ends: what a thread does
/// when another one is already ending the program (panic.c).
_Noreturn void nl_plat_wait_forever(void);

/// Returns \p size bytes (size >= 1) aligned to \p align (a power of two), or
/// NULL when the memory is exhausted or the request cannot be met.
void *nl_plat_alloc(size_t size, size_t align);

/// Releases a non-NULL pointer returned by nl_plat_alloc.
void nl_plat_free(void *p);

/// Returns a monotonic clock reading in nanoseconds.
uint64_t nl_plat_clock_ns(void);

#endif // NL_PLATFORM_H
