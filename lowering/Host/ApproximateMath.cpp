//===- ApproximateMath.cpp - libm-free exp/log/tanh/erf -------------------===//
//
// Pass `nlc-approximate-math` (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "lowering/Host/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nlc {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "lowering/Host/Passes.h.inc"
} // namespace nlc

using namespace mlir;

namespace {
bool approximated(StringRef name) {
  // The patterns name ops by their full name (`math.exp`).
  name.consume_front("math.");
  return name == "exp" || name == "log" || name == "tanh" || name == "erf";
}

bool isF32(Type t) { return getElementTypeOrSelf(t).isF32(); }

Value constantLike(OpBuilder &b, Location loc, Type t, double v) {
  auto attr = b.getF32FloatAttr(v);
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, attr));
  return arith::ConstantOp::create(b, loc, attr);
}

/// The polynomial approximations are accurate for normal results and
/// arguments only: exp flushes results below FLT_MIN to 0 and log reads a
/// subnormal argument as FLT_MIN. Around each f32 exp and log, shift such
/// cases into the normal range by an exact step and undo the shift after:
///   exp(x) = exp(x + 32) * exp(-32)   for x < -87 (exp(-87) is normal),
///   log(x) = log(x * 2^23) - 23 ln 2  for x < FLT_MIN.
/// x + 32 is exact there (its ulp is that of x), and so is x * 2^23; the
/// final multiplication rounds once into the subnormal range. A scalar
/// selects between the two; a vector computes the shifted case only when
/// one of its lanes needs it (`scf.if` on any lane), since it costs a
/// second polynomial and the lanes of a kernel's vector loop rarely do.
void shiftSubnormalCases(Operation *root) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<math::ExpOp, math::LogOp>(op) && isF32(op->getResult(0).getType()))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value x = op->getOperand(0);
    Type t = x.getType();
    bool isExp = isa<math::ExpOp>(op);
    auto c = [&](OpBuilder &cb, double v) {
      return constantLike(cb, loc, t, v);
    };
    Value shift = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                        c(b, isExp ? -87.0 : 0x1p-126));
    auto expOrLog = [&](OpBuilder &eb, Value arg) -> Value {
      return isExp ? math::ExpOp::create(eb, loc, arg).getResult()
                   : math::LogOp::create(eb, loc, arg).getResult();
    };
    // Each element shifted where `shift` holds.
    auto shifted = [&](OpBuilder &sb) -> Value {
      Value moved =
          isExp ? arith::AddFOp::create(sb, loc, x, c(sb, 32.0)).getResult()
                : arith::MulFOp::create(sb, loc, x, c(sb, 0x1p23)).getResult();
      Value r = expOrLog(
          sb, arith::SelectOp::create(sb, loc, shift, moved, x).getResult());
      // exp(-32) and 23 ln 2, rounded to f32.
      Value back =
          isExp ? arith::MulFOp::create(sb, loc, r, c(sb, 1.2664165549094176e-14))
                      .getResult()
                : arith::SubFOp::create(sb, loc, r, c(sb, 15.942385152878742))
                      .getResult();
      return arith::SelectOp::create(sb, loc, shift, back, r);
    };
    Value result;
    if (!isa<VectorType>(t)) {
      result = shifted(b);
    } else {
      Value any = vector::ReductionOp::create(
          b, loc, vector::CombiningKind::OR, shift);
      result = scf::IfOp::create(
                   b, loc, any,
                   [&](OpBuilder &tb, Location l) {
                     scf::YieldOp::create(tb, l, shifted(tb));
                   },
                   [&](OpBuilder &eb, Location l) {
                     scf::YieldOp::create(eb, l, expOrLog(eb, x));
                   })
                   .getResult(0);
    }
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
  }
}

struct ApproximateMathPass
    : public nlc::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    shiftSubnormalCases(getOperation());
    RewritePatternSet patterns(&getContext());
    populateMathF32ExpansionPatterns(patterns, approximated);
    populateMathPolynomialApproximationPatterns(patterns, approximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
