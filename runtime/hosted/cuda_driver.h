//===- cuda_driver.h - The part of the CUDA driver API that nlrt calls ----===//
//
// The types, constants and entry points of the CUDA driver API (cuda.h) that
// runtime/hosted/gpu.c uses, declared here so that the runtime builds where
// no CUDA toolkit is installed and never links libcuda: gpu.c loads the
// driver with dlopen and asks cuGetProcAddress for each entry point by its
// base name, for the ABI of CUDA 12.0 (NL_CUDA_API_VERSION). The names in
// NL_CUDA_FUNCTIONS are those base names, not the `_v2` names that cuda.h's
// macros substitute; the signatures are those of the versions the driver
// returns for 12.0. Values are copied from cuda.h, where they are part of
// the driver's stable ABI.
//
//===----------------------------------------------------------------------===//

#ifndef NL_HOSTED_CUDA_DRIVER_H
#define NL_HOSTED_CUDA_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// The status every driver function returns (an enum in cuda.h).
typedef int CUresult;

/// The CUresult values the runtime names itself, for when the driver cannot
/// (cuGetErrorName is itself an entry point that may fail to resolve).
enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_STUB_LIBRARY = 34,
  CUDA_ERROR_INSUFFICIENT_DRIVER = 35,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_LAUNCH_FAILED = 719,
};

typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;

/// CUfunction_attribute: the most dynamic shared memory a launch may ask.
enum { CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8 };

/// cuGetProcAddress's flags: look the symbol up the default way.
enum { CU_GET_PROC_ADDRESS_DEFAULT = 0 };
/// cuMemAllocManaged: memory any stream on any device may use.
enum { CU_MEM_ATTACH_GLOBAL = 1 };

/// The CUDA version (major * 1000 + minor * 10) whose ABI the entry points
/// are asked for.
#define NL_CUDA_API_VERSION 12000

/// cuGetProcAddress as CUDA 12 and later export it, as `cuGetProcAddress_v2`
/// (\p symbolStatus may be NULL).
typedef CUresult (*NlCuGetProcAddressV2)(const char *symbol, void **pfn,
                                         int cudaVersion, uint64_t flags,
                                         int *symbolStatus);

/// cuGetProcAddress as CUDA 11.3 to 11.8 export it, as `cuGetProcAddress`.
typedef CUresult (*NlCuGetProcAddressV1)(const char *symbol, void **pfn,
                                         int cudaVersion, uint64_t flags);

/// The entry points resolved through cuGetProcAddress, as
/// X(NAME, PARAMETERS); each returns CUresult. NlCu_NAME is the type of a
/// pointer to NAME. Those that name errors come first and may be missing
/// (messages then name the errors themselves); the rest are required.
#define NL_CUDA_ERROR_FUNCTIONS(X)                                             \
  X(cuGetErrorName, (CUresult error, const char **str))                        \
  X(cuGetErrorString, (CUresult error, const char **str))
#define NL_CUDA_FUNCTIONS(X)                                                   \
  X(cuInit, (unsigned flags))                                                  \
  X(cuDeviceGet, (CUdevice * device, int ordinal))                             \
  X(cuDevicePrimaryCtxRetain, (CUcontext * ctx, CUdevice device))              \
  X(cuCtxSetCurrent, (CUcontext ctx))                                          \
  X(cuCtxSynchronize, (void))                                                  \
  X(cuModuleLoadData, (CUmodule * module, const void *image))                  \
  X(cuModuleGetFunction,                                                       \
    (CUfunction * function, CUmodule module, const char *name))                \
  X(cuMemAlloc, (CUdeviceptr * dptr, size_t bytes))                            \
  X(cuMemAllocManaged, (CUdeviceptr * dptr, size_t bytes, unsigned flags))     \
  X(cuMemFree, (CUdeviceptr dptr))                                             \
  X(cuMemcpyHtoD, (CUdeviceptr dst, const void *src, size_t bytes))            \
  X(cuMemcpyDtoH, (void *dst, CUdeviceptr src, size_t bytes))                  \
  X(cuFuncSetAttribute, (CUfunction f, int attribute, int value))              \
  X(cuLaunchKernel,                                                            \
    (CUfunction f, unsigned gridX, unsigned gridY, unsigned gridZ,             \
     unsigned blockX, unsigned blockY, unsigned blockZ, unsigned sharedBytes,  \
     CUstream stream, void **params, void **extra))

/// Entry points asked for once device 0 is set up that a driver may lack
/// (what they tell is then assumed).
#define NL_CUDA_OPTIONAL_FUNCTIONS(X)                                          \
  X(cuDeviceGetAttribute, (int *value, int attribute, CUdevice device))

/// Entry points for copies of tensors that touch GPU memory (`to`,
/// `clone`: nl_gpu_copy), asked for once device 0 is set up; without them
/// those copies are the host's.
#define NL_CUDA_COPY_FUNCTIONS(X)                                              \
  X(cuMemcpy, (CUdeviceptr dst, CUdeviceptr src, size_t bytes))                \
  X(cuMemPrefetchAsync,                                                        \
    (CUdeviceptr ptr, size_t bytes, CUdevice device, CUstream stream))

/// CUdevice_attribute: whether the host may touch managed memory while a
/// kernel runs.
enum { CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS = 89 };

/// The entry points NL_GPU_TIMING needs, resolved only when it is set.
#define NL_CUDA_TIMING_FUNCTIONS(X)                                            \
  X(cuEventCreate, (CUevent * event, unsigned flags))                          \
  X(cuEventRecord, (CUevent event, CUstream stream))                           \
  X(cuEventSynchronize, (CUevent event))                                       \
  X(cuEventElapsedTime, (float *ms, CUevent start, CUevent end))

/// A TMA tensor map (CUtensorMap: 128 opaque bytes, 64-byte aligned), what
/// cuTensorMapEncodeTiled writes and a kernel takes by value.
typedef struct CUtensorMap {
  _Alignas(64) uint64_t opaque[16];
} CUtensorMap;

/// CUtensorMapDataType values nlc uses.
enum {
  CU_TENSOR_MAP_DATA_TYPE_FLOAT16 = 6,
  CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 = 9
};
/// CUtensorMapL2promotion: lines of 128 bytes.
enum { CU_TENSOR_MAP_L2_PROMOTION_L2_128B = 2 };

/// CUmemorytype, and cuMemcpy2D's description of a copy (CUDA_MEMCPY2D).
enum {
  CU_MEMORYTYPE_HOST = 1,
  CU_MEMORYTYPE_DEVICE = 2,
  CU_MEMORYTYPE_ARRAY = 3,
  CU_MEMORYTYPE_UNIFIED = 4,
};
typedef struct CUDA_MEMCPY2D {
  size_t srcXInBytes, srcY;
  int srcMemoryType;
  const void *srcHost;
  CUdeviceptr srcDevice;
  void *srcArray;
  size_t srcPitch;
  size_t dstXInBytes, dstY;
  int dstMemoryType;
  void *dstHost;
  CUdeviceptr dstDevice;
  void *dstArray;
  size_t dstPitch;
  size_t WidthInBytes, Height;
} CUDA_MEMCPY2D;

/// The entry points a launch with TMA copies needs (CUDA 12), resolved at
/// the first one.
#define NL_CUDA_TMA_FUNCTIONS(X)                                               \
  X(cuTensorMapEncodeTiled,                                                    \
    (CUtensorMap * map, int type, uint32_t rank, void *address,                \
     const uint64_t *dims, const uint64_t *strides, const uint32_t *box,       \
     const uint32_t *elementStrides, int interleave, int swizzle,              \
     int l2Promotion, int oobFill))                                            \
  X(cuMemcpy2D, (const CUDA_MEMCPY2D *copy))

#define NL_CUDA_TYPEDEF(name, params) typedef CUresult(*NlCu_##name) params;
NL_CUDA_ERROR_FUNCTIONS(NL_CUDA_TYPEDEF)
NL_CUDA_FUNCTIONS(NL_CUDA_TYPEDEF)
NL_CUDA_OPTIONAL_FUNCTIONS(NL_CUDA_TYPEDEF)
NL_CUDA_COPY_FUNCTIONS(NL_CUDA_TYPEDEF)
NL_CUDA_TIMING_FUNCTIONS(NL_CUDA_TYPEDEF)
NL_CUDA_TMA_FUNCTIONS(NL_CUDA_TYPEDEF)
#undef NL_CUDA_TYPEDEF

#endif // NL_HOSTED_CUDA_DRIVER_H
