//===- TileDialect.h - The tile dialect -------------------------*- C++ -*-===//
//
// Public header of the tile dialect: the dialect, its enums, types,
// interfaces and ops.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_DIALECTS_TILE_IR_TILEDIALECT_H
#define NLC_DIALECTS_TILE_IR_TILEDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/tile/IR/TileDialect.h.inc"

namespace nlc::tile {
/// The unit attribute that marks a function as a kernel: a function on
/// tiles (inlined into its callers), or a grid kernel run by `tile.launch`.
inline constexpr llvm::StringLiteral kKernelAttrName = "tile.kernel";
} // namespace nlc::tile
#include "dialects/tile/IR/TileEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/tile/IR/TileTypes.h.inc"

#include "dialects/tile/IR/TileInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/tile/IR/TileOps.h.inc"

#endif // NLC_DIALECTS_TILE_IR_TILEDIALECT_H
