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

//===----------------------------------------------------------------------===//
// Files and the environment (core/files.c). Every function returns a
// negative Linux errno value (-ENOENT...) on failure; both platforms use the
// Linux numbers, so messages and tests agree. \p path is NUL-terminated.
//===----------------------------------------------------------------------===//

/// Opens \p path with an NL_FILE_* mode (nl_runtime.h); returns a handle
/// >= 0.
int64_t nl_plat_file_open(const char *path, int64_t mode);

/// Reads up to \p n bytes (n >= 0); returns the count, 0 at the end.
int64_t nl_plat_file_read(int64_t fd, void *buf, int64_t n);

/// Writes all \p n bytes; returns n.
int64_t nl_plat_file_write(int64_t fd, const void *buf, int64_t n);

/// Moves the position (whence: 0 start, 1 current, 2 end); returns it.
int64_t nl_plat_file_seek(int64_t fd, int64_t offset, int64_t whence);

/// The size of the file in bytes.
int64_t nl_plat_file_size(int64_t fd);

/// Closes the handle; returns 0.
int64_t nl_plat_file_close(int64_t fd);

/// Maps the whole file, copy-on-write: the program may read and write the
/// memory; writes never reach the file. The result can be released with
/// nl_plat_free like a block from nl_plat_alloc. Returns NULL and sets
/// \p *error (a negative errno value) on failure.
void *nl_plat_file_map(int64_t fd, int64_t *error);

/// The message for the errno value \p code (positive), or NULL if unknown.
const char *nl_plat_error_message(int64_t code);

/// The value of the environment variable \p name, or NULL if unset.
const char *nl_plat_getenv(const char *name);

#endif // NL_PLATFORM_H
