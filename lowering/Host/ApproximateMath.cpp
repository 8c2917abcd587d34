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

#include <limits>

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

Value constantLikeInt(OpBuilder &b, Location loc, Type t, int64_t v) {
  auto attr = b.getI32IntegerAttr(v);
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, attr));
  return arith::ConstantOp::create(b, loc, attr);
}

Value constantLike(OpBuilder &b, Location loc, Type t, double v) {
  auto attr = b.getF32FloatAttr(v);
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, attr));
  return arith::ConstantOp::create(b, loc, attr);
}

/// MLIR's log polynomial is accurate for normal arguments only: it reads a
/// subnormal argument as FLT_MIN. Around each f32 log, shift such cases into
/// the normal range by an exact step and undo the shift after:
///   log(x) = log(x * 2^23) - 23 ln 2  for x < FLT_MIN.
/// x * 2^23 is exact there. A scalar selects between the two; a vector
/// computes the shifted case only when one of its lanes needs it (`scf.if`
/// on any lane), since it costs a second polynomial and the lanes of a
/// kernel's vector loop rarely do.
void shiftSubnormalLogs(Operation *root) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<math::LogOp>(op) && isF32(op->getResult(0).getType()))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value x = op->getOperand(0);
    Type t = x.getType();
    auto c = [&](OpBuilder &cb, double v) {
      return constantLike(cb, loc, t, v);
    };
    Value shift = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                        c(b, 0x1p-126));
    auto log = [&](OpBuilder &eb, Value arg) -> Value {
      return math::LogOp::create(eb, loc, arg).getResult();
    };
    // Each element shifted where `shift` holds.
    auto shifted = [&](OpBuilder &sb) -> Value {
      Value moved = arith::MulFOp::create(sb, loc, x, c(sb, 0x1p23));
      Value r =
          log(sb, arith::SelectOp::create(sb, loc, shift, moved, x).getResult());
      // 23 ln 2, rounded to f32.
      Value back = arith::SubFOp::create(sb, loc, r, c(sb, 15.942385152878742));
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
                     scf::YieldOp::create(eb, l, log(eb, x));
                   })
                   .getResult(0);
    }
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
  }
}

/// f32 exp, scalar or vector, on every target. x = k ln 2 + r with k an
/// integer and |r| <= ln 2 / 2 (a little more: k comes from x * log2(e)
/// rounded in f32); exp(x) = 2^k exp(r). k is read from the low bits of
/// x * log2(e) + 1.5 * 2^23 (one FMA; the sum rounds x * log2(e) to an
/// integer, to nearest), r = x - k ln 2 in two FMAs (ln 2 split so that
/// k * ln2_hi is exact), exp(r) = 1 + r p(r) with p a degree-5 polynomial
/// (near-minimax on [-0.354, 0.354] relative to exp, fitted for nlc:
/// about 0.04 ulp of approximation error), and 2^k is added to the
/// result's exponent bits (k << 23: the low bits of the sum, shifted).
/// Measured against the correctly rounded result on every f32 from -104
/// to 89 (2,239,889,410 arguments, scripts/check_exp.c, a C mirror): at
/// most 1.41 ulp (subnormal results), 1 ulp elsewhere.
///
/// That core needs a normal result that does not overflow, x in about
/// [-87.3, 88.72]. A vector whose every lane lies in [-87, 88.72] (the
/// usual case: one compare, `|x - 0.86| <= 87.86`) takes it alone; any
/// other takes the full form, lane by lane: x < -87 (a subnormal or zero
/// result) as exp(x + 32) * exp(-32) (x + 32 is exact there, and clamped
/// at -87.3 so the core stays normal), x past ln(FLT_MAX) gives +inf, NaN
/// gives itself.
struct ExpF32 : OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    Type t = op.getType();
    if (!isF32(t))
      return rewriter.notifyMatchFailure(op, "not f32");
    Location loc = op.getLoc();
    Value x = op.getOperand();
    auto vt = dyn_cast<VectorType>(t);
    Type i32 = rewriter.getI32Type();
    Type intType = vt ? Type(vt.clone(i32)) : i32;
    auto c = [&](OpBuilder &b, double v) { return constantLike(b, loc, t, v); };
    auto fma = [&](OpBuilder &b, Value a, Value m, Value s) -> Value {
      return math::FmaOp::create(b, loc, a, m, s);
    };
    auto cmp = [&](OpBuilder &b, arith::CmpFPredicate p, Value l,
                   double r) -> Value {
      return arith::CmpFOp::create(b, loc, p, l, c(b, r));
    };
    auto select = [&](OpBuilder &b, Value cond, Value l, Value r) -> Value {
      return arith::SelectOp::create(b, loc, cond, l, r);
    };
    // exp(x) for x in about [-87.3, 88.72].
    auto core = [&](OpBuilder &b, Value v) -> Value {
      Value shifter = c(b, 0x1.8p23);
      Value sum = fma(b, v, c(b, 1.44269504088896341), shifter);
      Value k = arith::SubFOp::create(b, loc, sum, shifter);
      Value r = fma(b, k, c(b, -0.693145751953125), v);
      r = fma(b, k, c(b, -1.42860682030941723212e-6), r);
      Value p = c(b, 0.0013841751497238874);
      for (double coefficient : {0.008375789038836956, 0.0416681133210659,
                                 0.16666412353515625, 0.4999999403953552, 1.0,
                                 1.0})
        p = fma(b, p, r, c(b, coefficient));
      Value scale = arith::ShLIOp::create(
          b, loc, arith::BitcastOp::create(b, loc, intType, sum),
          constantLikeInt(b, loc, intType, 23));
      return arith::BitcastOp::create(
          b, loc, t,
          arith::AddIOp::create(
              b, loc, arith::BitcastOp::create(b, loc, intType, p), scale));
    };
    auto full = [&](OpBuilder &b) -> Value {
      Value low = cmp(b, arith::CmpFPredicate::OLT, x, -87.0);
      Value moved = select(b, low, arith::AddFOp::create(b, loc, x, c(b, 32.0)),
                           x);
      moved = select(b, cmp(b, arith::CmpFPredicate::OLT, moved, -87.3),
                     c(b, -87.3), moved);
      Value r = core(b, moved);
      // exp(-32) rounded to f32.
      r = select(b, low,
                 arith::MulFOp::create(b, loc, r, c(b, 1.2664165549094176e-14)),
                 r);
      r = select(b, cmp(b, arith::CmpFPredicate::OGT, x, 0x1.62e42ep+6),
                 c(b, std::numeric_limits<double>::infinity()), r);
      return select(
          b, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x), x,
          r);
    };
    Value inRange = cmp(
        rewriter, arith::CmpFPredicate::OLE,
        math::AbsFOp::create(rewriter, loc,
                             arith::SubFOp::create(rewriter, loc, x,
                                                   c(rewriter, 0.86))),
        87.86);
    if (vt) {
      if (vt.getRank() != 1)
        inRange = vector::ShapeCastOp::create(
            rewriter, loc,
            VectorType::get({vt.getNumElements()}, rewriter.getI1Type()),
            inRange);
      inRange = vector::ReductionOp::create(
          rewriter, loc, vector::CombiningKind::AND, inRange);
    }
    rewriter.replaceOpWithNewOp<scf::IfOp>(
        op, inRange,
        [&](OpBuilder &b, Location l) {
          scf::YieldOp::create(b, l, core(b, x));
        },
        [&](OpBuilder &b, Location l) {
          scf::YieldOp::create(b, l, full(b));
        });
    return success();
  }
};

struct ApproximateMathPass
    : public nlc::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    shiftSubnormalLogs(getOperation());
    RewritePatternSet patterns(&getContext());
    populateMathF32ExpansionPatterns(patterns, approximated);
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return approximated(name) && name != "math.exp" && name != "exp";
        });
    patterns.add<ExpF32>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
