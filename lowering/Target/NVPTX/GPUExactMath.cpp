//===- GPUExactMath.cpp - Exact math ops as LLVM intrinsics ---------------===//
//
// Pass `nlc-gpu-exact-math` (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/NVPTX/NVPTXPasses.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nlc::nvptx {
#define GEN_PASS_DEF_GPUEXACTMATH
#include "lowering/Target/NVPTX/Passes.h.inc"
} // namespace nlc::nvptx

using namespace mlir;

namespace {

/// `From` on an f32 or f64 scalar becomes a call of the LLVM intrinsic
/// `name` (`llvm.call_intrinsic`, which the GPU-to-NVVM conversion leaves
/// alone, unlike the intrinsic ops such as `llvm.intr.sqrt` that it sends
/// to libdevice too).
template <typename From>
struct ToIntrinsic : OpRewritePattern<From> {
  ToIntrinsic(MLIRContext *ctx, StringRef name)
      : OpRewritePattern<From>(ctx), name(name) {}
  LogicalResult matchAndRewrite(From op,
                                PatternRewriter &rewriter) const override {
    Type t = op.getType();
    if (!t.isF32() && !t.isF64())
      return failure();
    std::string intrinsic = name + (t.isF32() ? ".f32" : ".f64");
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, t, rewriter.getStringAttr(intrinsic), op->getOperands());
    return success();
  }
  std::string name;
};

struct GPUExactMath : nlc::nvptx::impl::GPUExactMathBase<GPUExactMath> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    MLIRContext *ctx = &getContext();
    patterns.add<ToIntrinsic<math::SqrtOp>>(ctx, "llvm.sqrt");
    patterns.add<ToIntrinsic<math::AbsFOp>>(ctx, "llvm.fabs");
    patterns.add<ToIntrinsic<math::FmaOp>>(ctx, "llvm.fma");
    patterns.add<ToIntrinsic<math::FloorOp>>(ctx, "llvm.floor");
    patterns.add<ToIntrinsic<math::CeilOp>>(ctx, "llvm.ceil");
    patterns.add<ToIntrinsic<math::TruncOp>>(ctx, "llvm.trunc");
    patterns.add<ToIntrinsic<math::RoundOp>>(ctx, "llvm.round");
    patterns.add<ToIntrinsic<math::RoundEvenOp>>(ctx, "llvm.roundeven");
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
