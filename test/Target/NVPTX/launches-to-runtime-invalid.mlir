// RUN: not %nlc-opt %s -split-input-file -nlc-gpu-launches-to-runtime 2>&1 | FileCheck %s
// A kernel's `nlc.tensor_maps` (written by nlc-gpu-distribute-tiles) lists
// one entry of 7 integers per tensor map; IR that says otherwise is
// diagnosed at the launch, never a crash.

// CHECK: [[@LINE+9]]:5: error: 'gpu.launch_func' op has a malformed tensor map list
module attributes {gpu.container_module, nlc.target = {name = "nvptx64-nvidia-cuda", triple = "nvptx64-nvidia-cuda", cpu = "sm_90a", features = ""}} {
  gpu.module @kernels {
    llvm.func @k(%arg0: !llvm.ptr) attributes {gpu.kernel, nvvm.kernel, nlc.tensor_maps = [array<i64: 0, 1, 2>]} {
      llvm.return
    }
  }
  func.func @host(%p: !llvm.ptr) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%p : !llvm.ptr)
    return
  }
}

// -----

// CHECK: [[@LINE+9]]:5: error: 'gpu.launch_func' op has a malformed tensor map list
module attributes {gpu.container_module, nlc.target = {name = "nvptx64-nvidia-cuda", triple = "nvptx64-nvidia-cuda", cpu = "sm_90a", features = ""}} {
  gpu.module @kernels {
    llvm.func @k(%arg0: !llvm.ptr) attributes {gpu.kernel, nvvm.kernel, nlc.tensor_maps = ["a string"]} {
      llvm.return
    }
  }
  func.func @host(%p: !llvm.ptr) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%p : !llvm.ptr)
    return
  }
}
