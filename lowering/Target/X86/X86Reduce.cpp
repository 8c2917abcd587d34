//===- X86Reduce.cpp - tile.reduce in vector lanes ------------------------===//
//
// A rank-2 reduction is many independent lines: the lanes of a vector each
// take one line and combine its elements in the reference's order (element
// 0 first), so every kind (sum, max, min, argmax) gives exactly the
// reference's result. Along axis 0 a lane is a column and a step one vector
// load from a row; along axis 1 a lane is a row and a step one gather of a
// column. Ragged groups of lines use masked loads, gathers and stores.
// Along axis 1 with at least as many rows and columns as lanes (but
// argmax), the rows go L at a time without gathers instead
// (transposedRows): each row's vectors into one accumulator, then the L
// accumulators combined by shuffles; a float sum is then reordered like a
// line's below with A = 1.
//
// A rank-1 reduction is one line, and so is each row of a rank-2 tile
// reduced along axis 1 when it has fewer rows than a vector has lanes. max and min take vectors of it and
// combine the lanes at the end: both are exact in any order (they are a
// total order, -0.0 below +0.0, with NaN absorbing). A float sum in lanes
// adds in another order than the reference: with A accumulator vectors (4,
// or 2 or 1 for lines of fewer than 4 or 2 whole vectors), lane l of
// accumulator a sums elements a L + l, (A + a) L + l, ..., the accumulators
// are added pairwise and the L lanes of the result pairwise too (a tree).
// Both orders obey the usual bound |computed - exact| <= gamma(k) * sum
// |x_i| (gamma(k) = k u / (1 - k u), u the unit roundoff; k = n - 1 for the
// reference, ceil(n / (A L)) + log2(A) + log2(L) here, which is at most
// ceil(n / L) + L - 1), so the two differ by at most gamma(n - 1) +
// gamma(ceil(n/L) + L - 1) times sum |x_i|. A sum of products the line
// computes itself (`sum(w * x)`) adds each product with an FMA, exact
// where the reference rounds it: with x_i the exact products, the
// reference's k becomes n (one rounding more per element), so the bound is
// gamma(n) + gamma(ceil(n/L) + L - 1) times sum |x_i|. Lines of at most 4
// elements are combined lane by lane in the reference's order
// (bit-identical). Integer sums wrap and are exact; argmax of such lines
// stays on the reference.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86VectorCode.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "llvm/ADT/APFloat.h"

#include <functional>

using namespace mlir;
using namespace nlc::x86;
namespace tl = nlc::tile;

namespace {

/// The type sums of `elem` accumulate in: f32 for 16-bit floats.
Type sumType(OpBuilder &b, Type elem) {
  if (isa<FloatType>(elem) && elem.getIntOrFloatBitWidth() < 32)
    return b.getF32Type();
  return elem;
}

Value combine(OpBuilder &b, Location loc, tl::ReduceKind kind, Value acc,
              Value x) {
  bool isFloat = isa<FloatType>(getElementTypeOrSelf(x));
  switch (kind) {
  case tl::ReduceKind::sum:
    return isFloat ? arith::AddFOp::create(b, loc, acc, x).getResult()
                   : arith::AddIOp::create(b, loc, acc, x).getResult();
  case tl::ReduceKind::max:
    return isFloat ? arith::MaximumFOp::create(b, loc, acc, x).getResult()
                   : arith::MaxSIOp::create(b, loc, acc, x).getResult();
  case tl::ReduceKind::min:
    return isFloat ? arith::MinimumFOp::create(b, loc, acc, x).getResult()
                   : arith::MinSIOp::create(b, loc, acc, x).getResult();
  case tl::ReduceKind::argmax:
    break;
  }
  llvm_unreachable("argmax is not a combination of two values");
}

/// `acc` combined with `x` under `kind`, where a float sum whose `x` is a
/// multiplication built for it alone (a producer's `w * x`) is one FMA: the
/// product is then exact where the reference rounds it first (the bound in
/// the file comment counts it).
Value accumulate(OpBuilder &b, Location loc, tl::ReduceKind kind, Value acc,
                 Value x) {
  auto mul = x.getDefiningOp<arith::MulFOp>();
  if (kind == tl::ReduceKind::sum && mul && x.use_empty())
    return vector::FMAOp::create(b, loc, mul.getLhs(), mul.getRhs(), acc);
  return combine(b, loc, kind, acc, x);
}

/// Reduces one line per lane, `n` steps long, in the reference's order;
/// `read(i)` loads step `i` of every lane as a vector of the element type.
Value reduceLanes(OpBuilder &b, Location loc, tl::ReduceKind kind, int64_t n,
                  VectorType vt,
                  function_ref<Value(OpBuilder &, Location, Value)> read) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Type elem = vt.getElementType();
  if (kind == tl::ReduceKind::sum) {
    auto accType = vt.clone(sumType(b, elem));
    auto loop = scf::ForOp::create(
        b, loc, idx(0), idx(n), idx(1),
        ValueRange{arith::ConstantOp::create(b, loc, b.getZeroAttr(accType))},
        [&](OpBuilder &lb, Location l, Value i, ValueRange acc) {
          Value x = read(lb, l, i);
          if (accType != vt)
            x = arith::ExtFOp::create(lb, l, accType, x);
          scf::YieldOp::create(lb, l, combine(lb, l, kind, acc[0], x));
        });
    Value sum = loop.getResult(0);
    return accType == vt ? sum
                         : arith::TruncFOp::create(b, loc, vt, sum).getResult();
  }
  Value first = read(b, loc, idx(0));
  if (kind != tl::ReduceKind::argmax) {
    auto loop = scf::ForOp::create(
        b, loc, idx(1), idx(n), idx(1), ValueRange{first},
        [&](OpBuilder &lb, Location l, Value i, ValueRange acc) {
          Value x = read(lb, l, i);
          scf::YieldOp::create(lb, l, combine(lb, l, kind, acc[0], x));
        });
    return loop.getResult(0);
  }
  auto idxType = vt.clone(b.getI32Type());
  auto loop = scf::ForOp::create(
      b, loc, idx(1), idx(n), idx(1),
      ValueRange{first,
                 arith::ConstantOp::create(b, loc, b.getZeroAttr(idxType))},
      [&](OpBuilder &lb, Location l, Value i, ValueRange st) {
        Value x = read(lb, l, i);
        Value better = nlc::cpu::argmaxBetter(lb, l, x, st[0]);
        Value best = arith::SelectOp::create(lb, l, better, x, st[0]);
        Value pos = vector::BroadcastOp::create(
            lb, l, idxType,
            arith::IndexCastOp::create(lb, l, lb.getI32Type(), i));
        Value at = arith::SelectOp::create(lb, l, better, pos, st[1]);
        scf::YieldOp::create(lb, l, ValueRange{best, at});
      });
  return loop.getResult(1);
}

/// Reads the vector of a line at `pos`, lanes outside `mask` (if any) set
/// to `pad`.
using LineReader = std::function<Value(OpBuilder &, Location, Value pos,
                                       Value mask, Value pad)>;

/// The element that leaves any other unchanged under `kind`.
TypedAttr neutral(OpBuilder &b, tl::ReduceKind kind, Type elem) {
  if (kind == tl::ReduceKind::sum)
    return cast<TypedAttr>(b.getZeroAttr(elem));
  bool isMax = kind == tl::ReduceKind::max;
  if (auto ft = dyn_cast<FloatType>(elem))
    return b.getFloatAttr(
        ft, APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/isMax));
  unsigned w = elem.getIntOrFloatBitWidth();
  return b.getIntegerAttr(elem, isMax ? APInt::getSignedMinValue(w)
                                      : APInt::getSignedMaxValue(w));
}

vector::CombiningKind horizontalKind(tl::ReduceKind kind, bool isFloat) {
  switch (kind) {
  case tl::ReduceKind::sum:
    return vector::CombiningKind::ADD;
  case tl::ReduceKind::max:
    return isFloat ? vector::CombiningKind::MAXIMUMF
                   : vector::CombiningKind::MAXSI;
  case tl::ReduceKind::min:
    return isFloat ? vector::CombiningKind::MINIMUMF
                   : vector::CombiningKind::MINSI;
  case tl::ReduceKind::argmax:
    break;
  }
  llvm_unreachable("argmax has no horizontal combination");
}

/// Lines of at most this many elements are combined lane by lane
/// (reduceLines).
constexpr int64_t kScalarLine = 4;

/// At most this many reductions share one pass over their lines (each has
/// up to 4 accumulator vectors; AVX2 has 16 registers).
constexpr size_t kMaxLinesPerPass = 3;

/// The later reductions in `op`'s block that reduce lines of the same
/// shape (the same source type and axis; sum, max or min) and whose lines
/// are computed before `op` (their source, or the inputs of the producer
/// they take in: lineProducer): `op`'s lowering computes them in its pass
/// (layernorm's sum(t) and sum(t * t)). Tiles are values, so reading their
/// lines earlier changes nothing.
SmallVector<tl::ReduceOp> lineSiblings(tl::ReduceOp op,
                                       const VectorTarget &target) {
  auto before = [&](Value v) {
    Operation *d = v.getDefiningOp();
    if (!d)
      return cast<BlockArgument>(v).getOwner()->findAncestorOpInBlock(*op) !=
             nullptr;
    Operation *anc = d->getBlock()->findAncestorOpInBlock(*op);
    return anc && d != anc && d->isBeforeInBlock(anc);
  };
  SmallVector<tl::ReduceOp> siblings;
  for (Operation *o = op->getNextNode();
       o && siblings.size() + 1 < kMaxLinesPerPass; o = o->getNextNode()) {
    auto r = dyn_cast<tl::ReduceOp>(o);
    if (!r || r.getSource().getType() != op.getSource().getType() ||
        r.getAxis() != op.getAxis() || r.getKind() == tl::ReduceKind::argmax)
      continue;
    Operation *producer = lineProducer(r, target);
    if (producer ? llvm::all_of(producer->getOperands(), before)
                 : before(r.getSource()))
      siblings.push_back(r);
  }
  return siblings;
}

/// From L vectors of L lanes, the vector whose lane r combines (`kind`)
/// the lanes of vector r. Level by level, vectors r and r + half are
/// paired; each holds its rows in segments of S lanes (S = L at the
/// start), and the pair becomes one vector with segments of S / 2: for
/// each segment, the sum of its two halves from the first vector, then
/// the same from the second. Pairing r with r + half keeps the rows in
/// order: after the last level, lane r is row r.
Value transposeCombine(OpBuilder &b, Location loc, tl::ReduceKind kind,
                       SmallVector<Value> v) {
  int64_t lanes = cast<VectorType>(v[0].getType()).getNumElements();
  for (int64_t seg = lanes; seg > 1; seg /= 2) {
    SmallVector<int64_t> lo, hi;
    for (int64_t s = 0; s < lanes; s += seg)
      for (int64_t from : {int64_t(0), lanes}) {
        for (int64_t i = 0; i < seg / 2; ++i) {
          lo.push_back(from + s + i);
          hi.push_back(from + s + seg / 2 + i);
        }
      }
    int64_t half = v.size() / 2;
    SmallVector<Value> next;
    for (int64_t r = 0; r < half; ++r) {
      Value a = vector::ShuffleOp::create(b, loc, v[r], v[r + half], lo);
      Value c = vector::ShuffleOp::create(b, loc, v[r], v[r + half], hi);
      next.push_back(combine(b, loc, kind, a, c));
    }
    v = next;
  }
  return v[0];
}

struct ReduceToVectors : VectorPattern<tl::ReduceOp> {
  using VectorPattern::VectorPattern;

  LogicalResult
  matchAndRewrite(tl::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Computed already by the loop that computed the source (planFusedSums).
    if (target.fusedSums)
      if (Value sums = target.fusedSums->results.lookup(op)) {
        rewriter.replaceOp(op, sums);
        return success();
      }
    tl::TileType src = op.getSource().getType();
    Type elem = src.getElementType();
    tl::ReduceKind kind = op.getKind();
    SmallVector<Type> types{elem, sumType(rewriter, elem)};
    if (kind == tl::ReduceKind::argmax)
      types.push_back(rewriter.getI32Type());
    int64_t lanes = lanesFor(target, types);
    if (!lanes)
      return rewriter.notifyMatchFailure(op, "no vector form for this type");
    auto vt = VectorType::get({lanes}, elem);
    Location loc = op.getLoc();
    if (src.getRank() == 1 && kind == tl::ReduceKind::argmax)
      return rewriter.notifyMatchFailure(op, "rank-1 argmax: reference");
    int64_t m = src.getRank() == 1 ? 1 : src.getShape()[0];
    int64_t n = src.getShape().back();
    bool alongRows = src.getRank() == 2 && op.getAxis() == 1;
    if (src.getRank() == 1 ||
        (alongRows && m < lanes && kind != tl::ReduceKind::argmax)) {
      // One line, or fewer rows than lanes (a softmax's Tile<1, N>):
      // gathers would leave most lanes idle; each row is reduced as a line
      // instead (max and min exact in any order, sums reordered within the
      // bound above), together with the later reductions of the same lines
      // (lineSiblings).
      SmallVector<tl::ReduceOp> group{op};
      llvm::append_range(group, lineSiblings(op, target));
      SmallVector<tl::ReduceKind> kinds;
      SmallVector<Value> outs;
      for (tl::ReduceOp r : group) {
        kinds.push_back(r.getKind());
        if (src.getRank() == 2)
          outs.push_back(nlc::cpu::allocTileBuffer(
              rewriter, loc, cast<tl::TileType>(r.getType())));
      }
      for (int64_t row = 0; row < m; ++row) {
        SmallVector<LineReader> reads;
        // A producer's tile (defined later for a sibling) is not read.
        for (tl::ReduceOp r : group)
          reads.push_back(lineReader(
              rewriter, r,
              lineProducer(r, target) ? Value()
                                      : rewriter.getRemappedValue(r.getSource()),
              src.getRank() == 2 ? row : -1, vt));
        SmallVector<Value> v = reduceLinesChecked(rewriter, loc, kinds, n, vt,
                                                  reads);
        if (src.getRank() == 1) {
          outs = v;
          break;
        }
        for (auto [out, value] : llvm::zip(outs, v))
          memref::StoreOp::create(
              rewriter, loc, value, out,
              ValueRange{arith::ConstantIndexOp::create(rewriter, loc, row)});
      }
      for (auto [r, out] : llvm::zip(group, outs))
        rewriter.replaceOp(r, out);
      return success();
    }
    if (alongRows && n >= lanes && kind != tl::ReduceKind::argmax)
      return transposedRows(rewriter, op, m, n, vt);
    Value buf = adaptor.getSource();
    if (alongRows && (lanes - 1) * n > INT32_MAX)
      return rewriter.notifyMatchFailure(op, "rows too long for i32 offsets");
    auto resultType = cast<tl::TileType>(op.getType());
    Value out = nlc::cpu::allocTileBuffer(rewriter, loc, resultType);
    Value flat = flatten(rewriter, loc, buf);
    // Along axis 1, lane l of a group from row r0 reads row r0 + l: offsets
    // of whole rows from the group's first element.
    Value rowOffsets;
    if (alongRows) {
      SmallVector<int32_t> offs;
      for (int64_t l = 0; l < lanes; ++l)
        offs.push_back(static_cast<int32_t>(l * n));
      rowOffsets = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(
              VectorType::get({lanes}, rewriter.getI32Type()),
              ArrayRef<int32_t>(offs)));
    }
    forEachVector(
        rewriter, loc, alongRows ? m : n, lanes,
        [&](OpBuilder &b, Location l, Value first, Value mask) {
          Value zero = arith::ConstantOp::create(b, l, b.getZeroAttr(vt));
          // Masked-off lanes reduce zeros and are never stored.
          Value fullMask = mask ? mask : prefixMask(b, l, lanes, lanes);
          Value start;
          if (alongRows)
            start = arith::MulIOp::create(
                b, l, first, arith::ConstantIndexOp::create(b, l, n));
          Value r = reduceLanes(
              b, l, kind, alongRows ? n : m, vt,
              [&](OpBuilder &rb, Location rl, Value i) -> Value {
                if (!alongRows)
                  return loadVector(rb, rl, vt, buf, ValueRange{i, first},
                                    mask, zero);
                Value at = arith::AddIOp::create(rb, rl, start, i);
                return vector::GatherOp::create(rb, rl, vt, flat,
                                                ValueRange{at}, rowOffsets,
                                                fullMask, zero);
              });
          storeVector(b, l, r, out, ValueRange{first}, mask);
        });
    rewriter.replaceOp(op, out);
    return success();
  }

private:
  /// The rows of an `m x n` tile (m and n at least the lanes L) reduced
  /// along axis 1, L rows at a time: one accumulator vector per row, lane l
  /// taking the row's elements l, L + l, ... in order (the ragged end
  /// masked in as the neutral element, a sum of products with FMAs as in
  /// reduceLines), then the L vectors combined into one whose lane r is row
  /// r's result (transposeCombine): log2(L) levels of two shuffles and one
  /// combination per pair. No gathers, and each row is read in whole
  /// vectors; a producer the reduction takes in (lineProducer) is computed
  /// row by row, never written. Rows past m in the last group read row
  /// m - 1 and are not stored. A float sum is reordered like a line's (the
  /// bound in the file comment, with A = 1); max and min are exact.
  LogicalResult transposedRows(ConversionPatternRewriter &rewriter,
                               tl::ReduceOp op, int64_t m, int64_t n,
                               VectorType vt) const {
    Location loc = op.getLoc();
    tl::ReduceKind kind = op.getKind();
    Type elem = vt.getElementType();
    int64_t lanes = vt.getNumElements();
    auto accType = vt.clone(kind == tl::ReduceKind::sum ? sumType(rewriter, elem)
                                                        : elem);
    Value out = nlc::cpu::allocTileBuffer(rewriter, loc,
                                          cast<tl::TileType>(op.getType()));
    Operation *producer = lineProducer(op, target);
    SmallVector<Value> inputs;
    Value buf;
    if (producer)
      for (Value in : producer->getOperands())
        inputs.push_back(rewriter.getRemappedValue(in));
    else
      buf = rewriter.getRemappedValue(op.getSource());
    Value pad = splatConstant(rewriter, loc, vt, neutral(rewriter, kind, elem));
    Value init = splatConstant(rewriter, loc, accType,
                               neutral(rewriter, kind, accType.getElementType()));
    // The vector of row `row` at column `pos`, lanes outside `mask` `pad`;
    // for a sum, the next accumulator from `acc`.
    auto step = [&](OpBuilder &b, Location l, Value row, Value pos, Value mask,
                    Value acc) -> Value {
      Value x;
      if (producer) {
        x = producerVector(b, l, producer, inputs, row, pos, mask, vt);
        if (mask)
          x = arith::SelectOp::create(b, l, mask, x, pad);
      } else {
        x = loadVector(b, l, vt, buf, ValueRange{row, pos}, mask, pad);
      }
      if (accType != vt)
        x = arith::ExtFOp::create(b, l, accType, x);
      return accumulate(b, l, kind, acc, x);
    };
    int64_t whole = n - n % lanes;
    forEachVector(
        rewriter, loc, m, lanes,
        [&](OpBuilder &b, Location l, Value first, Value mask) {
          SmallVector<Value> rows;
          for (int64_t r = 0; r < lanes; ++r) {
            Value row = arith::AddIOp::create(
                b, l, first, arith::ConstantIndexOp::create(b, l, r));
            if (mask)
              row = arith::MinUIOp::create(
                  b, l, row, arith::ConstantIndexOp::create(b, l, m - 1));
            rows.push_back(row);
          }
          SmallVector<Value> acc(lanes, init);
          auto loop = scf::ForOp::create(
              b, l, arith::ConstantIndexOp::create(b, l, 0),
              arith::ConstantIndexOp::create(b, l, whole),
              arith::ConstantIndexOp::create(b, l, lanes), acc,
              [&](OpBuilder &lb, Location ll, Value pos, ValueRange a) {
                SmallVector<Value> next;
                for (int64_t r = 0; r < lanes; ++r)
                  next.push_back(step(lb, ll, rows[r], pos, Value(), a[r]));
                scf::YieldOp::create(lb, ll, next);
              });
          acc.assign(loop.getResults().begin(), loop.getResults().end());
          if (n % lanes) {
            Value tail = prefixMask(b, l, lanes, n % lanes);
            Value at = arith::ConstantIndexOp::create(b, l, whole);
            for (int64_t r = 0; r < lanes; ++r)
              acc[r] = step(b, l, rows[r], at, tail, acc[r]);
          }
          Value v = transposeCombine(b, l, kind, acc);
          if (accType != vt)
            v = arith::TruncFOp::create(b, l, vt, v);
          storeVector(b, l, v, out, ValueRange{first}, mask);
        });
    rewriter.replaceOp(op, out);
    return success();
  }

  /// The reader of line `r` of `op`'s source (row `r` of a rank-2 tile,
  /// the whole rank-1 tile for -1): the source's buffer `buf`, or, for a
  /// producer the reduction takes in (lineProducer), that producer's
  /// scalar code on its inputs' vectors, so that its tile is never written.
  LineReader lineReader(ConversionPatternRewriter &rewriter, tl::ReduceOp op,
                        Value buf, int64_t r, VectorType vt) const {
    Operation *producer = lineProducer(op, target);
    if (!producer) {
      Value line = buf;
      if (r >= 0) {
        int64_t n = op.getSource().getType().getShape()[1];
        auto rowType = MemRefType::get(
            {n}, vt.getElementType(),
            StridedLayoutAttr::get(rewriter.getContext(), r * n, {1}));
        line = memref::SubViewOp::create(
            rewriter, op.getLoc(), rowType, buf,
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(r),
                                   rewriter.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                   rewriter.getIndexAttr(n)},
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                   rewriter.getIndexAttr(1)});
      }
      return [line, vt](OpBuilder &b, Location l, Value pos, Value mask,
                        Value pad) {
        return loadVector(b, l, vt, line, ValueRange{pos}, mask, pad);
      };
    }
    SmallVector<Value> inputs;
    for (Value in : producer->getOperands())
      inputs.push_back(rewriter.getRemappedValue(in));
    return [producer, inputs, r, vt](OpBuilder &b, Location l, Value pos,
                                     Value mask, Value pad) {
      Value row = r >= 0 ? arith::ConstantIndexOp::create(b, l, r).getResult()
                         : Value();
      // Masked-off lanes compute on zeros and are replaced by `pad`.
      Value v = producerVector(b, l, producer, inputs, row, pos, mask, vt);
      return mask ? arith::SelectOp::create(b, l, mask, v, pad).getResult() : v;
    };
  }

  /// sum, max or min of a line of `n` elements, `read(pos, mask, pad)`
  /// giving the vector at `pos` (its lanes outside `mask` set to `pad`):
  /// A = 4 accumulator vectors (2 or 1 when the line has fewer whole
  /// vectors) taking vectors 0, 1, .. A-1, A, ... in turn, so that A
  /// combinations are in flight instead of one chain of dependent ones; the
  /// whole vectors left over and the ragged end (masked in as the neutral
  /// element) go to accumulator 0; then the accumulators are combined
  /// pairwise and their lanes in order. Several reductions of lines of one
  /// length (`kinds[i]` of `reads[i]`) share the one loop, each with its
  /// own accumulators and in the same order as alone.
  ///
  /// With `fast`, a float max or min combines with one compare-and-select
  /// (`vmaxps`: NaN and the sign of a zero not handled) and adds the line's
  /// elements into A more accumulators, whose sum is NaN where an element
  /// is (see reduceLinesChecked); `checks` gets those sums.
  static SmallVector<Value> reduceLines(OpBuilder &b, Location loc,
                                        ArrayRef<tl::ReduceKind> kinds,
                                        int64_t n, VectorType vt,
                                        ArrayRef<LineReader> reads,
                                        bool fast = false,
                                        SmallVectorImpl<Value> *checks =
                                            nullptr) {
    Type elem = vt.getElementType();
    size_t count = kinds.size();
    SmallVector<VectorType> accTypes;
    SmallVector<Value> pads, inits;
    for (tl::ReduceKind kind : kinds) {
      auto accType = vt.clone(kind == tl::ReduceKind::sum ? sumType(b, elem)
                                                          : elem);
      accTypes.push_back(accType);
      pads.push_back(splatConstant(b, loc, vt, neutral(b, kind, elem)));
      inits.push_back(splatConstant(
          b, loc, accType, neutral(b, kind, accType.getElementType())));
    }
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    bool isFloat = isa<FloatType>(elem);
    // Whether reduction q takes the fast form.
    auto fastKind = [&](size_t q) {
      return fast && isFloat && kinds[q] != tl::ReduceKind::sum;
    };
    auto fastCombine = [&](OpBuilder &sb, Location l, size_t q, Value accIn,
                           Value x) -> Value {
      if (!fastKind(q))
        return combine(sb, l, kinds[q], accIn, x);
      auto pred = kinds[q] == tl::ReduceKind::max ? arith::CmpFPredicate::OGT
                                                  : arith::CmpFPredicate::OLT;
      return arith::SelectOp::create(
          sb, l, arith::CmpFOp::create(sb, l, pred, accIn, x), accIn, x);
    };
    // One step of reduction q; with the fast form, also adds x to `check`.
    auto step = [&](OpBuilder &sb, Location l, size_t q, Value pos,
                    Value mask, Value accIn, Value *check) -> Value {
      Value x = reads[q](sb, l, pos, mask, pads[q]);
      if (accTypes[q] != vt)
        x = arith::ExtFOp::create(sb, l, accTypes[q], x);
      if (check)
        *check = arith::AddFOp::create(sb, l, *check, x);
      return fastKind(q) ? fastCombine(sb, l, q, accIn, x)
                         : accumulate(sb, l, kinds[q], accIn, x);
    };
    int64_t lanes = vt.getNumElements(), whole = n - n % lanes;
    if (n <= kScalarLine && llvm::all_of(accTypes, [&](VectorType t) {
          return t == vt;
        })) {
      // A line of a few elements (`sum(part, 0)` of a Tile<1>): one masked
      // vector, its lanes combined one by one in the reference's order
      // (bit-identical), not a horizontal tree over mostly padding.
      SmallVector<Value> results;
      for (size_t q = 0; q < count; ++q) {
        Value v = reads[q](b, loc, idx(0), prefixMask(b, loc, lanes, n),
                           pads[q]);
        auto lane = [&](int64_t i) -> Value {
          return vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{i});
        };
        // A sum starts from +0, like the reference's.
        Value zero = kinds[q] == tl::ReduceKind::sum
                         ? arith::ConstantOp::create(b, loc,
                                                     b.getZeroAttr(elem))
                         : Value();
        Value r = lane(0);
        if (zero)
          r = combine(b, loc, kinds[q], zero, r);
        for (int64_t i = 1; i < n; ++i)
          r = combine(b, loc, kinds[q], r, lane(i));
        results.push_back(r);
      }
      return results;
    }
    int64_t accs = whole >= 4 * lanes ? 4 : whole >= 2 * lanes ? 2 : 1;
    int64_t group = accs * lanes, grouped = whole - whole % group;
    // acc[q * accs + k]: accumulator k of reduction q; for a reduction in
    // the fast form, chk[chkAt[q] + k] the sum beside it.
    SmallVector<Value, 8> acc, chk;
    SmallVector<int64_t, 4> chkAt;
    Value zero =
        fast ? arith::ConstantOp::create(b, loc, b.getZeroAttr(vt)) : Value();
    for (size_t q = 0; q < count; ++q) {
      acc.append(accs, inits[q]);
      chkAt.push_back(fastKind(q) ? chk.size() : -1);
      if (fastKind(q))
        chk.append(accs, zero);
    }
    if (grouped > 0) {
      SmallVector<Value, 16> init(acc.begin(), acc.end());
      llvm::append_range(init, chk);
      size_t accCount = acc.size();
      auto loop = scf::ForOp::create(
          b, loc, idx(0), idx(grouped), idx(group), init,
          [&](OpBuilder &lb, Location l, Value pos, ValueRange a) {
            SmallVector<Value, 16> next(a.begin(), a.end());
            for (size_t q = 0; q < count; ++q)
              for (int64_t k = 0; k < accs; ++k) {
                Value at = arith::AddIOp::create(
                    lb, l, pos,
                    arith::ConstantIndexOp::create(lb, l, k * lanes));
                Value *c = chkAt[q] < 0 ? nullptr
                                        : &next[accCount + chkAt[q] + k];
                next[q * accs + k] =
                    step(lb, l, q, at, Value(), a[q * accs + k], c);
              }
            scf::YieldOp::create(lb, l, next);
          });
      acc.assign(loop.getResults().begin(),
                 loop.getResults().begin() + accCount);
      chk.assign(loop.getResults().begin() + accCount,
                 loop.getResults().end());
    }
    SmallVector<Value> results;
    for (size_t q = 0; q < count; ++q) {
      MutableArrayRef<Value> a(&acc[q * accs], accs);
      Value *c = chkAt[q] < 0 ? nullptr : &chk[chkAt[q]];
      for (int64_t pos = grouped; pos < whole; pos += lanes)
        a[0] = step(b, loc, q, idx(pos), Value(), a[0], c);
      if (n % lanes)
        a[0] = step(b, loc, q, idx(whole),
                    prefixMask(b, loc, lanes, n % lanes), a[0], c);
      for (int64_t width = accs; width > 1; width /= 2)
        for (int64_t k = 0; k < width / 2; ++k) {
          a[k] = fastCombine(b, loc, q, a[k], a[k + width / 2]);
          if (c)
            c[k] = arith::AddFOp::create(b, loc, c[k], c[k + width / 2]);
        }
      if (c)
        checks->push_back(vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, c[0],
            arith::FastMathFlags::reassoc));
      // The lanes of a float sum are added pairwise (reassoc: a tree of
      // shuffles and vector adds, log2(L) deep) rather than one after the
      // other (a chain of L - 1 dependent scalar adds, which a matrix-vector
      // product with short rows spent most of its time in).
      vector::CombiningKind kind =
          horizontalKind(kinds[q], isa<FloatType>(elem));
      Value r = vector::ReductionOp::create(
          b, loc, kind, a[0],
          kind == vector::CombiningKind::ADD && isa<FloatType>(elem)
              ? arith::FastMathFlags::reassoc
              : arith::FastMathFlags::none);
      if (accTypes[q] != vt)
        r = arith::TruncFOp::create(b, loc, elem, r);
      results.push_back(r);
    }
    return results;
  }

  /// reduceLines, float max and min of lines of 4 vectors or more in the
  /// fast form: a line's max (min) is its compare-and-select result unless
  /// the line holds a NaN (its elements' sum is then NaN; an inf and a -inf
  /// make a NaN too, and overflow an inf, which only costs a second pass)
  /// or that result is a zero (whose sign the select does not choose as the
  /// reference does); then the line is reduced again in the exact form.
  /// Otherwise the result is the reference's: without NaN, the largest
  /// element is the largest in the select's order too, and nonzero floats
  /// of equal value have equal bits.
  static SmallVector<Value> reduceLinesChecked(OpBuilder &b, Location loc,
                                               ArrayRef<tl::ReduceKind> kinds,
                                               int64_t n, VectorType vt,
                                               ArrayRef<LineReader> reads) {
    bool any = isa<FloatType>(vt.getElementType()) &&
               n >= 4 * vt.getNumElements() &&
               llvm::any_of(kinds, [](tl::ReduceKind k) {
                 return k == tl::ReduceKind::max || k == tl::ReduceKind::min;
               });
    if (!any)
      return reduceLines(b, loc, kinds, n, vt, reads);
    SmallVector<Value> checks;
    SmallVector<Value> results =
        reduceLines(b, loc, kinds, n, vt, reads, /*fast=*/true, &checks);
    auto check = checks.begin();
    for (size_t q = 0; q < kinds.size(); ++q) {
      if (kinds[q] == tl::ReduceKind::sum)
        continue;
      Value r = results[q];
      Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(r.getType()));
      Value isZero =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, r, zero);
      Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO,
                                          *check, *check);
      Value again = arith::OrIOp::create(b, loc, isNan, isZero);
      ++check;
      results[q] =
          scf::IfOp::create(
              b, loc, again,
              [&](OpBuilder &tb, Location l) {
                scf::YieldOp::create(
                    tb, l, reduceLines(tb, l, kinds[q], n, vt, reads[q]));
              },
              [&](OpBuilder &eb, Location l) {
                scf::YieldOp::create(eb, l, r);
              })
              .getResult(0);
    }
    return results;
  }
};

/// The `tile.fused` that `op` sums when `op` is a row sum into i32 of the
/// products of two i8 tiles (`sum((a as i32) * (b as i32), 1)`), or
/// (`bf16`) into f32 of the products of two bf16 tiles (`sum((a as f32) *
/// (b as f32), 1)`): two tile inputs of the result's shape, each widened
/// (`extsi`, `extf`), one `muli` (`mulf`). Null otherwise.
tl::FusedOp pairProducts(tl::ReduceOp op, bool bf16 = false) {
  tl::TileType src = op.getSource().getType();
  if (op.getKind() != tl::ReduceKind::sum || src.getRank() != 2 ||
      op.getAxis() != 1 ||
      !(bf16 ? src.getElementType().isF32()
             : src.getElementType().isInteger(32)))
    return {};
  auto fused = op.getSource().getDefiningOp<tl::FusedOp>();
  if (!fused || !fused->hasOneUse() || fused.getInputs().size() != 2 ||
      llvm::any_of(fused.getBroadcast(), [](int64_t a) { return a != -1; }))
    return {};
  for (Type t : fused.getInputs().getTypes()) {
    auto tile = dyn_cast<tl::TileType>(t);
    if (!tile || tile.getShape() != src.getShape() ||
        !(bf16 ? tile.getElementType().isBF16()
               : tile.getElementType().isInteger(8)))
      return {};
  }
  Block &body = fused.getBody().front();
  Operation *yield = body.getTerminator();
  Operation *mul = yield->getOperand(0).getDefiningOp();
  if (!mul || !(bf16 ? isa<arith::MulFOp>(mul) : isa<arith::MulIOp>(mul)) ||
      std::distance(body.begin(), body.end()) != 4)
    return {};
  auto widened = [&](Value v, BlockArgument &arg) {
    Operation *ext = v.getDefiningOp();
    arg = ext && (bf16 ? isa<arith::ExtFOp>(ext) : isa<arith::ExtSIOp>(ext))
              ? dyn_cast<BlockArgument>(ext->getOperand(0))
              : BlockArgument();
    return arg && arg.getOwner() == &body;
  };
  BlockArgument x, y;
  if (!widened(mul->getOperand(0), x) || !widened(mul->getOperand(1), y) ||
      x == y)
    return {};
  return fused;
}

/// The row sums of pairProducts: `vpmaddwd` multiplies 2L i16 elements
/// of each input and adds the two products of each pair into L i32 lanes,
/// which accumulate over the row; the lanes are added at the end. Integer
/// sums wrap and are exact in any order, and a pair's sum of i8 products
/// cannot overflow (at most 2 * 2^14): the result is the reference's, bit
/// for bit. Rows whose length is not a multiple of 2L stay with
/// ReduceToVectors.
///
/// With AVX512-VNNI and rows of whole quads (a multiple of 16 bytes),
/// `vpdpbusd` takes four products a lane, on R lanes: the most of 16, 8
/// and 4 (AVX512VL) whose 4R bytes divide the row, so that a Q8_0 block of
/// 32 bytes is one ymm and no lane is wasted. It multiplies unsigned bytes
/// by signed ones: the first input goes in with its sign bit flipped,
/// a + 128 as an unsigned byte, and a second `vpdpbusd` of 128s by the
/// same bytes of the second input, subtracted at the end, takes the 128 b
/// back out. A lane's four products are exact (at most 4 * 255 * 128) and
/// its sums wrap modulo 2^32 as the reference's do: the result is again
/// the reference's, bit for bit. Against `vpmaddwd`, a row step is one
/// xor and two `vpdpbusd` instead of two sign extensions, one `vpmaddwd`
/// and one add, for twice the bytes.
///
/// Every form keeps A = 4 accumulators (2 or 1 where the row has no
/// multiple of 4 or 2 steps) taking the steps in turn, added pairwise at
/// the end: a row of 768 bf16 is 6 iterations of 4 independent
/// `vdpbf16ps` instead of one chain of 24, each waiting for the last.
///
/// With AVX512-BF16 and rows of whole 32-element steps, the bf16 form:
/// `vdpbf16ps` multiplies 32 bf16 elements of each input and adds each
/// pair's two products into 16 f32 lanes, the odd one first, rounding
/// after each (the products are exact: bf16 times bf16 fits in f32), which
/// accumulate over the row; the lanes are added at the end. A float sum in
/// another order than the reference's, with the bound of the file comment
/// (each product added as by an FMA, k = 2 ceil(n / 32A) + log2(A) + 4
/// roundings a lane, A the accumulators below); the instruction also takes
/// subnormal inputs and results as zero, as `dot`'s bf16 pairs do
/// (docs/Kernels.md). A step reads 64 bytes of each input instead of widening
/// them into four vectors of f32.
struct RowSumsOfPairs : OpConversionPattern<tl::ReduceOp> {
  RowSumsOfPairs(TypeConverter &converter, MLIRContext *ctx,
                 const VectorTarget &target)
      : OpConversionPattern(converter, ctx, /*benefit=*/3), target(target) {}

  LogicalResult
  matchAndRewrite(tl::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    bool bf16 = false;
    tl::FusedOp fused = pairProducts(op);
    if (!fused && target.bf16Pairs && target.f32Lanes == 16) {
      fused = pairProducts(op, /*bf16=*/true);
      bf16 = fused != nullptr;
    }
    int64_t lanes = target.f32Lanes;
    if (!fused || lineProducer(op, target) != fused.getOperation())
      return rewriter.notifyMatchFailure(
          op, "not a row sum of i8 or bf16 products");
    int64_t m = op.getSource().getType().getShape()[0];
    int64_t n = op.getSource().getType().getShape()[1];
    if (bf16 && n % (2 * lanes))
      return rewriter.notifyMatchFailure(op, "bf16 rows not in whole steps");
    bool quads = false;
    if (target.int8Quads && !bf16)
      for (int64_t r : {int64_t(16), int64_t(8), int64_t(4)})
        if (n % (4 * r) == 0 && (r == 16 || target.narrowQuads)) {
          lanes = r;
          quads = true;
          break;
        }
    if (!quads && n % (2 * lanes))
      return rewriter.notifyMatchFailure(op, "rows not in whole pairs");
    // Bytes of each input a step reads.
    int64_t step = quads ? 4 * lanes : 2 * lanes;
    Location loc = op.getLoc();
    auto acc = VectorType::get({lanes}, bf16 ? Type(rewriter.getF32Type())
                                             : Type(rewriter.getI32Type()));
    auto pairType = VectorType::get({2 * lanes}, rewriter.getI16Type());
    auto byteType = VectorType::get({step}, bf16 ? Type(rewriter.getBF16Type())
                                                 : Type(rewriter.getI8Type()));
    SmallVector<Value, 2> inputs;
    for (Value in : fused.getInputs())
      inputs.push_back(rewriter.getRemappedValue(in));
    Value out = nlc::cpu::allocTileBuffer(
        rewriter, loc, cast<tl::TileType>(op.getType()));
    auto index = [&](OpBuilder &b, Location l, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, l, v);
    };
    // Steps in flight: `accs` accumulators take the row's steps in turn
    // (4, or 2 or 1 where the row has no multiple of 4 or 2 steps), so that
    // a step does not wait for the last one's result.
    int64_t steps = n / step;
    int64_t accs = steps % 4 == 0 ? 4 : steps % 2 == 0 ? 2 : 1;
    // Values each accumulator carries: quads carry their 128 b sums too.
    int64_t per = quads ? 2 : 1;
    auto add = [&](OpBuilder &b, Location l, Value x, Value y) -> Value {
      if (bf16)
        return arith::AddFOp::create(b, l, x, y);
      return arith::AddIOp::create(b, l, x, y);
    };
    // The sum of row `row`'s pairs (or quads), in L lanes.
    auto rowSums = [&](OpBuilder &b, Location l, Value row) -> Value {
      Value zero = arith::ConstantOp::create(b, l, b.getZeroAttr(acc));
      SmallVector<Value, 8> init(accs * per, zero);
      auto loop = scf::ForOp::create(
          b, l, index(b, l, 0), index(b, l, n), index(b, l, accs * step), init,
          [&](OpBuilder &fb, Location fl, Value first, ValueRange carried) {
            SmallVector<Value, 8> next;
            for (int64_t k = 0; k < accs; ++k) {
              Value col =
                  arith::AddIOp::create(fb, fl, first, index(fb, fl, k * step));
              SmallVector<Value, 2> bytes;
              for (Value in : inputs)
                bytes.push_back(vector::LoadOp::create(fb, fl, byteType, in,
                                                       ValueRange{row, col}));
              ValueRange a = carried.slice(k * per, per);
              if (bf16) {
                next.push_back(x86vector::DotBF16Op::create(
                    fb, fl, acc, a[0], bytes[0], bytes[1]));
              } else if (quads) {
                // 0x80 in every byte: the sign bit, and 128 as unsigned.
                Value high =
                    splatConstant(fb, fl, byteType, fb.getI8IntegerAttr(-128));
                Value flipped = arith::XOrIOp::create(fb, fl, bytes[0], high);
                next.push_back(
                    multiplyAddQuads(fb, fl, a[0], flipped, bytes[1]));
                next.push_back(multiplyAddQuads(fb, fl, a[1], high, bytes[1]));
              } else {
                Value pairs = multiplyAddPairs(
                    fb, fl, arith::ExtSIOp::create(fb, fl, pairType, bytes[0]),
                    arith::ExtSIOp::create(fb, fl, pairType, bytes[1]));
                next.push_back(arith::AddIOp::create(fb, fl, a[0], pairs));
              }
            }
            scf::YieldOp::create(fb, fl, next);
          });
      // The accumulators added pairwise.
      SmallVector<Value, 8> sums(loop.getResults());
      for (int64_t width = accs; width > 1; width /= 2)
        for (int64_t k = 0; k < width / 2; ++k)
          for (int64_t j = 0; j < per; ++j)
            sums[k * per + j] =
                add(b, l, sums[k * per + j], sums[(k + width / 2) * per + j]);
      if (quads)
        return arith::SubIOp::create(b, l, sums[0], sums[1]);
      return sums[0];
    };
    if (m < lanes) {
      // Fewer rows than lanes: each row's lanes added on their own.
      for (int64_t r = 0; r < m; ++r) {
        Value row = index(rewriter, loc, r);
        // A float row's lanes are added pairwise (a tree), as the bound
        // assumes, not in a chain of L - 1 dependent adds.
        Value total = vector::ReductionOp::create(
            rewriter, loc, vector::CombiningKind::ADD,
            rowSums(rewriter, loc, row),
            bf16 ? arith::FastMathFlags::reassoc : arith::FastMathFlags::none);
        memref::StoreOp::create(rewriter, loc, total, out, ValueRange{row});
      }
    } else {
      // L rows at a time, their L vectors combined into one whose lane r is
      // row r's sum (transposeCombine); rows past m in the last group read
      // row m - 1 and are not stored.
      forEachVector(
          rewriter, loc, m, lanes,
          [&](OpBuilder &b, Location l, Value first, Value mask) {
            SmallVector<Value> sums;
            for (int64_t r = 0; r < lanes; ++r) {
              Value row = arith::AddIOp::create(b, l, first, index(b, l, r));
              if (mask)
                row = arith::MinUIOp::create(b, l, row, index(b, l, m - 1));
              sums.push_back(rowSums(b, l, row));
            }
            storeVector(b, l,
                        transposeCombine(b, l, tl::ReduceKind::sum, sums),
                        out, ValueRange{first}, mask);
          });
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  VectorTarget target;
};

} // namespace

Operation *nlc::x86::lineProducer(tl::ReduceOp op,
                                  const VectorTarget &target) {
  if (op.getKind() == tl::ReduceKind::argmax)
    return nullptr;
  tl::TileType src = op.getSource().getType();
  int64_t lanes = lanesFor(target, {src.getElementType()});
  // Lines (rank 1, or rows fewer than lanes), and the rows of a tile with
  // at least as many rows and columns as lanes (transposedRows).
  bool line = src.getRank() == 1 ||
              (op.getAxis() == 1 && (src.getShape()[0] < lanes ||
                                     src.getShape()[1] >= lanes));
  return lanes && line ? takenProducer(op, op.getSource()) : nullptr;
}

void nlc::x86::populateX86ReducePatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const VectorTarget &target) {
  if (!target.f32Lanes)
    return;
  patterns.add<ReduceToVectors, RowSumsOfPairs>(converter,
                                                patterns.getContext(), target);
}
