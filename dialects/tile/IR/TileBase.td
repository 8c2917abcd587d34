//===- TileBase.td - The tile dialect ----------------------*- tablegen -*-===//
//
// The hardware-neutral tile dialect: the dialect definition and enums.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_TILE_BASE
#define NLC_TILE_BASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Tile_Dialect : Dialect {
  let name = "tile";
  let cppNamespace = "::nlc::tile";
  let summary = "Hardware-neutral tiles: the IR of Neuro-Lang kernels";
  let description = [{
    A tile is an immutable, statically shaped block of elements
    (`!tile.tile<128x64xf16>`), produced and consumed as an SSA value. Kernels
    compute on tiles; they read and write memory only through `tile.load` and
    `tile.store`, which address a strided view (a memref) by tile index and
    handle ragged edges themselves. Nothing in this dialect names a target:
    the CPU, AVX-512, AMX and tensor-core backends each lower it their own
    way, and the layout attribute of a tile is a property of the value, not an
    instruction choice.
  }];
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def Tile_Layout : I32EnumAttr<"Layout", "element order of a 2-D tile", [
    I32EnumAttrCase<"RowMajor", 0, "row_major">,
    I32EnumAttrCase<"ColMajor", 1, "col_major">
  ]> {
  let cppNamespace = "::nlc::tile";
}

def Tile_CmpPredicate : I32EnumAttr<"CmpPredicate", "comparison predicate", [
    I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
    I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
    I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>
  ]> {
  let cppNamespace = "::nlc::tile";
}

def Tile_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"max", 1>,
    I32EnumAttrCase<"min", 2>, I32EnumAttrCase<"argmax", 3>
  ]> {
  let cppNamespace = "::nlc::tile";
}

#endif // NLC_TILE_BASE
