//===- X86VectorCode.h - Building blocks of the x86 vector patterns -*- C++ -*-===//
//
// What the x86 patterns over tile buffers share: the vector width for a set
// of element types, and walking a run of elements in whole vectors plus one
// masked vector for the ragged end (never a scalar epilogue).
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_TARGET_X86_X86VECTORCODE_H
#define NLC_LOWERING_TARGET_X86_X86VECTORCODE_H

#include "lowering/Target/X86/X86Passes.h"

#include "mlir/Transforms/DialectConversion.h"

#include <functional>

namespace mlir {
class DominanceInfo;
} // namespace mlir

namespace nlc::tile {
class AccessOpInterface;
class LoadOp;
class ReduceOp;
class StoreOp;
} // namespace nlc::tile

namespace nlc::x86 {

/// A conversion pattern of the x86 lowering for `OpT`: tried before the
/// reference lowering's pattern for the same op (benefit 2), for `target`.
template <typename OpT>
struct VectorPattern : mlir::OpConversionPattern<OpT> {
  VectorPattern(mlir::TypeConverter &converter, mlir::MLIRContext *ctx,
                const VectorTarget &target)
      : mlir::OpConversionPattern<OpT>(converter, ctx, /*benefit=*/2),
        target(target) {}
  VectorTarget target;
};

/// Lanes of a vector register for the widest of `types` (element types of
/// tiles: f16, bf16, f32, f64, i8, i32, or the types an op computes in), or
/// 0 where the target has no vectors or a type has no vector buffer form
/// (i1 tiles are byte buffers, while LLVM packs vectors of i1 into bits).
int64_t lanesFor(const VectorTarget &target, mlir::ArrayRef<mlir::Type> types);

/// The index constant `v`.
mlir::Value index(mlir::OpBuilder &b, mlir::Location loc, int64_t v);

/// `base + offset` (`base` itself for 0).
mlir::Value plus(mlir::OpBuilder &b, mlir::Location loc, mlir::Value base,
                 int64_t offset);

/// The mask of the first `count` of `lanes` lanes.
mlir::Value prefixMask(mlir::OpBuilder &b, mlir::Location loc, int64_t lanes,
                       int64_t count);

/// A vector of `v` in every lane of `type`.
mlir::Value splatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::VectorType type, mlir::TypedAttr v);

/// `vpmaddwd` on two vectors of 2L i16 (L = 8 or 16): lane l of the
/// vector<L x i32> result is x[2l] * y[2l] + x[2l+1] * y[2l+1].
mlir::Value multiplyAddPairs(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value x, mlir::Value y);

/// `vpdpbusd` (AVX512-VNNI): `acc` (vector<L x i32>, L = 16, or 8 and 4
/// with AVX512VL) plus, in lane l, the four products of the unsigned bytes
/// u[4l..4l+3] and the signed bytes s[4l..4l+3] (both vector<4L x i8>);
/// the sum of a lane's products is exact, its addition to the lane wraps
/// modulo 2^32.
mlir::Value multiplyAddQuads(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value acc, mlir::Value u, mlir::Value s);

/// Loads a vector of `type` at `indices` of `mem`: all lanes without `mask`,
/// else the masked lanes, the others taking `passThru` (zero if null).
mlir::Value loadVector(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::VectorType type, mlir::Value mem,
                       mlir::ValueRange indices, mlir::Value mask,
                       mlir::Value passThru = {});

/// Stores `v` (its masked lanes, with `mask`) at `indices` of `mem`.
void storeVector(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                 mlir::Value mem, mlir::ValueRange indices, mlir::Value mask);

/// Calls `body` for each vector of `lanes` elements that covers [0, n): an
/// scf.for over the whole vectors (`mask` null), then the ragged end once
/// with the mask of its lanes. `pos` is the index of the vector's first
/// element.
void forEachVector(
    mlir::OpBuilder &b, mlir::Location loc, int64_t n, int64_t lanes,
    llvm::function_ref<void(mlir::OpBuilder &, mlir::Location, mlir::Value pos,
                            mlir::Value mask)>
        body);

/// forEachVector carrying values: `body` returns the values after the
/// vector from the values before it (`init` before the first); the result
/// is the values after the last vector.
llvm::SmallVector<mlir::Value>
foldVectors(mlir::OpBuilder &b, mlir::Location loc, int64_t n, int64_t lanes,
            mlir::ValueRange init,
            llvm::function_ref<llvm::SmallVector<mlir::Value>(
                mlir::OpBuilder &, mlir::Location, mlir::Value pos,
                mlir::Value mask, mlir::ValueRange carried)>
                body);

/// `buffer` (a static row-major tile buffer) as one run of elements: the
/// buffer itself at rank 1, its memref.collapse_shape at rank 2.
mlir::Value flatten(mlir::OpBuilder &b, mlir::Location loc, mlir::Value buffer);

/// The producer `consumer` computes itself, vector by vector, so that its
/// tile is never written: `value`'s definition when it is a `tile.fused` or
/// another elementwise op (not a splat) used only by `consumer`, in its
/// block, computing in one 32-bit type (f32 or i32) throughout, its tile
/// operands of its own shape or (fused inputs) broadcast. Null otherwise.
mlir::Operation *takenProducer(mlir::Operation *consumer, mlir::Value value);

/// The vector of `producer`'s result (see takenProducer) at row `row` (null
/// for a rank-1 result) and columns from `col`, computed from its converted
/// operands `inputs` (buffers and scalars) by its scalar code on vectors of
/// `type`; lanes outside `mask` (if any) are computed on zeros.
mlir::Value producerVector(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Operation *producer, mlir::ValueRange inputs,
                           mlir::Value row, mlir::Value col, mlir::Value mask,
                           mlir::VectorType type);

/// The producer a sum, max or min of lines (a rank-1 tile, or the rows of a
/// tile with fewer rows than lanes) takes in (takenProducer), or null.
/// X86Reduce.cpp.
mlir::Operation *lineProducer(tile::ReduceOp op, const VectorTarget &target);

/// The producer a store takes in (takenProducer), or null. X86Memory.cpp.
mlir::Operation *storedProducer(tile::StoreOp op, const VectorTarget &target);

/// Whether `load` was marked by markInPlaceDotOperands.
bool readInPlaceByDot(tile::LoadOp load);
/// Whether such a load is read at any row stride: B of a `dot` that packs B
/// into pairs or quads (vdpbf16ps, vpdpbusd, vpmaddwd, AMX) before it
/// multiplies, or the tile whose transpose B is (its rows packed into quads),
/// or A of a `dot` on AMX tiles (`tileloadd` takes the stride). The load
/// copies it only where it leaves the view (or the view's inner stride is not
/// 1).
bool readInPlaceAnyRowStride(tile::LoadOp load);
/// Whether `load` was marked by markInPlaceDotOperands for the
/// `tile.pair_rows` that is its one use (tile-pack-dot-operands' packing of
/// bf16 B), which reads the tile's rows in the view at any row stride where
/// the tile lies wholly inside a view of unit inner stride: the load copies
/// it into its buffer only otherwise.
bool readInPlaceByPairRows(tile::LoadOp load);
/// Whether the `tile.pair_rows` whose tile `store` stores has written it
/// into the store's view itself (a tile of a packed tensor, X86Dot.cpp):
/// the store then has nothing left to do.
bool writtenByPairRows(tile::StoreOp store);

/// How many rows of `store`'s tile at `indices` lie inside its view (0 for
/// a tile index out of range), as the x86 store computes it
/// (X86Memory.cpp). Other ops it builds are left for dead-code removal.
mlir::Value validRows(mlir::OpBuilder &b, mlir::Location loc,
                      tile::StoreOp store, mlir::ValueRange indices);

/// For a load marked by markInPlaceDotOperands (or a store a K loop may
/// write for, splitDotKLoops): `inside` (i1) says whether its tile lies
/// wholly inside a view of unit inner stride with its rows contiguous (row
/// stride = the tile's width); `window` is then that tile of the view, a
/// `rows x cols` memref with a dynamic offset (computed whatever `inside`
/// says, but to be accessed only where it holds).
struct InPlaceTile {
  mlir::Value inside, window;
};
/// With `indices`: the same for the tile at those indices of the access's
/// view instead of its own. With `anyRowStride`, rows need not be
/// contiguous: `window` then has the view's row stride (dynamic). With
/// `neededRows` (an index), only the tile's first `neededRows` rows are
/// read: `inside` then says whether those lie in the view, every column.
InPlaceTile inPlaceTile(mlir::OpBuilder &b, mlir::Location loc,
                        tile::AccessOpInterface access,
                        mlir::ValueRange indices = {},
                        bool anyRowStride = false, mlir::Value neededRows = {});

/// Whether the tile `access` reads at `next` starts where its rows would
/// continue from the tile at `at` (offset + rows x row stride): the tiles
/// of consecutive iterations one run of memory, as the rows of a matrix
/// or a column of packed tiles lie. An i1 built at `b`'s insertion point.
mlir::Value tileFollows(mlir::OpBuilder &b, mlir::Location loc,
                        tile::AccessOpInterface access, mlir::ValueRange at,
                        mlir::ValueRange next);

/// Whether `store` (planned by planStreamingStores) streams at run time,
/// as its x86 lowering decides it; null where it never does. Built at
/// `b`'s insertion point, which the store's operands must dominate.
mlir::Value storeStreams(mlir::OpBuilder &b, mlir::Location loc,
                         tile::StoreOp store, const VectorTarget &target);

/// Whether a `dot` of `in` into `acc`, m x n by k, runs on AMX tiles
/// (X86Amx.cpp): bf16 into f32 or i8 into i32 where `target` has AMX for
/// it, m and n multiples of 16, k of 32 (bf16) or 64 (i8); i8 with k of 32
/// too (steps of half a tile's depth) where k is more than 32 or with
/// `halfDepth` (a K loop's `dot` reading B stored in quads by the launch,
/// X86Dot.cpp's kHalfDepthAmx).
bool amxDot(mlir::Type in, mlir::Type acc, int64_t m, int64_t n, int64_t k,
            const VectorTarget &target, bool halfDepth);

/// Where B's rows grouped by `group` along k (pairs or quads, as
/// tile.pair_rows stores them) hold the groups of the `lanes` columns from
/// `j` (a multiple of `lanes`) at group row `p`: (p, group * j) in rows of
/// every column, or ((j / lanes) * blockRows + p, 0) in blocks of `lanes`
/// columns of `blockRows` group rows each (tile.pair_rows block), where
/// each block's rows are one run of memory.
struct GroupedRows {
  int64_t group, lanes;
  /// 0: one block of every column.
  int64_t blockRows = 0;
  llvm::SmallVector<mlir::Value, 2> at(mlir::OpBuilder &b, mlir::Location loc,
                                       mlir::Value p, mlir::Value j) const;
};

/// What a block of AMX accumulator tiles (`rowTiles` x `colTiles` tiles of
/// 16 x 16 from (i0, j0), row-major in `acc`) becomes: the tiles after its
/// k steps.
using AmxBlockFn = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::Value i0, int64_t rowTiles,
    mlir::Value j0, int64_t colTiles, mlir::ValueRange acc)>;
/// For each block of up to 2 x 2 accumulator tiles of `out` (an m x n
/// buffer, multiples of 16): its tiles loaded (zeroed, `amx.tile_zero`,
/// with `zeroStart`), updated by `body` and stored back, every block of a
/// row block before the next row block. With `live` (findLiveDotRows), only
/// the row tiles holding rows below it.
void forEachAmxBlock(mlir::OpBuilder &b, mlir::Location loc, mlir::Value out,
                     int64_t m, int64_t n, mlir::Value live, AmxBlockFn body,
                     bool zeroStart = false);
/// The accumulator tiles `acc` of a block (as forEachAmxBlock gives them)
/// after the k steps of A (`a`, rows from i0, k columns, any row stride)
/// times B packed in pairs (bf16) or quads (i8) in `packed` (k / 2 or
/// k / 4 group rows from 0, columns of groups from j0, laid out as
/// `blockRows` says: GroupedRows).
llvm::SmallVector<mlir::Value> amxSteps(mlir::OpBuilder &b, mlir::Location loc,
                                        mlir::Value a, mlir::Value packed,
                                        int64_t blockRows, int64_t k,
                                        mlir::Value i0, int64_t rowTiles,
                                        mlir::Value j0, int64_t colTiles,
                                        mlir::ValueRange acc);

/// What a host's vector loop (planSpreadPrefetches) emits per vector: the
/// prefetches for the vector whose first element is at `row` (null: the
/// tile as one run of elements) and `col` of the host's tile.
using PrefetchAt = std::function<void(mlir::OpBuilder &, mlir::Location,
                                      mlir::Value row, mlir::Value col)>;
/// Prepares, before the vector loop of `host` (`elems` elements, rows of
/// `cols`, `lanes` a vector), the prefetches planned for it, and returns
/// what emits them in the loop; null where none are planned. X86Memory.cpp.
PrefetchAt prepareSpreadPrefetches(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Operation *host,
                                   const VectorTarget &target, int64_t elems,
                                   int64_t cols, int64_t lanes);

/// `v` at `b`'s insertion point, which lies before `anchor`: itself where
/// it is defined before `anchor`, else a copy of the pure index arithmetic
/// that computes it from such values (at most `depth` ops deep), else null.
mlir::Value availableBefore(mlir::Value v, mlir::Operation *anchor,
                            mlir::OpBuilder &b, mlir::DominanceInfo &dominance,
                            int depth = 4);

} // namespace nlc::x86

#endif // NLC_LOWERING_TARGET_X86_X86VECTORCODE_H
