//===- TileToSCF.h - The reference lowering, for backends -------*- C++ -*-===//
//
// The reference lowering turns each tile into a buffer and each tile op into
// loops (ConvertTileToSCF.cpp). A CPU backend reuses it whole and replaces
// only the ops it makes faster: it adds its own conversion patterns, with a
// benefit above 1 so that they are tried first, and everything they do not
// match falls back to the reference.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_TILETOSCF_TILETOSCF_H
#define NLC_LOWERING_TILETOSCF_TILETOSCF_H

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/ADT/SetVector.h"

namespace nlc::cpu {

/// The buffer of a tile: a statically shaped, row-major memref.
mlir::MemRefType tileBufferType(tile::TileType t);

/// A new buffer for a tile value; the lowering later decides whether it
/// lives on the stack or the heap, and where it is released.
mlir::Value allocTileBuffer(mlir::OpBuilder &b, mlir::Location loc,
                            tile::TileType t);

/// The reference code of `op`: reads its tile into `out` element by
/// element, `pad` where the tile leaves the view. A backend's faster load
/// falls back to it where it does not apply.
void emitReferenceLoad(mlir::OpBuilder &b, mlir::Location loc,
                       tile::LoadOp op, mlir::Value pad, mlir::Value out);

/// The reference code of `op`, writing the buffer `value` element by element
/// where the tile lies inside the view.
void emitReferenceStore(mlir::OpBuilder &b, mlir::Location loc,
                        tile::StoreOp op, mlir::Value value);

/// Whether `x` replaces `best` as the maximum in `argmax` (scalars or
/// vectors, lane by lane): strictly greater, so the first maximum wins.
mlir::Value argmaxBetter(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         mlir::Value best);

/// `v` through the `arith.index_cast` (and `index_castui`) ops that made
/// it, such as those between index and i64 that `let i = program_id(0)`
/// makes.
mlir::Value stripIndexCasts(mlir::Value v);

/// The grid kernels `module`'s launches name, in module order (a launch
/// lowering's input). Reports a grid query (`tile.program_id`,
/// `tile.num_programs`) outside them and fails.
mlir::LogicalResult
findLaunchedKernels(mlir::ModuleOp module, mlir::SymbolTable &symbols,
                    llvm::SetVector<mlir::func::FuncOp> &kernels);

/// The attribute `convert-tile-to-scf` with `mark-element-loops` leaves on
/// the outermost `scf.for` of each loop nest over a tile's elements (a
/// perfect nest of loops from 0 to a constant by 1): a dense bool array,
/// one per loop of the nest, true where the loop's iterations are
/// independent (all but a contraction's k loop), so that a GPU lowering can
/// spread them over threads.
inline constexpr llvm::StringLiteral kElementLoopsAttr = "nlc.element_loops";

/// Converts every tile op in `module` to loops over buffers with the
/// reference patterns plus those `extra` adds, then places the buffers and
/// gives them their lifetimes. With `markElementLoops`, element loop nests
/// keep kElementLoopsAttr.
mlir::LogicalResult lowerTilesToBuffers(
    mlir::ModuleOp module,
    llvm::function_ref<void(mlir::TypeConverter &, mlir::RewritePatternSet &)>
        extra = {},
    bool markElementLoops = false);

} // namespace nlc::cpu

#endif // NLC_LOWERING_TILETOSCF_TILETOSCF_H
