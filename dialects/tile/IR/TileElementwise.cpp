//===- TileElementwise.cpp - Scalar meaning of elementwise ops ------------===//
//
// ElementwiseOpInterface::buildScalar for every elementwise tile op: the
// scalar arith/math code that defines one result element. The reference
// lowering maps it over each tile; faster backends use it for what their
// vector code does not cover. Semantics the hardware does not agree on are
// spelled out: integer division by zero gives 0, MIN / -1 wraps, float
// max/min propagate NaN, conversions saturate. The same code also works on
// vector operands, lane by lane (constants are splats), for backends that
// build it on vectors.
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/IR/TileDialect.h"

#include "dialects/Utils/ScalarConversion.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace nlc::tile;

#include "dialects/tile/IR/TileInterfaces.cpp.inc"

static bool isFloat(ValueRange operands) {
  return isa<FloatType>(getElementTypeOrSelf(operands.back()));
}

static Value zeroOf(OpBuilder &b, Location loc, Type t) {
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(t));
}

/// The integer `v` as a constant of type `t`: an integer, or a vector of
/// integers with `v` in every lane.
static Value intConstant(OpBuilder &b, Location loc, Type t, int64_t v) {
  Attribute a = b.getIntegerAttr(getElementTypeOrSelf(t), v);
  if (auto vt = dyn_cast<VectorType>(t))
    a = DenseElementsAttr::get(vt, a);
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(a));
}

/// Integer division without traps: x / 0 == 0, MIN / -1 wraps to MIN.
static Value safeDivSI(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = y.getType();
  Value zero = zeroOf(b, loc, t);
  Value one = intConstant(b, loc, t, 1);
  Value minusOne = intConstant(b, loc, t, -1);
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero);
  Value isMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, minusOne);
  Value bad = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value safe = arith::SelectOp::create(b, loc, bad, one, y);
  Value q = arith::DivSIOp::create(b, loc, x, safe);
  Value neg = arith::SubIOp::create(b, loc, zero, x);
  Value r = arith::SelectOp::create(b, loc, isMinusOne, neg, q);
  return arith::SelectOp::create(b, loc, isZero, zero, r);
}

Value SplatOp::buildScalar(OpBuilder &, Location, ValueRange operands) {
  return operands[0];
}

Value AddOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return arith::AddFOp::create(b, loc, a[0], a[1]);
  return arith::AddIOp::create(b, loc, a[0], a[1]);
}

Value SubOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return arith::SubFOp::create(b, loc, a[0], a[1]);
  return arith::SubIOp::create(b, loc, a[0], a[1]);
}

Value MulOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return arith::MulFOp::create(b, loc, a[0], a[1]);
  return arith::MulIOp::create(b, loc, a[0], a[1]);
}

Value DivOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return arith::DivFOp::create(b, loc, a[0], a[1]);
  return safeDivSI(b, loc, a[0], a[1]);
}

Value MaxOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return arith::MaximumFOp::create(b, loc, a[0], a[1]);
  return arith::MaxSIOp::create(b, loc, a[0], a[1]);
}

Value MinOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return arith::MinimumFOp::create(b, loc, a[0], a[1]);
  return arith::MinSIOp::create(b, loc, a[0], a[1]);
}

Value NegOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return arith::NegFOp::create(b, loc, a[0]);
  return arith::SubIOp::create(b, loc, zeroOf(b, loc, a[0].getType()), a[0]);
}

Value AbsOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return math::AbsFOp::create(b, loc, a[0]);
  return math::AbsIOp::create(b, loc, a[0]);
}

Value ExpOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  return math::ExpOp::create(b, loc, a[0]);
}

Value LogOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  return math::LogOp::create(b, loc, a[0]);
}

Value SqrtOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  return math::SqrtOp::create(b, loc, a[0]);
}

Value RsqrtOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  return math::RsqrtOp::create(b, loc, a[0]);
}

Value TanhOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  return math::TanhOp::create(b, loc, a[0]);
}

Value ErfOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  return math::ErfOp::create(b, loc, a[0]);
}

// One math dialect op per element, on the operands as they are.
#define NLC_MATH_ELEMENTWISE(OP, MATH_OP)                                      \
  Value OP::buildScalar(OpBuilder &b, Location loc, ValueRange a) {            \
    return math::MATH_OP::create(b, loc, a);                                   \
  }
NLC_MATH_ELEMENTWISE(SinOp, SinOp)
NLC_MATH_ELEMENTWISE(CosOp, CosOp)
NLC_MATH_ELEMENTWISE(Exp2Op, Exp2Op)
NLC_MATH_ELEMENTWISE(Log2Op, Log2Op)
NLC_MATH_ELEMENTWISE(FloorOp, FloorOp)
NLC_MATH_ELEMENTWISE(CeilOp, CeilOp)
NLC_MATH_ELEMENTWISE(RoundOp, RoundOp)
NLC_MATH_ELEMENTWISE(TruncOp, TruncOp)
NLC_MATH_ELEMENTWISE(PowOp, PowFOp)
#undef NLC_MATH_ELEMENTWISE

/// Floats compare ordered except `ne` (true for NaN); integers signed.
static arith::CmpFPredicate floatPredicate(CmpPredicate p) {
  switch (p) {
  case CmpPredicate::eq:
    return arith::CmpFPredicate::OEQ;
  case CmpPredicate::ne:
    return arith::CmpFPredicate::UNE;
  case CmpPredicate::lt:
    return arith::CmpFPredicate::OLT;
  case CmpPredicate::le:
    return arith::CmpFPredicate::OLE;
  case CmpPredicate::gt:
    return arith::CmpFPredicate::OGT;
  case CmpPredicate::ge:
    return arith::CmpFPredicate::OGE;
  }
  llvm_unreachable("unknown comparison predicate");
}

static arith::CmpIPredicate integerPredicate(CmpPredicate p) {
  switch (p) {
  case CmpPredicate::eq:
    return arith::CmpIPredicate::eq;
  case CmpPredicate::ne:
    return arith::CmpIPredicate::ne;
  case CmpPredicate::lt:
    return arith::CmpIPredicate::slt;
  case CmpPredicate::le:
    return arith::CmpIPredicate::sle;
  case CmpPredicate::gt:
    return arith::CmpIPredicate::sgt;
  case CmpPredicate::ge:
    return arith::CmpIPredicate::sge;
  }
  llvm_unreachable("unknown comparison predicate");
}

Value CmpOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a))
    return arith::CmpFOp::create(b, loc, floatPredicate(getPredicate()), a[0],
                                 a[1]);
  return arith::CmpIOp::create(b, loc, integerPredicate(getPredicate()), a[0],
                               a[1]);
}

Value SelectOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
}

Value CastOp::buildScalar(OpBuilder &b, Location loc, ValueRange a) {
  // Tile integers are signed; i1 converts as 0/1.
  return nlc::convertScalar(b, loc, a[0], getType().getElementType(),
                            /*fromSigned=*/true, /*toSigned=*/true);
}
