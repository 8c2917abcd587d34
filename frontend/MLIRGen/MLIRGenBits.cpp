//===- MLIRGenBits.cpp - The from_bits builtins ---------------------------===//
//
// `f32::from_bits(x)` and its f16, bf16 and f64 forms are one bitcast of an
// unsigned integer of the float's width (Sema checked the width).
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGenImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace nlc {

Leaves MLIRGenImpl::genBitsBuiltin(CallExpr &e) {
  mlir::Location l = loc(e.range);
  mlir::Value bits = genScalar(*e.orderedArgs[0]);
  return {valueLeaf(
      mlir::arith::BitcastOp::create(builder, l, scalarType(e.type), bits))};
}

} // namespace nlc
