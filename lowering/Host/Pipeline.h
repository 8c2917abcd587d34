//===- Pipeline.h - MLIR lowering pipelines ---------------------*- C++ -*-===//
//
// Pipelines that lower nlc's MLIR to the LLVM dialect. Each is a named pass
// pipeline, so `nlc-opt --nlc-lower-host` runs exactly what `nlc` runs.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_PIPELINE_H
#define NLC_LOWERING_PIPELINE_H

namespace mlir {
class OpPassManager;
class DialectRegistry;
} // namespace mlir

namespace nlc {

/// Host code (func/arith/math/scf/cf/memref/llvm) to the LLVM dialect;
/// `parallel` runs kernel grids (scf.parallel) on the runtime's thread
/// pool (nl_grid_launch);
/// `runtimeAllocator` sends heap memrefs through the nlc runtime's checked
/// allocator (nlc-checked-allocations) instead of MLIR's malloc/free, which
/// only code run without the runtime (under mlir-runner) wants off.
void buildHostLoweringPipeline(mlir::OpPassManager &pm, bool parallel,
                               bool runtimeAllocator = true);

/// Registers the pipelines above and the passes of Passes.td with their
/// command-line names.
void registerLoweringPipelines();

/// Registers the dialect interfaces needed to lower to the LLVM dialect
/// (convert-to-llvm) and to translate to LLVM IR.
void registerLLVMTranslations(mlir::DialectRegistry &registry);

} // namespace nlc

#endif // NLC_LOWERING_PIPELINE_H
