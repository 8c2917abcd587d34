//===- X86Elementwise.cpp - Elementwise tile ops and broadcast as vectors -===//
//
// Every elementwise tile op (ElementwiseOpInterface) becomes one pass over
// its buffers in vectors of the register width: the op's own scalar code
// (`buildScalar`, the definition of its meaning) is built on vector
// operands, so each lane does exactly the arith/math operations the
// reference lowering does on that element and the results are bit-identical.
// A tile buffer is one contiguous run of elements, so the pass covers the
// whole buffer at once: whole vectors, then one masked vector for the end.
// `tile.broadcast` becomes vector copies (along 0) or splats (along 1), row
// by row with a masked end.
//
// Left to the reference: tiles of i1 (comparison results, `where`
// conditions), whose byte buffers have no vector load (LLVM packs vectors
// of i1 into bits), and exp/log/tanh/erf of f64 (libm, one call per
// element either way).
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86VectorCode.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace nlc::x86;
namespace tl = nlc::tile;

namespace {

Type elementTypeOf(Type t) {
  if (auto tile = dyn_cast<tl::TileType>(t))
    return tile.getElementType();
  return t;
}

int64_t numElements(tl::TileType t) {
  int64_t n = 1;
  for (int64_t d : t.getShape())
    n *= d;
  return n;
}

struct ElementwiseToVectors
    : OpInterfaceConversionPattern<tl::ElementwiseOpInterface> {
  ElementwiseToVectors(TypeConverter &converter, MLIRContext *ctx,
                       const VectorTarget &target)
      : OpInterfaceConversionPattern(converter, ctx, /*benefit=*/2),
        target(target) {}

  LogicalResult
  matchAndRewrite(tl::ElementwiseOpInterface op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<tl::TileType>(op->getResult(0).getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "no tile result");
    // 16-bit floats compute in f32 lanes (LLVM widens their arithmetic and
    // the math approximations work in f32): size the vector for f32.
    SmallVector<Type> types;
    for (Type t : op->getOperandTypes())
      types.push_back(elementTypeOf(t));
    types.push_back(type.getElementType());
    bool f64 = false;
    for (Type &t : types) {
      f64 |= t.isF64();
      if (isa<FloatType>(t) && t.getIntOrFloatBitWidth() < 32)
        t = rewriter.getF32Type();
    }
    int64_t lanes = lanesFor(target, types);
    if (!lanes)
      return rewriter.notifyMatchFailure(op, "no vector form for these types");
    if (f64 && isa<tl::ExpOp, tl::LogOp, tl::TanhOp, tl::ErfOp>(op))
      return rewriter.notifyMatchFailure(op, "f64 math stays on libm");

    Location loc = op->getLoc();
    auto vectorOf = [&](Type elem) { return VectorType::get({lanes}, elem); };
    // Scalar operands are the same in every lane: splat them once.
    SmallVector<Value, 3> flat, splats;
    for (auto [original, converted] :
         llvm::zip_equal(op->getOperands(), operands)) {
      bool isTile = isa<tl::TileType>(original.getType());
      flat.push_back(isTile ? flatten(rewriter, loc, converted) : Value());
      splats.push_back(isTile ? Value()
                              : vector::BroadcastOp::create(
                                    rewriter, loc,
                                    vectorOf(converted.getType()), converted)
                                    .getResult());
    }
    Value out = nlc::cpu::allocTileBuffer(rewriter, loc, type);
    Value outFlat = flatten(rewriter, loc, out);
    VectorType resultType = vectorOf(type.getElementType());
    bool typesAgree = true;
    forEachVector(
        rewriter, loc, numElements(type), lanes,
        [&](OpBuilder &b, Location l, Value pos, Value mask) {
          SmallVector<Value, 3> args;
          for (auto [f, s] : llvm::zip_equal(flat, splats)) {
            if (s) {
              args.push_back(s);
              continue;
            }
            auto vt = vectorOf(cast<MemRefType>(f.getType()).getElementType());
            // Masked-off lanes compute on zeros and are never stored.
            Value zero = mask ? arith::ConstantOp::create(
                                    b, l, b.getZeroAttr(vt)).getResult()
                              : Value();
            args.push_back(loadVector(b, l, vt, f, pos, mask, zero));
          }
          Value r = op.buildScalar(b, l, args);
          typesAgree &= r.getType() == resultType;
          storeVector(b, l, r, outFlat, pos, mask);
        });
    // buildScalar is elementwise arith/math by its contract; a result of
    // another type would mean an op broke it.
    if (!typesAgree)
      return op->emitOpError("scalar code is not elementwise on vectors");
    rewriter.replaceOp(op, out);
    return success();
  }

  VectorTarget target;
};

/// `tile.broadcast`: along 0 each result row is a copy of the source, along
/// 1 each result row is one source element in every column.
struct BroadcastToVectors : OpConversionPattern<tl::BroadcastOp> {
  BroadcastToVectors(TypeConverter &converter, MLIRContext *ctx,
                     const VectorTarget &target)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), target(target) {}

  LogicalResult
  matchAndRewrite(tl::BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType type = op.getType();
    Type elem = type.getElementType();
    int64_t lanes = lanesFor(target, {elem});
    if (!lanes)
      return rewriter.notifyMatchFailure(op, "no vector form for this type");
    Location loc = op.getLoc();
    auto vt = VectorType::get({lanes}, elem);
    int64_t m = type.getShape()[0], n = type.getShape()[1];
    Value src = adaptor.getSource();
    Value out = nlc::cpu::allocTileBuffer(rewriter, loc, type);
    bool copyRows = op.getAxis() == 0;
    auto idx = [&](OpBuilder &b, Location l, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, l, v);
    };
    scf::ForOp::create(
        rewriter, loc, idx(rewriter, loc, 0), idx(rewriter, loc, m),
        idx(rewriter, loc, 1), ValueRange{},
        [&](OpBuilder &b, Location l, Value row, ValueRange) {
          Value splat;
          if (!copyRows)
            splat = vector::BroadcastOp::create(
                b, l, vt, memref::LoadOp::create(b, l, src, ValueRange{row}));
          forEachVector(b, l, n, lanes,
                        [&](OpBuilder &vb, Location vl, Value pos, Value mask) {
                          Value v = splat;
                          if (copyRows)
                            v = loadVector(vb, vl, vt, src, pos, mask,
                                           mask ? arith::ConstantOp::create(
                                                      vb, vl,
                                                      vb.getZeroAttr(vt))
                                                      .getResult()
                                                : Value());
                          storeVector(vb, vl, v, out, ValueRange{row, pos},
                                      mask);
                        });
          scf::YieldOp::create(b, l);
        });
    rewriter.replaceOp(op, out);
    return success();
  }

  VectorTarget target;
};

} // namespace

void nlc::x86::populateX86ElementwisePatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns,
                                              const VectorTarget &target) {
  if (!target.f32Lanes)
    return;
  patterns.add<ElementwiseToVectors, BroadcastToVectors>(
      converter, patterns.getContext(), target);
}
