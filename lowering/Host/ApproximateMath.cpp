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

struct ApproximateMathPass
    : public nlc::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathF32ExpansionPatterns(patterns, approximated);
    populateMathPolynomialApproximationPatterns(patterns, approximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
