//===- NVPTXTarget.h - The NVIDIA target (reserved) -------------*- C++ -*-===//
//
// `--target=nvptx64-nvidia-cuda` is a registered name so that the option,
// the messages and the tests exist before the backend does. This folder will
// hold its kernel pipeline (tile ops to nvgpu/nvvm: mma.sync, wgmma, TMA),
// its host pipeline (launches through the CUDA driver API) and its emit
// step (PTX, checked with ptxas, embedded in the host executable).
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_TARGET_NVPTX_NVPTXTARGET_H
#define NLC_LOWERING_TARGET_NVPTX_NVPTXTARGET_H

#include "lowering/Target/TargetRegistry.h"

namespace nlc::nvptx {

/// `--target=nvptx64-nvidia-cuda`: registered, not available yet.
const TargetEntry &getCudaTarget();

} // namespace nlc::nvptx

#endif // NLC_LOWERING_TARGET_NVPTX_NVPTXTARGET_H
