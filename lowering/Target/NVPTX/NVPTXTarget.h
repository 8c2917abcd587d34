//===- NVPTXTarget.h - The NVIDIA target ------------------------*- C++ -*-===//
//
// `--target=nvptx64-nvidia-cuda -mcpu=sm_XX`: a Linux x86-64 executable
// whose grid kernels run on an NVIDIA GPU. Kernels go to a gpu.module
// (convert-tile-launch-to-gpu), are lowered there by the reference lowering
// and MLIR's GPU-to-NVVM conversion, and become PTX through LLVM's NVPTX
// backend (emitPTX); the host code launches them through the runtime
// (nlc-gpu-launches-to-runtime, runtime/hosted/gpu.c), which loads the CUDA
// driver when the program runs.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_TARGET_NVPTX_NVPTXTARGET_H
#define NLC_LOWERING_TARGET_NVPTX_NVPTXTARGET_H

#include "lowering/Target/TargetRegistry.h"

namespace nlc::nvptx {

/// `--target=nvptx64-nvidia-cuda`.
const TargetEntry &getCudaTarget();

/// The kernel pipeline of that target up to device code in the NVVM and
/// LLVM dialects (what `--emit=ptx` compiles).
void buildKernelPipeline(mlir::OpPassManager &pm);

} // namespace nlc::nvptx

#endif // NLC_LOWERING_TARGET_NVPTX_NVPTXTARGET_H
