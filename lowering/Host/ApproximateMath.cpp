//===- ApproximateMath.cpp - libm-free exp/log/tanh/erf -------------------===//
//
// Pass `nlc-approximate-math` (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "lowering/Host/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
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
/// final multiplication rounds once into the subnormal range.
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
    auto c = [&](double v) { return constantLike(b, loc, t, v); };
    Value shift = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                        c(isExp ? -87.0 : 0x1p-126));
    Value moved = isExp ? arith::AddFOp::create(b, loc, x, c(32.0)).getResult()
                        : arith::MulFOp::create(b, loc, x, c(0x1p23)).getResult();
    Value arg = arith::SelectOp::create(b, loc, shift, moved, x);
    Value r = isExp ? math::ExpOp::create(b, loc, arg).getResult()
                    : math::LogOp::create(b, loc, arg).getResult();
    // exp(-32) and 23 ln 2, rounded to f32.
    Value back =
        isExp ? arith::MulFOp::create(b, loc, r, c(1.2664165549094176e-14))
                    .getResult()
              : arith::SubFOp::create(b, loc, r, c(15.942385152878742))
                    .getResult();
    op->getResult(0).replaceAllUsesWith(
        arith::SelectOp::create(b, loc, shift, back, r).getResult());
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
