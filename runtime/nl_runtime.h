//===- nl_runtime.h - Public ABI of the Neuro-Lang runtime ----------------===//
//
// This is the one public header of nlrt, the runtime library that is linked
// into every executable nlc produces. It declares the stable C ABI that
// generated code calls: buffered printing of strings, integers, floats and
// booleans, panics and process exit, aligned allocation, kernel grids (on a
// pool of threads or an NVIDIA GPU), a monotonic clock, access to the
// program arguments and the counters of `nlc --profile`. It
// includes only freestanding headers, so the same declarations serve the
// hosted (Linux/libc) build and the bare-metal unikernel build. Kernel
// instances run on several threads at once, so the functions they call
// (allocation, nl_panic, nl_tile_bounds_error) are thread-safe, and the ways
// a program ends (panics, runtime errors, nl_exit, fatal signals) take one
// lock: the first thread to end the program flushes stdout and reports,
// every other one blocks until the process is gone. The print functions and
// nl_set_args are for the main thread only.
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

/// Releases memory from nl_alloc or nl_alloc_at. Freeing NULL does nothing.
void nl_free(void *p);

/// The allocation of tensors and heap tile buffers in generated code: like
/// nl_alloc, but its errors are reported at FILE:LINE:COL, the source
/// location of the allocation (`Tensor::alloc`, a tile-map call, a kernel's
/// tile), as "allocation size overflows (more than 2^63 - 1 bytes)" for a
/// negative \p size (generated code passes -1 when computing the size
/// overflowed) and "out of memory (allocating N bytes)". Memory of at least
/// 4 MiB is mapped on 2 MiB boundaries and marked for huge pages where the
/// operating system offers them (hosted).
void *nl_alloc_at(int64_t size, int64_t align, const char *file,
                  int64_t file_len, int64_t line, int64_t col);

/// nl_free under the name generated code uses, so that a program's own
/// `extern fn nl_free` declaration cannot clash with it. A scratch block
/// (nl_scratch_take_at) is kept for reuse instead of freed.
void nl_dealloc(void *p);

/// A scratch block of \p size bytes, aligned to 64: memory generated code
/// takes before a launch and gives back (nl_dealloc) after it, such as the
/// packed `dot` operands. The runtime keeps the last few such blocks and
/// hands an idle one of at least \p size bytes out again, so that a grid
/// launched many times does not write fresh pages every time. Errors as
/// for nl_alloc_at. Host code only (one thread), never in a kernel.
void *nl_scratch_take_at(int64_t size, const char *file, int64_t file_len,
                         int64_t line, int64_t col);

/// Frees the idle scratch blocks (nl_exit does, before the program ends).
void nl_scratch_release(void);

/// The buffer of one leaf of a `Vec<T>` grown to \p new_bytes: a new buffer
/// from nl_alloc holding the first \p old_bytes of \p old, which is freed
/// (\p old may be NULL).
void *nl_vec_grow(void *old, int64_t old_bytes, int64_t new_bytes);

/// Frees a buffer of a `Vec<T>` (NULL does nothing).
void nl_vec_free(void *buffer);

/// Moves \p bytes bytes of \p buffer from offset \p from to offset \p to
/// (the ranges may overlap): `insert` and `remove` of a `Vec<T>`.
void nl_vec_move(void *buffer, int64_t to, int64_t from, int64_t bytes);

/// FNV-1a (64 bits: offset basis 0xcbf29ce484222325, prime 0x100000001b3)
/// over \p n bytes at \p p: the `hash` builtin.
uint64_t nl_hash_bytes(const void *p, int64_t n);

//===----------------------------------------------------------------------===//
// Kernel grids.
//===----------------------------------------------------------------------===//

/// The body of a kernel grid: runs instances [begin, end) of the launch
/// whose arguments \p ctx holds (the instance index linearized x-major).
/// It only reads them.
typedef void (*NlGridBody)(void *ctx, int64_t begin, int64_t end);

/// Runs instances 0 .. count - 1 of a grid on a persistent pool of threads
/// (the caller and NL_NUM_THREADS - 1 workers, else OMP_NUM_THREADS, else
/// the CPUs the process may use) and returns when all are done; a grid whose
/// instances took less than handing some to another thread costs, the last
/// time \p body ran, runs on the caller alone (NL_GRID_INLINE_TICKS). Not
/// reentrant: one thread launches at a time. \p args, \p size bytes, is the
/// block handed to \p body (a copy of it, or itself). Hosted flavour only:
/// the bare-metal target runs grids as plain loops.
void nl_grid_launch(NlGridBody body, void *args, int64_t size, int64_t count);

/// The threads nl_grid_launch uses, the caller included.
int64_t nl_grid_threads(void);

/// Rows of instances per group of a 2-D grid (nlc-grids-to-runtime) whose
/// rows of instances each read \p strip_bytes of their left operand: as
/// many as fit half of this CPU's L2 cache, at least 1, at most \p most.
int64_t nl_grid_group_rows(int64_t strip_bytes, int64_t most);

//===----------------------------------------------------------------------===//
// Kernels on an NVIDIA GPU (hosted flavour only; runtime/hosted/gpu.c). The
// CUDA driver is loaded with dlopen at the first launch, so a program that
// never launches on the GPU runs where there is none.
//===----------------------------------------------------------------------===//

/// A kernel compiled for the GPU: one per kernel in the program, a static
/// global that nlc emits with `function` zero.
typedef struct NlGpuKernel {
  const char *image; ///< PTX text, NUL-terminated (for cuModuleLoadData).
  const char *name;  ///< The `.entry` name in the PTX, NUL-terminated.
  /// "file.nl:LINE:COL" of the kernel, after "NAME at " when its source
  /// name differs from the entry's; for messages.
  const char *where;
  void *function;    ///< The CUfunction, filled in by the first launch.
  /// The image compiled by ptxas for the chip nlc compiled for (a cubin),
  /// or NULL. Loaded instead of the PTX where there is one, unless
  /// NL_GPU_PTX is set (not "0"); the PTX is loaded where the driver
  /// refuses the cubin (a GPU of another architecture).
  const void *cubin;
} NlGpuKernel;

/// A view argument of a launch: host memory the kernel reads or writes.
typedef struct NlGpuMap {
  int32_t allocated; ///< Index in params of the memref's allocated pointer.
  int32_t aligned;   ///< Index in params of the memref's aligned pointer.
  /// Bytes [lo, hi) relative to the aligned pointer that the kernel can
  /// touch; hi <= lo means none.
  int64_t lo, hi;
  /// 0 when the kernel only reads the view: its host memory is not copied
  /// back (unless another view of the same memory is written).
  int32_t written;
} NlGpuMap;

/// Runs \p k on a grid of \p gx x \p gy x \p gz blocks of \p threads threads
/// with \p shared_bytes of dynamic shared memory each (more than 48 KiB is
/// asked of the driver first). A launch whose maps all lie in device memory
/// (nl_gpu_alloc_at) returns once the kernel is queued, before it runs
/// (nl_gpu_pending, nl_gpu_wait); any other waits for its kernel and for
/// the launches before it, as every launch does with CUDA_LAUNCH_BLOCKING or
/// NL_GPU_TIMING set. \p params are
/// cuLaunchKernel's kernelParams (params[i] points to the value of parameter
/// i); the slots they point to belong to this launch, which overwrites the
/// pointers of \p maps with device addresses. The host memory of the maps is
/// copied to the device before the launch and back after it (back only the
/// blocks that a map the kernel may write lies in); ranges that overlap or
/// touch (two views of one tensor) share one device block. A map
/// that lies in device memory (nl_gpu_alloc_at) is passed as it is. A grid
/// with no block does nothing. Any CUDA error, a missing driver or GPU
/// included, ends the program with a message that names the kernel, its
/// location and the error (exit status NL_PANIC_STATUS). Thread-safe.
/// NL_CUDA_LIBRARY, when set, is the driver library to load instead of
/// libcuda.so.1.
void nl_gpu_launch(NlGpuKernel *k, int64_t gx, int64_t gy, int64_t gz,
                   int32_t threads, int32_t shared_bytes, void **params,
                   int32_t nparams, const NlGpuMap *maps, int32_t nmaps);

/// A tensor map that a launch makes for a kernel's TMA copies
/// (nlc-gpu-distribute-tiles, sm_90a): 2-D, over the view of maps[view]
/// (`rows` x `cols` elements of `elem_bytes` from element `offset` of its
/// aligned pointer, `stride` elements from a row to the next), in boxes of
/// `box_rows` x `box_cols`, elements outside the view read as zeros; written
/// into the slot of parameter `param` (a CUtensorMap the kernel takes by
/// value: 128 bytes, 64-byte aligned). `type` is its CUtensorMapDataType,
/// `swizzle` its CUtensorMapSwizzle (0: none; 1, 2, 3: 32, 64, 128 bytes,
/// a box's rows then that wide).
typedef struct NlGpuTensorMap {
  int32_t param, view, type, elem_bytes;
  int32_t box_rows, box_cols, swizzle, reserved;
  int64_t offset, rows, cols, stride;
} NlGpuTensorMap;

/// nl_gpu_launch for a kernel with TMA copies: the maps' device addresses
/// are known, it encodes \p tmaps (cuTensorMapEncodeTiled). A view whose
/// address is not on 16 bytes, whose row stride is not a multiple of 16
/// bytes or that has no element is first copied (cuMemcpy2D) into device
/// memory with such rows (at least one element, zero), which the map
/// describes instead; the kernel only reads it. Sizes beyond 2^31 - 1 are
/// an error.
void nl_gpu_launch_tma(NlGpuKernel *k, int64_t gx, int64_t gy, int64_t gz,
                       int32_t threads, int32_t shared_bytes, void **params,
                       int32_t nparams, const NlGpuMap *maps, int32_t nmaps,
                       const NlGpuTensorMap *tmaps, int32_t ntmaps);

/// Nonzero while a launch the host has not waited for may run. Code that
/// touches device memory on the host calls nl_gpu_wait first if it is set.
extern int32_t nl_gpu_pending;

/// Waits for every launch that may still run; a kernel's failure ends the
/// program with a message naming the launches it may come from. Also called
/// before device memory is freed, by `device::synchronize()` and at the end
/// of the program.
void nl_gpu_wait(void);

/// How many GPUs a program built for one may use: 1 when the CUDA driver
/// loads and sets up device 0 (loading it if no launch has yet), else 0.
/// Never fails. `device::get(i)` asks it.
int32_t nl_gpu_device_count(void);

/// \p size bytes of memory on the GPU for a tensor (CUDA managed memory:
/// the host reads and writes it too, and launches pass its views to kernels
/// without copying them), at least 1, freed by nl_dealloc. A negative size
/// or a failure is a panic at FILE:LINE:COL. Only once nl_gpu_device_count
/// has said 1.
void *nl_gpu_alloc_at(int64_t size, const char *file, int64_t file_len,
                      int64_t line, int64_t col);

/// The device whose memory holds address \p addr: 1 (the GPU) for memory of
/// nl_gpu_alloc_at, else 0 (the CPU).
int32_t nl_gpu_device_of(int64_t addr);

/// Copies \p bytes from \p src to \p dst (`to`, `clone`). Where either
/// lies in GPU memory (nl_gpu_alloc_at) and the copy is of 64 KiB or more,
/// the driver copies (cuMemcpy: by DMA, staged through the driver's pinned
/// buffers for host memory), after a prefetch of the destination's pages
/// to the GPU (cuMemPrefetchAsync) when it lies there; a copy into GPU
/// memory is waited for (cuCtxSynchronize: cuMemcpy may return once host
/// bytes are staged). Otherwise the host copies (memcpy). A driver
/// failure is a panic at FILE:LINE:COL. The launches the host had not
/// waited for are waited for first (nl_gpu_wait).
void nl_gpu_copy(void *dst, const void *src, int64_t bytes, const char *file,
                 int64_t file_len, int64_t line, int64_t col);

/// After host code wrote \p bytes at \p p (`fill`, `fill_random` of a
/// whole tensor): where they are GPU memory, 64 KiB or more, starts moving
/// their pages to the GPU (cuMemPrefetchAsync, on devices with concurrent
/// managed access), so that the next kernel does not fault over them one
/// by one. Does nothing otherwise, and never fails.
void nl_gpu_prefetch(const void *p, int64_t bytes);

//===----------------------------------------------------------------------===//
// GPU kernels emulated on the CPU (nlc --gpu-emulation; hosted flavour only;
// runtime/hosted/gpu_emulate.c): a test of nlc's GPU code generation where
// there is no GPU. nlc compiles each kernel also as `nl_emu.NAME`, a host
// function that runs one thread of a block, and defines nl_gpu_emulation;
// the runtime then launches kernels on its emulated driver, which runs
// them through nl_gpu_emulate (or a driver library NL_CUDA_LIBRARY names,
// such as the tests' stand-in, test/Runtime/Inputs/fake_cuda.c).
//===----------------------------------------------------------------------===//

/// One thread of an emulated block.
typedef struct NlEmuThread NlEmuThread;

/// A kernel's emulated body: \p params as cuLaunchKernel's kernelParams.
typedef void (*NlEmuKernel)(void **params, NlEmuThread *thread);

/// Runs \p body on a grid of \p gx x \p gy x \p gz blocks of \p threads
/// threads as the GPU would, the threads of a block interleaved at barriers
/// and warp-wide operations (deterministically), with 48 KiB of static and
/// \p dynamic_shared bytes of dynamic shared memory per block, filled with
/// 0xee. Threads that wait for others that never come, lanes of a warp at
/// different warp-wide operations or an mma.sync in a partial warp end the
/// program with a message naming \p name (NL_PANIC_STATUS). Returns 1 when
/// a thread trapped (nl_emu_trap: the launch stopped there), else 0.
int32_t nl_gpu_emulate(NlEmuKernel body, const char *name, void **params,
                       uint32_t gx, uint32_t gy, uint32_t gz, uint32_t threads,
                       uint32_t dynamic_shared);

/// What the emulated kernels call for gpu.thread_id, block_id, block_dim,
/// grid_dim (dimension 0, 1, 2), the shared memory (\p dynamic: 0 the
/// static, 1 the dynamic), gpu.barrier, gpu.shuffle (the 32 bits of the
/// value, bit 32 the `valid` flag; \p mode 0 idx, 1 up, 2 down, 3 xor) and
/// nvvm.mma.sync (\p kind 0: m16n8k16 bf16 into f32, 1: m16n8k32 s8 into
/// s32, wrapping, 2: m16n8k16 f16 into f32; the four results then come
/// from nl_emu_result) and
/// nvvm.ldmatrix (m8n8 b16, not transposed, \p count matrices, this lane's
/// row at \p address; result i is matrix i's word).
uint32_t nl_emu_thread_id(NlEmuThread *t, int32_t dim);
uint32_t nl_emu_block_id(NlEmuThread *t, int32_t dim);
uint32_t nl_emu_block_dim(NlEmuThread *t, int32_t dim);
uint32_t nl_emu_grid_dim(NlEmuThread *t, int32_t dim);
void *nl_emu_shared(NlEmuThread *t, int32_t dynamic);
void nl_emu_barrier(NlEmuThread *t);
uint64_t nl_emu_shuffle(NlEmuThread *t, uint32_t value, uint32_t offset,
                        uint32_t width, int32_t mode);
void nl_emu_mma(NlEmuThread *t, int32_t kind, uint32_t a0, uint32_t a1,
                uint32_t a2, uint32_t a3, uint32_t b0, uint32_t b1, uint32_t c0,
                uint32_t c1, uint32_t c2, uint32_t c3);
void nl_emu_ldmatrix(NlEmuThread *t, int32_t count, uint64_t address);
uint32_t nl_emu_result(NlEmuThread *t, int32_t i);
/// The sm_90a warpgroup operations: nvvm.wgmma.mma_async (\p kind 0:
/// m64nNk16 bf16 into f32, 1: m64nNk32 s8 into s32, wrapping, 2: m64nNk16
/// f16 into f32; A K-major and B K-major or, where \p trans_b is 1 (16-bit
/// kinds only), N-major in shared memory, descriptors without swizzle;
/// this thread's \p n / 2 accumulators at \p acc, read and written in
/// place),
/// wgmma.fence, commit_group and wait_group, fence.proxy.async.shared::cta,
/// and a shared-memory address as the shared window's (the offset in the
/// block's shared memory of the generic address \p address).
void nl_emu_wgmma(NlEmuThread *t, int32_t kind, int32_t trans_b, int32_t n,
                  uint64_t desc_a, uint64_t desc_b, uint32_t *acc);
void nl_emu_wgmma_fence(NlEmuThread *t);
void nl_emu_wgmma_commit(NlEmuThread *t);
void nl_emu_wgmma_wait(NlEmuThread *t, int32_t pending);
void nl_emu_fence_proxy_async(NlEmuThread *t);
/// sm_90's mbarrier objects (init with \p count arrivals a phase, inval,
/// arrive.expect_tx of \p bytes, try_wait.parity until the phase of
/// \p parity has completed) and TMA's 2-D tile load (cp.async.bulk.tensor
/// of the box at column \p c0, row \p c1 of the tensor \p map describes,
/// into shared memory at \p dst, completing on \p mbarrier), on generic
/// shared addresses.
void nl_emu_mbarrier_init(NlEmuThread *t, uint64_t address, int32_t count);
void nl_emu_mbarrier_inval(NlEmuThread *t, uint64_t address);
void nl_emu_mbarrier_arrive_expect_tx(NlEmuThread *t, uint64_t address,
                                      int32_t bytes);
void nl_emu_mbarrier_wait(NlEmuThread *t, uint64_t address, int32_t parity);
void nl_emu_tma_load(NlEmuThread *t, uint64_t dst, const void *map, int32_t c0,
                     int32_t c1, uint64_t mbarrier);
uint64_t nl_emu_shared_offset(NlEmuThread *t, uint64_t address);
/// An access of \p bytes at \p address (a write when \p write): checked
/// for data races where it lies in the block's shared memory.
void nl_emu_access(NlEmuThread *t, uint64_t address, uint32_t bytes,
                   int32_t write);
/// gpu.printf (the program's output flushed first) and llvm.intr.trap,
/// which ends the launch.
void nl_emu_printf(NlEmuThread *t, const char *format, ...);
NL_NORETURN void nl_emu_trap(NlEmuThread *t);

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
// Files and the process (core/files.c). Paths and names are \p len bytes
// that need not be NUL-terminated (a NUL inside is an error). Every function
// returns a negative error code on failure: minus a Linux errno value
// (-2 for "No such file or directory"), the same on both flavours;
// nl_error_message gives its text. On bare metal, files are read-only and
// come from the archive nlc hands to the guest (docs/BareMetal.md, "Files").
//===----------------------------------------------------------------------===//

/// Modes of nl_file_open.
enum {
  NL_FILE_READ = 0,   ///< Read; the file must exist.
  NL_FILE_WRITE = 1,  ///< Write; created or truncated.
  NL_FILE_APPEND = 2, ///< Write at the end; created if missing.
  NL_FILE_UPDATE = 3, ///< Read and write; the file must exist.
};

/// Opens a file; returns a handle >= 0.
int64_t nl_file_open(const char *path, int64_t len, int64_t mode);

/// Reads up to \p n bytes into \p buf; returns the count (0 at the end).
int64_t nl_file_read(int64_t fd, void *buf, int64_t n);

/// Writes all \p n bytes of \p buf; returns n.
int64_t nl_file_write(int64_t fd, const void *buf, int64_t n);

/// Moves the position to \p offset from the start (whence 0), the current
/// position (1) or the end (2); returns the new position.
int64_t nl_file_seek(int64_t fd, int64_t offset, int64_t whence);

/// Returns the file's size in bytes.
int64_t nl_file_size(int64_t fd);

/// Closes a handle; returns 0.
int64_t nl_file_close(int64_t fd);

/// Maps the whole file into memory without copying it and returns its
/// address, or NULL with \p *error set. The memory is private: the program
/// may write to it and the file never changes. nl_free releases it. An empty
/// file gives a unique pointer.
void *nl_file_map(int64_t fd, int64_t *error);

/// nl_file_map for generated code (`sys::map`): a failure ends the program
/// with "cannot map the file: REASON" reported at FILE:LINE:COL.
void *nl_file_map_at(int64_t fd, const char *file, int64_t file_len,
                     int64_t line, int64_t col);

/// nl_file_map for generated code (`sys::try_map`): the address, or on
/// failure the (negative) error code, as Linux system calls return it: a
/// value in [-4095, -1] is an error, anything else the address.
int64_t nl_file_try_map(int64_t fd);

/// The text of error code \p code (negative, as the functions above return),
/// NUL-terminated in static storage: "No such file or directory".
const char *nl_error_message(int64_t code);

/// The length of nl_error_message(code), NUL excluded.
int64_t nl_error_message_len(int64_t code);

/// The value of environment variable \p name, NUL-terminated in storage that
/// lives as long as the program, or NULL when it is not set (or \p name is
/// empty or holds `=` or a NUL).
const char *nl_env_get(const char *name, int64_t name_len);

/// The length of nl_env_get(name, name_len), or -1 when it is NULL.
int64_t nl_env_len(const char *name, int64_t name_len);

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

//===----------------------------------------------------------------------===//
// CPU features (the startup check of hosted executables).
//===----------------------------------------------------------------------===//

/// Exit status of a program started on a CPU (or an operating system) that
/// lacks an instruction-set feature it was built for.
#define NL_CPU_CHECK_STATUS 102

/// The x86 features nlc records in a program and the runtime checks with
/// cpuid before any code built for them runs. Each row is
/// X(NAME, BIT, LLVM_NAME, LEAF, SUBLEAF, REG, REG_BIT, STATE): NL_CPU_<NAME>
/// is bit BIT of the mask; LLVM_NAME is the feature in `-mattr` syntax;
/// cpuid leaf LEAF, subleaf SUBLEAF reports it in register REG (0 eax,
/// 1 ebx, 2 ecx, 3 edx) at REG_BIT; STATE is the register state the
/// operating system must have enabled in XCR0 (0 none, 1 AVX, 2 AVX-512,
/// 3 AMX tiles). Bits are part of the ABI: append, never renumber.
#define NL_CPU_FEATURES(X)                                                     \
  X(SSE3, 0, "sse3", 1, 0, 2, 0, 0)                                            \
  X(PCLMUL, 1, "pclmul", 1, 0, 2, 1, 0)                                        \
  X(SSSE3, 2, "ssse3", 1, 0, 2, 9, 0)                                          \
  X(FMA, 3, "fma", 1, 0, 2, 12, 1)                                             \
  X(CX16, 4, "cx16", 1, 0, 2, 13, 0)                                           \
  X(SSE4_1, 5, "sse4.1", 1, 0, 2, 19, 0)                                       \
  X(SSE4_2, 6, "sse4.2", 1, 0, 2, 20, 0)                                       \
  X(MOVBE, 7, "movbe", 1, 0, 2, 22, 0)                                         \
  X(POPCNT, 8, "popcnt", 1, 0, 2, 23, 0)                                       \
  X(AES, 9, "aes", 1, 0, 2, 25, 0)                                             \
  X(AVX, 10, "avx", 1, 0, 2, 28, 1)                                            \
  X(F16C, 11, "f16c", 1, 0, 2, 29, 1)                                          \
  X(BMI, 12, "bmi", 7, 0, 1, 3, 0)                                             \
  X(AVX2, 13, "avx2", 7, 0, 1, 5, 1)                                           \
  X(BMI2, 14, "bmi2", 7, 0, 1, 8, 0)                                           \
  X(LZCNT, 15, "lzcnt", 0x80000001u, 0, 2, 5, 0)                               \
  X(AVX512F, 16, "avx512f", 7, 0, 1, 16, 2)                                    \
  X(AVX512DQ, 17, "avx512dq", 7, 0, 1, 17, 2)                                  \
  X(AVX512IFMA, 18, "avx512ifma", 7, 0, 1, 21, 2)                              \
  X(AVX512CD, 19, "avx512cd", 7, 0, 1, 28, 2)                                  \
  X(AVX512BW, 20, "avx512bw", 7, 0, 1, 30, 2)                                  \
  X(AVX512VL, 21, "avx512vl", 7, 0, 1, 31, 2)                                  \
  X(AVX512VBMI, 22, "avx512vbmi", 7, 0, 2, 1, 2)                               \
  X(AVX512VBMI2, 23, "avx512vbmi2", 7, 0, 2, 6, 2)                             \
  X(GFNI, 24, "gfni", 7, 0, 2, 8, 0)                                           \
  X(VAES, 25, "vaes", 7, 0, 2, 9, 1)                                           \
  X(VPCLMULQDQ, 26, "vpclmulqdq", 7, 0, 2, 10, 1)                              \
  X(AVX512VNNI, 27, "avx512vnni", 7, 0, 2, 11, 2)                              \
  X(AVX512BITALG, 28, "avx512bitalg", 7, 0, 2, 12, 2)                          \
  X(AVX512VPOPCNTDQ, 29, "avx512vpopcntdq", 7, 0, 2, 14, 2)                    \
  X(AVX512VP2INTERSECT, 30, "avx512vp2intersect", 7, 0, 3, 8, 2)               \
  X(AVX512FP16, 31, "avx512fp16", 7, 0, 3, 23, 2)                              \
  X(AVXVNNI, 32, "avxvnni", 7, 1, 0, 4, 1)                                     \
  X(AVX512BF16, 33, "avx512bf16", 7, 1, 0, 5, 2)                               \
  X(AMX_TILE, 34, "amx-tile", 7, 0, 3, 24, 3)                                  \
  X(AMX_BF16, 35, "amx-bf16", 7, 0, 3, 22, 3)                                  \
  X(AMX_INT8, 36, "amx-int8", 7, 0, 3, 25, 3)                                  \
  X(AMX_FP16, 37, "amx-fp16", 7, 1, 0, 21, 3)

/// The mask bit of NL_CPU_<NAME>.
#define NL_CPU_MASK(NAME) (UINT64_C(1) << NL_CPU_BIT_##NAME)

/// NL_CPU_BIT_<NAME>: the bit number of each feature.
enum {
#define NL_CPU_BIT_ENUM(name, bit, ...) NL_CPU_BIT_##name = bit,
  NL_CPU_FEATURES(NL_CPU_BIT_ENUM)
#undef NL_CPU_BIT_ENUM
};

/// Checks that this CPU and the operating system support every feature in
/// \p required (NL_CPU_MASK bits) and, for AMX, asks Linux for permission to
/// use the tile state. If anything is missing it writes which features, the
/// options the program was built with (\p built_for, NUL-terminated) and how
/// to rebuild it to stderr, and exits with NL_CPU_CHECK_STATUS. Hosted
/// executables run it before anything else (before constructors and main),
/// with the values nlc records in the program as `nl_cpu_required` (i64)
/// and `nl_cpu_built_for` (a C string); it is itself built for baseline
/// x86-64, so it can run on any 64-bit x86 CPU.
void nl_cpu_check(uint64_t required, const char *built_for);


//===----------------------------------------------------------------------===//
// Strings (runtime/core/strings.c; docs/LangRef.md, section 15). A `String`
// is three leaves that generated code keeps in its own storage: the buffer
// (from nl_alloc, NULL while `cap` is 0), the length and the capacity. The
// functions that change a string take the address of the three, laid out as
// NlString; the rest take (pointer, length) pairs, from a `str` or a
// `String`. Lengths and positions are in bytes.
//===----------------------------------------------------------------------===//

/// The leaves of a `String` in memory.
typedef struct NlString {
  char *ptr;
  int64_t len;
  int64_t cap;
} NlString;

/// Appends the \p n bytes at \p p, growing the buffer (at least doubling).
void nl_string_push(NlString *s, const char *p, int64_t n);
/// Appends the byte \p b (its low 8 bits).
void nl_string_push_byte(NlString *s, int64_t b);
/// Appends the UTF-8 encoding of \p c, a Unicode scalar value (generated
/// code rejects the others before the call).
void nl_string_push_char(NlString *s, int64_t c);
/// Append the text nl_print_i64, nl_print_u64, nl_print_f64, nl_print_f32
/// and nl_print_bool print for \p v.
void nl_string_push_i64(NlString *s, int64_t v);
void nl_string_push_u64(NlString *s, uint64_t v);
void nl_string_push_f64(NlString *s, double v);
void nl_string_push_f32(NlString *s, float v);
void nl_string_push_bool(NlString *s, int32_t v);
/// Frees the buffer of a `String` (NULL does nothing).
void nl_string_free(char *ptr);
/// -1, 0 or 1 as a is bytewise before, equal to or after b (a proper prefix
/// comes first).
int64_t nl_string_compare(const char *a, int64_t an, const char *b,
                          int64_t bn);
/// 1 if \p s begins (ends) with the \p pn bytes at \p p, else 0.
int64_t nl_string_starts_with(const char *s, int64_t n, const char *p,
                              int64_t pn);
int64_t nl_string_ends_with(const char *s, int64_t n, const char *p,
                            int64_t pn);
/// The first position >= \p start (0 <= start <= n) where \p p occurs in
/// \p s, or -1.
int64_t nl_string_find(const char *s, int64_t n, const char *p, int64_t pn,
                       int64_t start);
/// FNV-1a, 64 bits (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
/// The number of leading ASCII whitespace bytes (space, \t, \n, \v, \f,
/// \r); the length without the trailing ones.
int64_t nl_string_trim_start(const char *s, int64_t n);
int64_t nl_string_trim_end(const char *s, int64_t n);
/// The code point of the UTF-8 sequence at byte \p i (0 <= i < n) and its
/// length in bytes; an invalid sequence (bad or missing continuation bytes,
/// overlong forms, surrogates, above U+10FFFF) is U+FFFD of length 1.
int64_t nl_string_char_at(const char *s, int64_t n, int64_t i);
int64_t nl_string_char_len_at(const char *s, int64_t n, int64_t i);
/// The number of code points, invalid bytes counting one each as above.
int64_t nl_string_char_count(const char *s, int64_t n);
/// Parse the whole of \p s as a decimal i64 (optional sign, digits) or f64
/// (optional sign, digits with an optional point, optional exponent; or
/// "inf", "nan"), correctly rounded to nearest, ties to even, for up to 40
/// significant digits. Return 0 and set *out, or 1 (empty), 2 (invalid),
/// 3 (out of range) - the order of `ParseError`'s variants plus one.
int32_t nl_string_parse_i64(const char *s, int64_t n, int64_t *out);
int32_t nl_string_parse_f64(const char *s, int64_t n, double *out);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // NL_RUNTIME_H
