//===- Pipelines.cpp - CPU lowering pipelines -----------------------------===//
//
// `nlc-lower-tile-cpu`: the tile dialect to loops over buffers, then
// ownership-based deallocation of those buffers. nlc runs the host pipeline
// after it; nlc-opt runs it by name.
//
//===----------------------------------------------------------------------===//

#include "lowering/cpu/Passes.h"

#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void nlc::cpu::buildTileToLoopsPipeline(mlir::OpPassManager &pm) {
  pm.addPass(createConvertTileToSCF());
  mlir::bufferization::BufferDeallocationPipelineOptions options;
  mlir::bufferization::buildBufferDeallocationPipeline(pm, options);
  pm.addPass(mlir::createConvertBufferizationToMemRefPass());
  pm.addPass(mlir::createCanonicalizerPass());
}

void nlc::cpu::registerCpuLowering() {
  registerNLCCpuPasses();
  mlir::PassPipelineRegistration<>(
      "nlc-lower-tile-cpu",
      "Lower tile ops to loops over buffers and free the buffers (the CPU "
      "reference lowering)",
      buildTileToLoopsPipeline);
}
