//===- X86Dot.cpp - tile.dot as a register-blocked micro-kernel -----------===//
//
// C (M x N, f32 or i32) += A (M x K) times B (K x N), all row-major buffers of
// static shape. The output is cut into blocks of R rows by V vectors; a
// block's R * V accumulators live in vector registers for the whole K loop
// (6 x 4 zmm on AVX-512, 6 x 2 ymm on AVX2: the textbook GEMM loop, which
// LLVM keeps free of spills). Columns past the last whole vector use masked
// loads and stores; rows past the last whole block a block of fewer rows.
// A grid's K loop of `dot`s on packed f32 tiles runs as one such loop per
// block across the loop's iterations ("The K loop run whole", below).
//
// Each k step, by input type:
// - f32, f16, bf16 (every AVX-512 or AVX2 CPU): V vectors of B's row k,
//   widened to f32 as read (vcvtph2ps, or a shift for bf16), one broadcast
//   of A(i, k) per row, one FMA per accumulator: bit-identical to the
//   reference, which `dot` defines as fused multiply-adds in k order.
// - bf16 with AVX512-BF16: two k at a time with `vdpbf16ps`, which adds
//   the products of a pair of k into each f32 lane. B is first packed so
//   that each vector holds (B(k, j), B(k + 1, j)) for 16 columns j; A's
//   pair (A(i, k), A(i, k + 1)) is broadcast as one 32-bit word. The
//   instruction rounds after each product of the pair, the odd one first,
//   so results differ from the reference by rounding (documented bound in
//   docs/Kernels.md), and it treats subnormal inputs and results as zero.
// - i8 into i32 with an even K (every AVX2 or AVX-512 CPU): the same pairs,
//   widened to i16, with `vpmaddwd` (the two products of a lane's pair
//   added exactly into an i32), then added to the accumulators: the
//   reference's sum in k order, the same modulo 2^32, so bit-identical.
// - i8 into i32 with AVX512-VNNI and K a multiple of 4: four k at a time
//   with `vpdpbusd`, which adds the four products of unsigned by signed
//   bytes into each i32 lane (64 products per instruction, twice vpmaddwd's
//   32). B is packed (signed) so that each vector holds the quads
//   (B(k..k+3, j)) of 16 columns; A, signed too, is first biased into
//   unsigned bytes, A + 128 (its bits xor 0x80), and its quad broadcast as
//   one word. The bias adds 128 * sum_k B(k, j) to column j; packing sums
//   B's columns, and each block subtracts that from its accumulators before
//   its k loop. All wraps modulo 2^32: bit-identical again.
//
// Operands read in place: A and B come from `tile.load`s in a grid's K
// loop, which would copy each tile into a buffer every step before the
// micro-kernel reads it. markInPlaceDotOperands marks the loads whose tile
// the micro-kernel can read straight from the view instead; for those, the
// kernel reads `select(inside, window, buffer)`, a strided memref: the
// tile's window of the view when the tile lies wholly inside a unit-stride
// view with its rows one after the other (a tile of a packed tensor), else
// the buffer, which the load fills (masked, padded) only in that case
// (X86Memory.cpp, which says why plain matrices keep the copy). The same
// elements are multiplied in the same order either way: results are
// unchanged.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86VectorCode.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace nlc::x86;
namespace tl = nlc::tile;

namespace {

/// Loads (or, given `toStore`, stores) the `width`-lane piece of row `row`
/// of `mem` at column `col`: a plain vector access for a whole vector,
/// masked for a ragged end.
Value rowPiece(OpBuilder &b, Location loc, Value mem, Value row, Value col,
               int64_t width, VectorType vt, Value toStore = {}) {
  SmallVector<Value, 2> indices{row, col};
  int64_t lanes = vt.getNumElements();
  Value mask = width < lanes ? prefixMask(b, loc, lanes, width) : Value();
  if (toStore) {
    storeVector(b, loc, toStore, mem, indices, mask);
    return {};
  }
  return loadVector(b, loc, vt, mem, indices, mask);
}

/// `v` converted to `to` (f32 or a vector of f32) unless it already is.
Value widen(OpBuilder &b, Location loc, Value v, Type to) {
  if (v.getType() == to)
    return v;
  return arith::ExtFOp::create(b, loc, to, v);
}

/// One k step of a block (its `cols` columns from `j0`): from the
/// accumulators `acc` (row-major, `rows` by `vectors`) and the step's
/// index, the next accumulators.
using StepFn = function_ref<void(OpBuilder &, Location, Value k,
                                 ArrayRef<Value> rowIdx, Value j0, int64_t cols,
                                 ValueRange acc, SmallVectorImpl<Value> &next)>;

/// What a block does with its accumulators between loading and storing
/// them: from the rows' indices and the initial accumulators, the final
/// ones.
using AccFn = function_ref<SmallVector<Value>(
    OpBuilder &, Location, ArrayRef<Value> rowIdx, ValueRange init)>;

/// The loop of `steps` k steps over the accumulators `init`; its results.
SmallVector<Value> stepLoop(OpBuilder &b, Location loc, int64_t steps,
                            ArrayRef<Value> rowIdx, Value j0, int64_t cols,
                            ValueRange init, StepFn step) {
  auto loop = scf::ForOp::create(
      b, loc, index(b, loc, 0), index(b, loc, steps), index(b, loc, 1), init,
      [&](OpBuilder &lb, Location ll, Value kk, ValueRange acc) {
        SmallVector<Value> next;
        step(lb, ll, kk, rowIdx, j0, cols, acc, next);
        scf::YieldOp::create(lb, ll, next);
      });
  return SmallVector<Value>(loop.getResults());
}

/// How a block's accumulators start: given what loads them from the
/// output, the initial accumulators.
using InitFn = function_ref<SmallVector<Value>(
    OpBuilder &, Location, function_ref<SmallVector<Value>(OpBuilder &)> load)>;

/// One block: `rows` rows from `i0`, `cols` columns from `j0`, its
/// accumulators loaded from `out` (or as `start` makes them), updated by
/// `body` and stored back: with non-temporal stores of its whole vectors
/// where `nontemporal` (i1, if given) holds at run time (`out` a view whose
/// rows start on vector boundaries).
void emitBlockWith(OpBuilder &b, Location loc, Value out, Value i0,
                   int64_t rows, Value j0, int64_t cols, VectorType vt,
                   AccFn body, InitFn start = {}, Value nontemporal = {}) {
  int64_t lanes = vt.getNumElements();
  SmallVector<int64_t> widths;
  for (int64_t c = 0; c < cols; c += lanes)
    widths.push_back(std::min(lanes, cols - c));
  SmallVector<Value> rowIdx;
  for (int64_t r = 0; r < rows; ++r)
    rowIdx.push_back(arith::AddIOp::create(b, loc, i0, index(b, loc, r)));
  auto load = [&](OpBuilder &lb) {
    SmallVector<Value> init;
    for (int64_t r = 0; r < rows; ++r)
      for (size_t v = 0; v < widths.size(); ++v)
        init.push_back(rowPiece(lb, loc, out, rowIdx[r],
                                plus(lb, loc, j0, v * lanes), widths[v], vt));
    return init;
  };
  SmallVector<Value> init = start ? start(b, loc, load) : load(b);
  SmallVector<Value> result = body(b, loc, rowIdx, init);
  auto storeAll = [&](OpBuilder &sb, bool streaming) {
    int64_t bytes = lanes * vt.getElementTypeBitWidth() / 8;
    for (int64_t r = 0; r < rows; ++r)
      for (size_t v = 0; v < widths.size(); ++v) {
        Value col = plus(sb, loc, j0, v * lanes);
        Value acc = result[r * widths.size() + v];
        if (!streaming || widths[v] != lanes) {
          rowPiece(sb, loc, out, rowIdx[r], col, widths[v], vt, acc);
          continue;
        }
        auto store =
            vector::StoreOp::create(sb, loc, acc, out, ValueRange{rowIdx[r], col});
        store.setNontemporal(true);
        store.setAlignment(bytes);
      }
  };
  if (!nontemporal) {
    storeAll(b, false);
    return;
  }
  scf::IfOp::create(
      b, loc, nontemporal,
      [&](OpBuilder &sb, Location) {
        storeAll(sb, true);
        scf::YieldOp::create(sb, loc);
      },
      [&](OpBuilder &sb, Location) {
        storeAll(sb, false);
        scf::YieldOp::create(sb, loc);
      });
}

/// One block whose accumulators go through `steps` k steps.
void emitBlock(OpBuilder &b, Location loc, Value out, Value i0, int64_t rows,
               Value j0, int64_t cols, int64_t steps, VectorType vt,
               StepFn step) {
  emitBlockWith(
      b, loc, out, i0, rows, j0, cols, vt,
      [&](OpBuilder &lb, Location ll, ArrayRef<Value> rowIdx, ValueRange init) {
        return stepLoop(lb, ll, steps, rowIdx, j0, cols, init, step);
      });
}

/// Calls `block` for each register block of an `m x n` output: an scf.for
/// over the whole column blocks (one copy of the block's code, not one per
/// block: the code of a 128-wide tile was eight copies) and one narrower
/// block for the ragged columns; within each, row blocks an scf.for of
/// `target.dotRows` rows plus one smaller block for the ragged rows. With
/// `live` (an index: the rows of the result anything observes, see
/// findLiveDotRows), only the rows below `live` run: whole blocks while
/// `dotRows` of them are live, then, where fewer than all m rows are live,
/// blocks of one row for the live rest (a 1 x 4096 matrix in 64-row tiles
/// computes one row, not a block of six); the other rows keep what the
/// output held.
void forEachBlock(OpBuilder &b, Location loc, int64_t m, int64_t n,
                  const VectorTarget &target,
                  function_ref<void(OpBuilder &, Location, Value i0,
                                    int64_t rows, Value j0, int64_t cols)>
                      block,
                  Value live = {}) {
  int64_t rows = target.dotRows;
  int64_t blockCols = target.f32Lanes * target.dotVectors;
  int64_t fullRows = m - m % rows;
  // Where the loop of whole row blocks ends: the live rows rounded down to
  // whole blocks, at most all of them.
  Value fullEnd = index(b, loc, fullRows);
  Value allLive;
  if (live) {
    fullEnd = arith::MinUIOp::create(
        b, loc, fullEnd,
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, live, index(b, loc, rows)),
            index(b, loc, rows)));
    allLive = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, live,
                                    index(b, loc, m));
  }
  // Every row block of the `cols` columns from `j0`.
  auto column = [&](OpBuilder &b, Location loc, Value j0, int64_t cols) {
    if (fullRows > 0)
      scf::ForOp::create(
          b, loc, index(b, loc, 0), fullEnd, index(b, loc, rows),
          ValueRange{},
          [&](OpBuilder &lb, Location ll, Value i0, ValueRange) {
            block(lb, ll, i0, rows, j0, cols);
            scf::YieldOp::create(lb, ll);
          });
    if (!live) {
      if (m % rows)
        block(b, loc, index(b, loc, fullRows), m % rows, j0, cols);
      return;
    }
    // Every row live: the ragged block as without `live`; else one-row
    // blocks from the whole blocks' end to the last live row.
    scf::IfOp::create(
        b, loc, allLive,
        [&](OpBuilder &tb, Location tl) {
          if (m % rows)
            block(tb, tl, index(tb, tl, fullRows), m % rows, j0, cols);
          scf::YieldOp::create(tb, tl);
        },
        [&](OpBuilder &eb, Location el) {
          scf::ForOp::create(
              eb, el, fullEnd, live, index(eb, el, 1), ValueRange{},
              [&](OpBuilder &lb, Location ll, Value i0, ValueRange) {
                block(lb, ll, i0, 1, j0, cols);
                scf::YieldOp::create(lb, ll);
              });
          scf::YieldOp::create(eb, el);
        });
  };
  int64_t wholeCols = n - n % blockCols;
  if (wholeCols == blockCols)
    column(b, loc, index(b, loc, 0), blockCols);
  else if (wholeCols > blockCols)
    scf::ForOp::create(b, loc, index(b, loc, 0), index(b, loc, wholeCols),
                       index(b, loc, blockCols), ValueRange{},
                       [&](OpBuilder &cb, Location cl, Value j0, ValueRange) {
                         column(cb, cl, j0, blockCols);
                         scf::YieldOp::create(cb, cl);
                       });
  if (n % blockCols)
    column(b, loc, index(b, loc, wholeCols), n % blockCols);
}

/// One k step of f32 FMAs: B's row `kk` (`cols` columns from `j0`),
/// widened to f32 as read, times A(i, kk) broadcast, for each row i.
void fmaStep(OpBuilder &b, Location l, Value a, Value bm, VectorType vt,
             Type in, Value kk, ArrayRef<Value> rowIdx, Value j0, int64_t cols,
             ValueRange acc, SmallVectorImpl<Value> &next) {
  int64_t lanes = vt.getNumElements();
  auto inType = VectorType::get({lanes}, in);
  int64_t vectors = acc.size() / rowIdx.size();
  SmallVector<Value> bv;
  for (int64_t v = 0; v < vectors; ++v)
    bv.push_back(widen(b, l,
                       rowPiece(b, l, bm, kk, plus(b, l, j0, v * lanes),
                                std::min(lanes, cols - v * lanes), inType),
                       vt));
  for (size_t r = 0; r < rowIdx.size(); ++r) {
    Value s = widen(
        b, l, memref::LoadOp::create(b, l, a, ValueRange{rowIdx[r], kk}),
        b.getF32Type());
    Value bc = vector::BroadcastOp::create(b, l, vt, s);
    for (int64_t v = 0; v < vectors; ++v)
      next.push_back(
          vector::FMAOp::create(b, l, bc, bv[v], acc[r * vectors + v]));
  }
}

/// Fills `out` (m x n f32) with `value` in every element (zeros without
/// it), in vectors.
void fillWith(OpBuilder &b, Location loc, Value out, int64_t m, int64_t n,
              VectorType vt, Value value = {}) {
  int64_t lanes = vt.getNumElements();
  Value splat =
      value ? vector::BroadcastOp::create(b, loc, vt, value).getResult()
            : arith::ConstantOp::create(b, loc, b.getZeroAttr(vt)).getResult();
  scf::ForOp::create(b, loc, index(b, loc, 0), index(b, loc, m),
                     index(b, loc, 1), ValueRange{},
                     [&](OpBuilder &lb, Location ll, Value i, ValueRange) {
                       for (int64_t j = 0; j < n; j += lanes)
                         rowPiece(lb, ll, out, i, index(lb, ll, j),
                                  std::min(lanes, n - j), vt, splat);
                       scf::YieldOp::create(lb, ll);
                     });
}

/// B (k x n) packed for the pair instructions into rows `row0` ..
/// `row0 + k / 2 - 1` of `packed` (at least 2 * np wide): row row0 + p
/// holds the pairs (B(2p, j), B(2p + 1, j)) for j = 0 .. np - 1 (np: n
/// rounded up to whole vectors; columns past n are zero), as `pairElem`
/// (bf16 stays bf16, i8 is sign-extended to i16), so that one vector load
/// of 2 * lanes elements gives the pairs of `lanes` columns. With
/// `blockRows`, in blocks of `lanes` columns (GroupedRows): the pairs of
/// columns j .. j + lanes - 1 in row (j / lanes) * blockRows + row0 + p.
/// The pairs (B(2p, j + l), B(2p + 1, j + l)) of columns j .. j + lanes - 1
/// of `bm` (k x n, any row stride), `pairElem` each (i8 sign-extended to
/// i16), one vector of 2 * lanes; columns from `width` on are zero.
Value pairsOfRows(OpBuilder &b, Location l, Value bm, Value p, Value j,
                  int64_t width, int64_t lanes, Type pairElem) {
  Type in = cast<MemRefType>(bm.getType()).getElementType();
  auto half = VectorType::get({lanes}, in);
  auto wide = VectorType::get({lanes}, pairElem);
  SmallVector<int64_t> interleave;
  for (int64_t i = 0; i < lanes; ++i)
    interleave.append({i, i + lanes});
  auto row = [&](Value r) -> Value {
    Value v = rowPiece(b, l, bm, r, j, width, half);
    return in == pairElem ? v : arith::ExtSIOp::create(b, l, wide, v);
  };
  Value even = arith::MulIOp::create(b, l, p, index(b, l, 2));
  Value odd = arith::AddIOp::create(b, l, even, index(b, l, 1));
  return vector::ShuffleOp::create(b, l, row(even), row(odd), interleave);
}

void packPairsInto(OpBuilder &b, Location loc, Value bm, int64_t k, int64_t n,
                   int64_t np, int64_t lanes, Type pairElem, Value packed,
                   Value row0, int64_t blockRows = 0) {
  scf::ForOp::create(
      b, loc, index(b, loc, 0), index(b, loc, k / 2), index(b, loc, 1),
      ValueRange{}, [&](OpBuilder &lb, Location ll, Value p, ValueRange) {
        Value to = arith::AddIOp::create(lb, ll, row0, p);
        GroupedRows rows{2, lanes, blockRows};
        for (int64_t j = 0; j < np; j += lanes) {
          int64_t width = std::max<int64_t>(0, std::min<int64_t>(lanes, n - j));
          Value pairs = pairsOfRows(lb, ll, bm, p, index(lb, ll, j), width,
                                    lanes, pairElem);
          vector::StoreOp::create(lb, ll, pairs, packed,
                                  rows.at(lb, ll, to, index(lb, ll, j)));
        }
        scf::YieldOp::create(lb, ll);
      });
}

/// B packed for the pair instructions (packPairsInto) into a new buffer.
Value packPairs(OpBuilder &b, Location loc, Value bm, int64_t k, int64_t n,
                int64_t np, int64_t lanes, Type pairElem) {
  Value packed = memref::AllocaOp::create(
      b, loc, MemRefType::get({k / 2, 2 * np}, pairElem));
  packPairsInto(b, loc, bm, k, n, np, lanes, pairElem, packed,
                index(b, loc, 0));
  return packed;
}

/// `sum` plus the products of the pairs of `x` and `y` in each lane: i16
/// pairs with `vpmaddwd` (the two products of a lane's pair added exactly
/// into an i32, |sum| <= 2 * 128 * 128, then added to the accumulator,
/// wrapping like the reference's sum in k order: the same result modulo
/// 2^32), bf16 pairs with `vdpbf16ps`.
Value multiplyAddPairsInto(OpBuilder &b, Location l, Value sum, Value x,
                           Value y) {
  auto vt = cast<VectorType>(sum.getType());
  if (vt.getElementType().isInteger(32))
    return arith::AddIOp::create(b, l, sum, multiplyAddPairs(b, l, x, y));
  return x86vector::DotBF16Op::create(b, l, vt, sum, x, y);
}

/// B (k x n, i8) packed for `vpdpbusd`: row q holds the quads
/// (B(4q, j), .., B(4q + 3, j)) for j = 0 .. np - 1 (np: n rounded up to
/// whole vectors; columns past n are zero), so that one vector load of
/// 4 * lanes bytes gives the quads of `lanes` columns; and `bias`, np i32:
/// 128 * (the sum of column j) for each j, what biasing A by 128 adds to
/// column j of the product.
struct PackedQuads {
  Value packed, bias;
};

/// Stores 128 times the column sums `sums` (of columns j .. j + lanes - 1)
/// into `bias` at `j`, or adds them to what it holds with `accumulate`.
void storeColumnBias(OpBuilder &b, Location loc, Value sums, Value bias,
                     int64_t j, bool accumulate) {
  auto type = cast<VectorType>(sums.getType());
  Value at = index(b, loc, j);
  Value columnBias = arith::ShLIOp::create(
      b, loc, sums, splatConstant(b, loc, type, b.getI32IntegerAttr(7)));
  if (accumulate)
    columnBias = arith::AddIOp::create(
        b, loc, vector::LoadOp::create(b, loc, type, bias, ValueRange{at}),
        columnBias);
  vector::StoreOp::create(b, loc, columnBias, bias, ValueRange{at});
}

/// For each run of up to `width` vectors of `lanes` columns j = 0, lanes,
/// .. below `np`: a loop of `trips` steps, each step `i` calling
/// `step(i, j)` for the run's vectors in turn, which gives the vectors of
/// quads (4 * lanes bytes) it makes (after making them), whose column sums
/// the loop carries where there is a `bias`; then 128 times those sums
/// stored into `bias` at j, or added to what it holds with `accumulate`.
void quadColumnLoops(
    OpBuilder &b, Location loc, int64_t np, int64_t lanes, int64_t trips,
    Value bias, bool accumulate,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, int64_t)>
        step,
    int64_t width = 1) {
  auto quads = VectorType::get({4 * lanes}, b.getI8Type());
  auto sums = VectorType::get({lanes}, b.getI32Type());
  Value ones = splatConstant(b, loc, quads, b.getI8IntegerAttr(1));
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(sums));
  for (int64_t j0 = 0; j0 < np; j0 += width * lanes) {
    int64_t j1 = std::min(np, j0 + width * lanes);
    SmallVector<Value> init;
    if (bias)
      init.assign((j1 - j0) / lanes, zero);
    auto loop = scf::ForOp::create(
        b, loc, index(b, loc, 0), index(b, loc, trips), index(b, loc, 1), init,
        [&](OpBuilder &lb, Location ll, Value i, ValueRange carried) {
          SmallVector<Value> sum(carried);
          for (int64_t j = j0; j < j1; j += lanes)
            for (Value v : step(lb, ll, i, j))
              if (bias)
                sum[(j - j0) / lanes] =
                    multiplyAddQuads(lb, ll, sum[(j - j0) / lanes], ones, v);
          scf::YieldOp::create(lb, ll, sum);
        });
    if (bias)
      for (int64_t j = j0; j < j1; j += lanes)
        storeColumnBias(b, loc, loop.getResult((j - j0) / lanes), bias, j,
                        accumulate);
  }
}

/// The bytes of each of B's rows that packQuadsInto reads in one step: 4
/// rows at a time, up to 128 bytes of each (2 lines; the column sums of 8
/// vectors carried). One vector of columns down all k rows, then the next,
/// read each line of B again per vector: where B's rows are 4 KiB apart
/// (a 1 x 4096 x 4096 product's 64 x 128 tiles) those lines share the
/// level 1 cache's sets and were gone by the next vector's pass.
constexpr int64_t kQuadRowBytes = 128;

/// B packed for `vpdpbusd` (as above) into rows `row0` .. `row0 + k / 4 -
/// 1` of `packed` (at least 4 * np wide), and its bias stored into `bias`
/// (np i32), or added to what `bias` holds with `accumulate`; no bias
/// where `bias` is null (AMX's tdpbssd multiplies signed bytes). With
/// `blockRows`, in blocks of `lanes` columns (GroupedRows).
void packQuadsInto(OpBuilder &b, Location loc, Value bm, int64_t k, int64_t n,
                   int64_t np, int64_t lanes, Value packed, Value row0,
                   Value bias, bool accumulate, int64_t blockRows = 0) {
  Type i8 = b.getI8Type(), i16 = b.getI16Type();
  auto row = VectorType::get({lanes}, i8);
  auto quads = VectorType::get({4 * lanes}, i8);
  SmallVector<int64_t> interleave;
  for (int64_t l = 0; l < lanes; ++l)
    interleave.append({l, l + lanes});
  quadColumnLoops(
      b, loc, np, lanes, k / 4, bias, accumulate,
      [&](OpBuilder &lb, Location ll, Value q,
          int64_t j) -> SmallVector<Value> {
        int64_t width = std::max<int64_t>(0, std::min<int64_t>(lanes, n - j));
        Value first = arith::MulIOp::create(lb, ll, q, index(lb, ll, 4));
        SmallVector<Value, 4> rows;
        for (int64_t r = 0; r < 4; ++r)
          rows.push_back(rowPiece(lb, ll, bm, plus(lb, ll, first, r),
                                  index(lb, ll, j), width, row));
        // (B(k, j), B(k + 1, j)) as one i16 per column, for k = 4q and
        // 4q + 2; then those interleaved: the column's four bytes.
        auto pairs = [&](Value even, Value odd) {
          return vector::BitCastOp::create(
              lb, ll, VectorType::get({lanes}, i16),
              vector::ShuffleOp::create(lb, ll, even, odd, interleave));
        };
        Value v = vector::BitCastOp::create(
            lb, ll, quads,
            vector::ShuffleOp::create(lb, ll, pairs(rows[0], rows[1]),
                                      pairs(rows[2], rows[3]), interleave));
        vector::StoreOp::create(lb, ll, v, packed,
                                GroupedRows{4, lanes, blockRows}.at(
                                    lb, ll,
                                    arith::AddIOp::create(lb, ll, row0, q),
                                    index(lb, ll, j)));
        return {v};
      },
      kQuadRowBytes / lanes);
}

/// The shuffle masks that take the vectors `in` (each a list of element
/// labels) to vectors of the labels `out` lists, two inputs per output:
/// for each output, the pair of inputs its labels come from and the mask
/// (indices into the two concatenated), found by looking the labels up.
struct ShufflePlan {
  unsigned lhs, rhs;
  SmallVector<int64_t> mask;
};
ShufflePlan shuffleFor(ArrayRef<SmallVector<int64_t>> in, unsigned lhs,
                       unsigned rhs, ArrayRef<int64_t> out) {
  ShufflePlan plan{lhs, rhs, {}};
  int64_t width = in[lhs].size();
  for (int64_t label : out) {
    const auto *at = llvm::find(in[lhs], label);
    if (at != in[lhs].end()) {
      plan.mask.push_back(at - in[lhs].begin());
      continue;
    }
    at = llvm::find(in[rhs], label);
    assert(at != in[rhs].end() && "a label from neither input");
    plan.mask.push_back(width + (at - in[rhs].begin()));
  }
  return plan;
}

/// B packed for `vpdpbusd` and its bias, as packQuads does, into `packed`
/// and `bias`, from the tile B is the
/// transpose of: `bt` (n x k, i8, unit inner stride), whose rows hold each
/// column of B, so that a column's quads are already 4-byte words in a
/// row. Per 16 columns and 8 quads: 16 row pieces of 32 bytes (8 words,
/// rows past n are zeros), two to a vector, then a 16 x 8 transpose of
/// words in three rounds of 8 two-input shuffles (`vpermt2d`), the rows of
/// each round's outputs twice as many and their quads half as many; where
/// B itself would be built element by element first. Needs 16 lanes and
/// k a multiple of 32. No bias where `bias` is null (AMX); with
/// `blockRows`, in blocks of `lanes` columns (GroupedRows).
void packQuadsTransposedInto(OpBuilder &b, Location loc, Value bt, int64_t k,
                             int64_t n, int64_t np, int64_t lanes, Value packed,
                             Value bias, int64_t blockRows = 0) {
  assert(lanes == 16 && k % 32 == 0 && "16 lanes and whole groups of 8 quads");
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto piece = VectorType::get({32}, i8);
  auto half = VectorType::get({8}, i32);
  auto quads = VectorType::get({64}, i8);
  Value zeroHalf = arith::ConstantOp::create(b, loc, b.getZeroAttr(half));
  // Labels: quad q of column j (j < 16 within the block) is 16 * q + j.
  // Input vector v holds columns 2v and 2v + 1, quads 0..7 each.
  auto label = [](int64_t j, int64_t q) { return 16 * q + j; };
  SmallVector<SmallVector<int64_t>> inLabels;
  for (int64_t v = 0; v < 8; ++v) {
    SmallVector<int64_t> l;
    for (int64_t jj = 0; jj < 2; ++jj)
      for (int64_t q = 0; q < 8; ++q)
        l.push_back(label(2 * v + jj, q));
    inLabels.push_back(l);
  }
  // Output o of round r holds `span` = 4 << r columns for `per` = 4 >> r
  // quads, quad by quad (round 2: all 16 columns of one quad), from the two
  // outputs of the round before that hold them.
  SmallVector<SmallVector<ShufflePlan>> rounds;
  SmallVector<SmallVector<int64_t>> labels = inLabels;
  for (int64_t r = 0; r < 3; ++r) {
    int64_t span = 4 << r, per = 4 >> r; // columns, quads per output
    int64_t groups = 8 / per;            // outputs per column span
    SmallVector<SmallVector<int64_t>> next;
    SmallVector<ShufflePlan> round;
    for (int64_t o = 0; o < 8; ++o) {
      int64_t j0 = (o / groups) * span, q0 = (o % groups) * per;
      SmallVector<int64_t> out;
      for (int64_t q = q0; q < q0 + per; ++q)
        for (int64_t j = j0; j < j0 + span; ++j)
          out.push_back(label(j, q));
      unsigned lhs = 0, rhs = 0;
      bool found = false;
      for (unsigned x = 0; x < labels.size() && !found; ++x)
        for (unsigned y = x + 1; y < labels.size() && !found; ++y) {
          SmallVector<int64_t> both(labels[x]);
          both.append(labels[y]);
          if (llvm::all_of(out, [&](int64_t lb) {
                return llvm::is_contained(both, lb);
              })) {
            lhs = x, rhs = y, found = true;
          }
        }
      assert(found && "an output whose labels no two inputs hold");
      round.push_back(shuffleFor(labels, lhs, rhs, out));
      next.push_back(out);
    }
    rounds.push_back(round);
    labels = next;
  }
  // The quad order of the last round's outputs.
  SmallVector<int64_t> quadOf;
  for (const SmallVector<int64_t> &l : labels)
    quadOf.push_back(l.front() / 16);
  SmallVector<int64_t> concat;
  for (int64_t i = 0; i < 16; ++i)
    concat.push_back(i);
  // One step per 8 quads (32 bytes of each row).
  quadColumnLoops(
      b, loc, np, lanes, k / 32, bias, /*accumulate=*/false,
      [&](OpBuilder &lb, Location ll, Value g,
          int64_t j) -> SmallVector<Value> {
        Value col = arith::MulIOp::create(lb, ll, g, index(lb, ll, 32));
        SmallVector<Value> vs;
        for (int64_t v = 0; v < 8; ++v) {
          Value halves[2];
          for (int64_t jj = 0; jj < 2; ++jj) {
            int64_t row = j + 2 * v + jj;
            halves[jj] = row < n ? vector::BitCastOp::create(
                                       lb, ll, half,
                                       vector::LoadOp::create(
                                           lb, ll, piece, bt,
                                           ValueRange{index(lb, ll, row), col}))
                                       .getResult()
                                 : zeroHalf;
          }
          vs.push_back(
              vector::ShuffleOp::create(lb, ll, halves[0], halves[1], concat));
        }
        for (const SmallVector<ShufflePlan> &round : rounds) {
          SmallVector<Value> next;
          for (const ShufflePlan &sp : round)
            next.push_back(vector::ShuffleOp::create(lb, ll, vs[sp.lhs],
                                                     vs[sp.rhs], sp.mask));
          vs = next;
        }
        Value first = arith::MulIOp::create(lb, ll, g, index(lb, ll, 8));
        SmallVector<Value> made;
        for (auto [o, v] : llvm::enumerate(vs)) {
          Value bytes = vector::BitCastOp::create(lb, ll, quads, v);
          vector::StoreOp::create(
              lb, ll, bytes, packed,
              GroupedRows{4, lanes, blockRows}.at(
                  lb, ll, plus(lb, ll, first, quadOf[o]), index(lb, ll, j)));
          made.push_back(bytes);
        }
        return made;
      });
}

/// Adds the bias of B's quads already packed (`quads`, k / 4 rows of np
/// quads, as packQuadsInto makes them, laid out as `rows` says) to `bias`
/// (np i32): 128 times each column's sum, one `vpdpbusd` of ones per vector
/// of quads.
void addQuadColumnBias(OpBuilder &b, Location loc, Value quads,
                       GroupedRows rows, int64_t k, int64_t np, Value bias) {
  auto quadType = VectorType::get({4 * rows.lanes}, b.getI8Type());
  quadColumnLoops(
      b, loc, np, rows.lanes, k / 4, bias, /*accumulate=*/true,
      [&](OpBuilder &lb, Location ll, Value q,
          int64_t j) -> SmallVector<Value> {
        return {vector::LoadOp::create(lb, ll, quadType, quads,
                                       rows.at(lb, ll, q, index(lb, ll, j)))};
      });
}

/// B packed for `vpdpbusd` and its bias, into new buffers: from B (`bm`,
/// k x n), or with `transposed` from the tile B is the transpose of (`bm`,
/// n x k: packQuadsTransposedInto).
PackedQuads packQuads(OpBuilder &b, Location loc, Value bm, int64_t k,
                      int64_t n, int64_t np, int64_t lanes, bool transposed) {
  PackedQuads p;
  p.packed = memref::AllocaOp::create(
      b, loc, MemRefType::get({k / 4, 4 * np}, b.getI8Type()));
  p.bias =
      memref::AllocaOp::create(b, loc, MemRefType::get({np}, b.getI32Type()));
  if (transposed)
    packQuadsTransposedInto(b, loc, bm, k, n, np, lanes, p.packed, p.bias);
  else
    packQuadsInto(b, loc, bm, k, n, np, lanes, p.packed, index(b, loc, 0),
                  p.bias, /*accumulate=*/false);
  return p;
}

/// Each row of `a` (m x k, any row stride) in vectors of `in` (masked at
/// the row's end), mapped by `f` to vectors of `out` (as many lanes),
/// stored into rows `row0` .. `row0 + m - 1` of `dest`; with `rows` (an
/// index), only the first min(rows, m) (the rows a `dot` computes:
/// LiveDotRows).
void mapRowsInto(OpBuilder &b, Location loc, Value a, int64_t m, int64_t k,
                 VectorType in, VectorType out, Value dest, Value row0,
                 function_ref<Value(OpBuilder &, Location, Value)> f,
                 Value rows = {}) {
  int64_t lanes = in.getNumElements();
  Value end = index(b, loc, m);
  if (rows)
    end = arith::MinUIOp::create(b, loc, rows, end);
  scf::ForOp::create(
      b, loc, index(b, loc, 0), end, index(b, loc, 1), ValueRange{},
      [&](OpBuilder &lb, Location ll, Value r, ValueRange) {
        Value to = arith::AddIOp::create(lb, ll, row0, r);
        for (int64_t c = 0; c < k; c += lanes) {
          int64_t width = std::min(lanes, k - c);
          Value v = rowPiece(lb, ll, a, r, index(lb, ll, c), width, in);
          rowPiece(lb, ll, dest, to, index(lb, ll, c), width, out,
                   f(lb, ll, v));
        }
        scf::YieldOp::create(lb, ll);
      });
}

/// The bytes of `a` (m x k, i8, any row stride) biased into unsigned bytes,
/// a + 128 (each byte's top bit flipped), stored into rows `row0` .. `row0
/// + m - 1` of `dest`, for `vpdpbusd`'s unsigned operand (with `rows`,
/// only the first min(rows, m): mapRowsInto).
void biasRowsInto(OpBuilder &b, Location loc, Value a, int64_t m, int64_t k,
                  Value dest, Value row0, Value rows = {}) {
  auto vt = VectorType::get({64}, b.getI8Type());
  Value flip = splatConstant(b, loc, vt, b.getI8IntegerAttr(-128));
  mapRowsInto(
      b, loc, a, m, k, vt, vt, dest, row0,
      [&](OpBuilder &vb, Location vl, Value v) -> Value {
        return arith::XOrIOp::create(vb, vl, v, flip);
      },
      rows);
}

/// `a` (m x k, its rows one run of memory: a tile buffer or a tile read in
/// place) mapped element by element by `f` into a new m x k buffer of
/// `outElem`, in vectors of `lanes` over the whole tile.
Value mapTile(OpBuilder &b, Location loc, Value a, int64_t m, int64_t k,
              int64_t lanes, Type outElem,
              function_ref<Value(OpBuilder &, Location, Value)> f) {
  Type in = cast<MemRefType>(a.getType()).getElementType();
  Value out =
      nlc::cpu::allocTileBuffer(b, loc, tl::TileType::get({m, k}, outElem));
  Value src = flatten(b, loc, a), dst = flatten(b, loc, out);
  auto inType = VectorType::get({lanes}, in);
  forEachVector(b, loc, m * k, lanes,
                [&](OpBuilder &vb, Location vl, Value pos, Value mask) {
                  Value v = loadVector(vb, vl, inType, src, pos, mask);
                  storeVector(vb, vl, f(vb, vl, v), dst, pos, mask);
                });
  return out;
}

/// `a` (m x k, i8, its rows one run of memory) biased as biasRowsInto
/// does, into a new buffer, in 64-byte vectors over the whole tile (not
/// row by row: a tile of short rows takes a few vectors, not one per row).
Value biasRows(OpBuilder &b, Location loc, Value a, int64_t m, int64_t k) {
  constexpr int64_t bytes = 64;
  Value flip = splatConstant(b, loc, VectorType::get({bytes}, b.getI8Type()),
                             b.getI8IntegerAttr(-128));
  return mapTile(b, loc, a, m, k, bytes, b.getI8Type(),
                 [&](OpBuilder &vb, Location vl, Value v) -> Value {
                   return arith::XOrIOp::create(vb, vl, v, flip);
                 });
}

/// `a` (m x k, f16 or bf16, any row stride) widened to f32 into rows
/// `row0` .. `row0 + m - 1` of `dest`, row by row (with `rows`, only the
/// first min(rows, m): mapRowsInto).
void widenRowsInto(OpBuilder &b, Location loc, Value a, int64_t m, int64_t k,
                   int64_t lanes, Value dest, Value row0, Value rows = {}) {
  auto wide = VectorType::get({lanes}, b.getF32Type());
  auto narrow =
      VectorType::get({lanes}, cast<MemRefType>(a.getType()).getElementType());
  mapRowsInto(
      b, loc, a, m, k, narrow, wide, dest, row0,
      [&](OpBuilder &vb, Location vl, Value v) {
        return widen(vb, vl, v, wide);
      },
      rows);
}

/// `a` (m x k, f16 or bf16) widened to an f32 buffer, in one pass of
/// vector conversions over the whole tile where its rows are one run of
/// memory, else row by row (A read in the view at its row stride). The k
/// loop then broadcasts f32 elements straight from memory, as for f32
/// inputs; widening each element there instead chains every row's scalar
/// conversion through one register.
Value widenRows(OpBuilder &b, Location loc, Value a, int64_t m, int64_t k,
                int64_t lanes) {
  auto wide = VectorType::get({lanes}, b.getF32Type());
  auto type = cast<MemRefType>(a.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (succeeded(type.getStridesAndOffset(strides, offset)) && strides[0] == k)
    return mapTile(b, loc, a, m, k, lanes, b.getF32Type(),
                   [&](OpBuilder &vb, Location vl, Value v) {
                     return widen(vb, vl, v, wide);
                   });
  Value out = nlc::cpu::allocTileBuffer(
      b, loc, tl::TileType::get({m, k}, b.getF32Type()));
  widenRowsInto(b, loc, a, m, k, lanes, out, index(b, loc, 0));
  return out;
}

/// One step of `group` k at a time (2: pairs, 4: quads) of a block: B's
/// vectors of groups from `packed` (group row `kg`, columns j0 + v * lanes
/// for each vector v, laid out as `blockRows` says: GroupedRows), and for
/// each row A's group at (row, group *
/// kg), `in` elements widened to `groupElem` (bf16 stays bf16, i8 becomes
/// i16 for pairs, stays i8 for quads), as one 32-bit word broadcast to
/// every lane; `mac` adds the products of a broadcast and a B vector to an
/// accumulator. With `groupsAt`, B's vector v is `groupsAt(kg, j0 + v *
/// lanes, v)` instead (pairs made from B's rows in place).
void groupStep(
    OpBuilder &b, Location l, int64_t group, int64_t lanes, Value packed,
    int64_t blockRows, Value a, Type in, Type groupElem, Value kg,
    ArrayRef<Value> rowIdx, Value j0, ValueRange acc,
    SmallVectorImpl<Value> &next,
    function_ref<Value(OpBuilder &, Location, Value acc, Value a, Value b)> mac,
    function_ref<Value(OpBuilder &, Location, Value kg, Value j, int64_t v)>
        groupsAt = {}) {
  int64_t vectors = acc.size() / rowIdx.size();
  auto groupType = VectorType::get({group * lanes}, groupElem);
  Type i32 = b.getI32Type();
  GroupedRows rows{group, lanes, blockRows};
  SmallVector<Value> bv;
  for (int64_t v = 0; v < vectors; ++v) {
    Value j = plus(b, l, j0, v * lanes);
    bv.push_back(groupsAt ? groupsAt(b, l, kg, j, v)
                          : vector::LoadOp::create(b, l, groupType, packed,
                                                   rows.at(b, l, kg, j))
                                .getResult());
  }
  Value k = arith::MulIOp::create(b, l, kg, index(b, l, group));
  for (size_t r = 0; r < rowIdx.size(); ++r) {
    Value elems = vector::LoadOp::create(b, l, VectorType::get({group}, in), a,
                                         ValueRange{rowIdx[r], k});
    if (in != groupElem)
      elems = arith::ExtSIOp::create(b, l, VectorType::get({group}, groupElem),
                                     elems);
    Value word = vector::ExtractOp::create(
        b, l, vector::BitCastOp::create(b, l, VectorType::get({1}, i32), elems),
        ArrayRef<int64_t>{0});
    Value bc = vector::BitCastOp::create(
        b, l, groupType,
        vector::BroadcastOp::create(b, l, VectorType::get({lanes}, i32), word));
    for (int64_t v = 0; v < vectors; ++v)
      next.push_back(mac(b, l, acc[r * vectors + v], bc, bv[v]));
  }
}

/// How the micro-kernel computes a `dot`: input and accumulator types, K,
/// and whether it takes two k per step (`pairs`) or four (`quads`, i8
/// with vpdpbusd), or runs on AMX tiles (`amx`, X86Amx.cpp: B packed in
/// pairs for bf16, in quads for i8, which `pairs` and `quads` then say).
struct DotPlan {
  Type in, accType;
  int64_t k;
  bool int8Dot, pairs, quads, amx;
};

/// On an i8 `dot` that adds to the tile its loop carries (its accumulator
/// the loop's iteration argument, its result yielded in its place) and
/// reads B stored in quads by the launch (`tile.unpair_rows`:
/// tile-pack-dot-operands packs B where A has more than one row tile): a K
/// loop whose steps of 32 may run on AMX tiles, half their depth (amxDot).
/// A decoding step's one row of A keeps the vector rows: on the tiles (16
/// rows for one) the 1 x 4096 x 4096 product of 64 x 64 k32 tiles ran 8.5
/// GOP/s against 16.5 (Sapphire Rapids). Set before the conversion
/// (markInPlaceDotOperands), which moves the loops' blocks.
///
/// Also on an i8 `dot` of its own that starts from zero (no accumulator,
/// or `zeros()`), such as a Q8_0 block's product, scaled right after it:
/// its one step starts from zeroed tiles (`tilezero`) and stores them once,
/// where `vpdpbusd` takes 128 instructions (4x the time at its peak) for
/// the 16 x 16 x 32 of one `tdpbssd`, and biases A into a buffer first.
constexpr StringLiteral kHalfDepthAmx = "nlc.x86_amx_half_depth";

/// The plan for `op`, or nothing where the micro-kernel does not apply.
std::optional<DotPlan> planDot(tl::DotOp op, const VectorTarget &target) {
  tl::TileType type = op.getType();
  DotPlan p;
  p.in = op.getLhs().getType().getElementType();
  p.accType = type.getElementType();
  p.k = op.getLhs().getType().getShape()[1];
  bool floatDot = p.accType.isF32() &&
                  isa<Float32Type, Float16Type, BFloat16Type>(p.in);
  p.int8Dot = p.accType.isInteger(32) && p.in.isInteger(8) && p.k % 2 == 0;
  if (!target.f32Lanes || type.getRank() != 2 ||
      op.getRhs().getType().getElementType() != p.in ||
      !(floatDot || p.int8Dot))
    return std::nullopt;
  p.amx = amxDot(p.in, p.accType, type.getShape()[0], type.getShape()[1], p.k,
                 target, op->hasAttr(kHalfDepthAmx));
  p.quads =
      p.int8Dot &&
      ((target.int8Quads && target.f32Lanes == 16 && p.k % 4 == 0) || p.amx);
  p.pairs =
      (p.int8Dot && !p.quads) ||
      (isa<BFloat16Type>(p.in) &&
       ((target.bf16Pairs && target.f32Lanes == 16 && p.k % 2 == 0) || p.amx));
  return p;
}

constexpr StringLiteral kInPlace = "nlc.x86_dot_in_place";
constexpr StringLiteral kInPlaceAnyRowStride =
    "nlc.x86_dot_in_place_any_row_stride";

/// On a `tile.transpose` whose one use is the right operand of a `dot` in
/// quads (`vpdpbusd` or AMX) with K a multiple of 32, of a row-major i8
/// tile: the `dot` packs B's quads from the transpose's source
/// (packQuadsTransposedInto) and the transpose builds nothing.
constexpr StringLiteral kTransposedQuads = "nlc.x86_transposed_quads";

/// The transpose the right operand of `op` is, where the `dot` packs its
/// quads from the transpose's source.
tl::TransposeOp transposedQuadsOf(tl::DotOp op) {
  auto t = op.getRhs().getDefiningOp<tl::TransposeOp>();
  return t && t->hasAttr(kTransposedQuads) ? t : tl::TransposeOp();
}

/// Whether `load`'s one user `user` follows it in its block with nothing
/// between them that may write memory (other loads only read): the read
/// can move from the load to the user.
bool readCanMoveTo(tl::LoadOp load, Operation *user) {
  if (user->getBlock() != load->getBlock())
    return false;
  for (Operation *o = load->getNextNode(); o != user; o = o->getNextNode())
    if (!isMemoryEffectFree(o) && !isa<tl::LoadOp>(o))
      return false;
  return true;
}

/// The `dot` that reads `load`'s tile: its one user, or the one user of
/// a transpose whose `dot` packs B's quads from it (kTransposedQuads),
/// the load its one use; else null.
tl::DotOp dotReading(tl::LoadOp load) {
  if (!load->hasOneUse())
    return {};
  Operation *user = *load->user_begin();
  if (auto t = dyn_cast<tl::TransposeOp>(user))
    return t->hasAttr(kTransposedQuads) ? cast<tl::DotOp>(*t->user_begin())
                                        : tl::DotOp();
  return dyn_cast<tl::DotOp>(user);
}

/// Whether the micro-kernel may read `load`'s tile in place (see
/// markInPlaceDotOperands).
bool qualifiesInPlace(tl::LoadOp load, const VectorTarget &target) {
  tl::DotOp dot = dotReading(load);
  if (!dot || dot.getAcc() == load.getResult())
    return false;
  if (!planDot(dot, target))
    return false;
  return readCanMoveTo(load, dot);
}

/// Whether the micro-kernel widens A into an f32 buffer first (f16, or
/// bf16 without its pair instruction), reading its rows where they lie.
bool widensLhs(const DotPlan &plan) {
  return !plan.in.isF32() && !plan.pairs && !plan.quads;
}

constexpr StringLiteral kPairsInPlace = "nlc.x86_pairs_in_place";
constexpr StringLiteral kPairsStored = "nlc.x86_pairs_stored";

/// Whether rows of `whole` (KxN) group by `group` in vectors of `lanes`:
/// pairs of 16-bit elements or quads of bytes (16 lanes), rows of whole
/// vectors.
bool groupsInVectors(tl::TileType whole, int64_t group, int64_t lanes) {
  unsigned bits = whole.getElementType().getIntOrFloatBitWidth();
  return lanes && whole.getRank() == 2 &&
         ((group == 2 && bits == 16) ||
          (group == 4 && bits == 8 && lanes == 16)) &&
         whole.getShape()[1] % lanes == 0;
}

/// Whether a grouped tile's blocks (tile.pair_rows block) are ones the
/// vector code reads and writes: none, or a vector's columns each.
bool blocksInVectors(int64_t block, int64_t lanes) {
  return block == 0 || block == lanes;
}

/// A load whose one use is a `tile.pair_rows` that groups in vectors, in
/// the same block, with nothing between them that may write memory: the
/// grouping reads the tile's rows in the view itself.
bool qualifiesForPairsInPlace(tl::LoadOp load, const VectorTarget &target) {
  if (!load->hasOneUse())
    return false;
  auto pair = dyn_cast<tl::PairRowsOp>(*load->user_begin());
  return pair &&
         groupsInVectors(load.getType(), pair.getGroup(), target.f32Lanes) &&
         blocksInVectors(pair.getBlock(), target.f32Lanes) &&
         readCanMoveTo(load, pair);
}

/// Whether `init` (where a K loop's carried tile starts, a `dot`'s
/// accumulator) is a splat of +0 (`zeros()`): AMX blocks then start from
/// `amx.tile_zero`, the same values.
bool startsFromZero(Value init) {
  auto splat = init.getDefiningOp<tl::SplatOp>();
  return splat && (matchPattern(splat.getValue(), m_PosZeroFloat()) ||
                   matchPattern(splat.getValue(), m_Zero()));
}

/// Whether `dot` adds to nothing or to `zeros()`.
bool startsFromZero(tl::DotOp dot) {
  return !dot.getAcc() || startsFromZero(dot.getAcc());
}

struct DotMicroKernel : VectorPattern<tl::DotOp> {
  DotMicroKernel(TypeConverter &converter, MLIRContext *ctx,
                 const VectorTarget &target, const LiveDotRows &live)
      : VectorPattern(converter, ctx, target), live(live) {}
  const LiveDotRows &live;

  LogicalResult
  matchAndRewrite(tl::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<DotPlan> plan = planDot(op, target);
    if (!plan)
      return rewriter.notifyMatchFailure(op, "not a dot into f32 or i32");
    tl::TileType type = op.getType();
    Type f32 = rewriter.getF32Type();
    Type in = plan->in, accType = plan->accType;
    int64_t k = plan->k;
    bool int8Dot = plan->int8Dot, pairs = plan->pairs, quads = plan->quads;
    Location loc = op.getLoc();
    int64_t m = type.getShape()[0], n = type.getShape()[1];
    int64_t lanes = target.f32Lanes;
    auto vt = VectorType::get({lanes}, accType);

    // The accumulator buffer: updated in place when nothing else reads the
    // old value, else a copy (or zeros). Nothing else means one use, in the
    // block that defines the value: a `dot` inside a loop below that block
    // runs once per iteration, each time from the same accumulator.
    Value out;
    // On AMX tiles, a product that starts from zero starts from zeroed
    // tiles (`tilezero`) and stores every tile of its result: no copy, no
    // fill.
    bool zeroStart = plan->amx && startsFromZero(op);
    // (The converted accumulator: a loop's body block, and so its
    // arguments, are replaced when the loop's types are converted.)
    if (adaptor.getAcc() && op.getAcc().hasOneUse() &&
        adaptor.getAcc().getParentBlock() == op->getBlock()) {
      out = adaptor.getAcc();
    } else {
      out = nlc::cpu::allocTileBuffer(rewriter, loc, type);
      if (!zeroStart && adaptor.getAcc())
        memref::CopyOp::create(rewriter, loc, adaptor.getAcc(), out);
      else if (!zeroStart)
        fillWith(rewriter, loc, out, m, n, vt);
    }
    // An operand read in place: its window of the view where the tile lies
    // inside it, else the buffer its load filled (B packed into pairs or
    // quads: at the view's row stride).
    auto source = [&](Value original, Value buffer) -> Value {
      auto load = original.getDefiningOp<tl::LoadOp>();
      if (!load || !readInPlaceByDot(load))
        return buffer;
      InPlaceTile t =
          inPlaceTile(rewriter, loc, load, {}, readInPlaceAnyRowStride(load));
      Value cast =
          memref::CastOp::create(rewriter, loc, t.window.getType(), buffer);
      return arith::SelectOp::create(rewriter, loc, t.inside, t.window, cast);
    };
    Value a = source(op.getLhs(), adaptor.getLhs());
    Value bm = source(op.getRhs(), adaptor.getRhs());
    // The tile B is the transpose of, where the `dot` packs B's quads
    // from it (packQuadsTransposedInto), read in place as B would be.
    auto transposedSource = [&](tl::TransposeOp t) {
      return source(t.getSource(), rewriter.getRemappedValue(t.getSource()));
    };

    if (plan->amx) {
      // B in blocks of 16 columns (GroupedRows), each block's tiles one run
      // of memory.
      int64_t group = quads ? 4 : 2, blockRows = k / group;
      Value packed = memref::AllocaOp::create(
          rewriter, loc,
          MemRefType::get({n / lanes * blockRows, group * lanes}, in));
      if (tl::TransposeOp t = transposedQuadsOf(op))
        packQuadsTransposedInto(rewriter, loc, transposedSource(t), k, n, n,
                                lanes, packed, /*bias=*/{}, blockRows);
      else if (quads)
        packQuadsInto(rewriter, loc, bm, k, n, n, lanes, packed,
                      index(rewriter, loc, 0), /*bias=*/{},
                      /*accumulate=*/false, blockRows);
      else
        packPairsInto(rewriter, loc, bm, k, n, n, lanes, in, packed,
                      index(rewriter, loc, 0), blockRows);
      forEachAmxBlock(
          rewriter, loc, out, m, n, live.lookup(op),
          [&](OpBuilder &b, Location l, Value i0, int64_t rowTiles, Value j0,
              int64_t colTiles, ValueRange acc) {
            return amxSteps(b, l, a, packed, blockRows, k, i0, rowTiles, j0,
                            colTiles, acc);
          },
          zeroStart);
      rewriter.replaceOp(op, out);
      return success();
    }

    // The k step and the number of steps.
    int64_t steps = quads ? k / 4 : pairs ? k / 2 : k;
    // The elements of a pair: bf16 as it is, i8 widened to i16.
    Type pairElem = int8Dot ? Type(rewriter.getI16Type()) : in;
    int64_t np = (n + lanes - 1) / lanes * lanes;
    Value packed;
    PackedQuads packedQuads;
    if (quads) {
      tl::TransposeOp t = transposedQuadsOf(op);
      packedQuads = packQuads(rewriter, loc, t ? transposedSource(t) : bm, k, n,
                              np, lanes, /*transposed=*/bool(t));
      a = biasRows(rewriter, loc, a, m, k);
    } else if (pairs)
      packed = packPairs(rewriter, loc, bm, k, n, np, lanes, pairElem);
    // f16 (or bf16 without its pair instruction): A widened once, and B
    // too where more than one block of rows reads it (each would convert
    // every row of B again: 4 conversions per 24 FMAs on AVX-512).
    Type rhsIn = in;
    if (!quads && !pairs && in != f32) {
      a = widenRows(rewriter, loc, a, m, k, lanes);
      if (m > int64_t(target.dotRows)) {
        bm = widenRows(rewriter, loc, bm, k, n, lanes);
        rhsIn = f32;
      }
    }
    auto step = [&](OpBuilder &b, Location l, Value kk, ArrayRef<Value> rowIdx,
                    Value j0, int64_t cols, ValueRange acc,
                    SmallVectorImpl<Value> &next) {
      fmaStep(b, l, a, bm, vt, rhsIn, kk, rowIdx, j0, cols, acc, next);
    };
    // Pairs: vpmaddwd (i8 widened to i16) or vdpbf16ps.
    auto pairStep = [&](OpBuilder &b, Location l, Value kp,
                        ArrayRef<Value> rowIdx, Value j0, int64_t,
                        ValueRange acc, SmallVectorImpl<Value> &next) {
      groupStep(b, l, 2, lanes, packed, /*blockRows=*/0, a, in, pairElem, kp,
                rowIdx, j0, acc, next, multiplyAddPairsInto);
    };
    // vpdpbusd: A's quad (biased) broadcast, B's quads of each vector.
    auto quadStep = [&](OpBuilder &b, Location l, Value kq,
                        ArrayRef<Value> rowIdx, Value j0, int64_t,
                        ValueRange acc, SmallVectorImpl<Value> &next) {
      groupStep(b, l, 4, lanes, packedQuads.packed, /*blockRows=*/0, a, in, in,
                kq, rowIdx, j0, acc, next, multiplyAddQuads);
    };
    // A block's accumulators less the bias of their columns, then the quad
    // steps.
    auto quadBlock = [&](OpBuilder &b, Location l, Value i0, int64_t rows,
                         Value j0, int64_t cols) {
      emitBlockWith(b, l, out, i0, rows, j0, cols, vt,
                    [&](OpBuilder &bb, Location ll, ArrayRef<Value> rowIdx,
                        ValueRange init) {
                      int64_t vectors = init.size() / rows;
                      SmallVector<Value> bias, start;
                      for (int64_t v = 0; v < vectors; ++v)
                        bias.push_back(vector::LoadOp::create(
                            bb, ll, vt, packedQuads.bias,
                            ValueRange{plus(bb, ll, j0, v * lanes)}));
                      for (int64_t r = 0; r < rows; ++r)
                        for (int64_t v = 0; v < vectors; ++v)
                          start.push_back(arith::SubIOp::create(
                              bb, ll, init[r * vectors + v], bias[v]));
                      return stepLoop(bb, ll, steps, rowIdx, j0, cols, start,
                                      quadStep);
                    });
    };

    forEachBlock(
        rewriter, loc, m, n, target,
        [&](OpBuilder &b, Location l, Value i0, int64_t rows, Value j0,
            int64_t cols) {
          if (quads)
            quadBlock(b, l, i0, rows, j0, cols);
          else if (pairs)
            emitBlock(b, l, out, i0, rows, j0, cols, steps, vt, pairStep);
          else
            emitBlock(b, l, out, i0, rows, j0, cols, steps, vt, step);
        },
        live.lookup(op));
    rewriter.replaceOp(op, out);
    return success();
  }
};

// The K loop run whole. A grid's K loop whose body only loads two tiles
// read in place and adds their `dot` to the tile it carries,
//
//   acc = init; for k { acc = dot(load(A, [.., k]), load(B, [k, ..]), acc) }
//
// would run the micro-kernel once per iteration: every register block
// loads its accumulators from the tile buffer, runs K steps (32 in the
// usual form) and stores them back. When every tile the loop loads lies
// inside its view, the loop's iterations and the micro-kernel's blocks
// commute: each block keeps its accumulators in registers across a chunk
// of the loop's iterations, reading each iteration's A and B tiles in
// their views. Each accumulator element still gets the same operations in
// the same order (the loop's iterations in order, k in order within each),
// so results are bit-identical to the loop of micro-kernels.
//
// - f32: the k steps read B's rows and broadcast A's elements straight
//   from the views. B's tiles must have contiguous rows (a tile of a
//   packed tensor) unless its view is small (kF32StridedElements): on a
//   large plain matrix's long row stride that measured slower than the
//   copies. A's may have any row stride.
// - pairs (bf16 with vdpbf16ps, i8 with vpmaddwd) and quads (i8 with
//   vpdpbusd): any row stride. Each chunk first packs its iterations' B
//   tiles into pairs or quads (packPairsInto, packQuadsInto), one after
//   the other in one buffer, and the blocks read that and A's groups in
//   place; quads read A biased into another buffer (biasRowsInto) and
//   subtract the chunk's bias (the sum of its tiles' column sums, times
//   128) from the accumulators once per chunk. This skips the loads'
//   copies of both tiles and the accumulators' loads and stores at every
//   iteration. A bf16 B already stored in pairs (tile-pack-dot-operands'
//   pack-rhs-pairs: the `dot` reads `tile.unpair_rows` of the loaded
//   tile) is read as it is: no packing, no buffer.
// - f16 (and bf16 without vdpbf16ps), whose `dot` widens its operands to
//   f32: any row stride. Each chunk first widens its iterations' A and B
//   tiles into two f32 buffers (widenRowsInto), one below the other; the
//   k steps are then f32's on those. Against a micro-kernel per iteration
//   (each widening its tiles, loading and storing its accumulators):
//   1.00-1.04x at 256^3-4096^3, 1.11x at 4096 x 4096 x 128 on a Zen 4
//   (bench's f16 program, one thread). A launch large enough to pack its
//   f16 operands packs them widened instead (tile-pack-dot-operands'
//   widen-f16): its K loop is then f32's.
//
// Whether the tiles lie inside is only known at run time: splitDotKLoops
// puts the loop in an scf.if on a check of every iteration's indices, its
// copy marked for DotKLoop in the `then` branch, the loop as it was (one
// micro-kernel per iteration) in the `else`.

constexpr StringLiteral kKLoop = "nlc.x86_dot_k_loop";

/// About how many k a chunk of the K loop's iterations holds (DotKLoop),
/// f32: four tiles of a K step of 64, eight of 32. On a Zen 5 this measured
/// 1.02-1.12x chunks of 64 k at 256^3-4096^3 (the most at 4096^3), and 512
/// no faster (docs/Performance.md); on a Zen 3 chunks of 128 k or more had
/// measured slower at 2048^3.
constexpr int64_t kChunkK = 256;
/// The buffers' bytes of a chunk of a K loop run whole whose `dot`
/// computes fewer rows than a register block has (LiveDotRows: decoding
/// one token, M = 1): B's packed pairs or quads, widened f16 tiles. Each
/// chunk's buffers are read once, by one block, so they should stay in L1:
/// on a Zen 4 (1 x 4096 x 4096, bench's forms, one thread) chunks this
/// short ran f16 1.12-1.43x, bf16 1.01-1.15x and i8 1.18-1.33x the loop as
/// written, where the longest chunks gave 0.86-1.28x.
constexpr int64_t kFewRowsChunkBytes = 16 << 10;
/// The most k a chunk of pairs or quads holds, and the most bytes its packed
/// B may take (on the stack, DotKLoop). Each block loads and stores its
/// accumulators once per chunk, so the fewer chunks the better; the blocks then
/// read their strip of packed B from L2 rather than L1, which measured no
/// slower: on a Zen 5, chunks of 2048 k against 256 ran bf16 1024^3-4096^3 with
/// 128x128 tiles 1.02-1.12x and i8 1.03-1.06x, 64x64 tiles 1.00-1.02x
/// (docs/Performance.md).
constexpr int64_t kPairChunkK = 2048;
constexpr int64_t kPairChunkBytes = 512 << 10;
/// f32 B tiles whose rows are not contiguous are read in place only from
/// views of at most this many elements (2 MiB), the views that
/// tile-pack-dot-operands leaves unpacked (its `min-f32-elements`): there
/// this measured 1.03-1.20x the loop of copies and micro-kernels (256^2 and
/// 512^2 on a Zen 5); on larger plain matrices 0.8-1.2x (docs/Kernels.md).
/// A's tiles, whose elements each k step broadcasts from 6 rows, are read
/// at any stride (the Linux pipeline no longer packs f32 A).
constexpr int64_t kF32StridedElements = 524288;

/// A K loop's two operand loads and its `dot`, which takes its k `group`
/// at a time: 1 (f32), 2 (pairs) or 4 (quads, DotPlan).
struct KLoop {
  tl::LoadOp lhs, rhs;
  tl::DotOp dot;
  int64_t group;
  /// B's tiles stored in pairs or quads (tile-pack-dot-operands'
  /// pack-rhs-pairs, pack-rhs-quads), which the `dot` reads through this
  /// unpair_rows; null otherwise.
  tl::UnpairRowsOp unpair;
  /// On AMX tiles (DotPlan).
  bool amx;
  /// A's tiles stored biased for `vpdpbusd` (tile-pack-dot-operands'
  /// bias-i8-lhs), which the `dot` reads through this op adding -128 to
  /// every byte (flippedSignLoad); null otherwise. Its splat, if one.
  Operation *unbias = nullptr, *unbiasSplat = nullptr;
  /// f16 (or bf16 without vdpbf16ps): each chunk's A and B tiles widened
  /// into f32 buffers first, the k steps then as f32's.
  bool widened = false;
};

/// The load whose bytes `v` is with each top bit flipped (-128 added,
/// wrapping): `tile.add` of it and a splat of -128, or the `tile.fused`
/// tile-fuse-elementwise makes of that; else null.
tl::LoadOp flippedSignLoad(Value v, Operation *&splat) {
  auto isMinus128 = [](Value c) {
    APInt v;
    return matchPattern(c, m_ConstantInt(&v)) && v.getBitWidth() == 8 &&
           v.isMinSignedValue();
  };
  splat = nullptr;
  if (auto add = v.getDefiningOp<tl::AddOp>()) {
    for (auto [x, y] : {std::pair(add.getLhs(), add.getRhs()),
                        std::pair(add.getRhs(), add.getLhs())}) {
      auto s = y.getDefiningOp<tl::SplatOp>();
      auto load = x.getDefiningOp<tl::LoadOp>();
      if (s && load && isMinus128(s.getValue())) {
        splat = s;
        return load;
      }
    }
    return {};
  }
  auto fused = v.getDefiningOp<tl::FusedOp>();
  if (!fused || fused.getInputs().size() != 2)
    return {};
  Block &body = fused.getBody().front();
  auto add = dyn_cast<arith::AddIOp>(body.front());
  if (!add || &body.front() != body.getTerminator()->getPrevNode() ||
      body.getTerminator()->getOperand(0) != add.getResult())
    return {};
  for (unsigned t = 0; t < 2; ++t) {
    auto load = fused.getInputs()[t].getDefiningOp<tl::LoadOp>();
    Value scalar = fused.getInputs()[1 - t];
    if (load && fused.getBroadcast()[t] == -1 &&
        load.getType() == fused.getType() && isMinus128(scalar) &&
        llvm::is_contained(ValueRange{add.getLhs(), add.getRhs()},
                           body.getArgument(t)) &&
        llvm::is_contained(ValueRange{add.getLhs(), add.getRhs()},
                           body.getArgument(1 - t)))
      return load;
  }
  return {};
}

/// `loop` as a K loop: one carried tile, added to by an f32 `dot` or one
/// of pairs or quads (DotPlan) of two loads read in place (views defined
/// outside the loop), yielded; every other op of the body index arithmetic (no
/// memory effect, no region, no tile).
std::optional<KLoop> matchKLoop(scf::ForOp loop, const VectorTarget &target) {
  Block *body = loop.getBody();
  if (loop.getNumRegionIterArgs() != 1)
    return std::nullopt;
  Value acc = loop.getRegionIterArgs()[0];
  auto dot = body->getTerminator()->getOperand(0).getDefiningOp<tl::DotOp>();
  if (!dot || dot->getBlock() != body || dot.getAcc() != acc ||
      !acc.hasOneUse() || !dot->hasOneUse())
    return std::nullopt;
  std::optional<DotPlan> plan = planDot(dot, target);
  auto lhs = dot.getLhs().getDefiningOp<tl::LoadOp>();
  // A stored biased (bias-i8-lhs) is read as it is by i8 quad steps, which
  // would otherwise bias it into a buffer.
  Operation *unbias = nullptr, *unbiasSplat = nullptr;
  if (!lhs && plan && plan->quads && !plan->amx) {
    lhs = flippedSignLoad(dot.getLhs(), unbiasSplat);
    if (lhs) {
      unbias = dot.getLhs().getDefiningOp();
      if (unbias->getBlock() != body || !lhs->hasOneUse() ||
          !unbias->hasOneUse())
        return std::nullopt;
      // Its splat goes with it where only it uses the splat in the body
      // (a splat used elsewhere in the body is a tile the check below
      // refuses; one outside the body stays where it is).
      if (unbiasSplat &&
          (unbiasSplat->getBlock() != body || !unbiasSplat->hasOneUse()))
        unbiasSplat = nullptr;
    }
  }
  auto unpair = dot.getRhs().getDefiningOp<tl::UnpairRowsOp>();
  auto rhs = unpair ? unpair.getSource().getDefiningOp<tl::LoadOp>()
                    : dot.getRhs().getDefiningOp<tl::LoadOp>();
  if (!plan ||
      !(plan->in.isF32() || plan->pairs || plan->quads || widensLhs(*plan)) ||
      !lhs || !rhs || lhs == rhs)
    return std::nullopt;
  // B's tiles stored in pairs or quads (tile-pack-dot-operands'
  // pack-rhs-pairs, pack-rhs-quads), in one block or in blocks of a vector's
  // columns (pair-blocks), are read as they are by bf16 pair steps or i8
  // quad steps over whole vectors of columns.
  bool pairedInPlace =
      unpair && unpair->getBlock() == body && rhs->hasOneUse() &&
      unpair->hasOneUse() &&
      ((plan->pairs && plan->in.isBF16() && unpair.getGroup() == 2) ||
       (plan->quads && plan->in.isInteger(8) && unpair.getGroup() == 4)) &&
      (!unpair.getBlock() || unpair.getBlock() == target.f32Lanes) &&
      dot.getType().getShape()[1] % target.f32Lanes == 0;
  if (unpair && !pairedInPlace)
    return std::nullopt;
  for (tl::LoadOp load : {lhs, rhs})
    if (load->getBlock() != body ||
        !((load == rhs && unpair) || (load == lhs && unbias) ||
          readInPlaceByDot(load)) ||
        !loop.isDefinedOutsideOfLoop(load.getView()))
      return std::nullopt;
  for (Operation &o : body->without_terminator())
    if (&o != lhs && &o != rhs && &o != dot && &o != unpair && &o != unbias &&
        &o != unbiasSplat &&
        (o.getNumRegions() || !isMemoryEffectFree(&o) ||
         llvm::any_of(o.getResultTypes(),
                      [](Type t) { return isa<tl::TileType>(t); })))
      return std::nullopt;
  return KLoop{lhs,
               rhs,
               dot,
               plan->quads   ? 4
               : plan->pairs ? 2
                             : 1,
               unpair,
               plan->amx,
               unbias,
               unbiasSplat,
               widensLhs(*plan)};
}

/// The iterations of a loop from `lb` to `ub` by `step` (any integer type,
/// a positive step), as an index: at most 0 where `ub` is at or below `lb`.
Value tripCount(OpBuilder &b, Location loc, Value lb, Value ub, Value step) {
  Value trips = arith::CeilDivSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, ub, lb), step);
  if (trips.getType().isIndex())
    return trips;
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), trips);
}

/// How many of a K loop's iterations DotKLoop runs per chunk: about
/// kChunkK k for f32 and f16, kPairChunkK for pairs and quads within
/// kPairChunkBytes of packed B (f16: of widened A and B).
int64_t chunkIterations(KLoop k, const VectorTarget &target) {
  int64_t n = k.dot.getType().getShape()[1];
  int64_t kt = k.lhs.getType().getShape()[1];
  int64_t lanes = target.f32Lanes;
  int64_t np = (n + lanes - 1) / lanes * lanes;
  Type in = k.lhs.getType().getElementType();
  int64_t bytes =
      k.group == 2 && in.isInteger(8) ? 2 : in.getIntOrFloatBitWidth() / 8;
  int64_t chunkK = k.group == 1
                       ? kChunkK
                       : std::min(kPairChunkK, kPairChunkBytes / (np * bytes));
  // Widened (f16): A's and B's f32 tiles of a chunk within kPairChunkBytes
  // too (both on the stack).
  if (k.widened) {
    int64_t m = k.dot.getType().getShape()[0];
    chunkK = std::min(chunkK, kPairChunkBytes / (4 * (m + n)));
  }
  return std::max<int64_t>(1, chunkK / kt);
}

/// Clones the index arithmetic of `loop`'s body at `b`'s insertion point,
/// its induction variable replaced by `iv`; returns the indices of each
/// operand load there (A's, then B's).
std::array<SmallVector<Value, 4>, 2>
cloneIndices(OpBuilder &b, scf::ForOp loop, const KLoop &k, Value iv) {
  IRMapping map;
  map.map(loop.getInductionVar(), iv);
  for (Operation &o : loop.getBody()->without_terminator())
    if (&o != k.lhs && &o != k.rhs && &o != k.dot && &o != k.unpair &&
        &o != k.unbias && &o != k.unbiasSplat)
      b.clone(o, map);
  auto indices = [&](tl::LoadOp load) {
    return llvm::map_to_vector<4>(
        load.getIndices(), [&](Value v) { return map.lookupOrDefault(v); });
  };
  return {indices(k.lhs), indices(k.rhs)};
}

/// The in-place tiles of iteration `iv` of `loop` (A's, then B's), as
/// DotKLoop reads them.
std::array<InPlaceTile, 2> iterationTiles(OpBuilder &b, Location loc,
                                          scf::ForOp loop, const KLoop &k,
                                          Value iv) {
  auto [ai, bi] = cloneIndices(b, loop, k, iv);
  return {inPlaceTile(b, loc, k.lhs, ai, /*anyRowStride=*/true),
          inPlaceTile(b, loc, k.rhs, bi, /*anyRowStride=*/true)};
}

/// The marked K loop (splitDotKLoops) as register blocks that each run a
/// chunk of its iterations at a time.
struct DotKLoop : OpConversionPattern<scf::ForOp> {
  DotKLoop(TypeConverter &converter, MLIRContext *ctx,
           const VectorTarget &target, const LiveDotRows &live)
      : OpConversionPattern(converter, ctx, /*benefit=*/10), target(target),
        live(live) {}
  VectorTarget target;
  const LiveDotRows &live;

  LogicalResult
  matchAndRewrite(scf::ForOp loop, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<KLoop> k;
    if (loop->hasAttr(kKLoop))
      k = matchKLoop(loop, target);
    if (!k)
      return rewriter.notifyMatchFailure(loop, "not a marked K loop");
    Location loc = loop.getLoc();
    tl::TileType type = k->dot.getType();
    int64_t m = type.getShape()[0], n = type.getShape()[1];
    int64_t kt = k->lhs.getType().getShape()[1];
    int64_t lanes = target.f32Lanes;
    Type in = k->lhs.getType().getElementType();
    auto vt = VectorType::get({lanes}, type.getElementType());
    Value buffer = nlc::cpu::allocTileBuffer(rewriter, loc, type);
    // The blocks write the loop's result straight where the store after
    // it would copy it, where they may (DirectStore), with non-temporal
    // stores where that store would stream; else into the buffer.
    Value out = buffer, nontemporal;
    const DirectStore *direct = nullptr;
    if (target.direct)
      if (auto it = target.direct->find(loop); it != target.direct->end())
        direct = &it->second;
    // AMX tiles have no non-temporal store: where the store would stream,
    // the blocks write the buffer, copied into the view after them with
    // non-temporal stores (`copyOut`).
    Value copyOut;
    if (direct) {
      Value typed =
          memref::CastOp::create(rewriter, loc, direct->window.getType(), buffer);
      auto select = [&](Value writesView) {
        out = arith::SelectOp::create(rewriter, loc, writesView, direct->window,
                                      typed);
      };
      // Vector blocks write the view wherever they may (non-temporal where
      // the store streams), AMX blocks only where it does not stream.
      if (!k->amx)
        select(direct->direct);
      Value streams =
          storeStreams(rewriter, loc, cast<tl::StoreOp>(direct->store), target);
      if (streams)
        nontemporal =
            arith::AndIOp::create(rewriter, loc, direct->direct, streams);
      if (k->amx) {
        Value tilesInView = direct->direct;
        if (streams) {
          copyOut = nontemporal;
          tilesInView = arith::AndIOp::create(
              rewriter, loc, tilesInView,
              arith::XOrIOp::create(
                  rewriter, loc, streams,
                  arith::ConstantIntOp::create(rewriter, loc, 1, 1)));
        }
        select(tilesInView);
      }
    }
    // A carried tile that starts as a splat (`zeros()`) is not copied from
    // the splat's buffer (which is then unused): the blocks of the first
    // chunk start from its scalar in registers (AMX: from zeroed tiles,
    // where it is +0), and the buffer is filled with it only when the loop
    // runs no iteration. Other AMX blocks load their tiles from the
    // buffer: it holds the splat.
    Value splatValue;
    auto splat = loop.getInitArgs()[0].getDefiningOp<tl::SplatOp>();
    bool zeroStart = k->amx && startsFromZero(loop.getInitArgs()[0]);
    if (splat && k->amx && !zeroStart) {
      fillWith(rewriter, loc, out, m, n, vt,
               rewriter.getRemappedValue(splat.getValue()));
    } else if (splat) {
      splatValue = rewriter.getRemappedValue(splat.getValue());
      scf::IfOp::create(rewriter, loc,
                        arith::CmpIOp::create(
                            rewriter, loc, arith::CmpIPredicate::sge,
                            adaptor.getLowerBound(), adaptor.getUpperBound()),
                        [&](OpBuilder &b, Location l) {
                          fillWith(b, l, out, m, n, vt, splatValue);
                          scf::YieldOp::create(b, l);
                        });
    } else {
      memref::CopyOp::create(rewriter, loc, adaptor.getInitArgs()[0], out);
    }
    // Pairs and quads: each chunk's B tiles packed, one below the other;
    // quads also A's tiles biased, and the chunk's bias (the sum of its
    // tiles' biases: everything wraps modulo 2^32).
    int64_t group = k->group;
    int64_t np = (n + lanes - 1) / lanes * lanes;
    Type groupElem =
        group == 2 && in.isInteger(8) ? Type(rewriter.getI16Type()) : in;
    int64_t chunkIters = chunkIterations(*k, target);
    // The buffers hold a chunk's iterations, or all of the loop's when it
    // has fewer (at least one): sized at run time, on the stack, so that a
    // short loop takes no more room than it needs (placeBuffers leaves
    // allocas of dynamic size where they are; kPairChunkBytes bounds them).
    // B stored in pairs or quads is read in place: no packing (quads still
    // sum its columns and bias A).
    bool paired = bool(k->unpair);
    // How an iteration's B is laid out (GroupedRows): as stored, or as
    // packed here, for AMX in blocks of 16 columns (X86Amx.cpp), else in
    // rows of every column. `slotRows` x `slotCols`: its packed slot.
    int64_t blockRows =
        (paired ? k->unpair.getBlock() != 0 : k->amx) ? kt / group : 0;
    int64_t slotRows = blockRows ? np / lanes * blockRows : kt / group;
    int64_t slotCols = blockRows ? group * lanes : group * np;
    Value packed, bias, biasedA, wideA, wideB;
    // Rows of a buffer holding `perIteration` rows for each iteration of
    // a chunk.
    Value bufferIters;
    auto rows = [&](int64_t perIteration) -> Value {
      if (!bufferIters) {
        Value trips = tripCount(rewriter, loc, adaptor.getLowerBound(),
                                adaptor.getUpperBound(), adaptor.getStep());
        bufferIters = arith::MaxSIOp::create(
            rewriter, loc, index(rewriter, loc, 1),
            arith::MinSIOp::create(rewriter, loc, trips,
                                   index(rewriter, loc, chunkIters)));
      }
      return arith::MulIOp::create(rewriter, loc, bufferIters,
                                   index(rewriter, loc, perIteration));
    };
    if (k->widened) {
      // f16: the chunk's tiles of A and B widened to f32, one below the
      // other, which the f32 steps then read.
      auto f32 = rewriter.getF32Type();
      wideA = memref::AllocaOp::create(
          rewriter, loc, MemRefType::get({ShapedType::kDynamic, kt}, f32),
          ValueRange{rows(m)});
      wideB = memref::AllocaOp::create(
          rewriter, loc, MemRefType::get({ShapedType::kDynamic, n}, f32),
          ValueRange{rows(kt)});
    }
    if (group > 1 && (!paired || (group == 4 && !k->amx))) {
      if (!paired)
        packed = memref::AllocaOp::create(
            rewriter, loc,
            MemRefType::get({ShapedType::kDynamic, slotCols}, groupElem),
            ValueRange{rows(slotRows)});
      if (group == 4 && !k->amx) {
        bias = memref::AllocaOp::create(
            rewriter, loc, MemRefType::get({np}, rewriter.getI32Type()));
        // A stored biased is read in place.
        if (!k->unbias)
          biasedA = memref::AllocaOp::create(
            rewriter, loc, MemRefType::get({ShapedType::kDynamic, kt}, in),
            ValueRange{rows(m)});
      }
    }
    // The iterations go in chunks: all blocks run one chunk before the
    // next, so that a block's strip of B (and of A) for the chunk stays in
    // L1 while the next row block reads it.
    Value step = adaptor.getStep();
    auto iterationsOf = [&](int64_t n) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc, rewriter.getIntegerAttr(step.getType(), n));
    };
    Value iters = iterationsOf(chunkIters);
    // Fewer rows computed than a block has (decoding one token): each
    // chunk's buffers are then read once, by one block, and long chunks
    // only send them through L2. Chunks of about kFewRowsChunkBytes of
    // buffers keep them in L1.
    int64_t bufferBytes =
        wideA    ? 4 * (m + n) * kt
        : packed ? slotRows * slotCols * groupElem.getIntOrFloatBitWidth() / 8 +
                       (biasedA ? m * kt : 0)
                 : 0;
    // (Not for AMX blocks, whose tiles hold 16 rows: unmeasured there.)
    Value fewLive;
    if (Value rowsLive = live.lookup(k->dot); rowsLive && !k->amx)
      fewLive =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                rowsLive, index(rewriter, loc, target.dotRows));
    if (fewLive && bufferBytes) {
      int64_t few = std::max<int64_t>(1, kFewRowsChunkBytes / bufferBytes);
      if (few < chunkIters)
        iters = arith::SelectOp::create(rewriter, loc, fewLive,
                                        iterationsOf(few), iters);
    }
    // f16 with fewer live rows than a block: B, each of whose elements the
    // one block then reads once, is widened as the k steps read it, in
    // place, not into a buffer first (1 x 4096 x 4096 on a Zen 4, one
    // thread: 1.38-1.66x the buffered widening, 14.0-14.8 GB/s of B); pairs
    // likewise, made from B's two rows as the steps read them (the same
    // pairs the packing stores).
    Value readBInPlace = wideA || (group == 2 && packed) ? fewLive : Value();
    // f32 where the target takes longer chunks: those where the first two
    // iterations' tiles of B follow each other in memory (VectorTarget's
    // f32ChunkK).
    int64_t longer = target.f32ChunkK / kt;
    if (group == 1 && !k->widened && longer > chunkIters) {
      Value lb = adaptor.getLowerBound();
      std::array<SmallVector<Value, 4>, 2> first =
          cloneIndices(rewriter, loop, *k, lb);
      std::array<SmallVector<Value, 4>, 2> second = cloneIndices(
          rewriter, loop, *k, arith::AddIOp::create(rewriter, loc, lb, step));
      iters = arith::SelectOp::create(
          rewriter, loc,
          tileFollows(rewriter, loc, k->rhs, first[1], second[1]),
          iterationsOf(longer), iters);
    }
    Value chunk = arith::MulIOp::create(rewriter, loc, step, iters);
    auto chunks = scf::ForOp::create(rewriter, loc, adaptor.getLowerBound(),
                                     adaptor.getUpperBound(), chunk);
    rewriter.setInsertionPointToStart(chunks.getBody());
    Value from = chunks.getInductionVar();
    Value to = arith::MinSIOp::create(
        rewriter, loc, arith::AddIOp::create(rewriter, loc, from, chunk),
        adaptor.getUpperBound());
    // Iteration `iv`'s place in the chunk.
    auto place = [&](OpBuilder &b, Location l, Value iv) -> Value {
      Value p = arith::DivSIOp::create(
          b, l, arith::SubIOp::create(b, l, iv, from), step);
      if (!p.getType().isIndex())
        p = arith::IndexCastOp::create(b, l, b.getIndexType(), p);
      return p;
    };
    // Rows `rows` from row `place * rows` of `buffer` (cols wide).
    auto slot = [&](OpBuilder &b, Location l, Value buffer, Value at,
                    int64_t rows, int64_t cols) -> Value {
      return memref::SubViewOp::create(
          b, l, buffer,
          ArrayRef<OpFoldResult>{
              arith::MulIOp::create(b, l, at, index(b, l, rows)).getResult(),
              b.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(rows), b.getIndexAttr(cols)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
    };
    // Iterations from `from` to `to`, each given its iteration variable.
    auto iterations = [&](OpBuilder &b, Location l, ValueRange init,
                          function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                          Value, ValueRange)>
                              body) {
      auto each = scf::ForOp::create(
          b, l, from, to, step, init,
          [&](OpBuilder &tb, Location tl, Value iv, ValueRange acc) {
            scf::YieldOp::create(tb, tl, body(tb, tl, iv, acc));
          });
      return SmallVector<Value>(each.getResults());
    };
    if (bias)
      fillWith(rewriter, loc,
               memref::ExpandShapeOp::create(
                   rewriter, loc,
                   MemRefType::get({1, np}, rewriter.getI32Type()), bias,
                   ArrayRef<ReassociationIndices>{{0, 1}}),
               1, np, VectorType::get({lanes}, rewriter.getI32Type()));
    if (packed || bias || wideA)
      iterations(rewriter, loc, {},
                 [&](OpBuilder &b, Location l, Value iv, ValueRange) {
                   auto [a, bt] = iterationTiles(b, l, loop, *k, iv);
                   Value at = place(b, l, iv);
                   // A's rows past those the blocks compute may lie past
                   // its view (splitDotKLoops): never read.
                   Value liveRows = live.lookup(k->dot);
                   // B into its buffer, unless the steps read it in place.
                   auto fillB = [&](function_ref<void(OpBuilder &, Location)>
                                        fill) {
                     if (!readBInPlace)
                       return fill(b, l);
                     scf::IfOp::create(
                         b, l,
                         arith::XOrIOp::create(
                             b, l, readBInPlace,
                             arith::ConstantIntOp::create(b, l, 1, 1)),
                         [&](OpBuilder &ib, Location il) {
                           fill(ib, il);
                           scf::YieldOp::create(ib, il);
                         });
                   };
                   if (wideA) {
                     widenRowsInto(
                         b, l, a.window, m, kt, lanes, wideA,
                         arith::MulIOp::create(b, l, at, index(b, l, m)),
                         liveRows);
                     fillB([&](OpBuilder &wb, Location wl) {
                       widenRowsInto(wb, wl, bt.window, kt, n, lanes, wideB,
                                     arith::MulIOp::create(wb, wl, at,
                                                           index(wb, wl, kt)));
                     });
                     return SmallVector<Value>();
                   }
                   Value row0 =
                       arith::MulIOp::create(b, l, at, index(b, l, slotRows));
                   if (group == 2) {
                     fillB([&](OpBuilder &pb, Location pl) {
                       packPairsInto(pb, pl, bt.window, kt, n, np, lanes,
                                     groupElem, packed, row0, blockRows);
                     });
                   } else {
                     if (paired)
                       addQuadColumnBias(b, l, bt.window,
                                         GroupedRows{4, lanes, blockRows}, kt,
                                         np, bias);
                     else
                       packQuadsInto(b, l, bt.window, kt, n, np, lanes, packed,
                                     row0, bias, /*accumulate=*/true,
                                     blockRows);
                     if (biasedA)
                       biasRowsInto(
                           b, l, a.window, m, kt, biasedA,
                           arith::MulIOp::create(b, l, at, index(b, l, m)),
                           liveRows);
                   }
                   return SmallVector<Value>();
                 });
    // A block's k steps (`steps`, B from its buffer or, with `inPlace`,
    // from its view), for a block of fewer rows than a register block's
    // behind a run-time choice: in place where fewer rows than that are
    // live (readBInPlace). A block of a register block's rows runs only
    // where that many rows are live: its steps read the buffer.
    auto stepsReadingB =
        [&](OpBuilder &b, Location l, ValueRange acc, size_t blockRows,
            function_ref<SmallVector<Value>(OpBuilder &, Location, bool)>
                steps) -> SmallVector<Value> {
      if (!readBInPlace || blockRows >= target.dotRows)
        return steps(b, l, /*inPlace=*/false);
      auto branch = scf::IfOp::create(b, l, acc.getTypes(), readBInPlace,
                                      /*withElse=*/true);
      OpBuilder ib = branch.getThenBodyBuilder();
      scf::YieldOp::create(ib, l, steps(ib, l, /*inPlace=*/true));
      OpBuilder eb = branch.getElseBodyBuilder();
      scf::YieldOp::create(eb, l, steps(eb, l, /*inPlace=*/false));
      return SmallVector<Value>(branch.getResults());
    };
    auto tiles = [&](OpBuilder &b, Location l, ArrayRef<Value> rowIdx, Value j0,
                     int64_t cols, ValueRange init) {
      SmallVector<Value> start(init);
      // Quads: the accumulators less the chunk's bias of their columns.
      if (group == 4) {
        int64_t vectors = init.size() / rowIdx.size();
        for (int64_t v = 0; v < vectors; ++v) {
          Value columnBias = vector::LoadOp::create(
              b, l, vt, bias, ValueRange{plus(b, l, j0, v * lanes)});
          for (size_t r = 0; r < rowIdx.size(); ++r)
            start[r * vectors + v] =
                arith::SubIOp::create(b, l, start[r * vectors + v], columnBias);
        }
      }
      return iterations(
          b, l, start,
          [&](OpBuilder &tb, Location tl, Value iv, ValueRange acc) {
            auto [a, bt] = iterationTiles(tb, tl, loop, *k, iv);
            if (group == 1) {
              // f16: this iteration's widened tiles (B's in place: its f16
              // rows, widened as read).
              Value fa = a.window, fb = bt.window;
              Type stepIn = in;
              if (wideA) {
                Value at = place(tb, tl, iv);
                fa = slot(tb, tl, wideA, at, m, kt);
                fb = slot(tb, tl, wideB, at, kt, n);
                stepIn = tb.getF32Type();
              }
              return stepsReadingB(
                  tb, tl, acc, rowIdx.size(),
                  [&](OpBuilder &sb0, Location sl0, bool inPlace) {
                    Value bm = inPlace ? bt.window : fb;
                    Type bIn = inPlace ? in : stepIn;
                    return stepLoop(
                        sb0, sl0, kt, rowIdx, j0, cols, acc,
                        [&](OpBuilder &sb, Location sl, Value kk,
                            ArrayRef<Value> rows, Value j, int64_t w,
                            ValueRange sacc, SmallVectorImpl<Value> &next) {
                          fmaStep(sb, sl, fa, bm, vt, bIn, kk, rows, j, w, sacc,
                                  next);
                        });
                  });
            }
            // groupStep reads rows of this iteration's packed B (and
            // biased A) tile.
            Value at = place(tb, tl, iv);
            Value pb = paired ? bt.window
                              : slot(tb, tl, packed, at, slotRows, slotCols);
            Value pa =
                biasedA ? slot(tb, tl, biasedA, at, m, kt) : a.window;
            auto steps = [&](OpBuilder &sb0, Location sl0, bool inPlace) {
              return stepLoop(
                  sb0, sl0, kt / group, rowIdx, j0, cols, acc,
                  [&](OpBuilder &sb, Location sl, Value kg,
                      ArrayRef<Value> rows, Value j, int64_t w, ValueRange sacc,
                      SmallVectorImpl<Value> &next) {
                    auto pairsInPlace = [&](OpBuilder &gb, Location gl, Value p,
                                            Value col, int64_t v) {
                      return pairsOfRows(
                          gb, gl, bt.window, p, col,
                          std::min<int64_t>(lanes, w - v * lanes), lanes,
                          groupElem);
                    };
                    if (group == 2)
                      groupStep(
                          sb, sl, 2, lanes, pb, blockRows, pa, in, groupElem,
                          kg, rows, j, sacc, next, multiplyAddPairsInto,
                          inPlace ? function_ref<Value(OpBuilder &, Location,
                                                       Value, Value, int64_t)>(
                                        pairsInPlace)
                                  : nullptr);
                    else
                      groupStep(sb, sl, 4, lanes, pb, blockRows, pa, in, in, kg,
                                rows, j, sacc, next, multiplyAddQuads);
                  });
            };
            // Pairs made from B's rows in place where few rows are live.
            if (group != 2)
              return steps(tb, tl, /*inPlace=*/false);
            return stepsReadingB(tb, tl, acc, rowIdx.size(), steps);
          });
    };
    // AMX: each block's tiles through the chunk's iterations, each
    // iteration's A read in place and B packed (or stored in pairs); from
    // zeroed tiles in the first chunk of a loop from zeros.
    if (k->amx) {
      auto blocks = [&](OpBuilder &cb, Location cl, bool first) {
        forEachAmxBlock(
            cb, cl, out, m, n, live.lookup(k->dot),
            [&](OpBuilder &b, Location l, Value i0, int64_t rowTiles, Value j0,
                int64_t colTiles, ValueRange acc) {
              return iterations(
                  b, l, acc,
                  [&](OpBuilder &tb, Location tl, Value iv, ValueRange tiles) {
                    auto [a, bt] = iterationTiles(tb, tl, loop, *k, iv);
                    Value pb = paired ? bt.window
                                      : slot(tb, tl, packed, place(tb, tl, iv),
                                             slotRows, slotCols);
                    return amxSteps(tb, tl, a.window, pb, blockRows, kt, i0,
                                    rowTiles, j0, colTiles, tiles);
                  });
            },
            first);
      };
      if (zeroStart)
        scf::IfOp::create(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, from,
                                  adaptor.getLowerBound()),
            [&](OpBuilder &b, Location l) {
              blocks(b, l, /*first=*/true);
              scf::YieldOp::create(b, l);
            },
            [&](OpBuilder &b, Location l) {
              blocks(b, l, /*first=*/false);
              scf::YieldOp::create(b, l);
            });
      else
        blocks(rewriter, loc, /*first=*/false);
      rewriter.setInsertionPointAfter(chunks);
      // Where the store would stream: the buffer copied into its view with
      // non-temporal stores (the store itself does not run).
      if (copyOut)
        scf::IfOp::create(
            rewriter, loc, copyOut, [&](OpBuilder &b, Location l) {
              scf::ForOp::create(
                  b, l, index(b, l, 0), index(b, l, m), index(b, l, 1),
                  ValueRange{},
                  [&](OpBuilder &rb, Location rl, Value r, ValueRange) {
                    for (int64_t c = 0; c < n; c += lanes) {
                      SmallVector<Value, 2> at{r, index(rb, rl, c)};
                      auto store = vector::StoreOp::create(
                          rb, rl,
                          vector::LoadOp::create(rb, rl, vt, buffer, at),
                          direct->window, at);
                      store.setNontemporal(true);
                      store.setAlignment(lanes * vt.getElementTypeBitWidth() /
                                         8);
                    }
                    scf::YieldOp::create(rb, rl);
                  });
              LLVM::CallIntrinsicOp::create(
                  b, l, b.getStringAttr("llvm.x86.sse.sfence"), ValueRange{});
              scf::YieldOp::create(b, l);
            });
      rewriter.replaceOp(loop, buffer);
      return success();
    }
    forEachBlock(
        rewriter, loc, m, n, target,
        [&](OpBuilder &b, Location l, Value i0, int64_t rows, Value j0,
            int64_t cols) {
          emitBlockWith(
              b, l, out, i0, rows, j0, cols, vt,
              [&](OpBuilder &bb, Location ll, ArrayRef<Value> rowIdx,
                  ValueRange init) {
                return tiles(bb, ll, rowIdx, j0, cols, init);
              },
              [&](OpBuilder &bb, Location ll,
                  function_ref<SmallVector<Value>(OpBuilder &)> load) {
                if (!splatValue)
                  return load(bb);
                // The splat in the first chunk, the buffer after.
                int64_t count = rows * ((cols + lanes - 1) / lanes);
                auto first = scf::IfOp::create(
                    bb, ll, SmallVector<Type>(count, vt),
                    arith::CmpIOp::create(bb, ll, arith::CmpIPredicate::eq,
                                          from, adaptor.getLowerBound()),
                    /*withElse=*/true);
                OpBuilder tb = first.getThenBodyBuilder();
                scf::YieldOp::create(
                    tb, ll,
                    SmallVector<Value>(count, vector::BroadcastOp::create(
                                                  tb, ll, vt, splatValue)));
                OpBuilder eb = first.getElseBodyBuilder();
                scf::YieldOp::create(eb, ll, load(eb));
                return SmallVector<Value>(first.getResults());
              },
              nontemporal);
        },
        live.lookup(k->dot));
    rewriter.setInsertionPointAfter(chunks);
    // Streaming stores are ordered before what the instance does next.
    if (nontemporal)
      scf::IfOp::create(rewriter, loc, nontemporal,
                        [&](OpBuilder &b, Location l) {
                          LLVM::CallIntrinsicOp::create(
                              b, l, b.getStringAttr("llvm.x86.sse.sfence"),
                              ValueRange{});
                          scf::YieldOp::create(b, l);
                        });
    // The result as the loop's users read it: the buffer (where the blocks
    // wrote the store's view instead, the store does not run).
    rewriter.replaceOp(loop, buffer);
    return success();
  }
};

/// Whether the rows of `whole` (the ungrouped tile) group by `group` in
/// vectors of `lanes` (groupsInVectors), `source` (the converted operand)
/// read with a unit inner stride.
bool pairsInVectors(tl::TileType whole, int64_t group, Value source,
                    int64_t lanes) {
  return groupsInVectors(whole, group, lanes) &&
         cast<MemRefType>(source.getType()).isLastDimUnitStride();
}

/// The store that is `pair`'s one use, right after it, where it writes
/// into the last two dimensions of a view that are the paired tile's own,
/// contiguous (a tensor of tiles, `[.., .., TK/2, 2*TN]`, as
/// tile-pack-dot-operands makes), at tile (0, 0) of them; else null.
tl::StoreOp storedInTensorOfTiles(tl::PairRowsOp pair) {
  if (!pair->hasOneUse())
    return {};
  auto store = dyn_cast<tl::StoreOp>(*pair->user_begin());
  if (!store || store->getPrevNode() != pair.getOperation() ||
      store.getValue() != pair.getResult())
    return {};
  auto view = cast<MemRefType>(store.getView().getType());
  ArrayRef<int64_t> shape = pair.getType().getShape();
  int64_t rank = view.getRank();
  SmallVector<int64_t> strides;
  int64_t offset;
  if (rank < 3 || view.getShape().take_back(2) != shape ||
      failed(view.getStridesAndOffset(strides, offset)) ||
      strides[rank - 1] != 1 || strides[rank - 2] != shape[1])
    return {};
  for (Value i : store.getIndices().take_back(2))
    if (getConstantIntValue(i) != 0)
      return {};
  return store;
}

/// `tile.pair_rows` of a tile whose rows group in vectors
/// (tile-pack-dot-operands' packing of bf16 B into pairs, of i8 B into
/// quads) as the vector interleaving of packPairsInto or packQuadsInto.
struct PairRowsToVectors : VectorPattern<tl::PairRowsOp> {
  using VectorPattern::VectorPattern;

  LogicalResult
  matchAndRewrite(tl::PairRowsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType type = op.getSource().getType();
    Type elem = type.getElementType();
    int64_t k = type.getShape()[0], n = type.getShape()[1];
    int64_t lanes = target.f32Lanes, group = op.getGroup();
    if (!pairsInVectors(type, group, adaptor.getSource(), lanes) ||
        !blocksInVectors(op.getBlock(), lanes))
      return rewriter.notifyMatchFailure(op, "rows not in whole vectors");
    Location loc = op.getLoc();
    int64_t blockRows = op.getBlock() ? k / group : 0;
    // Rows `row0` .. of `dest` hold the groups.
    auto pack = [&](OpBuilder &b, Location l, Value source, Value dest) {
      if (group == 4)
        packQuadsInto(b, l, source, k, n, n, lanes, dest, index(b, l, 0),
                      /*bias=*/nullptr, /*accumulate=*/false, blockRows);
      else
        packPairsInto(b, l, source, k, n, n, lanes, elem, dest, index(b, l, 0),
                      blockRows);
    };
    // A tile loaded for this alone is read in its view where it lies
    // inside it (at the view's row stride, the inner one 1 as the
    // buffer's), else in the load's buffer.
    Value source = adaptor.getSource();
    auto load = op.getSource().getDefiningOp<tl::LoadOp>();
    if (load && readInPlaceByPairRows(load)) {
      InPlaceTile t = inPlaceTile(rewriter, loc, load, {},
                                  /*anyRowStride=*/true);
      Value buffer =
          memref::CastOp::create(rewriter, loc, t.window.getType(), source);
      source =
          arith::SelectOp::create(rewriter, loc, t.inside, t.window, buffer);
    }
    Value out = nlc::cpu::allocTileBuffer(rewriter, loc, op.getType());
    if (tl::StoreOp store = storedInTensorOfTiles(op)) {
      // The pairs go straight to their tile of the packed tensor, which
      // the store then leaves alone; an index out of range writes nothing,
      // as the store would.
      Value view = store.getView();
      auto viewType = cast<MemRefType>(view.getType());
      int64_t rank = viewType.getRank();
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(d < rank - 2 ? OpFoldResult(store.getIndices()[d])
                                       : rewriter.getIndexAttr(0));
        sizes.push_back(
            rewriter.getIndexAttr(d < rank - 2 ? 1 : viewType.getShape()[d]));
        strides.push_back(rewriter.getIndexAttr(1));
      }
      auto windowType = memref::SubViewOp::inferRankReducedResultType(
          op.getType().getShape(), viewType, offsets, sizes, strides);
      Value inside = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq,
          validRows(rewriter, loc, store, store.getIndices()),
          index(rewriter, loc, op.getType().getShape()[0]));
      scf::IfOp::create(rewriter, loc, inside, [&](OpBuilder &b, Location l) {
        pack(b, l, source,
             memref::SubViewOp::create(b, l, cast<MemRefType>(windowType), view,
                                       offsets, sizes, strides));
        scf::YieldOp::create(b, l);
      });
      rewriter.modifyOpInPlace(
          store, [&] { store->setAttr(kPairsStored, rewriter.getUnitAttr()); });
    } else {
      pack(rewriter, loc, source, out);
    }
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// A transpose whose `dot` packs B's quads from its source
/// (kTransposedQuads): nothing is built; the result stands for a buffer no
/// one reads (the source's, reinterpreted in the result's shape).
struct TransposedQuadsToNothing : VectorPattern<tl::TransposeOp> {
  using VectorPattern::VectorPattern;

  LogicalResult
  matchAndRewrite(tl::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op->hasAttr(kTransposedQuads))
      return rewriter.notifyMatchFailure(op, "the transpose is read");
    auto type = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return rewriter.notifyMatchFailure(op, "no plain buffer type");
    ArrayRef<int64_t> shape = type.getShape();
    Value stand = memref::ReinterpretCastOp::create(
        rewriter, op.getLoc(), type, adaptor.getSource(),
        rewriter.getIndexAttr(0),
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(shape[0]),
                               rewriter.getIndexAttr(shape[1])},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(shape[1]),
                               rewriter.getIndexAttr(1)});
    rewriter.replaceOp(op, stand);
    return success();
  }
};

/// `tile.unpair_rows` of a tile whose rows group in vectors, where a `dot`
/// does not read the groups as they are (outside a K loop run whole): each
/// row of pairs deinterleaved into its two rows (the inverse of
/// packPairsInto's interleave), each row of quads into its four (twice).
struct UnpairRowsToVectors : VectorPattern<tl::UnpairRowsOp> {
  using VectorPattern::VectorPattern;

  LogicalResult
  matchAndRewrite(tl::UnpairRowsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType type = op.getType();
    Type elem = type.getElementType();
    int64_t k = type.getShape()[0], n = type.getShape()[1];
    int64_t lanes = target.f32Lanes, group = op.getGroup();
    if (!pairsInVectors(type, group, adaptor.getSource(), lanes) ||
        !blocksInVectors(op.getBlock(), lanes))
      return rewriter.notifyMatchFailure(op, "rows not in whole vectors");
    Location loc = op.getLoc();
    Value out = nlc::cpu::allocTileBuffer(rewriter, loc, type);
    auto groups = VectorType::get({group * lanes}, elem);
    GroupedRows stored{group, lanes, op.getBlock() ? k / group : 0};
    scf::ForOp::create(
        rewriter, loc, index(rewriter, loc, 0), index(rewriter, loc, k / group),
        index(rewriter, loc, 1), ValueRange{},
        [&](OpBuilder &b, Location l, Value p, ValueRange) {
          Value first = arith::MulIOp::create(b, l, p, index(b, l, group));
          for (int64_t j = 0; j < n; j += lanes) {
            // rows[s]: row `first + s`'s lanes, split in halves until each
            // vector holds one row.
            SmallVector<Value, 4> rows = {
                vector::LoadOp::create(b, l, groups, adaptor.getSource(),
                                       stored.at(b, l, p, index(b, l, j)))};
            while (rows.size() < size_t(group)) {
              // Deinterleaving a vector of rows s, s + d, ... (d apart)
              // gives rows s, s + 2d, ... and s + d, s + 3d, ...
              SmallVector<Value, 4> even, odd;
              for (Value v : rows) {
                auto split = vector::DeinterleaveOp::create(b, l, v);
                even.push_back(split.getRes1());
                odd.push_back(split.getRes2());
              }
              rows = even;
              rows.append(odd);
            }
            for (int64_t r = 0; r < group; ++r)
              vector::StoreOp::create(
                  b, l, rows[r], out,
                  ValueRange{plus(b, l, first, r), index(b, l, j)});
          }
          scf::YieldOp::create(b, l);
        });
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// Whether `dot`'s steps of 32 i8 may run on AMX tiles (kHalfDepthAmx): it
/// starts from zero, or adds to the tile its loop carries and reads B stored
/// in quads by the launch.
bool halfDepthOnAmx(tl::DotOp dot) {
  if (!dot.getLhs().getType().getElementType().isInteger(8))
    return false;
  if (startsFromZero(dot))
    return true;
  auto loop = dyn_cast<scf::ForOp>(dot->getParentOp());
  auto acc = dyn_cast<BlockArgument>(dot.getAcc());
  if (!loop || !acc || acc.getOwner() != loop.getBody() ||
      acc.getArgNumber() == 0)
    return false;
  unsigned at = acc.getArgNumber() - 1;
  return loop.getBody()->getTerminator()->getOperand(at) == dot.getResult() &&
         dot.getRhs().getDefiningOp<tl::UnpairRowsOp>();
}

} // namespace

void nlc::x86::markInPlaceDotOperands(ModuleOp module,
                                      const VectorTarget &target) {
  module.walk([&](tl::DotOp dot) {
    if (halfDepthOnAmx(dot))
      dot->setAttr(kHalfDepthAmx, UnitAttr::get(dot.getContext()));
  });
  module.walk([&](tl::TransposeOp t) {
    tl::TileType src = t.getSource().getType();
    if (!t->hasOneUse() || src.getRank() != 2 ||
        !src.getElementType().isInteger(8) ||
        src.getLayout() != tl::Layout::RowMajor || src.getShape()[1] % 32 ||
        target.f32Lanes != 16)
      return;
    auto dot = dyn_cast<tl::DotOp>(*t->user_begin());
    if (!dot || dot.getRhs() != t.getResult())
      return;
    std::optional<DotPlan> plan = planDot(dot, target);
    if (plan && plan->quads)
      t->setAttr(kTransposedQuads, UnitAttr::get(t.getContext()));
  });
  module.walk([&](tl::LoadOp load) {
    if (qualifiesInPlace(load, target)) {
      load->setAttr(kInPlace, UnitAttr::get(load.getContext()));
      tl::DotOp dot = dotReading(load);
      std::optional<DotPlan> plan = planDot(dot, target);
      // B packed into pairs or quads, A widened to f32 first, and A's
      // tiles on AMX (`tileloadd` takes a row stride), are read at any row
      // stride.
      bool lhs = dot.getLhs() == load.getResult();
      if ((!lhs && (plan->pairs || plan->quads)) || (lhs && widensLhs(*plan)) ||
          plan->amx)
        load->setAttr(kInPlaceAnyRowStride, UnitAttr::get(load.getContext()));
    } else if (qualifiesForPairsInPlace(load, target))
      load->setAttr(kPairsInPlace, UnitAttr::get(load.getContext()));
  });
}

bool nlc::x86::readInPlaceByDot(tl::LoadOp load) {
  return load->hasAttr(kInPlace);
}

bool nlc::x86::readInPlaceAnyRowStride(tl::LoadOp load) {
  return load->hasAttr(kInPlaceAnyRowStride);
}

bool nlc::x86::readInPlaceByPairRows(tl::LoadOp load) {
  return load->hasAttr(kPairsInPlace);
}

bool nlc::x86::writtenByPairRows(tl::StoreOp store) {
  return store->hasAttr(kPairsStored);
}

// Rows nothing observes. A 1 x 4096 matrix read in 64 x 32 tiles makes a
// `dot` of 64 rows of which 63 are padding; their results are never
// stored. When a `dot`'s result reaches one `tile.store` and nothing else
// (straight, or as the tile a loop carries from `dot` to `dot`, out of the
// loop and out of scf.if regions), only the rows that store writes are
// observable: the micro-kernel computes the register blocks holding those
// and leaves the rest of the buffer as it was (the values of the rows it
// skips are never read). The number of rows the store writes (validRows,
// as the store computes it, any view rank) is computed before the
// outermost region holding the `dot`, from the store's view and indices,
// which must be defined there.

/// The store that alone observes `dot`'s result, or null.
static tl::StoreOp soleStore(tl::DotOp dot) {
  Value v = dot.getResult();
  // A K loop: the carried tile goes from this dot to this dot only.
  if (auto loop = dyn_cast<scf::ForOp>(dot->getParentOp())) {
    auto acc = dyn_cast_if_present<BlockArgument>(dot.getAcc());
    if (acc && acc.getOwner() == loop.getBody() && acc.hasOneUse() &&
        v.hasOneUse() && isa<scf::YieldOp>(*v.user_begin()) &&
        v.use_begin()->getOperandNumber() + 1 == acc.getArgNumber())
      v = loop.getResult(acc.getArgNumber() - 1);
  }
  while (v.hasOneUse()) {
    OpOperand &use = *v.use_begin();
    Operation *user = use.getOwner();
    if (auto store = dyn_cast<tl::StoreOp>(user))
      return store.getValue() == v ? store : tl::StoreOp();
    auto yield = dyn_cast<scf::YieldOp>(user);
    auto branch = yield ? dyn_cast<scf::IfOp>(yield->getParentOp()) : nullptr;
    if (!branch)
      return {};
    v = branch.getResult(use.getOperandNumber());
  }
  return {};
}

/// The number of rows the store that alone observes `dot` writes
/// (soleStore, validRows), computed at `b`, before `anchor`, where the
/// store's view and indices are available there; else null.
static Value writtenRows(tl::DotOp dot, Operation *anchor, OpBuilder &b,
                         DominanceInfo &dominance) {
  tl::StoreOp store = soleStore(dot);
  if (!store ||
      dot.getType().getShape() != store.getValue().getType().getShape() ||
      !dominance.properlyDominates(store.getView(), anchor))
    return {};
  // The indices are often computed again after the loop (MLIRGen casts
  // at each use): a copy of that arithmetic goes before it.
  SmallVector<Value, 4> indices;
  for (Value i : store.getIndices())
    if (Value there = availableBefore(i, anchor, b, dominance))
      indices.push_back(there);
    else
      return {};
  // The rows the store writes, as the store itself computes them.
  return validRows(b, dot.getLoc(), store, indices);
}

/// The store that alone reads `loop`'s result, after it in its block with
/// nothing between them that touches memory, and whose view and indices
/// are defined before the loop (or can move there), the loop starting
/// from a splat: the one the blocks of the whole loop may write for
/// (DirectStore); null otherwise (AMX blocks from another start, other
/// element types).
static tl::StoreOp directStoreOf(scf::ForOp loop, KLoop k,
                                 DominanceInfo &dom) {
  Type elem = k.dot.getType().getElementType();
  Value result = loop.getResult(0);
  // From a splat (`zeros()`): the first chunk's blocks start from it in
  // registers, nothing is copied into the view before the loop.
  // AMX blocks, from zeros only (startsFromZero: no tile is loaded from
  // the view before the blocks write it).
  if ((k.amx && !startsFromZero(loop.getInitArgs()[0])) ||
      !(elem.isF32() || elem.isInteger(32)) || !result.hasOneUse() ||
      !loop.getInitArgs()[0].getDefiningOp<tl::SplatOp>())
    return {};
  auto store = dyn_cast<tl::StoreOp>(*result.user_begin());
  if (!store || store.getValue() != result ||
      store->getBlock() != loop->getBlock())
    return {};
  for (Operation *o = loop->getNextNode(); o != store; o = o->getNextNode())
    if (!isMemoryEffectFree(o))
      return {};
  // Index arithmetic between the loop and the store (casts of the program
  // ids) moves above the loop, where its own operands are defined.
  std::function<bool(Value, int)> before = [&](Value v, int depth) {
    if (dom.properlyDominates(v, loop))
      return true;
    Operation *def = v.getDefiningOp();
    if (!def || depth > 4 || def->getBlock() != loop->getBlock() ||
        def->getNumRegions() || !isMemoryEffectFree(def) ||
        !loop->isBeforeInBlock(def))
      return false;
    for (Value in : def->getOperands())
      if (!before(in, depth + 1))
        return false;
    def->moveBefore(loop);
    return true;
  };
  for (Value v : store->getOperands())
    if (v != result && !before(v, 0))
      return {};
  return store;
}

void nlc::x86::splitDotKLoops(ModuleOp module, const VectorTarget &target,
                              DirectStores &direct, LiveDotRows &live) {
  SmallVector<std::pair<scf::ForOp, KLoop>> loops;
  module.walk([&](scf::ForOp loop) {
    if (std::optional<KLoop> k = matchKLoop(loop, target))
      loops.push_back({loop, *k});
  });
  DominanceInfo dom(module);
  for (auto [loop, k] : loops) {
    OpBuilder b(loop);
    Location loc = loop.getLoc();
    // Where the loop's result is stored right after it: whether the blocks
    // may write it there themselves. The store's tile must lie wholly
    // inside its view (unit inner stride), the loop run in one chunk (each
    // block then stores its accumulators once, never to read them back),
    // and the view share no base pointer with A's or B's (the loop reads
    // them while the blocks write).
    tl::StoreOp store = directStoreOf(loop, k, dom);
    Value writesStore, window;
    if (store) {
      InPlaceTile w = inPlaceTile(b, loc, store, store.getIndices(),
                                  /*anyRowStride=*/true);
      window = w.window;
      Value trips = tripCount(b, loc, loop.getLowerBound(),
                              loop.getUpperBound(), loop.getStep());
      Value oneChunk = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::sle, trips,
          index(b, loc, chunkIterations(k, target)));
      Value base = memref::ExtractAlignedPointerAsIndexOp::create(
          b, loc, store.getView());
      writesStore = arith::AndIOp::create(b, loc, w.inside, oneChunk);
      for (tl::LoadOp load : {k.lhs, k.rhs})
        writesStore = arith::AndIOp::create(
            b, loc, writesStore,
            arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::ne, base,
                memref::ExtractAlignedPointerAsIndexOp::create(
                    b, loc, load.getView())));
    }
    // f32: whether B's view is small (kF32StridedElements). (An f16 B is
    // widened into a buffer first: any row stride.)
    Value small;
    if (k.group == 1 && !k.widened) {
      Value view = k.rhs.getView(), elements = index(b, loc, 1);
      for (int64_t d = 0, e = cast<MemRefType>(view.getType()).getRank(); d < e;
           ++d)
        elements = arith::MulIOp::create(
            b, loc, elements, memref::DimOp::create(b, loc, view, d));
      small = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, elements,
                                    index(b, loc, kF32StridedElements));
    }
    // The rows of the result its one store writes: the blocks of the loop
    // run whole compute only those (LiveDotRows), so A's tiles need only
    // those rows inside their view. A 1 x 4096 A in 64-row tiles (decoding
    // one token) has no whole tile. Not for AMX, whose loads read 16 rows.
    Value liveRows;
    if (!k.amx)
      liveRows = writtenRows(k.dot, loop, b, dom);
    // f32 with fewer live rows than a block: each B element is read once,
    // so B is read at its row stride whatever its size.
    if (small && liveRows)
      small = arith::OrIOp::create(
          b, loc, small,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, liveRows,
                                index(b, loc, target.dotRows)));
    // Whether every tile the loop loads lies inside its view (for f32,
    // B's with contiguous rows unless its view is small; A's live rows);
    // for pairs and quads also the first iteration where one does not (the
    // upper bound where none).
    bool leadingWhole = k.group > 1;
    SmallVector<Value, 2> start{arith::ConstantIntOp::create(b, loc, 1, 1)};
    if (leadingWhole)
      start.push_back(loop.getUpperBound());
    auto check = scf::ForOp::create(
        b, loc, loop.getLowerBound(), loop.getUpperBound(), loop.getStep(),
        start, [&](OpBuilder &lb, Location ll, Value iv, ValueRange carried) {
          auto [ai, bi] = cloneIndices(lb, loop, k, iv);
          Value ok = arith::AndIOp::create(
              lb, ll,
              inPlaceTile(lb, ll, k.lhs, ai, /*anyRowStride=*/true, liveRows)
                  .inside,
              inPlaceTile(lb, ll, k.rhs, bi, /*anyRowStride=*/true).inside);
          if (small)
            ok = arith::AndIOp::create(
                lb, ll, ok,
                arith::OrIOp::create(lb, ll, small,
                                     inPlaceTile(lb, ll, k.rhs, bi).inside));
          Value all = carried[0];
          SmallVector<Value, 2> next{arith::AndIOp::create(lb, ll, all, ok)};
          if (leadingWhole)
            next.push_back(arith::SelectOp::create(
                lb, ll,
                arith::AndIOp::create(
                    lb, ll, all,
                    arith::XOrIOp::create(
                        lb, ll, ok,
                        arith::ConstantIntOp::create(lb, ll, 1, 1))),
                iv, carried[1]));
          scf::YieldOp::create(lb, ll, next);
        });
    auto split = scf::IfOp::create(b, loc, loop.getResultTypes(),
                                   check.getResult(0), /*withElse=*/true);
    loop->replaceAllUsesWith(split.getResults());
    // A loop run whole, its `dot` computing `liveRows` rows.
    auto runWhole = [&](OpBuilder &at) {
      IRMapping map;
      Operation *copy = at.clone(*loop, map);
      copy->setAttr(kKLoop, UnitAttr::get(loop.getContext()));
      if (liveRows)
        live[map.lookup(k.dot.getOperation())] = liveRows;
      return copy;
    };
    OpBuilder then = split.getThenBodyBuilder();
    Operation *whole = runWhole(then);
    scf::YieldOp::create(then, loc, whole->getResults());
    OpBuilder other = split.getElseBodyBuilder();
    Value init = loop.getInitArgs()[0];
    if (leadingWhole) {
      // Pairs and quads (whose per-iteration `dot` packs B each time): the
      // iterations before the first whose tiles leave their views run
      // whole too, the loop as it was only from there. A K that is not a
      // multiple of the K step leaves only the last iteration to it (1000^3
      // bf16 in 64 x 64 k32 tiles, A read in place: every instance's last
      // tile of A leaves A's view).
      auto leading = cast<scf::ForOp>(runWhole(other));
      leading.getUpperBoundMutable().assign(check.getResult(1));
      loop->moveBefore(other.getInsertionBlock(), other.getInsertionPoint());
      loop.getLowerBoundMutable().assign(check.getResult(1));
      loop.getInitArgsMutable()[0].assign(leading.getResult(0));
    } else {
      loop->moveBefore(other.getInsertionBlock(), other.getInsertionPoint());
      // The loop as it was starts from its own copy of a splat, so that the
      // splat's buffer, which the whole loop does not read (DotKLoop), is
      // filled only on that path.
      if (auto splat = init.getDefiningOp<tl::SplatOp>();
          splat && llvm::all_of(init.getUsers(), [&](Operation *user) {
            return user == loop || user == whole;
          })) {
        OpBuilder eb(loop);
        loop.getInitArgsMutable()[0].assign(eb.clone(*splat)->getResult(0));
      }
    }
    scf::YieldOp::create(other, loc, loop->getResults());
    if (!store)
      continue;
    // The whole loop writes the store's tile where it may; the store runs
    // where it did not.
    OpBuilder sb(store);
    Value wrote = arith::AndIOp::create(sb, loc, check.getResult(0), writesStore);
    auto runs = scf::IfOp::create(
        sb, loc,
        arith::XOrIOp::create(sb, loc, wrote,
                              arith::ConstantIntOp::create(sb, loc, 1, 1)),
        /*withElse=*/false);
    store->moveBefore(runs.thenBlock()->getTerminator());
    direct[whole] = {store, writesStore, window};
  }
}

void nlc::x86::findLiveDotRows(ModuleOp module, LiveDotRows &live) {
  DominanceInfo dominance(module);
  module.walk([&](tl::DotOp dot) {
    // splitDotKLoops gave the K loops it runs whole theirs.
    if (live.count(dot))
      return;
    tl::StoreOp store = soleStore(dot);
    if (!store)
      return;
    // The outermost op holding the `dot` in a block holding the store (the
    // store may sit in an scf.if of its own: splitDotKLoops).
    Operation *anchor = nullptr;
    for (Operation *at = store; at && !anchor; at = at->getParentOp())
      anchor = at->getBlock()->findAncestorOpInBlock(*dot);
    if (!anchor)
      return;
    OpBuilder b(anchor);
    if (Value rows = writtenRows(dot, anchor, b, dominance))
      live[dot] = rows;
  });
}

void nlc::x86::populateX86DotPatterns(TypeConverter &converter,
                                      RewritePatternSet &patterns,
                                      const VectorTarget &target,
                                      const LiveDotRows &live) {
  patterns.add<DotMicroKernel, DotKLoop>(converter, patterns.getContext(),
                                         target, live);
  patterns.add<PairRowsToVectors, UnpairRowsToVectors,
               TransposedQuadsToNothing>(converter, patterns.getContext(),
                                         target);
}
