//===- Passes.h - Hardware-neutral tile passes ------------------*- C++ -*-===//

#ifndef NLC_DIALECTS_TILE_TRANSFORMS_PASSES_H
#define NLC_DIALECTS_TILE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

#include <functional>

namespace nlc::tile {

#define GEN_PASS_DECL
#include "dialects/tile/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/tile/Transforms/Passes.h.inc"

/// tile-pack-dot-operands whose `i8-lhs-in-place` and `bf16-lhs-in-place`
/// apply only to a left operand whose every `tile.dot` `readsLhsInPlace`
/// accepts (a backend's: x86's, the products AMX runs); other left operands
/// are planned as without those options.
std::unique_ptr<mlir::Pass> createTilePackDotOperands(
    TilePackDotOperandsOptions options,
    std::function<bool(mlir::Operation *)> readsLhsInPlace);

} // namespace nlc::tile

#endif // NLC_DIALECTS_TILE_TRANSFORMS_PASSES_H
