//===- Passes.h - CPU lowering passes ---------------------------*- C++ -*-===//

#ifndef NLC_LOWERING_CPU_PASSES_H
#define NLC_LOWERING_CPU_PASSES_H

#include "mlir/Pass/Pass.h"

namespace nlc::cpu {

#define GEN_PASS_DECL
#include "lowering/TileToSCF/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/TileToSCF/Passes.h.inc"

/// Kernels inlined into the grid kernels that call them, and launches to
/// parallel loops: what every CPU lowering of tile ops starts with. With
/// `pack` (a tile-pack-dot-operands pass), `dot` operands are packed first.
void buildLaunchLoweringPipeline(mlir::OpPassManager &pm,
                                 std::unique_ptr<mlir::Pass> pack = nullptr);

/// The CPU reference lowering of kernels: tile ops to loops over stack and
/// heap buffers, then canonicalization. Host lowering runs after it.
void buildTileToLoopsPipeline(mlir::OpPassManager &pm);

/// Registers the passes and pipelines of this folder with their names.
void registerCpuLowering();

} // namespace nlc::cpu

#endif // NLC_LOWERING_CPU_PASSES_H
