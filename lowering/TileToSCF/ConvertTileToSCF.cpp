//===- ConvertTileToSCF.cpp - Tile ops to loops over buffers --------------===//
//
// The CPU reference lowering of the tile dialect (pass `convert-tile-to-scf`).
// Each tile value becomes a buffer of its shape (a memref.alloca, or for
// large tiles a memref.alloc freed at the end of its block) and each op a
// loop nest of scalar arith/math. Elementwise ops share one pattern through
// ElementwiseOpInterface, whose scalar code is the dialect's definition of
// each op; the semantics of padding and masking at view edges and of
// reductions and contractions are spelled out here, so that every faster
// backend can be checked against this one.
//
//===----------------------------------------------------------------------===//

#include "lowering/TileToSCF/Passes.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "dialects/Utils/ScalarConversion.h"
#include "dialects/tile/IR/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/Support/MathExtras.h"

namespace nlc::cpu {
#define GEN_PASS_DEF_CONVERTTILETOSCF
#include "lowering/TileToSCF/Passes.h.inc"
} // namespace nlc::cpu

using namespace mlir;
namespace tl = nlc::tile;
namespace {

/// Tiles above this size get heap buffers. 64 KiB holds a 128x128 f32 tile
/// on the stack; a few such tiles fit easily in the 8 MiB stack of a grid
/// worker thread and in the 8 MiB stack of the bare-metal target.
constexpr int64_t kMaxStackBufferBytes = 64 * 1024;

/// Stack buffers one scope (a function, loop or parallel body) may hold
/// before further buffers in it go to the heap, so that a long kernel body
/// of small tiles cannot exhaust the stack either.
constexpr int64_t kStackBytesPerScope = 256 * 1024;

/// Tile buffers up to this size are allocated once, at the start of their
/// function or parallel body, instead of in each iteration of the loops
/// around them (hoistSmallBuffers), within kHoistedBytesPerScope per scope.
constexpr int64_t kHoistedBufferBytes = 4 * 1024;
constexpr int64_t kHoistedBytesPerScope = 32 * 1024;

/// The largest tile this lowering accepts. Larger ones are rejected at
/// compile time: their size would not fit comfortably in any memory this
/// lowering runs in, and a failed allocation must not become a crash.
constexpr int64_t kMaxTileBytes = int64_t(1) << 30;

} // namespace

MemRefType nlc::cpu::tileBufferType(tl::TileType t) {
  return MemRefType::get(t.getShape(), t.getElementType());
}

namespace {

MemRefType bufferType(tl::TileType t) { return nlc::cpu::tileBufferType(t); }

/// The size of the buffer of `t` in bytes (i1 takes a byte), or nullopt if
/// it does not fit in an int64_t.
std::optional<int64_t> bufferBytes(tl::TileType t) {
  int64_t bytes = (t.getElementType().getIntOrFloatBitWidth() + 7) / 8;
  for (int64_t d : t.getShape())
    if (llvm::MulOverflow(bytes, d, bytes))
      return std::nullopt;
  return bytes;
}

/// Every buffer starts as a memref.alloca; placeBuffers then moves large
/// ones to the heap and releaseStackPerIteration scopes the rest.
Value allocBuffer(OpBuilder &b, Location loc, MemRefType t) {
  return memref::AllocaOp::create(b, loc, t);
}

} // namespace

Value nlc::cpu::allocTileBuffer(OpBuilder &b, Location loc, tl::TileType t) {
  return allocBuffer(b, loc, bufferType(t));
}

namespace {

Value allocBuffer(OpBuilder &b, Location loc, tl::TileType t) {
  return nlc::cpu::allocTileBuffer(b, loc, t);
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Emits a loop nest over `shape`; `body` receives the induction variables.
/// The outermost loop is marked (nlc::cpu::kElementLoopsAttr) with which
/// loops of the nest are independent: all, or those `parallel` says.
void forEachElement(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                    function_ref<void(OpBuilder &, Location, ValueRange)> body,
                    ArrayRef<bool> parallel = {}) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d : shape) {
    lbs.push_back(indexConst(b, loc, 0));
    ubs.push_back(indexConst(b, loc, d));
    steps.push_back(indexConst(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(b, loc, lbs, ubs, steps, body);
  if (nest.loops.empty())
    return;
  SmallVector<bool> marks(parallel.begin(), parallel.end());
  marks.resize(shape.size(), parallel.empty());
  nest.loops.front()->setAttr(nlc::cpu::kElementLoopsAttr,
                              b.getDenseBoolArrayAttr(marks));
}

Value zeroOf(OpBuilder &b, Location loc, Type t) {
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(t));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Replaces `op` (whose result is a tile of `type`) by one loop nest whose
/// element (i, j) is `build` of one element per input: a tile of `type`'s
/// shape at (i, j) (axis -1), a rank-1 tile at j (axis 0) or at i (axis 1),
/// or a scalar as it is.
LogicalResult replaceWithLoops(
    ConversionPatternRewriter &rewriter, Operation *op, tl::TileType type,
    ValueRange originals, ValueRange converted, ArrayRef<int64_t> axes,
    function_ref<Value(OpBuilder &, Location, ValueRange)> build) {
  Location loc = op->getLoc();
  Value out = allocBuffer(rewriter, loc, type);
  forEachElement(
      rewriter, loc, type.getShape(),
      [&](OpBuilder &b, Location l, ValueRange ivs) {
        SmallVector<Value> args;
        for (auto [original, conv, axis] :
             llvm::zip_equal(originals, converted, axes)) {
          if (!isa<tl::TileType>(original.getType())) {
            args.push_back(conv);
            continue;
          }
          ValueRange at = ivs;
          if (axis != -1)
            at = ivs.slice(axis == 0 ? 1 : 0, 1);
          args.push_back(memref::LoadOp::create(b, l, conv, at));
        }
        memref::StoreOp::create(b, l, build(b, l, args), out, ivs);
      });
  rewriter.replaceOp(op, out);
  return success();
}

/// Every elementwise op: each result element is the op's scalar computation
/// (ElementwiseOpInterface::buildScalar) of the operand elements at the
/// same position; scalar operands are used as they are.
struct ElementwiseLowering
    : public OpInterfaceConversionPattern<tl::ElementwiseOpInterface> {
  using OpInterfaceConversionPattern::OpInterfaceConversionPattern;

  LogicalResult
  matchAndRewrite(tl::ElementwiseOpInterface op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<int64_t> axes(operands.size(), -1);
    return replaceWithLoops(
        rewriter, op, cast<tl::TileType>(op->getResult(0).getType()),
        op->getOperands(), operands, axes,
        [&](OpBuilder &b, Location l, ValueRange args) {
          return op.buildScalar(b, l, args);
        });
  }
};

/// `tile.fused`: the body on the input elements at each position; a
/// broadcast input gives the element of the result's column (axis 0) or
/// row (axis 1).
struct FusedLowering : public OpConversionPattern<tl::FusedOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tl::FusedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    return replaceWithLoops(
        rewriter, op, op.getType(), op.getInputs(), adaptor.getInputs(),
        op.getBroadcast(), [&](OpBuilder &b, Location l, ValueRange args) {
          return op.buildElement(b, l, args);
        });
  }
};

//===----------------------------------------------------------------------===//
// Creation
//===----------------------------------------------------------------------===//

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

/// The number of leading element indices of `op`: those of a view of rank
/// 3 or 4 that pick the 2-D slice its rank-2 tile lies in.
size_t leadingIndices(tl::AccessOpInterface op) {
  return op.getIndices().size() - op.getAccessedType().getShape().size();
}

/// Whether the indices of `op` address a tile that overlaps its view: every
/// leading index in [0, dim), every tile index in [0, ceil(dim / tile dim)).
/// Computed before any element offset, which would wrap for indices near
/// 2^63 / tile dim.
Value tileInView(OpBuilder &b, Location loc, tl::AccessOpInterface op) {
  Value ok;
  ArrayRef<int64_t> shape = op.getAccessedType().getShape();
  size_t lead = leadingIndices(op);
  for (auto [d, index] : llvm::enumerate(op.getIndices())) {
    Value dim = memref::DimOp::create(b, loc, op.getView(), d);
    Value tiles = d < lead
                      ? dim
                      : arith::CeilDivUIOp::create(
                            b, loc, dim, indexConst(b, loc, shape[d - lead]))
                            .getResult();
    // Unsigned: a negative index is out of range too.
    Value inRange =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, index, tiles);
    ok = ok ? arith::AndIOp::create(b, loc, ok, inRange).getResult() : inRange;
  }
  return ok;
}

/// View coordinates of tile element `ivs` of `op`, and whether they fall
/// inside the view. `tileOk` (from tileInView) guards the offsets, which are
/// only meaningful, and only free of overflow, for a tile in range.
std::pair<SmallVector<Value, 2>, Value> viewPosition(OpBuilder &b, Location loc,
                                                     tl::AccessOpInterface op,
                                                     Value tileOk,
                                                     ValueRange ivs) {
  SmallVector<Value, 2> pos;
  Value inside = tileOk;
  ArrayRef<int64_t> shape = op.getAccessedType().getShape();
  size_t lead = leadingIndices(op);
  // Leading indices are positions already, checked by tileOk.
  for (Value index : op.getIndices().take_front(lead))
    pos.push_back(index);
  for (auto [d, index] : llvm::enumerate(op.getIndices().drop_front(lead))) {
    Value base =
        arith::MulIOp::create(b, loc, index, indexConst(b, loc, shape[d]));
    Value p = arith::AddIOp::create(b, loc, base, ivs[d]);
    Value dim = memref::DimOp::create(b, loc, op.getView(), d + lead);
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, p, dim);
    inside = arith::AndIOp::create(b, loc, inside, ok);
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
    nlc::cpu::emitReferenceLoad(rewriter, loc, op, pad, out);
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct StoreLowering : public OpConversionPattern<tl::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tl::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    nlc::cpu::emitReferenceStore(rewriter, op.getLoc(), op, adaptor.getValue());
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void nlc::cpu::emitReferenceLoad(OpBuilder &builder, Location loc,
                                 tl::LoadOp op, Value pad, Value out) {
  Value tileOk = tileInView(builder, loc, op);
  forEachElement(builder, loc, op.getType().getShape(),
                 [&](OpBuilder &b, Location l, ValueRange ivs) {
                   auto [pos, inside] = viewPosition(b, l, op, tileOk, ivs);
                   auto ifOp = scf::IfOp::create(
                       b, l, inside,
                       [&](OpBuilder &tb, Location tl) {
                         Value v =
                             memref::LoadOp::create(tb, tl, op.getView(), pos);
                         scf::YieldOp::create(tb, tl, v);
                       },
                       [&](OpBuilder &eb, Location el) {
                         scf::YieldOp::create(eb, el, pad);
                       });
                   memref::StoreOp::create(b, l, ifOp.getResult(0), out, ivs);
                 });
}

Value nlc::cpu::argmaxBetter(OpBuilder &b, Location loc, Value x, Value best) {
  // Strictly greater (ordered for floats: NaN never wins): the first
  // maximum wins.
  if (isa<FloatType>(getElementTypeOrSelf(x.getType())))
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, best);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, best);
}

void nlc::cpu::emitReferenceStore(OpBuilder &builder, Location loc,
                                  tl::StoreOp op, Value value) {
  Value tileOk = tileInView(builder, loc, op);
  forEachElement(
      builder, loc, op.getValue().getType().getShape(),
      [&](OpBuilder &b, Location l, ValueRange ivs) {
        auto [pos, inside] = viewPosition(b, l, op, tileOk, ivs);
        scf::IfOp::create(b, l, inside, [&](OpBuilder &tb, Location tl) {
          Value v = memref::LoadOp::create(tb, tl, value, ivs);
          memref::StoreOp::create(tb, tl, v, op.getView(), pos);
          scf::YieldOp::create(tb, tl);
        });
      });
}

namespace {

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
          Value better = nlc::cpu::argmaxBetter(lb, l, x, st[0]);
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

struct PairRowsLowering : public GatherLowering<tl::PairRowsOp> {
  using GatherLowering::GatherLowering;
  SmallVector<Value, 2> sourceIndex(tl::PairRowsOp op, OpBuilder &b, Location l,
                                    ValueRange ivs) const override {
    // Result (p, q) is source (g p + q % g, q / g), g the group size; with
    // blocks of c columns and K/g rows each, source (g (p % (K/g)) + q % g,
    // (p / (K/g)) c + q / g).
    Value g = indexConst(b, l, op.getGroup());
    Value p = ivs[0], blockColumn;
    if (int64_t c = op.getBlock()) {
      Value rows = indexConst(
          b, l, op.getSource().getType().getShape()[0] / op.getGroup());
      blockColumn = arith::MulIOp::create(
          b, l, arith::DivUIOp::create(b, l, p, rows), indexConst(b, l, c));
      p = arith::RemUIOp::create(b, l, p, rows);
    }
    Value first = arith::MulIOp::create(b, l, p, g);
    Value within = arith::RemUIOp::create(b, l, ivs[1], g);
    Value row = arith::AddIOp::create(b, l, first, within);
    Value column = arith::DivUIOp::create(b, l, ivs[1], g);
    if (blockColumn)
      column = arith::AddIOp::create(b, l, blockColumn, column);
    return {row, column};
  }
};

struct UnpairRowsLowering : public GatherLowering<tl::UnpairRowsOp> {
  using GatherLowering::GatherLowering;
  SmallVector<Value, 2> sourceIndex(tl::UnpairRowsOp op, OpBuilder &b,
                                    Location l, ValueRange ivs) const override {
    // Result (r, c) is source (r / g, g c + r % g), g the group size; with
    // blocks of c' columns and K/g rows each, source ((c / c') (K/g) + r /
    // g, g (c % c') + r % g).
    Value g = indexConst(b, l, op.getGroup());
    Value row = arith::DivUIOp::create(b, l, ivs[0], g), column = ivs[1];
    if (int64_t c = op.getBlock()) {
      Value block = indexConst(b, l, c);
      Value rows = indexConst(b, l, op.getType().getShape()[0] / op.getGroup());
      row = arith::AddIOp::create(
          b, l,
          arith::MulIOp::create(
              b, l, arith::DivUIOp::create(b, l, column, block), rows),
          row);
      column = arith::RemUIOp::create(b, l, column, block);
    }
    Value first = arith::MulIOp::create(b, l, column, g);
    Value within = arith::RemUIOp::create(b, l, ivs[0], g);
    return {row, arith::AddIOp::create(b, l, first, within)};
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
    // The accumulator's buffer is updated in place when nothing else reads
    // its old value: one use, in the block that defines the value (a `dot`
    // in a loop below that block runs once per iteration, each time from the
    // same accumulator). In a K loop (`acc = dot(a, b, acc)`) the carried
    // buffer is then the result, and neither the copy in nor the loop's
    // copy back are made. Else a copy (or zeros).
    Value out;
    if (adaptor.getAcc() && op.getAcc().hasOneUse() &&
        adaptor.getAcc().getParentBlock() == op->getBlock()) {
      out = adaptor.getAcc();
    } else {
      out = allocBuffer(rewriter, loc, type);
      if (adaptor.getAcc())
        memref::CopyOp::create(rewriter, loc, adaptor.getAcc(), out);
      else
        forEachElement(rewriter, loc, type.getShape(),
                       [&](OpBuilder &b, Location l, ValueRange ivs) {
                         memref::StoreOp::create(b, l, zeroOf(b, l, acc), out,
                                                 ivs);
                       });
    }
    int64_t m = type.getShape()[0], n = type.getShape()[1];
    int64_t k = op.getLhs().getType().getShape()[1];
    auto widen = [&](OpBuilder &b, Location l, Value v) {
      return nlc::convertScalar(b, l, v, acc, true, true);
    };
    // i, k, j order: the innermost loop walks rows of rhs and out. The k
    // loop accumulates: only i and j are independent.
    forEachElement(
        rewriter, loc, {m, k, n},
        [&](OpBuilder &b, Location l, ValueRange iv) {
          Value a = widen(b, l, memref::LoadOp::create(b, l, adaptor.getLhs(),
                                                       ValueRange{iv[0], iv[1]}));
          Value x = widen(b, l, memref::LoadOp::create(b, l, adaptor.getRhs(),
                                                       ValueRange{iv[1], iv[2]}));
          Value c = memref::LoadOp::create(b, l, out, ValueRange{iv[0], iv[2]});
          // Floats: one fused multiply-add per product (rounded once), as
          // every fast lowering computes it, in k order.
          Value r =
              isFloat
                  ? math::FmaOp::create(b, l, a, x, c).getResult()
                  : arith::AddIOp::create(b, l, c,
                                          arith::MulIOp::create(b, l, a, x))
                        .getResult();
          memref::StoreOp::create(b, l, r, out, ValueRange{iv[0], iv[2]});
        },
        {true, false, true});
    rewriter.replaceOp(op, out);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// What this lowering does not take
//===----------------------------------------------------------------------===//

/// Reports what must not reach this lowering: grid queries (the launch
/// lowering replaces them by arguments), functions that take or return
/// tiles (tiles do not cross function boundaries here: kernels on tiles are
/// inlined first) and tiles too large for any buffer.
LogicalResult checkInput(ModuleOp module) {
  bool ok = true;
  module.walk([&](Operation *op) {
    if (isa<tl::ProgramIdOp, tl::NumProgramsOp>(op)) {
      op->emitOpError("must be lowered by the launch lowering first: the "
                      "reference lowering has no grid to query");
      ok = false;
    }
    if (auto fn = dyn_cast<FunctionOpInterface>(op)) {
      auto isTile = [](Type t) { return isa<tl::TileType>(t); };
      if (llvm::any_of(fn.getArgumentTypes(), isTile) ||
          llvm::any_of(fn.getResultTypes(), isTile)) {
        op->emitOpError("takes or returns a tile: tiles cannot cross "
                        "function boundaries in the reference lowering "
                        "(inline kernels on tiles first)");
        ok = false;
      }
    }
    for (Type t : op->getResultTypes()) {
      auto tile = dyn_cast<tl::TileType>(t);
      if (!tile)
        continue;
      std::optional<int64_t> bytes = bufferBytes(tile);
      if (!bytes || *bytes > kMaxTileBytes) {
        op->emitOpError("result ")
            << tile << " is larger than the reference lowering's limit of "
            << kMaxTileBytes << " bytes (1 GiB) per tile";
        ok = false;
      }
    }
  });
  return success(ok);
}

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

/// Copies each of `from` into the buffer at the same place in `to`, as one
/// parallel assignment: a value that is one of `to` and would be
/// overwritten before it is read (a loop that swaps two tiles) is copied
/// aside first.
void copyInParallel(OpBuilder &b, Location loc, SmallVector<Value> from,
                    ArrayRef<Value> to) {
  for (size_t i = 0; i < from.size(); ++i)
    if (llvm::is_contained(to.take_front(i), from[i])) {
      Value aside =
          allocBuffer(b, loc, cast<MemRefType>(from[i].getType()));
      copyInto(b, loc, from[i], aside);
      from[i] = aside;
    }
  for (size_t i = 0; i < from.size(); ++i)
    copyInto(b, loc, from[i], to[i]);
}

/// Gives each tile carried by an scf.for its own buffer, allocated before
/// the loop: the body reads it and copies its new value into it at the end.
/// The iter_arg is then loop-invariant, and canonicalization removes it.
void uncarryLoopBuffers(scf::ForOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  SmallVector<unsigned> ks;
  SmallVector<Value> buffers, next;
  for (unsigned k = 0; k < loop.getNumRegionIterArgs(); ++k) {
    BlockArgument arg = loop.getRegionIterArgs()[k];
    if (!isTileBuffer(arg.getType()))
      continue;
    b.setInsertionPoint(loop);
    Value carried = allocBuffer(b, loc, cast<MemRefType>(arg.getType()));
    copyInto(b, loc, loop.getInitArgs()[k], carried);
    arg.replaceAllUsesExcept(carried, yield);
    loop.getResult(k).replaceAllUsesWith(carried);
    ks.push_back(k);
    buffers.push_back(carried);
  }
  // A yielded iter_arg is the old value of its buffer.
  for (unsigned k : ks) {
    Value v = yield.getOperand(k);
    auto arg = dyn_cast<BlockArgument>(v);
    if (arg && arg.getOwner() == loop.getBody() && arg.getArgNumber() > 0) {
      auto *it = llvm::find(ks, arg.getArgNumber() - 1);
      if (it != ks.end())
        v = buffers[it - ks.begin()];
    }
    next.push_back(v);
  }
  b.setInsertionPoint(yield);
  copyInParallel(b, loc, next, buffers);
  for (unsigned k : ks)
    yield->setOperand(k, loop.getRegionIterArgs()[k]);
}

/// Gives each tile carried by an scf.while its own buffer, allocated before
/// the loop, which holds the value the loop carries at every point: the
/// values forwarded by its condition and yielded by its body are copied
/// into it, and its arguments and results read it.
void uncarryWhileBuffers(scf::WhileOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  scf::ConditionOp cond = loop.getConditionOp();
  scf::YieldOp yield = loop.getYieldOp();
  SmallVector<unsigned> ks;
  SmallVector<Value> buffers;
  for (unsigned k = 0; k < loop.getNumResults(); ++k) {
    Type t = loop.getResult(k).getType();
    if (!isTileBuffer(t) || loop.getBeforeArguments()[k].getType() != t)
      continue;
    b.setInsertionPoint(loop);
    Value carried = allocBuffer(b, loc, cast<MemRefType>(t));
    copyInto(b, loc, loop.getInits()[k], carried);
    loop->setOperand(k, carried);
    loop.getBeforeArguments()[k].replaceAllUsesWith(carried);
    loop.getAfterArguments()[k].replaceAllUsesWith(carried);
    loop.getResult(k).replaceAllUsesWith(carried);
    ks.push_back(k);
    buffers.push_back(carried);
  }
  auto update = [&](Operation *term, unsigned first) {
    SmallVector<Value> next;
    for (unsigned k : ks)
      next.push_back(term->getOperand(first + k));
    b.setInsertionPoint(term);
    copyInParallel(b, loc, next, buffers);
    for (size_t i = 0; i < ks.size(); ++i)
      term->setOperand(first + ks[i], buffers[i]);
  };
  update(cond, 1);
  update(yield, 0);
}

/// The buffer of `type` that `yield` yields as its `k`th value when the
/// yield's block allocated it and yields it only there (its other uses are
/// then all inside that block), else null.
memref::AllocaOp ownBuffer(scf::YieldOp yield, unsigned k, Type type) {
  auto alloca = yield.getOperand(k).getDefiningOp<memref::AllocaOp>();
  if (!alloca || alloca.getType() != type ||
      alloca->getBlock() != yield->getBlock() ||
      llvm::count(yield.getOperands(), alloca.getResult()) != 1)
    return {};
  return alloca;
}

/// Gives each tile an scf.if yields a buffer allocated before the `if`. A
/// branch whose value is a buffer of its own (ownBuffer: a dot's
/// accumulator, a loop's carried tile) computes it in that buffer
/// directly; any other value is copied into it at the end of the branch.
void uncarryIfBuffers(scf::IfOp ifOp) {
  OpBuilder b(ifOp);
  Location loc = ifOp.getLoc();
  for (unsigned k = 0; k < ifOp.getNumResults(); ++k) {
    if (!isTileBuffer(ifOp.getResult(k).getType()))
      continue;
    b.setInsertionPoint(ifOp);
    Value out =
        allocBuffer(b, loc, cast<MemRefType>(ifOp.getResult(k).getType()));
    for (Region *r : {&ifOp.getThenRegion(), &ifOp.getElseRegion()}) {
      if (r->empty())
        continue;
      auto yield = cast<scf::YieldOp>(r->front().getTerminator());
      if (memref::AllocaOp own = ownBuffer(yield, k, out.getType())) {
        own.replaceAllUsesWith(out);
        own.erase();
        continue;
      }
      b.setInsertionPoint(yield);
      copyInto(b, loc, yield.getOperand(k), out);
      yield->setOperand(k, out);
    }
    ifOp.getResult(k).replaceAllUsesWith(out);
  }
}

/// The op whose body releases the stack that `op` allocates: the nearest
/// enclosing loop or parallel body (see releaseStackPerIteration) or
/// function.
Operation *stackScope(Operation *op) {
  Operation *p = op->getParentOp();
  while (p && !isa<scf::ForOp, scf::WhileOp, scf::ParallelOp,
                   FunctionOpInterface>(p))
    p = p->getParentOp();
  return p;
}

/// The bytes of a static tile buffer.
int64_t bufferBytes(MemRefType type) {
  return type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
}

/// Moves the tile buffers this pass allocated (`created`) to the heap when
/// they are larger than kMaxStackBufferBytes or their scope already holds
/// kStackBytesPerScope of stack buffers. Each heap buffer is freed at the
/// end of the block that allocates it, in reverse order of allocation: for
/// loop, parallel and function bodies that is where the stack buffers are
/// released; in an scf.if branch it is the end of the branch. No tile buffer
/// outlives its block: tiles carried by loops and yielded by `if`s have
/// buffers allocated outside them (see uncarryLoopBuffers and
/// uncarryIfBuffers), and tiles do not cross functions.
LogicalResult placeBuffers(ArrayRef<memref::AllocaOp> created) {
  DenseMap<Operation *, int64_t> stackBytes;
  DenseMap<Block *, SmallVector<Value>> heapBuffers;
  SmallVector<Block *> blocks;
  for (memref::AllocaOp alloca : created) {
    MemRefType type = alloca.getType();
    // Sized at run time by a lowering that bounds it (X86Dot.cpp, DotKLoop).
    if (!type.hasStaticShape())
      continue;
    int64_t bytes = bufferBytes(type);
    int64_t &scopeBytes = stackBytes[stackScope(alloca)];
    if (bytes <= kMaxStackBufferBytes &&
        scopeBytes + bytes <= kStackBytesPerScope) {
      scopeBytes += bytes;
      continue;
    }
    OpBuilder b(alloca);
    Value heap = memref::AllocOp::create(b, alloca.getLoc(), type);
    alloca.replaceAllUsesWith(heap);
    alloca.erase();
    Block *block = heap.getParentBlock();
    for (Operation *user : heap.getUsers()) {
      Operation *inBlock = block->findAncestorOpInBlock(*user);
      if (!inBlock || inBlock == block->getTerminator())
        return user->emitOpError("uses a tile buffer outside the block that "
                                 "defines it: the reference lowering carries "
                                 "tiles only through `scf.for`, `scf.while` "
                                 "and `scf.if`");
    }
    auto [it, isNew] = heapBuffers.try_emplace(block);
    if (isNew)
      blocks.push_back(block);
    it->second.push_back(heap);
  }
  for (Block *block : blocks) {
    OpBuilder b(block->getTerminator());
    for (Value heap : llvm::reverse(heapBuffers[block]))
      memref::DeallocOp::create(b, heap.getLoc(), heap);
  }
  return success();
}

/// Moves the small tile buffers among `created` (static, at most
/// kHoistedBufferBytes) out of the loops and branches around them to the
/// start of their function or parallel body, within kHoistedBytesPerScope
/// per body. A buffer holds a value within one iteration only (tiles carried
/// from one to the next have buffers outside the loop already), so one
/// allocation serves every iteration. In the entry block of a function,
/// LLVM's SROA can then keep a buffer in registers (a one-element tile of a
/// reduction) and the loop needs no stack save and restore per iteration:
/// in a memory-bound matrix-vector product those had cost about a quarter
/// of the speed (docs/Performance.md). A parallel body (an instance of a
/// grid, which may run on several threads) keeps its own buffers.
void hoistSmallBuffers(ArrayRef<memref::AllocaOp> created) {
  DenseMap<Block *, int64_t> hoisted;
  // The last buffer moved to each entry block: the next goes after it, so
  // that they keep their order.
  DenseMap<Block *, Operation *> last;
  for (memref::AllocaOp alloca : created) {
    MemRefType type = alloca.getType();
    if (!type.hasStaticShape())
      continue;
    int64_t bytes = bufferBytes(type);
    Operation *scope = alloca->getParentOp();
    while (scope && !isa<scf::ParallelOp, FunctionOpInterface>(scope))
      scope = scope->getParentOp();
    if (!scope || bytes > kHoistedBufferBytes)
      continue;
    Block *entry = &scope->getRegion(0).front();
    if (alloca->getBlock() == entry)
      continue;
    int64_t &total = hoisted[entry];
    if (total + bytes > kHoistedBytesPerScope)
      continue;
    total += bytes;
    if (Operation *prev = last.lookup(entry))
      alloca->moveAfter(prev);
    else
      alloca->moveBefore(entry, entry->begin());
    last[entry] = alloca;
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

/// Gives the buffers of the converted module their places and lifetimes;
/// `existing` are the allocas the module had before conversion.
LogicalResult scopeBuffers(ModuleOp module,
                           const DenseSet<Operation *> &existing) {
  // Inner loops first, so that their buffers are released by their own
  // scope before the outer one wraps them.
  module.walk([](scf::ForOp loop) { uncarryLoopBuffers(loop); });
  module.walk([](scf::WhileOp loop) { uncarryWhileBuffers(loop); });
  module.walk([](scf::IfOp ifOp) { uncarryIfBuffers(ifOp); });
  SmallVector<memref::AllocaOp> created;
  module.walk<WalkOrder::PreOrder>([&](memref::AllocaOp alloca) {
    if (!existing.contains(alloca))
      created.push_back(alloca);
  });
  hoistSmallBuffers(created);
  if (failed(placeBuffers(created)))
    return failure();
  module.walk([](scf::ForOp loop) { releaseStackPerIteration(*loop.getBody()); });
  module.walk([](scf::WhileOp loop) {
    releaseStackPerIteration(loop.getBefore().front());
    releaseStackPerIteration(loop.getAfter().front());
  });
  module.walk([](scf::ParallelOp p) { releaseStackPerIteration(*p.getBody()); });
  return success();
}

} // namespace

LogicalResult nlc::cpu::lowerTilesToBuffers(
    ModuleOp module,
    function_ref<void(TypeConverter &, RewritePatternSet &)> extra,
    bool markElementLoops) {
  MLIRContext *ctx = module.getContext();
  if (failed(checkInput(module)))
    return failure();
  DenseSet<Operation *> existing;
  module.walk([&](memref::AllocaOp a) { existing.insert(a); });

  TypeConverter converter;
  converter.addConversion([](Type t) { return t; });
  converter.addConversion(
      [](tl::TileType t) -> Type { return bufferType(t); });

  ConversionTarget target(*ctx);
  target.addIllegalDialect<tl::TileDialect>();
  // Goes with its tile.fused, whose lowering clones the body it ends.
  target.addLegalOp<tl::YieldOp>();
  target.addLegalDialect<arith::ArithDialect, math::MathDialect,
                         memref::MemRefDialect>();
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

  RewritePatternSet patterns(ctx);
  patterns
      .add<ElementwiseLowering, FusedLowering, IotaLowering, LoadLowering,
           StoreLowering, ReduceLowering, BroadcastLowering, TransposeLowering,
           PairRowsLowering, UnpairRowsLowering, ReshapeLowering, DotLowering>(
          converter, ctx);
  if (extra)
    extra(converter, patterns);
  scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                       target);
  if (failed(applyPartialConversion(module, target, std::move(patterns))))
    return failure();
  if (!markElementLoops)
    module.walk(
        [](scf::ForOp loop) { loop->removeAttr(nlc::cpu::kElementLoopsAttr); });
  return scopeBuffers(module, existing);
}

namespace {

struct ConvertTileToSCFPass
    : public nlc::cpu::impl::ConvertTileToSCFBase<ConvertTileToSCFPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(nlc::cpu::lowerTilesToBuffers(getOperation(), {},
                                             markElementLoops)))
      signalPassFailure();
  }
};

} // namespace
