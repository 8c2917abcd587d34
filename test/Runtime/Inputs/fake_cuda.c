// A stand-in for the CUDA driver library, for testing nl_gpu_launch where
// there is no GPU (gpu_launch_test.c loads it through NL_CUDA_LIBRARY). It
// exports cuGetProcAddress_v2 (or, built with -DFAKE_CUDA_V1_ONLY, only the
// four-argument cuGetProcAddress of CUDA 11) and hands out the entry points
// of runtime/hosted/cuda_driver.h, which act on host memory: "device"
// memory is malloc'd (and filled with 0xee, so that a missing copy shows),
// a module is its image, and a function is the function of the same name in
// the test program (linked with -rdynamic), called once per launch as
// fn(params, gridX, gridY, gridZ, blockX). In a program built with nlc
// --gpu-emulation, a kernel NAME is its host copy `nl_emu.NAME`, which a
// launch runs through the runtime's emulator, nl_gpu_emulate.
//
// Every call is logged on stderr, one line each, unless FAKE_CUDA_QUIET is
// set; with FAKE_CUDA_SUMMARY set, the counts of some calls are written at
// exit. FAKE_CUDA_FAIL=NAME=CODE makes entry point NAME return CODE,
// NAME=CODE@N only its Nth call (from 1), and NAME=-CODE makes
// cuGetProcAddress return CODE for NAME.

#include "hosted/cuda_driver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void (*KernelBody)(void **params, unsigned gx, unsigned gy, unsigned gz,
                           unsigned threads);
typedef int (*Emulate)(void *body, const char *name, void **params, unsigned gx,
                       unsigned gy, unsigned gz, unsigned threads,
                       unsigned shared);

/// What a CUfunction points to.
typedef struct FakeFunction {
  KernelBody body;
  /// nl_emu.NAME, else null.
  void *emulated;
  char name[64];
} FakeFunction;

static struct { int loads, lookups, launches, allocs, frees, current; } counts;

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void count(int *counter) {
  pthread_mutex_lock(&count_lock);
  ++*counter;
  pthread_mutex_unlock(&count_lock);
}

/// Writes one line to stderr with a single write, unless FAKE_CUDA_QUIET.
static void note(const char *format, ...) {
  if (getenv("FAKE_CUDA_QUIET"))
    return;
  char line[512];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line, sizeof line - 1, format, args);
  va_end(args);
  if (n < 0)
    return;
  if (n > (int)sizeof line - 2)
    n = (int)sizeof line - 2;
  line[n++] = '\n';
  if (write(2, line, (size_t)n) < 0)
    return;
}

/// The code FAKE_CUDA_FAIL asks \p name to fail with, or CUDA_SUCCESS;
/// \p is_call: a call of the entry point (counted for NAME=CODE@N), not its
/// lookup.
static CUresult injected_at(const char *name, int is_call) {
  const char *spec = getenv("FAKE_CUDA_FAIL");
  size_t n = strlen(name);
  if (!spec || strncmp(spec, name, n) != 0 || spec[n] != '=')
    return CUDA_SUCCESS;
  static int calls; // of the one entry point FAKE_CUDA_FAIL names
  const char *at = strchr(spec + n + 1, '@');
  if (at && (!is_call ||
             atoi(at + 1) != __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED)))
    return CUDA_SUCCESS;
  return atoi(spec + n + 1);
}

static CUresult injected(const char *name) { return injected_at(name, 1); }

static const struct {
  CUresult code;
  const char *name, *text;
} errors[] = {
    {1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS",
     "an illegal memory access was encountered"},
    {719, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"},
};

static CUresult error_entry(CUresult error, const char **str, int text) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; ++i)
    if (errors[i].code == error) {
      *str = text ? errors[i].text : errors[i].name;
      return CUDA_SUCCESS;
    }
  *str = NULL;
  return CUDA_ERROR_INVALID_VALUE;
}

static CUresult fake_cuGetErrorName(CUresult error, const char **str) {
  return error_entry(error, str, 0);
}

static CUresult fake_cuGetErrorString(CUresult error, const char **str) {
  return error_entry(error, str, 1);
}

static CUresult fake_cuInit(unsigned flags) {
  note("cuInit %u", flags);
  return injected("cuInit");
}

static CUresult fake_cuDeviceGet(CUdevice *device, int ordinal) {
  note("cuDeviceGet %d", ordinal);
  *device = 0;
  return injected("cuDeviceGet");
}

/// FAKE_CUDA_NO_CONCURRENT_ACCESS set: a device whose managed memory the
/// host may not touch while a kernel runs.
static CUresult fake_cuDeviceGetAttribute(int *value, int attribute,
                                          CUdevice device) {
  note("cuDeviceGetAttribute %d %d", attribute, device);
  *value = attribute == CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS &&
           !getenv("FAKE_CUDA_NO_CONCURRENT_ACCESS");
  return injected("cuDeviceGetAttribute");
}

static CUresult fake_cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice device) {
  note("cuDevicePrimaryCtxRetain %d", device);
  *ctx = (CUcontext)&counts;
  return injected("cuDevicePrimaryCtxRetain");
}

static CUresult fake_cuCtxSetCurrent(CUcontext ctx) {
  note("cuCtxSetCurrent %s", ctx == (CUcontext)&counts ? "primary" : "other");
  count(&counts.current);
  return injected("cuCtxSetCurrent");
}

static CUresult fake_cuCtxSynchronize(void) {
  note("cuCtxSynchronize");
  return injected("cuCtxSynchronize");
}

/// Whether `image` is an ELF file (a cubin) rather than PTX text.
static int is_cubin(const void *image) {
  return memcmp(image, "\177ELF", 4) == 0;
}

static CUresult fake_cuModuleLoadData(CUmodule *module, const void *image) {
  if (is_cubin(image))
    note("cuModuleLoadData cubin");
  else
    note("cuModuleLoadData \"%s\"", (const char *)image);
  count(&counts.loads);
  *module = (CUmodule)image;
  return injected("cuModuleLoadData");
}

static CUresult fake_cuModuleGetFunction(CUfunction *function, CUmodule module,
                                         const char *name) {
  note("cuModuleGetFunction \"%s\" in \"%s\"", name,
       is_cubin(module) ? "cubin" : (const char *)module);
  count(&counts.lookups);
  CUresult r = injected("cuModuleGetFunction");
  if (r != CUDA_SUCCESS)
    return r;
  char emulated[96];
  snprintf(emulated, sizeof emulated, "nl_emu.%s", name);
  FakeFunction *f = malloc(sizeof *f);
  f->emulated = dlsym(RTLD_DEFAULT, emulated);
  f->body = (KernelBody)dlsym(RTLD_DEFAULT, name);
  if (!f->body && !f->emulated) {
    free(f);
    return CUDA_ERROR_NOT_FOUND;
  }
  snprintf(f->name, sizeof f->name, "%s", name);
  *function = (CUfunction)f;
  return CUDA_SUCCESS;
}

static CUresult fake_cuMemAlloc(CUdeviceptr *dptr, size_t bytes) {
  note("cuMemAlloc %zu", bytes);
  count(&counts.allocs);
  CUresult r = injected("cuMemAlloc");
  if (r != CUDA_SUCCESS)
    return r;
  void *p = malloc(bytes);
  memset(p, 0xee, bytes);
  *dptr = (CUdeviceptr)(uintptr_t)p;
  return CUDA_SUCCESS;
}

static CUresult fake_cuMemAllocManaged(CUdeviceptr *dptr, size_t bytes,
                                       unsigned flags) {
  note("cuMemAllocManaged %zu %u", bytes, flags);
  count(&counts.allocs);
  CUresult r = injected("cuMemAllocManaged");
  if (r != CUDA_SUCCESS)
    return r;
  void *p = malloc(bytes);
  memset(p, 0xee, bytes);
  *dptr = (CUdeviceptr)(uintptr_t)p;
  return CUDA_SUCCESS;
}

static CUresult fake_cuMemFree(CUdeviceptr dptr) {
  note("cuMemFree");
  count(&counts.frees);
  free((void *)(uintptr_t)dptr);
  return injected("cuMemFree");
}

static CUresult fake_cuMemcpyHtoD(CUdeviceptr dst, const void *src,
                                  size_t bytes) {
  note("cuMemcpyHtoD %zu", bytes);
  memcpy((void *)(uintptr_t)dst, src, bytes);
  return injected("cuMemcpyHtoD");
}

static CUresult fake_cuMemcpyDtoH(void *dst, CUdeviceptr src, size_t bytes) {
  note("cuMemcpyDtoH %zu", bytes);
  memcpy(dst, (const void *)(uintptr_t)src, bytes);
  return injected("cuMemcpyDtoH");
}

static CUresult fake_cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  note("cuMemcpy %zu", bytes);
  memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, bytes);
  return injected("cuMemcpy");
}

static CUresult fake_cuMemPrefetchAsync(CUdeviceptr ptr, size_t bytes,
                                        CUdevice device, CUstream stream) {
  (void)ptr;
  note("cuMemPrefetchAsync %zu %d %s", bytes, device, stream ? "set" : "null");
  return injected("cuMemPrefetchAsync");
}

static CUresult fake_cuFuncSetAttribute(CUfunction f, int attribute,
                                        int value) {
  note("cuFuncSetAttribute %s %d %d", ((FakeFunction *)f)->name, attribute,
       value);
  return injected("cuFuncSetAttribute");
}

static CUresult fake_cuLaunchKernel(CUfunction f, unsigned gridX,
                                    unsigned gridY, unsigned gridZ,
                                    unsigned blockX, unsigned blockY,
                                    unsigned blockZ, unsigned sharedBytes,
                                    CUstream stream, void **params,
                                    void **extra) {
  FakeFunction *fn = (FakeFunction *)f;
  note("cuLaunchKernel %s grid %u x %u x %u block %u x %u x %u shared %u "
       "stream %s extra %s",
       fn->name, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
       stream ? "set" : "null", extra ? "set" : "null");
  count(&counts.launches);
  CUresult r = injected("cuLaunchKernel");
  if (r != CUDA_SUCCESS)
    return r;
  if (fn->emulated) {
    Emulate emulate = (Emulate)dlsym(RTLD_DEFAULT, "nl_gpu_emulate");
    if (!emulate)
      return CUDA_ERROR_NOT_FOUND;
    // A trap fails the launch, as the GPU's does.
    if (emulate(fn->emulated, fn->name, params, gridX, gridY, gridZ,
                blockX * blockY * blockZ, sharedBytes))
      return CUDA_ERROR_LAUNCH_FAILED;
  } else {
    fn->body(params, gridX, gridY, gridZ, blockX);
  }
  return CUDA_SUCCESS;
}

static CUresult fake_cuEventCreate(CUevent *event, unsigned flags) {
  static int events;
  note("cuEventCreate %u", flags);
  *event = (CUevent)&events;
  return injected("cuEventCreate");
}

static CUresult fake_cuEventRecord(CUevent event, CUstream stream) {
  (void)event;
  note("cuEventRecord %s", stream ? "set" : "null");
  return injected("cuEventRecord");
}

static CUresult fake_cuEventSynchronize(CUevent event) {
  (void)event;
  note("cuEventSynchronize");
  return injected("cuEventSynchronize");
}

/// Every timed launch takes 1.5 ms.
static CUresult fake_cuEventElapsedTime(float *ms, CUevent start, CUevent end) {
  (void)start, (void)end;
  note("cuEventElapsedTime");
  *ms = 1.5f;
  return injected("cuEventElapsedTime");
}

/// TMA's entry points: those of the program's emulated driver (a program
/// built with --gpu-emulation; runtime/hosted/gpu_emulate.c), whose tensor
/// maps its emulated kernels read.
typedef CUresult (*EmulatedDriver)(const char *symbol, void **pfn, int version,
                                   uint64_t flags, int *status);
static void *emulated_entry(const char *name) {
  EmulatedDriver driver =
      (EmulatedDriver)dlsym(RTLD_DEFAULT, "nl_gpu_emulated_driver");
  void *fn = NULL;
  if (driver)
    driver(name, &fn, NL_CUDA_API_VERSION, 0, NULL);
  return fn;
}

static CUresult
fake_cuTensorMapEncodeTiled(CUtensorMap *map, int type, uint32_t rank,
                            void *address, const uint64_t *dims,
                            const uint64_t *strides, const uint32_t *box,
                            const uint32_t *elementStrides, int interleave,
                            int swizzle, int l2Promotion, int oobFill) {
  note("cuTensorMapEncodeTiled type %d rank %u dims %llu x %llu stride %llu "
       "box %u x %u swizzle %d",
       type, rank, (unsigned long long)dims[0], (unsigned long long)dims[1],
       (unsigned long long)strides[0], box[0], box[1], swizzle);
  CUresult r = injected("cuTensorMapEncodeTiled");
  NlCu_cuTensorMapEncodeTiled encode =
      (NlCu_cuTensorMapEncodeTiled)emulated_entry("cuTensorMapEncodeTiled");
  if (r != CUDA_SUCCESS)
    return r;
  if (!encode)
    return CUDA_ERROR_NOT_FOUND;
  return encode(map, type, rank, address, dims, strides, box, elementStrides,
                interleave, swizzle, l2Promotion, oobFill);
}

static CUresult fake_cuMemcpy2D(const CUDA_MEMCPY2D *copy) {
  note("cuMemcpy2D %zu x %zu", copy->WidthInBytes, copy->Height);
  CUresult r = injected("cuMemcpy2D");
  NlCu_cuMemcpy2D memcpy2d = (NlCu_cuMemcpy2D)emulated_entry("cuMemcpy2D");
  if (r != CUDA_SUCCESS)
    return r;
  if (!memcpy2d)
    return CUDA_ERROR_NOT_FOUND;
  return memcpy2d(copy);
}

/// The entry points by name; the initializers check their types.
static const struct {
  const char *name;
  void *fn;
} entries[] = {
#define FAKE_ENTRY(name, params) {#name, (void *)(NlCu_##name)fake_##name},
    NL_CUDA_ERROR_FUNCTIONS(FAKE_ENTRY) NL_CUDA_FUNCTIONS(FAKE_ENTRY)
        NL_CUDA_OPTIONAL_FUNCTIONS(FAKE_ENTRY)
            NL_CUDA_COPY_FUNCTIONS(FAKE_ENTRY)
                NL_CUDA_TIMING_FUNCTIONS(FAKE_ENTRY)
                    NL_CUDA_TMA_FUNCTIONS(FAKE_ENTRY)
#undef FAKE_ENTRY
};

static CUresult lookup(const char *how, const char *symbol, void **pfn,
                       int version, uint64_t flags) {
  note("%s %s %d %llu", how, symbol, version, (unsigned long long)flags);
  *pfn = NULL;
  CUresult r = injected_at(symbol, 0);
  if (r < 0)
    return -r;
  for (size_t i = 0; i < sizeof entries / sizeof entries[0]; ++i)
    if (strcmp(entries[i].name, symbol) == 0) {
      *pfn = entries[i].fn;
      return CUDA_SUCCESS;
    }
  return CUDA_ERROR_NOT_FOUND;
}

#ifdef FAKE_CUDA_V1_ONLY
CUresult cuGetProcAddress(const char *symbol, void **pfn, int version,
                          uint64_t flags) {
  return lookup("cuGetProcAddress", symbol, pfn, version, flags);
}
#else
CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int version,
                             uint64_t flags, int *status) {
  if (status)
    *status = 0;
  return lookup("cuGetProcAddress_v2", symbol, pfn, version, flags);
}
#endif

__attribute__((destructor)) static void summary(void) {
  if (!getenv("FAKE_CUDA_SUMMARY"))
    return;
  fprintf(stderr,
          "fake: %d loads, %d lookups, %d launches, %d allocs, %d frees, "
          "%d made current\n",
          counts.loads, counts.lookups, counts.launches, counts.allocs,
          counts.frees, counts.current);
}
