//===- X86Dot.cpp - tile.dot into f32 as a register-blocked micro-kernel --===//
//
// C (M x N, f32) += A (M x K) times B (K x N), all row-major buffers of
// static shape; A and B hold f32, or f16 / bf16 widened to f32 as read. The output is cut into blocks of R rows by V vectors; a block's
// R * V accumulators live in vector registers for the whole K loop, where
// each step loads V vectors of B's row k, broadcasts A(i, k) for each of the
// R rows and issues R * V fused multiply-adds: the textbook AVX-512 GEMM
// loop (6 x 4 zmm on AVX-512, 6 x 2 ymm on AVX2), which LLVM keeps free of
// spills. Columns past the last whole vector use masked loads and stores;
// rows past the last whole block a block of fewer rows.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86Passes.h"
#include "lowering/TileToSCF/TileToSCF.h"

using namespace mlir;
namespace tl = nlc::tile;

namespace {

struct DotMicroKernel : OpConversionPattern<tl::DotOp> {
  DotMicroKernel(TypeConverter &converter, MLIRContext *ctx,
                 const nlc::x86::VectorTarget &target)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), target(target) {}

  LogicalResult
  matchAndRewrite(tl::DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType type = op.getType();
    Type f32 = rewriter.getF32Type();
    Type in = op.getLhs().getType().getElementType();
    if (!target.f32Lanes || type.getRank() != 2 ||
        type.getElementType() != f32 ||
        op.getRhs().getType().getElementType() != in ||
        !isa<Float32Type, Float16Type, BFloat16Type>(in))
      return rewriter.notifyMatchFailure(op, "not a dot into f32");
    Location loc = op.getLoc();
    int64_t m = type.getShape()[0], n = type.getShape()[1];
    int64_t k = op.getLhs().getType().getShape()[1];
    int64_t lanes = target.f32Lanes;
    auto vecType = VectorType::get({lanes}, f32);
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };

    // The accumulator buffer: updated in place when nothing else reads the
    // old value, else a copy (or zeros).
    Value out;
    if (adaptor.getAcc() && op.getAcc().hasOneUse()) {
      out = adaptor.getAcc();
    } else {
      out = nlc::cpu::allocTileBuffer(rewriter, loc, type);
      if (adaptor.getAcc())
        memref::CopyOp::create(rewriter, loc, adaptor.getAcc(), out);
      else
        fillZero(rewriter, loc, out, m, n, vecType);
    }
    Value a = adaptor.getLhs(), b = adaptor.getRhs();

    // Column blocks are unrolled (their count is static); row blocks are an
    // scf.for, plus one smaller block for the ragged rows.
    int64_t rows = target.dotRows, blockCols = lanes * target.dotVectors;
    for (int64_t j0 = 0; j0 < n; j0 += blockCols) {
      int64_t cols = std::min(blockCols, n - j0);
      int64_t fullRows = m - m % rows;
      if (fullRows > 0)
        scf::ForOp::create(
            rewriter, loc, idx(0), idx(fullRows), idx(rows), ValueRange{},
            [&](OpBuilder &lb, Location ll, Value i0, ValueRange) {
              emitBlock(lb, ll, a, b, out, i0, rows, j0, cols, k, vecType);
              scf::YieldOp::create(lb, ll);
            });
      if (m % rows)
        emitBlock(rewriter, loc, a, b, out, idx(fullRows), m % rows, j0, cols,
                  k, vecType);
    }
    rewriter.replaceOp(op, out);
    return success();
  }

private:
  /// The mask of the first `count` lanes.
  static Value prefixMask(OpBuilder &b, Location loc, int64_t lanes,
                          int64_t count) {
    return vector::ConstantMaskOp::create(
        b, loc, VectorType::get({lanes}, b.getI1Type()),
        ArrayRef<int64_t>{count});
  }

  /// Loads (or, with `store`, stores) the `width`-lane piece of row `row` at
  /// column `col`: a plain vector access for whole vectors, masked for a
  /// ragged end.
  static Value rowPiece(OpBuilder &b, Location loc, Value mem, Value row,
                        int64_t col, int64_t width, VectorType vt,
                        Value toStore = {}) {
    Value c = arith::ConstantIndexOp::create(b, loc, col);
    int64_t lanes = vt.getNumElements();
    if (width == lanes) {
      if (toStore) {
        vector::StoreOp::create(b, loc, toStore, mem, ValueRange{row, c});
        return {};
      }
      return vector::LoadOp::create(b, loc, vt, mem, ValueRange{row, c});
    }
    Value mask = prefixMask(b, loc, lanes, width);
    if (toStore) {
      vector::MaskedStoreOp::create(b, loc, mem, ValueRange{row, c}, mask,
                                    toStore);
      return {};
    }
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(vt));
    return vector::MaskedLoadOp::create(b, loc, vt, mem, ValueRange{row, c},
                                        mask, zero);
  }

  /// `v` converted to `to` (f32 or a vector of f32) unless it already is.
  static Value widen(OpBuilder &b, Location loc, Value v, Type to) {
    if (v.getType() == to)
      return v;
    return arith::ExtFOp::create(b, loc, to, v);
  }

  static void fillZero(OpBuilder &b, Location loc, Value out, int64_t m,
                       int64_t n, VectorType vt) {
    int64_t lanes = vt.getNumElements();
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(vt));
    scf::ForOp::create(
        b, loc, arith::ConstantIndexOp::create(b, loc, 0),
        arith::ConstantIndexOp::create(b, loc, m),
        arith::ConstantIndexOp::create(b, loc, 1), ValueRange{},
        [&](OpBuilder &lb, Location ll, Value i, ValueRange) {
          for (int64_t j = 0; j < n; j += lanes)
            rowPiece(lb, ll, out, i, j, std::min(lanes, n - j), vt, zero);
          scf::YieldOp::create(lb, ll);
        });
  }

  /// One block: `rows` rows from `i0`, `cols` columns from `j0`.
  static void emitBlock(OpBuilder &b, Location loc, Value a, Value bm,
                        Value out, Value i0, int64_t rows, int64_t j0,
                        int64_t cols, int64_t k, VectorType vt) {
    Type in = cast<MemRefType>(bm.getType()).getElementType();
    auto inType = VectorType::get(vt.getShape(), in);
    int64_t lanes = vt.getNumElements();
    SmallVector<int64_t> widths;
    for (int64_t c = 0; c < cols; c += lanes)
      widths.push_back(std::min(lanes, cols - c));
    SmallVector<Value> rowIdx;
    for (int64_t r = 0; r < rows; ++r)
      rowIdx.push_back(arith::AddIOp::create(
          b, loc, i0, arith::ConstantIndexOp::create(b, loc, r)));
    SmallVector<Value> init;
    for (int64_t r = 0; r < rows; ++r)
      for (size_t v = 0; v < widths.size(); ++v)
        init.push_back(rowPiece(b, loc, out, rowIdx[r], j0 + v * lanes,
                                widths[v], vt));
    auto loop = scf::ForOp::create(
        b, loc, arith::ConstantIndexOp::create(b, loc, 0),
        arith::ConstantIndexOp::create(b, loc, k),
        arith::ConstantIndexOp::create(b, loc, 1), init,
        [&](OpBuilder &lb, Location ll, Value kk, ValueRange acc) {
          // f16 and bf16 inputs are widened to f32 as they are read (what
          // the reference does before each fma): vcvtph2ps, or a shift.
          SmallVector<Value> bv;
          for (size_t v = 0; v < widths.size(); ++v)
            bv.push_back(widen(lb, ll,
                               rowPiece(lb, ll, bm, kk, j0 + v * lanes,
                                        widths[v], inType),
                               vt));
          SmallVector<Value> next;
          for (int64_t r = 0; r < rows; ++r) {
            Value s = widen(
                lb, ll, memref::LoadOp::create(lb, ll, a, ValueRange{rowIdx[r], kk}),
                vt.getElementType());
            Value bc = vector::BroadcastOp::create(lb, ll, vt, s);
            for (size_t v = 0; v < widths.size(); ++v)
              next.push_back(vector::FMAOp::create(
                  lb, ll, bc, bv[v], acc[r * widths.size() + v]));
          }
          scf::YieldOp::create(lb, ll, next);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (size_t v = 0; v < widths.size(); ++v)
        rowPiece(b, loc, out, rowIdx[r], j0 + v * lanes, widths[v], vt,
                 loop.getResult(r * widths.size() + v));
  }

  nlc::x86::VectorTarget target;
};

} // namespace

void nlc::x86::populateX86DotPatterns(TypeConverter &converter,
                                      RewritePatternSet &patterns,
                                      const VectorTarget &target) {
  patterns.add<DotMicroKernel>(converter, patterns.getContext(), target);
}
