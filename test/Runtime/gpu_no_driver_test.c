// A GPU launch where no CUDA driver can be loaded (NL_CUDA_LIBRARY names a
// file that does not exist) ends the program with status 101 and one
// message naming the kernel, its location and why the library did not
// load, after the output printed before it. gpu-default-driver.test and
// gpu-cuda-stub.test run this program with the default library and with
// the CUDA toolkit's stub library.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t
// RUN: env NL_CUDA_LIBRARY=%t.dir/libcuda-missing.so not %t > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=OUT --match-full-lines --strict-whitespace < %t.out
// RUN: FileCheck %s --check-prefix=ERR --match-full-lines --strict-whitespace -DLIB=%t.dir/libcuda-missing.so < %t.err
// RUN: env NL_CUDA_LIBRARY=%t.dir/libcuda-missing.so sh -c '%t 2>&1; echo status=$?' | FileCheck %s --check-prefix=ALL --match-full-lines -DLIB=%t.dir/libcuda-missing.so
//
//      OUT:before the launch
//  OUT-NOT:{{.}}
//      ERR:error: kernel 'add' (prog.nl:4:1) is compiled for an NVIDIA GPU, but no CUDA driver was found: [[LIB]]: cannot open shared object file: No such file or directory
//  ERR-NOT:{{.}}
//      ALL:before the launch
// ALL-NEXT:error: kernel 'add' (prog.nl:4:1) is compiled for an NVIDIA GPU, but no CUDA driver was found: [[LIB]]: cannot open shared object file: No such file or directory
// ALL-NEXT:status=101

#include "nl_runtime.h"

static NlGpuKernel add = {"// PTX of add\n", "add", "prog.nl:4:1", NULL};

int32_t nl_main(void) {
  float x[4] = {1, 2, 3, 4};
  void *allocated = x, *aligned = x;
  int64_t offset = 0, size = 4, stride = 1;
  void *params[] = {&allocated, &aligned, &offset, &size, &stride};
  NlGpuMap map = {0, 1, 0, sizeof x};
  nl_print_str("before the launch\n", 18);
  nl_gpu_launch(&add, 1, 1, 1, 128, 0, params, 5, &map, 1);
  nl_print_str("after the launch\n", 17);
  return 0;
}
