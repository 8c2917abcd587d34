//===- X86Amx.cpp - tile.dot on AMX tile registers ------------------------===//
//
// With AMX (amx-bf16, amx-int8), a `tile.dot` of bf16 into f32 or of i8 into
// i32 whose shape is made of whole AMX tiles (M and N multiples of 16, K of
// 32 bf16 or 64 i8, or of 32 i8: stepOf) runs on the tile registers. C is
// cut into 16 x 16 accumulator tiles, taken in blocks of 2 x 2 (the one
// block that fits the 8 tile registers: 4 accumulators, 2 tiles of A, 2 of
// B; 1 x 2, 2 x 1 or 1 x 1 at the edges). A block's accumulators are loaded
// from the output buffer, updated by one `tdpbf16ps` (`tdpbssd`) per
// accumulator and k step of 32 bf16 (64 i8, or 32), and stored back (zeroed
// instead of loaded where the `dot` starts from zero). A's
// tiles are read from its rows as they lie (any row stride); B's from its
// rows packed in pairs (bf16) or quads (i8), as packPairsInto and
// packQuadsInto in X86Dot.cpp pack them: the layout the instructions read
// (`[K/2][N][2]`, `[K/4][N][4]`), or that layout for each 16 columns, the
// blocks one below the other (`[N/16][K/2][16][2]`: tile.pair_rows block 16,
// as tile-pack-dot-operands stores B for AMX targets and X86Dot.cpp packs
// it), where a B tile's 16 rows of 64 bytes are one run of 1 KiB: on a
// Sapphire Rapids, a probe streaming such tiles from L2 ran 1.15-1.4x one
// whose rows lie 256 or 512 bytes apart, whole products 1.02-1.07x
// (docs/Performance.md). Every tile has a shape known at compile time (16
// rows of 64 bytes; A's 32 bytes and B's 8 rows in i8 steps of half a tile's
// depth), so LLVM configures the tiles once per function (`ldtilecfg` at its
// entry) and keeps the accumulators in tile registers across the k loop.
//
// Results: `tdpbssd`'s sums wrap modulo 2^32 as the reference's do:
// bit-identical. `tdpbf16ps` adds, by Intel's description, the two
// products of a pair one after the other, the even k first, rounding each
// time; a product of two bf16 is exact in f32, so that is the reference's
// fused multiply-add in k order, and what the emulation below does. A
// Sapphire Rapids rounds otherwise (each pair's sum rounded once, the
// pairs of a step not added in k order: docs/Kernels.md), so on AMX
// hardware bf16 results agree with the reference within a bound, not bit
// for bit. It treats subnormal inputs and results as zero.
//
// Emulation (`x86-emulate-amx`): on a CPU without AMX the tile
// instructions can be replaced by vector code with the same semantics
// (subnormals aside), so that the lowering above (blocking, packing,
// indexing, the K loop run whole) runs and is checked against the reference
// on any AVX-512 machine (nlc --amx-emulation). It is a test of nlc's
// lowering, not of LLVM's AMX code generation, which tests check in the
// assembly, and which runs only where the CPU has AMX (lit: host-amx).
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/TargetInfo.h"
#include "lowering/Target/X86/X86VectorCode.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"

namespace nlc::x86 {
#define GEN_PASS_DEF_X86EMULATEAMX
#include "lowering/Target/X86/Passes.h.inc"
} // namespace nlc::x86

using namespace mlir;
using namespace nlc::x86;

namespace {

/// Rows of every tile this lowering uses (each 64 bytes wide), and the
/// columns of an accumulator tile.
constexpr int64_t kTileRows = 16;

/// k per row of a packed B (pairs or quads): 32-bit groups of `in`.
int64_t groupOf(Type in) { return 32 / in.getIntOrFloatBitWidth(); }

/// k per step of a product of depth `k`: a whole tile of A's columns (64
/// bytes: 32 bf16, 64 i8), or for i8 where `k` is an odd multiple of 32,
/// half a tile (32 i8, B's tiles 8 rows of quads). A half-depth `tdpbssd`
/// takes as long as a whole one (Sapphire Rapids, 2026-12-07: 5.6-5.8 ns
/// each, 2800-2960 GOP/s against 5660-5810), still 4x `vpdpbusd`'s peak:
/// the K step of 32 a user writes first (64 x 64 tiles, k 32) runs on the
/// tiles rather than the vector units, in a K loop (amxDot).
int64_t stepOf(Type in, int64_t k) {
  int64_t whole = groupOf(in) * kTileRows;
  return k % whole == 0 ? whole : whole / 2;
}

} // namespace

bool nlc::x86::amxDot(Type in, Type acc, int64_t m, int64_t n, int64_t k,
                      const VectorTarget &target, bool halfDepth) {
  if (target.f32Lanes != 16 || m % kTileRows || n % kTileRows)
    return false;
  if (in.isBF16() && acc.isF32())
    return target.amxBf16 && k % (2 * kTileRows) == 0;
  // One half-depth step alone (a Q8_0 block's product, scaled right
  // after it) only where it starts from zero (kHalfDepthAmx, X86Dot.cpp):
  // its tiles are zeroed, not loaded, and stored once. With them loaded
  // from a filled buffer and a transposed B built first, llama's 125M Q8_0
  // prefill had run at 0.41x llama.cpp, 0.88x with `vpdpbusd`
  // (docs/Performance.md).
  if (in.isInteger(8) && acc.isInteger(32))
    return target.amxInt8 &&
           (k % (4 * kTileRows) == 0 ||
            (k % (2 * kTileRows) == 0 && (k > 2 * kTileRows || halfDepth)));
  return false;
}

SmallVector<Value> nlc::x86::amxSteps(OpBuilder &b, Location loc, Value a,
                                      Value packed, int64_t blockRows,
                                      int64_t k, Value i0, int64_t rowTiles,
                                      Value j0, int64_t colTiles,
                                      ValueRange acc) {
  Type in = cast<MemRefType>(a.getType()).getElementType();
  int64_t group = groupOf(in);
  // k per step: one tile of A's columns, one of B's rows of groups.
  int64_t kStep = stepOf(in, k);
  auto lhsTile = amx::TileType::get({kTileRows, kStep}, in);
  auto rhsTile = amx::TileType::get({kStep / group, group * kTileRows}, in);
  Type accType = acc.front().getType();
  auto loop = scf::ForOp::create(
      b, loc, index(b, loc, 0), index(b, loc, k / kStep), index(b, loc, 1), acc,
      [&](OpBuilder &lb, Location l, Value s, ValueRange c) {
        Value ka = arith::MulIOp::create(lb, l, s, index(lb, l, kStep));
        Value kb =
            arith::MulIOp::create(lb, l, s, index(lb, l, kStep / group));
        GroupedRows rows{group, kTileRows, blockRows};
        SmallVector<Value, 2> as, bs;
        for (int64_t r = 0; r < rowTiles; ++r)
          as.push_back(amx::TileLoadOp::create(
              lb, l, lhsTile, a,
              ValueRange{plus(lb, l, i0, r * kTileRows), ka}));
        for (int64_t t = 0; t < colTiles; ++t)
          bs.push_back(amx::TileLoadOp::create(
              lb, l, rhsTile, packed,
              rows.at(lb, l, kb, plus(lb, l, j0, t * kTileRows))));
        SmallVector<Value, 4> next;
        for (int64_t r = 0; r < rowTiles; ++r)
          for (int64_t t = 0; t < colTiles; ++t) {
            Value sum = c[r * colTiles + t];
            if (in.isBF16())
              next.push_back(
                  amx::TileMulFOp::create(lb, l, accType, as[r], bs[t], sum));
            else
              next.push_back(
                  amx::TileMulIOp::create(lb, l, accType, as[r], bs[t], sum));
          }
        scf::YieldOp::create(lb, l, next);
      });
  return SmallVector<Value>(loop.getResults());
}

void nlc::x86::forEachAmxBlock(OpBuilder &b, Location loc, Value out, int64_t m,
                               int64_t n, Value live, AmxBlockFn body,
                               bool zeroStart) {
  Type elem = cast<MemRefType>(out.getType()).getElementType();
  auto accTile = amx::TileType::get({kTileRows, kTileRows}, elem);
  int64_t span = 2 * kTileRows;
  auto block = [&](OpBuilder &bb, Location l, Value i0, int64_t rowTiles,
                   Value j0, int64_t colTiles) {
    auto at = [&](int64_t r, int64_t t) -> SmallVector<Value, 2> {
      return {plus(bb, l, i0, r * kTileRows), plus(bb, l, j0, t * kTileRows)};
    };
    SmallVector<Value, 4> acc;
    for (int64_t r = 0; r < rowTiles; ++r)
      for (int64_t t = 0; t < colTiles; ++t)
        acc.push_back(zeroStart ? Value(amx::TileZeroOp::create(bb, l, accTile))
                                : Value(amx::TileLoadOp::create(
                                      bb, l, accTile, out, at(r, t))));
    SmallVector<Value> result = body(bb, l, i0, rowTiles, j0, colTiles, acc);
    for (int64_t r = 0; r < rowTiles; ++r)
      for (int64_t t = 0; t < colTiles; ++t)
        amx::TileStoreOp::create(bb, l, out, at(r, t),
                                 result[r * colTiles + t]);
  };
  // Blocks go along the rows: every column block of a row block, then the
  // next row block, so that consecutive blocks read the same strip of A,
  // which a K loop reads in place, its rows a long stride apart (B's tiles
  // are packed: one run of memory each). On a Sapphire Rapids this ran bf16
  // grids of 64 x 64 tiles 1.04x (1024^3) to 1.15x (512^3) faster than
  // blocks down the columns (best of 10 alternated runs, 2026-12-07); 128 x
  // 128 tiles the same. The row blocks: pairs of row tiles, then the
  // last row tile where M is an odd number of tiles. With `live`, only those
  // holding live rows: the pairs wholly below it, then, where live rows
  // remain below the pairs' end, a pair if they reach the pair's second
  // tile, else one row tile (a decoding step's one row: half the products),
  // then the odd last tile if it holds a live row.
  auto row = [&](OpBuilder &rb, Location rl, Value i0, int64_t rowTiles) {
    int64_t whole = n - n % span;
    if (whole)
      scf::ForOp::create(rb, rl, index(rb, rl, 0), index(rb, rl, whole),
                         index(rb, rl, span), ValueRange{},
                         [&](OpBuilder &cb, Location cl, Value j0, ValueRange) {
                           block(cb, cl, i0, rowTiles, j0, 2);
                           scf::YieldOp::create(cb, cl);
                         });
    if (n % span)
      block(rb, rl, i0, rowTiles, index(rb, rl, whole), 1);
  };
  int64_t whole = m - m % span;
  Value end = index(b, loc, whole);
  if (live)
    end = arith::MinUIOp::create(
        b, loc, end,
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, live, index(b, loc, span)),
            index(b, loc, span)));
  if (whole) {
    scf::ForOp::create(b, loc, index(b, loc, 0), end, index(b, loc, span),
                       ValueRange{},
                       [&](OpBuilder &lb, Location ll, Value i0, ValueRange) {
                         row(lb, ll, i0, 2);
                         scf::YieldOp::create(lb, ll);
                       });
    // Live rows past the last whole pair, below `whole`: a pair where
    // they reach its second row tile, else one row tile.
    if (live) {
      auto below = [&](OpBuilder &ib, Value x, Value y) -> Value {
        return arith::CmpIOp::create(ib, loc, arith::CmpIPredicate::ult, x, y);
      };
      auto rest = scf::IfOp::create(
          b, loc,
          arith::AndIOp::create(b, loc, below(b, end, index(b, loc, whole)),
                                below(b, end, live)),
          /*withElseRegion=*/false);
      OpBuilder tb = rest.getThenBodyBuilder();
      auto pair = scf::IfOp::create(
          tb, loc, below(tb, plus(tb, loc, end, kTileRows), live),
          /*withElseRegion=*/true);
      OpBuilder pb = pair.getThenBodyBuilder();
      row(pb, loc, end, 2);
      OpBuilder sb = pair.getElseBodyBuilder();
      row(sb, loc, end, 1);
    }
  }
  if (m % span == 0)
    return;
  Value last = index(b, loc, whole);
  if (!live) {
    row(b, loc, last, 1);
    return;
  }
  scf::IfOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, live, last),
      [&](OpBuilder &tb, Location tl) {
        row(tb, tl, last, 1);
        scf::YieldOp::create(tb, tl);
      });
}

//===----------------------------------------------------------------------===//
// Emulation
//===----------------------------------------------------------------------===//

namespace {

/// A tile as the vector of its shape.
VectorType vectorOf(amx::TileType t) {
  return VectorType::get(t.getShape(), t.getElementType());
}

struct EmulateTileZero : OpConversionPattern<amx::TileZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(amx::TileZeroOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    VectorType vt = vectorOf(op.getTileType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, vt,
                                                   rewriter.getZeroAttr(vt));
    return success();
  }
};

/// Row r of the tile at [i, j] of a rank-2 memref: `base[i + r, j ..]`.
SmallVector<Value, 2> rowAt(OpBuilder &b, Location loc, ValueRange indices,
                            int64_t r) {
  return {plus(b, loc, indices[0], r), indices[1]};
}

struct EmulateTileLoad : OpConversionPattern<amx::TileLoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(amx::TileLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (adaptor.getStride() || adaptor.getIndices().size() != 2)
      return rewriter.notifyMatchFailure(op, "not a rank-2 load");
    Location loc = op.getLoc();
    VectorType vt = vectorOf(op.getTileType());
    auto row = VectorType::get({vt.getShape()[1]}, vt.getElementType());
    Value tile =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(vt));
    for (int64_t r = 0; r < vt.getShape()[0]; ++r)
      tile = vector::InsertOp::create(
          rewriter, loc,
          vector::LoadOp::create(rewriter, loc, row, adaptor.getBase(),
                                 rowAt(rewriter, loc, adaptor.getIndices(), r)),
          tile, ArrayRef<int64_t>{r});
    rewriter.replaceOp(op, tile);
    return success();
  }
};

struct EmulateTileStore : OpConversionPattern<amx::TileStoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(amx::TileStoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (adaptor.getStride() || adaptor.getIndices().size() != 2)
      return rewriter.notifyMatchFailure(op, "not a rank-2 store");
    Location loc = op.getLoc();
    int64_t rows = op.getTileType().getShape()[0];
    for (int64_t r = 0; r < rows; ++r)
      vector::StoreOp::create(
          rewriter, loc,
          vector::ExtractOp::create(rewriter, loc, adaptor.getVal(),
                                    ArrayRef<int64_t>{r}),
          adaptor.getBase(), rowAt(rewriter, loc, adaptor.getIndices(), r));
    rewriter.eraseOp(op);
    return success();
  }
};

/// The function that emulates a tile product of `op`'s types (created in
/// `module` at the first use): `c` (M x N) += `a` (M x G*P) times `b`
/// (P x G*N, groups of G k per column), as the instructions define it: for
/// each row m, each group p in order and each k of the group in order,
/// C(m, n) += A(m, G*p + q) * B(p, G*n + q), each product added with one
/// rounding (floats: an fma, a bf16 product being exact in f32) or wrapping
/// (i32). Loops, so that each product is a call, not hundreds of ops.
func::FuncOp productFunction(ModuleOp module, Operation *op, amx::TileType lhs,
                             amx::TileType rhs, amx::TileType acc, bool zextLhs,
                             bool zextRhs) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << "nlc.amx_emulation." << op->getName().stripDialect() << "."
     << (zextLhs ? "u" : "s") << (zextRhs ? "u" : "s");
  for (amx::TileType t : {lhs, rhs, acc})
    os << "." << t.getShape()[0] << "x" << t.getShape()[1] << "x"
       << t.getElementType();
  if (auto f = module.lookupSymbol<func::FuncOp>(name))
    return f;
  MLIRContext *ctx = module.getContext();
  auto memrefOf = [](amx::TileType t) {
    return MemRefType::get(t.getShape(), t.getElementType());
  };
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = op->getLoc();
  auto f = func::FuncOp::create(
      b, loc, name,
      FunctionType::get(ctx, {memrefOf(lhs), memrefOf(rhs), memrefOf(acc)},
                        {}));
  f.setPrivate();
  b.setInsertionPointToStart(f.addEntryBlock());
  Value a = f.getArgument(0), bm = f.getArgument(1), c = f.getArgument(2);
  int64_t rows = acc.getShape()[0], cols = acc.getShape()[1];
  int64_t groups = rhs.getShape()[0], group = rhs.getShape()[1] / cols;
  Type accElem = acc.getElementType();
  auto widen = [&](OpBuilder &lb, Location l, Value v, bool zext) -> Value {
    if (isa<FloatType>(accElem))
      return arith::ExtFOp::create(lb, l, accElem, v);
    if (zext)
      return arith::ExtUIOp::create(lb, l, accElem, v);
    return arith::ExtSIOp::create(lb, l, accElem, v);
  };
  auto loop = [&](OpBuilder &lb, Location l, int64_t n,
                  function_ref<void(OpBuilder &, Location, Value)> body) {
    scf::ForOp::create(lb, l, index(lb, l, 0), index(lb, l, n), index(lb, l, 1),
                       ValueRange{},
                       [&](OpBuilder &ib, Location il, Value iv, ValueRange) {
                         body(ib, il, iv);
                         scf::YieldOp::create(ib, il);
                       });
  };
  loop(b, loc, rows, [&](OpBuilder &b1, Location l1, Value m) {
    loop(b1, l1, groups, [&](OpBuilder &b2, Location l2, Value p) {
      loop(b2, l2, group, [&](OpBuilder &b3, Location l3, Value q) {
        Value k = arith::AddIOp::create(
            b3, l3, arith::MulIOp::create(b3, l3, p, index(b3, l3, group)), q);
        Value x =
            widen(b3, l3, memref::LoadOp::create(b3, l3, a, ValueRange{m, k}),
                  zextLhs);
        loop(b3, l3, cols, [&](OpBuilder &b4, Location l4, Value n) {
          Value col = arith::AddIOp::create(
              b4, l4, arith::MulIOp::create(b4, l4, n, index(b4, l4, group)),
              q);
          Value y = widen(
              b4, l4, memref::LoadOp::create(b4, l4, bm, ValueRange{p, col}),
              zextRhs);
          Value sum = memref::LoadOp::create(b4, l4, c, ValueRange{m, n});
          Value next =
              isa<FloatType>(accElem)
                  ? Value(math::FmaOp::create(b4, l4, x, y, sum))
                  : Value(arith::AddIOp::create(
                        b4, l4, sum, arith::MulIOp::create(b4, l4, x, y)));
          memref::StoreOp::create(b4, l4, next, c, ValueRange{m, n});
        });
      });
    });
  });
  func::ReturnOp::create(b, loc);
  return f;
}

/// `acc` plus the product of `lhs` and `rhs` (tiles as vectors): the three
/// stored into stack buffers of an alloca scope, multiplied there by
/// productFunction's function, the result loaded back.
Value emulateProduct(OpBuilder &b, Location loc, Operation *op, Value lhs,
                     Value rhs, Value acc, bool zextLhs, bool zextRhs) {
  auto tileOf = [](Value v) {
    auto vt = cast<VectorType>(v.getType());
    return amx::TileType::get(vt.getShape(), vt.getElementType());
  };
  func::FuncOp f =
      productFunction(op->getParentOfType<ModuleOp>(), op, tileOf(lhs),
                      tileOf(rhs), tileOf(acc), zextLhs, zextRhs);
  // The scope yields C's rows: 1-D vectors, which the scope's lowering to
  // LLVM passes on as they are.
  auto accType = cast<VectorType>(acc.getType());
  int64_t rows = accType.getShape()[0];
  auto row = VectorType::get({accType.getShape()[1]}, accType.getElementType());
  auto scope =
      memref::AllocaScopeOp::create(b, loc, SmallVector<Type>(rows, row));
  OpBuilder sb = OpBuilder::atBlockBegin(&scope.getBodyRegion().emplaceBlock());
  SmallVector<Value, 3> buffers;
  for (Value v : {lhs, rhs, acc}) {
    auto vt = cast<VectorType>(v.getType());
    Value buffer = memref::AllocaOp::create(
        sb, loc, MemRefType::get(vt.getShape(), vt.getElementType()));
    for (int64_t r = 0; r < vt.getShape()[0]; ++r)
      vector::StoreOp::create(
          sb, loc, vector::ExtractOp::create(sb, loc, v, ArrayRef<int64_t>{r}),
          buffer, ValueRange{index(sb, loc, r), index(sb, loc, 0)});
    buffers.push_back(buffer);
  }
  func::CallOp::create(sb, loc, f, buffers);
  SmallVector<Value> result;
  for (int64_t r = 0; r < rows; ++r)
    result.push_back(vector::LoadOp::create(
        sb, loc, row, buffers[2],
        ValueRange{index(sb, loc, r), index(sb, loc, 0)}));
  memref::AllocaScopeReturnOp::create(sb, loc, result);
  Value out = arith::ConstantOp::create(b, loc, b.getZeroAttr(accType));
  for (int64_t r = 0; r < rows; ++r)
    out = vector::InsertOp::create(b, loc, scope.getResult(r), out,
                                   ArrayRef<int64_t>{r});
  return out;
}

/// `tile_mulf` and `tile_muli` (signed or zero-extended bytes) by
/// emulateProduct.
template <typename MulOp>
struct EmulateTileProduct : OpConversionPattern<MulOp> {
  using OpConversionPattern<MulOp>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MulOp op, typename MulOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    bool zextLhs = false, zextRhs = false;
    if constexpr (std::is_same_v<MulOp, amx::TileMulIOp>) {
      zextLhs = op.getIsZextLhs();
      zextRhs = op.getIsZextRhs();
    }
    rewriter.replaceOp(op, emulateProduct(rewriter, op.getLoc(), op,
                                          adaptor.getLhs(), adaptor.getRhs(),
                                          adaptor.getAcc(), zextLhs, zextRhs));
    return success();
  }
};

struct X86EmulateAmxPass
    : nlc::x86::impl::X86EmulateAmxBase<X86EmulateAmxPass> {
  using X86EmulateAmxBase::X86EmulateAmxBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!emulatingAmx(module))
      return;
    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion(
        [](amx::TileType t) -> Type { return vectorOf(t); });
    ConversionTarget target(*ctx);
    target.addIllegalDialect<amx::AMXDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    patterns.add<EmulateTileZero, EmulateTileLoad, EmulateTileStore,
                 EmulateTileProduct<amx::TileMulFOp>,
                 EmulateTileProduct<amx::TileMulIOp>>(converter, ctx);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

bool nlc::x86::emulatingAmx(ModuleOp module) {
  return module->hasAttr(nlc::kAmxEmulationAttrName);
}
