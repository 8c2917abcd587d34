//===- X86Memory.cpp - tile.load and tile.store as vector copies ----------===//
//
// A tile load copies a block of a view into the tile's buffer, a store the
// other way. With a unit inner stride (every view the language makes; its
// type says so statically, so the test below folds away) the copy goes row
// by row in vectors: whole vectors when the tile lies inside the view,
// masked vectors (and the pad value) where it leaves it, so a ragged edge
// costs no scalar loop. A view with another inner stride (a memref written
// by hand in the tile dialect) takes the reference code. The element values and
// the positions read and written are the reference's.
//
// In-place operands of `dot`: a load whose tile only feeds the x86 `dot`
// micro-kernel (markInPlaceDotOperands, X86Dot.cpp) is not copied when the
// tile lies wholly inside a unit-stride view and its rows are one run of
// memory (the view's row stride is the tile's width: a tile of a packed
// tensor, e.g. `[tiles_m, tiles_k, 64, 32]`): the micro-kernel reads the
// view itself (inPlaceTile). In every other case the load copies the tile,
// with its masks and pad value, into the buffer the micro-kernel then
// reads instead; both sides test the same condition. Measured on a Zen 3
// (docs/Performance.md): reading a tile of a plain matrix in place, rows a
// power-of-two stride apart, is 1.1-1.8x slower than copying it first (the
// rows fight over a few L1 sets and TLB entries), so the copy stays there.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86VectorCode.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dominance.h"

using namespace mlir;
using namespace nlc::x86;
namespace tl = nlc::tile;

namespace {

/// What one access of a tile covers: the tile's rows and columns (a rank-1
/// tile is one row), the leading indices of a rank-3 or rank-4 view (the
/// 2-D slice the tile lies in), where the tile starts in that slice, how
/// many of its rows and columns lie inside it, and the view with a static
/// unit inner stride (valid only where `unitStride` holds).
struct Extent {
  int64_t rows, cols;
  SmallVector<Value, 2> lead;
  Value row0, col0, validRows, validCols, unitStride, view;
  /// The number of rows of the 2-D slice the tile lies in (1 for rank 1).
  Value viewRows;
  /// The view's offset and strides (its metadata).
  Value offset;
  SmallVector<Value, 4> strides;
};

/// Computes the extent of `op` on `view` (at `indices`, else the op's own).
/// A tile index out of range gives no valid row, and offsets are never
/// formed from it (they could wrap).
Extent extentOf(OpBuilder &b, Location loc, Value view, tl::TileType type,
                ValueRange indices) {
  auto viewType = cast<MemRefType>(view.getType());
  ArrayRef<int64_t> shape = type.getShape();
  bool rank1 = shape.size() == 1;
  Extent e;
  e.rows = rank1 ? 1 : shape[0];
  e.cols = shape.back();
  Value zero = index(b, loc, 0);
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, view);
  // A leading index out of range leaves no valid row; 0 stands in for it so
  // that no address is formed from it.
  size_t lead = indices.size() - shape.size();
  Value leadOk;
  for (auto [d, li] : llvm::enumerate(indices.take_front(lead))) {
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, li,
                                     meta.getSizes()[d]);
    leadOk =
        leadOk ? arith::AndIOp::create(b, loc, leadOk, ok).getResult() : ok;
    e.lead.push_back(arith::SelectOp::create(b, loc, ok, li, zero));
  }
  SmallVector<Value, 2> starts, valid;
  for (auto [d, ti] : llvm::enumerate(indices.drop_front(lead))) {
    Value dim = meta.getSizes()[d + lead];
    Value tiles = arith::CeilDivUIOp::create(b, loc, dim, index(b, loc, shape[d]));
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, ti, tiles);
    Value safe = arith::SelectOp::create(b, loc, ok, ti, zero);
    Value start = arith::MulIOp::create(b, loc, safe, index(b, loc, shape[d]));
    Value left = arith::SubIOp::create(b, loc, dim, start);
    Value n = arith::MinUIOp::create(b, loc, left, index(b, loc, shape[d]));
    starts.push_back(start);
    valid.push_back(arith::SelectOp::create(b, loc, ok, n, zero));
  }
  if (rank1) {
    e.row0 = zero;
    e.col0 = starts[0];
    // A rank-1 tile out of range has no valid element.
    e.validRows = arith::SelectOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, valid[0], zero),
        index(b, loc, 1), zero);
    e.validCols = valid[0];
  } else {
    e.row0 = starts[0];
    e.col0 = starts[1];
    e.validRows = valid[0];
    e.validCols = valid[1];
  }
  e.viewRows = rank1 ? index(b, loc, 1) : meta.getSizes()[lead];
  if (leadOk)
    e.validRows = arith::SelectOp::create(b, loc, leadOk, e.validRows, zero);
  e.offset = meta.getOffset();
  e.strides.assign(meta.getStrides().begin(), meta.getStrides().end());
  Value inner = meta.getStrides().back();
  e.unitStride = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, inner,
                                       index(b, loc, 1));
  // The same view, its inner stride stated as 1.
  int64_t dyn = ShapedType::kDynamic;
  SmallVector<int64_t, 2> strides(viewType.getRank(), dyn);
  strides.back() = 1;
  auto unitType = MemRefType::get(
      viewType.getShape(), viewType.getElementType(),
      StridedLayoutAttr::get(b.getContext(), dyn, strides));
  SmallVector<OpFoldResult, 2> sizes, strideVals;
  // A static size stays static (a packed view's tile dimensions).
  for (auto [d, v] : llvm::enumerate(meta.getSizes()))
    sizes.push_back(viewType.isDynamicDim(d)
                        ? OpFoldResult(v)
                        : b.getIndexAttr(viewType.getDimSize(d)));
  for (size_t d = 0; d + 1 < meta.getStrides().size(); ++d)
    strideVals.push_back(meta.getStrides()[d]);
  strideVals.push_back(b.getIndexAttr(1));
  e.view = memref::ReinterpretCastOp::create(b, loc, unitType, view,
                                             OpFoldResult(meta.getOffset()),
                                             sizes, strideVals);
  return e;
}

Extent extentOf(OpBuilder &b, Location loc, tl::AccessOpInterface op,
                ValueRange indices = {}) {
  if (indices.empty())
    indices = op.getIndices();
  return extentOf(b, loc, op.getView(), op.getAccessedType(), indices);
}

/// View coordinates of element (r, c) of the tile.
SmallVector<Value, 4> viewIndex(OpBuilder &b, Location loc, const Extent &e,
                                Value r, Value c, bool rank1) {
  Value col = arith::AddIOp::create(b, loc, e.col0, c);
  if (rank1)
    return {col};
  SmallVector<Value, 4> pos(e.lead.begin(), e.lead.end());
  pos.push_back(arith::AddIOp::create(b, loc, e.row0, r));
  pos.push_back(col);
  return pos;
}

SmallVector<Value, 2> bufferIndex(Value r, Value c, bool rank1) {
  if (rank1)
    return {c};
  return {r, c};
}

/// Emits `body(r, c, width, mask)` for every vector piece of every row of
/// the tile that lies in the view (`width`: the lanes of the piece inside
/// the tile, its last narrower): `full` says whether the whole tile lies in
/// the view (no masks needed); otherwise `mask` covers the piece's columns
/// inside the view. Rows at or past `validRows` touch no memory of the
/// view: `outside(r, c, width)` is emitted for their pieces, or nothing
/// when it is null. (A masked access whose lanes are all off still costs a
/// microcode assist per access where its address lies outside mapped
/// memory: a 1-row matrix read in 64-row tiles ran 10x slower.) The whole
/// vectors of a row are a loop (code size does not grow with the tile), the
/// narrower last piece follows it. `eachRow(r)`, if given, is emitted once
/// per row inside the view, before its pieces; `outsideEnd`, if given, ends
/// the rows given to `outside` there (at most the tile's).
void forEachPiece(
    OpBuilder &b, Location loc, const Extent &e, int64_t lanes, bool full,
    function_ref<void(OpBuilder &, Location, Value, Value, int64_t, Value)>
        body,
    function_ref<void(OpBuilder &, Location, Value, Value, int64_t)> outside =
        nullptr,
    function_ref<void(OpBuilder &, Location, Value)> eachRow = nullptr,
    Value outsideEnd = {}) {
  auto piece = [&](OpBuilder &pb, Location pl, Value r, Value col,
                   int64_t width) {
    Value mask;
    if (!full || width < lanes) {
      // Columns of this piece inside both the tile and the view.
      Value limit = index(pb, pl, width);
      if (!full) {
        Value left = arith::SubIOp::create(
            pb, pl, arith::MaxUIOp::create(pb, pl, e.validCols, col), col);
        limit = arith::MinUIOp::create(pb, pl, left, limit);
      }
      mask = vector::CreateMaskOp::create(
          pb, pl, VectorType::get({lanes}, pb.getI1Type()), ValueRange{limit});
    }
    body(pb, pl, r, col, width, mask);
  };
  int64_t whole = e.cols / lanes * lanes;
  // Every piece of rows `from` to `to`, each given to `each`.
  auto rowsLoop =
      [&](Value from, Value to,
          function_ref<void(OpBuilder &, Location, Value, Value, int64_t)> each,
          function_ref<void(OpBuilder &, Location, Value)> first) {
        scf::ForOp::create(
            b, loc, from, to, index(b, loc, 1), ValueRange{},
            [&](OpBuilder &rb, Location rl, Value r, ValueRange) {
              if (first)
                first(rb, rl, r);
              if (whole)
                scf::ForOp::create(
                    rb, rl, index(rb, rl, 0), index(rb, rl, whole),
                    index(rb, rl, lanes), ValueRange{},
                    [&](OpBuilder &cb, Location cl, Value col, ValueRange) {
                      each(cb, cl, r, col, lanes);
                      scf::YieldOp::create(cb, cl);
                    });
              if (whole < e.cols)
                each(rb, rl, r, index(rb, rl, whole), e.cols - whole);
              scf::YieldOp::create(rb, rl);
            });
      };
  Value rows = index(b, loc, e.rows);
  Value inside =
      full ? rows : arith::MinUIOp::create(b, loc, e.validRows, rows);
  rowsLoop(index(b, loc, 0), inside, piece, eachRow);
  if (!full && outside)
    rowsLoop(inside,
             outsideEnd ? arith::MinUIOp::create(b, loc, outsideEnd, rows)
                        : rows,
             outside, nullptr);
}

/// The mask of a buffer piece `width` lanes wide, or none for a whole
/// vector: the tile's own last piece may be narrower than a vector.
Value inTile(OpBuilder &b, Location loc, int64_t lanes, int64_t width) {
  return width < lanes ? prefixMask(b, loc, lanes, width) : Value();
}

/// Whether the whole tile lies inside the view (any stride).
Value wholeTile(OpBuilder &b, Location loc, const Extent &e) {
  return arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e.validRows,
                            index(b, loc, e.rows)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e.validCols,
                            index(b, loc, e.cols)));
}

/// Whether the rows of a rank-2 tile are not one run of memory in the view
/// (its row stride is not the tile's width).
Value notContiguous(OpBuilder &b, Location loc, const Extent &e) {
  if (e.rows == 1)
    return arith::ConstantIntOp::create(b, loc, 0, 1);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                               e.strides[e.strides.size() - 2],
                               index(b, loc, e.cols));
}

/// The three ways of one access: `copy(full=true)` when the tile lies
/// inside a unit-stride view (with `needsCopy`, only where the condition it
/// builds holds: else the tile is read in place), `copy(full=false)` at its
/// edges, and `reference` for any other stride. With `smallCode` the masked
/// copy serves every unit-stride access: its masks are all on inside the
/// view, so it does what the unmasked one does, with one copy of the loop
/// in the code instead of two. It costs time: a tile read in place is then
/// copied too, a mask is computed per vector, and no store streams. On a
/// Zen 5 (2026-12-05) it made a layernorm over rows of 4096 3x slower, a
/// softmax up to 1.5x, a vector add 1.3x and a small grid's launch 2x, so
/// only the unikernel, which is built for size, uses it.
void emitPaths(OpBuilder &b, Location loc, const Extent &e, bool smallCode,
               function_ref<void(OpBuilder &, Location, bool)> copy,
               function_ref<void(OpBuilder &, Location)> reference,
               function_ref<Value(OpBuilder &, Location)> needsCopy = nullptr) {
  Value full = wholeTile(b, loc, e);
  scf::IfOp::create(
      b, loc, e.unitStride,
      [&](OpBuilder &ub, Location ul) {
        if (smallCode) {
          copy(ub, ul, false);
          scf::YieldOp::create(ub, ul);
          return;
        }
        scf::IfOp::create(
            ub, ul, full,
            [&](OpBuilder &fb, Location fl) {
              if (!needsCopy)
                copy(fb, fl, true);
              else
                scf::IfOp::create(fb, fl, needsCopy(fb, fl),
                                  [&](OpBuilder &cb, Location cl) {
                                    copy(cb, cl, true);
                                    scf::YieldOp::create(cb, cl);
                                  });
              scf::YieldOp::create(fb, fl);
            },
            [&](OpBuilder &eb, Location el) {
              copy(eb, el, false);
              scf::YieldOp::create(eb, el);
            });
        scf::YieldOp::create(ub, ul);
      },
      [&](OpBuilder &rb, Location rl) {
        reference(rb, rl);
        scf::YieldOp::create(rb, rl);
      });
}

/// Marks a load whose tile is read in the view where it lies wholly inside
/// it (markInPlaceLoads).
constexpr StringLiteral kReadInPlace = "nlc.x86_read_in_place";

/// The stores after `load` in its block: they may run while its tile is
/// still read (a store or a line reduction computes its producer late).
SmallVector<tl::StoreOp> storesAfter(tl::LoadOp load) {
  SmallVector<tl::StoreOp> stores;
  for (Operation *o = load->getNextNode(); o; o = o->getNextNode())
    if (auto store = dyn_cast<tl::StoreOp>(o))
      stores.push_back(store);
  return stores;
}

/// Element (0, 0) of the tile in the view's underlying memory: the view's
/// offset plus the leading indices and the tile's start, each times its
/// stride.
Value tileOffset(OpBuilder &b, Location loc, const Extent &e) {
  Value offset = e.offset;
  auto add = [&](Value i, Value stride) {
    offset = arith::AddIOp::create(b, loc, offset,
                                   arith::MulIOp::create(b, loc, i, stride));
  };
  size_t rank = e.strides.size();
  for (auto [i, lead] : llvm::enumerate(e.lead))
    add(lead, e.strides[i]);
  if (rank >= 2)
    add(e.row0, e.strides[rank - 2]);
  return arith::AddIOp::create(b, loc, offset, e.col0);
}

/// The LLVM descriptor of a memref of rank `rank` (MLIR's memref lowering:
/// allocated and aligned pointer, offset, sizes, strides).
LLVM::LLVMStructType descriptorType(MLIRContext *ctx, int64_t rank) {
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto array = LLVM::LLVMArrayType::get(i64, rank);
  return LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, i64, array, array});
}

/// The aligned pointer of `mem` as an LLVM pointer (the casts meet the
/// memref lowering's own and cancel out).
Value alignedPointer(OpBuilder &b, Location loc, Value mem) {
  auto type = cast<MemRefType>(mem.getType());
  Value desc = UnrealizedConversionCastOp::create(
                   b, loc, descriptorType(b.getContext(), type.getRank()), mem)
                   .getResult(0);
  return LLVM::ExtractValueOp::create(b, loc, desc, ArrayRef<int64_t>{1});
}

/// A tile buffer of `type` (static, row-major) whose elements start at `ptr`.
Value bufferAt(OpBuilder &b, Location loc, MemRefType type, Value ptr) {
  int64_t rank = type.getRank();
  auto desc0 = descriptorType(b.getContext(), rank);
  auto i64c = [&](int64_t v) -> Value {
    return LLVM::ConstantOp::create(b, loc, b.getI64Type(), v);
  };
  Value desc = LLVM::UndefOp::create(b, loc, desc0);
  desc = LLVM::InsertValueOp::create(b, loc, desc, ptr, ArrayRef<int64_t>{0});
  desc = LLVM::InsertValueOp::create(b, loc, desc, ptr, ArrayRef<int64_t>{1});
  desc = LLVM::InsertValueOp::create(b, loc, desc, i64c(0),
                                     ArrayRef<int64_t>{2});
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    desc = LLVM::InsertValueOp::create(b, loc, desc, i64c(type.getDimSize(d)),
                                       ArrayRef<int64_t>{3, d});
    desc = LLVM::InsertValueOp::create(b, loc, desc, i64c(stride),
                                       ArrayRef<int64_t>{4, d});
    stride *= type.getDimSize(d);
  }
  return UnrealizedConversionCastOp::create(b, loc, type, desc).getResult(0);
}

/// The bytes a tile's elements take (0 for i1 tiles).
int64_t tileBytes(tl::TileType type) {
  return type.getNumElements() *
         (type.getElementType().getIntOrFloatBitWidth() / 8);
}

/// The largest tile whose successor is prefetched (see prefetchNext): a
/// row of 32768 f32. The row and the next one then fit an L2 of 512 KiB
/// (Zen 3) or more; raised from 64 KiB after a softmax of such rows ran
/// 1.3x faster with it on a Zen 5 (docs/Performance.md).
constexpr int64_t kPrefetchBytes = 128 * 1024;

/// The index of `op` that is `program_id(0)` of its grid kernel (through
/// casts), if exactly one is and its tile is one prefetchNext fetches.
std::optional<unsigned> nextInstanceIndex(tl::AccessOpInterface op) {
  auto fn = op->getParentOfType<func::FuncOp>();
  // convert-tile-launch-to-scf appends the grid position and sizes.
  if (!fn || !fn->hasAttr(tl::kKernelAttrName) || fn.getNumArguments() < 6)
    return std::nullopt;
  Value pid0 = fn.getArgument(fn.getNumArguments() - 6);
  std::optional<unsigned> at;
  for (auto [d, v] : llvm::enumerate(op.getIndices()))
    if (nlc::cpu::stripIndexCasts(v) == pid0) {
      if (at)
        return std::nullopt;
      at = d;
    }
  int64_t bytes = tileBytes(op.getAccessedType());
  if (bytes > kPrefetchBytes || bytes == 0)
    return std::nullopt;
  return at;
}

/// In a grid kernel, an access whose index (leading or tile) is
/// `program_id(0)` is followed on the same thread by the same access of the
/// next instance at that index plus one (instances run in chunks of
/// consecutive ids, axis 0 fastest: nl_grid_launch; in 2-D grids within
/// groups of rows along axis 0, nlc-grids-to-runtime's, where the prefetch
/// past a group's last row is wasted). Prefetches that tile's cache lines (for
/// writing with `write`) where it lies in a unit-stride view, so that its
/// memory traffic overlaps this instance's work instead of stalling the next
/// one: a row kernel (softmax, layernorm: one row per instance) otherwise
/// starts each row on a cold page, which the hardware prefetchers do not enter
/// on their own. Nothing for larger tiles (the prefetched lines would evict the
/// current ones) or other accesses, nor for an access whose prefetches a vector
/// loop issues instead (planSpreadPrefetches): these are all issued here at
/// once.
void prefetchNext(OpBuilder &b, Location loc, tl::AccessOpInterface op,
                  bool write, const VectorTarget &target) {
  std::optional<unsigned> at = nextInstanceIndex(op);
  if (!at || (target.spread && target.spread->moved.contains(op)))
    return;
  tl::TileType type = op.getAccessedType();
  SmallVector<Value, 4> next(op.getIndices());
  next[*at] = arith::AddIOp::create(b, loc, next[*at], index(b, loc, 1));
  Extent e = extentOf(b, loc, op, next);
  bool rank1 = type.getRank() == 1;
  int64_t step = std::max<int64_t>(
      1, 64 / (type.getElementType().getIntOrFloatBitWidth() / 8));
  scf::IfOp::create(b, loc, e.unitStride, [&](OpBuilder &ib, Location il) {
    scf::ForOp::create(
        ib, il, index(ib, il, 0), e.validRows, index(ib, il, 1), ValueRange{},
        [&](OpBuilder &rb, Location rl, Value r, ValueRange) {
          scf::ForOp::create(
              rb, rl, index(rb, rl, 0), e.validCols, index(rb, rl, step),
              ValueRange{},
              [&](OpBuilder &cb, Location cl, Value c, ValueRange) {
                memref::PrefetchOp::create(cb, cl, e.view,
                                           viewIndex(cb, cl, e, r, c, rank1),
                                           write, /*localityHint=*/3,
                                           /*isDataCache=*/true);
                scf::YieldOp::create(cb, cl);
              });
          scf::YieldOp::create(rb, rl);
        });
    scf::YieldOp::create(ib, il);
  });
}

// Rows ahead. A tile of a matrix whose rows are not one run of memory (a
// 32 x 64 f32 tile of a 4096-wide matrix: 256 bytes a row, 16 KiB apart)
// is as many short streams as rows, which the hardware prefetchers enter
// late: a C model of a grid reading a 4096 x 4096 matrix in such column
// strips (the decode shape 1 x 4096 x 4096, B's tiles in the K loop) read
// 6.6-6.8 GB/s on a Zen 3, where STREAM copy reaches about 16. While a
// whole tile is copied, each row prefetches the row kRowsAhead below it:
// the tile's own later rows, and for the last ones, where the next
// iteration of the loop around the load reads the tile below
// (markNextTileBelow), that tile's first rows, else the tile's last row
// again (no line outside the tile is fetched). Only
// the copy path does it (a tile read in place is a run of memory), and
// only for rows of at most kAheadRowBytes; wider rows are long runs, which
// the prefetchers follow by themselves. A prefetch changes no value.

/// How many rows ahead a tile copy prefetches: in a C model of the decode
/// shape's strips (Zen 3), 8 rows ahead read 9.1-10.6 GB/s, 16 8.7-9.1, 32
/// 7.8-8.9, none 6.6-6.8.
constexpr int64_t kRowsAhead = 8;
/// The widest row that gets rows ahead.
constexpr int64_t kAheadRowBytes = 512;

constexpr StringLiteral kNextTileBelow = "nlc.x86_next_tile_below";

/// At the top of the copy of row `r` of a whole tile: prefetches the lines
/// of row r + kRowsAhead (tile-relative), within the tile or, with
/// `below`, within the view.
void prefetchRowAhead(OpBuilder &b, Location loc, const Extent &e, Value r,
                      int64_t elemBytes, bool below) {
  Value last =
      below ? arith::SubIOp::create(
                  b, loc, arith::SubIOp::create(b, loc, e.viewRows, e.row0),
                  index(b, loc, 1))
                  .getResult()
            : index(b, loc, e.rows - 1);
  Value ahead = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, r, index(b, loc, kRowsAhead)),
      last);
  int64_t step = std::max<int64_t>(1, 64 / elemBytes);
  for (int64_t c = 0; c < e.cols; c += step)
    memref::PrefetchOp::create(
        b, loc, e.view, viewIndex(b, loc, e, ahead, index(b, loc, c), false),
        /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
}

/// Where the padding rows of `load`'s tile may end: the live rows of the
/// `dot` whose A the tile alone is (findLiveDotRows), which reads no row
/// past them unless all are live, where that count is computed before the
/// load; null for every other load.
Value padRowsEnd(tl::LoadOp load, const LiveDotRows &live) {
  if (!load->hasOneUse())
    return {};
  auto dot = dyn_cast<tl::DotOp>(*load->user_begin());
  if (!dot || dot.getLhs() != load.getResult() ||
      dot.getAcc() == load.getResult())
    return {};
  Value rows = live.lookup(dot);
  if (!rows)
    return {};
  // Defined in a block around the load, before it (findLiveDotRows puts
  // it before the outermost op holding the `dot`, which may follow the
  // load or not hold it).
  Operation *at = rows.getParentBlock()->findAncestorOpInBlock(*load);
  Operation *def = rows.getDefiningOp();
  if (!at || (def && !def->isBeforeInBlock(at)))
    return {};
  return rows;
}

// Streams ahead. A loop that reads a large matrix tile after tile, each
// tile one short run of memory right after the last (a decoding step's
// matrix-vector product: matvec_q8 reads a Q8_0 matrix of about 100 MiB in
// runs of 768 bytes, and their 48 bytes of scales from another array),
// waits on its loads: the hardware prefetchers follow the stream, but not
// far enough ahead. A C model of matvec_q8's loop on a Sapphire Rapids
// (2026-12-07, three runs) read 5.8-6.6 GB/s without prefetches, 7.5-10.1
// with the tiles 1 or 2 steps ahead prefetched, 9.8-12.5 with those 8
// steps ahead; Llama 125M decoded 1.34-1.51x faster in Q8_0, 1.35-1.40x in
// BF16 and F16 (docs/Performance.md). So a load in a loop whose indices
// change in the loop, of a tile of at most kStreamMaxTileBytes that at run
// time is whole and one run of memory in a view spanning at least
// kStreamMinViewBytes, prefetches the run kStreamTilesAhead tiles further
// on (moved back to end at the view's last element where it would pass
// it). A prefetch changes no value.
// markStreamLoads marks the loads, before the conversion changes the
// loops around them; convert-tile-to-x86 calls it on every target but
// AMD's Zen cores, where these prefetches made the decode slower.
constexpr StringLiteral kStreamAhead = "nlc.x86_stream_ahead";
constexpr int64_t kStreamTilesAhead = 8;
constexpr int64_t kStreamMaxTileBytes = 2048;
constexpr int64_t kStreamMinViewBytes = 8 << 20;

void prefetchStreamAhead(OpBuilder &b, Location loc, tl::LoadOp op,
                         const Extent &e, int64_t elemBytes) {
  if (!op->hasAttr(kStreamAhead))
    return;
  int64_t elems = e.rows * e.cols;
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, op.getView());
  Value span =
      arith::MulIOp::create(b, loc, meta.getSizes()[0], meta.getStrides()[0]);
  Value large =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, span,
                            index(b, loc, kStreamMinViewBytes / elemBytes));
  Value run = arith::AndIOp::create(
      b, loc, arith::AndIOp::create(b, loc, e.unitStride, wholeTile(b, loc, e)),
      arith::XOrIOp::create(b, loc, notContiguous(b, loc, e),
                            arith::ConstantIntOp::create(b, loc, 1, 1)));
  scf::IfOp::create(
      b, loc, arith::AndIOp::create(b, loc, run, large),
      [&](OpBuilder &ib, Location il) {
        // The run prefetched, moved back where it would pass the view's
        // end: one clamp, and each line's address a constant offset from
        // its start (a decoding step prefetches 12 lines a row of Q8_0
        // weights).
        Value end = arith::AddIOp::create(ib, il, e.offset, span);
        Value from =
            arith::AddIOp::create(ib, il, tileOffset(ib, il, e),
                                  index(ib, il, kStreamTilesAhead * elems));
        Value start = arith::MinSIOp::create(
            ib, il, from,
            arith::SubIOp::create(ib, il, end, index(ib, il, elems)));
        Value base = alignedPointer(ib, il, op.getView());
        auto ptrType = LLVM::LLVMPointerType::get(ib.getContext());
        int64_t perLine = std::max<int64_t>(1, 64 / elemBytes);
        for (int64_t at = 0; at < elems; at += perLine) {
          Value pos = arith::AddIOp::create(ib, il, start, index(ib, il, at));
          Value addr = LLVM::GEPOp::create(
              ib, il, ptrType, op.getType().getElementType(), base,
              ValueRange{
                  arith::IndexCastOp::create(ib, il, ib.getI64Type(), pos)});
          LLVM::Prefetch::create(ib, il, addr, /*rw=*/0, /*hint=*/3,
                                 /*cache=*/1);
        }
        scf::YieldOp::create(ib, il);
      });
}

struct VectorLoad : VectorPattern<tl::LoadOp> {
  VectorLoad(TypeConverter &converter, MLIRContext *ctx,
             const VectorTarget &target, const LiveDotRows &live)
      : VectorPattern(converter, ctx, target), live(live) {}
  const LiveDotRows &live;

  LogicalResult
  matchAndRewrite(tl::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    tl::TileType type = op.getType();
    Type elem = type.getElementType();
    int64_t lanes = lanesFor(target, {elem});
    if (!lanes)
      return rewriter.notifyMatchFailure(op, "left to the reference");
    Location loc = op.getLoc();
    bool rank1 = type.getRank() == 1;
    auto vt = VectorType::get({lanes}, elem);
    Value out = nlc::cpu::allocTileBuffer(rewriter, loc, type);
    Value pad = adaptor.getPadding()
                    ? adaptor.getPadding()
                    : arith::ConstantOp::create(rewriter, loc,
                                                rewriter.getZeroAttr(elem))
                          .getResult();
    Extent e = extentOf(rewriter, loc, op);
    Value padVec = vector::BroadcastOp::create(rewriter, loc, vt, pad);
    Value padEnd = padRowsEnd(op, live);
    int64_t elemBytes = std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
    bool rowsAhead =
        !rank1 && e.rows > 1 && e.cols * elemBytes <= kAheadRowBytes;
    auto ahead = [&](OpBuilder &b, Location l, Value r) {
      scf::IfOp::create(b, l, notContiguous(b, l, e),
                        [&](OpBuilder &ib, Location il) {
                          prefetchRowAhead(ib, il, e, r, elemBytes,
                                           op->hasAttr(kNextTileBelow));
                          scf::YieldOp::create(ib, il);
                        });
    };
    auto copy = [&](OpBuilder &b, Location l, bool full) {
      forEachPiece(
          b, l, e, lanes, full,
          [&](OpBuilder &pb, Location pl, Value r, Value c, int64_t width,
              Value mask) {
            Value v =
                loadVector(pb, pl, vt, e.view,
                           viewIndex(pb, pl, e, r, c, rank1), mask, padVec);
            storeVector(pb, pl, v, out, bufferIndex(r, c, rank1),
                        inTile(pb, pl, lanes, width));
          },
          [&](OpBuilder &pb, Location pl, Value r, Value c, int64_t width) {
            storeVector(pb, pl, padVec, out, bufferIndex(r, c, rank1),
                        inTile(pb, pl, lanes, width));
          },
          full && rowsAhead
              ? function_ref<void(OpBuilder &, Location, Value)>(ahead)
              : nullptr,
          padEnd);
    };
    // Where the tile lies wholly inside the view with its rows one run of
    // memory, a `dot` operand is read there by the micro-kernel (with rows
    // at any stride: B of a `dot` that packs it into pairs or quads, and a
    // tile a `tile.pair_rows` groups), and a tile marked by
    // markInPlaceLoads is the view's memory itself, unless a later store may
    // write it (a view of the same tensor).
    Value inPlace;
    std::function<Value(OpBuilder &, Location)> needsCopy;
    if (readInPlaceAnyRowStride(op) || readInPlaceByPairRows(op)) {
      needsCopy = [&](OpBuilder &b, Location l) -> Value {
        return arith::ConstantIntOp::create(b, l, 0, 1);
      };
    } else if (readInPlaceByDot(op)) {
      needsCopy = [&](OpBuilder &b, Location l) {
        return notContiguous(b, l, e);
      };
    } else if (op->hasAttr(kReadInPlace)) {
      Value contiguous = arith::XOrIOp::create(
          rewriter, loc, notContiguous(rewriter, loc, e),
          arith::ConstantIntOp::create(rewriter, loc, 1, 1));
      inPlace = arith::AndIOp::create(
          rewriter, loc, e.unitStride,
          arith::AndIOp::create(rewriter, loc, wholeTile(rewriter, loc, e),
                                contiguous));
      Value base = memref::ExtractAlignedPointerAsIndexOp::create(
          rewriter, loc, op.getView());
      for (tl::StoreOp store : storesAfter(op)) {
        Value other = memref::ExtractAlignedPointerAsIndexOp::create(
            rewriter, loc, store.getView());
        inPlace = arith::AndIOp::create(
            rewriter, loc, inPlace,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                                  base, other));
      }
      needsCopy = [&](OpBuilder &b, Location l) -> Value {
        return arith::XOrIOp::create(b, l, inPlace,
                                     arith::ConstantIntOp::create(b, l, 1, 1));
      };
    }
    emitPaths(
        rewriter, loc, e, target.smallCode, copy,
        [&](OpBuilder &b, Location l) {
          nlc::cpu::emitReferenceLoad(b, l, op, pad, out);
        },
        needsCopy ? function_ref<Value(OpBuilder &, Location)>(needsCopy)
                  : nullptr);
    prefetchNext(rewriter, loc, op, /*write=*/false, target);
    prefetchStreamAhead(rewriter, loc, op, e, elemBytes);
    Value result = out;
    if (inPlace) {
      auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
      Value at = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                            tileOffset(rewriter, loc, e));
      Value window = LLVM::GEPOp::create(
          rewriter, loc, ptrType, elem,
          alignedPointer(rewriter, loc, op.getView()), ValueRange{at});
      Value ptr = LLVM::SelectOp::create(rewriter, loc, inPlace, window,
                                         alignedPointer(rewriter, loc, out));
      result = bufferAt(rewriter, loc, cast<MemRefType>(out.getType()), ptr);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

// Streaming stores. A grid matmul writes each output tile once, at the
// end of its K loop; when the output is much larger than the caches (a
// 4096 x 4096 f32 result is 64 MiB), each store first reads its line from
// memory (the write-allocate of a normal store) and evicts another: for a
// short K (4096 x 4096 x 128) the tile's store took a quarter of the
// kernel's time on a Zen 5. A store planned by planStreamingStores writes
// its whole vectors with non-temporal stores instead (`vmovntps`: no read,
// no cache line taken) when, at run time, its `dot`s added up at most
// kStreamMaxK k, the view spans at least kStreamBytes and the tile's rows
// start on vector boundaries (the instruction needs aligned addresses);
// then an `sfence` orders them before anything the instance does next,
// and no `prefetchw` of the next instance's tile is issued (it would pull
// in the lines the streaming stores then evict; planSpreadPrefetches
// plans none for a store that may stream). Otherwise the store is the
// usual one. Results are the same either way.
//
// A store that computes its tile from elementwise ops of tiles it loads
// (a layernorm's last pass: the row, gamma and beta, and the row's mean
// and scale) streams alike where its view spans at least
// kStreamComputedBytes: the write-allocate reads no longer compete with
// the pass's own, and the row written no longer evicts what the next
// row's pass reads. On a Zen 5 a layernorm of 16 MiB, rows of 4096 or
// 16384 f32, went from 34-42 GB/s (70-80% of STREAM copy) to 63-71 on one
// thread (tiles of kStreamComputedTileBytes and more); a softmax's last pass
// (which loads its row again) streams too, as fast as before (38-49 GB/s on one
// thread, 75-80 on two, alternated). A pass whose full-size input is a tile the
// kernel computed before (in a buffer) streams only from
// kStreamBufferedTileBytes on.

/// Views smaller than this (bytes of the 2-D slice a tile lies in) keep
/// normal stores for a `dot`'s result: their lines may well be read again
/// from the caches. On one Zen 4 thread, outputs of 8-16 MiB with a short K
/// ran 1.1-1.2x faster streamed (2048 x 1024 x 128 bf16 75.9 -> 88.1% of
/// the `vdpbf16ps` peak), and a kernel reading the 8 MiB result next was
/// no slower; a 4 MiB result, read next from L3 when stored normally, took
/// that kernel twice as long streamed (docs/Performance.md, 2026-12-06).
constexpr int64_t kStreamBytes = 8 << 20;

/// Views smaller than this keep normal stores for a tile computed from
/// elementwise ops: half the 32 MiB L3 of the Zen 4/5 dies these machines
/// run on, the input it is computed from taking about as much again.
constexpr int64_t kStreamComputedBytes = 16 << 20;

/// Stores of `dot` results smaller than this never stream.
constexpr int64_t kStreamTileBytes = 16 * 1024;

/// Stores of computed tiles smaller than this never stream. From 8 KiB on,
/// a row pass that reads its row, a gamma and a beta (a layernorm's last
/// pass) and writes its row fills Zen 4's 32 KiB L1: streaming the rows of
/// 2048 f32 of a 16 MiB layernorm took it from 21-27 to 40-41 GB/s on one
/// Zen 4 thread, alternated (two threads: 45-50 -> 51). Rows of 1024 f32
/// (4 KiB) keep normal stores: streamed, they ran 12% faster on one thread
/// but 10-25% slower on two, where their output stays partly in L3 and
/// the next row's output is no longer prefetched over the pass.
constexpr int64_t kStreamComputedTileBytes = 8 * 1024;

/// Stores of a tile computed from a tile the kernel computed before (in a
/// buffer: a softmax's last pass, `e / sum(e)`) stream from this size on,
/// where the row's buffer and its output no longer fit in a 32 KiB L1.
/// Softmax over 16 MiB on one Zen 4 thread, alternated: rows of 8192 f32
/// 14.3-14.7 -> 20.2-21.0 GB/s, 16384 17.2-17.9 -> 20.5-20.6, 32768
/// 16.9-17.6 -> 19.7-19.9 (two threads: 32768 32-34 -> 38.5-38.9, and
/// 33.0 -> 32.6 in a later pair; 8192 about even). Rows of
/// 2048 and 4096 ran 5-13% slower streamed and keep normal stores.
constexpr int64_t kStreamBufferedTileBytes = 32 * 1024;

/// The most k a streaming store's tile may have accumulated (the K of its
/// `dot`s, all the K loop's iterations together): with more, its store is a
/// small part of the work, and streaming it measured 4-7% slower at 4096^3
/// (its burst of writes to memory competes with the operands' reads).
constexpr int64_t kStreamMaxK = 512;

/// The `dot` whose result `v` is: straight, or through the results of loops
/// carrying it and of `scf.if`s whose branches both yield one; the loops it
/// passes through go to `loops` (an scf.if's `then` branch's). Null where
/// `v` is no `dot`'s result.
tl::DotOp dotOf(Value v, SmallVectorImpl<scf::ForOp> &loops, int depth = 0) {
  Operation *def = v.getDefiningOp();
  if (!def || depth > 4)
    return {};
  if (auto dot = dyn_cast<tl::DotOp>(def))
    return dot;
  unsigned i = cast<OpResult>(v).getResultNumber();
  if (auto loop = dyn_cast<scf::ForOp>(def)) {
    loops.push_back(loop);
    return dotOf(loop.getBody()->getTerminator()->getOperand(i), loops,
                 depth + 1);
  }
  auto branch = dyn_cast<scf::IfOp>(def);
  SmallVector<scf::ForOp> other;
  if (!branch || !branch.elseBlock() ||
      !dotOf(branch.elseYield().getOperand(i), other, depth + 1))
    return {};
  return dotOf(branch.thenYield().getOperand(i), loops, depth + 1);
}

/// Whether tile `v` may come from a `dot`'s result, through the ops that
/// compute it from their operands (a loop's or a branch's result, a
/// block argument, or a chain deeper than 8 ops count as may).
bool fromDot(Value v, int depth = 0) {
  if (!isa<tl::TileType>(v.getType()))
    return false;
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8 || isa<tl::DotOp, scf::ForOp, scf::IfOp>(def))
    return true;
  return llvm::any_of(def->getOperands(),
                      [&](Value in) { return fromDot(in, depth + 1); });
}

/// Whether the store of extent `e`, whose tile accumulated `k` k, streams
/// at run time: `k` is at most kStreamMaxK, the view's 2-D slice (rows
/// times row stride; a rank-1 view's length) spans `minBytes` or more, and
/// the tile's first element and the row stride are whole vectors of
/// `vectorBytes`.
Value streamsHere(OpBuilder &b, Location loc, const Extent &e, Value k,
                  int64_t minBytes, int64_t elemBytes, int64_t vectorBytes) {
  bool line = e.strides.size() == 1;
  Value rowStride = line ? Value() : e.strides[e.strides.size() - 2];
  Value shortK = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, k,
                                       index(b, loc, kStreamMaxK));
  Value span =
      line ? memref::DimOp::create(b, loc, e.view, 0).getResult()
           : arith::MulIOp::create(b, loc, e.viewRows, rowStride).getResult();
  Value big = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, span,
                                    index(b, loc, minBytes / elemBytes));
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, e.view);
  Value first =
      arith::AddIOp::create(b, loc, base,
                            arith::MulIOp::create(b, loc, tileOffset(b, loc, e),
                                                  index(b, loc, elemBytes)));
  Value misaligned = line ? first
                          : arith::OrIOp::create(
                                b, loc, first,
                                arith::MulIOp::create(b, loc, rowStride,
                                                      index(b, loc, elemBytes)))
                                .getResult();
  Value aligned = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(b, loc, misaligned, index(b, loc, vectorBytes)),
      index(b, loc, 0));
  return arith::AndIOp::create(
      b, loc, arith::AndIOp::create(b, loc, big, aligned), shortK);
}

/// Whether `store`, of extent `e`, streams at run time as planStreamingStores
/// planned it (streamsHere); null where it never does.
Value plannedStreams(OpBuilder &b, Location loc, tl::StoreOp store,
                     const Extent &e, const VectorTarget &target) {
  Value k = target.streaming ? target.streaming->lookup(store) : Value();
  Type elem = store.getValue().getType().getElementType();
  int64_t lanes = lanesFor(target, {elem});
  if (!k || !lanes)
    return {};
  int64_t elemBytes = std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
  return streamsHere(b, loc, e, k,
                     storedProducer(store, target) ? kStreamComputedBytes
                                                   : kStreamBytes,
                     elemBytes, lanes * elemBytes);
}

struct VectorStore : VectorPattern<tl::StoreOp> {
  using VectorPattern::VectorPattern;

  LogicalResult
  matchAndRewrite(tl::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (writtenByPairRows(op)) {
      rewriter.eraseOp(op);
      return success();
    }
    tl::TileType type = op.getValue().getType();
    Type elem = type.getElementType();
    int64_t lanes = lanesFor(target, {elem});
    if (!lanes)
      return rewriter.notifyMatchFailure(op, "left to the reference");
    Location loc = op.getLoc();
    bool rank1 = type.getRank() == 1;
    auto vt = VectorType::get({lanes}, elem);
    Value buffer = adaptor.getValue();
    // A producer taken in is computed here, vector by vector, straight
    // into the view; its buffer (`buffer`) is never written.
    Operation *producer = storedProducer(op, target);
    SmallVector<Value> inputs;
    if (producer)
      for (Value in : producer->getOperands())
        inputs.push_back(rewriter.getRemappedValue(in));
    // The vector of the stored tile at (r, c), its lanes outside `own`
    // not read.
    auto tileVector = [&](OpBuilder &b, Location l, Value r, Value c,
                          Value own) {
      if (producer)
        return producerVector(b, l, producer, inputs, rank1 ? Value() : r, c,
                              own, vt);
      return loadVector(b, l, vt, buffer, bufferIndex(r, c, rank1), own);
    };
    Extent e = extentOf(rewriter, loc, op);
    // A store computing its producer may host the next instance's
    // prefetches (planSpreadPrefetches).
    PrefetchAt prefetchAt =
        producer ? prepareSpreadPrefetches(rewriter, loc, op, target,
                                           type.getNumElements(), e.cols, lanes)
                 : nullptr;
    int64_t elemBytes = std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
    Value streams = plannedStreams(rewriter, loc, op, e, target);
    auto pieces = [&](OpBuilder &b, Location l, bool full, bool streaming) {
      forEachPiece(b, l, e, lanes, full,
                   [&](OpBuilder &pb, Location pl, Value r, Value c,
                       int64_t width, Value mask) {
                     if (prefetchAt)
                       prefetchAt(pb, pl, rank1 ? Value() : r, c);
                     // Only the tile's own columns are read.
                     Value v = tileVector(pb, pl, r, c,
                                          inTile(pb, pl, lanes, width));
                     SmallVector<Value, 4> at =
                         viewIndex(pb, pl, e, r, c, rank1);
                     if (!streaming || mask) {
                       storeVector(pb, pl, v, e.view, at, mask);
                       return;
                     }
                     auto store =
                         vector::StoreOp::create(pb, pl, v, e.view, at);
                     store.setNontemporal(true);
                     store.setAlignment(lanes * elemBytes);
                   });
    };
    auto copy = [&](OpBuilder &b, Location l, bool full) {
      if (!full || !streams) {
        pieces(b, l, full, false);
        return;
      }
      scf::IfOp::create(
          b, l, streams,
          [&](OpBuilder &sb, Location sl) {
            pieces(sb, sl, true, true);
            LLVM::CallIntrinsicOp::create(
                sb, sl, sb.getStringAttr("llvm.x86.sse.sfence"), ValueRange{});
            scf::YieldOp::create(sb, sl);
          },
          [&](OpBuilder &nb, Location nl) {
            pieces(nb, nl, true, false);
            scf::YieldOp::create(nb, nl);
          });
    };
    bool small = target.smallCode;
    emitPaths(rewriter, loc, e, small, copy, [&](OpBuilder &b, Location l) {
      Value tile = buffer;
      if (producer) {
        // Another stride: the reference store, from the producer's tile.
        tile = nlc::cpu::allocTileBuffer(b, l, type);
        Value flat = flatten(b, l, tile);
        int64_t cols = type.getShape().back();
        scf::ForOp::create(
            b, l, index(b, l, 0), index(b, l, rank1 ? 1 : type.getShape()[0]),
            index(b, l, 1), ValueRange{},
            [&](OpBuilder &rb, Location rl, Value r, ValueRange) {
              Value start =
                  arith::MulIOp::create(rb, rl, r, index(rb, rl, cols));
              forEachVector(
                  rb, rl, cols, lanes,
                  [&](OpBuilder &vb, Location vl, Value c, Value mask) {
                    Value at = arith::AddIOp::create(vb, vl, start, c);
                    storeVector(vb, vl, tileVector(vb, vl, r, c, mask), flat,
                                ValueRange{at}, mask);
                  });
              scf::YieldOp::create(rb, rl);
            });
      }
      nlc::cpu::emitReferenceStore(b, l, op, tile);
    });
    if (!streams)
      prefetchNext(rewriter, loc, op, /*write=*/true, target);
    else
      scf::IfOp::create(rewriter, loc,
                        arith::XOrIOp::create(
                            rewriter, loc, streams,
                            arith::ConstantIntOp::create(rewriter, loc, 1, 1)),
                        [&](OpBuilder &pb, Location pl) {
                          prefetchNext(pb, pl, op, /*write=*/true, target);
                          scf::YieldOp::create(pb, pl);
                        });
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

Operation *nlc::x86::storedProducer(tl::StoreOp op,
                                    const VectorTarget &target) {
  Type elem = op.getValue().getType().getElementType();
  return lanesFor(target, {elem}) ? takenProducer(op, op.getValue()) : nullptr;
}

Value nlc::x86::validRows(OpBuilder &b, Location loc, tl::StoreOp store,
                          ValueRange indices) {
  return extentOf(b, loc, store, indices).validRows;
}

InPlaceTile nlc::x86::inPlaceTile(OpBuilder &b, Location loc,
                                  tl::AccessOpInterface access,
                                  ValueRange indices, bool anyRowStride,
                                  Value neededRows) {
  Extent e = extentOf(b, loc, access, indices);
  Value offset = tileOffset(b, loc, e);
  Type elem = access.getAccessedType().getElementType();
  int64_t dyn = ShapedType::kDynamic;
  // By default read only where the rows are contiguous: the row stride is
  // the width, a constant, which keeps the micro-kernel's addressing as on
  // a buffer. With `anyRowStride`, the view's own row stride.
  OpFoldResult rowStride = b.getIndexAttr(e.cols);
  if (anyRowStride && e.rows > 1)
    rowStride = e.strides[e.strides.size() - 2];
  auto windowType =
      MemRefType::get({e.rows, e.cols}, elem,
                      StridedLayoutAttr::get(b.getContext(), dyn,
                                             {anyRowStride ? dyn : e.cols, 1}));
  SmallVector<OpFoldResult, 2> sizes{b.getIndexAttr(e.rows),
                                     b.getIndexAttr(e.cols)};
  SmallVector<OpFoldResult, 2> strides{rowStride, b.getIndexAttr(1)};
  Value window = memref::ReinterpretCastOp::create(
      b, loc, windowType, access.getView(), OpFoldResult(offset), sizes,
      strides);
  Value whole = wholeTile(b, loc, e);
  if (neededRows) {
    // The first min(neededRows, rows) rows inside, every column.
    Value need =
        arith::MinUIOp::create(b, loc, neededRows, index(b, loc, e.rows));
    whole = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, e.validRows,
                              need),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, e.validCols,
                              index(b, loc, e.cols)));
  }
  Value inside = arith::AndIOp::create(b, loc, e.unitStride, whole);
  if (!anyRowStride)
    inside = arith::AndIOp::create(
        b, loc, inside,
        arith::XOrIOp::create(b, loc, notContiguous(b, loc, e),
                              arith::ConstantIntOp::create(b, loc, 1, 1)));
  return {inside, window};
}

Value nlc::x86::tileFollows(OpBuilder &b, Location loc,
                            tl::AccessOpInterface access, ValueRange at,
                            ValueRange next) {
  Extent first = extentOf(b, loc, access, at);
  Extent second = extentOf(b, loc, access, next);
  Value end = tileOffset(b, loc, first);
  if (first.strides.size() >= 2)
    end = arith::AddIOp::create(
        b, loc, end,
        arith::MulIOp::create(b, loc, index(b, loc, first.rows),
                              first.strides[first.strides.size() - 2]));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                               tileOffset(b, loc, second), end);
}

Value nlc::x86::storeStreams(OpBuilder &b, Location loc, tl::StoreOp store,
                             const VectorTarget &target) {
  if (!target.streaming || !target.streaming->count(store))
    return {};
  return plannedStreams(b, loc, store, extentOf(b, loc, store), target);
}

void nlc::x86::markStreamLoads(ModuleOp module) {
  module.walk([&](tl::LoadOp load) {
    auto loop = load->getParentOfType<scf::ForOp>();
    if (!loop || tileBytes(load.getType()) > kStreamMaxTileBytes ||
        nextInstanceIndex(load) ||
        llvm::all_of(load.getIndices(),
                     [&](Value v) { return loop.isDefinedOutsideOfLoop(v); }))
      return;
    load->setAttr(kStreamAhead, UnitAttr::get(load.getContext()));
  });
}

void nlc::x86::markInPlaceLoads(ModuleOp module, const VectorTarget &target) {
  module.walk([&](tl::LoadOp load) {
    if (readInPlaceByDot(load) ||
        !lanesFor(target, {load.getType().getElementType()}))
      return;
    // Every use only reads the tile, in the load's block (never keeps its
    // buffer: a yield, a loop's carried tile, a `dot` accumulator).
    for (Operation *user : load->getUsers())
      if (user->getBlock() != load->getBlock() ||
          !(isa<tl::FusedOp, tl::ReduceOp, tl::BroadcastOp, tl::StoreOp,
                tl::ElementwiseOpInterface>(user)))
        return;
    // Nothing after it in the block writes memory but stores, whose views
    // the load compares with its own at run time.
    for (Operation *o = load->getNextNode(); o; o = o->getNextNode())
      if (!isMemoryEffectFree(o) && !isa<tl::LoadOp, tl::StoreOp>(o))
        return;
    load->setAttr(kReadInPlace, UnitAttr::get(load.getContext()));
  });
}

void nlc::x86::planStreamingStores(ModuleOp module, const VectorTarget &target,
                                   StreamingStores &plan) {
  module.walk([&](tl::StoreOp store) {
    tl::TileType type = store.getValue().getType();
    Type elem = type.getElementType();
    int64_t lanes = lanesFor(target, {elem});
    int64_t bytes = tileBytes(type);
    if (!lanes || type.getShape().back() % lanes)
      return;
    SmallVector<scf::ForOp> loops;
    tl::DotOp dot = dotOf(store.getValue(), loops);
    if (bytes < (dot ? kStreamTileBytes : kStreamComputedTileBytes))
      return;
    if (!dot) {
      // A tile the store computes from elementwise ops whose full-size
      // inputs are all loaded tiles (the pass reads them from memory as it
      // writes): nothing accumulated, only the view's size decides.
      Operation *producer = storedProducer(store, target);
      auto fromMemory = [&](Value in) {
        auto t = dyn_cast<tl::TileType>(in.getType());
        return !t || t.getNumElements() < type.getNumElements() ||
               in.getDefiningOp<tl::LoadOp>();
      };
      // Or, from kStreamBufferedTileBytes on, a tile computed before in
      // the kernel, from no `dot`'s result.
      auto fromBuffer = [&](Value in) {
        return bytes >= kStreamBufferedTileBytes && !fromDot(in);
      };
      if (producer && llvm::all_of(producer->getOperands(), [&](Value in) {
            return fromMemory(in) || fromBuffer(in);
          })) {
        OpBuilder b(store);
        plan[store] = index(b, store.getLoc(), 0);
      }
      return;
    }
    // The k accumulated: the `dot`'s K times each loop's trip count,
    // computed before the outermost op of the chain, `anchor`, from bounds
    // defined outside it (else the store does not stream).
    Operation *anchor = store.getValue().getDefiningOp();
    for (scf::ForOp loop : loops)
      for (Value bound :
           {loop.getLowerBound(), loop.getUpperBound(), loop.getStep()})
        if (!bound.getType().isIndex() ||
            anchor->isAncestor(bound.getParentBlock()->getParentOp()))
          return;
    OpBuilder b(anchor);
    Location loc = store.getLoc();
    Value k = index(b, loc, dot.getLhs().getType().getShape()[1]);
    for (scf::ForOp loop : loops) {
      Value lb = loop.getLowerBound();
      Value span = arith::SubIOp::create(
          b, loc, arith::MaxSIOp::create(b, loc, loop.getUpperBound(), lb), lb);
      k = arith::MulIOp::create(
          b, loc, k, arith::CeilDivUIOp::create(b, loc, span, loop.getStep()));
    }
    plan[store] = k;
  });
}

void nlc::x86::markNextTileBelow(ModuleOp module) {
  module.walk([&](tl::LoadOp load) {
    auto loop = dyn_cast<scf::ForOp>(load->getParentOp());
    int64_t rank = load.getType().getRank();
    if (!loop || rank != 2)
      return;
    Value row = load.getIndices()[load.getIndices().size() - 2];
    while (auto cast = row.getDefiningOp<arith::IndexCastOp>())
      row = cast.getIn();
    if (row == loop.getInductionVar() && matchPattern(loop.getStep(), m_One()))
      load->setAttr(kNextTileBelow, UnitAttr::get(load.getContext()));
  });
}

/// How much vector work `op` does as a host of spread prefetches: the
/// elements of the vector loop it lowers to times the scalar ops per
/// element; 0 where it lowers to none of its own (a producer its consumer
/// computes, an i1 tile, a store without a producer).
static int64_t hostWork(Operation *op, const VectorTarget &target) {
  auto opsIn = [](Operation *producer) -> int64_t {
    if (auto fused = dyn_cast<tl::FusedOp>(producer))
      return std::distance(fused.getBody().front().begin(),
                           fused.getBody().front().end()) -
             1;
    return 1;
  };
  if (auto store = dyn_cast<tl::StoreOp>(op)) {
    Operation *producer = storedProducer(store, target);
    int64_t elems = store.getValue().getType().getNumElements();
    return producer ? elems * opsIn(producer) : 0;
  }
  bool elementwise =
      isa<tl::ElementwiseOpInterface>(op) && !isa<tl::SplatOp>(op);
  if (!(isa<tl::FusedOp>(op) || elementwise) || op->getNumResults() != 1)
    return 0;
  auto type = dyn_cast<tl::TileType>(op->getResult(0).getType());
  if (!type || !lanesFor(target, {type.getElementType()}))
    return 0;
  // Left to the reference lowering (X86Elementwise.cpp): i1 tiles in, f64
  // math.
  auto scalar = [](Type t) {
    auto tile = dyn_cast<tl::TileType>(t);
    return tile ? tile.getElementType() : t;
  };
  if (llvm::any_of(op->getOperandTypes(), [&](Type t) {
        return scalar(t).isInteger(1) || scalar(t).isF64();
      }))
    return 0;
  // Computed inside its consumer: no loop of its own.
  if (op->hasOneUse()) {
    Operation *user = *op->user_begin();
    auto reduce = dyn_cast<tl::ReduceOp>(user);
    auto store = dyn_cast<tl::StoreOp>(user);
    if ((reduce && lineProducer(reduce, target) == op) ||
        (store && storedProducer(store, target) == op))
      return 0;
  }
  return type.getNumElements() * opsIn(op);
}

void nlc::x86::planSpreadPrefetches(ModuleOp module, const VectorTarget &target,
                                    const StreamingStores &streaming,
                                    SpreadPrefetches &plan) {
  if (!target.f32Lanes)
    return;
  DominanceInfo dominance(module);
  module.walk([&](func::FuncOp fn) {
    if (!fn->hasAttr(tl::kKernelAttrName) || fn.getBody().empty())
      return;
    Block &body = fn.getBody().front();
    Operation *host = nullptr;
    int64_t most = 0;
    // Each access with the index that is program_id(0).
    SmallVector<std::pair<tl::AccessOpInterface, unsigned>> accesses;
    for (Operation &op : body) {
      auto access = dyn_cast<tl::AccessOpInterface>(&op);
      // A store that may stream prefetches nothing for writing (see
      // "Streaming stores"): where it does not stream, it prefetches its
      // next tile itself, at its end.
      if (access && isa<tl::LoadOp, tl::StoreOp>(op) && !streaming.count(&op))
        if (std::optional<unsigned> at = nextInstanceIndex(access))
          accesses.emplace_back(access, *at);
      // The first of the hosts with the most work.
      if (int64_t work = hostWork(&op, target); work > most) {
        most = work;
        host = &op;
      }
    }
    // A loop of at least 16 vectors, so that the prefetches spread.
    if (!host || accesses.empty() ||
        most < 16 * static_cast<int64_t>(target.f32Lanes))
      return;
    OpBuilder b(host);
    for (auto [access, at] : accesses) {
      if (!dominance.properlyDominates(access.getView(), host))
        continue;
      SmallVector<Value, 4> next;
      for (Value v : access.getIndices())
        if (Value there = availableBefore(v, host, b, dominance))
          next.push_back(there);
      if (next.size() != access.getIndices().size())
        continue;
      next[at] = arith::AddIOp::create(b, access.getLoc(), next[at],
                                       index(b, access.getLoc(), 1));
      plan.byHost[host].push_back({access.getView(), next,
                                   access.getAccessedType(),
                                   isa<tl::StoreOp>(access)});
      plan.moved.insert(access);
    }
  });
}

PrefetchAt nlc::x86::prepareSpreadPrefetches(OpBuilder &b, Location loc,
                                             Operation *host,
                                             const VectorTarget &target,
                                             int64_t elems, int64_t cols,
                                             int64_t lanes) {
  if (!target.spread)
    return nullptr;
  auto it = target.spread->byHost.find(host);
  if (it == target.spread->byHost.end() || elems <= 0)
    return nullptr;
  // Per access: its extent, the last row and column inside the view (0
  // where none is: the address stays one of the view's), and how the
  // host's element positions map to its lines.
  struct Stream {
    Extent e;
    Value lastRow, lastCol;
    bool rank1, write;
    int64_t elems, cols, elemsPerLine, scale, perVector;
  };
  SmallVector<Stream> streams;
  for (const SpreadPrefetch &p : it->second) {
    auto type = cast<tl::TileType>(p.type);
    Stream st;
    st.e = extentOf(b, loc, p.view, type, p.indices);
    auto last = [&](Value valid) {
      return arith::SubIOp::create(
          b, loc, arith::MaxUIOp::create(b, loc, valid, index(b, loc, 1)),
          index(b, loc, 1));
    };
    st.lastRow = last(st.e.validRows);
    st.lastCol = last(st.e.validCols);
    st.rank1 = type.getRank() == 1;
    st.write = p.write;
    st.elems = type.getNumElements();
    st.cols = type.getShape().back();
    int64_t elemBytes =
        std::max<int64_t>(1, type.getElementType().getIntOrFloatBitWidth() / 8);
    st.elemsPerLine = std::max<int64_t>(1, 64 / elemBytes);
    // Bytes of the access per host vector: under a line, the position
    // runs `scale` times faster (each vector a new line, the last ones
    // repeating the tile's end); over it, `perVector` lines per vector.
    int64_t bytes = lanes * st.elems * elemBytes;
    st.scale = bytes < 64 * elems ? llvm::divideCeil(64 * elems, bytes) : 1;
    st.perVector = bytes > 64 * elems ? llvm::divideCeil(bytes, 64 * elems) : 1;
    streams.push_back(st);
  }
  return [streams, elems, cols](OpBuilder &pb, Location pl, Value row,
                                Value col) {
    // The vector's row-major position in the host's tile.
    Value pos = col;
    if (row) {
      Value start = arith::MulIOp::create(pb, pl, row, index(pb, pl, cols));
      pos = arith::AddIOp::create(pb, pl, start, col);
    }
    for (const Stream &st : streams) {
      // The access's element at the host's position, `scale` times on.
      Value at = pos;
      if (st.elems != elems) {
        Value scaled = arith::MulIOp::create(
            pb, pl, pos, index(pb, pl, st.elems * st.scale));
        at = arith::DivUIOp::create(pb, pl, scaled, index(pb, pl, elems));
      } else if (st.scale != 1) {
        at = arith::MulIOp::create(pb, pl, pos, index(pb, pl, st.scale));
      }
      for (int64_t j = 0; j < st.perVector; ++j) {
        Value o = at;
        if (j)
          o = arith::AddIOp::create(pb, pl, at,
                                    index(pb, pl, j * st.elemsPerLine));
        Value r = index(pb, pl, 0), c = o;
        if (st.e.rows > 1) {
          r = arith::DivUIOp::create(pb, pl, o, index(pb, pl, st.cols));
          c = arith::RemUIOp::create(pb, pl, o, index(pb, pl, st.cols));
          r = arith::MinUIOp::create(pb, pl, r, st.lastRow);
        }
        c = arith::MinUIOp::create(pb, pl, c, st.lastCol);
        memref::PrefetchOp::create(pb, pl, st.e.view,
                                   viewIndex(pb, pl, st.e, r, c, st.rank1),
                                   st.write, /*localityHint=*/3,
                                   /*isDataCache=*/true);
      }
    }
  };
}

void nlc::x86::populateX86MemoryPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const VectorTarget &target,
                                         const LiveDotRows &live) {
  patterns.add<VectorLoad>(converter, patterns.getContext(), target, live);
  patterns.add<VectorStore>(converter, patterns.getContext(), target);
}
