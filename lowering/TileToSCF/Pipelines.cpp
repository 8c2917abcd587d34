//===- Pipelines.cpp - CPU lowering pipelines -----------------------------===//
//
// `nlc-lower-tile-cpu`: the tile dialect to loops over buffers. nlc
// runs the host pipeline after it; nlc-opt runs it by name.
//
//===----------------------------------------------------------------------===//

#include "lowering/TileToSCF/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void nlc::cpu::buildTileToLoopsPipeline(mlir::OpPassManager &pm) {
  pm.addPass(createConvertTileToSCF());
  // Drops the loop-invariant iter_args and if results left by the pass.
  pm.addPass(mlir::createCanonicalizerPass());
}

void nlc::cpu::registerCpuLowering() {
  registerNLCCpuPasses();
  mlir::PassPipelineRegistration<>(
      "nlc-lower-tile-cpu",
      "Lower tile ops to loops over buffers (the CPU reference "
      "lowering)",
      buildTileToLoopsPipeline);
}
