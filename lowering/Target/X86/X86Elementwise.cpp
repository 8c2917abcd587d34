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

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace nlc::x86;
namespace tl = nlc::tile;

namespace {

constexpr StringLiteral kResultInOperand = "nlc.x86_result_in_operand";

Type elementTypeOf(Type t) {
  if (auto tile = dyn_cast<tl::TileType>(t))
    return tile.getElementType();
  return t;
}

/// Replaces `op` (whose result is a tile of `type`) by vector code whose
/// element is `build` of one element per input: a tile of `type`'s shape
/// at the same position (axis -1), a rank-1 tile at the column (axis 0) or
/// row (axis 1), or a scalar. `computeTypes` are the types the computation
/// works in, which size the vectors. Fails where the target has no vectors
/// for them.
LogicalResult replaceWithVectors(
    ConversionPatternRewriter &rewriter, Operation *op, tl::TileType type,
    ValueRange originals, ValueRange converted, ArrayRef<int64_t> axes,
    SmallVector<Type> computeTypes, const VectorTarget &target,
    function_ref<Value(OpBuilder &, Location, ValueRange)> build) {
  Location loc = op->getLoc();
  // 16-bit floats compute in f32 lanes (LLVM widens their arithmetic and
  // the math approximations work in f32): size the vector for f32.
  for (Type &t : computeTypes)
    if (isa<FloatType>(t) && t.getIntOrFloatBitWidth() < 32)
      t = rewriter.getF32Type();
  int64_t lanes = lanesFor(target, computeTypes);
  if (!lanes)
    return rewriter.notifyMatchFailure(op, "no vector form for these types");
  auto vectorOf = [&](Type elem) { return VectorType::get({lanes}, elem); };
  // The row sum of the result this loop computes too (planFusedSums).
  tl::ReduceOp fusedSum;
  if (target.fusedSums)
    fusedSum = dyn_cast_if_present<tl::ReduceOp>(
        target.fusedSums->byProducer.lookup(op));
  // Rows only matter when some input is broadcast or the rows are summed;
  // otherwise the buffers are one run of elements.
  bool byRows =
      fusedSum || llvm::any_of(axes, [](int64_t a) { return a != -1; });
  // Scalar operands are the same in every lane: splat them once.
  SmallVector<Value, 4> bufs, splats;
  for (auto [original, conv, axis] :
       llvm::zip_equal(originals, converted, axes)) {
    bool isTile = isa<tl::TileType>(original.getType());
    bufs.push_back(!isTile ? Value()
                   : byRows || axis != -1 ? conv
                                          : flatten(rewriter, loc, conv));
    splats.push_back(isTile ? Value()
                            : vector::BroadcastOp::create(
                                  rewriter, loc, vectorOf(conv.getType()), conv)
                                  .getResult());
  }
  // The tile a loop carries, updated in place (markInPlaceResults): the
  // result goes into the operand's buffer, which the loop then carries
  // without a copy.
  Value out;
  if (auto operand = op->getAttrOfType<IntegerAttr>(kResultInOperand))
    out = converted[operand.getInt()];
  auto outType = out ? dyn_cast<MemRefType>(out.getType()) : MemRefType();
  if (!outType || outType.getShape() != type.getShape() ||
      outType.getElementType() != type.getElementType() ||
      !outType.getLayout().isIdentity())
    out = nlc::cpu::allocTileBuffer(rewriter, loc, type);
  VectorType resultType = vectorOf(type.getElementType());
  bool typesAgree = true;
  int64_t n = type.getNumElements();
  // The next instance's prefetches this loop hosts (planSpreadPrefetches).
  PrefetchAt prefetchAt = prepareSpreadPrefetches(
      rewriter, loc, op, target, n, type.getShape().back(), lanes);
  Value sums = fusedSum
                   ? nlc::cpu::allocTileBuffer(
                         rewriter, loc, cast<tl::TileType>(fusedSum.getType()))
                   : Value();
  // One run of `n` elements: `row` is null for a flat run.
  auto run = [&](OpBuilder &rb, Location rl, Value row, Value dst, int64_t n) {
    // Inputs broadcast along axis 1 are one element per row.
    SmallVector<Value, 4> rowSplats(splats);
    for (auto [i, axis] : llvm::enumerate(axes))
      if (axis == 1)
        rowSplats[i] = vector::BroadcastOp::create(
            rb, rl,
            vectorOf(cast<MemRefType>(bufs[i].getType()).getElementType()),
            memref::LoadOp::create(rb, rl, bufs[i], ValueRange{row}));
    // The result's vector at `pos`, stored (lanes outside `mask`, if any,
    // computed on zeros and not stored).
    auto vectorAt = [&](OpBuilder &b, Location l, Value pos,
                        Value mask) -> Value {
      if (prefetchAt)
        prefetchAt(b, l, row, pos);
      SmallVector<Value, 4> args;
      for (auto [buf, sp, axis] : llvm::zip_equal(bufs, rowSplats, axes)) {
        if (sp) {
          args.push_back(sp);
          continue;
        }
        auto vt = vectorOf(cast<MemRefType>(buf.getType()).getElementType());
        SmallVector<Value, 2> at{pos};
        if (row && axis == -1)
          at.insert(at.begin(), row);
        args.push_back(loadVector(b, l, vt, buf, at, mask));
      }
      Value r = build(b, l, args);
      typesAgree &= r.getType() == resultType;
      SmallVector<Value, 2> at{pos};
      if (row)
        at.insert(at.begin(), row);
      storeVector(b, l, r, dst, at, mask);
      return r;
    };
    if (!fusedSum) {
      forEachVector(rb, rl, n, lanes,
                    [&](OpBuilder &b, Location l, Value pos, Value mask) {
                      vectorAt(b, l, pos, mask);
                    });
      return;
    }
    // The row's vectors added up in one accumulator (the masked-off lanes
    // of the last as zeros), its lanes then pairwise: a sum in another
    // order than the reference's, within the bound of X86Reduce.cpp's
    // file comment (A = 1).
    Value zero = arith::ConstantOp::create(rb, rl, rb.getZeroAttr(resultType));
    Value acc =
        foldVectors(rb, rl, n, lanes, zero,
                    [&](OpBuilder &b, Location l, Value pos, Value mask,
                        ValueRange carried) -> SmallVector<Value> {
                      Value r = vectorAt(b, l, pos, mask);
                      if (mask)
                        r = arith::SelectOp::create(b, l, mask, r, zero);
                      return {arith::AddFOp::create(b, l, carried[0], r)};
                    })
            .front();
    Value total = vector::ReductionOp::create(
        rb, rl, vector::CombiningKind::ADD, acc, arith::FastMathFlags::reassoc);
    memref::StoreOp::create(rb, rl, total, sums, ValueRange{row});
  };
  if (!byRows) {
    run(rewriter, loc, Value(), flatten(rewriter, loc, out), n);
  } else {
    int64_t m = type.getShape()[0];
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };
    scf::ForOp::create(rewriter, loc, idx(0), idx(m), idx(1), ValueRange{},
                       [&](OpBuilder &b, Location l, Value row, ValueRange) {
                         run(b, l, row, out, n / m);
                         scf::YieldOp::create(b, l);
                       });
  }
  // The computation is elementwise arith/math by contract; a result of
  // another type would mean an op broke it.
  if (!typesAgree)
    return op->emitOpError("scalar code is not elementwise on vectors");
  if (fusedSum)
    target.fusedSums->results[fusedSum] = sums;
  rewriter.replaceOp(op, out);
  return success();
}

/// A reduction or a store computes `op` itself (lineProducer,
/// storedProducer): nothing to write, only a buffer to stand for the result
/// until its user is rewritten (then unused). Fails for any other op.
LogicalResult leaveToConsumer(ConversionPatternRewriter &rewriter,
                              Operation *op, tl::TileType type,
                              const VectorTarget &target) {
  if (!op->hasOneUse())
    return failure();
  Operation *user = *op->getUsers().begin();
  auto reduce = dyn_cast<tl::ReduceOp>(user);
  auto store = dyn_cast<tl::StoreOp>(user);
  if (!(reduce && lineProducer(reduce, target) == op) &&
      !(store && storedProducer(store, target) == op))
    return failure();
  rewriter.replaceOp(op,
                     nlc::cpu::allocTileBuffer(rewriter, op->getLoc(), type));
  return success();
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
    if (succeeded(leaveToConsumer(rewriter, op, type, target)))
      return success();
    SmallVector<Type> types;
    for (Type t : op->getOperandTypes())
      types.push_back(elementTypeOf(t));
    types.push_back(type.getElementType());
    if (llvm::any_of(types, [](Type t) { return t.isF64(); }) &&
        isa<tl::ExpOp, tl::LogOp, tl::TanhOp, tl::ErfOp>(op))
      return rewriter.notifyMatchFailure(op, "f64 math stays on libm");
    SmallVector<int64_t> axes(op->getNumOperands(), -1);
    return replaceWithVectors(
        rewriter, op, type, op->getOperands(), operands, axes, types, target,
        [&](OpBuilder &b, Location l, ValueRange args) {
          return op.buildScalar(b, l, args);
        });
  }

  VectorTarget target;
};

/// `tile.fused`: its body on vectors, in one pass over the result.
struct FusedToVectors : VectorPattern<tl::FusedOp> {
  using VectorPattern::VectorPattern;

  LogicalResult
  matchAndRewrite(tl::FusedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType type = op.getType();
    if (succeeded(leaveToConsumer(rewriter, op, type, target)))
      return success();
    // i1 tiles are byte buffers without a vector form; inside the body,
    // i1 values are plain vector masks.
    auto isBool = [](Type t) { return t.isInteger(1); };
    if (isBool(type.getElementType()) ||
        llvm::any_of(op.getInputs().getTypes(),
                     [&](Type t) { return isBool(elementTypeOf(t)); }))
      return rewriter.notifyMatchFailure(op, "i1 tile in or out");
    Block &body = op.getBody().front();
    SmallVector<Type> types(body.getArgumentTypes());
    bool f64 = llvm::any_of(types, [](Type t) { return t.isF64(); });
    for (Operation &inner : body.without_terminator()) {
      for (Type t : inner.getResultTypes())
        if (!isBool(t))
          types.push_back(t);
      f64 |= llvm::any_of(inner.getResultTypes(),
                          [](Type t) { return t.isF64(); });
      if (f64 && isa<math::ExpOp, math::LogOp, math::TanhOp, math::ErfOp>(inner))
        return rewriter.notifyMatchFailure(op, "f64 math stays on libm");
    }
    return replaceWithVectors(
        rewriter, op, type, op.getInputs(), adaptor.getInputs(),
        op.getBroadcast(), types, target,
        [&](OpBuilder &b, Location l, ValueRange args) {
          return op.buildElement(b, l, args);
        });
  }
};

/// `tile.broadcast`: an element of its source repeated along a new axis,
/// the shared vector code with one broadcast input.
struct BroadcastToVectors : VectorPattern<tl::BroadcastOp> {
  using VectorPattern::VectorPattern;

  LogicalResult
  matchAndRewrite(tl::BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType type = op.getType();
    return replaceWithVectors(
        rewriter, op, type, op->getOperands(), adaptor.getOperands(),
        {static_cast<int64_t>(op.getAxis())}, {type.getElementType()}, target,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  }
};

/// The L x L matrix whose rows are `rows` (L vectors of L lanes),
/// transposed: log2(L) levels of two-source shuffles; at the level of block
/// size b, rows i and i + b (i with bit b clear) trade their off-diagonal
/// b x b blocks, so that after b = L / 2, ..., 1 row c holds column c.
SmallVector<Value> transposeSquare(OpBuilder &b, Location loc,
                                   SmallVector<Value> rows) {
  int64_t lanes = static_cast<int64_t>(rows.size());
  for (int64_t block = lanes / 2; block >= 1; block /= 2) {
    SmallVector<int64_t> lo, hi;
    for (int64_t j = 0; j < lanes; ++j) {
      bool second = j & block;
      lo.push_back(second ? lanes + j - block : j);
      hi.push_back(second ? lanes + j : j + block);
    }
    for (int64_t i = 0; i < lanes; ++i) {
      if (i & block)
        continue;
      Value a = rows[i], c = rows[i + block];
      rows[i] = vector::ShuffleOp::create(b, loc, a, c, lo);
      rows[i + block] = vector::ShuffleOp::create(b, loc, a, c, hi);
    }
  }
  return rows;
}

/// `tile.transpose` of a tile of 32- or 16-bit elements whose sides are
/// whole multiples of L, the f32 lanes: L x L blocks, each read as L row
/// vectors (of L 16-bit elements: half a register), transposed in
/// registers (transposeSquare) and written as L rows of the result. The
/// reference copies element by element, which LLVM turns into a gather per
/// vector (`dot(q, transpose(k))` of an attention kernel spent 40% of its
/// time there). Moves data only: bit-identical. (i8 tiles keep the
/// reference, or the `dot`'s own reading of a transpose in quads.)
struct TransposeToVectors : VectorPattern<tl::TransposeOp> {
  using VectorPattern::VectorPattern;

  LogicalResult
  matchAndRewrite(tl::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType src = op.getSource().getType();
    Type elem = src.getElementType();
    int64_t lanes = target.f32Lanes;
    if (src.getRank() != 2 || !elem.isIntOrFloat() ||
        (elem.getIntOrFloatBitWidth() != 32 &&
         elem.getIntOrFloatBitWidth() != 16))
      return rewriter.notifyMatchFailure(op, "not 32- or 16-bit elements");
    int64_t rows = src.getShape()[0], cols = src.getShape()[1];
    if (rows % lanes || cols % lanes)
      return rewriter.notifyMatchFailure(op, "sides not whole vectors");
    Location loc = op.getLoc();
    Value in = adaptor.getSource();
    auto inType = dyn_cast<MemRefType>(in.getType());
    int64_t offset;
    SmallVector<int64_t> strides;
    if (!inType || failed(inType.getStridesAndOffset(strides, offset)) ||
        strides.back() != 1)
      return rewriter.notifyMatchFailure(op, "rows not contiguous");
    Value out = nlc::cpu::allocTileBuffer(rewriter, loc, op.getType());
    auto vt = VectorType::get({lanes}, elem);
    auto blocks = [&](OpBuilder &b, Location l, int64_t n, auto body) {
      scf::ForOp::create(b, l, index(b, l, 0), index(b, l, n),
                         index(b, l, lanes), ValueRange{},
                         [&](OpBuilder &lb, Location ll, Value i, ValueRange) {
                           body(lb, ll, i);
                           scf::YieldOp::create(lb, ll);
                         });
    };
    blocks(rewriter, loc, rows, [&](OpBuilder &b, Location l, Value r0) {
      blocks(b, l, cols, [&](OpBuilder &cb, Location cl, Value c0) {
        SmallVector<Value> v;
        for (int64_t r = 0; r < lanes; ++r)
          v.push_back(vector::LoadOp::create(
              cb, cl, vt, in, ValueRange{plus(cb, cl, r0, r), c0}));
        v = transposeSquare(cb, cl, v);
        for (int64_t c = 0; c < lanes; ++c)
          vector::StoreOp::create(cb, cl, v[c], out,
                                  ValueRange{plus(cb, cl, c0, c), r0});
      });
    });
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void nlc::x86::populateX86ElementwisePatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns,
                                              const VectorTarget &target) {
  if (!target.f32Lanes)
    return;
  patterns.add<ElementwiseToVectors, FusedToVectors, BroadcastToVectors,
               TransposeToVectors>(converter, patterns.getContext(), target);
}

void nlc::x86::planFusedSums(ModuleOp module, const VectorTarget &target,
                             FusedSums &plan) {
  int64_t lanes = target.f32Lanes;
  if (!lanes)
    return;
  module.walk([&](tl::ReduceOp reduce) {
    tl::TileType src = reduce.getSource().getType();
    if (reduce.getKind() != tl::ReduceKind::sum || src.getRank() != 2 ||
        reduce.getAxis() != 1 || !src.getElementType().isF32() ||
        src.getShape()[0] >= lanes || src.getShape()[1] < 4 * lanes)
      return;
    Operation *producer = reduce.getSource().getDefiningOp();
    // A producer read only by the sum is computed by the sum itself
    // (lineProducer), never written.
    if (!producer || producer->hasOneUse() ||
        producer->getBlock() != reduce->getBlock() ||
        !(isa<tl::FusedOp>(producer) ||
          (isa<tl::ElementwiseOpInterface>(producer) &&
           !isa<tl::SplatOp>(producer))) ||
        plan.byProducer.count(producer))
      return;
    for (Operation *o = producer->getNextNode(); o != reduce;
         o = o->getNextNode())
      if (isa<tl::ReduceOp>(o))
        return;
    plan.byProducer[producer] = reduce;
  });
}

void nlc::x86::markInPlaceResults(ModuleOp module) {
  module.walk([&](Operation *op) {
    auto fused = dyn_cast<tl::FusedOp>(op);
    if (!(fused || isa<tl::ElementwiseOpInterface>(op)) ||
        op->getNumResults() != 1 || !op->hasOneUse())
      return;
    auto yield = dyn_cast<scf::YieldOp>(*op->user_begin());
    auto loop = yield ? dyn_cast<scf::ForOp>(yield->getParentOp()) : nullptr;
    if (!loop)
      return;
    BlockArgument carried =
        loop.getRegionIterArgs()[op->use_begin()->getOperandNumber()];
    if (carried.getType() != op->getResult(0).getType() ||
        !carried.hasOneUse() || carried.use_begin()->getOwner() != op)
      return;
    unsigned i = carried.use_begin()->getOperandNumber();
    // Read element by element at the result's own position.
    if (fused && fused.getBroadcast()[i] != -1)
      return;
    op->setAttr(kResultInOperand,
                IntegerAttr::get(IntegerType::get(op->getContext(), 32), i));
  });
}

void nlc::x86::divideByScalars(ModuleOp module) {
  SmallVector<arith::DivFOp> divisions;
  module.walk([&](arith::DivFOp op) {
    auto type = dyn_cast<VectorType>(op.getType());
    if (type && type.getRank() == 1 && type.getElementType().isF32())
      divisions.push_back(op);
  });
  for (arith::DivFOp op : divisions) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto type = cast<VectorType>(op.getType());
    // The one value every lane divides by.
    Value s;
    if (auto splat = op.getRhs().getDefiningOp<vector::BroadcastOp>())
      s = splat.getSource().getType().isF32() ? splat.getSource() : Value();
    DenseElementsAttr constant;
    if (matchPattern(op.getRhs(), m_Constant(&constant)) && constant.isSplat())
      s = arith::ConstantOp::create(b, loc,
                                    constant.getSplatValue<FloatAttr>());
    if (!s)
      continue;
    // Whether |v| (f32, or a vector of f32) lies in [low, high), from its
    // bits: (bits & 0x7fffffff) - bits(low) < bits(high) - bits(low),
    // unsigned (NaN, infinities and zero fail).
    auto inRange = [&](Value v, uint32_t low, uint32_t high) -> Value {
      Type ints = b.getI32Type();
      if (auto vector = dyn_cast<VectorType>(v.getType()))
        ints = vector.clone(ints);
      auto constant = [&](uint32_t c) -> Value {
        TypedAttr attr = b.getI32IntegerAttr(c);
        if (auto vector = dyn_cast<VectorType>(ints))
          attr = DenseElementsAttr::get(vector, attr);
        return arith::ConstantOp::create(b, loc, attr);
      };
      Value bits = arith::BitcastOp::create(b, loc, ints, v);
      Value magnitude =
          arith::AndIOp::create(b, loc, bits, constant(0x7fffffffu));
      Value offset = arith::SubIOp::create(b, loc, magnitude, constant(low));
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, offset,
                                   constant(high - low));
    };
    // The dividend in [2^-100, 2^100), the divisor in [2^-24, 2^24): the
    // reciprocal and the quotient (within (2^-124, 2^124)) are normal, and
    // the remainders' lowest bits (about 2^-46 of the dividend) are not
    // under 2^-149, so they are exact. (Softmax's sums, at least 1, and
    // its probabilities down to 2^-100, exp(-69), stay inside.)
    constexpr uint32_t kDividendLow = 0x0d800000, kDividendHigh = 0x71800000;
    constexpr uint32_t kDivisorLow = 0x33800000, kDivisorHigh = 0x4b800000;
    Value x = op.getLhs();
    Value divisor = op.getRhs();
    Value zero = arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::OEQ, x,
        arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(type, b.getF32FloatAttr(0.0))));
    Value laneOk = arith::OrIOp::create(
        b, loc, zero, inRange(x, kDividendLow, kDividendHigh));
    Value sOk = inRange(s, kDivisorLow, kDivisorHigh);
    Value allOk =
        arith::AndIOp::create(b, loc, sOk,
                              vector::ReductionOp::create(
                                  b, loc, vector::CombiningKind::AND, laneOk));
    // Expected: LLVM lays the division's blocks out of the loop's straight
    // path. (A first form of this code, its fast computations before the
    // branch, had LLVM run the division on every vector and select.)
    allOk = LLVM::ExpectOp::create(
        b, loc, allOk, arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
    auto fast = scf::IfOp::create(
        b, loc, allOk,
        [&](OpBuilder &tb, Location l) {
          Value r = vector::BroadcastOp::create(
              tb, l, type,
              arith::DivFOp::create(
                  tb, l,
                  arith::ConstantOp::create(tb, l, tb.getF32FloatAttr(1.0)),
                  s));
          // q0 = x r is within 1.5 ulp of x / s; one correction makes it
          // within one (faithful), the second rounds it correctly
          // (Markstein's theorem: r rounded to nearest, q faithful, the
          // remainder x - q s exact, which the ranges above ensure).
          Value q0 = arith::MulFOp::create(tb, l, x, r);
          auto correct = [&](Value q) -> Value {
            Value rem = math::FmaOp::create(
                tb, l, arith::NegFOp::create(tb, l, q), divisor, x);
            return math::FmaOp::create(tb, l, rem, r, q);
          };
          // x = ±0: q0, the zero of the quotient's sign.
          Value q =
              arith::SelectOp::create(tb, l, zero, q0, correct(correct(q0)));
          scf::YieldOp::create(tb, l, q);
        },
        [&](OpBuilder &eb, Location l) {
          scf::YieldOp::create(
              eb, l, arith::DivFOp::create(eb, l, x, divisor).getResult());
        });
    op.replaceAllUsesWith(fast.getResult(0));
    op.erase();
  }
}
