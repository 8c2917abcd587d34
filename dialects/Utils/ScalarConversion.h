//===- ScalarConversion.h - Scalar conversions with defined results -*- C++ -*-===//
//
// The one implementation of Neuro-Lang's scalar conversion rules, shared by
// MLIRGen (`as` on scalars) and the tile lowering (`tile.cast`): integers
// extend by their source signedness and truncate; floats round to nearest
// even; float to integer truncates toward zero and saturates, NaN gives 0.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_DIALECTS_UTILS_SCALARCONVERSION_H
#define NLC_DIALECTS_UTILS_SCALARCONVERSION_H

#include "mlir/IR/Builders.h"

namespace nlc {

/// Converts `v` to `to`. `fromSigned`/`toSigned` give the signedness of
/// integer types (i1 is always treated as unsigned: true is 1). A vector `v`
/// converts lane by lane (`to` then names the element type or the vector
/// type), with the same operations as a scalar.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          mlir::Type to, bool fromSigned, bool toSigned);

} // namespace nlc

#endif // NLC_DIALECTS_UTILS_SCALARCONVERSION_H
