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
    order their elements would have in memory; it guides backends and never
    changes element values.

    A tile may also carry an `encoding`: any attribute, null by default. It
    is an open slot for backends (a register, shared-memory or VNNI layout,
    say); this dialect and its reference lowering do not interpret it, and
    two tiles that differ only in their encoding are different types. It
    follows the layout, which is printed whenever an encoding is present
    (and must be written before an encoding that starts with a keyword).

    ```mlir
    !tile.tile<128xf32>
    !tile.tile<128x64xf16>
    !tile.tile<64x128xbf16, col_major>
    !tile.tile<16x32xbf16, row_major, {vnni = 2 : i64}>
    !tile.tile<128xf32, row_major, "any attribute">
    ```
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t">:$shape,
    "::mlir::Type":$elementType,
    "::nlc::tile::Layout":$layout,
    "::mlir::Attribute":$encoding
  );
  let builders = [
    TypeBuilder<(ins
        "::llvm::ArrayRef<int64_t>":$shape, "::mlir::Type":$elementType,
        "::nlc::tile::Layout":$layout), [{
      return $_get($_ctxt, shape, elementType, layout, ::mlir::Attribute());
    }]>,
    TypeBuilderWithInferredContext<(ins
        "::llvm::ArrayRef<int64_t>":$shape, "::mlir::Type":$elementType,
        CArg<"::nlc::tile::Layout", "::nlc::tile::Layout::RowMajor">:$layout,
        CArg<"::mlir::Attribute", "{}">:$encoding), [{
      return $_get(elementType.getContext(), shape, elementType, layout,
                   encoding);
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of elements.
    int64_t getNumElements() const;
    /// The same tile with another element type (layout and encoding kept).
    TileType withElementType(::mlir::Type t) const;
    /// The same tile without an encoding.
    TileType withoutEncoding() const;
  }];
}

#endif // NLC_TILE_TYPES
