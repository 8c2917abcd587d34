// clang-format off
// Checks nl_gpu_launch against a fake CUDA driver (Inputs/fake_cuda.c, which
// runs "kernels" on the host and logs every driver call on stderr), loaded
// through NL_CUDA_LIBRARY: the entry points are asked for by base name for
// CUDA 12.0, through cuGetProcAddress_v2 or, from an older driver, the
// four-argument cuGetProcAddress; two overlapping views of one tensor share
// one device block and see each other's writes, a disjoint view gets its
// own, an empty view none (its pointers are left alone); the parameters
// point at device memory, allocated pointers shifted like aligned ones;
// everything is copied back; device blocks are kept for the next launches
// (a 16-byte view reuses a kept 32-byte block, never a 48-byte one), and an
// allocation that runs out of memory frees the kept blocks and is tried
// once more; a module is loaded once per image and a function looked up
// once per kernel, also when four threads launch
// at once; a launch whose views all lie in device memory returns without
// waiting for its kernel, and the host waits (one cuCtxSynchronize) at
// nl_gpu_wait, before a launch that copies host memory, before freeing
// device memory and at the end, where a failure names the launches it may
// come from (every launch waits under CUDA_LAUNCH_BLOCKING, and on a device
// without concurrent managed access); a launch with
// more than 48 KiB of shared memory asks for it first, once per kernel and
// size; with NL_GPU_TIMING, launches are timed with events and the times
// written at exit; an empty grid does nothing. Every failure ends the program with
// status 101, one message naming the kernel and the CUDA error on stderr,
// and the output printed before it on stdout.
//
// RUN: %clang -O1 -shared -fPIC -I %nlrt_include %S/Inputs/fake_cuda.c -o %t.fake.so
// RUN: %clang -O1 -shared -fPIC -DFAKE_CUDA_V1_ONLY -I %nlrt_include %S/Inputs/fake_cuda.c -o %t.fake-v1.so
// RUN: %clang -O1 -rdynamic -I %nlrt_include %s %nlrt_lib -o %t
//
// RUN: env NL_CUDA_LIBRARY=%t.fake.so %t --basic > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=OUT --match-full-lines < %t.out
// RUN: FileCheck %s --check-prefix=LOG --match-full-lines < %t.err
// RUN: env NL_CUDA_LIBRARY=%t.fake-v1.so %t --one 2>&1 | FileCheck %s --check-prefix=V1 --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_FAIL=cuMemAlloc=2@2 %t --oom > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=OOM-OUT --match-full-lines < %t.out
// RUN: FileCheck %s --check-prefix=OOM --match-full-lines < %t.err
// RUN: env NL_CUDA_LIBRARY=%t.fake.so NL_GPU_TIMING=1 %t --basic 2>&1 > /dev/null | FileCheck %s --check-prefix=TIMING --match-full-lines
// A kernel with a cubin (made by ptxas at compile time) loads it, not its
// PTX; where the driver refuses it (CUDA_ERROR_NO_BINARY_FOR_GPU: a GPU of
// another architecture) the PTX, and with NL_GPU_PTX set only the PTX.
// RUN: env NL_CUDA_LIBRARY=%t.fake.so %t --cubin 2>&1 | FileCheck %s --check-prefix=CUBIN --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_FAIL=cuModuleLoadData=209@1 %t --cubin 2>&1 | FileCheck %s --check-prefix=CUBIN-REFUSED --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so NL_GPU_PTX=1 %t --cubin 2>&1 | FileCheck %s --check-prefix=CUBIN-PTX --match-full-lines
//      CUBIN:cuModuleLoadData cubin
// CUBIN-NEXT:cuModuleGetFunction "inc_kernel" in "cubin"
//      CUBIN:c = 1 1 1 1
//      CUBIN-REFUSED:cuModuleLoadData cubin
// CUBIN-REFUSED-NEXT:cuModuleLoadData "ptx image four"
// CUBIN-REFUSED-NEXT:cuModuleGetFunction "inc_kernel" in "ptx image four"
//      CUBIN-REFUSED:c = 1 1 1 1
//      CUBIN-PTX:cuModuleLoadData "ptx image four"
// CUBIN-PTX-NEXT:cuModuleGetFunction "inc_kernel" in "ptx image four"
//      CUBIN-PTX:c = 1 1 1 1
// RUN: env NL_CUDA_LIBRARY=%t.fake.so %t --read-only > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=RO-OUT --match-full-lines < %t.out
// RUN: FileCheck %s --check-prefix=RO --match-full-lines < %t.err
// RUN: env NL_CUDA_LIBRARY=%t.fake.so %t --device-memory > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=DEVICE-OUT --match-full-lines < %t.out
// RUN: FileCheck %s --check-prefix=DEVICE --match-full-lines < %t.err
// RUN: env NL_CUDA_LIBRARY=%t.fake.so %t --async > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ASYNC-OUT --match-full-lines < %t.out
// RUN: FileCheck %s --check-prefix=ASYNC --match-full-lines < %t.err
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuCtxSynchronize=700 sh -c '%t --async 2>&1; echo status=$?' | FileCheck %s --check-prefix=ASYNC-FAIL --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuCtxSynchronize=700@5 sh -c '%t --async 2>&1; echo status=$?' | FileCheck %s --check-prefix=ASYNC-END --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so CUDA_LAUNCH_BLOCKING=1 %t --async 2>&1 > /dev/null | FileCheck %s --check-prefix=BLOCKING --match-full-lines
// A device without concurrent managed access: every launch waits too.
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_NO_CONCURRENT_ACCESS=1 %t --async 2>&1 > /dev/null | FileCheck %s --check-prefix=BLOCKING --match-full-lines
//      ASYNC:cuMemAllocManaged 16 1
// ASYNC-NEXT:-- two launches on device memory
// ASYNC-NEXT:cuModuleLoadData "ptx image one"
// ASYNC-NEXT:cuModuleGetFunction "inc_kernel" in "ptx image one"
// ASYNC-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// ASYNC-NEXT:cuModuleGetFunction "inc_kernel" in "ptx image one"
// ASYNC-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// ASYNC-NEXT:-- the host waits
// ASYNC-NEXT:cuCtxSynchronize
// ASYNC-NEXT:-- a wait with nothing pending
// ASYNC-NEXT:-- a launch on device memory, then one on host memory
// ASYNC-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// ASYNC-NEXT:cuCtxSynchronize
// ASYNC-NEXT:cuMemAlloc 16
// ASYNC-NEXT:cuMemcpyHtoD 16
// ASYNC-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// ASYNC-NEXT:cuCtxSynchronize
// ASYNC-NEXT:cuMemcpyDtoH 16
// ASYNC-NEXT:-- a launch, then the free
// ASYNC-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// ASYNC-NEXT:cuCtxSynchronize
// ASYNC-NEXT:cuMemFree
// ASYNC-NEXT:-- a launch left for the end
// ASYNC-NEXT:cuMemAllocManaged 16 1
// ASYNC-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// ASYNC-NEXT:-- end
// ASYNC-NEXT:cuCtxSynchronize
//  ASYNC-NOT:{{.}}
//      ASYNC-OUT:pending after them: 1
// ASYNC-OUT-NEXT:pending after the wait: 0, a = 2 3 4 5
// ASYNC-OUT-NEXT:pending after the second: 0, c = 1 1 1 1
// ASYNC-OUT-NEXT:end
//      ASYNC-FAIL:pending after them: 1
// ASYNC-FAIL-NEXT:error: one of 2 GPU launches the host had not waited for failed (kernel 'inc_kernel' (gpu_launch.nl:6:1), kernel 'inc_kernel' (gpu_launch.nl:20:5); CUDA_LAUNCH_BLOCKING=1 makes each launch wait, to tell which): cuCtxSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access was encountered
// ASYNC-FAIL-NEXT:status=101
//      ASYNC-END:end
// ASYNC-END-NEXT:error: GPU launch of kernel 'inc_kernel' (gpu_launch.nl:6:1): cuCtxSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access was encountered
// ASYNC-END-NEXT:status=101
//      BLOCKING:-- two launches on device memory
// BLOCKING-NEXT:cuModuleLoadData "ptx image one"
// BLOCKING-NEXT:cuModuleGetFunction "inc_kernel" in "ptx image one"
// BLOCKING-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// BLOCKING-NEXT:cuCtxSynchronize
// BLOCKING-NEXT:cuModuleGetFunction "inc_kernel" in "ptx image one"
// BLOCKING-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// BLOCKING-NEXT:cuCtxSynchronize
// BLOCKING-NEXT:-- the host waits
// BLOCKING-NEXT:-- a wait with nothing pending
// RUN: env NL_CUDA_LIBRARY=/nonexistent/libcuda.so %t --device-count | FileCheck %s --check-prefix=NO-GPU --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_FAIL=cuInit=100 %t --device-count > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=NO-GPU --match-full-lines < %t.out
// RUN: FileCheck %s --check-prefix=NO-GPU-LOG --match-full-lines < %t.err
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuMemAllocManaged=2 not %t --device-oom 2>&1 | FileCheck %s --check-prefix=DEVICE-OOM --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_SUMMARY=1 %t --threads 2>&1 | FileCheck %s --check-prefix=THREADS --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 not %t --tma-huge 2>&1 | FileCheck %s --check-prefix=TMA-HUGE
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuTensorMapEncodeTiled=-500 not %t --tma 2>&1 | FileCheck %s --check-prefix=TMA-NO-DRIVER
// RUN: env NL_CUDA_LIBRARY=%t.fake.so %t --tma 2>&1 >/dev/null | FileCheck %s --check-prefix=TMA-LOG
// TMA-LOG: cuTensorMapEncodeTiled type 2 rank 2 dims 8 x 4 stride 32 box 4 x 4 swizzle 1
// TMA-LOG: cuLaunchKernel inc_kernel
// TMA-LOG-NOT: cuTensorMapEncodeTiled
// TMA-LOG: cuLaunchKernel inc_kernel
// TMA-HUGE: error: GPU launch of kernel 'inc_kernel' {{.*}}tensor map 0 names parameter 2 and view 0 of a view of 2147483648 x 8 elements (the tensor memory accelerator takes at most 2^31 - 1 a side)
// TMA-HUGE-NOT: launched
// TMA-NO-DRIVER: error: GPU launch of kernel 'inc_kernel' {{.*}}the CUDA driver has no cuTensorMapEncodeTiled or cuMemcpy2D, which TMA copies need (CUDA 12 or later)
// TMA-NO-DRIVER-NOT: launched
//
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuLaunchKernel=1 not %t --one > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=BEFORE --match-full-lines --strict-whitespace < %t.out
// RUN: FileCheck %s --check-prefix=ERR --match-full-lines --strict-whitespace < %t.err
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuLaunchKernel=1 sh -c '%t --one 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,LAUNCH --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuInit=100 sh -c '%t --one 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,INIT --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuMemcpyHtoD=-500 sh -c '%t --one 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,RESOLVE --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuModuleLoadData=218 sh -c '%t --one 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,LOAD --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuMemAlloc=2 sh -c '%t --one 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,ALLOC --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 FAKE_CUDA_FAIL=cuCtxSynchronize=700 sh -c '%t --one 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,SYNC --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 sh -c '%t --missing 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,MISSING --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 sh -c '%t --big-grid 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,GRID --match-full-lines
// RUN: env NL_CUDA_LIBRARY=%t.fake.so FAKE_CUDA_QUIET=1 sh -c '%t --bad-map 2>&1; echo status=$?' | FileCheck %s --check-prefixes=BOTH,MAP --match-full-lines
//
//      OUT:after launch 1: a = 0 10 20 30 40 50 60 70 8 9 10 11 12 13 14 15
// OUT-NEXT:out = 40 50 60 70 8 9 10 11
// OUT-NEXT:between = -1 -1 -1 -1
// OUT-NEXT:v1 on the host: 0, v2 - v1: 16, v1 aligned - allocated: 0, v2 aligned - allocated: 16, empty view untouched: 1, n: 8
// OUT-NEXT:after launch 2: a = 0 100 200 300 400 500 600 700 8 9 10 11 12 13 14 15
// OUT-NEXT:out = 400 500 600 700 8 9 10 11
// OUT-NEXT:after the other kernels: c = 2 3 4 5
//
//      LOG:cuGetProcAddress_v2 cuGetErrorName 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuGetErrorString 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuInit 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuDeviceGet 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuDevicePrimaryCtxRetain 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuCtxSetCurrent 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuCtxSynchronize 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuModuleLoadData 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuModuleGetFunction 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuMemAlloc 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuMemAllocManaged 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuMemFree 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuMemcpyHtoD 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuMemcpyDtoH 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuFuncSetAttribute 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuLaunchKernel 12000 0
// LOG-NEXT:cuInit 0
// LOG-NEXT:cuDeviceGet 0
// LOG-NEXT:cuDevicePrimaryCtxRetain 0
// LOG-NEXT:cuGetProcAddress_v2 cuDeviceGetAttribute 12000 0
// LOG-NEXT:cuDeviceGetAttribute 89 0
// LOG-NEXT:cuGetProcAddress_v2 cuMemcpy 12000 0
// LOG-NEXT:cuGetProcAddress_v2 cuMemPrefetchAsync 12000 0
// LOG-NEXT:cuCtxSetCurrent primary
// LOG-NEXT:cuModuleLoadData "ptx image one"
// LOG-NEXT:cuModuleGetFunction "alias_kernel" in "ptx image one"
// LOG-NEXT:cuMemAlloc 48
// LOG-NEXT:cuMemcpyHtoD 48
// LOG-NEXT:cuMemAlloc 32
// LOG-NEXT:cuMemcpyHtoD 32
// LOG-NEXT:cuLaunchKernel alias_kernel grid 2 x 3 x 4 block 128 x 1 x 1 shared 0 stream null extra null
// LOG-NEXT:cuCtxSynchronize
// LOG-NEXT:cuMemcpyDtoH 48
// LOG-NEXT:cuMemcpyDtoH 32
// LOG-NEXT:-- launch 2
// LOG-NEXT:cuMemcpyHtoD 48
// LOG-NEXT:cuMemcpyHtoD 32
// LOG-NEXT:cuFuncSetAttribute alias_kernel 8 65536
// LOG-NEXT:cuLaunchKernel alias_kernel grid 1 x 1 x 1 block 32 x 1 x 1 shared 65536 stream null extra null
// LOG-NEXT:cuCtxSynchronize
// LOG-NEXT:cuMemcpyDtoH 48
// LOG-NEXT:cuMemcpyDtoH 32
// LOG-NEXT:-- the same shared memory again, then more
// LOG-NEXT:cuMemcpyHtoD 48
// LOG-NEXT:cuMemcpyHtoD 32
// LOG-NEXT:cuLaunchKernel alias_kernel grid 1 x 1 x 1 block 32 x 1 x 1 shared 65536 stream null extra null
// LOG-NEXT:cuCtxSynchronize
// LOG-NEXT:cuMemcpyDtoH 48
// LOG-NEXT:cuMemcpyDtoH 32
// LOG-NEXT:cuMemcpyHtoD 48
// LOG-NEXT:cuMemcpyHtoD 32
// LOG-NEXT:cuFuncSetAttribute alias_kernel 8 98304
// LOG-NEXT:cuLaunchKernel alias_kernel grid 1 x 1 x 1 block 32 x 1 x 1 shared 98304 stream null extra null
// LOG-NEXT:cuCtxSynchronize
// LOG-NEXT:cuMemcpyDtoH 48
// LOG-NEXT:cuMemcpyDtoH 32
// LOG-NEXT:-- another kernel of the same image
// LOG-NEXT:cuModuleGetFunction "inc_kernel" in "ptx image one"
// LOG-NEXT:cuMemcpyHtoD 16
// LOG-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// LOG-NEXT:cuCtxSynchronize
// LOG-NEXT:cuMemcpyDtoH 16
// LOG-NEXT:-- a kernel of another image
// LOG-NEXT:cuModuleLoadData "ptx image two"
// LOG-NEXT:cuModuleGetFunction "inc_kernel" in "ptx image two"
// LOG-NEXT:cuMemcpyHtoD 16
// LOG-NEXT:cuLaunchKernel inc_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// LOG-NEXT:cuCtxSynchronize
// LOG-NEXT:cuMemcpyDtoH 16
// LOG-NEXT:-- empty grids
// LOG-NEXT:-- done
//  LOG-NOT:{{.}}
//
//      OOM:-- a 16-byte view
//      OOM:cuMemAlloc 16
//      OOM:-- a 64-byte view: out of memory, the kept block freed, once more
// OOM-NEXT:cuMemAlloc 64
// OOM-NEXT:cuMemFree
// OOM-NEXT:cuMemAlloc 64
// OOM-NEXT:cuMemcpyHtoD 64
//  OOM-NOT:cuMem{{Alloc|Free}}
//      OOM:-- done
//  OOM-NOT:cuMem{{Alloc|Free}}
//
//      OOM-OUT:c = 1 2 3 4
// OOM-OUT-NEXT:d = 2 2 2 2 0 0 0 0 0 0 0 0 0 0 0 0
//
// A view the kernel only reads (`written` 0) is copied to the device, not
// back, unless a written view shares its block.
//      RO:-- x read only, y apart
//      RO:cuMemcpyHtoD 16
// RO-NEXT:cuMemAlloc 4
// RO-NEXT:cuMemcpyHtoD 4
// RO-NEXT:cuLaunchKernel sum_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// RO-NEXT:cuCtxSynchronize
// RO-NEXT:cuMemcpyDtoH 4
// RO-NEXT:-- x read only, y overlapping it
// RO-NEXT:cuMemcpyHtoD 16
// RO-NEXT:cuLaunchKernel sum_kernel grid 1 x 1 x 1 block 1 x 1 x 1 shared 0 stream null extra null
// RO-NEXT:cuCtxSynchronize
// RO-NEXT:cuMemcpyDtoH 16
//  RO-NOT:{{.}}
//      RO-OUT:c = 1 2 3 4 0 0 10 0
// RO-OUT-NEXT:c = 99 2 10 4 0 0 10 0
//
// Device memory (a tensor on the GPU): managed memory that the host reads
// and writes; a launch passes a view of it as it is, copying only the
// host memory of the others; nl_dealloc frees it with cuMemFree, and
// host memory as before. Without a usable driver there is no GPU (and no
// error); device memory that cannot be had is a panic at its source
// position.
//      DEVICE:cuMemAllocManaged 64 1
// DEVICE-NEXT:cuMemAllocManaged 16 1
// DEVICE-NEXT:-- a launch on device memory and host memory
// DEVICE-NEXT:cuModuleLoadData "ptx image one"
// DEVICE-NEXT:cuModuleGetFunction "alias_kernel" in "ptx image one"
// DEVICE-NEXT:cuMemAlloc 32
// DEVICE-NEXT:cuMemcpyHtoD 32
// DEVICE-NEXT:cuLaunchKernel alias_kernel grid 1 x 1 x 1 block 32 x 1 x 1 shared 0 stream null extra null
// DEVICE-NEXT:cuCtxSynchronize
// DEVICE-NEXT:cuMemcpyDtoH 32
// DEVICE-NEXT:-- freed
// DEVICE-NEXT:cuMemFree
// DEVICE-NEXT:cuMemFree
// DEVICE-NEXT:-- done
//  DEVICE-NOT:{{.}}
//      DEVICE-OUT:devices: 1, on the GPU: 1 1 1, on the CPU: 0 0
// DEVICE-OUT-NEXT:v1 in device memory as it is: 1, v2 - v1: 16
// DEVICE-OUT-NEXT:after: a = 0 10 20 30 40 50 60 70 8 9 10 11 12 13 14 15
// DEVICE-OUT-NEXT:out = 40 50 60 70 8 9 10 11
//      NO-GPU:devices: 0
// NO-GPU-NEXT:devices, again: 0
// The driver is looked for once (cuInit failed: no device).
//      NO-GPU-LOG:cuInit 0
//  NO-GPU-LOG-NOT:cuInit
//      DEVICE-OOM:gpu_launch.nl:3:7: runtime error: GPU memory of 4096 bytes: cuMemAllocManaged failed: CUDA_ERROR_OUT_OF_MEMORY: out of memory
//
//      TIMING:cuGetProcAddress_v2 cuEventElapsedTime 12000 0
//      TIMING:cuEventCreate 0
// TIMING-NEXT:cuEventCreate 0
// TIMING-NEXT:cuEventRecord null
// TIMING-NEXT:cuLaunchKernel alias_kernel grid 2 x 3 x 4 block 128 x 1 x 1 shared 0 stream null extra null
// TIMING-NEXT:cuEventRecord null
// TIMING-NEXT:cuCtxSynchronize
// TIMING-NEXT:cuEventElapsedTime
//      TIMING:gpu time: alias_kernel: 4 launches, total 6.000 ms, best 1500.000 us, mean 1500.000 us
// TIMING-NEXT:gpu time: inc_kernel: 1 launches, total 1.500 ms, best 1500.000 us, mean 1500.000 us
// TIMING-NEXT:gpu time: inc_kernel: 1 launches, total 1.500 ms, best 1500.000 us, mean 1500.000 us
//  TIMING-NOT:gpu time
//
//      V1:cuGetProcAddress cuGetErrorName 12000 0
// V1-NEXT:cuGetProcAddress cuGetErrorString 12000 0
//      V1:cuGetProcAddress cuLaunchKernel 12000 0
//      V1:cuLaunchKernel alias_kernel grid 2 x 3 x 4 block 128 x 1 x 1 shared 0 stream null extra null
//      V1:before the launch
// V1-NEXT:after the launch: out = 40 50 60 70 8 9 10 11
//
//      THREADS:threads: 200 launches, 0 wrong
// THREADS-NEXT:fake: 1 loads, 1 lookups, 200 launches, {{[1-4]}} allocs, 0 frees, 4 made current
//
//     BEFORE:before the launch
// BEFORE-NOT:{{.}}
//        ERR:error: GPU launch of kernel 'alias_kernel' (gpu_launch.nl:3:1): cuLaunchKernel failed: CUDA_ERROR_INVALID_VALUE: invalid argument
//    ERR-NOT:{{.}}
//
//         BOTH:before the launch
//  LAUNCH-NEXT:error: GPU launch of kernel 'alias_kernel' (gpu_launch.nl:3:1): cuLaunchKernel failed: CUDA_ERROR_INVALID_VALUE: invalid argument
//    INIT-NEXT:error: kernel 'alias_kernel' (gpu_launch.nl:3:1) is compiled for an NVIDIA GPU, but no NVIDIA GPU is available: cuInit failed: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected
// RESOLVE-NEXT:error: kernel 'alias_kernel' (gpu_launch.nl:3:1) is compiled for an NVIDIA GPU, but no NVIDIA GPU is available: cuGetProcAddress(cuMemcpyHtoD) failed: CUDA_ERROR_NOT_FOUND: named symbol not found
//    LOAD-NEXT:error: GPU launch of kernel 'alias_kernel' (gpu_launch.nl:3:1): cuModuleLoadData failed: CUDA error 218
//   ALLOC-NEXT:error: GPU launch of kernel 'alias_kernel' (gpu_launch.nl:3:1): cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY: out of memory
//    SYNC-NEXT:error: GPU launch of kernel 'alias_kernel' (gpu_launch.nl:3:1): cuCtxSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access was encountered
// MISSING-NEXT:error: GPU launch of kernel 'no_such_kernel' (gpu_launch.nl:9:5): cuModuleGetFunction failed: CUDA_ERROR_NOT_FOUND: named symbol not found
//    GRID-NEXT:error: GPU launch of kernel 'alias_kernel' (gpu_launch.nl:3:1): cannot launch a grid of 8589934592 x 3 x 4 blocks of 128 threads
//     MAP-NEXT:error: GPU launch of kernel 'alias_kernel' (gpu_launch.nl:3:1): view 1 names parameters 3 and 12 of 10
//    BOTH-NEXT:status=101
// clang-format on

#include "nl_runtime.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static NlGpuKernel alias_kernel_desc = {"ptx image one", "alias_kernel",
                                        "gpu_launch.nl:3:1", NULL};
static NlGpuKernel inc_kernel_desc = {"ptx image one", "inc_kernel",
                                      "gpu_launch.nl:6:1", NULL};
static NlGpuKernel inc_other_image = {"ptx image two", "inc_kernel",
                                      "gpu_launch.nl:6:1", NULL};
static NlGpuKernel inc_threads = {"ptx image three", "inc_kernel",
                                  "gpu_launch.nl:6:1", NULL};
static NlGpuKernel missing_kernel = {"ptx image one", "no_such_kernel",
                                     "gpu_launch.nl:9:5", NULL};

/// What alias_kernel saw of its parameters.
static struct {
  int v1_on_host;
  long v2_minus_v1, v1_alloc_delta, v2_alloc_delta;
  int empty_untouched;
  long n;
} seen;

/// The host memory of the basic case: tensor `a` is mem[0, 16), the output
/// mem[20, 28), and mem[16, 20) between them no view's.
static float mem[32];
static int empty_target;

/// Views v1 = a[0, 8) and v2 = a[4, 12) (aliasing), out, a scalar n and an
/// empty view: v1 *= 10, then out = v2. Parameters: v1 allocated, aligned,
/// offset; v2 allocated, aligned; out allocated, aligned; n; empty view
/// allocated, aligned.
void alias_kernel(void **params, unsigned gx, unsigned gy, unsigned gz,
                  unsigned threads) {
  (void)gx, (void)gy, (void)gz, (void)threads;
  float *v1_alloc = *(float **)params[0], *v1 = *(float **)params[1];
  float *v2_alloc = *(float **)params[3], *v2 = *(float **)params[4];
  float *out = *(float **)params[6];
  int64_t n = *(int64_t *)params[7];
  seen.v1_on_host = v1 == mem;
  seen.v2_minus_v1 = (long)((char *)v2 - (char *)v1);
  seen.v1_alloc_delta = (long)((char *)v1 - (char *)v1_alloc);
  seen.v2_alloc_delta = (long)((char *)v2 - (char *)v2_alloc);
  seen.empty_untouched = *(int **)params[8] == &empty_target &&
                         *(int **)params[9] == &empty_target;
  seen.n = (long)n;
  for (int64_t i = 0; i < n; ++i)
    v1[i] *= 10;
  for (int64_t i = 0; i < n; ++i)
    out[i] = v2[i];
}

/// Adds 1 to the four int32 of its one view (parameters: allocated,
/// aligned).
void inc_kernel(void **params, unsigned gx, unsigned gy, unsigned gz,
                unsigned threads) {
  (void)gx, (void)gy, (void)gz, (void)threads;
  int32_t *p = *(int32_t **)params[1];
  for (int i = 0; i < 4; ++i)
    p[i] += 1;
}

/// y[0] = the sum of x's four int32 (parameters: x allocated, aligned; y
/// allocated, aligned). It then sets x[0] to 99, which its launch says it
/// does not: the host must not see that unless y's block holds x too.
void sum_kernel(void **params, unsigned gx, unsigned gy, unsigned gz,
                unsigned threads) {
  (void)gx, (void)gy, (void)gz, (void)threads;
  int32_t *x = *(int32_t **)params[1], *y = *(int32_t **)params[3];
  y[0] = x[0] + x[1] + x[2] + x[3];
  x[0] = 99;
}

/// printf to the runtime's stdout, so that the order with its other output
/// holds.
__attribute__((format(printf, 1, 2))) static void say(const char *format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  nl_print_str(line, n < (int)sizeof line ? n : (int)sizeof line - 1);
}

static void print_floats(const char *label, const float *p, int n) {
  say("%s", label);
  for (int i = 0; i < n; ++i)
    say(" %d", (int)p[i]);
  say("\n");
}

/// Marks a step in the log of the fake driver.
static void mark(const char *step) { fprintf(stderr, "-- %s\n", step); }

/// Launches alias_kernel on mem with the given grid; \p bad_map names a
/// parameter that does not exist.
static void launch_alias(int64_t gx, int64_t gy, int64_t gz, int32_t threads,
                         int32_t shared, bool bad_map) {
  void *v1_alloc = mem, *v1 = mem, *v2_alloc = mem, *v2 = mem + 4;
  void *out_alloc = mem + 20, *out = mem + 20;
  void *empty_alloc = &empty_target, *empty = &empty_target;
  int64_t offset = 0, n = 8;
  void *params[] = {&v1_alloc,  &v1,  &offset, &v2_alloc,    &v2,
                    &out_alloc, &out, &n,      &empty_alloc, &empty};
  NlGpuMap maps[] = {{0, 1, 0, 32, 1},
                     {3, bad_map ? 12 : 4, 0, 32, 1},
                     {5, 6, 0, 32, 1},
                     {8, 9, 0, 0, 1}};
  nl_gpu_launch(&alias_kernel_desc, gx, gy, gz, threads, shared, params, 10,
                maps, 4);
}

static void launch_inc(NlGpuKernel *k, int32_t *c, int64_t gx) {
  void *alloc = c, *aligned = c;
  void *params[] = {&alloc, &aligned};
  NlGpuMap map = {0, 1, 0, 16, 1};
  nl_gpu_launch(k, gx, 1, 1, 1, 0, params, 2, &map, 1);
}

/// Adds 1 to the first four int32 of a 64-byte view: a block that no kept
/// 16-byte one can hold.
static void launch_inc64(int32_t *d) {
  void *alloc = d, *aligned = d;
  void *params[] = {&alloc, &aligned};
  NlGpuMap map = {0, 1, 0, 64, 1};
  nl_gpu_launch(&inc_kernel_desc, 1, 1, 1, 1, 0, params, 2, &map, 1);
}

static void run_oom(void) {
  int32_t c[4] = {0, 1, 2, 3}, d[16] = {0};
  mark("a 16-byte view");
  launch_inc(&inc_kernel_desc, c, 1);
  mark("a 64-byte view: out of memory, the kept block freed, once more");
  launch_inc64(d);
  launch_inc64(d);
  mark("done");
  say("c = %d %d %d %d\n", c[0], c[1], c[2], c[3]);
  say("d =");
  for (int i = 0; i < 16; ++i)
    say(" %d", d[i]);
  say("\n");
}

static void reset_mem(void) {
  for (int i = 0; i < 32; ++i)
    mem[i] = i < 16 ? (float)i : -1;
}

static void run_basic(void) {
  reset_mem();
  launch_alias(2, 3, 4, 128, 0, false);
  print_floats("after launch 1: a =", mem, 16);
  print_floats("out =", mem + 20, 8);
  print_floats("between =", mem + 16, 4);
  say("v1 on the host: %d, v2 - v1: %ld, v1 aligned - allocated: %ld, "
      "v2 aligned - allocated: %ld, empty view untouched: %d, n: %ld\n",
      seen.v1_on_host, seen.v2_minus_v1, seen.v1_alloc_delta,
      seen.v2_alloc_delta, seen.empty_untouched, seen.n);
  mark("launch 2");
  launch_alias(1, 1, 1, 32, 64 * 1024, false);
  print_floats("after launch 2: a =", mem, 16);
  print_floats("out =", mem + 20, 8);
  mark("the same shared memory again, then more");
  launch_alias(1, 1, 1, 32, 64 * 1024, false);
  launch_alias(1, 1, 1, 32, 96 * 1024, false);
  int32_t c[4] = {0, 1, 2, 3};
  mark("another kernel of the same image");
  launch_inc(&inc_kernel_desc, c, 1);
  mark("a kernel of another image");
  launch_inc(&inc_other_image, c, 1);
  mark("empty grids");
  launch_inc(&inc_other_image, c, 0);
  nl_gpu_launch(&inc_other_image, 1, 0, 1, 1, 0, NULL, 0, NULL, 0);
  nl_gpu_launch(&inc_other_image, 1, 1, -1, 1, 0, NULL, 0, NULL, 0);
  mark("done");
  say("after the other kernels: c = %d %d %d %d\n", c[0], c[1], c[2], c[3]);
}

enum { kThreads = 4, kLaunchesPerThread = 50 };

static int wrong;

static void *thread_body(void *arg) {
  (void)arg;
  int32_t c[4] = {0, 0, 0, 0};
  for (int i = 0; i < kLaunchesPerThread; ++i)
    launch_inc(&inc_threads, c, 1);
  for (int i = 0; i < 4; ++i)
    if (c[i] != kLaunchesPerThread)
      __atomic_fetch_add(&wrong, 1, __ATOMIC_RELAXED);
  return NULL;
}

static void run_threads(void) {
  pthread_t threads[kThreads];
  for (int i = 0; i < kThreads; ++i)
    pthread_create(&threads[i], NULL, thread_body, NULL);
  for (int i = 0; i < kThreads; ++i)
    pthread_join(threads[i], NULL);
  say("threads: %d launches, %d wrong\n", kThreads * kLaunchesPerThread, wrong);
}

/// alias_kernel's launch with `a` (16 floats) in device memory and `out`
/// in host memory.
static void run_device_memory(void) {
  float *a = nl_gpu_alloc_at(64, "t.nl", 4, 1, 1);
  float *other = nl_gpu_alloc_at(16, "t.nl", 4, 2, 1);
  int32_t count = nl_gpu_device_count();
  for (int i = 0; i < 16; ++i)
    a[i] = (float)i;
  reset_mem();
  say("devices: %d, on the GPU: %d %d %d, on the CPU: %d %d\n", count,
      nl_gpu_device_of((int64_t)(uintptr_t)a),
      nl_gpu_device_of((int64_t)(uintptr_t)(a + 15)),
      nl_gpu_device_of((int64_t)(uintptr_t)other),
      nl_gpu_device_of((int64_t)(uintptr_t)(a + 16)),
      nl_gpu_device_of((int64_t)(uintptr_t)mem));
  mark("a launch on device memory and host memory");
  void *v1_alloc = a, *v1 = a, *v2_alloc = a, *v2 = a + 4;
  void *out_alloc = mem + 20, *out = mem + 20;
  void *empty_alloc = &empty_target, *empty = &empty_target;
  int64_t offset = 0, n = 8;
  void *params[] = {&v1_alloc,  &v1,  &offset, &v2_alloc,    &v2,
                    &out_alloc, &out, &n,      &empty_alloc, &empty};
  NlGpuMap maps[] = {
      {0, 1, 0, 32, 1}, {3, 4, 0, 32, 1}, {5, 6, 0, 32, 1}, {8, 9, 0, 0, 1}};
  nl_gpu_launch(&alias_kernel_desc, 1, 1, 1, 32, 0, params, 10, maps, 4);
  say("v1 in device memory as it is: %d, v2 - v1: %ld\n",
      seen.v2_minus_v1 == 16 && *(float **)params[1] == a, seen.v2_minus_v1);
  print_floats("after: a =", a, 16);
  print_floats("out =", mem + 20, 8);
  mark("freed");
  nl_dealloc(a);
  nl_dealloc(other);
  void *host = nl_alloc_at(32, 64, "t.nl", 4, 3, 1);
  nl_dealloc(host);
  mark("done");
}

static NlGpuKernel inc_again_desc = {"ptx image one", "inc_kernel",
                                     "gpu_launch.nl:20:5", NULL};

/// Launches on device memory alone return without waiting for their
/// kernel; the host waits at nl_gpu_wait, before a launch that copies host
/// memory, before device memory is freed and at the end.
static void run_async(void) {
  int32_t *a = nl_gpu_alloc_at(16, "t.nl", 4, 1, 1);
  for (int i = 0; i < 4; ++i)
    a[i] = i;
  mark("two launches on device memory");
  launch_inc(&inc_kernel_desc, a, 1);
  launch_inc(&inc_again_desc, a, 1);
  say("pending after them: %d\n", nl_gpu_pending);
  mark("the host waits");
  nl_gpu_wait();
  say("pending after the wait: %d, a = %d %d %d %d\n", nl_gpu_pending, a[0],
      a[1], a[2], a[3]);
  mark("a wait with nothing pending");
  nl_gpu_wait();
  mark("a launch on device memory, then one on host memory");
  int32_t c[4] = {0, 0, 0, 0};
  launch_inc(&inc_kernel_desc, a, 1);
  launch_inc(&inc_kernel_desc, c, 1);
  say("pending after the second: %d, c = %d %d %d %d\n", nl_gpu_pending, c[0],
      c[1], c[2], c[3]);
  mark("a launch, then the free");
  launch_inc(&inc_kernel_desc, a, 1);
  nl_dealloc(a);
  mark("a launch left for the end");
  int32_t *b = nl_gpu_alloc_at(16, "t.nl", 4, 2, 1);
  launch_inc(&inc_kernel_desc, b, 1);
  say("end\n");
  mark("end");
}

static NlGpuKernel sum_kernel_desc = {"ptx image one", "sum_kernel",
                                      "gpu_launch.nl:12:5", NULL};

/// sum_kernel with x read only, y written: apart, then y overlapping x.
static void run_read_only(void) {
  int32_t c[8] = {1, 2, 3, 4, 0, 0, 0, 0};
  for (int apart = 1; apart >= 0; --apart) {
    int32_t *x = c, *y = apart ? c + 6 : c + 2;
    mark(apart ? "x read only, y apart" : "x read only, y overlapping it");
    void *xa = x, *xp = x, *ya = y, *yp = y;
    void *params[] = {&xa, &xp, &ya, &yp};
    NlGpuMap maps[] = {{0, 1, 0, 16, 0}, {2, 3, 0, 4, 1}};
    nl_gpu_launch(&sum_kernel_desc, 1, 1, 1, 1, 0, params, 4, maps, 2);
    say("c = %d %d %d %d %d %d %d %d\n", c[0], c[1], c[2], c[3], c[4], c[5],
        c[6], c[7]);
  }
}

/// Whether the only program argument is \p flag.
static bool mode_is(const char *flag) {
  return nl_argc() == 2 && strcmp(nl_arg_ptr(1), flag) == 0;
}

int32_t nl_main(void) {
  if (mode_is("--basic")) {
    run_basic();
    return 0;
  }
  if (mode_is("--oom")) {
    run_oom();
    return 0;
  }
  if (mode_is("--threads")) {
    run_threads();
    return 0;
  }
  if (mode_is("--device-memory")) {
    run_device_memory();
    return 0;
  }
  if (mode_is("--async")) {
    run_async();
    return 0;
  }
  if (mode_is("--read-only")) {
    run_read_only();
    return 0;
  }
  if (mode_is("--cubin")) {
    static const char cubin[] = "\177ELF, as a cubin starts";
    static NlGpuKernel with_cubin = {"ptx image four", "inc_kernel",
                                     "gpu_launch.nl:6:1", NULL, cubin};
    int32_t c[4] = {0, 0, 0, 0};
    launch_inc(&with_cubin, c, 1);
    say("c = %d %d %d %d\n", c[0], c[1], c[2], c[3]);
    return 0;
  }
  if (mode_is("--device-count")) {
    say("devices: %d\n", nl_gpu_device_count());
    say("devices, again: %d\n", nl_gpu_device_count());
    return 0;
  }
  if (mode_is("--tma-huge") || mode_is("--tma")) {
    // Launches with one tensor map (parameter 2) of a view of 4 x 8 int32
    // (rows of 32 bytes): the second, with the same arguments (the view in
    // the same kept device block), reuses the map the first encoded. 2^31
    // rows is past what TMA takes; without the driver's TMA entry points no
    // map can be made.
    int32_t c[32] = {0};
    void *alloc = c, *aligned = c;
    _Alignas(64) unsigned char map[128];
    void *params[] = {&alloc, &aligned, map};
    NlGpuMap view = {0, 1, 0, sizeof c, 1};
    NlGpuTensorMap tm = {.param = 2,
                         .view = 0,
                         .type = 2,
                         .elem_bytes = 4,
                         .box_rows = 4,
                         .box_cols = 4,
                         .swizzle = 1,
                         .offset = 0,
                         .rows = mode_is("--tma-huge") ? INT64_C(1) << 31 : 4,
                         .cols = 8,
                         .stride = 8};
    for (int i = 0; i < 2; ++i) {
      alloc = aligned = c;
      nl_gpu_launch_tma(&inc_kernel_desc, 1, 1, 1, 1, 0, params, 3, &view, 1,
                        &tm, 1);
      say("launched\n");
    }
    return 0;
  }
  if (mode_is("--device-oom")) {
    nl_gpu_device_count();
    nl_gpu_alloc_at(4096, "gpu_launch.nl", 13, 3, 7);
    return 0;
  }
  reset_mem();
  say("before the launch\n");
  if (mode_is("--missing")) {
    int32_t c[4] = {0, 0, 0, 0};
    launch_inc(&missing_kernel, c, 1);
  } else {
    launch_alias(mode_is("--big-grid") ? INT64_C(1) << 33 : 2, 3, 4, 128, 0,
                 mode_is("--bad-map"));
  }
  print_floats("after the launch: out =", mem + 20, 8);
  return 0;
}
