//===- TileTypes.td - Tile dialect types -------------------*- tablegen -*-===//

#ifndef NLC_TILE_TYPES
#define NLC_TILE_TYPES

include "dialects/tile/IR/TileBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def Tile_TileType : TypeDef<Tile_Dialect, "Tile",
    [DeclareTypeInterfaceMethods<ShapedTypeInterface, ["cloneWith", "hasRank"]>]> {
  let mnemonic = "tile";
  let summary = "a statically shaped tile of scalars";
  let description = [{
    A rank-1 or rank-2 block of integers or floats with static, positive
    dimensions. Rank-2 tiles carry a layout (`row_major` unless written), the
    order their elements would have in memory; it constrains `tile.dot`
    operands and guides backends, and never changes element values.

    ```mlir
    !tile.tile<128xf32>
    !tile.tile<128x64xf16>
    !tile.tile<64x128xbf16, col_major>
    ```
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t">:$shape,
    "::mlir::Type":$elementType,
    "::nlc::tile::Layout":$layout
  );
  let builders = [
    TypeBuilderWithInferredContext<(ins
        "::llvm::ArrayRef<int64_t>":$shape, "::mlir::Type":$elementType,
        CArg<"::nlc::tile::Layout", "::nlc::tile::Layout::RowMajor">:$layout), [{
      return $_get(elementType.getContext(), shape, elementType, layout);
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of elements.
    int64_t getNumElements() const;
    /// The same tile with another element type (layout kept).
    TileType withElementType(::mlir::Type t) const;
  }];
}

#endif // NLC_TILE_TYPES
