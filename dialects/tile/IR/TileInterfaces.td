//===- TileInterfaces.td - Tile op traits and interfaces ---*- tablegen -*-===//
//
// What a lowering needs to know about an op without naming it: whether it
// is elementwise (and its scalar meaning), a reduction, a contraction, or a
// memory access by tile index.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_TILE_INTERFACES
#define NLC_TILE_INTERFACES

include "mlir/IR/OpBase.td"

def Tile_ElementwiseOpInterface : OpInterface<"ElementwiseOpInterface"> {
  let cppNamespace = "::nlc::tile";
  let description = [{
    An op whose result element at each position depends only on the operand
    elements at that position (scalar operands stand for every position).
    `buildScalar` spells out that dependence as scalar arith/math code; it
    is the definition of the op's meaning, including the cases hardware
    does not agree on (integer division by zero, saturating conversions,
    NaN in `max`/`min`), so a backend that maps the op to vector or matrix
    instructions can use it for the remainder and is checked against it.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds the scalar computation of one result element at `b`'s
        insertion point. `operands` holds one scalar per operand of the op,
        in order: an element of each tile operand, or the scalar operand
        itself.
      }],
      "::mlir::Value", "buildScalar",
      (ins "::mlir::OpBuilder &":$b, "::mlir::Location":$loc,
           "::mlir::ValueRange":$operands)>
  ];
}

def Tile_AccessOpInterface : OpInterface<"AccessOpInterface"> {
  let cppNamespace = "::nlc::tile";
  let description = [{
    An op that reads or writes one tile of a view, addressed by tile index:
    tile element `(r, c)` is view element `(ti * M + r, tj * N + c)`. A tile
    index outside `[0, ceil(dim / tile dim))` addresses no element at all.
    On a view of rank 3 or 4 the tile has rank 2, the indices before the
    last two are element indices of the leading dimensions (one 2-D slice),
    and a leading index outside `[0, dim)` addresses no element either.
  }];
  let methods = [
    InterfaceMethod<"The view read or written.",
      "::mlir::TypedValue<::mlir::MemRefType>", "getView">,
    InterfaceMethod<"The indices, one per view dimension: leading element indices, then the tile index.",
      "::mlir::Operation::operand_range", "getIndices">,
    InterfaceMethod<"The type of the tile read or written.",
      "::nlc::tile::TileType", "getAccessedType">
  ];
}

/// Marks the ops that combine the elements of a tile along an axis.
def Tile_Reduction : NativeOpTrait<"Reduction"> {
  let cppNamespace = "::nlc::tile::OpTrait";
}

/// Marks the matrix products, the ops that matrix units accelerate.
def Tile_Contraction : NativeOpTrait<"Contraction"> {
  let cppNamespace = "::nlc::tile::OpTrait";
}

#endif // NLC_TILE_INTERFACES
