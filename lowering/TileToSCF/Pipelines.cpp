//===- Pipelines.cpp - CPU lowering pipelines -----------------------------===//
//
// `nlc-lower-tile-cpu`: kernels inlined into the grid kernels that call
// them, launches to parallel loops, then the tile dialect to loops over
// buffers. nlc runs the host pipeline after it; nlc-opt runs it by name.
//
//===----------------------------------------------------------------------===//

#include "lowering/TileToSCF/Passes.h"

#include "dialects/tile/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void nlc::cpu::buildLaunchLoweringPipeline(mlir::OpPassManager &pm,
                                           std::unique_ptr<mlir::Pass> pack) {
  pm.addPass(tile::createTileInlineKernels());
  if (pack)
    pm.addPass(std::move(pack));
  pm.addPass(createConvertTileLaunchToSCF());
}

void nlc::cpu::buildTileToLoopsPipeline(mlir::OpPassManager &pm) {
  buildLaunchLoweringPipeline(pm);
  pm.addPass(createConvertTileToSCF());
  // Drops the loop-invariant iter_args and if results left by the pass.
  pm.addPass(mlir::createCanonicalizerPass());
}

void nlc::cpu::registerCpuLowering() {
  registerNLCCpuPasses();
  tile::registerTileTransformsPasses();
  mlir::PassPipelineRegistration<>(
      "nlc-lower-tile-cpu",
      "Inline kernels, lower launches to parallel loops and tile ops to "
      "loops over buffers (the CPU reference lowering)",
      buildTileToLoopsPipeline);
}
