//===- ConvertTileToSCF.cpp - Tile ops to loops over buffers --------------===//
//
// The CPU reference lowering of the tile dialect (pass `convert-tile-to-scf`).
// Each tile value becomes a memref.alloc of its shape and each op a loop
// nest of scalar arith/math. Semantics that the tile dialect defines and
// hardware does not (integer division by zero, saturating casts, padding and
// masking at view edges) are spelled out here as plain scalar code, so that
// every faster backend can be checked against this one.
//
//===----------------------------------------------------------------------===//

#include "lowering/TileToSCF/Passes.h"

#include "dialects/Utils/ScalarConversion.h"
#include "dialects/tile/IR/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Transforms/DialectConversion.h"

namespace nlc::cpu {
#define GEN_PASS_DEF_CONVERTTILETOSCF
#include "lowering/TileToSCF/Passes.h.inc"
} // namespace nlc::cpu

using namespace mlir;
namespace tl = nlc::tile;

namespace {

MemRefType bufferType(tl::TileType t) {
  return MemRefType::get(t.getShape(), t.getElementType());
}

/// Tile buffers live on the stack: loop and instance bodies save and restore
/// the stack pointer (see scopeBuffers), so they are released each time
/// round, and carried tiles are copied out (see the end of this file).
Value allocBuffer(OpBuilder &b, Location loc, tl::TileType t) {
  return memref::AllocaOp::create(b, loc, bufferType(t));
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Emits a loop nest over `shape`; `body` receives the induction variables.
void forEachElement(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                    function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d : shape) {
    lbs.push_back(indexConst(b, loc, 0));
    ubs.push_back(indexConst(b, loc, d));
    steps.push_back(indexConst(b, loc, 1));
  }
  scf::buildLoopNest(b, loc, lbs, ubs, steps, body);
}

Value zeroOf(OpBuilder &b, Location loc, Type t) {
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(t));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Integer division without traps: x / 0 == 0, MIN / -1 wraps to MIN.
Value safeDivSI(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = y.getType();
  Value zero = zeroOf(b, loc, t);
  Value one = arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, 1));
  Value minusOne = arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, -1));
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero);
  Value isMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, minusOne);
  Value bad = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value safe = arith::SelectOp::create(b, loc, bad, one, y);
  Value q = arith::DivSIOp::create(b, loc, x, safe);
  Value neg = arith::SubIOp::create(b, loc, zero, x);
  Value r = arith::SelectOp::create(b, loc, isMinusOne, neg, q);
  return arith::SelectOp::create(b, loc, isZero, zero, r);
}

Value comparison(OpBuilder &b, Location loc, tl::CmpPredicate p, Value x,
                 Value y) {
  if (isa<FloatType>(x.getType())) {
    arith::CmpFPredicate fp;
    switch (p) {
    case tl::CmpPredicate::eq:
      fp = arith::CmpFPredicate::OEQ;
      break;
    case tl::CmpPredicate::ne:
      fp = arith::CmpFPredicate::UNE;
      break;
    case tl::CmpPredicate::lt:
      fp = arith::CmpFPredicate::OLT;
      break;
    case tl::CmpPredicate::le:
      fp = arith::CmpFPredicate::OLE;
      break;
    case tl::CmpPredicate::gt:
      fp = arith::CmpFPredicate::OGT;
      break;
    case tl::CmpPredicate::ge:
      fp = arith::CmpFPredicate::OGE;
      break;
    }
    return arith::CmpFOp::create(b, loc, fp, x, y);
  }
  arith::CmpIPredicate ip;
  switch (p) {
  case tl::CmpPredicate::eq:
    ip = arith::CmpIPredicate::eq;
    break;
  case tl::CmpPredicate::ne:
    ip = arith::CmpIPredicate::ne;
    break;
  case tl::CmpPredicate::lt:
    ip = arith::CmpIPredicate::slt;
    break;
  case tl::CmpPredicate::le:
    ip = arith::CmpIPredicate::sle;
    break;
  case tl::CmpPredicate::gt:
    ip = arith::CmpIPredicate::sgt;
    break;
  case tl::CmpPredicate::ge:
    ip = arith::CmpIPredicate::sge;
    break;
  }
  return arith::CmpIOp::create(b, loc, ip, x, y);
}

/// The scalar computation of one element of an elementwise tile op.
Value scalarOf(Operation *op, OpBuilder &b, Location loc, ValueRange a) {
  Type t = a.back().getType();
  bool isFloat = isa<FloatType>(t);
  if (isa<tl::AddOp>(op))
    return isFloat ? arith::AddFOp::create(b, loc, a[0], a[1]).getResult()
                   : arith::AddIOp::create(b, loc, a[0], a[1]).getResult();
  if (isa<tl::SubOp>(op))
    return isFloat ? arith::SubFOp::create(b, loc, a[0], a[1]).getResult()
                   : arith::SubIOp::create(b, loc, a[0], a[1]).getResult();
  if (isa<tl::MulOp>(op))
    return isFloat ? arith::MulFOp::create(b, loc, a[0], a[1]).getResult()
                   : arith::MulIOp::create(b, loc, a[0], a[1]).getResult();
  if (isa<tl::DivOp>(op))
    return isFloat ? arith::DivFOp::create(b, loc, a[0], a[1]).getResult()
                   : safeDivSI(b, loc, a[0], a[1]);
  if (isa<tl::MaxOp>(op))
    return isFloat ? arith::MaximumFOp::create(b, loc, a[0], a[1]).getResult()
                   : arith::MaxSIOp::create(b, loc, a[0], a[1]).getResult();
  if (isa<tl::MinOp>(op))
    return isFloat ? arith::MinimumFOp::create(b, loc, a[0], a[1]).getResult()
                   : arith::MinSIOp::create(b, loc, a[0], a[1]).getResult();
  if (isa<tl::NegOp>(op))
    return isFloat ? arith::NegFOp::create(b, loc, a[0]).getResult()
                   : arith::SubIOp::create(b, loc, zeroOf(b, loc, t), a[0])
                         .getResult();
  if (isa<tl::AbsOp>(op))
    return isFloat ? math::AbsFOp::create(b, loc, a[0]).getResult()
                   : math::AbsIOp::create(b, loc, a[0]).getResult();
  if (isa<tl::ExpOp>(op))
    return math::ExpOp::create(b, loc, a[0]);
  if (isa<tl::LogOp>(op))
    return math::LogOp::create(b, loc, a[0]);
  if (isa<tl::SqrtOp>(op))
    return math::SqrtOp::create(b, loc, a[0]);
  if (isa<tl::RsqrtOp>(op))
    return math::RsqrtOp::create(b, loc, a[0]);
  if (isa<tl::TanhOp>(op))
    return math::TanhOp::create(b, loc, a[0]);
  if (isa<tl::ErfOp>(op))
    return math::ErfOp::create(b, loc, a[0]);
  if (auto cmp = dyn_cast<tl::CmpOp>(op))
    return comparison(b, loc, cmp.getPredicate(), a[0], a[1]);
  if (isa<tl::SelectOp>(op))
    return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
  auto castOp = cast<tl::CastOp>(op);
  // Tile integers are signed; i1 converts as 0/1.
  return nlc::convertScalar(b, loc, a[0], castOp.getType().getElementType(),
                            /*fromSigned=*/true, /*toSigned=*/true);
}

struct ElementwiseLowering : public ConversionPattern {
  ElementwiseLowering(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), 1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<tl::AddOp, tl::SubOp, tl::MulOp, tl::DivOp, tl::MaxOp, tl::MinOp,
             tl::NegOp, tl::AbsOp, tl::ExpOp, tl::LogOp, tl::SqrtOp,
             tl::RsqrtOp, tl::TanhOp, tl::ErfOp, tl::CmpOp, tl::SelectOp,
             tl::CastOp>(op))
      return failure();
    Location loc = op->getLoc();
    auto type = cast<tl::TileType>(op->getResult(0).getType());
    Value out = allocBuffer(rewriter, loc, type);
    forEachElement(rewriter, loc, type.getShape(),
                   [&](OpBuilder &b, Location l, ValueRange ivs) {
                     SmallVector<Value, 3> args;
                     for (Value buf : operands)
                       args.push_back(memref::LoadOp::create(b, l, buf, ivs));
                     memref::StoreOp::create(b, l, scalarOf(op, b, l, args),
                                             out, ivs);
                   });
    rewriter.replaceOp(op, out);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Creation
//===----------------------------------------------------------------------===//

struct SplatLowering : public OpConversionPattern<tl::SplatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tl::SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value out = allocBuffer(rewriter, op.getLoc(), op.getType());
    forEachElement(rewriter, op.getLoc(), op.getType().getShape(),
                   [&](OpBuilder &b, Location l, ValueRange ivs) {
                     memref::StoreOp::create(b, l, adaptor.getValue(), out, ivs);
                   });
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct IotaLowering : public OpConversionPattern<tl::IotaOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tl::IotaOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value out = allocBuffer(rewriter, op.getLoc(), op.getType());
    Type elem = op.getType().getElementType();
    forEachElement(rewriter, op.getLoc(), op.getType().getShape(),
                   [&](OpBuilder &b, Location l, ValueRange ivs) {
                     Value v = arith::IndexCastOp::create(b, l, elem, ivs[0]);
                     memref::StoreOp::create(b, l, v, out, ivs);
                   });
    rewriter.replaceOp(op, out);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

/// View coordinates of tile element `ivs` at tile index `tileIndices`, and
/// whether they fall inside the view.
std::pair<SmallVector<Value, 2>, Value>
viewPosition(OpBuilder &b, Location loc, Value view, ValueRange tileIndices,
             ArrayRef<int64_t> tileShape, ValueRange ivs) {
  SmallVector<Value, 2> pos;
  Value inside;
  for (size_t d = 0; d < tileShape.size(); ++d) {
    Value base = arith::MulIOp::create(b, loc, tileIndices[d],
                                       indexConst(b, loc, tileShape[d]));
    Value p = arith::AddIOp::create(b, loc, base, ivs[d]);
    Value dim = memref::DimOp::create(b, loc, view, d);
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, p, dim);
    inside = inside ? arith::AndIOp::create(b, loc, inside, ok).getResult() : ok;
    pos.push_back(p);
  }
  return {pos, inside};
}

struct LoadLowering : public OpConversionPattern<tl::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tl::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    tl::TileType type = op.getType();
    Value out = allocBuffer(rewriter, loc, type);
    Value pad = adaptor.getPadding()
                    ? adaptor.getPadding()
                    : zeroOf(rewriter, loc, type.getElementType());
    forEachElement(
        rewriter, loc, type.getShape(),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          auto [pos, inside] = viewPosition(b, l, adaptor.getView(),
                                            adaptor.getIndices(),
                                            type.getShape(), ivs);
          auto ifOp = scf::IfOp::create(
              b, l, inside,
              [&](OpBuilder &tb, Location tl) {
                Value v = memref::LoadOp::create(tb, tl, adaptor.getView(), pos);
                scf::YieldOp::create(tb, tl, v);
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, pad);
              });
          memref::StoreOp::create(b, l, ifOp.getResult(0), out, ivs);
        });
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct StoreLowering : public OpConversionPattern<tl::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tl::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType type = op.getValue().getType();
    forEachElement(
        rewriter, op.getLoc(), type.getShape(),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          auto [pos, inside] = viewPosition(b, l, adaptor.getView(),
                                            adaptor.getIndices(),
                                            type.getShape(), ivs);
          scf::IfOp::create(b, l, inside, [&](OpBuilder &tb, Location tl) {
            Value v = memref::LoadOp::create(tb, tl, adaptor.getValue(), ivs);
            memref::StoreOp::create(tb, tl, v, adaptor.getView(), pos);
            scf::YieldOp::create(tb, tl);
          });
        });
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

/// Reads source element `along` positions of the reduced axis `axis`
/// at position `other` of the kept axis (rank 2), or `along` (rank 1).
Value readReduced(OpBuilder &b, Location loc, Value src, int64_t rank,
                  int64_t axis, Value along, Value other) {
  if (rank == 1)
    return memref::LoadOp::create(b, loc, src, ValueRange{along});
  SmallVector<Value, 2> idx =
      axis == 0 ? SmallVector<Value, 2>{along, other}
                : SmallVector<Value, 2>{other, along};
  return memref::LoadOp::create(b, loc, src, idx);
}

/// Reduces `n` elements (read by `read(i)`) with `kind`; sums of 16-bit
/// floats accumulate in f32 and round once.
Value reduceLine(OpBuilder &b, Location loc, tl::ReduceKind kind, int64_t n,
                 Type elem, function_ref<Value(OpBuilder &, Location, Value)> read) {
  bool isFloat = isa<FloatType>(elem);
  Value lo = indexConst(b, loc, kind == tl::ReduceKind::sum ? 0 : 1);
  Value hi = indexConst(b, loc, n);
  Value one = indexConst(b, loc, 1);
  if (kind == tl::ReduceKind::sum) {
    Type accType = elem;
    if (isFloat && elem.getIntOrFloatBitWidth() < 32)
      accType = b.getF32Type();
    auto loop = scf::ForOp::create(
        b, loc, lo, hi, one, ValueRange{zeroOf(b, loc, accType)},
        [&](OpBuilder &lb, Location l, Value i, ValueRange acc) {
          Value x = read(lb, l, i);
          if (accType != elem)
            x = arith::ExtFOp::create(lb, l, accType, x);
          Value s = isFloat ? arith::AddFOp::create(lb, l, acc[0], x).getResult()
                            : arith::AddIOp::create(lb, l, acc[0], x).getResult();
          scf::YieldOp::create(lb, l, s);
        });
    Value sum = loop.getResult(0);
    return accType == elem ? sum
                           : arith::TruncFOp::create(b, loc, elem, sum).getResult();
  }
  Value first = read(b, loc, indexConst(b, loc, 0));
  if (kind == tl::ReduceKind::argmax) {
    Type i32 = b.getI32Type();
    auto loop = scf::ForOp::create(
        b, loc, lo, hi, one,
        ValueRange{first, zeroOf(b, loc, i32)},
        [&](OpBuilder &lb, Location l, Value i, ValueRange st) {
          Value x = read(lb, l, i);
          // Strictly greater: the first maximum wins.
          Value better = comparison(lb, l, tl::CmpPredicate::gt, x, st[0]);
          Value best = arith::SelectOp::create(lb, l, better, x, st[0]);
          Value idx = arith::SelectOp::create(
              lb, l, better, arith::IndexCastOp::create(lb, l, i32, i), st[1]);
          scf::YieldOp::create(lb, l, ValueRange{best, idx});
        });
    return loop.getResult(1);
  }
  bool isMax = kind == tl::ReduceKind::max;
  auto loop = scf::ForOp::create(
      b, loc, lo, hi, one, ValueRange{first},
      [&](OpBuilder &lb, Location l, Value i, ValueRange acc) {
        Value x = read(lb, l, i);
        Value r;
        if (isFloat)
          r = isMax ? arith::MaximumFOp::create(lb, l, acc[0], x).getResult()
                    : arith::MinimumFOp::create(lb, l, acc[0], x).getResult();
        else
          r = isMax ? arith::MaxSIOp::create(lb, l, acc[0], x).getResult()
                    : arith::MinSIOp::create(lb, l, acc[0], x).getResult();
        scf::YieldOp::create(lb, l, r);
      });
  return loop.getResult(0);
}

struct ReduceLowering : public OpConversionPattern<tl::ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tl::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    tl::TileType src = op.getSource().getType();
    int64_t axis = op.getAxis(), rank = src.getRank();
    int64_t n = src.getShape()[axis];
    Type elem = src.getElementType();
    Value buf = adaptor.getSource();
    if (rank == 1) {
      Value r = reduceLine(rewriter, loc, op.getKind(), n, elem,
                           [&](OpBuilder &b, Location l, Value i) {
                             return readReduced(b, l, buf, 1, axis, i, {});
                           });
      rewriter.replaceOp(op, r);
      return success();
    }
    auto resultType = cast<tl::TileType>(op.getType());
    Value out = allocBuffer(rewriter, loc, resultType);
    forEachElement(rewriter, loc, resultType.getShape(),
                   [&](OpBuilder &b, Location l, ValueRange ivs) {
                     Value r = reduceLine(
                         b, l, op.getKind(), n, elem,
                         [&](OpBuilder &rb, Location rl, Value i) {
                           return readReduced(rb, rl, buf, 2, axis, i, ivs[0]);
                         });
                     memref::StoreOp::create(b, l, r, out, ivs);
                   });
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// Lowers an op whose element (ivs) of the result is one element of its
/// source at positions computed by `sourceIndex`.
template <typename OpT>
struct GatherLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  using Adaptor = typename OpT::Adaptor;
  virtual SmallVector<Value, 2> sourceIndex(OpT op, OpBuilder &b, Location l,
                                            ValueRange ivs) const = 0;
  LogicalResult
  matchAndRewrite(OpT op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<tl::TileType>(op.getType());
    Value out = allocBuffer(rewriter, op.getLoc(), type);
    forEachElement(rewriter, op.getLoc(), type.getShape(),
                   [&](OpBuilder &b, Location l, ValueRange ivs) {
                     Value v = memref::LoadOp::create(
                         b, l, adaptor.getSource(), sourceIndex(op, b, l, ivs));
                     memref::StoreOp::create(b, l, v, out, ivs);
                   });
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct BroadcastLowering : public GatherLowering<tl::BroadcastOp> {
  using GatherLowering::GatherLowering;
  SmallVector<Value, 2> sourceIndex(tl::BroadcastOp op, OpBuilder &, Location,
                                    ValueRange ivs) const override {
    // The new axis is dropped: along 0 every row is the source.
    return {ivs[op.getAxis() == 0 ? 1 : 0]};
  }
};

struct TransposeLowering : public GatherLowering<tl::TransposeOp> {
  using GatherLowering::GatherLowering;
  SmallVector<Value, 2> sourceIndex(tl::TransposeOp, OpBuilder &, Location,
                                    ValueRange ivs) const override {
    return {ivs[1], ivs[0]};
  }
};

struct ReshapeLowering : public GatherLowering<tl::ReshapeOp> {
  using GatherLowering::GatherLowering;
  SmallVector<Value, 2> sourceIndex(tl::ReshapeOp op, OpBuilder &b, Location l,
                                    ValueRange ivs) const override {
    // Row-major linear position in the result, then in the source.
    ArrayRef<int64_t> dst = op.getType().getShape();
    ArrayRef<int64_t> src = op.getSource().getType().getShape();
    Value linear = ivs[0];
    if (dst.size() == 2)
      linear = arith::AddIOp::create(
          b, l, arith::MulIOp::create(b, l, ivs[0], indexConst(b, l, dst[1])),
          ivs[1]);
    if (src.size() == 1)
      return {linear};
    Value cols = indexConst(b, l, src[1]);
    return {arith::DivUIOp::create(b, l, linear, cols),
            arith::RemUIOp::create(b, l, linear, cols)};
  }
};

//===----------------------------------------------------------------------===//
// Contraction
//===----------------------------------------------------------------------===//

struct DotLowering : public OpConversionPattern<tl::DotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tl::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    tl::TileType type = op.getType();
    Type acc = type.getElementType();
    bool isFloat = isa<FloatType>(acc);
    Value out = allocBuffer(rewriter, loc, type);
    if (adaptor.getAcc())
      memref::CopyOp::create(rewriter, loc, adaptor.getAcc(), out);
    else
      forEachElement(rewriter, loc, type.getShape(),
                     [&](OpBuilder &b, Location l, ValueRange ivs) {
                       memref::StoreOp::create(b, l, zeroOf(b, l, acc), out, ivs);
                     });
    int64_t m = type.getShape()[0], n = type.getShape()[1];
    int64_t k = op.getLhs().getType().getShape()[1];
    auto widen = [&](OpBuilder &b, Location l, Value v) {
      return nlc::convertScalar(b, l, v, acc, true, true);
    };
    // i, k, j order: the innermost loop walks rows of rhs and out.
    forEachElement(
        rewriter, loc, {m, k, n}, [&](OpBuilder &b, Location l, ValueRange iv) {
          Value a = widen(b, l, memref::LoadOp::create(b, l, adaptor.getLhs(),
                                                       ValueRange{iv[0], iv[1]}));
          Value x = widen(b, l, memref::LoadOp::create(b, l, adaptor.getRhs(),
                                                       ValueRange{iv[1], iv[2]}));
          Value c = memref::LoadOp::create(b, l, out, ValueRange{iv[0], iv[2]});
          Value r =
              isFloat
                  ? arith::AddFOp::create(b, l, c,
                                          arith::MulFOp::create(b, l, a, x))
                        .getResult()
                  : arith::AddIOp::create(b, l, c,
                                          arith::MulIOp::create(b, l, a, x))
                        .getResult();
          memref::StoreOp::create(b, l, r, out, ValueRange{iv[0], iv[2]});
        });
    rewriter.replaceOp(op, out);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Grid
//===----------------------------------------------------------------------===//

/// Replaces a grid query with a call to the runtime, which knows which
/// program instance the calling thread runs.
template <typename OpT>
struct GridQueryLowering : public OpConversionPattern<OpT> {
  GridQueryLowering(const TypeConverter &tc, MLIRContext *ctx,
                    StringRef runtimeName)
      : OpConversionPattern<OpT>(tc, ctx), runtimeName(runtimeName) {}
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto module = op->template getParentOfType<ModuleOp>();
    Type i64 = rewriter.getI64Type();
    auto fn = module.template lookupSymbol<func::FuncOp>(runtimeName);
    if (!fn) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToEnd(module.getBody());
      fn = func::FuncOp::create(rewriter, op.getLoc(), runtimeName,
                                rewriter.getFunctionType({i64}, {i64}));
      fn.setPrivate();
    }
    Value axis = arith::ConstantOp::create(
        rewriter, op.getLoc(), rewriter.getI64IntegerAttr(op.getAxis()));
    Value v = func::CallOp::create(rewriter, op.getLoc(), fn, axis).getResult(0);
    rewriter.replaceOpWithNewOp<arith::IndexCastOp>(op, rewriter.getIndexType(),
                                                    v);
    return success();
  }
  std::string runtimeName;
};

//===----------------------------------------------------------------------===//
// Buffer lifetimes
//===----------------------------------------------------------------------===//

/// True for the statically shaped memrefs this pass creates for tiles.
bool isTileBuffer(Type t) {
  auto m = dyn_cast<MemRefType>(t);
  return m && m.hasStaticShape() && m.getLayout().isIdentity();
}

/// Copies `from` into `to` unless they are the same buffer.
void copyInto(OpBuilder &b, Location loc, Value from, Value to) {
  if (from != to)
    memref::CopyOp::create(b, loc, from, to);
}

/// Gives each tile carried by an scf.for its own buffer, allocated before
/// the loop: the body reads it and copies its new value into it at the end.
/// The iter_arg is then loop-invariant, and canonicalization removes it.
void uncarryLoopBuffers(scf::ForOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  for (unsigned k = 0; k < loop.getNumRegionIterArgs(); ++k) {
    BlockArgument arg = loop.getRegionIterArgs()[k];
    if (!isTileBuffer(arg.getType()))
      continue;
    b.setInsertionPoint(loop);
    Value carried = memref::AllocaOp::create(b, loc,
                                             cast<MemRefType>(arg.getType()));
    copyInto(b, loc, loop.getInitArgs()[k], carried);
    arg.replaceAllUsesExcept(carried, yield);
    b.setInsertionPoint(yield);
    Value next = yield.getOperand(k);
    copyInto(b, loc, next == arg ? carried : next, carried);
    yield->setOperand(k, arg);
    loop.getResult(k).replaceAllUsesWith(carried);
  }
}

/// Gives each tile an scf.if yields a buffer allocated before the `if`.
void uncarryIfBuffers(scf::IfOp ifOp) {
  OpBuilder b(ifOp);
  Location loc = ifOp.getLoc();
  for (unsigned k = 0; k < ifOp.getNumResults(); ++k) {
    if (!isTileBuffer(ifOp.getResult(k).getType()))
      continue;
    b.setInsertionPoint(ifOp);
    Value out = memref::AllocaOp::create(
        b, loc, cast<MemRefType>(ifOp.getResult(k).getType()));
    for (Region *r : {&ifOp.getThenRegion(), &ifOp.getElseRegion()}) {
      if (r->empty())
        continue;
      auto yield = cast<scf::YieldOp>(r->front().getTerminator());
      b.setInsertionPoint(yield);
      copyInto(b, loc, yield.getOperand(k), out);
      yield->setOperand(k, out);
    }
    ifOp.getResult(k).replaceAllUsesWith(out);
  }
}

/// Saves the stack pointer at the start of a loop or instance body and
/// restores it before its terminator, so that stack buffers allocated in one
/// iteration are released before the next. (memref.alloca_scope would need
/// its region to stay one block, which lowering nested loops breaks.)
void releaseStackPerIteration(Block &body) {
  bool allocates = false;
  for (Operation &op : body.without_terminator())
    op.walk([&](memref::AllocaOp) { allocates = true; });
  if (!allocates)
    return;
  Location loc = body.getParentOp()->getLoc();
  OpBuilder b(&body, body.begin());
  Value sp = LLVM::StackSaveOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()));
  b.setInsertionPoint(body.getTerminator());
  LLVM::StackRestoreOp::create(b, loc, sp);
}

void scopeBuffers(ModuleOp module) {
  // Inner loops first, so that their buffers are released by their own
  // scope before the outer one wraps them.
  module.walk([](scf::ForOp loop) { uncarryLoopBuffers(loop); });
  module.walk([](scf::IfOp ifOp) { uncarryIfBuffers(ifOp); });
  module.walk([](scf::ForOp loop) { releaseStackPerIteration(*loop.getBody()); });
  module.walk([](scf::ParallelOp p) { releaseStackPerIteration(*p.getBody()); });
}

struct ConvertTileToSCFPass
    : public nlc::cpu::impl::ConvertTileToSCFBase<ConvertTileToSCFPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion(
        [](tl::TileType t) -> Type { return bufferType(t); });

    ConversionTarget target(*ctx);
    target.addIllegalDialect<tl::TileDialect>();
    target.addLegalDialect<arith::ArithDialect, math::MathDialect,
                           memref::MemRefDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return converter.isSignatureLegal(f.getFunctionType()) &&
             converter.isLegal(&f.getBody());
    });
    target.addDynamicallyLegalOp<func::CallOp, func::ReturnOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    RewritePatternSet patterns(ctx);
    patterns.add<ElementwiseLowering>(converter, ctx);
    patterns.add<SplatLowering, IotaLowering, LoadLowering, StoreLowering,
                 ReduceLowering, BroadcastLowering, TransposeLowering,
                 ReshapeLowering, DotLowering>(converter, ctx);
    patterns.add<GridQueryLowering<tl::ProgramIdOp>>(converter, ctx,
                                                     "nl_program_id");
    patterns.add<GridQueryLowering<tl::NumProgramsOp>>(converter, ctx,
                                                       "nl_num_programs");
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    scopeBuffers(getOperation());
  }
};

} // namespace
