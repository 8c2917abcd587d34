//===- ScalarConversion.cpp - Scalar conversions with defined results -----===//
//
// arith's fptosi/fptoui are poison out of range; here the result is always
// defined (saturating, NaN -> 0), because a wrong number is the worst bug.
//
//===----------------------------------------------------------------------===//

#include "dialects/Utils/ScalarConversion.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;

namespace nlc {

/// `elem`, or a vector of `elem` shaped like `like` when `like` is a vector
/// (the conversions below work lane by lane on vectors).
static Type shapedLike(Type elem, Type like) {
  if (auto vt = dyn_cast<VectorType>(like))
    return vt.clone(elem);
  return elem;
}

/// A constant of type `t` (a scalar, or a vector of one value in each lane).
static Value constantOf(OpBuilder &b, Location loc, Type t, TypedAttr scalar) {
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vt, Attribute(scalar)));
  return arith::ConstantOp::create(b, loc, scalar);
}

static Value floatToInt(OpBuilder &b, Location loc, Value v, IntegerType to,
                        bool toSigned) {
  // Work in at least f32 so that the bounds below are representable.
  if (getElementTypeOrSelf(v).getIntOrFloatBitWidth() < 32)
    v = arith::ExtFOp::create(
        b, loc, shapedLike(b.getF32Type(), v.getType()), v);
  Type ft = getElementTypeOrSelf(v);
  Type toType = shapedLike(to, v.getType());
  unsigned w = to.getWidth();
  // The bounds are powers of two, exact in every float type.
  double lo = toSigned ? -std::ldexp(1.0, w - 1) : 0.0;
  double hi = std::ldexp(1.0, toSigned ? w - 1 : w);
  auto fconst = [&](double d) {
    return constantOf(b, loc, v.getType(), b.getFloatAttr(ft, d));
  };
  auto iconst = [&](const APInt &a) {
    return constantOf(b, loc, toType, b.getIntegerAttr(to, a));
  };
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  Value tooBig =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, v, fconst(hi));
  Value tooSmall =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, v, fconst(lo));
  Value conv = toSigned ? arith::FPToSIOp::create(b, loc, toType, v).getResult()
                        : arith::FPToUIOp::create(b, loc, toType, v).getResult();
  APInt maxV = toSigned ? APInt::getSignedMaxValue(w) : APInt::getMaxValue(w);
  APInt minV = toSigned ? APInt::getSignedMinValue(w) : APInt::getMinValue(w);
  Value r = arith::SelectOp::create(b, loc, tooSmall, iconst(minV), conv);
  r = arith::SelectOp::create(b, loc, tooBig, iconst(maxV), r);
  return arith::SelectOp::create(b, loc, isNan, iconst(APInt(w, 0)), r);
}

Value convertScalar(OpBuilder &b, Location loc, Value v, Type to,
                    bool fromSigned, bool toSigned) {
  to = shapedLike(getElementTypeOrSelf(to), v.getType());
  if (v.getType() == to)
    return v;
  Type from = getElementTypeOrSelf(v);
  Type toElem = getElementTypeOrSelf(to);
  if (from.isInteger(1))
    fromSigned = false;
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(toElem);
  if (fromInt && toInt) {
    unsigned fw = fromInt.getWidth(), tw = toInt.getWidth();
    if (fw > tw)
      return arith::TruncIOp::create(b, loc, to, v);
    return fromSigned ? arith::ExtSIOp::create(b, loc, to, v).getResult()
                      : arith::ExtUIOp::create(b, loc, to, v).getResult();
  }
  if (fromInt)
    return fromSigned ? arith::SIToFPOp::create(b, loc, to, v).getResult()
                      : arith::UIToFPOp::create(b, loc, to, v).getResult();
  if (toInt)
    return floatToInt(b, loc, v, toInt, toSigned);
  // Float to float. f16 <-> bf16 goes through f32 (exact), rounding once.
  unsigned fw = from.getIntOrFloatBitWidth(),
           tw = toElem.getIntOrFloatBitWidth();
  if (fw == tw) {
    v = arith::ExtFOp::create(b, loc, shapedLike(b.getF32Type(), to), v);
    return arith::TruncFOp::create(b, loc, to, v);
  }
  if (fw < tw)
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

} // namespace nlc
