//===- gpu.c - Kernel launches on an NVIDIA GPU through the driver API ----===//
//
// nl_gpu_launch, the call that a `tile.launch` of a kernel compiled for an
// NVIDIA GPU becomes. The first launch loads the CUDA driver with dlopen
// (libcuda.so.1, or NL_CUDA_LIBRARY) and resolves its entry points through
// cuGetProcAddress for the ABI of CUDA 12.0 (cuda_driver.h), so nlrt never
// links libcuda and a program runs on a machine without a GPU until it
// launches a kernel there. It then initializes device 0 and makes its
// primary context current. Each kernel's PTX is loaded once per image and
// its function kept in the kernel's descriptor. A launch copies the host
// memory of its views to the device (views whose ranges overlap or touch
// share one block, so that two views of one tensor stay one memory), points
// the kernel's parameters at the copies, runs the kernel, waits for it and
// copies everything back. Views of tensors on the GPU (managed memory,
// nl_gpu_alloc_at) go to the kernel as they are; a launch with only such
// views returns without waiting for its kernel, and the host waits for it
// when it needs to (nl_gpu_wait).
// Any CUDA error ends the program with one message naming the kernel.
//
//===----------------------------------------------------------------------===//

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "gpu.h"
#include "../core/internal.h"
#include "../nl_runtime.h"
#include "../platform.h"
#include "cuda_driver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

//===----------------------------------------------------------------------===//
// Messages
//===----------------------------------------------------------------------===//

/// Messages for the CUresult values that can occur before the driver's own
/// cuGetErrorName is available, or when it cannot be resolved (the stub
/// library of the CUDA toolkit fails every call with CUDA_ERROR_STUB_LIBRARY).
/// The texts are the driver's.
static const struct {
  CUresult code;
  const char *name, *text;
} known_errors[] = {
    {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED",
     "initialization error"},
    {CUDA_ERROR_STUB_LIBRARY, "CUDA_ERROR_STUB_LIBRARY",
     "CUDA driver is a stub library"},
    {CUDA_ERROR_INSUFFICIENT_DRIVER, "CUDA_ERROR_INSUFFICIENT_DRIVER",
     "CUDA driver version is insufficient for CUDA runtime version"},
    {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE",
     "no CUDA-capable device is detected"},
    {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
};

/// The driver, once loaded: its entry points and the context of device 0.
static struct {
  pthread_mutex_t lock; ///< Guards everything below and module loading.
  bool ready;           ///< Set (release) when the rest is usable.
  CUcontext context;
#define NL_CUDA_FIELD(name, params) NlCu_##name name;
  NL_CUDA_ERROR_FUNCTIONS(NL_CUDA_FIELD)
  NL_CUDA_FUNCTIONS(NL_CUDA_FIELD)
  NL_CUDA_COPY_FUNCTIONS(NL_CUDA_FIELD)
  NL_CUDA_TIMING_FUNCTIONS(NL_CUDA_FIELD)
  NL_CUDA_TMA_FUNCTIONS(NL_CUDA_FIELD)
#undef NL_CUDA_FIELD
  /// The driver's cuGetProcAddress, for entry points resolved later.
  NlCuGetProcAddressV2 get_v2;
  NlCuGetProcAddressV1 get_v1;
  /// The TMA entry points have been looked up (resolved or not).
  bool tma_looked_up;
  /// NL_GPU_TIMING is set and its entry points resolved.
  bool timing;
  /// CUDA_LAUNCH_BLOCKING is set (not "0"): every launch waits.
  bool blocking;
  /// Device 0, and whether the host may touch managed memory while a
  /// kernel runs (prefetches need it).
  CUdevice device;
  bool concurrent;
  CUevent start, stop;
} cu = {.lock = PTHREAD_MUTEX_INITIALIZER};

/// Writes "NAME: TEXT" for \p r, from the driver when it can say, else from
/// known_errors, else "CUDA error N".
static void put_cuda_error(NlWriter *w, CUresult r) {
  const char *name = NULL, *text = NULL;
  if (cu.cuGetErrorName && cu.cuGetErrorName(r, &name) != CUDA_SUCCESS)
    name = NULL;
  if (cu.cuGetErrorString && cu.cuGetErrorString(r, &text) != CUDA_SUCCESS)
    text = NULL;
  for (size_t i = 0; i < sizeof known_errors / sizeof known_errors[0]; ++i) {
    if (known_errors[i].code != r)
      continue;
    if (!name)
      name = known_errors[i].name;
    if (!text)
      text = known_errors[i].text;
  }
  if (!name) {
    nl_writer_put_cstr(w, "CUDA error ");
    nl_writer_put_i64(w, r);
  } else {
    nl_writer_put_cstr(w, name);
  }
  if (text) {
    nl_writer_put_cstr(w, ": ");
    nl_writer_put_cstr(w, text);
  }
}

/// Claims the end of the program for this thread (another thread already
/// ending it blocks this one for good), flushes stdout so that the program's
/// output precedes the message, and begins the message in \p err.
static void begin_error(NlWriter *err) {
  if (!nl_rt_claim_end())
    nl_plat_wait_forever();
  nl_flush();
  nl_writer_put_cstr(err, "error: ");
}

/// Ends the message in \p err and the program, like a panic.
static _Noreturn void end_error(NlWriter *err) {
  nl_writer_put_cstr(err, "\n");
  nl_writer_flush(err);
  nl_profile_report();
  nl_plat_exit(NL_PANIC_STATUS);
}

/// "kernel 'NAME' (FILE:LINE:COL)".
static void put_kernel(NlWriter *err, const NlGpuKernel *k) {
  nl_writer_put_cstr(err, "kernel '");
  nl_writer_put_cstr(err, k->name ? k->name : "?");
  nl_writer_put_cstr(err, "' (");
  nl_writer_put_cstr(err, k->where ? k->where : "?");
  nl_writer_put_cstr(err, ")");
}

/// "CALL failed: NAME: TEXT".
static void put_failed_call(NlWriter *err, const char *call, CUresult r) {
  nl_writer_put_cstr(err, call);
  nl_writer_put_cstr(err, " failed: ");
  put_cuda_error(err, r);
}

/// No usable driver library: \p why, then \p why2 (may be NULL).
static _Noreturn void fail_no_driver(const NlGpuKernel *k, const char *why,
                                     const char *why2) {
  char storage[1024];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  begin_error(&err);
  put_kernel(&err, k);
  nl_writer_put_cstr(
      &err, " is compiled for an NVIDIA GPU, but no CUDA driver was found: ");
  nl_writer_put_cstr(&err, why ? why : "unknown reason");
  if (why2)
    nl_writer_put_cstr(&err, why2);
  end_error(&err);
}

/// The driver loaded, but \p call failed while setting up device 0.
static _Noreturn void fail_no_device(const NlGpuKernel *k, const char *call,
                                     CUresult r) {
  char storage[1024];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  begin_error(&err);
  put_kernel(&err, k);
  nl_writer_put_cstr(&err,
                     " is compiled for an NVIDIA GPU, but no NVIDIA GPU is "
                     "available: ");
  put_failed_call(&err, call, r);
  end_error(&err);
}

/// Begins "GPU launch of kernel 'NAME' (WHERE): ".
static void begin_launch_error(NlWriter *err, const NlGpuKernel *k) {
  begin_error(err);
  nl_writer_put_cstr(err, "GPU launch of ");
  put_kernel(err, k);
  nl_writer_put_cstr(err, ": ");
}

/// \p call failed during a launch of \p k.
static _Noreturn void fail_launch(const NlGpuKernel *k, const char *call,
                                  CUresult r) {
  char storage[1024];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  begin_launch_error(&err, k);
  put_failed_call(&err, call, r);
  end_error(&err);
}

//===----------------------------------------------------------------------===//
// The driver, its context and the modules
//===----------------------------------------------------------------------===//

/// Asks the driver for entry point \p name, in its CUDA 12.0 version, with
/// whichever cuGetProcAddress it has (\p v2 if not NULL, else \p v1).
static CUresult resolve(NlCuGetProcAddressV2 v2, NlCuGetProcAddressV1 v1,
                        const char *name, void **fn) {
  *fn = NULL;
  CUresult r =
      v2 ? v2(name, fn, NL_CUDA_API_VERSION, CU_GET_PROC_ADDRESS_DEFAULT, NULL)
         : v1(name, fn, NL_CUDA_API_VERSION, CU_GET_PROC_ADDRESS_DEFAULT);
  if (r == CUDA_SUCCESS && !*fn)
    r = CUDA_ERROR_NOT_FOUND;
  return r;
}

/// Loads the driver and sets up device 0, with cu.lock held; returns
/// whether it could. \p k is the kernel whose launch needs it, for the
/// message that ends the program when it cannot; with \p k NULL (asking
/// whether there is a GPU), a failure only returns false.
static void start_timing(NlCuGetProcAddressV2 v2, NlCuGetProcAddressV1 v1);

/// Defined (1) by a program built with --gpu-emulation: its kernels run on
/// the emulated driver (gpu_emulate.c) unless NL_CUDA_LIBRARY names one.
extern const int32_t nl_gpu_emulation __attribute__((weak));

CUresult nl_gpu_emulated_driver(const char *symbol, void **pfn, int version,
                                uint64_t flags, int *status);

static bool load_driver(const NlGpuKernel *k) {
  const char *path = getenv("NL_CUDA_LIBRARY");
  bool emulated = (!path || !*path) && &nl_gpu_emulation && nl_gpu_emulation;
  if (!path || !*path)
    path = "libcuda.so.1";
  void *library = emulated ? NULL : dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!emulated && !library && !k)
    return false;
  if (!emulated && !library)
    fail_no_driver(k, dlerror(), NULL);
  // CUDA 12 and later export the five-argument version under its own name;
  // the plain name is the four-argument one of CUDA 11.3 to 11.8.
  NlCuGetProcAddressV2 get_v2 =
      emulated ? nl_gpu_emulated_driver
               : (NlCuGetProcAddressV2)dlsym(library, "cuGetProcAddress_v2");
  NlCuGetProcAddressV1 get_v1 =
      get_v2 ? NULL : (NlCuGetProcAddressV1)dlsym(library, "cuGetProcAddress");
  if (!get_v2 && !get_v1 && !k)
    return false;
  if (!get_v2 && !get_v1)
    fail_no_driver(k, path,
                   " has no cuGetProcAddress (CUDA 11.3 or later is needed)");

  // The error names are resolved first, so that the messages about the rest
  // can use them; without them, messages fall back to known_errors.
  void *fn;
#define NL_CUDA_RESOLVE_OPTIONAL(name, params)                                 \
  if (resolve(get_v2, get_v1, #name, &fn) == CUDA_SUCCESS)                     \
    cu.name = (NlCu_##name)fn;
  NL_CUDA_ERROR_FUNCTIONS(NL_CUDA_RESOLVE_OPTIONAL)
  cu.get_v2 = get_v2, cu.get_v1 = get_v1;
  CUresult r;
#define NL_CUDA_RESOLVE(name, params)                                          \
  if ((r = resolve(get_v2, get_v1, #name, &fn)) != CUDA_SUCCESS && !k)         \
    return false;                                                              \
  if (r != CUDA_SUCCESS)                                                       \
    fail_no_device(k, "cuGetProcAddress(" #name ")", r);                       \
  cu.name = (NlCu_##name)fn;
  NL_CUDA_FUNCTIONS(NL_CUDA_RESOLVE)
#undef NL_CUDA_RESOLVE

  CUdevice device;
  const char *failed = NULL;
  if ((r = cu.cuInit(0)) != CUDA_SUCCESS)
    failed = "cuInit";
  else if ((r = cu.cuDeviceGet(&device, 0)) != CUDA_SUCCESS)
    failed = "cuDeviceGet";
  else if ((r = cu.cuDevicePrimaryCtxRetain(&cu.context, device)) !=
           CUDA_SUCCESS)
    failed = "cuDevicePrimaryCtxRetain";
  if (failed && !k)
    return false;
  if (failed)
    fail_no_device(k, failed, r);
  const char *blocking = getenv("CUDA_LAUNCH_BLOCKING");
  cu.blocking = blocking && *blocking && strcmp(blocking, "0") != 0;
  // Where the host may not touch managed memory while a kernel runs (no
  // concurrent managed access), no launch may return before its kernel is
  // done.
  int concurrent = 1;
  if (resolve(get_v2, get_v1, "cuDeviceGetAttribute", &fn) == CUDA_SUCCESS &&
      ((NlCu_cuDeviceGetAttribute)fn)(
          &concurrent, CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS, device) ==
          CUDA_SUCCESS &&
      !concurrent)
    cu.blocking = true;
  cu.device = device;
  cu.concurrent = concurrent != 0;
  NL_CUDA_COPY_FUNCTIONS(NL_CUDA_RESOLVE_OPTIONAL)
#undef NL_CUDA_RESOLVE_OPTIONAL
  const char *timing = getenv("NL_GPU_TIMING");
  if (timing && *timing && strcmp(timing, "0") != 0)
    start_timing(get_v2, get_v1);
  return true;
}

//===----------------------------------------------------------------------===//
// Kernel times (NL_GPU_TIMING)
//===----------------------------------------------------------------------===//

// With NL_GPU_TIMING set (not "0"), each launch is timed on the GPU with
// CUDA events around cuLaunchKernel (the kernel alone: no copies), timed
// launches are serialized, and the program writes at exit, to stderr, one
// line per kernel: launches, total, best and mean time.

enum { kTimedKernels = 256 };
static struct {
  pthread_mutex_t lock;
  int count;
  struct {
    const NlGpuKernel *kernel;
    int64_t launches;
    double total_ms, best_ms;
  } entry[kTimedKernels];
} times = {.lock = PTHREAD_MUTEX_INITIALIZER};

/// Writes \p v with 3 decimals.
static void put_ms(NlWriter *w, double v) {
  int64_t thousandths = (int64_t)(v * 1000.0 + 0.5);
  nl_writer_put_i64(w, thousandths / 1000);
  nl_writer_put_cstr(w, ".");
  char digits[4] = {(char)('0' + thousandths / 100 % 10),
                    (char)('0' + thousandths / 10 % 10),
                    (char)('0' + thousandths % 10), 0};
  nl_writer_put_cstr(w, digits);
}

static void print_times(void) {
  char storage[512];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  for (int i = 0; i < times.count; ++i) {
    nl_writer_put_cstr(&err, "gpu time: ");
    nl_writer_put_cstr(&err, times.entry[i].kernel->name);
    nl_writer_put_cstr(&err, ": ");
    nl_writer_put_i64(&err, times.entry[i].launches);
    nl_writer_put_cstr(&err, " launches, total ");
    put_ms(&err, times.entry[i].total_ms);
    nl_writer_put_cstr(&err, " ms, best ");
    put_ms(&err, times.entry[i].best_ms * 1000.0);
    nl_writer_put_cstr(&err, " us, mean ");
    put_ms(&err,
           times.entry[i].total_ms * 1000.0 / (double)times.entry[i].launches);
    nl_writer_put_cstr(&err, " us\n");
  }
  nl_writer_flush(&err);
}

/// Resolves the event entry points; timing stays off if one is missing.
static void start_timing(NlCuGetProcAddressV2 v2, NlCuGetProcAddressV1 v1) {
  void *fn;
#define NL_CUDA_RESOLVE_TIMING(name, params)                                   \
  if (resolve(v2, v1, #name, &fn) != CUDA_SUCCESS)                             \
    return;                                                                    \
  cu.name = (NlCu_##name)fn;
  NL_CUDA_TIMING_FUNCTIONS(NL_CUDA_RESOLVE_TIMING)
#undef NL_CUDA_RESOLVE_TIMING
  cu.timing = true;
  atexit(print_times);
}

/// Adds one launch of \p k that took \p ms.
static void add_time(const NlGpuKernel *k, float ms) {
  int i = 0;
  while (i < times.count && times.entry[i].kernel != k)
    ++i;
  if (i == times.count) {
    if (times.count == kTimedKernels)
      return;
    times.entry[times.count++].kernel = k;
    times.entry[i].best_ms = ms;
  }
  times.entry[i].launches += 1;
  times.entry[i].total_ms += ms;
  if (ms < times.entry[i].best_ms)
    times.entry[i].best_ms = ms;
}

/// Whether this thread has made the primary context current (the current
/// context belongs to a thread, and launches may come from several).
static _Thread_local bool context_current;

/// Whether the driver is loaded and device 0 set up, loading it if not;
/// with \p k NULL, false when that fails, else the failure ends the
/// program with a message about \p k.
static bool driver_ready(const NlGpuKernel *k) {
  if (__atomic_load_n(&cu.ready, __ATOMIC_ACQUIRE))
    return true;
  pthread_mutex_lock(&cu.lock);
  if (!cu.ready && load_driver(k))
    __atomic_store_n(&cu.ready, true, __ATOMIC_RELEASE);
  bool ready = cu.ready;
  pthread_mutex_unlock(&cu.lock);
  return ready;
}

/// Makes device 0's context current on the calling thread; the driver is
/// ready. Returns the error of cuCtxSetCurrent.
static CUresult make_current(void) {
  if (context_current)
    return CUDA_SUCCESS;
  CUresult r = cu.cuCtxSetCurrent(cu.context);
  if (r == CUDA_SUCCESS)
    context_current = true;
  return r;
}

/// Makes the driver usable on the calling thread.
static void use_driver(const NlGpuKernel *k) {
  driver_ready(k);
  CUresult r = make_current();
  if (r != CUDA_SUCCESS)
    fail_launch(k, "cuCtxSetCurrent", r);
}

/// A loaded image (a kernel's PTX, or the cubin made of it). Several
/// kernels of a program may share one image.
typedef struct Module {
  const char *image;
  CUmodule module;
  struct Module *next;
} Module;

/// The images loaded so far, guarded by cu.lock.
static Module *modules;

/// The module of \p k's image, loaded on first use; cu.lock is held.
static CUmodule module_of(const NlGpuKernel *k) {
  for (Module *m = modules; m; m = m->next)
    if (m->image == k->image)
      return m->module;
  Module *m = malloc(sizeof *m);
  if (!m)
    nl_rt_fatal("out of memory");
  // The cubin, made for the chip at compile time; the PTX, which the
  // driver compiles, where the GPU is of another architecture (the driver
  // refuses the cubin) or NL_GPU_PTX asks for it.
  const char *ptx = getenv("NL_GPU_PTX");
  bool cubin = k->cubin && !(ptx && *ptx && strcmp(ptx, "0") != 0);
  CUresult r = CUDA_ERROR_INVALID_VALUE;
  if (cubin)
    r = cu.cuModuleLoadData(&m->module, k->cubin);
  if (!cubin || r != CUDA_SUCCESS)
    r = cu.cuModuleLoadData(&m->module, k->image);
  if (r != CUDA_SUCCESS)
    fail_launch(k, "cuModuleLoadData", r);
  m->image = k->image;
  m->next = modules;
  modules = m;
  return m->module;
}

/// \p k's function, looked up on its first launch and kept in k->function.
static CUfunction function_of(NlGpuKernel *k) {
  void *fn = __atomic_load_n(&k->function, __ATOMIC_ACQUIRE);
  if (fn)
    return (CUfunction)fn;
  pthread_mutex_lock(&cu.lock);
  fn = k->function;
  if (!fn) {
    CUfunction f;
    CUresult r = cu.cuModuleGetFunction(&f, module_of(k), k->name);
    if (r != CUDA_SUCCESS)
      fail_launch(k, "cuModuleGetFunction", r);
    fn = (void *)f;
    __atomic_store_n(&k->function, fn, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&cu.lock);
  return (CUfunction)fn;
}

//===----------------------------------------------------------------------===//
// Launches the host has not waited for
//===----------------------------------------------------------------------===//

// A launch whose views all lie in device memory copies nothing, so it does
// not wait for its kernel: it returns once the driver has queued it (on the
// default stream, in launch order), and the host goes on. The host waits
// (nl_gpu_wait) before it touches device memory (the code nlc generates
// tests nl_gpu_pending first), before a launch that copies host memory,
// before it frees device memory, at `device::synchronize()` and at the end
// of the program. A kernel's failure is reported at that wait; the message
// names the launches it may come from. Every launch waits with
// CUDA_LAUNCH_BLOCKING set (as the CUDA runtime's do), with NL_GPU_TIMING,
// and on a device without concurrent managed access.

int32_t nl_gpu_pending;

enum { kPendingNamed = 4 };
static struct {
  pthread_mutex_t lock;
  int64_t count; ///< Launches not waited for.
  int32_t named; ///< The first kernels among them, each once.
  const NlGpuKernel *kernel[kPendingNamed];
} pending = {.lock = PTHREAD_MUTEX_INITIALIZER};

/// The wait for the launches in `pending` failed in \p call with \p r;
/// pending.lock is held.
static _Noreturn void fail_pending(const char *call, CUresult r) {
  char storage[1024];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  if (pending.count == 1) {
    begin_launch_error(&err, pending.kernel[0]);
  } else {
    begin_error(&err);
    nl_writer_put_cstr(&err, "one of ");
    nl_writer_put_i64(&err, pending.count);
    nl_writer_put_cstr(&err, " GPU launches the host had not waited for "
                             "failed (");
    for (int32_t i = 0; i < pending.named; ++i) {
      if (i)
        nl_writer_put_cstr(&err, ", ");
      put_kernel(&err, pending.kernel[i]);
    }
    if (pending.named == kPendingNamed)
      nl_writer_put_cstr(&err, ", ...");
    nl_writer_put_cstr(&err, "; CUDA_LAUNCH_BLOCKING=1 makes each launch "
                             "wait, to tell which): ");
  }
  put_failed_call(&err, call, r);
  end_error(&err);
}

void nl_gpu_wait(void) {
  if (!__atomic_load_n(&nl_gpu_pending, __ATOMIC_ACQUIRE))
    return;
  pthread_mutex_lock(&pending.lock);
  if (pending.count > 0) {
    const char *call = "cuCtxSetCurrent";
    CUresult r = make_current();
    if (r == CUDA_SUCCESS) {
      call = "cuCtxSynchronize";
      r = cu.cuCtxSynchronize();
    }
    if (r != CUDA_SUCCESS)
      fail_pending(call, r);
    pending.count = 0;
    pending.named = 0;
  }
  __atomic_store_n(&nl_gpu_pending, 0, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&pending.lock);
}

/// Records a launch of \p k that the host did not wait for.
static void add_pending(const NlGpuKernel *k) {
  pthread_mutex_lock(&pending.lock);
  bool named = false;
  for (int32_t i = 0; i < pending.named; ++i)
    named = named || pending.kernel[i] == k;
  if (!named && pending.named < kPendingNamed)
    pending.kernel[pending.named++] = k;
  ++pending.count;
  __atomic_store_n(&nl_gpu_pending, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&pending.lock);
  __atomic_store_n(&nl_rt_before_exit, nl_gpu_wait, __ATOMIC_RELEASE);
}

//===----------------------------------------------------------------------===//
// Device blocks
//===----------------------------------------------------------------------===//

// Launches keep the device blocks of views for the next launches: a
// cuMemAlloc and a cuMemFree cost microseconds each, and cuMemFree waits for
// the GPU. A launch takes the smallest kept block that holds what it needs
// without being more than twice as large, else allocates; a finished launch
// gives its blocks back (launches are synchronous: the GPU is done with
// them). At most kPoolBlocks blocks and kPoolBytes bytes are kept; beyond
// that blocks are freed. An allocation that fails for want of memory frees
// every kept block and tries once more.
enum { kPoolBlocks = 32 };
static const size_t kPoolBytes = (size_t)2 << 30;
static struct {
  pthread_mutex_t lock;
  int count;
  size_t bytes;
  struct {
    CUdeviceptr ptr;
    size_t bytes;
  } block[kPoolBlocks];
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

static CUresult take_block(CUdeviceptr *ptr, size_t bytes, size_t *kept) {
  pthread_mutex_lock(&pool.lock);
  int best = -1;
  for (int i = 0; i < pool.count; ++i)
    if (pool.block[i].bytes >= bytes && pool.block[i].bytes / 2 <= bytes &&
        (best < 0 || pool.block[i].bytes < pool.block[best].bytes))
      best = i;
  if (best >= 0) {
    *ptr = pool.block[best].ptr;
    *kept = pool.block[best].bytes;
    pool.bytes -= *kept;
    pool.block[best] = pool.block[--pool.count];
    pthread_mutex_unlock(&pool.lock);
    return CUDA_SUCCESS;
  }
  pthread_mutex_unlock(&pool.lock);
  *kept = bytes;
  CUresult r = cu.cuMemAlloc(ptr, bytes);
  if (r != CUDA_ERROR_OUT_OF_MEMORY)
    return r;
  pthread_mutex_lock(&pool.lock);
  for (; pool.count > 0; --pool.count)
    cu.cuMemFree(pool.block[pool.count - 1].ptr);
  pool.bytes = 0;
  pthread_mutex_unlock(&pool.lock);
  return cu.cuMemAlloc(ptr, bytes);
}

static CUresult give_block(CUdeviceptr ptr, size_t bytes) {
  pthread_mutex_lock(&pool.lock);
  if (pool.count < kPoolBlocks && pool.bytes + bytes <= kPoolBytes) {
    pool.block[pool.count].ptr = ptr;
    pool.block[pool.count++].bytes = bytes;
    pool.bytes += bytes;
    pthread_mutex_unlock(&pool.lock);
    return CUDA_SUCCESS;
  }
  pthread_mutex_unlock(&pool.lock);
  return cu.cuMemFree(ptr);
}

//===----------------------------------------------------------------------===//
// Device memory: tensors on the GPU
//===----------------------------------------------------------------------===//

// A tensor on the GPU (`Tensor::alloc(..., device=gpu)`, `t.to(gpu)`) is
// CUDA managed memory: one address for the host and the GPU, the driver
// moving its pages to whichever touches them. Host code reads and writes it
// as any memory (after nl_gpu_wait: the GPU is done with it then), and a
// launch hands a view of it to the kernel as it is,
// with no copy. The blocks given out are recorded, sorted by address, so
// that a launch can tell them from host memory and nl_dealloc can free
// them.

static struct {
  pthread_mutex_t lock;
  int32_t count, capacity;
  NlGpuRange *block;
} device_memory = {.lock = PTHREAD_MUTEX_INITIALIZER};

/// The index of the recorded block that holds the addresses [lo, hi) (lo
/// alone when hi <= lo), or -1; device_memory.lock is held.
static int32_t device_block_holding(uintptr_t lo, uintptr_t hi) {
  int32_t a = 0, b = device_memory.count - 1, last = -1;
  while (a <= b) {
    int32_t mid = a + (b - a) / 2;
    if (device_memory.block[mid].lo <= lo) {
      last = mid;
      a = mid + 1;
    } else {
      b = mid - 1;
    }
  }
  if (last < 0 || lo >= device_memory.block[last].hi ||
      hi > device_memory.block[last].hi)
    return -1;
  return last;
}

/// Ends the program: \p call failed on device memory of \p bytes for the
/// code at FILE:LINE:COL (a panic there).
static _Noreturn void fail_device_memory(const char *call, CUresult r,
                                         int64_t bytes, const char *file,
                                         int64_t file_len, int64_t line,
                                         int64_t col) {
  char text[512];
  NlWriter msg = {text, sizeof text, 0, NL_PLAT_STDERR};
  nl_writer_put_cstr(&msg, "GPU memory of ");
  nl_writer_put_i64(&msg, bytes);
  nl_writer_put_cstr(&msg, " bytes: ");
  put_failed_call(&msg, call, r);
  nl_panic(text, (int64_t)msg.len, file, file_len, line, col);
}

/// nl_dealloc's hook: frees \p p if it is device memory.
static bool free_device_memory(void *p) {
  uintptr_t addr = (uintptr_t)p;
  pthread_mutex_lock(&device_memory.lock);
  int32_t i = device_block_holding(addr, addr);
  bool ours = i >= 0 && device_memory.block[i].lo == addr;
  if (ours) {
    memmove(&device_memory.block[i], &device_memory.block[i + 1],
            (size_t)(device_memory.count - i - 1) *
                sizeof *device_memory.block);
    --device_memory.count;
  }
  pthread_mutex_unlock(&device_memory.lock);
  if (!ours)
    return false;
  // A kernel still running may use it.
  nl_gpu_wait();
  const char *call = "cuCtxSetCurrent";
  CUresult r = make_current();
  if (r == CUDA_SUCCESS) {
    call = "cuMemFree";
    r = cu.cuMemFree((CUdeviceptr)addr);
  }
  if (r != CUDA_SUCCESS) {
    char storage[512];
    NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
    begin_error(&err);
    nl_writer_put_cstr(&err, "freeing a tensor on the GPU: ");
    put_failed_call(&err, call, r);
    end_error(&err);
  }
  return true;
}

int32_t nl_gpu_device_count(void) {
  // A program may ask often (device::get in a loop): where there is no GPU,
  // the driver is looked for once.
  static bool absent;
  if (__atomic_load_n(&absent, __ATOMIC_ACQUIRE))
    return 0;
  if (driver_ready(NULL))
    return 1;
  __atomic_store_n(&absent, true, __ATOMIC_RELEASE);
  return 0;
}

void *nl_gpu_alloc_at(int64_t size, const char *file, int64_t file_len,
                      int64_t line, int64_t col) {
  static const char overflow[] =
      "allocation size overflows (more than 2^63 - 1 bytes)";
  if (size < 0)
    nl_panic(overflow, sizeof overflow - 1, file, file_len, line, col);
  // Device values that name the GPU come from device::get, which loaded
  // the driver.
  if (!driver_ready(NULL))
    nl_rt_fatal("GPU memory asked for, but no GPU is available");
  CUresult r = make_current();
  if (r != CUDA_SUCCESS)
    fail_device_memory("cuCtxSetCurrent", r, size, file, file_len, line, col);
  // A real, unique block even for no bytes, as host tensors have.
  size_t bytes = size > 0 ? (size_t)size : 1;
  CUdeviceptr mem;
  r = cu.cuMemAllocManaged(&mem, bytes, CU_MEM_ATTACH_GLOBAL);
  if (r != CUDA_SUCCESS)
    fail_device_memory("cuMemAllocManaged", r, size, file, file_len, line, col);
  pthread_mutex_lock(&device_memory.lock);
  if (device_memory.count == device_memory.capacity) {
    int32_t capacity = device_memory.capacity ? 2 * device_memory.capacity : 64;
    NlGpuRange *grown = realloc(device_memory.block,
                                (size_t)capacity * sizeof *device_memory.block);
    if (!grown)
      nl_rt_fatal("out of memory");
    device_memory.block = grown;
    device_memory.capacity = capacity;
  }
  int32_t at = device_memory.count;
  while (at > 0 && device_memory.block[at - 1].lo > (uintptr_t)mem)
    --at;
  memmove(&device_memory.block[at + 1], &device_memory.block[at],
          (size_t)(device_memory.count - at) * sizeof *device_memory.block);
  device_memory.block[at] =
      (NlGpuRange){(uintptr_t)mem, (uintptr_t)mem + bytes};
  ++device_memory.count;
  pthread_mutex_unlock(&device_memory.lock);
  __atomic_store_n(&nl_rt_free_device_memory, free_device_memory,
                   __ATOMIC_RELEASE);
  return (void *)(uintptr_t)mem;
}

int32_t nl_gpu_device_of(int64_t addr) {
  pthread_mutex_lock(&device_memory.lock);
  int32_t i = device_block_holding((uintptr_t)addr, (uintptr_t)addr);
  pthread_mutex_unlock(&device_memory.lock);
  return i >= 0 ? 1 : 0;
}

/// Whether the addresses [lo, hi) lie in one block of device memory.
static bool in_device_memory(uintptr_t lo, uintptr_t hi) {
  pthread_mutex_lock(&device_memory.lock);
  bool in = device_block_holding(lo, hi) >= 0;
  pthread_mutex_unlock(&device_memory.lock);
  return in;
}

/// Bytes from which a copy that touches GPU memory goes through the driver;
/// a smaller one is the host's memcpy (a driver call costs microseconds).
static const int64_t kDriverCopyBytes = (int64_t)64 << 10;

/// Starts moving the pages of GPU memory [p, p + bytes) to the GPU, for the
/// next kernel (else it faults over them one by one), where the device
/// allows it; the context is current. A hint: its failure changes nothing.
static void prefetch(uintptr_t p, int64_t bytes) {
  if (cu.concurrent && cu.cuMemPrefetchAsync)
    (void)cu.cuMemPrefetchAsync((CUdeviceptr)p, (size_t)bytes, cu.device, NULL);
}

void nl_gpu_prefetch(const void *p, int64_t bytes) {
  uintptr_t at = (uintptr_t)p;
  if (bytes >= kDriverCopyBytes &&
      __atomic_load_n(&cu.ready, __ATOMIC_ACQUIRE) &&
      in_device_memory(at, at + (uintptr_t)bytes) &&
      make_current() == CUDA_SUCCESS)
    prefetch(at, bytes);
}

void nl_gpu_copy(void *dst, const void *src, int64_t bytes, const char *file,
                 int64_t file_len, int64_t line, int64_t col) {
  if (bytes <= 0)
    return;
  uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
  bool toGpu = false, fromGpu = false;
  if (bytes >= kDriverCopyBytes &&
      __atomic_load_n(&cu.ready, __ATOMIC_ACQUIRE) && cu.cuMemcpy) {
    toGpu = in_device_memory(d, d + (uintptr_t)bytes);
    fromGpu = in_device_memory(s, s + (uintptr_t)bytes);
  }
  if (!toGpu && !fromGpu) {
    memcpy(dst, src, (size_t)bytes);
    return;
  }
  // The copy is ordered after the launches on the stream; the wait only
  // reports an earlier kernel's failure as its own.
  nl_gpu_wait();
  const char *call = "cuCtxSetCurrent";
  CUresult r = make_current();
  // The destination's pages to the GPU first, so that the copy writes them
  // there and the next kernel finds them.
  if (r == CUDA_SUCCESS && toGpu)
    prefetch(d, bytes);
  if (r == CUDA_SUCCESS) {
    call = "cuMemcpy";
    r = cu.cuMemcpy((CUdeviceptr)d, (CUdeviceptr)s, (size_t)bytes);
  }
  // A copy into GPU memory may return before it is done (from pageable
  // host memory, once the bytes are staged; between two GPU tensors, at
  // once), and the host may read the destination next.
  if (r == CUDA_SUCCESS && toGpu) {
    call = "cuCtxSynchronize";
    r = cu.cuCtxSynchronize();
  }
  if (r != CUDA_SUCCESS) {
    char text[512];
    NlWriter msg = {text, sizeof text, 0, NL_PLAT_STDERR};
    nl_writer_put_cstr(&msg, "copying a tensor of ");
    nl_writer_put_i64(&msg, bytes);
    nl_writer_put_cstr(&msg, toGpu && fromGpu ? " bytes on the GPU: "
                             : toGpu          ? " bytes to the GPU: "
                                              : " bytes from the GPU: ");
    put_failed_call(&msg, call, r);
    nl_panic(text, (int64_t)msg.len, file, file_len, line, col);
  }
}

//===----------------------------------------------------------------------===//
// Launches
//===----------------------------------------------------------------------===//

static int compare_ranges(const void *a, const void *b) {
  const NlGpuRange *x = a, *y = b;
  if (x->lo != y->lo)
    return x->lo < y->lo ? -1 : 1;
  if (x->hi != y->hi)
    return x->hi < y->hi ? -1 : 1;
  return 0;
}

int32_t nl_gpu_merge_ranges(NlGpuRange *ranges, int32_t n) {
  int32_t kept = 0;
  for (int32_t i = 0; i < n; ++i)
    if (ranges[i].hi > ranges[i].lo)
      ranges[kept++] = ranges[i];
  if (kept > 1)
    qsort(ranges, (size_t)kept, sizeof *ranges, compare_ranges);
  int32_t merged = 0;
  for (int32_t i = 0; i < kept; ++i) {
    NlGpuRange *last = merged > 0 ? &ranges[merged - 1] : NULL;
    if (last && ranges[i].lo <= last->hi) {
      if (ranges[i].hi > last->hi)
        last->hi = ranges[i].hi;
      continue;
    }
    ranges[merged++] = ranges[i];
  }
  return merged;
}

/// The index of the range of the \p n sorted disjoint \p ranges that holds
/// \p addr (one does: each map's range went into the merge).
static int32_t range_holding(const NlGpuRange *ranges, int32_t n,
                             uintptr_t addr) {
  int32_t lo = 0, hi = n - 1;
  while (lo < hi) {
    int32_t mid = lo + (hi - lo + 1) / 2;
    if (ranges[mid].lo <= addr)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/// Rejects what CUDA cannot launch or what no compiled launch passes: a
/// grid dimension beyond 32 bits, no thread per block, a map that names a
/// parameter that does not exist.
static void check_launch(const NlGpuKernel *k, int64_t gx, int64_t gy,
                         int64_t gz, int32_t threads, int32_t nparams,
                         const NlGpuMap *maps, int32_t nmaps) {
  char storage[1024];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  if (gx > UINT32_MAX || gy > UINT32_MAX || gz > UINT32_MAX || threads < 1) {
    begin_launch_error(&err, k);
    nl_writer_put_cstr(&err, "cannot launch a grid of ");
    nl_writer_put_i64(&err, gx);
    nl_writer_put_cstr(&err, " x ");
    nl_writer_put_i64(&err, gy);
    nl_writer_put_cstr(&err, " x ");
    nl_writer_put_i64(&err, gz);
    nl_writer_put_cstr(&err, " blocks of ");
    nl_writer_put_i64(&err, threads);
    nl_writer_put_cstr(&err, " threads");
    end_error(&err);
  }
  for (int32_t i = 0; i < nmaps; ++i) {
    const NlGpuMap *m = &maps[i];
    if (m->allocated >= 0 && m->allocated < nparams && m->aligned >= 0 &&
        m->aligned < nparams)
      continue;
    begin_launch_error(&err, k);
    nl_writer_put_cstr(&err, "view ");
    nl_writer_put_i64(&err, i);
    nl_writer_put_cstr(&err, " names parameters ");
    nl_writer_put_i64(&err, m->allocated);
    nl_writer_put_cstr(&err, " and ");
    nl_writer_put_i64(&err, m->aligned);
    nl_writer_put_cstr(&err, " of ");
    nl_writer_put_i64(&err, nparams);
    end_error(&err);
  }
}

/// The dynamic shared memory each function has been allowed beyond 48 KiB,
/// so that a launch asks the driver only the first time.
enum { kAllowedFunctions = 64 };
static struct {
  pthread_mutex_t lock;
  int count, next;
  struct {
    CUfunction function;
    int32_t bytes;
  } entry[kAllowedFunctions];
} allowed = {.lock = PTHREAD_MUTEX_INITIALIZER};

/// Beyond 48 KiB a kernel must be allowed its dynamic shared memory
/// (cuFuncSetAttribute); returns the driver's error.
static CUresult allow_shared(CUfunction f, int32_t bytes) {
  if (bytes <= 48 * 1024)
    return CUDA_SUCCESS;
  pthread_mutex_lock(&allowed.lock);
  int at = -1;
  for (int i = 0; i < allowed.count && at < 0; ++i)
    if (allowed.entry[i].function == f)
      at = i;
  CUresult r = CUDA_SUCCESS;
  if (at < 0 || allowed.entry[at].bytes < bytes) {
    r = cu.cuFuncSetAttribute(
        f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
    if (r == CUDA_SUCCESS && at < 0) {
      at = allowed.count < kAllowedFunctions ? allowed.count++ : allowed.next;
      allowed.next = (at + 1) % kAllowedFunctions;
      allowed.entry[at].function = f;
    }
    if (r == CUDA_SUCCESS)
      allowed.entry[at].bytes = bytes;
  }
  pthread_mutex_unlock(&allowed.lock);
  return r;
}

/// malloc for the bookkeeping of a launch.
static void *take(size_t count, size_t size) {
  void *p = malloc(count ? count * size : 1);
  if (!p)
    nl_rt_fatal("out of memory");
  return p;
}

/// Encoded tensor maps, kept for the launches that ask for the same again
/// (a map is a pure function of its arguments).
enum { kKeptTensorMaps = 16 };
static struct {
  pthread_mutex_t lock;
  int count, next;
  struct {
    uintptr_t base;
    NlGpuTensorMap request;
    CUtensorMap map;
  } entry[kKeptTensorMaps];
} kept_maps = {.lock = PTHREAD_MUTEX_INITIALIZER};

/// Writes into \p map the tensor map of \p tm over \p base (\p rows x \p
/// cols elements, \p pitch bytes a row), from kept_maps where it is there.
static void encode_tensor_map(const NlGpuKernel *k, CUtensorMap *map,
                              const NlGpuTensorMap *tm, uintptr_t base,
                              uint64_t rows, uint64_t cols, uint64_t pitch) {
  NlGpuTensorMap key = *tm;
  key.param = key.view = 0;
  key.offset = 0, key.rows = (int64_t)rows, key.cols = (int64_t)cols;
  key.stride = (int64_t)pitch;
  pthread_mutex_lock(&kept_maps.lock);
  for (int i = 0; i < kept_maps.count; ++i)
    if (kept_maps.entry[i].base == base &&
        !memcmp(&kept_maps.entry[i].request, &key, sizeof key)) {
      *map = kept_maps.entry[i].map;
      pthread_mutex_unlock(&kept_maps.lock);
      return;
    }
  uint64_t dims[2] = {cols, rows}, strides[1] = {pitch};
  uint32_t box[2] = {(uint32_t)tm->box_cols, (uint32_t)tm->box_rows};
  uint32_t unit[2] = {1, 1};
  CUresult r = cu.cuTensorMapEncodeTiled(
      map, tm->type, 2, (void *)base, dims, strides, box, unit,
      /*interleave=*/0, tm->swizzle, CU_TENSOR_MAP_L2_PROMOTION_L2_128B,
      /*oobFill=*/0);
  if (r != CUDA_SUCCESS) {
    pthread_mutex_unlock(&kept_maps.lock);
    fail_launch(k, "cuTensorMapEncodeTiled", r);
  }
  int i = kept_maps.count < kKeptTensorMaps
              ? kept_maps.count++
              : kept_maps.next++ % kKeptTensorMaps;
  kept_maps.entry[i].base = base;
  kept_maps.entry[i].request = key;
  kept_maps.entry[i].map = *map;
  pthread_mutex_unlock(&kept_maps.lock);
}

/// Makes the tensor maps \p tmaps of a launch of \p k into their
/// parameters, the views' pointers already the device's. Sets \p copies
/// (\p ntmaps entries) to the device blocks of the views that had to be
/// copied (0: none) and \p kept to their sizes, for give_block after the
/// launch. Returns whether it copied one; it waits for the launches before
/// it does.
static bool make_tensor_maps(const NlGpuKernel *k, void **params,
                             int32_t nparams, const NlGpuMap *maps,
                             int32_t nmaps, const NlGpuTensorMap *tmaps,
                             int32_t ntmaps, CUdeviceptr *copies,
                             size_t *kept) {
  bool copied = false;
  char storage[512];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  if (ntmaps > 0) {
    pthread_mutex_lock(&cu.lock);
    if (!cu.tma_looked_up) {
      void *fn;
#define NL_CUDA_RESOLVE_TMA(name, params)                                      \
  if (resolve(cu.get_v2, cu.get_v1, #name, &fn) == CUDA_SUCCESS)               \
    cu.name = (NlCu_##name)fn;
      NL_CUDA_TMA_FUNCTIONS(NL_CUDA_RESOLVE_TMA)
#undef NL_CUDA_RESOLVE_TMA
      cu.tma_looked_up = true;
    }
    pthread_mutex_unlock(&cu.lock);
  }
  if (ntmaps > 0 && (!cu.cuTensorMapEncodeTiled || !cu.cuMemcpy2D)) {
    begin_launch_error(&err, k);
    nl_writer_put_cstr(&err, "the CUDA driver has no cuTensorMapEncodeTiled "
                             "or cuMemcpy2D, which TMA copies need (CUDA 12 "
                             "or later)");
    end_error(&err);
  }
  for (int32_t i = 0; i < ntmaps; ++i) {
    const NlGpuTensorMap *tm = &tmaps[i];
    copies[i] = 0;
    int64_t limit = ((int64_t)1 << 31) - 1;
    if (tm->param < 0 || tm->param >= nparams || tm->view < 0 ||
        tm->view >= nmaps || tm->elem_bytes < 1 || tm->rows < 0 ||
        tm->cols < 0 || tm->rows > limit || tm->cols > limit) {
      begin_launch_error(&err, k);
      nl_writer_put_cstr(&err, "tensor map ");
      nl_writer_put_i64(&err, i);
      nl_writer_put_cstr(&err, " names parameter ");
      nl_writer_put_i64(&err, tm->param);
      nl_writer_put_cstr(&err, " and view ");
      nl_writer_put_i64(&err, tm->view);
      nl_writer_put_cstr(&err, " of a view of ");
      nl_writer_put_i64(&err, tm->rows);
      nl_writer_put_cstr(&err, " x ");
      nl_writer_put_i64(&err, tm->cols);
      nl_writer_put_cstr(&err, " elements (the tensor memory accelerator "
                               "takes at most 2^31 - 1 a side)");
      end_error(&err);
    }
    size_t e = (size_t)tm->elem_bytes;
    uintptr_t base = (uintptr_t) * (void **)params[maps[tm->view].aligned] +
                     (uintptr_t)(tm->offset * (int64_t)e);
    uint64_t rows = (uint64_t)tm->rows, cols = (uint64_t)tm->cols;
    uint64_t pitch = (uint64_t)tm->stride * e;
    if (base % 16 || pitch % 16 || rows == 0 || cols == 0) {
      // Rows of a multiple of 16 bytes; an empty view is one zero element.
      bool empty = rows == 0 || cols == 0;
      uint64_t width = cols * e;
      uint64_t padded = empty ? 16 : (width + 15) / 16 * 16;
      uint64_t height = empty ? 1 : rows;
      if (!copied)
        nl_gpu_wait();
      copied = true;
      CUresult r = take_block(&copies[i], padded * height, &kept[i]);
      if (r != CUDA_SUCCESS)
        fail_launch(k, "cuMemAlloc", r);
      if (!empty) {
        CUDA_MEMCPY2D copy = {.srcMemoryType = CU_MEMORYTYPE_UNIFIED,
                              .srcDevice = base,
                              .srcPitch = pitch,
                              .dstMemoryType = CU_MEMORYTYPE_UNIFIED,
                              .dstDevice = copies[i],
                              .dstPitch = padded,
                              .WidthInBytes = width,
                              .Height = rows};
        r = cu.cuMemcpy2D(&copy);
        if (r != CUDA_SUCCESS)
          fail_launch(k, "cuMemcpy2D", r);
      } else {
        static const unsigned char zeros[16];
        r = cu.cuMemcpyHtoD(copies[i], zeros, sizeof zeros);
        if (r != CUDA_SUCCESS)
          fail_launch(k, "cuMemcpyHtoD", r);
        rows = cols = 1;
      }
      base = (uintptr_t)copies[i];
      pitch = padded;
    }
    encode_tensor_map(k, (CUtensorMap *)params[tm->param], tm, base, rows, cols,
                      pitch);
  }
  return copied;
}

void nl_gpu_launch(NlGpuKernel *k, int64_t gx, int64_t gy, int64_t gz,
                   int32_t threads, int32_t shared_bytes, void **params,
                   int32_t nparams, const NlGpuMap *maps, int32_t nmaps) {
  nl_gpu_launch_tma(k, gx, gy, gz, threads, shared_bytes, params, nparams, maps,
                    nmaps, NULL, 0);
}

void nl_gpu_launch_tma(NlGpuKernel *k, int64_t gx, int64_t gy, int64_t gz,
                       int32_t threads, int32_t shared_bytes, void **params,
                       int32_t nparams, const NlGpuMap *maps, int32_t nmaps,
                       const NlGpuTensorMap *tmaps, int32_t ntmaps) {
  if (gx <= 0 || gy <= 0 || gz <= 0)
    return;
  if (nmaps < 0)
    nmaps = 0;
  if (ntmaps < 0)
    ntmaps = 0;
  check_launch(k, gx, gy, gz, threads, nparams, maps, nmaps);
  use_driver(k);
  CUfunction function = function_of(k);

  // Every pointer is read before any is rewritten, in case two views share
  // a parameter.
  uintptr_t *aligned = take((size_t)nmaps, sizeof *aligned);
  uintptr_t *allocated = take((size_t)nmaps, sizeof *allocated);
  NlGpuRange *ranges = take((size_t)nmaps, sizeof *ranges);
  // Views of device memory go to the kernel as they are (`direct`); the
  // others' host memory is copied.
  bool *direct = take((size_t)nmaps, sizeof *direct);
  for (int32_t i = 0; i < nmaps; ++i) {
    aligned[i] = (uintptr_t) * (void **)params[maps[i].aligned];
    allocated[i] = (uintptr_t) * (void **)params[maps[i].allocated];
    ranges[i].lo = aligned[i] + (uintptr_t)maps[i].lo;
    ranges[i].hi = aligned[i] + (uintptr_t)maps[i].hi;
    direct[i] = ranges[i].hi > ranges[i].lo &&
                in_device_memory(ranges[i].lo, ranges[i].hi);
    if (direct[i])
      ranges[i].hi = ranges[i].lo;
  }
  int32_t blocks = nl_gpu_merge_ranges(ranges, nmaps);
  // A launch that copies host memory waits for its kernel, and first for
  // the launches before it, whose failures are theirs.
  bool wait = blocks > 0 || cu.timing || cu.blocking;
  if (wait)
    nl_gpu_wait();

  CUdeviceptr *device = take((size_t)blocks, sizeof *device);
  size_t *kept = take((size_t)blocks, sizeof *kept);
  // A block goes back to the host if a view the kernel may write lies in it.
  bool *dirty = take((size_t)blocks, sizeof *dirty);
  for (int32_t b = 0; b < blocks; ++b)
    dirty[b] = false;
  for (int32_t b = 0; b < blocks; ++b) {
    size_t bytes = ranges[b].hi - ranges[b].lo;
    CUresult r = take_block(&device[b], bytes, &kept[b]);
    if (r != CUDA_SUCCESS)
      fail_launch(k, "cuMemAlloc", r);
    r = cu.cuMemcpyHtoD(device[b], (const void *)ranges[b].lo, bytes);
    if (r != CUDA_SUCCESS)
      fail_launch(k, "cuMemcpyHtoD", r);
  }
  for (int32_t i = 0; i < nmaps; ++i) {
    if (maps[i].hi <= maps[i].lo || direct[i])
      continue;
    uintptr_t start = aligned[i] + (uintptr_t)maps[i].lo;
    int32_t b = range_holding(ranges, blocks, start);
    if (maps[i].written)
      dirty[b] = true;
    // Unsigned arithmetic wraps, so the shift from host to device address
    // is right whichever is larger.
    uintptr_t shift = (uintptr_t)device[b] - ranges[b].lo;
    *(void **)params[maps[i].aligned] = (void *)(aligned[i] + shift);
    *(void **)params[maps[i].allocated] = (void *)(allocated[i] + shift);
  }

  CUdeviceptr *copies = take((size_t)ntmaps, sizeof *copies);
  size_t *copies_kept = take((size_t)ntmaps, sizeof *copies_kept);
  if (make_tensor_maps(k, params, nparams, maps, nmaps, tmaps, ntmaps, copies,
                       copies_kept))
    wait = true;

  CUresult r = allow_shared(function, shared_bytes);
  if (r != CUDA_SUCCESS)
    fail_launch(k, "cuFuncSetAttribute", r);
  bool timed = cu.timing;
  if (timed) {
    pthread_mutex_lock(&times.lock);
    if (!cu.start && ((r = cu.cuEventCreate(&cu.start, 0)) != CUDA_SUCCESS ||
                      (r = cu.cuEventCreate(&cu.stop, 0)) != CUDA_SUCCESS))
      fail_launch(k, "cuEventCreate", r);
    if ((r = cu.cuEventRecord(cu.start, NULL)) != CUDA_SUCCESS)
      fail_launch(k, "cuEventRecord", r);
  }
  r = cu.cuLaunchKernel(function, (unsigned)gx, (unsigned)gy, (unsigned)gz,
                        (unsigned)threads, 1, 1, (unsigned)shared_bytes, NULL,
                        params, NULL);
  if (r != CUDA_SUCCESS) {
    // The error may be an earlier launch's, which the wait reports.
    nl_gpu_wait();
    fail_launch(k, "cuLaunchKernel", r);
  }
  if (timed && (r = cu.cuEventRecord(cu.stop, NULL)) != CUDA_SUCCESS)
    fail_launch(k, "cuEventRecord", r);
  if (!wait)
    add_pending(k);
  // Faults inside the kernel are reported here, or at the wait for it.
  if (wait && (r = cu.cuCtxSynchronize()) != CUDA_SUCCESS)
    fail_launch(k, "cuCtxSynchronize", r);
  if (timed) {
    float ms = 0;
    if ((r = cu.cuEventElapsedTime(&ms, cu.start, cu.stop)) != CUDA_SUCCESS)
      fail_launch(k, "cuEventElapsedTime", r);
    add_time(k, ms);
    pthread_mutex_unlock(&times.lock);
  }

  for (int32_t b = 0; b < blocks; ++b) {
    if (dirty[b] &&
        (r = cu.cuMemcpyDtoH((void *)ranges[b].lo, device[b],
                             ranges[b].hi - ranges[b].lo)) != CUDA_SUCCESS)
      fail_launch(k, "cuMemcpyDtoH", r);
    r = give_block(device[b], kept[b]);
    if (r != CUDA_SUCCESS)
      fail_launch(k, "cuMemFree", r);
  }
  for (int32_t i = 0; i < ntmaps; ++i)
    if (copies[i] &&
        (r = give_block(copies[i], copies_kept[i])) != CUDA_SUCCESS)
      fail_launch(k, "cuMemFree", r);
  free(copies_kept);
  free(copies);
  free(dirty);
  free(kept);
  free(device);
  free(direct);
  free(ranges);
  free(allocated);
  free(aligned);
}
