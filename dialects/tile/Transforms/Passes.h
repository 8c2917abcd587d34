//===- Passes.h - Hardware-neutral tile passes ------------------*- C++ -*-===//

#ifndef NLC_DIALECTS_TILE_TRANSFORMS_PASSES_H
#define NLC_DIALECTS_TILE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace nlc::tile {

#define GEN_PASS_DECL
#include "dialects/tile/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/tile/Transforms/Passes.h.inc"

} // namespace nlc::tile

#endif // NLC_DIALECTS_TILE_TRANSFORMS_PASSES_H
