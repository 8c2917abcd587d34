//===- X86Passes.h - x86 backend passes -------------------------*- C++ -*-===//

#ifndef NLC_LOWERING_TARGET_X86_X86PASSES_H
#define NLC_LOWERING_TARGET_X86_X86PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/ADT/DenseSet.h"

namespace nlc::x86 {

#define GEN_PASS_DECL
#include "lowering/Target/X86/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/Target/X86/Passes.h.inc"

struct SpreadPrefetches;
using StreamingStores = llvm::DenseMap<mlir::Operation *, mlir::Value>;

/// A K loop run whole whose result one store writes right after it
/// (splitDotKLoops): where `direct` (i1, computed before the loop) holds,
/// the loop's register blocks store their accumulators straight into
/// `window` (the store's tile in its view) and the store, which then does
/// not run, is skipped.
struct DirectStore {
  mlir::Operation *store = nullptr;
  mlir::Value direct, window;
};
using DirectStores = llvm::DenseMap<mlir::Operation *, DirectStore>;

/// The row sums that the vector loop of the op computing their rows also
/// computes (planFusedSums): `byProducer` maps that op to the
/// `tile.reduce`; the loop records the reduction's result buffer in
/// `results`, which the reduction's pattern then takes as its result.
struct FusedSums {
  llvm::DenseMap<mlir::Operation *, mlir::Operation *> byProducer;
  llvm::DenseMap<mlir::Operation *, mlir::Value> results;
};

/// What the x86 patterns may use, from the target (or a test option), and
/// the plans made before the conversion that they follow.
struct VectorTarget {
  /// f32 lanes of a vector register: 16 (AVX-512), 8 (AVX2), 0 (none: the
  /// reference lowering only).
  unsigned f32Lanes = 0;
  /// Rows and vectors per row of the f32 `dot` register block.
  unsigned dotRows = 6, dotVectors = 4;
  /// bf16 `dot` two k at a time with vdpbf16ps (AVX512-BF16).
  bool bf16Pairs = false;
  /// i8 `dot` four k at a time with vpdpbusd (AVX512-VNNI).
  bool int8Quads = false;
  /// vpdpbusd on ymm and xmm registers as well (AVX512VL).
  bool narrowQuads = false;
  /// `dot` of whole AMX tiles on the tile registers: bf16 with tdpbf16ps
  /// (AMX-BF16), i8 with tdpbssd (AMX-INT8); X86Amx.cpp.
  bool amxBf16 = false, amxInt8 = false;
  /// k per chunk of an f32 K loop whose B tiles follow each other in
  /// memory (DotKLoop; tileFollows), where more than kChunkK: 0 keeps
  /// kChunkK.
  unsigned f32ChunkK = 0;
  /// Code size over speed: tile copies take their masked path only
  /// (X86Memory.cpp, emitPaths).
  bool smallCode = false;
  /// The next instance's prefetches spread over a vector loop
  /// (planSpreadPrefetches); null: none.
  const SpreadPrefetches *spread = nullptr;
  /// The stores that may stream (planStreamingStores); null: none.
  const StreamingStores *streaming = nullptr;
  /// The K loops that may write their result where it is stored
  /// (splitDotKLoops); null: none.
  const DirectStores *direct = nullptr;
  /// The row sums computed in their source's loop (planFusedSums); null:
  /// none. Filled in as the conversion goes.
  FusedSums *fusedSums = nullptr;
};

/// One next-instance prefetch spread over the vector loop of another op:
/// the tile of `type` at `indices` of `view` (the next instance's indices,
/// computed before that op), for writing with `write`.
struct SpreadPrefetch {
  mlir::Value view;
  llvm::SmallVector<mlir::Value, 4> indices;
  mlir::Type type;
  bool write;
};
struct SpreadPrefetches {
  /// The prefetches each host op's vector loop issues.
  llvm::DenseMap<mlir::Operation *, llvm::SmallVector<SpreadPrefetch, 2>>
      byHost;
  /// The loads and stores whose next-instance prefetch moved to a host.
  llvm::DenseSet<mlir::Operation *> moved;
};

/// In a grid kernel, an access whose index is `program_id(0)` prefetches
/// the tile the next instance accesses there (X86Memory.cpp). Issued all at
/// once at the access, those prefetches wait for memory as a demand read
/// would; this plans them instead into the longest vector loop of the
/// kernel's body (the "host": an elementwise op or a store computing one),
/// a few per iteration, so that the next row streams in while this one is
/// computed. Only accesses and hosts in the kernel's own block (run once
/// per instance); accesses whose indices cannot be computed before the
/// host keep their prefetches. Stores in `streaming` (planStreamingStores)
/// get none: they may write their tiles past the caches.
void planSpreadPrefetches(mlir::ModuleOp module, const VectorTarget &target,
                          const StreamingStores &streaming,
                          SpreadPrefetches &plan);

/// For each `tile.dot` whose result only one `tile.store` observes, the
/// number of its rows that store writes (an index computed before the
/// `dot`'s outermost enclosing region): the rows past it need not be
/// computed (X86Dot.cpp).
using LiveDotRows = llvm::DenseMap<mlir::Operation *, mlir::Value>;
void findLiveDotRows(mlir::ModuleOp module, LiveDotRows &live);

/// The faster `tile.dot` lowering (X86Dot.cpp); `live` from findLiveDotRows.
void populateX86DotPatterns(mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns,
                            const VectorTarget &target,
                            const LiveDotRows &live);

/// Marks the `tile.load`s whose tile the x86 `dot` micro-kernel
/// (X86Dot.cpp) reads straight from the view when the tile lies wholly
/// inside it, so that the load copies it into its buffer only otherwise
/// (X86Memory.cpp). A load qualifies when its one use is an operand of a
/// `tile.dot` in the same block that the micro-kernel reads row by row (any
/// B; A of f32, or A read in pairs: an f16/bf16 A is widened into an f32
/// buffer anyway) and nothing between them may write memory (the read
/// moves from the load to the dot). Decided before the conversion, which
/// inserts stores between them. Also marks, alike, the loads read only by a
/// `tile.pair_rows` of rows of whole vectors (readInPlaceByPairRows), and
/// first the `dot`s that add to the tile their loop carries (amxDot).
void markInPlaceDotOperands(mlir::ModuleOp module, const VectorTarget &target);

/// Marks the other `tile.load`s whose tile is read in the view itself where
/// it lies wholly inside it with its rows one run of memory (a rank-1 tile,
/// a row, a tile of a matrix one tile wide), instead of being copied into a
/// buffer (X86Memory.cpp): every use of the tile only reads it (elementwise
/// ops, `tile.fused`, reductions, broadcasts, stores), in the load's block,
/// and nothing after the load in that block writes memory except stores,
/// whose views must not share the loaded view's tensor (tested at run
/// time: otherwise the tile is copied). Decided before the conversion.
void markInPlaceLoads(mlir::ModuleOp module, const VectorTarget &target);

/// Marks the loads that prefetch their stream ahead: in a loop whose
/// iterations change their indices, tiles of at most 2 KiB (X86Memory.cpp,
/// "Streams ahead"; the run-time conditions are the lowering's).
void markStreamLoads(mlir::ModuleOp module);

/// Marks the `tile.load`s whose row tile index is the induction variable of
/// the scf.for right around them (`load(b, [k, j])` in a K loop): the next
/// iteration loads the tile right below, whose first rows the copy of this
/// one prefetches (X86Memory.cpp, rows ahead).
void markNextTileBelow(mlir::ModuleOp module);

/// The stores of a `dot`'s result (straight, or the tile a K loop carries
/// from `dot` to `dot`) of tiles of at least 16 KiB whose whole rows are
/// whole vectors, each with the number of k its tile accumulated (an index
/// computed before the `dot` or its loop): where that is small, the view
/// large and the tile aligned, they bypass the caches (X86Memory.cpp,
/// "Streaming stores"). Also the stores of such tiles that compute them
/// from elementwise ops whose full-size inputs are all loaded tiles, with
/// k 0: only their view's size and alignment decide.
void planStreamingStores(mlir::ModuleOp module, const VectorTarget &target,
                         StreamingStores &plan);
/// Marks each elementwise op (or `tile.fused`) whose result is what an
/// scf.for yields for a tile it carries, and that is the only reader of
/// that carried tile, element by element (`acc = acc + w * x`): its vector
/// lowering writes the result into the carried tile's buffer, so the loop
/// carries it without copying it every iteration (X86Elementwise.cpp).
void markInPlaceResults(mlir::ModuleOp module);
/// Plans the f32 row sums (`sum(e, 1)` of a tile of fewer rows than lanes
/// and rows of at least 4 vectors: a softmax's `Tile<1, N>`) whose source
/// `e` an elementwise op (or `tile.fused`) computes into a buffer because
/// something else reads it too (a softmax's `e / sum(e)`): that op's vector
/// loop adds each vector it computes into one accumulator per row and
/// stores the row's sum, so the sum does not read `e` again
/// (X86Elementwise.cpp). The op must come before the sum in its block with
/// no other reduction between them (which could take the sum into its own
/// pass: lineSiblings, X86Reduce.cpp).
void planFusedSums(mlir::ModuleOp module, const VectorTarget &target,
                   FusedSums &plan);
/// Splits each K loop whose body only adds to the tile it carries the `dot`
/// of two tiles read in place (f32): an scf.if on whether every tile the
/// loop loads lies inside its view with contiguous rows runs, where it
/// does, a copy that the `dot` patterns lower as register blocks each
/// keeping its accumulators across all the loop's iterations, else the
/// loop as written. Runs after markInPlaceDotOperands (X86Dot.cpp). A
/// loop whose result one store writes right after it goes to `direct`,
/// that store into an scf.if skipping it where the loop wrote it. A loop
/// whose result one store alone observes needs only the rows of A that
/// store writes inside A's view; its copy run whole gets that row count in
/// `live` (findLiveDotRows keeps it).
void splitDotKLoops(mlir::ModuleOp module, const VectorTarget &target,
                    DirectStores &direct, LiveDotRows &live);

/// `tile.load` and `tile.store` as vector copies (X86Memory.cpp); `live`
/// from findLiveDotRows (the padding rows of a `dot`'s A past its live rows
/// are left unwritten: the micro-kernel does not read them).
void populateX86MemoryPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns,
                               const VectorTarget &target,
                               const LiveDotRows &live);

/// Elementwise tile ops and `tile.broadcast` in vectors (X86Elementwise.cpp).
void populateX86ElementwisePatterns(mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns,
                                    const VectorTarget &target);

/// Rewrites each division of a vector of f32 by one value (a splat: a
/// softmax's `e / sum(e)`), which `vdivps` computes at a zmm vector per 4
/// ns on an Emerald Rapids, as a multiplication by the value's reciprocal and
/// two FMA corrections, correctly rounded, so bit-identical to the division,
/// where every lane's dividend lies in [2^-100, 2^100) or is zero and the
/// divisor in [2^-24, 2^24); other vectors divide (X86Elementwise.cpp). For the
/// zmm code of Intel CPUs (ConvertTileToX86.cpp says why).
void divideByScalars(mlir::ModuleOp module);

/// `tile.reduce` in vector lanes (X86Reduce.cpp).
void populateX86ReducePatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns,
                               const VectorTarget &target);

/// Whether `module` asks for the AMX lowering on a CPU without AMX, its
/// tile instructions emulated in vector code (kAmxEmulationAttrName,
/// X86Amx.cpp).
bool emulatingAmx(mlir::ModuleOp module);

} // namespace nlc::x86

#endif // NLC_LOWERING_TARGET_X86_X86PASSES_H
