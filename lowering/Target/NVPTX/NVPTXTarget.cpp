//===- NVPTXTarget.cpp - The NVIDIA target (reserved) ---------------------===//
//
// Only the registry entry: no pipelines and no link step, so nlc refuses
// to compile for it and nlc-opt registers no pipelines for it.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/NVPTX/NVPTXTarget.h"

namespace nlc::nvptx {

const TargetEntry &getCudaTarget() {
  static const TargetEntry entry = [] {
    TargetEntry e;
    e.name = "nvptx64-nvidia-cuda";
    e.description = "NVIDIA GPUs (reserved: the backend is not built yet)";
    e.triple = "nvptx64-nvidia-cuda";
    e.defaultCpu = "sm_90a";
    e.unavailable = "the NVIDIA backend is not built yet";
    return e;
  }();
  return entry;
}

} // namespace nlc::nvptx
