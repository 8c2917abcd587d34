// The floor under nlc's launch overhead on an NVIDIA GPU: the CUDA driver
// API alone (loaded as nlrt loads it: dlopen, cuGetProcAddress), launching
// an empty one-thread kernel and waiting for it, `reps` times.
//
//   rawlaunch [reps]   prints "raw_launch_sync_ns <ns per launch>" (best of
//                      5 rounds) and "raw_launch_async_ns" (reps launches,
//                      one wait at the end).
#include "../../../runtime/hosted/cuda_driver.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NL_CUDA_POINTER(name, params) static NlCu_##name p_##name;
NL_CUDA_FUNCTIONS(NL_CUDA_POINTER)
#undef NL_CUDA_POINTER

static const char kPtx[] = ".version 8.0\n.target sm_90a\n.address_size 64\n"
                           ".visible .entry empty()\n{\n ret;\n}\n";

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void check(CUresult r, const char *what) {
  if (r != CUDA_SUCCESS) {
    fprintf(stderr, "rawlaunch: %s failed with CUDA error %d\n", what, r);
    exit(1);
  }
}

int main(int argc, char **argv) {
  long reps = argc > 1 ? atol(argv[1]) : 20000;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW);
  if (!lib) {
    fprintf(stderr, "rawlaunch: %s\n", dlerror());
    return 1;
  }
  NlCuGetProcAddressV2 get =
      (NlCuGetProcAddressV2)dlsym(lib, "cuGetProcAddress_v2");
  if (!get) {
    fprintf(stderr, "rawlaunch: no cuGetProcAddress_v2\n");
    return 1;
  }
#define NL_CUDA_RESOLVE(name, params)                                          \
  check(get(#name, (void **)&p_##name, NL_CUDA_API_VERSION,                    \
            CU_GET_PROC_ADDRESS_DEFAULT, NULL),                                \
        "cuGetProcAddress(" #name ")");
  NL_CUDA_FUNCTIONS(NL_CUDA_RESOLVE)
#undef NL_CUDA_RESOLVE
  CUdevice dev;
  CUcontext ctx;
  CUmodule mod;
  CUfunction fn;
  check(p_cuInit(0), "cuInit");
  check(p_cuDeviceGet(&dev, 0), "cuDeviceGet");
  check(p_cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
  check(p_cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
  check(p_cuModuleLoadData(&mod, kPtx), "cuModuleLoadData");
  check(p_cuModuleGetFunction(&fn, mod, "empty"), "cuModuleGetFunction");
  double best_sync = 1e30, best_async = 1e30;
  for (int round = 0; round < 5; ++round) {
    long long t0 = now_ns();
    for (long i = 0; i < reps; ++i) {
      check(p_cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, 0, NULL, NULL), "launch");
      check(p_cuCtxSynchronize(), "cuCtxSynchronize");
    }
    long long t1 = now_ns();
    for (long i = 0; i < reps; ++i)
      check(p_cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, 0, NULL, NULL), "launch");
    check(p_cuCtxSynchronize(), "cuCtxSynchronize");
    long long t2 = now_ns();
    double s = (double)(t1 - t0) / reps, a = (double)(t2 - t1) / reps;
    best_sync = s < best_sync ? s : best_sync;
    best_async = a < best_async ? a : best_async;
  }
  printf("raw_launch_sync_ns %.0f\nraw_launch_async_ns %.0f\n", best_sync,
         best_async);
  return 0;
}
