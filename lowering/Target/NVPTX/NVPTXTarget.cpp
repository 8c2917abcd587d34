//===- NVPTXTarget.cpp - The NVIDIA target --------------------------------===//
//
// The registry entry of --target=nvptx64-nvidia-cuda and its pipelines.
// Host code is the x86_64-linux target's: same host lowering, code
// generation for this machine's CPU and link step.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/NVPTX/NVPTXTarget.h"
#include "lowering/Host/Passes.h"
#include "lowering/Host/Pipeline.h"
#include "lowering/Target/NVPTX/NVPTXPasses.h"
#include "lowering/Target/X86/X86Targets.h"
#include "lowering/TileToSCF/Passes.h"

#include "dialects/tile/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace nlc::nvptx {

void registerDeviceLoweringInterfaces(mlir::DialectRegistry &registry) {
  mlir::arith::registerConvertArithToLLVMInterface(registry);
  mlir::cf::registerConvertControlFlowToLLVMInterface(registry);
  mlir::registerConvertFuncToLLVMInterface(registry);
  mlir::index::registerConvertIndexToLLVMInterface(registry);
  mlir::registerConvertMathToLLVMInterface(registry);
  mlir::registerConvertMemRefToLLVMInterface(registry);
  mlir::registerConvertNVVMToLLVMInterface(registry);
  mlir::ub::registerConvertUBToLLVMInterface(registry);
  mlir::vector::registerConvertVectorToLLVMInterface(registry);
}

void buildKernelPipeline(mlir::OpPassManager &pm) {
  pm.addPass(tile::createTileInlineKernels());
  pm.addPass(createConvertTileLaunchToGPU());
  pm.addPass(tile::createTileFuseElementwise());
  // Each instance runs the reference code of its tile ops on a block of
  // threads: element loops spread over the threads, buffers in shared
  // memory (one thread where they do not fit).
  cpu::ConvertTileToSCFOptions reference;
  reference.markElementLoops = true;
  pm.addPass(cpu::createConvertTileToSCF(reference));
  pm.addPass(createGPUDistributeTiles());
  pm.addPass(mlir::createCanonicalizerPass());
  // nlc's own exp, log, tanh, erf (documented bounds), before the GPU
  // conversion would turn them into PTX's approximate instructions.
  pm.addPass(createApproximateMath());
  // nlc --gpu-emulation: the kernels also as host functions, from here.
  pm.addPass(createGPUEmulateKernels());
  mlir::OpPassManager &device = pm.nest<mlir::gpu::GPUModuleOp>();
  device.addPass(mlir::memref::createExpandStridedMetadataPass());
  device.addPass(mlir::createLowerAffinePass());
  device.addPass(mlir::createSCFToControlFlowPass());
  device.addPass(createGPUExactMath());
  device.addPass(mlir::createConvertGpuOpsToNVVMOps());
  // NVVM ops without an LLVM intrinsic (wgmma.mma_async) as inline PTX.
  device.addPass(mlir::createConvertNVVMToLLVMPass());
  device.addPass(mlir::createReconcileUnrealizedCastsPass());
  device.addPass(mlir::createCanonicalizerPass());
}

static void buildHostPipeline(mlir::OpPassManager &pm) {
  pm.addPass(createGPULaunchesToRuntime());
  buildHostLoweringPipeline(pm, /*parallel=*/false);
}

const TargetEntry &getCudaTarget() {
  static const TargetEntry entry = [] {
    TargetEntry e;
    e.name = "nvptx64-nvidia-cuda";
    e.description = "a Linux x86-64 executable whose kernels run on an "
                    "NVIDIA GPU (-mcpu=sm_80, sm_90a, ...)";
    e.triple = "nvptx64-nvidia-cuda";
    e.defaultCpu = "sm_90a";
    e.buildKernelPipeline = buildKernelPipeline;
    e.buildHostPipeline = buildHostPipeline;
    e.host = &x86::getLinuxTarget();
    e.link = x86::linkExecutable;
    e.finalizeModule = x86::recordRequiredCpuFeatures;
    return e;
  }();
  return entry;
}

} // namespace nlc::nvptx
