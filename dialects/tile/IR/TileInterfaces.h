//===- TileInterfaces.h - Tile op traits and interfaces ---------*- C++ -*-===//
//
// The marker traits and generated interfaces of TileInterfaces.td. Include
// TileDialect.h instead: the interfaces need the tile type first.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_DIALECTS_TILE_IR_TILEINTERFACES_H
#define NLC_DIALECTS_TILE_IR_TILEINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

namespace nlc::tile::OpTrait {
/// See `Tile_Reduction` in TileInterfaces.td.
template <typename ConcreteType>
class Reduction : public mlir::OpTrait::TraitBase<ConcreteType, Reduction> {};

/// See `Tile_Contraction` in TileInterfaces.td.
template <typename ConcreteType>
class Contraction : public mlir::OpTrait::TraitBase<ConcreteType, Contraction> {
};
} // namespace nlc::tile::OpTrait

#include "dialects/tile/IR/TileInterfaces.h.inc"

#endif // NLC_DIALECTS_TILE_IR_TILEINTERFACES_H
