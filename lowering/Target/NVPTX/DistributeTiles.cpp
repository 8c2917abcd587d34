//===- DistributeTiles.cpp - A block of threads per program instance ------===//
//
// Pass `nlc-gpu-distribute-tiles` (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/NVPTX/NVPTXPasses.h"
#include "lowering/Target/TargetInfo.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/Support/MathExtras.h"

namespace nlc::nvptx {
#define GEN_PASS_DEF_GPUDISTRIBUTETILES
#include "lowering/Target/NVPTX/Passes.h.inc"
} // namespace nlc::nvptx

using namespace mlir;

namespace {

/// A tile buffer of the reference lowering: a statically shaped alloca or
/// alloc of rank >= 1 in the default memory space.
bool isTileBuffer(Operation *op) {
  if (!isa_and_nonnull<memref::AllocaOp, memref::AllocOp>(op))
    return false;
  auto type = cast<MemRefType>(op->getResult(0).getType());
  return type.getRank() >= 1 && type.hasStaticShape() &&
         type.getLayout().isIdentity() && !type.getMemorySpace();
}

int64_t bufferBytes(MemRefType type) {
  return type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
}

/// The iterations of the independent loops of a nest of `trips` (those
/// `parallel` marks), all together.
int64_t parallelTrips(ArrayRef<int64_t> trips, ArrayRef<bool> parallel) {
  int64_t n = 1;
  for (auto [t, p] : llvm::zip_equal(trips, parallel))
    n *= p ? t : 1;
  return n;
}

/// A loop nest over a tile's elements: its loops, outermost first, their
/// trip counts, and which are independent.
struct ElementNest {
  SmallVector<scf::ForOp> loops;
  SmallVector<int64_t> trips;
  SmallVector<bool> parallel;
};

/// The nest `outer` heads (marked by convert-tile-to-scf), if it has the
/// shape the mark promises: perfectly nested loops from 0 to a constant by
/// 1, without loop-carried values.
std::optional<ElementNest> elementNest(scf::ForOp outer) {
  auto marks =
      outer->getAttrOfType<DenseBoolArrayAttr>(nlc::cpu::kElementLoopsAttr);
  if (!marks)
    return std::nullopt;
  ElementNest nest;
  scf::ForOp loop = outer;
  for (bool parallel : marks.asArrayRef()) {
    if (!loop)
      return std::nullopt;
    std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
    std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
    std::optional<int64_t> step = getConstantIntValue(loop.getStep());
    if (!lb || !ub || !step || *lb != 0 || *step != 1 || *ub < 0 ||
        loop.getNumRegionIterArgs() != 0)
      return std::nullopt;
    nest.loops.push_back(loop);
    nest.trips.push_back(*ub);
    nest.parallel.push_back(parallel);
    Block *body = loop.getBody();
    loop = body->getOperations().size() == 2
               ? dyn_cast<scf::ForOp>(body->front())
               : scf::ForOp();
  }
  return nest;
}

/// What spreading one kernel takes: its element nests and buffer copies,
/// and the arena offset of each tile buffer.
struct Plan {
  SmallVector<ElementNest> nests;
  SmallVector<memref::CopyOp> copies;
  DenseMap<Operation *, int64_t> offsets;
  int64_t arenaBytes = 0;
  int64_t maxTrips = 0;
  /// Threads per block.
  int64_t block = 0;
};

/// Gives the tile buffers of `block` arena offsets from `base` on, and those
/// of its nested regions offsets from where the block's are so far; none
/// to those in `skip`.
void placeBuffers(Block &block, int64_t base, Plan &plan,
                  const DenseSet<Operation *> *skip = nullptr) {
  int64_t next = base;
  for (Operation &op : block) {
    if (isTileBuffer(&op) && !(skip && skip->contains(&op))) {
      plan.offsets[&op] = next;
      next += llvm::alignTo(
          bufferBytes(cast<MemRefType>(op.getResult(0).getType())), 16);
      plan.arenaBytes = std::max(plan.arenaBytes, next);
    }
    for (Region &region : op.getRegions())
      for (Block &inner : region)
        placeBuffers(inner, next, plan, skip);
  }
}

/// The arena `fn`'s tile buffers but those of `skip` would take.
int64_t arenaWithout(gpu::GPUFuncOp fn, const DenseSet<Operation *> &skip) {
  Plan plan;
  for (Block &block : fn.getBody())
    placeBuffers(block, 0, plan, &skip);
  return plan.arenaBytes;
}

/// Whether `op` lies inside one of the element nests of `inNest`.
bool insideNest(Operation *op, const DenseSet<Operation *> &inNest) {
  for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
    if (inNest.contains(p))
      return true;
  return false;
}

/// Whether `use`, an initial value of `loop`'s iteration arguments, is
/// only carried through it unchanged and never read: the region argument
/// goes to the yield at its own position alone, and the result is unused.
bool carriedUnread(scf::ForOp loop, OpOperand &use) {
  if (use.getOperandNumber() < loop.getNumControlOperands())
    return false;
  unsigned k = use.getOperandNumber() - loop.getNumControlOperands();
  BlockArgument arg = loop.getRegionIterArg(k);
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  return arg.hasOneUse() && yield.getOperand(k) == arg &&
         loop.getResult(k).use_empty();
}

/// Elides the reference lowering's copies of a tile buffer into another
/// (`acc` of a K loop: the loop's buffer is a copy of the initial one) where
/// neither can tell: the target is allocated in the copy's block and not
/// used before it, and the source is not read after it (its uses after the
/// copy at most carried through a loop unchanged and unused, carriedUnread).
/// The target's uses then take the source, so that shared memory holds one
/// buffer instead of two (64 KiB less for a 128 x 128 f32 accumulator) and
/// no thread copies it. Run before planKernel.
void elideTileCopies(gpu::GPUFuncOp fn) {
  SmallVector<memref::CopyOp> copies;
  fn.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
  for (memref::CopyOp copy : copies) {
    Value src = copy.getSource(), dst = copy.getTarget();
    Operation *dstDef = dst.getDefiningOp();
    Block *block = copy->getBlock();
    if (!isTileBuffer(src.getDefiningOp()) || !isTileBuffer(dstDef) ||
        src.getType() != dst.getType() || dstDef->getBlock() != block)
      continue;
    auto after = [&](Operation *user) {
      Operation *at = block->findAncestorOpInBlock(*user);
      return !at || !at->isBeforeInBlock(copy);
    };
    bool ok = llvm::all_of(dst.getUses(), [&](OpOperand &use) {
      return use.getOwner() == copy || after(use.getOwner());
    });
    for (OpOperand &use : src.getUses()) {
      Operation *user = use.getOwner();
      auto loop = dyn_cast<scf::ForOp>(user);
      if (user != copy && after(user) &&
          !(loop && loop->getBlock() == block && carriedUnread(loop, use)))
        ok = false;
    }
    if (!ok)
      continue;
    dst.replaceAllUsesWith(src);
    copy.erase();
    for (Operation *user : llvm::make_early_inc_range(dstDef->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    dstDef->erase();
  }
}

/// The plan for `fn`, or nullopt when it cannot be spread: a marked nest
/// of an unexpected shape, a tile buffer written outside the element nests
/// or used by an op this pass does not know, or an arena over `limit`.
std::optional<Plan> planKernel(gpu::GPUFuncOp fn, int64_t limit,
                               int64_t maxThreads) {
  Plan plan;
  bool ok = true;
  fn.walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
    if (!loop->hasAttr(nlc::cpu::kElementLoopsAttr))
      return WalkResult::advance();
    std::optional<ElementNest> nest = elementNest(loop);
    if (!nest) {
      ok = false;
      return WalkResult::interrupt();
    }
    plan.maxTrips =
        std::max(plan.maxTrips, parallelTrips(nest->trips, nest->parallel));
    plan.nests.push_back(std::move(*nest));
    // Nests do not nest: what is inside is the nest's own body.
    return WalkResult::skip();
  });
  if (!ok)
    return std::nullopt;
  DenseSet<Operation *> inNest;
  for (ElementNest &nest : plan.nests)
    inNest.insert(nest.loops.front());
  fn.walk([&](Operation *op) {
    if (!isTileBuffer(op))
      return WalkResult::advance();
    for (Operation *user : op->getResult(0).getUsers()) {
      if (isa<memref::LoadOp, memref::DeallocOp, scf::YieldOp, scf::ForOp,
              scf::WhileOp, scf::ConditionOp>(user))
        continue;
      if (isa<memref::StoreOp>(user) && insideNest(user, inNest))
        continue;
      if (isa<memref::CopyOp>(user)) // Checked below.
        continue;
      ok = false;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (!ok)
    return std::nullopt;
  // Only copies of whole tile buffers outside the nests are spread; any
  // other would be run by every thread (or by every thread of a nest).
  fn.walk([&](memref::CopyOp copy) {
    if (!isTileBuffer(copy.getSource().getDefiningOp()) ||
        !isTileBuffer(copy.getTarget().getDefiningOp()) ||
        insideNest(copy, inNest)) {
      ok = false;
      return WalkResult::interrupt();
    }
    plan.copies.push_back(copy);
    plan.maxTrips =
        std::max(plan.maxTrips,
                 cast<MemRefType>(copy.getSource().getType()).getNumElements());
    return WalkResult::advance();
  });
  if (!ok)
    return std::nullopt;
  for (Block &block : fn.getBody())
    placeBuffers(block, 0, plan);
  // A multiple of a warp, no more than the widest loop needs.
  plan.block = std::clamp<int64_t>(llvm::alignTo(plan.maxTrips, 32), 32,
                                   std::max<int64_t>(maxThreads, 32));
  if (plan.arenaBytes > limit)
    return std::nullopt;
  return plan;
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

} // namespace

Value nlc::nvptx::elementAddress(OpBuilder &b, Location loc, Value memref,
                                 ValueRange indices) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value linear = meta.getOffset();
  for (auto [index, stride] : llvm::zip_equal(indices, meta.getStrides()))
    linear = arith::AddIOp::create(
        b, loc, linear, arith::MulIOp::create(b, loc, index, stride));
  int64_t bytes =
      (cast<MemRefType>(memref.getType()).getElementTypeBitWidth() + 7) / 8;
  return arith::AddIOp::create(
      b, loc, memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref),
      arith::MulIOp::create(b, loc, linear, indexConst(b, loc, bytes)));
}

namespace {

/// Emits, at `b`'s insertion point, a barrier, then a loop that gives each
/// thread (`tid` of `threads`) its share of the iterations (row-major) of
/// the loops `parallel` marks, around loops over the other `trips` in
/// order, then a barrier.
/// Returns the innermost body's builder position (before its terminator)
/// and the induction values, in the nest's order.
std::pair<Block *, SmallVector<Value>>
emitSpreadNest(OpBuilder &b, Location loc, Value tid, int64_t threads,
               ArrayRef<int64_t> trips, ArrayRef<bool> parallel) {
  gpu::BarrierOp::create(b, loc);
  OpBuilder::InsertionGuard guard(b);
  Value end = indexConst(b, loc, parallelTrips(trips, parallel));
  Value step = indexConst(b, loc, threads);
  auto spread = scf::ForOp::create(b, loc, tid, end, step);
  b.setInsertionPointAfter(spread);
  gpu::BarrierOp::create(b, loc);
  b.setInsertionPoint(spread.getBody()->getTerminator());
  SmallVector<Value> ivs(trips.size());
  Value rest = spread.getInductionVar();
  int64_t outermost = llvm::find(parallel, true) - parallel.begin();
  for (int64_t d = trips.size() - 1; d >= 0; --d) {
    if (!parallel[d])
      continue;
    if (d == outermost) {
      ivs[d] = rest; // below its trip count: the loop stops at the total
      break;
    }
    Value trip = indexConst(b, loc, trips[d]);
    ivs[d] = arith::RemUIOp::create(b, loc, rest, trip);
    rest = arith::DivUIOp::create(b, loc, rest, trip);
  }
  Block *body = spread.getBody();
  for (size_t d = 0; d < trips.size(); ++d) {
    if (parallel[d])
      continue;
    Value lb = indexConst(b, loc, 0);
    Value ub = indexConst(b, loc, trips[d]);
    auto loop = scf::ForOp::create(b, loc, lb, ub, indexConst(b, loc, 1));
    ivs[d] = loop.getInductionVar();
    body = loop.getBody();
    b.setInsertionPoint(body->getTerminator());
  }
  return {body, ivs};
}

/// A contraction the tensor cores can compute: the reference lowering's
/// nest over (i, k, j) whose body is out[i, j] = fma(lhs[i, k], rhs[k, j],
/// out[i, j]) on bf16 or f16 operands (widened to f32) into f32, with M a
/// multiple of 16, N of 8 and K of 16 (mma.sync m16n8k16, whose fragments
/// are the same for both), or out[i, j] + lhs[i, k] * rhs[k, j] on i8
/// operands (sign-extended) into i32, K a multiple of 32 (mma.sync
/// m16n8k32, wrapping as the reference's i32 sums do).
struct MmaDot {
  Value lhs, rhs, out;
  int64_t m, n, k;
  /// i8 into i32, else bf16 or f16 (`f16`) into f32.
  bool int8, f16;
  /// `rhs` is stored transposed, [N][K] (layOutMmaOperands).
  bool rhsTransposed;
};

/// `transposed`: buffers layOutMmaOperands stored transposed, whose loads
/// have their indices swapped.
std::optional<MmaDot> mmaDot(ElementNest &nest,
                             const DenseSet<Value> &transposed) {
  if (nest.parallel != ArrayRef<bool>{true, false, true})
    return std::nullopt;
  SmallVector<memref::LoadOp, 3> loads;
  memref::StoreOp store;
  bool fma = false, mul = false, add = false;
  for (Operation &op : nest.loops.back().getBody()->without_terminator()) {
    if (auto load = dyn_cast<memref::LoadOp>(op))
      loads.push_back(load);
    else if (auto st = dyn_cast<memref::StoreOp>(op))
      store = store ? memref::StoreOp() : st;
    else if (isa<math::FmaOp>(op))
      fma = true;
    else if (isa<arith::MulIOp>(op))
      mul = true;
    else if (isa<arith::AddIOp>(op))
      add = true;
    else if (!isa<arith::ExtFOp, arith::ExtSIOp, arith::ConstantOp>(op))
      return std::nullopt;
  }
  if (loads.size() != 3 || !store || (!fma && !(mul && add)))
    return std::nullopt;
  Value i = nest.loops[0].getInductionVar(),
        k = nest.loops[1].getInductionVar(),
        j = nest.loops[2].getInductionVar();
  auto at = [](ValueRange indices, Value a, Value b) {
    return indices.size() == 2 && indices[0] == a && indices[1] == b;
  };
  bool rhsTransposed = transposed.contains(loads[1].getMemRef());
  if (!at(loads[0].getIndices(), i, k) ||
      !(rhsTransposed ? at(loads[1].getIndices(), j, k)
                      : at(loads[1].getIndices(), k, j)) ||
      !at(loads[2].getIndices(), i, j) || !at(store.getIndices(), i, j) ||
      store.getMemRef() != loads[2].getMemRef())
    return std::nullopt;
  MmaDot dot{loads[0].getMemRef(), loads[1].getMemRef(), store.getMemRef(),
             nest.trips[0],        nest.trips[2],        nest.trips[1],
             /*int8=*/!fma,        /*f16=*/false,        rhsTransposed};
  Type a = loads[0].getType(), b = loads[1].getType(), c = loads[2].getType();
  bool bf16 = fma && a.isBF16() && b.isBF16() && c.isF32();
  dot.f16 = fma && a.isF16() && b.isF16() && c.isF32();
  bool int8 = !fma && a.isInteger(8) && b.isInteger(8) && c.isInteger(32);
  if ((!bf16 && !dot.f16 && !int8) || dot.m % 16 || dot.n % 8 ||
      dot.k % (int8 ? 32 : 16))
    return std::nullopt;
  return dot;
}

/// Accumulators one thread may keep in registers across a K loop (4 per
/// 16 x 8 block of the result).
constexpr int64_t kMaxRegisterAccumulators = 64;

/// The widest swizzle span (128, 64 or 32 bytes) that divides a row of
/// `rowBytes`, or 0.
int64_t swizzleSpan(int64_t rowBytes) {
  for (int64_t span : {128, 64, 32})
    if (rowBytes % span == 0)
      return span;
  return 0;
}

/// A wgmma descriptor's layout type (bits 62-63) for a swizzle span.
int64_t swizzleLayoutType(int64_t span) {
  return span == 128 ? 1 : span == 64 ? 2 : span == 32 ? 3 : 0;
}

/// How wgmma (sm_90a) computes a contraction: its result in 64-row blocks,
/// each cut into `parts` column parts of `n` columns, one `m64nNk16` (bf16)
/// or `m64nNk32` (i8) chain each; the pieces shared out evenly among
/// `warpgroups` warpgroups of 128 threads, `perGroup` each, so that a
/// thread keeps perGroup * n / 2 <= kMaxRegisterAccumulators accumulators.
struct WgmmaSplit {
  int64_t n, parts, warpgroups, perGroup;
};

/// The split of `dot` for wgmma, with as few column parts and warpgroups
/// (at most 2) as fit, or none: M a multiple of 64 and N a width the
/// instruction has (bf16: multiples of 8 up to 256; s8: 8, 16, 24 and
/// multiples of 16 up to 224).
std::optional<WgmmaSplit> wgmmaSplit(const MmaDot &dot) {
  if (dot.m % 64)
    return std::nullopt;
  auto valid = [&](int64_t n) {
    if (dot.int8)
      return n == 8 || n == 16 || n == 24 || (n % 16 == 0 && n <= 224);
    return n % 8 == 0 && n <= 256;
  };
  for (int64_t parts = 1; parts <= dot.n / 8; ++parts) {
    if (dot.n % parts || !valid(dot.n / parts))
      continue;
    int64_t n = dot.n / parts, pieces = dot.m / 64 * parts;
    for (int64_t groups = 1; groups <= 2; ++groups)
      if (pieces % groups == 0 &&
          pieces / groups * n / 2 <= kMaxRegisterAccumulators)
        return WgmmaSplit{n, parts, groups, pieces / groups};
  }
  return std::nullopt;
}

/// Whether only element loads and stores use `buffer`, a 2-D tile buffer.
bool onlyElements(Value buffer) {
  if (!isTileBuffer(buffer.getDefiningOp()) ||
      cast<MemRefType>(buffer.getType()).getRank() != 2)
    return false;
  for (OpOperand &use : buffer.getUses()) {
    auto store = dyn_cast<memref::StoreOp>(use.getOwner());
    if (!isa<memref::LoadOp>(use.getOwner()) &&
        !(store && store.getMemRef() == use.get()))
      return false;
  }
  return true;
}

/// Lays out the operand buffers of the contractions mmaDot accepts in `fn`
/// for the tensor cores, where element loads and stores are all that reads
/// and writes a buffer. B is transposed to [N][K], so that the K elements of
/// A's rows and of B's columns are consecutive, as the instructions read
/// them. For mma.sync, the rows of both are padded by 16 bytes, so that the
/// 8 lane groups of a warp, which read 8 rows at once, find them in
/// different banks. Where `wgmma` holds and every contraction that uses
/// them wgmmaSplit accepts, in the same role, A and B are rather `chunked`:
/// laid out in wgmma's core matrices (8 rows of 16 bytes, 128 bytes
/// together), which chunkBuffers does once the nests are rewritten. A
/// chunked bf16 or f16 B stays [K][N]: wgmma reads it N-major (transposed,
/// which its 16-bit forms allow), so that a row of B's tile in global
/// memory is a row of the buffer, 16 bytes at a time; an i8 B is
/// transposed (wgmma's 8-bit forms read K-major operands only).
/// Returns the transposed buffers. Run before planKernel, which places
/// buffers by their size.
DenseSet<Value> layOutMmaOperands(gpu::GPUFuncOp fn, bool wgmma,
                                  DenseSet<Value> &chunked) {
  DenseSet<Value> lhs, rhs, transposed;
  SmallVector<MmaDot> dots;
  fn.walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
    if (!loop->hasAttr(nlc::cpu::kElementLoopsAttr))
      return WalkResult::advance();
    if (std::optional<ElementNest> nest = elementNest(loop))
      if (std::optional<MmaDot> dot = mmaDot(*nest, transposed)) {
        lhs.insert(dot->lhs);
        rhs.insert(dot->rhs);
        dots.push_back(*dot);
      }
    return WalkResult::skip();
  });
  // The contractions wgmma can take: a buffer either contraction's A and
  // B, or used by one that wgmma cannot take, excludes every contraction
  // that uses it.
  SmallVector<bool> onWgmma = llvm::map_to_vector(dots, [&](const MmaDot &d) {
    return wgmma && d.lhs != d.rhs && !rhs.contains(d.lhs) &&
           !lhs.contains(d.rhs) && onlyElements(d.lhs) && onlyElements(d.rhs) &&
           wgmmaSplit(d).has_value();
  });
  for (bool changed = true; changed;) {
    changed = false;
    for (auto [i, d] : llvm::enumerate(dots))
      for (auto [j, e] : llvm::enumerate(dots))
        if (onWgmma[i] && !onWgmma[j] &&
            (llvm::is_contained({e.lhs, e.rhs}, d.lhs) ||
             llvm::is_contained({e.lhs, e.rhs}, d.rhs)))
          onWgmma[i] = false, changed = true;
  }
  for (auto [d, on] : llvm::zip_equal(dots, onWgmma))
    if (on)
      chunked.insert(d.lhs), chunked.insert(d.rhs);
  SetVector<Value> buffers;
  buffers.insert(lhs.begin(), lhs.end());
  buffers.insert(rhs.begin(), rhs.end());
  for (Value buffer : buffers) {
    if (!onlyElements(buffer))
      continue;
    auto type = cast<MemRefType>(buffer.getType());
    int64_t pad =
        chunked.contains(buffer) ? 0 : 16 / (type.getElementTypeBitWidth() / 8);
    // A buffer both contractions' A and B stays [K][N].
    bool transpose = rhs.contains(buffer) && !lhs.contains(buffer) &&
                     !(chunked.contains(buffer) &&
                       type.getElementTypeBitWidth() == 16);
    int64_t rows = type.getDimSize(transpose ? 1 : 0),
            cols = type.getDimSize(transpose ? 0 : 1);
    buffer.setType(MemRefType::get({rows, cols + pad}, type.getElementType()));
    if (!transpose)
      continue;
    transposed.insert(buffer);
    for (Operation *user : buffer.getUsers()) {
      auto load = dyn_cast<memref::LoadOp>(user);
      MutableOperandRange indices =
          load ? load.getIndicesMutable()
               : cast<memref::StoreOp>(user).getIndicesMutable();
      SmallVector<Value, 2> ij(ValueRange(indices.getAsOperandRange()));
      indices.assign(ValueRange{ij[1], ij[0]});
    }
  }
  return transposed;
}

/// Lays each `chunked` buffer, [R][C] with elements of E bytes, out in
/// wgmma's core matrices: as [C E / 16][R][16 / E], element (r, c) at
/// (c / (16 / E), r, c % (16 / E)), so that 8 consecutive rows of one
/// 16-byte column chunk are 128 consecutive bytes. Every load and store of
/// it (element or vector: a vector access, of 16 bytes where a copy nest
/// made it, starts on a chunk) gets its new indices. (An N-major B, [K][N],
/// becomes [N E / 16][K][16 / E]: for wgmma, core matrices of 8 k rows of
/// 16 bytes of N.) Run once the nests that use the buffers are rewritten,
/// before placeInArena.
void chunkBuffers(const DenseSet<Value> &chunked) {
  for (Value buffer : chunked) {
    auto type = cast<MemRefType>(buffer.getType());
    int64_t per = 16 / (type.getElementTypeBitWidth() / 8);
    int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
    buffer.setType(
        MemRefType::get({cols / per, rows, per}, type.getElementType()));
    for (Operation *user : buffer.getUsers()) {
      std::optional<MutableOperandRange> indices;
      if (auto op = dyn_cast<memref::LoadOp>(user))
        indices = op.getIndicesMutable();
      else if (auto op = dyn_cast<memref::StoreOp>(user))
        indices = op.getIndicesMutable();
      else if (auto op = dyn_cast<vector::LoadOp>(user))
        indices = op.getIndicesMutable();
      else if (auto op = dyn_cast<vector::StoreOp>(user))
        indices = op.getIndicesMutable();
      else
        continue; // wgmma's descriptors: the buffer's address
      SmallVector<Value, 2> rc(ValueRange(indices->getAsOperandRange()));
      OpBuilder b(user);
      Location loc = user->getLoc();
      Value c = indexConst(b, loc, per);
      indices->assign(ValueRange{arith::DivUIOp::create(b, loc, rc[1], c),
                                 rc[0],
                                 arith::RemUIOp::create(b, loc, rc[1], c)});
    }
  }
}

/// The threads per block that the tensor-core contractions of `fn` want, up
/// to 256: for mma.sync, enough warps that each keeps at most
/// kMaxRegisterAccumulators accumulators (a 128 x 128 f32 result takes 8
/// warps); for wgmma (operands `chunked`), its split's warpgroups; 0
/// without one.
int64_t mmaThreads(gpu::GPUFuncOp fn, const DenseSet<Value> &transposed,
                   const DenseSet<Value> &chunked) {
  int64_t warps = 0;
  fn.walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
    if (!loop->hasAttr(nlc::cpu::kElementLoopsAttr))
      return WalkResult::advance();
    if (std::optional<ElementNest> nest = elementNest(loop))
      if (std::optional<MmaDot> dot = mmaDot(*nest, transposed))
        warps = std::max<int64_t>(
            warps, chunked.contains(dot->lhs)
                       ? 4 * wgmmaSplit(*dot)->warpgroups
                       : llvm::divideCeil(dot->m / 16 * (dot->n / 8) * 4,
                                          kMaxRegisterAccumulators));
    return WalkResult::skip();
  });
  return std::min<int64_t>(warps, 8) * 32;
}

/// The loop around `nest` across whose iterations its accumulators can stay
/// in registers, or null: a loop directly around the nest, with `dot.out`
/// from outside it and read or written inside it by the nest alone, and
/// (unless `warps` is 0: wgmma, whose split fits) the result's 16 x 8
/// blocks shared evenly among the `warps`, at most kMaxRegisterAccumulators
/// a thread.
scf::ForOp accumulatorLoop(ElementNest &nest, const MmaDot &dot,
                           int64_t warps) {
  scf::ForOp outer = nest.loops.front();
  auto loop = dyn_cast<scf::ForOp>(outer->getParentOp());
  int64_t blocks = dot.m / 16 * (dot.n / 8);
  if (!loop ||
      (warps &&
       (blocks % warps || blocks / warps * 4 > kMaxRegisterAccumulators)) ||
      !loop.isDefinedOutsideOfLoop(dot.out))
    return {};
  // (The loop may carry the buffer itself unread: elideTileCopies.)
  for (OpOperand &use : dot.out.getUses()) {
    Operation *user = use.getOwner();
    if (user == loop.getOperation() && carriedUnread(loop, use))
      continue;
    if (loop->isAncestor(user) && !outer->isAncestor(user))
      return {};
  }
  return loop;
}

/// Carries `inits` through `loop` as more iteration arguments: `step`,
/// run with `b` before `at` in the body, makes their next values from the
/// carried ones. Returns the new loop and sets `finals` to their values
/// after it, `b` after it.
scf::ForOp carryThrough(scf::ForOp loop, Operation *at, OpBuilder &b,
                        ValueRange inits,
                        function_ref<SmallVector<Value>(ValueRange)> step,
                        SmallVector<Value> &finals) {
  IRRewriter rewriter(loop.getContext());
  FailureOr<LoopLikeOpInterface> replaced = loop.replaceWithAdditionalYields(
      rewriter, inits, /*replaceInitOperandUsesInLoop=*/false,
      [&](OpBuilder &, Location, ArrayRef<BlockArgument> carried) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(at);
        return step(ValueRange(carried));
      });
  assert(succeeded(replaced) && "scf.for takes more results");
  auto results = replaced->getLoopResults();
  finals = llvm::to_vector(ValueRange(*results).take_back(inits.size()));
  b.setInsertionPointAfter(*replaced);
  return cast<scf::ForOp>(replaced->getOperation());
}

/// Replaces `nest`, a contraction mmaDot accepts, by warp-wide mma.sync:
/// each warp of the block takes 16x8 blocks of `out` in turn, loads its
/// lanes' accumulators, runs the K loop 16 (bf16) or 32 (i8) at a time
/// with the operands packed into 32-bit registers as the instruction's
/// fragments lay them out, and stores the accumulators back, between
/// barriers. Lane l (group g = l / 4, q = l % 4) holds A's rows g and g + 8
/// and B's column g, from k = q * E on (E elements to a register: 2 bf16
/// or 4 i8) and from k = q * E + 8 E on, and the result's rows g and g + 8,
/// columns 2 q and 2 q + 1. Where accumulatorLoop finds a loop around the
/// nest (a grid's K loop), each warp's blocks are fixed (warp w takes w,
/// w + warps, ...) and their accumulators are loaded before that loop,
/// carried through it in registers and stored after it.
scf::ForOp mmaNest(ElementNest &nest, const MmaDot &dot, Value tid,
                   int64_t threads, bool useLdmatrix) {
  scf::ForOp outer = nest.loops.front();
  OpBuilder b(outer);
  Location loc = outer.getLoc();
  MLIRContext *ctx = b.getContext();
  Type i32 = b.getI32Type(), i16 = b.getI16Type();
  Type accType = dot.int8 ? i32 : b.getF32Type();
  // Elements to a 32-bit register, and the k extent of one instruction.
  int64_t per = dot.int8 ? 4 : 2, kStep = 8 * per;
  int64_t warps = threads / 32, tilesN = dot.n / 8, tiles = dot.m / 16 * tilesN;
  auto c = [&](int64_t v) { return indexConst(b, loc, v); };
  auto add = [&](Value x, Value y) {
    return arith::AddIOp::create(b, loc, x, y).getResult();
  };
  auto mul = [&](Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, c(y)).getResult();
  };
  auto load = [&](Value m, Value x, Value y) {
    return memref::LoadOp::create(b, loc, m, ValueRange{x, y}).getResult();
  };
  // `per` elements in one register, the first in the lowest bits.
  auto pack = [&](ArrayRef<Value> elements) {
    int64_t bits = 32 / per;
    Value packed;
    for (auto [e, v] : llvm::enumerate(elements)) {
      Value x = v;
      if (!x.getType().isInteger(bits))
        x = arith::BitcastOp::create(b, loc, i16, x);
      x = arith::ExtUIOp::create(b, loc, i32, x);
      if (e > 0)
        x = arith::ShLIOp::create(
            b, loc, x, arith::ConstantIntOp::create(b, loc, bits * e, 32));
      packed = packed ? arith::OrIOp::create(b, loc, packed, x).getResult() : x;
    }
    return packed;
  };
  // Where lane (group, quad) of the warp taking block `t` works: rows r0
  // and r1 = r0 + 8, columns c0 and c1 = c0 + 1 of the result, column col
  // of B.
  struct Block16x8 {
    Value r0, r1, c0, c1, col;
    /// The block's first row and column in the result.
    Value row16, col8;
  };
  Value lane, group, quad, warp;
  auto blockAt = [&](Value t) {
    Block16x8 at;
    at.row16 = mul(arith::DivUIOp::create(b, loc, t, c(tilesN)), 16);
    at.r0 = add(at.row16, group);
    at.r1 = add(at.r0, c(8));
    Value tn8 = mul(arith::RemUIOp::create(b, loc, t, c(tilesN)), 8);
    at.col8 = tn8;
    at.c0 = add(tn8, mul(quad, 2));
    at.c1 = add(at.c0, c(1));
    at.col = add(tn8, group);
    return at;
  };
  auto loadAcc = [&](const Block16x8 &at) {
    return SmallVector<Value>{
        load(dot.out, at.r0, at.c0), load(dot.out, at.r0, at.c1),
        load(dot.out, at.r1, at.c0), load(dot.out, at.r1, at.c1)};
  };
  auto storeAcc = [&](const Block16x8 &at, ValueRange d) {
    memref::StoreOp::create(b, loc, d[0], dot.out, ValueRange{at.r0, at.c0});
    memref::StoreOp::create(b, loc, d[1], dot.out, ValueRange{at.r0, at.c1});
    memref::StoreOp::create(b, loc, d[2], dot.out, ValueRange{at.r1, at.c0});
    memref::StoreOp::create(b, loc, d[3], dot.out, ValueRange{at.r1, at.c1});
  };
  // The K loop of a warp's blocks, `rows` x `cols` of them (row-major in
  // `blocks`, each row's blocks in the same rows of the result, each
  // column's in the same columns): their accumulators after it. Each k
  // step loads each row's A fragment and each column's B fragment once and
  // runs every block's mma.sync on them, so a warp with 2 x 4 blocks loads
  // 16 words for 8 instructions instead of 48.
  // ldmatrix where B is stored transposed (both operands' fragments are
  // then rows of 16 bytes).
  bool ldmatrix = useLdmatrix && dot.rhsTransposed;
  auto kLoopOf = [&](ArrayRef<Block16x8> blocks, int64_t rows, int64_t cols,
                     ValueRange acc) {
    auto kLoop = scf::ForOp::create(b, loc, c(0), c(dot.k), c(kStep), acc);
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value kb = kLoop.getInductionVar();
    Value k0 = add(kb, mul(quad, per)), kHalf = add(k0, c(kStep / 2));
    // The `per` elements of row `row` of `m` from column `from` on, which
    // lie in one 32-bit word: the row's start is (its length is a multiple
    // of 16 bytes, padded or not; the buffer starts on 16 bytes in shared
    // memory) and `from` is a multiple of `per`.
    auto word = [&](Value m, Value row, Value from) -> Value {
      Type element = cast<MemRefType>(m.getType()).getElementType();
      Value v = vector::LoadOp::create(b, loc, VectorType::get({per}, element),
                                       m, ValueRange{row, from},
                                       /*nontemporal=*/false, llvm::Align(4));
      v = vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), v);
      return vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{0});
    };
    // `count` 8 x 8 matrices by ldmatrix, this lane's row of one of them
    // starting at element (row, from) of `m`: the shared-memory address
    // from the generic one of the buffer (a view of the shared arena).
    auto matrices = [&](Value m, Value row, Value from, int64_t count) {
      auto type = cast<MemRefType>(m.getType());
      int64_t bytes = type.getElementTypeBitWidth() / 8;
      Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, m);
      Value offset = add(mul(row, type.getDimSize(1)), from);
      Value address = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                                 add(base, mul(offset, bytes)));
      Value generic = LLVM::IntToPtrOp::create(
          b, loc, LLVM::LLVMPointerType::get(ctx), address);
      Value shared = LLVM::AddrSpaceCastOp::create(
          b, loc, LLVM::LLVMPointerType::get(ctx, 3), generic);
      Type result = count == 1 ? Type(i32)
                               : LLVM::LLVMStructType::getLiteral(
                                     ctx, SmallVector<Type>(count, i32));
      Value v = NVVM::LdMatrixOp::create(
          b, loc, result, shared, count, NVVM::MMALayout::row,
          NVVM::LdStMatrixShapeAttr::get(ctx, 8, 8),
          NVVM::LdStMatrixEltType::B16);
      SmallVector<Value> words;
      for (int64_t i = 0; i < count; ++i)
        words.push_back(
            count == 1
                ? v
                : LLVM::ExtractValueOp::create(b, loc, v, i).getResult());
      return words;
    };
    // A's `per` elements of row `row` from k = `from` on, B's of column
    // `col` from k = `from` on.
    auto rowOf = [&](Value row, Value from) {
      return word(dot.lhs, row, from);
    };
    auto colOf = [&](Value col, Value from) {
      if (dot.rhsTransposed)
        return word(dot.rhs, col, from);
      SmallVector<Value, 4> v;
      for (int64_t e = 0; e < per; ++e)
        v.push_back(load(dot.rhs, add(from, c(e)), col));
      return pack(v);
    };
    SmallVector<SmallVector<Value>> a, bv;
    if (ldmatrix) {
      // ldmatrix: lane l gives the start of one 16-byte row of an 8 x 8
      // matrix of 16-bit units (2 bf16 or 4 i8 to a lane's word), and
      // receives word l % 4 of row l / 4 of each matrix: its fragment.
      Value kHalfStep = c(kStep / 2);
      Value sixteen = arith::DivUIOp::create(b, loc, lane, c(16));
      Value eighth = arith::RemUIOp::create(
          b, loc, arith::DivUIOp::create(b, loc, lane, c(8)), c(2));
      // A's four matrices: rows 0-7 and 8-15 of the block (lanes 0-15),
      // at k and k + kStep / 2 (lanes 16-31): a0 to a3.
      for (int64_t r = 0; r < rows; ++r) {
        const Block16x8 &at = blocks[r * cols];
        Value row = add(at.row16, arith::RemUIOp::create(b, loc, lane, c(16)));
        Value from = add(kb, arith::MulIOp::create(b, loc, sixteen, kHalfStep));
        a.push_back(matrices(dot.lhs, row, from, 4));
      }
      // B's (transposed: its rows are the result's columns): the block's 8
      // columns at k and k + kStep / 2, two blocks at a time.
      for (int64_t j = 0; j < cols; j += 2) {
        int64_t count = j + 1 < cols ? 4 : 2;
        Value n =
            add(blocks[j].col8, arith::RemUIOp::create(b, loc, lane, c(8)));
        if (count == 4)
          n = add(n, arith::MulIOp::create(b, loc, sixteen, c(8)));
        Value from = add(kb, arith::MulIOp::create(b, loc, eighth, kHalfStep));
        SmallVector<Value> words = matrices(dot.rhs, n, from, count);
        bv.push_back({words[0], words[1]});
        if (count == 4)
          bv.push_back({words[2], words[3]});
      }
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        const Block16x8 &at = blocks[r * cols];
        a.push_back({rowOf(at.r0, k0), rowOf(at.r1, k0), rowOf(at.r0, kHalf),
                     rowOf(at.r1, kHalf)});
      }
      for (int64_t j = 0; j < cols; ++j)
        bv.push_back({colOf(blocks[j].col, k0), colOf(blocks[j].col, kHalf)});
    }
    auto result = LLVM::LLVMStructType::getLiteral(
        ctx, {accType, accType, accType, accType});
    NVVM::MMATypes in = dot.int8  ? NVVM::MMATypes::s8
                        : dot.f16 ? NVVM::MMATypes::f16
                                  : NVVM::MMATypes::bf16;
    std::optional<NVVM::MMAIntOverflow> overflow;
    if (dot.int8)
      overflow = NVVM::MMAIntOverflow::wrapped;
    // f16 operands are pairs of halves (mma.sync's f16x2), the same bits.
    if (dot.f16) {
      auto halves = VectorType::get({2}, b.getF16Type());
      for (SmallVector<SmallVector<Value>> *words : {&a, &bv})
        for (SmallVector<Value> &fragment : *words)
          for (Value &w : fragment)
            w = LLVM::BitcastOp::create(b, loc, halves, w);
    }
    SmallVector<Value> next;
    for (int64_t i = 0; i < rows * cols; ++i) {
      Value d = NVVM::MmaOp::create(
          b, loc, result, a[i / cols], bv[i % cols],
          kLoop.getRegionIterArgs().slice(4 * i, 4), {16, 8, kStep},
          std::nullopt, overflow, std::array<NVVM::MMATypes, 2>{in, in},
          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                         NVVM::MMALayout::col});
      for (int64_t e = 0; e < 4; ++e)
        next.push_back(LLVM::ExtractValueOp::create(b, loc, d, e));
    }
    scf::YieldOp::create(b, loc, next);
    return SmallVector<Value>(kLoop.getResults());
  };
  auto lanes = [&]() {
    lane = arith::RemUIOp::create(b, loc, tid, c(32));
    warp = arith::DivUIOp::create(b, loc, tid, c(32));
    group = arith::DivUIOp::create(b, loc, lane, c(4));
    quad = arith::RemUIOp::create(b, loc, lane, c(4));
  };

  if (scf::ForOp loop = accumulatorLoop(nest, dot, warps)) {
    // Before the loop: each warp's blocks and their accumulators. The
    // warps split the result into a grid of warps x 1 ... 1 x warps equal
    // parts, the one whose k steps load the fewest words (4 for each row of
    // blocks, 2 for each column); where none fits, warp w takes blocks w,
    // w + warps, ... alone.
    b.setInsertionPoint(loop);
    gpu::BarrierOp::create(b, loc);
    lanes();
    int64_t tilesM = dot.m / 16, rows = 0, cols = 0;
    for (int64_t wm = 1; wm <= warps; ++wm) {
      int64_t wn = warps / wm;
      if (wm * wn != warps || tilesM % wm || tilesN % wn)
        continue;
      int64_t r = tilesM / wm, cl = tilesN / wn;
      if (!rows || 4 * r + 2 * cl < 4 * rows + 2 * cols)
        rows = r, cols = cl;
    }
    SmallVector<Block16x8> blocks;
    if (rows) {
      Value wr = arith::DivUIOp::create(b, loc, warp, c(tilesN / cols));
      Value wc = arith::RemUIOp::create(b, loc, warp, c(tilesN / cols));
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < cols; ++j)
          blocks.push_back(blockAt(add(mul(add(mul(wr, rows), c(r)), tilesN),
                                       add(mul(wc, cols), c(j)))));
    } else {
      for (int64_t i = 0; i < tiles / warps; ++i)
        blocks.push_back(blockAt(add(warp, c(i * warps))));
    }
    SmallVector<Value> inits, finals;
    for (const Block16x8 &at : blocks)
      llvm::append_range(inits, loadAcc(at));
    scf::ForOp carried = carryThrough(
        loop, outer, b, inits,
        [&](ValueRange carried) {
          gpu::BarrierOp::create(b, loc);
          SmallVector<Value> next;
          if (rows) {
            next = kLoopOf(blocks, rows, cols, carried);
          } else {
            for (auto [i, at] : llvm::enumerate(blocks))
              llvm::append_range(next,
                                 kLoopOf(at, 1, 1, carried.slice(4 * i, 4)));
          }
          gpu::BarrierOp::create(b, loc);
          return next;
        },
        finals);
    // After it: the accumulators back into `out`.
    for (auto [i, at] : llvm::enumerate(blocks))
      storeAcc(at, ValueRange(finals).slice(4 * i, 4));
    gpu::BarrierOp::create(b, loc);
    outer.erase();
    return carried;
  }

  gpu::BarrierOp::create(b, loc);
  lanes();
  auto tilesLoop = scf::ForOp::create(b, loc, warp, c(tiles), c(warps));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(tilesLoop.getBody()->getTerminator());
    Block16x8 at = blockAt(tilesLoop.getInductionVar());
    storeAcc(at, kLoopOf(at, 1, 1, loadAcc(at)));
  }
  b.setInsertionPointAfter(tilesLoop);
  gpu::BarrierOp::create(b, loc);
  outer.erase();
  return {};
}

/// The address of `buffer`, a view of the shared arena cast to the generic
/// address space, in the shared window, as wgmma's descriptors take it.
Value sharedAddress(OpBuilder &b, Location loc, Value buffer) {
  MLIRContext *ctx = b.getContext();
  Value generic = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(ctx),
      arith::IndexCastOp::create(
          b, loc, b.getI64Type(),
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer))
          .getResult());
  Value shared = LLVM::AddrSpaceCastOp::create(
      b, loc, LLVM::LLVMPointerType::get(ctx, 3), generic);
  return LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), shared);
}

/// Replaces `nest`, a contraction whose operands layOutMmaOperands chunked,
/// by warpgroup wgmma (sm_90a), split as wgmmaSplit says: warpgroup g takes
/// pieces g * perGroup to (g + 1) * perGroup - 1 (piece p: rows 64 (p /
/// parts) on, columns n (p % parts) on), and for each, the K loop is one
/// chain of `wgmma.mma_async.m64nNk16` (bf16 into f32) or `m64nNk32` (s8
/// into s32, wrapping), k step by k step, reading A and B from shared
/// memory through descriptors: no swizzle, core matrices of 8 rows of 16
/// bytes. A, and an i8 B, K-major: the next core matrix along K `LBO` =
/// 16 R bytes on (R: the buffer's rows), along M or N `SBO` = 128. A bf16
/// or f16 B N-major (imm-trans-b 1; PTX ISA, "Canonical Layouts": ((8, 1,
/// n), (8, k)) : ((1, 8, SBO), (8, LBO)) elements): rows of 8 columns at
/// one k, the next core matrix along K `LBO` = 128 bytes on, along N `SBO`
/// = 16 K bytes. The chains start after a
/// `wgmma.fence` and end with one commit group and a wait for it. Thread t
/// of a warpgroup (warp w = t / 32, lane l) holds accumulator i of a piece
/// at its row 16 w + l / 4 + 8 ((i / 2) % 2) and column 8 (i / 4) + 2 (l %
/// 4) + i % 2 (PTX ISA, the wgmma D fragments). Every thread makes its
/// writes of the operands visible to the tensor cores' async proxy
/// (`fence.proxy.async.shared::cta`) before the barrier that precedes the
/// chains. Where accumulatorLoop finds a loop around the nest, the
/// accumulators are loaded before it, carried through it in registers and
/// stored after it; otherwise loaded and stored around the chains.
/// Warpgroups beyond the split's are idle.
scf::ForOp wgmmaNest(ElementNest &nest, const MmaDot &dot, Value tid,
                     int64_t threads, int64_t spanA, int64_t spanB) {
  WgmmaSplit split = *wgmmaSplit(dot);
  scf::ForOp outer = nest.loops.front();
  OpBuilder b(outer);
  Location loc = outer.getLoc();
  MLIRContext *ctx = b.getContext();
  Type i64 = b.getI64Type();
  Type accType = dot.int8 ? Type(b.getI32Type()) : Type(b.getF32Type());
  int64_t kStep = dot.int8 ? 32 : 16, bytes = dot.int8 ? 1 : 2;
  int64_t accs = split.n / 2;
  auto c = [&](int64_t v) { return indexConst(b, loc, v); };
  auto add = [&](Value x, Value y) {
    return arith::AddIOp::create(b, loc, x, y).getResult();
  };
  auto mul = [&](Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, c(y)).getResult();
  };
  auto div = [&](Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, c(y)).getResult();
  };
  auto rem = [&](Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, c(y)).getResult();
  };
  // This thread's pieces (first row and column) and its accumulators'
  // places in them.
  Value lane, warp, active;
  SmallVector<std::pair<Value, Value>> pieces;
  auto places = [&]() {
    Value group = div(tid, 128);
    warp = div(rem(tid, 128), 32);
    lane = rem(tid, 32);
    for (int64_t q = 0; q < split.perGroup; ++q) {
      Value p = add(mul(group, split.perGroup), c(q));
      pieces.push_back(
          {mul(div(p, split.parts), 64), mul(rem(p, split.parts), split.n)});
    }
    if (threads > 128 * split.warpgroups)
      active = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid,
                                     c(128 * split.warpgroups));
  };
  auto accAt = [&](int64_t q, int64_t i) {
    Value row =
        add(pieces[q].first,
            add(mul(warp, 16), add(div(lane, 4), c(8 * ((i / 2) % 2)))));
    Value col = add(pieces[q].second,
                    add(c(8 * (i / 4)), add(mul(rem(lane, 4), 2), c(i % 2))));
    return std::make_pair(row, col);
  };
  auto loadAccs = [&]() {
    SmallVector<Value> v;
    for (int64_t q = 0; q < split.perGroup; ++q)
      for (int64_t i = 0; i < accs; ++i) {
        auto [row, col] = accAt(q, i);
        v.push_back(
            memref::LoadOp::create(b, loc, dot.out, ValueRange{row, col}));
      }
    return v;
  };
  auto storeAccs = [&](ValueRange v) {
    for (int64_t q = 0; q < split.perGroup; ++q)
      for (int64_t i = 0; i < accs; ++i) {
        auto [row, col] = accAt(q, i);
        memref::StoreOp::create(b, loc, v[q * accs + i], dot.out,
                                ValueRange{row, col});
      }
  };
  // Only the split's warpgroups run `body`; the others keep `values`.
  auto guarded = [&](ValueRange values,
                     function_ref<SmallVector<Value>()> body) {
    if (!active)
      return body();
    auto ifOp = scf::IfOp::create(b, loc, TypeRange(values), active,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      scf::YieldOp::create(b, loc, body());
      b.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(b, loc, values);
    }
    return SmallVector<Value>(ifOp.getResults());
  };
  // A descriptor of the operand at byte `offset` from `address`, its
  // leading and stride byte offsets `lbo` and `sbo`, swizzled in rows of
  // `span` bytes (0: none).
  auto descriptor = [&](Value address, int64_t lbo, int64_t sbo, Value offset,
                        int64_t span) {
    auto i64c = [&](int64_t v) {
      return arith::ConstantIntOp::create(b, loc, v, 64).getResult();
    };
    Value start = arith::AndIOp::create(
        b, loc,
        arith::ShRUIOp::create(b, loc,
                               arith::AddIOp::create(b, loc, address,
                                                     arith::IndexCastOp::create(
                                                         b, loc, i64, offset)),
                               i64c(4)),
        i64c(0x3fff));
    int64_t strides =
        (lbo >> 4) << 16 | (sbo >> 4) << 32 | swizzleLayoutType(span) << 62;
    return arith::OrIOp::create(b, loc, start, i64c(strides)).getResult();
  };
  // The descriptor of a K-major operand (A, an i8 B) of `rows` rows at
  // `at`, from row `first` and k `k`: rows of `w` bytes of K, 8 a group,
  // the next `w` bytes of K a block of all rows on; `w` is 16 (core
  // matrices: along K LBO = that block, along M or N SBO = 128) or the
  // swizzle's span (PTX ISA's canonical ((8,m),(T,2)) : ((8T,SBO),(1,T))
  // for 128 bytes: SBO = the 8 rows, LBO unused, 16).
  auto kMajorDescriptor = [&](Value at, int64_t rows, Value first, int64_t k,
                              int64_t span) {
    int64_t w = span ? span : 16, byte = k * bytes;
    Value offset = add(c(byte / w * rows * w + byte % w), mul(first, w));
    return span ? descriptor(at, 16, 8 * w, offset, span)
                : descriptor(at, rows * w, 128, offset, 0);
  };
  // The descriptor of an N-major B of `rows` rows of K at `at`, from column
  // `first` and k `k`: k's rows of `w` bytes of N, 8 k a group, the next
  // `w` bytes of N a block of all K rows on; `w` is 16 (core matrices:
  // along K LBO = 128, along N SBO = that block) or the swizzle's span
  // (((T,8,m),(8,k)) : ((1,T,LBO),(8T,SBO)) for 128 bytes: LBO = that
  // block, SBO = the 8 k; a piece may start inside a row).
  auto nMajorDescriptor = [&](Value at, int64_t rows, Value first, int64_t k,
                              int64_t span) {
    int64_t w = span ? span : 16;
    Value offset = add(c(k * w), mul(div(first, w / bytes), rows * w));
    if (!span)
      return descriptor(at, 128, rows * w, offset, 0);
    offset = add(offset, mul(rem(first, w / bytes), bytes));
    return descriptor(at, rows * w, 8 * w, offset, span);
  };
  // The chains of all pieces from accumulators `acc`: their new values.
  auto chains = [&](ValueRange acc) {
    auto lhsType = cast<MemRefType>(dot.lhs.getType());
    auto rhsType = cast<MemRefType>(dot.rhs.getType());
    // B N-major ([K][N], read transposed) or, stored transposed, K-major.
    bool nMajor = !dot.rhsTransposed;
    int64_t lhsRows = lhsType.getDimSize(0), rhsRows = rhsType.getDimSize(0);
    Value lhsAt = sharedAddress(b, loc, dot.lhs);
    Value rhsAt = sharedAddress(b, loc, dot.rhs);
    auto structType =
        LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(accs, accType));
    SmallVector<Value> d;
    for (int64_t q = 0; q < split.perGroup; ++q) {
      Value v = LLVM::UndefOp::create(b, loc, structType);
      for (int64_t i = 0; i < accs; ++i)
        v = LLVM::InsertValueOp::create(b, loc, v, acc[q * accs + i],
                                        ArrayRef<int64_t>{i});
      d.push_back(v);
    }
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    NVVM::WGMMATypes in = dot.int8  ? NVVM::WGMMATypes::s8
                          : dot.f16 ? NVVM::WGMMATypes::f16
                                    : NVVM::WGMMATypes::bf16;
    NVVM::WGMMATypes out =
        dot.int8 ? NVVM::WGMMATypes::s32 : NVVM::WGMMATypes::f32;
    for (int64_t k = 0; k < dot.k; k += kStep) {
      for (int64_t q = 0; q < split.perGroup; ++q) {
        Value a = kMajorDescriptor(lhsAt, lhsRows, pieces[q].first, k, spanA);
        Value bDesc =
            nMajor
                ? nMajorDescriptor(rhsAt, rhsRows, pieces[q].second, k, spanB)
                : kMajorDescriptor(rhsAt, rhsRows, pieces[q].second, k, 0);
        d[q] = NVVM::WgmmaMmaAsyncOp::create(
            b, loc, structType, d[q], a, bDesc,
            NVVM::MMAShapeAttr::get(ctx, 64, split.n, kStep), in, in, out,
            NVVM::WGMMAScaleOut::one, NVVM::WGMMAScaleIn::one,
            NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
            nMajor ? NVVM::MMALayout::row : NVVM::MMALayout::col,
            NVVM::MMAIntOverflowAttr());
      }
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    SmallVector<Value> next;
    for (Value v : d)
      for (int64_t i = 0; i < accs; ++i)
        next.push_back(LLVM::ExtractValueOp::create(b, loc, v, i));
    return next;
  };
  // Every thread's writes of the operands, visible to the async proxy,
  // then the barrier.
  auto fenceAndBarrier = [&]() {
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
    gpu::BarrierOp::create(b, loc);
  };

  if (scf::ForOp loop = accumulatorLoop(nest, dot, /*warps=*/0)) {
    b.setInsertionPoint(loop);
    gpu::BarrierOp::create(b, loc);
    places();
    // Idle warpgroups carry zeros.
    SmallVector<Value> zeros;
    if (active)
      zeros.assign(split.perGroup * accs,
                   arith::ConstantOp::create(b, loc, b.getZeroAttr(accType)));
    SmallVector<Value> inits = guarded(zeros, loadAccs), finals;
    scf::ForOp carried = carryThrough(
        loop, outer, b, inits,
        [&](ValueRange carried) {
          fenceAndBarrier();
          SmallVector<Value> next =
              guarded(carried, [&]() { return chains(carried); });
          gpu::BarrierOp::create(b, loc);
          return next;
        },
        finals);
    guarded({}, [&]() {
      storeAccs(finals);
      return SmallVector<Value>();
    });
    gpu::BarrierOp::create(b, loc);
    outer.erase();
    return carried;
  }

  fenceAndBarrier();
  places();
  guarded({}, [&]() {
    storeAccs(chains(loadAccs()));
    return SmallVector<Value>();
  });
  gpu::BarrierOp::create(b, loc);
  outer.erase();
  return {};
}

/// The reference lowering's copy of a tile between a view and a tile
/// buffer: a nest of independent loops whose body computes indices and
/// conditions and copies one element. From the view (tile.load): the
/// element is loaded under `guard` where the tile may leave the view (which
/// yields the pad value otherwise) and stored into the buffer. Into the
/// view (tile.store): `guard` holds the buffer's load and the view's
/// store. The buffer's indices are the nest's variables, in any order (a
/// buffer stored transposed); the view's last index is the innermost
/// loop's variable plus a value that does not depend on it, no other index
/// depends on it, and the view's last stride is 1: consecutive iterations
/// of the innermost loop touch consecutive elements of the view.
struct CopyNest {
  memref::LoadOp load;
  memref::StoreOp store;
  scf::IfOp guard;
  /// tile.store: from the buffer into the view.
  bool intoView = false;

  Value view() { return intoView ? store.getMemRef() : load.getMemRef(); }
  ValueRange viewIndices() {
    return intoView ? store.getIndices() : load.getIndices();
  }
  Value buffer() { return intoView ? load.getMemRef() : store.getMemRef(); }
  ValueRange bufferIndices() {
    return intoView ? load.getIndices() : store.getIndices();
  }
};

std::optional<CopyNest> copyNest(ElementNest &nest) {
  if (llvm::is_contained(nest.parallel, false))
    return std::nullopt;
  Block *body = nest.loops.back().getBody();
  Value iv = nest.loops.back().getInductionVar();
  CopyNest copy;
  for (Operation &op : body->without_terminator()) {
    auto load = dyn_cast<memref::LoadOp>(op);
    auto store = dyn_cast<memref::StoreOp>(op);
    auto guard = dyn_cast<scf::IfOp>(op);
    if ((load && copy.load) || (store && copy.store) || (guard && copy.guard))
      return std::nullopt;
    if (load)
      copy.load = load;
    else if (store)
      copy.store = store;
    else if (guard)
      copy.guard = guard;
    else if (!isPure(&op))
      return std::nullopt;
  }
  if (copy.guard) {
    // tile.load: then { load; yield it } else { yield the pad, from
    // outside }, its result stored; tile.store: then { load; store }.
    Block *then = copy.guard.thenBlock(), *other = copy.guard.elseBlock();
    bool intoView = copy.guard.getNumResults() == 0;
    if (copy.load || then->getOperations().size() != (intoView ? 3 : 2))
      return std::nullopt;
    copy.load = dyn_cast<memref::LoadOp>(then->front());
    if (!copy.load)
      return std::nullopt;
    if (!intoView && copy.store && other &&
        other->getOperations().size() == 1) {
      Value pad = other->getTerminator()->getOperand(0);
      if (then->getTerminator()->getOperand(0) != copy.load.getResult() ||
          nest.loops.front()->isAncestor(pad.getParentBlock()->getParentOp()))
        return std::nullopt;
    } else if (intoView && !copy.store && !other) {
      copy.store = dyn_cast<memref::StoreOp>(*std::next(then->begin()));
      copy.intoView = true;
    } else {
      return std::nullopt;
    }
  } else {
    copy.intoView =
        copy.load && isTileBuffer(copy.load.getMemRef().getDefiningOp());
  }
  if (!copy.load || !copy.store ||
      copy.store.getValueToStore() != (copy.guard && !copy.intoView
                                           ? copy.guard.getResult(0)
                                           : copy.load.getResult()) ||
      !isTileBuffer(copy.buffer().getDefiningOp()) ||
      isTileBuffer(copy.view().getDefiningOp()))
    return std::nullopt;
  SmallVector<Value> ivs;
  for (scf::ForOp loop : nest.loops)
    ivs.push_back(loop.getInductionVar());
  ValueRange at = copy.bufferIndices();
  if (at.size() != ivs.size() ||
      !std::is_permutation(at.begin(), at.end(), ivs.begin()))
    return std::nullopt;
  auto view = cast<MemRefType>(copy.view().getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (view.getRank() == 0 ||
      failed(view.getStridesAndOffset(strides, offset)) ||
      strides.back() != 1 || view.getMemorySpace())
    return std::nullopt;
  // Whether `v` depends on the innermost loop's variable.
  DenseMap<Value, bool> memo;
  std::function<bool(Value)> varies = [&](Value v) {
    if (v == iv)
      return true;
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != body)
      return false;
    auto [it, inserted] = memo.try_emplace(v, false);
    if (!inserted)
      return it->second;
    bool result = llvm::any_of(def->getOperands(), varies);
    memo[v] = result;
    return result;
  };
  ValueRange indices = copy.viewIndices();
  for (Value index : indices.drop_back())
    if (varies(index))
      return std::nullopt;
  Value last = indices.back();
  auto addi = last.getDefiningOp<arith::AddIOp>();
  bool plusIv =
      last == iv || (addi && ((addi.getLhs() == iv && !varies(addi.getRhs())) ||
                              (addi.getRhs() == iv && !varies(addi.getLhs()))));
  if (!plusIv)
    return std::nullopt;
  return copy;
}

/// Whether the i1 `cond`, computed in `body` from its loop's variable `iv`,
/// holds on an interval of `iv`'s values: a conjunction of values that do
/// not depend on `iv` and of order comparisons of an increasing function of
/// `iv` (`iv`, or it plus a value that does not depend on it) with such a
/// value (index arithmetic that addresses memory does not wrap).
bool intervalCondition(Value cond, Value iv, Block *body) {
  std::function<bool(Value)> varies = [&](Value v) {
    if (v == iv)
      return true;
    Operation *def = v.getDefiningOp();
    return def && def->getBlock() == body &&
           llvm::any_of(def->getOperands(), varies);
  };
  std::function<bool(Value)> increasing = [&](Value v) {
    if (v == iv)
      return true;
    auto add = v.getDefiningOp<arith::AddIOp>();
    return add && ((increasing(add.getLhs()) && !varies(add.getRhs())) ||
                   (increasing(add.getRhs()) && !varies(add.getLhs())));
  };
  std::function<bool(Value)> holds = [&](Value v) {
    if (!varies(v))
      return true;
    if (auto both = v.getDefiningOp<arith::AndIOp>())
      return holds(both.getLhs()) && holds(both.getRhs());
    auto cmp = v.getDefiningOp<arith::CmpIOp>();
    if (!cmp || cmp.getPredicate() == arith::CmpIPredicate::eq ||
        cmp.getPredicate() == arith::CmpIPredicate::ne)
      return false;
    return (increasing(cmp.getLhs()) && !varies(cmp.getRhs())) ||
           (increasing(cmp.getRhs()) && !varies(cmp.getLhs()));
  };
  return holds(cond);
}

/// Copies 16 bytes at a time in the CopyNest `copy` of `nest`, whose
/// innermost loop then counts groups of `width` elements (16 bytes): for
/// each group, the body's index and condition computations run for each
/// element, and where every element's condition holds and the group's
/// first element lies on 16 bytes in the view, one 16-byte access of the
/// view copies it (the buffer's side one access too where the group is a
/// run of the buffer's row, else element by element); otherwise the
/// elements one by one, as before. The loop's trip count must be a
/// multiple of `width`.
void vectorizeCopyNest(ElementNest &nest, CopyNest &copy, int64_t width) {
  scf::ForOp inner = nest.loops.back();
  Block *body = inner.getBody();
  Location loc = copy.store.getLoc();
  SmallVector<Operation *> ops;
  for (Operation &op : body->without_terminator())
    if (&op != copy.guard && &op != copy.store && &op != copy.load)
      ops.push_back(&op);
  OpBuilder b(inner);
  auto c = [&](int64_t v) { return indexConst(b, loc, v); };
  nest.trips.back() /= width;
  inner.getUpperBoundMutable().assign(c(nest.trips.back()));
  b.setInsertionPointToStart(body);
  Value iv = inner.getInductionVar();
  Value first = arith::MulIOp::create(b, loc, iv, c(width));
  // The indices and condition of the elements the common path needs.
  SmallVector<IRMapping> element(width);
  auto compute = [&](int64_t e) {
    element[e].map(
        iv, e ? arith::AddIOp::create(b, loc, first, c(e)).getResult() : first);
    for (Operation *op : ops)
      b.clone(*op, element[e]);
  };
  // The group lies in the view where every element's condition holds; where
  // the condition holds on an interval of the innermost variable (bounds
  // checks), where the first and the last element's do. (The others'
  // conditions, all computed here, would stay in predicate registers that
  // the path element by element reads: ptxas spilled them in the attention
  // example's kernel.)
  Value all;
  bool interval =
      !copy.guard || intervalCondition(copy.guard.getCondition(), iv, body);
  for (int64_t e = 0; e < width; ++e) {
    if (e > 0 && (e < width - 1 ? interval : !copy.guard))
      continue;
    compute(e);
    if (copy.guard) {
      Value ok = element[e].lookupOrDefault(copy.guard.getCondition());
      all = all ? arith::AndIOp::create(b, loc, all, ok).getResult() : ok;
    }
  }
  auto at = [&](ValueRange indices, int64_t e) {
    return llvm::map_to_vector(
        indices, [&](Value x) { return element[e].lookupOrDefault(x); });
  };
  Value view = copy.view(), buffer = copy.buffer();
  auto viewType = cast<MemRefType>(view.getType());
  auto bufferType = cast<MemRefType>(buffer.getType());
  int64_t bytes = viewType.getElementTypeBitWidth() / 8;
  SmallVector<Value> viewAt = at(copy.viewIndices(), 0);
  // The group's first element lies on 16 bytes.
  Value address = nlc::nvptx::elementAddress(b, loc, view, viewAt);
  Value aligned = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(b, loc, address, c(16)), c(0));
  all = all ? arith::AndIOp::create(b, loc, all, aligned).getResult() : aligned;
  // The group is a run of the buffer's row, which starts on 16 bytes where
  // its length is a multiple of 16 bytes (the buffer starts on 16 bytes in
  // shared memory).
  bool run = copy.bufferIndices().back() == iv;
  // Element e's place in the buffer, whose indices are the nest's
  // variables: the innermost one is first + e.
  auto bufferAt = [&](OpBuilder &ib, int64_t e) {
    return llvm::map_to_vector(copy.bufferIndices(), [&](Value x) -> Value {
      if (x != iv)
        return x;
      return e ? arith::AddIOp::create(ib, loc, first, indexConst(ib, loc, e))
                     .getResult()
               : first;
    });
  };
  int64_t rowBytes = bufferType.getShape().back() * bytes;
  llvm::Align bufferAlign(rowBytes % 16 == 0 ? 16 : bytes);
  auto vectorType = VectorType::get({width}, viewType.getElementType());
  scf::IfOp::create(
      b, loc, all,
      [&](OpBuilder &tb, Location l) {
        if (!copy.intoView) {
          Value v =
              vector::LoadOp::create(tb, l, vectorType, view, viewAt,
                                     /*nontemporal=*/false, llvm::Align(16));
          if (run) {
            vector::StoreOp::create(tb, l, v, buffer,
                                    at(copy.bufferIndices(), 0),
                                    /*nontemporal=*/false, bufferAlign);
          } else {
            for (int64_t e = 0; e < width; ++e)
              memref::StoreOp::create(tb, l,
                                      vector::ExtractOp::create(tb, l, v, e),
                                      buffer, bufferAt(tb, e));
          }
        } else {
          Value v;
          if (run) {
            v = vector::LoadOp::create(tb, l, vectorType, buffer,
                                       at(copy.bufferIndices(), 0),
                                       /*nontemporal=*/false, bufferAlign);
          } else {
            SmallVector<Value> elements;
            for (int64_t e = 0; e < width; ++e)
              elements.push_back(
                  memref::LoadOp::create(tb, l, buffer, bufferAt(tb, e)));
            v = vector::FromElementsOp::create(tb, l, vectorType, elements);
          }
          vector::StoreOp::create(tb, l, v, view, viewAt,
                                  /*nontemporal=*/false, llvm::Align(16));
        }
        scf::YieldOp::create(tb, l);
      },
      [&](OpBuilder &eb, Location l) {
        // The elements one by one, in a loop: each one's conditions are
        // computed where it is copied.
        auto each =
            scf::ForOp::create(eb, l, indexConst(eb, l, 0),
                               indexConst(eb, l, width), indexConst(eb, l, 1));
        OpBuilder lb = OpBuilder::atBlockTerminator(each.getBody());
        IRMapping map;
        map.map(iv,
                arith::AddIOp::create(lb, l, first, each.getInductionVar()));
        for (Operation *op : ops)
          lb.clone(*op, map);
        if (copy.intoView && copy.guard) {
          lb.clone(*copy.guard, map);
        } else {
          Value v = copy.guard ? lb.clone(*copy.guard, map)->getResult(0)
                               : lb.clone(*copy.load, map)->getResult(0);
          map.map(copy.store.getValueToStore(), v);
          lb.clone(*copy.store, map);
        }
        scf::YieldOp::create(eb, l);
      });
  // The guard of a tile.store holds its load and store.
  if (!copy.guard || !copy.intoView)
    copy.store.erase();
  if (copy.guard)
    copy.guard.erase();
  else
    copy.load.erase();
  for (Operation *op : llvm::reverse(ops))
    op->erase();
}

/// Replaces `nest` by its spread form (emitSpreadNest), moving its body.
void spreadNest(ElementNest &nest, Value tid, int64_t threads) {
  scf::ForOp outer = nest.loops.front();
  OpBuilder b(outer);
  auto [body, ivs] = emitSpreadNest(b, outer.getLoc(), tid, threads, nest.trips,
                                    nest.parallel);
  Block *old = nest.loops.back().getBody();
  body->getOperations().splice(Block::iterator(body->getTerminator()),
                               old->getOperations(), old->begin(),
                               std::prev(old->end()));
  for (auto [loop, iv] : llvm::zip_equal(nest.loops, ivs))
    loop.getInductionVar().replaceAllUsesWith(iv);
  outer.erase();
}

/// Whether `op` and everything nested in it only compute and read memory.
bool onlyReads(Operation *op) {
  return !op
              ->walk([](Operation *inner) {
                if (isa<memref::LoadOp>(inner) || isMemoryEffectFree(inner) ||
                    inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
                  return WalkResult::advance();
                return WalkResult::interrupt();
              })
              .wasInterrupted();
}

/// A nest of independent loops (over a tile's rows, say) whose body reduces
/// a line: one `scf.for` by 1 that carries one 32-bit value, `acc = f(acc,
/// v)` with `f` an arith op that has a neutral element (sum, product, max,
/// min, and, or, xor), around code that only reads, and stores after it.
struct LineReduction {
  scf::ForOp loop;
  Operation *combine;
};

std::optional<LineReduction> lineReduction(ElementNest &nest) {
  if (!llvm::all_of(nest.parallel, [](bool p) { return p; }))
    return std::nullopt;
  LineReduction red{};
  for (Operation &op : nest.loops.back().getBody()->without_terminator()) {
    if (auto loop = dyn_cast<scf::ForOp>(op); loop && !red.loop) {
      red.loop = loop;
      continue;
    }
    // Stores only once the line is reduced.
    if (isa<memref::StoreOp>(op) ? !red.loop : !onlyReads(&op))
      return std::nullopt;
  }
  if (!red.loop || red.loop.getNumRegionIterArgs() != 1)
    return std::nullopt;
  std::optional<int64_t> step = getConstantIntValue(red.loop.getStep());
  Type type = red.loop.getRegionIterArgs()[0].getType();
  if (!step || *step != 1 || !type.isIntOrFloat() ||
      type.getIntOrFloatBitWidth() != 32)
    return std::nullopt;
  Value acc = red.loop.getRegionIterArgs()[0];
  auto yield = cast<scf::YieldOp>(red.loop.getBody()->getTerminator());
  red.combine = yield.getOperand(0).getDefiningOp();
  if (!red.combine || red.combine->getNumOperands() != 2 ||
      red.combine->getNumResults() != 1 ||
      red.combine->getBlock() != red.loop.getBody() || !acc.hasOneUse() ||
      acc.getUses().begin()->getOwner() != red.combine ||
      !arith::getNeutralElement(red.combine))
    return std::nullopt;
  for (Operation &op : red.loop.getBody()->without_terminator())
    if (!onlyReads(&op))
      return std::nullopt;
  return red;
}

/// Replaces `nest`, whose body reduces a line (`red`), by a loop that gives
/// each warp of the block one iteration of the nest in turn; the warp's
/// lanes share out the line (lane l takes elements l, l + 32, ...), each
/// reducing its share from the neutral element, then combine their results
/// across the warp by shuffles (xor 16, 8, 4, 2, 1), so that every lane
/// has the line's result; the reduction's initial value is combined last.
/// Every lane then runs the rest of the body alike (its stores write the
/// same values). Sums are in another order than the reference's: they
/// differ from it by rounding.
void warpReduceNest(ElementNest &nest, const LineReduction &red, Value tid,
                    int64_t threads) {
  scf::ForOp loop = red.loop;
  OpBuilder b(nest.loops.front());
  Location loc = loop.getLoc();
  Value c32 = indexConst(b, loc, 32);
  Value warp = arith::DivUIOp::create(b, loc, tid, c32);
  Value lane = arith::RemUIOp::create(b, loc, tid, c32);
  spreadNest(nest, warp, threads / 32);
  b.setInsertionPoint(loop);
  Value acc = loop.getRegionIterArgs()[0];
  Value neutral = arith::ConstantOp::create(
      b, loc, *arith::getNeutralElement(red.combine));
  auto share = scf::ForOp::create(
      b, loc, arith::AddIOp::create(b, loc, loop.getLowerBound(), lane),
      loop.getUpperBound(), c32, ValueRange{neutral});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(share.getBody());
    IRMapping map;
    map.map(loop.getInductionVar(), share.getInductionVar());
    map.map(acc, share.getRegionIterArgs()[0]);
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, map);
    scf::YieldOp::create(
        b, loc, map.lookup(loop.getBody()->getTerminator()->getOperand(0)));
  }
  // combine(acc: x, the other operand: y), as the loop's body has it.
  auto combine = [&](Value x, Value y) {
    IRMapping map;
    for (Value operand : red.combine->getOperands())
      map.map(operand, operand == acc ? x : y);
    return b.clone(*red.combine, map)->getResult(0);
  };
  Value total = share.getResult(0);
  for (int32_t offset = 16; offset >= 1; offset /= 2) {
    auto other = gpu::ShuffleOp::create(b, loc, total, offset, /*width=*/32,
                                        gpu::ShuffleMode::XOR);
    total = combine(total, other.getShuffleResult());
  }
  loop.getResult(0).replaceAllUsesWith(combine(loop.getInitArgs()[0], total));
  // Every lane has the line's result: lane 0 alone stores what the line's
  // body stores, so that no two threads write a byte between barriers.
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                      indexConst(b, loc, 0));
  SmallVector<memref::StoreOp> stores;
  for (Operation *op = loop->getNextNode(); op; op = op->getNextNode())
    if (auto store = dyn_cast<memref::StoreOp>(op))
      stores.push_back(store);
  for (memref::StoreOp store : stores) {
    b.setInsertionPoint(store);
    auto once = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
    store->moveBefore(once.thenBlock()->getTerminator());
  }
  loop.erase();
}

/// Replaces a copy of tile buffers by a spread loop of loads and stores.
void spreadCopy(memref::CopyOp copy, Value tid, int64_t threads) {
  OpBuilder b(copy);
  Location loc = copy.getLoc();
  auto type = cast<MemRefType>(copy.getSource().getType());
  SmallVector<bool> parallel(type.getRank(), true);
  auto [body, ivs] =
      emitSpreadNest(b, loc, tid, threads, type.getShape(), parallel);
  b.setInsertionPoint(body->getTerminator());
  Value v = memref::LoadOp::create(b, loc, copy.getSource(), ivs);
  memref::StoreOp::create(b, loc, v, copy.getTarget(), ivs);
  copy.erase();
}

/// Whether the kernel only reads memory through `view`: every use loads
/// from it, asks its sizes, is the source of a copy, or makes another view
/// of it that the kernel only reads. Anything else (a store, a call, its
/// address taken) may write it.
bool onlyReadThrough(Value view) {
  for (OpOperand &use : view.getUses()) {
    Operation *user = use.getOwner();
    if (isa<memref::LoadOp, memref::DimOp>(user))
      continue;
    if (auto copy = dyn_cast<memref::CopyOp>(user);
        copy && use.get() == copy.getSource() && use.get() != copy.getTarget())
      continue;
    if (isa<memref::SubViewOp, memref::CastOp, memref::ReinterpretCastOp,
            memref::MemorySpaceCastOp, memref::ExpandShapeOp,
            memref::CollapseShapeOp>(user) &&
        use.getOperandNumber() == 0 && onlyReadThrough(user->getResult(0)))
      continue;
    if (auto meta = dyn_cast<memref::ExtractStridedMetadataOp>(user);
        meta && onlyReadThrough(meta.getBaseBuffer()))
      continue;
    return false;
  }
  return true;
}

/// The launches of `fn` in `module`.
SmallVector<gpu::LaunchFuncOp> launchesOf(ModuleOp module, gpu::GPUFuncOp fn) {
  auto gpuModule = fn->getParentOfType<gpu::GPUModuleOp>();
  SmallVector<gpu::LaunchFuncOp> launches;
  module.walk([&](gpu::LaunchFuncOp launch) {
    if (launch.getKernelModuleName() == gpuModule.getSymNameAttr() &&
        launch.getKernelName() == fn.getNameAttr())
      launches.push_back(launch);
  });
  return launches;
}

/// Marks each launch of `fn` with the memref arguments `fn` may write
/// (kWrittenViewsAttr).
void markWrittenViews(ModuleOp module, gpu::GPUFuncOp fn) {
  SmallVector<bool> written;
  for (BlockArgument arg : fn.getArguments())
    if (isa<MemRefType>(arg.getType()))
      written.push_back(!onlyReadThrough(arg));
  for (gpu::LaunchFuncOp launch : launchesOf(module, fn))
    launch->setAttr(nlc::nvptx::kWrittenViewsAttr,
                    DenseBoolArrayAttr::get(module.getContext(), written));
}

/// Static shared memory a block may have without asking the driver.
constexpr int64_t kStaticSharedBytes = 48 * 1024;

/// The number of `chip` ("sm_90a" -> 90), 0 if it has none.
unsigned smVersion(StringRef chip) {
  unsigned sm = 0;
  if (!chip.consume_front("sm_") ||
      chip.take_while(llvm::isDigit).getAsInteger(10, sm))
    return 0;
  return sm;
}

/// The shared memory one block may have on `chip` ("sm_90a", ...).
int64_t sharedBytesOf(StringRef chip) {
  unsigned sm = smVersion(chip);
  if (sm >= 90)
    return 227 * 1024;
  if (sm == 80 || sm == 87)
    return 163 * 1024;
  if (sm == 86 || sm == 89)
    return 99 * 1024;
  return kStaticSharedBytes;
}

/// Moves the tile buffers into the arena (see Passes.td): a workgroup
/// attribution up to kStaticSharedBytes, else the dynamic shared memory.
void placeInArena(gpu::GPUFuncOp fn, Plan &plan) {
  MLIRContext *ctx = fn.getContext();
  auto workgroup = gpu::AddressSpaceAttr::get(
      ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
  Value arena;
  if (plan.arenaBytes > kStaticSharedBytes) {
    OpBuilder b(fn.getBody());
    arena = gpu::DynamicSharedMemoryOp::create(
        b, fn.getLoc(),
        MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8),
                        AffineMap(), workgroup));
  } else {
    auto arenaType =
        MemRefType::get({std::max<int64_t>(plan.arenaBytes, 16)},
                        IntegerType::get(ctx, 8), AffineMap(), workgroup);
    arena = fn.addWorkgroupAttribution(arenaType, fn.getLoc());
    // Offsets are multiples of 16; the arena must be as aligned.
    fn.setWorkgroupAttributionAttr(
        fn.getNumWorkgroupAttributions() - 1,
        LLVM::LLVMDialect::getAlignAttrName(),
        IntegerAttr::get(IntegerType::get(ctx, 64), 16));
  }
  for (auto [op, offset] : plan.offsets) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    auto type = cast<MemRefType>(op->getResult(0).getType());
    auto shared = MemRefType::get(type.getShape(), type.getElementType(),
                                  AffineMap(), workgroup);
    Value view = memref::ViewOp::create(
        b, loc, shared, arena, indexConst(b, loc, offset), ValueRange{});
    Value generic = memref::MemorySpaceCastOp::create(b, loc, type, view);
    for (Operation *user : llvm::make_early_inc_range(op->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    op->getResult(0).replaceAllUsesWith(generic);
    op->erase();
  }
}

/// What the ops between two barriers do to memory: the tile buffers they
/// read and write; whether they read or write any other memory (views in
/// global memory, pointers: one category); whether they access a
/// statically shaped memref that is not a tile buffer itself (one carried
/// through a loop: any tile buffer); and whether they do anything else
/// whose effects are not known, or hold a barrier.
struct Footprint {
  DenseSet<Value> reads, writes;
  bool otherReads = false, otherWrites = false, anyBuffer = false,
       unknown = false, proxyFence = false, asyncReads = false;

  void add(Operation *op) {
    op->walk([&](Operation *inner) {
      if (isa<gpu::BarrierOp>(inner)) {
        unknown = true;
        return;
      }
      // A proxy fence makes the thread's writes visible to the tensor
      // cores' async proxy, which wgmma reads through: the barrier after
      // the fence stays wherever a wgmma follows it (the buffers it reads
      // are counted below, where their addresses are taken).
      if (isa<NVVM::FenceProxyOp>(inner)) {
        proxyFence = true;
        return;
      }
      if (isa<NVVM::WgmmaMmaAsyncOp>(inner)) {
        asyncReads = true;
        return;
      }
      // Orderings of the issuing warpgroup's own work; mma.sync, on
      // registers; ldmatrix, which reads the buffer whose address it is
      // given (counted below).
      if (isa<NVVM::WgmmaFenceAlignedOp, NVVM::WgmmaGroupSyncAlignedOp,
              NVVM::WgmmaWaitGroupSyncOp, NVVM::MmaOp, NVVM::LdMatrixOp>(inner))
        return;
      // The thread's own stack.
      if (isa<LLVM::StackSaveOp, LLVM::StackRestoreOp>(inner))
        return;
      // A buffer's address (ldmatrix, wgmma descriptors): it may be read
      // and written through it. (Accesses through a view's address, which
      // the 16-byte copies take for their alignment check, count as other
      // memory where they happen.)
      if (auto address =
              dyn_cast<memref::ExtractAlignedPointerAsIndexOp>(inner)) {
        if (isTileBuffer(carried(address.getSource()).getDefiningOp()))
          access(address.getSource(), true, true);
        return;
      }
      if (inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
        return;
      auto effects = dyn_cast<MemoryEffectOpInterface>(inner);
      if (!effects) {
        unknown = true;
        return;
      }
      SmallVector<MemoryEffects::EffectInstance> list;
      effects.getEffects(list);
      for (const MemoryEffects::EffectInstance &e : list) {
        bool read = isa<MemoryEffects::Read>(e.getEffect()),
             write = isa<MemoryEffects::Write>(e.getEffect());
        if (!read && !write)
          continue; // allocation, free
        if (Value v = e.getValue())
          access(v, read, write);
        else
          unknown = true;
      }
    });
  }

  /// The buffer `v` is where a loop carries it unchanged (its iteration
  /// argument or result, which the body yields as it came in).
  static Value carried(Value v) {
    scf::ForOp loop;
    unsigned i = 0;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
      if (!loop || arg.getArgNumber() == 0)
        return v;
      i = arg.getArgNumber() - 1;
    } else if ((loop = v.getDefiningOp<scf::ForOp>())) {
      i = cast<OpResult>(v).getResultNumber();
    } else {
      return v;
    }
    Value yielded = loop.getBody()->getTerminator()->getOperand(i);
    if (yielded != loop.getRegionIterArg(i))
      return v;
    return carried(loop.getInitArgs()[i]);
  }

  void access(Value v, bool read, bool write) {
    v = carried(v);
    if (isTileBuffer(v.getDefiningOp())) {
      if (read)
        reads.insert(v);
      if (write)
        writes.insert(v);
      return;
    }
    auto type = dyn_cast<MemRefType>(v.getType());
    if (type && type.hasStaticShape()) {
      anyBuffer = true;
      return;
    }
    otherReads |= read;
    otherWrites |= write;
  }

  bool touchesBuffers() const {
    return !reads.empty() || !writes.empty() || anyBuffer;
  }

  /// Whether a thread's accesses here and another thread's in `o` may
  /// race: a location one writes and the other accesses.
  bool conflicts(const Footprint &o) const {
    if (unknown || o.unknown || (anyBuffer && o.touchesBuffers()) ||
        (o.anyBuffer && touchesBuffers()) || (proxyFence && o.asyncReads) ||
        (asyncReads && o.proxyFence))
      return true;
    if ((otherWrites && (o.otherReads || o.otherWrites)) ||
        (otherReads && o.otherWrites))
      return true;
    for (Value v : writes)
      if (o.reads.contains(v) || o.writes.contains(v))
        return true;
    for (Value v : reads)
      if (o.writes.contains(v))
        return true;
    return false;
  }

  void merge(const Footprint &o) {
    reads.insert(o.reads.begin(), o.reads.end());
    writes.insert(o.writes.begin(), o.writes.end());
    otherReads |= o.otherReads;
    otherWrites |= o.otherWrites;
    anyBuffer |= o.anyBuffer;
    unknown |= o.unknown;
    proxyFence |= o.proxyFence;
    asyncReads |= o.asyncReads;
  }
};

/// The footprint of the ops after `from` and before `to` (null: to the
/// end of the block).
Footprint footprintBetween(Operation *from, Operation *to) {
  Footprint f;
  for (Operation *op = from->getNextNode(); op != to; op = op->getNextNode())
    f.add(op);
  return f;
}

/// A spread 16-byte copy of a tile into tile buffer `buffer` (what
/// vectorizeCopyNest and spreadNest make of a tile.load): `loop` over the
/// groups from the thread's index by the block's size, to a constant; its
/// body pure ops (indices, conditions) and last `fast`: scf.if (the
/// group lies in the view, on 16 bytes) { `load` of the view; stores into
/// the buffer } else { the elements one by one }.
struct GroupCopy {
  scf::ForOp loop;
  scf::IfOp fast;
  vector::LoadOp load;
  Value buffer;
  int64_t groups, threads;
};

std::optional<GroupCopy> groupCopy(scf::ForOp loop, Value tid) {
  std::optional<int64_t> groups = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> threads = getConstantIntValue(loop.getStep());
  Block *body = loop.getBody();
  if (loop.getLowerBound() != tid || !groups || !threads ||
      body->getOperations().size() < 2 || loop.getNumResults())
    return std::nullopt;
  auto fast = dyn_cast<scf::IfOp>(*std::prev(body->end(), 2));
  if (!fast || fast.getNumResults() || !fast.elseBlock())
    return std::nullopt;
  for (Operation &op : body->without_terminator())
    if (&op != fast && !isPure(&op))
      return std::nullopt;
  GroupCopy copy{loop, fast, {}, {}, *groups, *threads};
  // Into one tile buffer, from memory that is not one.
  bool ok = true;
  int loads = 0;
  fast->walk([&](Operation *op) {
    Value m;
    if (auto load = dyn_cast<vector::LoadOp>(op)) {
      if (op->getBlock() == fast.thenBlock())
        copy.load = load, ++loads;
      m = load.getBase();
      ok &= !isTileBuffer(m.getDefiningOp());
    } else if (auto load = dyn_cast<memref::LoadOp>(op)) {
      ok &= !isTileBuffer(load.getMemRef().getDefiningOp());
    } else if (auto store = dyn_cast<vector::StoreOp>(op)) {
      m = store.getBase();
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      m = store.getMemRef();
    } else if (!isPure(op) && !isa<scf::IfOp, scf::ForOp, scf::YieldOp>(op)) {
      ok = false;
    }
    if (m && isa<vector::StoreOp, memref::StoreOp>(op)) {
      ok &=
          isTileBuffer(m.getDefiningOp()) && (!copy.buffer || copy.buffer == m);
      copy.buffer = m;
    }
  });
  if (!ok || loads != 1 || !copy.buffer)
    return std::nullopt;
  return copy;
}

/// Software pipelining of a K loop whose accumulators mmaNest or wgmmaNest
/// keep in registers: where the loop's body copies the contraction's tiles
/// (groupCopy) and computes on them, the tiles of step k + 1 are loaded
/// from global memory into registers at the start of step k, before its
/// contraction, and stored into a second set of buffers after it, so that
/// the loads' latency overlaps the tensor cores' work; the contraction of
/// step k reads the set its parity picks. Before the loop, the first step's
/// tiles are copied as before. Each step then has one barrier before the
/// contraction (with the proxy fence for wgmma) and the one that opens it.
/// A group that leaves the view or is not on 16 bytes is copied element by
/// element after the contraction. A wgmma contraction's group is retired
/// at the next step's barrier, not at once. The second buffers come after
/// the arena's end; without room for them (`limit`), or for a body of
/// another shape, the loop stays as it is.
void prefetchKLoop(scf::ForOp loop, Value tid, Plan &plan, int64_t limit,
                   DenseSet<Value> &chunked) {
  Block *body = loop.getBody();
  SmallVector<GroupCopy> copies;
  for (Operation &op : body->without_terminator())
    if (auto inner = dyn_cast<scf::ForOp>(op))
      if (std::optional<GroupCopy> copy = groupCopy(inner, tid))
        copies.push_back(*copy);
  if (copies.empty())
    return;
  // Every buffer the body's other ops use is one the copies fill, or
  // none: only the copies write them.
  DenseSet<Value> filled;
  for (const GroupCopy &c : copies)
    if (!filled.insert(c.buffer).second)
      return;
  // Only the loop uses the buffers (nothing after it expects the last
  // step's tiles in them).
  for (Value buffer : filled)
    if (!llvm::all_of(buffer.getUsers(),
                      [&](Operation *user) { return loop->isAncestor(user); }))
      return;
  // What the copies use of the body's values is pure, so that it can be
  // computed again for the next step (and before the loop, for the first).
  DenseSet<Value> checked;
  std::function<bool(Value)> pureInBody = [&](Value v) {
    // A value the loop carries has no next step's value here.
    if (auto arg = dyn_cast<BlockArgument>(v))
      return arg.getOwner() != body || arg == loop.getInductionVar();
    Operation *def = v.getDefiningOp();
    if (def->getBlock() != body || filled.contains(v) ||
        !checked.insert(v).second)
      return true;
    return isPure(def) && def->getNumRegions() == 0 &&
           llvm::all_of(def->getOperands(), pureInBody);
  };
  for (const GroupCopy &copy : copies) {
    bool ok = true;
    copy.loop->walk([&](Operation *op) {
      for (Value operand : op->getOperands())
        ok &= pureInBody(operand);
    });
    if (!ok)
      return;
  }
  // Buffers from outside the loop, or allocated at the top of its body
  // (which then moves before the loop: the step fills them whole before
  // it reads them, and their arena offsets are the body's, which nothing
  // live across the loop shares).
  SmallVector<Operation *> hoist;
  for (Value buffer : filled) {
    Operation *def = buffer.getDefiningOp();
    if (def->getBlock() == body && def->getNumOperands() == 0)
      hoist.push_back(def);
    else if (!loop->getParentRegion()->isAncestor(buffer.getParentRegion()) ||
             loop->isAncestor(def))
      return;
  }
  // The rest of the body: barriers, pure ops, at most one proxy fence, and
  // after the copies the contraction, which touches no memory but their
  // buffers (it reads them; a buffer's address counts as a write too).
  NVVM::FenceProxyOp fence;
  Operation *lastCopy = copies.back().loop;
  bool afterCopies = false;
  for (Operation &op : body->without_terminator()) {
    if (&op == lastCopy) {
      afterCopies = true;
      continue;
    }
    if (isa<gpu::BarrierOp, LLVM::StackSaveOp, LLVM::StackRestoreOp>(op) ||
        isPure(&op) || llvm::is_contained(hoist, &op) ||
        llvm::any_of(copies, [&](const GroupCopy &c) { return c.loop == &op; }))
      continue;
    if (!afterCopies)
      return;
    if (auto f = dyn_cast<NVVM::FenceProxyOp>(op)) {
      if (fence)
        return;
      fence = f;
      continue;
    }
    Footprint f;
    f.add(&op);
    if (f.unknown || f.otherReads || f.otherWrites || f.anyBuffer ||
        llvm::any_of(f.reads, [&](Value v) { return !filled.contains(v); }) ||
        llvm::any_of(f.writes, [&](Value v) { return !filled.contains(v); }))
      return;
  }
  // Room for the second buffers.
  int64_t arena = plan.arenaBytes;
  SmallVector<std::pair<Operation *, int64_t>> placed;
  for (const GroupCopy &c : copies) {
    arena = llvm::alignTo(arena, 16);
    placed.push_back({c.buffer.getDefiningOp(), arena});
    arena +=
        llvm::alignTo(bufferBytes(cast<MemRefType>(c.buffer.getType())), 16);
  }
  if (arena > limit)
    return;
  for (Operation *def : hoist)
    def->moveBefore(loop);
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto c = [&](int64_t v) { return indexConst(b, loc, v); };
  // The second buffers, after the first ones.
  IRMapping second;
  for (auto [op, offset] : placed) {
    OpBuilder ab(op);
    ab.setInsertionPointAfter(op);
    Operation *copy = ab.clone(*op);
    plan.offsets[copy] = offset;
    second.map(op->getResult(0), copy->getResult(0));
    if (chunked.contains(op->getResult(0)))
      chunked.insert(copy->getResult(0));
  }
  plan.arenaBytes = arena;
  Value iv = loop.getInductionVar();
  // The body's ops before the first copy that `v` needs, cloned at `b`
  // with the mapping (the induction variable mapped to the step to load).
  std::function<Value(Value, IRMapping &)> remat =
      [&](Value v, IRMapping &map) -> Value {
    if (Value m = map.lookupOrNull(v))
      return m;
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != body)
      return v;
    // Pure and without regions (pureInBody): its operands, then itself.
    for (Value operand : def->getOperands())
      remat(operand, map);
    return Value(
        b.clone(*def, map)->getResult(cast<OpResult>(v).getResultNumber()));
  };
  auto rematAll = [&](Operation *op, IRMapping &map) {
    op->walk([&](Operation *inner) {
      for (Value operand : inner->getOperands())
        if (!op->isAncestor(operand.getParentRegion()->getParentOp()))
          remat(operand, map);
    });
  };
  // Before the loop: the first step's copies, as they are.
  {
    IRMapping map;
    map.map(iv, loop.getLowerBound());
    for (const GroupCopy &copy : copies) {
      rematAll(copy.loop, map);
      b.clone(*copy.loop, map);
    }
  }
  // In the body: the step's buffers by its parity, the next step's loads
  // where the copies were, its stores after the contraction.
  b.setInsertionPointToStart(body);
  Value parity = arith::RemUIOp::create(
      b, loc,
      arith::DivUIOp::create(
          b, loc, arith::SubIOp::create(b, loc, iv, loop.getLowerBound()),
          loop.getStep()),
      c(2));
  Value even =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, parity, c(0));
  DenseMap<Value, Value> current, next;
  for (const GroupCopy &copy : copies) {
    Value x = copy.buffer, y = second.lookup(x);
    current[x] = arith::SelectOp::create(b, loc, even, x, y);
    next[x] = arith::SelectOp::create(b, loc, even, y, x);
  }
  b.setInsertionPoint(copies.front().loop);
  Value nextIv = arith::AddIOp::create(b, loc, iv, loop.getStep());
  Value more = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, nextIv,
                                     loop.getUpperBound());
  struct Group {
    GroupCopy *copy;
    IRMapping map;
    Value valid, fast, data;
  };
  SmallVector<std::unique_ptr<Group>> groups;
  IRMapping nextStep;
  nextStep.map(iv, nextIv);
  for (GroupCopy &copy : copies) {
    int64_t perThread = llvm::divideCeil(copy.groups, copy.threads);
    for (int64_t u = 0; u < perThread; ++u) {
      auto g = std::make_unique<Group>();
      g->copy = &copy;
      g->map = nextStep;
      Value index = arith::AddIOp::create(b, loc, tid, c(u * copy.threads));
      g->map.map(copy.loop.getInductionVar(), index);
      g->valid = arith::AndIOp::create(
          b, loc, more,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, index,
                                c(copy.groups)));
      for (Operation &op : copy.loop.getBody()->without_terminator()) {
        if (&op == copy.fast)
          break;
        rematAll(&op, g->map);
        b.clone(op, g->map);
      }
      g->fast = arith::AndIOp::create(
          b, loc, g->valid, g->map.lookupOrDefault(copy.fast.getCondition()));
      VectorType type = copy.load.getVectorType();
      auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, g->fast,
                                    /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(ifOp.thenBlock());
        Value v = b.clone(*copy.load, g->map)->getResult(0);
        scf::YieldOp::create(b, loc, v);
        b.setInsertionPointToStart(ifOp.elseBlock());
        scf::YieldOp::create(
            b, loc,
            arith::ConstantOp::create(b, loc, b.getZeroAttr(type)).getResult());
      }
      g->data = ifOp.getResult(0);
      g->map.map(copy.load.getResult(), g->data);
      g->map.map(copy.buffer, next[copy.buffer]);
      groups.push_back(std::move(g));
    }
  }
  // After it: the stores into the next step's buffers.
  b.setInsertionPoint(body->getTerminator());
  for (std::unique_ptr<Group> &g : groups) {
    auto store = scf::IfOp::create(b, loc, TypeRange{}, g->valid,
                                   /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(store.thenBlock()->getTerminator());
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{}, g->fast,
                                  /*withElseRegion=*/true);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    for (Operation &op : g->copy->fast.thenBlock()->without_terminator())
      if (&op != g->copy->load) {
        rematAll(&op, g->map);
        b.clone(op, g->map);
      }
    b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
    for (Operation &op : g->copy->fast.elseBlock()->without_terminator()) {
      rematAll(&op, g->map);
      b.clone(op, g->map);
    }
  }
  // One barrier a step, before the contraction (after the proxy fence):
  // it orders the last step's stores before this step's contraction, and
  // the last step's contraction before this step's stores, which write
  // the other buffers.
  Operation *contraction = lastCopy->getNextNode();
  while (isa<gpu::BarrierOp>(contraction))
    contraction = contraction->getNextNode();
  for (GroupCopy &copy : copies)
    copy.loop.erase();
  for (Operation &op : llvm::make_early_inc_range(body->getOperations()))
    if (isa<gpu::BarrierOp>(op))
      op.erase();
  if (fence)
    b.setInsertionPointAfter(fence);
  else
    b.setInsertionPoint(contraction);
  auto barrier = gpu::BarrierOp::create(b, loc);
  // With wgmma, the step's group stays in flight over the step's stores of
  // the next step's tiles (into the other buffers, which it does not read)
  // and the next step's loads: a step retires the last step's group before
  // its barrier, after which that group's buffers are written again, and
  // the loop's end retires the last group.
  SmallVector<NVVM::WgmmaWaitGroupSyncOp> waits;
  body->walk([&](NVVM::WgmmaWaitGroupSyncOp wait) { waits.push_back(wait); });
  if (!waits.empty()) {
    for (NVVM::WgmmaWaitGroupSyncOp wait : waits)
      wait.erase();
    b.setInsertionPoint(barrier);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    b.setInsertionPointAfter(loop);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  }
  // The contraction reads the step's buffers.
  for (auto [x, cur] : current)
    x.replaceUsesWithIf(cur, [&](OpOperand &use) {
      return loop->isAncestor(use.getOwner()) &&
             use.getOwner() != cur.getDefiningOp() &&
             use.getOwner() != next[x].getDefiningOp();
    });
}

/// A tile copy between a 2-D view and a tile buffer by the reference
/// lowering's copy nest (copyNest) of two loops: element (i, j) of
/// `buffer` (`rows` x `cols`) and element (rowBase + i, colBase + j) of
/// `view`, under a guard that is a conjunction of `ult` checks of those two
/// indices against the view's sizes and of conditions computed outside the
/// nest (`invariant`). A load gives `pad` (from outside the nest) where the
/// guard fails. A null base is 0; a base and the invariant conditions may
/// be computed in the nest, from values outside it.
struct ViewCopy {
  scf::ForOp outer;
  Value view, buffer, rowBase, colBase, pad;
  SmallVector<Value> invariant;
  int64_t rows = 0, cols = 0;
};

std::optional<ViewCopy> viewCopy(ElementNest &nest, bool intoView) {
  std::optional<CopyNest> copy = copyNest(nest);
  if (!copy || copy->intoView != intoView || nest.loops.size() != 2 ||
      cast<MemRefType>(copy->view().getType()).getRank() != 2)
    return std::nullopt;
  scf::ForOp outer = nest.loops[0];
  Value i = outer.getInductionVar(), j = nest.loops[1].getInductionVar();
  ValueRange at = copy->bufferIndices(), in = copy->viewIndices();
  if (at[0] != i || at[1] != j)
    return std::nullopt;
  ViewCopy vc;
  vc.outer = outer;
  vc.view = copy->view();
  vc.buffer = copy->buffer();
  vc.rows = nest.trips[0];
  vc.cols = nest.trips[1];
  // Whether `v` depends on the nest's variables (it is computed in the
  // innermost body, from them or not).
  DenseMap<Value, bool> memo;
  std::function<bool(Value)> inside = [&](Value v) -> bool {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return outer->isAncestor(arg.getOwner()->getParentOp());
    Operation *def = v.getDefiningOp();
    if (!outer->isAncestor(def))
      return false;
    auto [it, inserted] = memo.try_emplace(v, true);
    if (!inserted)
      return it->second;
    bool result =
        def->getNumRegions() != 0 || llvm::any_of(def->getOperands(), inside);
    memo[v] = result;
    return result;
  };
  if (inside(vc.view))
    return std::nullopt;
  // `index` is `iv` plus a base from outside the nest, or `iv`.
  auto baseOf = [&](Value index, Value iv, Value &base) {
    if (index == iv)
      return true;
    auto add = index.getDefiningOp<arith::AddIOp>();
    if (!add || (add.getLhs() != iv && add.getRhs() != iv))
      return false;
    base = add.getLhs() == iv ? add.getRhs() : add.getLhs();
    return !inside(base);
  };
  if (!baseOf(in[0], i, vc.rowBase) || !baseOf(in[1], j, vc.colBase))
    return std::nullopt;
  if (!copy->guard)
    return vc;
  if (!intoView)
    vc.pad = copy->guard.elseBlock()->getTerminator()->getOperand(0);
  bool ok = true, rowChecked = false, colChecked = false;
  std::function<void(Value)> leaves = [&](Value c) {
    if (!inside(c)) {
      vc.invariant.push_back(c);
      return;
    }
    if (auto both = c.getDefiningOp<arith::AndIOp>()) {
      leaves(both.getLhs());
      leaves(both.getRhs());
      return;
    }
    auto cmp = c.getDefiningOp<arith::CmpIOp>();
    auto dim = cmp ? cmp.getRhs().getDefiningOp<memref::DimOp>() : nullptr;
    std::optional<int64_t> d = dim ? dim.getConstantIndex() : std::nullopt;
    if (!cmp || cmp.getPredicate() != arith::CmpIPredicate::ult || !d ||
        dim.getSource() != vc.view)
      ok = false;
    else if (*d == 0 && cmp.getLhs() == in[0])
      rowChecked = true;
    else if (*d == 1 && cmp.getLhs() == in[1])
      colChecked = true;
    else
      ok = false;
  };
  leaves(copy->guard.getCondition());
  if (!ok || !rowChecked || !colChecked)
    return std::nullopt;
  return vc;
}

/// A tile load TMA can make (see the pass's description): a ViewCopy into
/// a buffer, padded with +0, from an argument of the kernel (bf16 or f16).
/// The tensor memory accelerator reads zeros outside the view, so the copy
/// is its box wherever the invariant conditions hold, and a box wholly
/// outside the view where they do not.
using TmaLoad = ViewCopy;

std::optional<TmaLoad> tmaLoad(ElementNest &nest) {
  std::optional<ViewCopy> load = viewCopy(nest, /*intoView=*/false);
  auto view = load ? dyn_cast<BlockArgument>(load->view) : BlockArgument();
  if (!view || !isa<gpu::GPUFuncOp>(view.getOwner()->getParentOp()) ||
      (load->pad && !matchPattern(load->pad, m_PosZeroFloat())))
    return std::nullopt;
  Type e = cast<MemRefType>(view.getType()).getElementType();
  if (!e.isBF16() && !e.isF16())
    return std::nullopt;
  return load;
}

/// A wgmma contraction whose tiles TMA loads: the copy nests of its A and
/// B, their swizzle spans (bytes: 128, 64 or 32, a row of the swizzled
/// layout and a box's width; 0: 16-byte boxes into the plain core-matrix
/// layout), A's bytes in a stage and a stage's (both multiples of 1024,
/// where every swizzle pattern repeats), the ring's stages and its buffer.
struct TmaPlan {
  TmaLoad a, b;
  int64_t spanA = 0, spanB = 0, aBytes = 0, stageBytes = 0;
  int64_t stages = 0;
  Operation *ring = nullptr;
};

/// Stages of a TMA ring at most; bytes the ring adds to its stages (for
/// aligning them to 1024 bytes, and the mbarriers).
constexpr int64_t kMaxTmaStages = 4;
int64_t tmaRingExtra(int64_t stages) { return 1024 + 8 * stages; }

/// Whether `v`, computed in `loop` (at any depth), can be computed for any
/// step from the induction variable alone: a value from outside the loop,
/// the induction variable, or a pure op without regions on such values.
bool computableForStep(Value v, scf::ForOp loop) {
  if (auto arg = dyn_cast<BlockArgument>(v))
    return arg == loop.getInductionVar() ||
           !loop->isAncestor(arg.getOwner()->getParentOp());
  Operation *def = v.getDefiningOp();
  if (!loop->isAncestor(def))
    return true;
  return isPure(def) && def->getNumRegions() == 0 &&
         llvm::all_of(def->getOperands(),
                      [&](Value o) { return computableForStep(o, loop); });
}

/// Clones at `b` what `v` needs of the ops inside `scope` (pure, on values
/// from outside it, or on what `map` maps: a loop's induction variable to
/// the step's value, computableForStep), with `map`.
Value cloneOutOf(OpBuilder &b, Value v, Operation *scope, IRMapping &map) {
  if (Value m = map.lookupOrNull(v))
    return m;
  Operation *def = v.getDefiningOp();
  if (!def || !scope->isAncestor(def))
    return v;
  for (Value operand : def->getOperands())
    cloneOutOf(b, operand, scope, map);
  return b.clone(*def, map)->getResult(cast<OpResult>(v).getResultNumber());
}

/// The TMA plan of the contraction `nest` (a wgmma one on bf16 or f16 whose
/// accumulators a loop around it carries), or none: its A and B tiles
/// TmaLoad copies in that loop's body, used by nothing else, at positions
/// computableForStep, and room in `limit` bytes of shared memory for a ring
/// of at least 2 stages: in the arena without the tiles' buffers and those
/// of `removed` (which other rewrites erase), the ring added (then reserved
/// in `plan` after its arena, so that later growth there stays within the
/// limit too; the arena is placed anew once every rewrite is done).
std::optional<TmaPlan> planTma(gpu::GPUFuncOp fn, ElementNest &nest,
                               const MmaDot &dot, Plan &plan, int64_t limit,
                               const DenseSet<Operation *> &removed,
                               bool swizzle) {
  scf::ForOp loop = accumulatorLoop(nest, dot, /*warps=*/0);
  if (!loop || dot.int8 || dot.rhsTransposed)
    return std::nullopt;
  TmaPlan tp;
  bool haveA = false, haveB = false;
  for (ElementNest &other : plan.nests) {
    if (other.loops.front()->getBlock() != loop.getBody())
      continue;
    std::optional<TmaLoad> load = tmaLoad(other);
    if (load && load->buffer == dot.lhs && !haveA)
      tp.a = *load, haveA = true;
    else if (load && load->buffer == dot.rhs && !haveB)
      tp.b = *load, haveB = true;
  }
  if (!haveA || !haveB)
    return std::nullopt;
  // The body is the two copies, the contraction, pure ops and the tiles'
  // buffers (with the stack's save and restore around them): the rewrite
  // replaces its synchronization with the ring's.
  for (Operation &op : loop.getBody()->without_terminator())
    if (&op != tp.a.outer && &op != tp.b.outer && &op != nest.loops[0] &&
        !(isPure(&op) && op.getNumRegions() == 0) &&
        !isa<LLVM::StackSaveOp, LLVM::StackRestoreOp>(op) &&
        !llvm::is_contained({tp.a.buffer, tp.b.buffer},
                            op.getNumResults() ? op.getResult(0) : Value()))
      return std::nullopt;
  for (TmaLoad *load : {&tp.a, &tp.b}) {
    // Boxes of at most 256 rows and 16 bytes, 128-byte aligned.
    if (load->rows > 256 || load->rows % 8 || load->cols % 8)
      return std::nullopt;
    for (Operation *user : load->buffer.getUsers())
      if (!load->outer->isAncestor(user) && !nest.loops[0]->isAncestor(user))
        return std::nullopt;
    SmallVector<Value> used = load->invariant;
    for (Value base : {load->rowBase, load->colBase})
      if (base)
        used.push_back(base);
    for (Value v : used)
      if (!computableForStep(v, loop))
        return std::nullopt;
  }
  // A's rows run along K, B's along N (N-major). A piece of B starts at a
  // multiple of the split's columns: within one row of the pattern, or at
  // its start.
  if (swizzle) {
    tp.spanA = swizzleSpan(tp.a.cols * 2);
    tp.spanB = swizzleSpan(tp.b.cols * 2);
    int64_t piece = wgmmaSplit(dot)->n * 2;
    if (tp.spanB && piece % tp.spanB && tp.spanB % piece)
      tp.spanB = 0;
  }
  tp.aBytes = llvm::alignTo(tp.a.rows * tp.a.cols * 2, 1024);
  tp.stageBytes = llvm::alignTo(tp.aBytes + tp.b.rows * tp.b.cols * 2, 1024);
  int64_t stageBytes = tp.stageBytes;
  DenseSet<Operation *> skip = removed;
  skip.insert(tp.a.buffer.getDefiningOp());
  skip.insert(tp.b.buffer.getDefiningOp());
  int64_t left = limit - llvm::alignTo(arenaWithout(fn, skip), 16);
  for (tp.stages = kMaxTmaStages; tp.stages >= 2; --tp.stages)
    if (tp.stages * stageBytes + tmaRingExtra(tp.stages) <= left)
      break;
  if (tp.stages < 2)
    return std::nullopt;
  int64_t ringBytes = tp.stages * stageBytes + tmaRingExtra(tp.stages);
  OpBuilder b(loop);
  tp.ring = memref::AllocaOp::create(
      b, loop.getLoc(), MemRefType::get({ringBytes}, b.getI8Type()));
  int64_t offset = llvm::alignTo(plan.arenaBytes, 16);
  plan.offsets[tp.ring] = offset;
  plan.arenaBytes = offset + ringBytes;
  return tp;
}

/// The kernel argument holding the tensor map of `load`'s view in boxes of
/// `span` bytes (16 without swizzle) x its rows: an `!llvm.ptr` to a
/// CUtensorMap passed by value, listed in `fn`'s kTensorMapsAttr; added
/// (with a null pointer for it in each launch) where `fn` has none yet.
Value tensorMapArgument(ModuleOp module, gpu::GPUFuncOp fn, const TmaLoad &load,
                        int64_t span) {
  MLIRContext *ctx = fn.getContext();
  bool bf16 = cast<MemRefType>(load.view.getType()).getElementType().isBF16();
  // CUtensorMapDataType: CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 or FLOAT16;
  // CUtensorMapSwizzle: NONE, 32B, 64B or 128B.
  SmallVector<int64_t> entry = {0,
                                cast<BlockArgument>(load.view).getArgNumber(),
                                load.rows,
                                span ? span / 2 : 8,
                                bf16 ? 9 : 6,
                                2,
                                span == 128  ? 3
                                : span == 64 ? 2
                                : span == 32 ? 1
                                             : 0};
  SmallVector<Attribute> maps;
  if (auto list = fn->getAttrOfType<ArrayAttr>(nlc::nvptx::kTensorMapsAttr))
    maps.assign(list.begin(), list.end());
  for (Attribute a : maps) {
    ArrayRef<int64_t> m = cast<DenseI64ArrayAttr>(a).asArrayRef();
    if (ArrayRef<int64_t>(m).drop_front() ==
        ArrayRef<int64_t>(entry).drop_front())
      return fn.getArgument(m[0]);
  }
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  unsigned index = fn.getNumArguments();
  LogicalResult inserted =
      fn.insertArgument(index, ptr, DictionaryAttr::get(ctx, {}), fn.getLoc());
  assert(succeeded(inserted) && "a gpu.func takes one more argument");
  (void)inserted;
  entry[0] = index;
  maps.push_back(DenseI64ArrayAttr::get(ctx, entry));
  fn->setAttr(nlc::nvptx::kTensorMapsAttr, ArrayAttr::get(ctx, maps));
  for (gpu::LaunchFuncOp launch : launchesOf(module, fn)) {
    OpBuilder b(launch);
    launch.getKernelOperandsMutable().append(
        LLVM::ZeroOp::create(b, launch.getLoc(), ptr).getResult());
  }
  return fn.getArgument(index);
}

/// Rewrites `loop`, the K loop wgmmaNest made of the contraction `tp`
/// planned, to load its tiles with TMA into `tp`'s ring (see the pass's
/// description): the copy nests go, and so do the body's proxy fence and
/// barriers; the chains' descriptors take the step's stage and their wait
/// leaves the step's group in flight, the step's one barrier and next
/// copies after it. The tile buffers, then unused, go too (and out of
/// `chunked`).
void tmaKLoop(ModuleOp module, gpu::GPUFuncOp fn, scf::ForOp loop, TmaPlan &tp,
              Value tid, Plan &plan, DenseSet<Value> &chunked) {
  MLIRContext *ctx = fn.getContext();
  Location loc = loop.getLoc();
  Block *body = loop.getBody();
  Type i64 = IntegerType::get(ctx, 64), i32 = IntegerType::get(ctx, 32);
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  Value mapA = tensorMapArgument(module, fn, tp.a, tp.spanA);
  Value mapB = tensorMapArgument(module, fn, tp.b, tp.spanB);
  int64_t aBytes = tp.aBytes, stageBytes = tp.stageBytes, stages = tp.stages;
  int64_t copyBytes = (tp.a.rows * tp.a.cols + tp.b.rows * tp.b.cols) * 2;
  OpBuilder b(loop);
  auto c = [&](int64_t v) { return indexConst(b, loc, v); };
  auto c64 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 64).getResult();
  };
  auto add64 = [&](Value x, Value y) {
    return arith::AddIOp::create(b, loc, x, y).getResult();
  };
  auto toI64 = [&](Value index) {
    return arith::IndexCastOp::create(b, loc, i64, index).getResult();
  };
  auto toI32 = [&](Value index) {
    return arith::IndexCastOp::create(b, loc, i32, index).getResult();
  };
  // The ring's first stage on 1024 bytes (generic addresses: the shared
  // window is aligned further), its mbarriers after the stages.
  Value at = toI64(memref::ExtractAlignedPointerAsIndexOp::create(
      b, loc, tp.ring->getResult(0)));
  Value base = arith::AndIOp::create(b, loc, add64(at, c64(1023)), c64(-1024));
  auto stageA = [&](Value stage) {
    return add64(base, arith::MulIOp::create(b, loc, stage, c64(stageBytes)));
  };
  auto stageB = [&](Value stage) { return add64(stageA(stage), c64(aBytes)); };
  auto mbarrier = [&](Value stage) {
    return add64(add64(base, c64(stages * stageBytes)),
                 arith::MulIOp::create(b, loc, stage, c64(8)));
  };
  auto shared = [&](Value generic) {
    return LLVM::AddrSpaceCastOp::create(
        b, loc, LLVM::LLVMPointerType::get(ctx, 3),
        LLVM::IntToPtrOp::create(b, loc, ptr, generic));
  };
  // Only thread 0 runs `then`.
  auto byThreadZero = [&](function_ref<void()> then) {
    auto ifOp = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, c(0)),
        /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    then();
  };
  Value iv = loop.getInductionVar(), lb = loop.getLowerBound(),
        ub = loop.getUpperBound(), step = loop.getStep();
  Value trips = arith::SelectOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, ub, lb),
      arith::CeilDivUIOp::create(b, loc, arith::SubIOp::create(b, loc, ub, lb),
                                 step),
      c(0));
  // Step `u`'s tiles into stage u % stages, where u < trips.
  auto issue = [&](Value u) {
    auto more = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, u, trips),
        /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(more.thenBlock()->getTerminator());
    IRMapping map;
    map.map(iv, arith::AddIOp::create(b, loc, lb,
                                      arith::MulIOp::create(b, loc, u, step))
                    .getResult());
    Value stage = toI64(arith::RemUIOp::create(b, loc, u, c(stages)));
    Value bar = shared(mbarrier(stage));
    NVVM::MBarrierArriveExpectTxOp::create(
        b, loc, Type(), bar,
        arith::ConstantIntOp::create(b, loc, copyBytes, 32),
        NVVM::MemScopeKind::CTA, /*relaxed=*/false, Value());
    for (auto [load, tensorMap, dst, span] :
         {std::tuple(&tp.a, mapA, stageA(stage), tp.spanA),
          std::tuple(&tp.b, mapB, stageB(stage), tp.spanB)}) {
      Value row =
          load->rowBase ? cloneOutOf(b, load->rowBase, loop, map) : c(0);
      Value col =
          load->colBase ? cloneOutOf(b, load->colBase, loop, map) : c(0);
      // Where an invariant condition fails, or the box starts past the
      // view's last row or column, a box there: zeros. (The coordinates
      // are then at most the view's sizes, which the runtime keeps below
      // 2^31: 32 bits hold them.)
      Value rows = memref::DimOp::create(b, loc, load->view, 0);
      Value cols = memref::DimOp::create(b, loc, load->view, 1);
      Value ok =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, rows);
      for (Value cond : load->invariant)
        ok = arith::AndIOp::create(b, loc, ok, cloneOutOf(b, cond, loop, map));
      Value r32 = toI32(arith::SelectOp::create(b, loc, ok, row, rows));
      Value c32 = toI32(arith::MinUIOp::create(b, loc, col, cols));
      // One box per `width` bytes of a row: 16, or the swizzle's span.
      int64_t width = span ? span : 16;
      for (int64_t chunk = 0; chunk < load->cols * 2 / width; ++chunk) {
        Value to = LLVM::AddrSpaceCastOp::create(
            b, loc, LLVM::LLVMPointerType::get(ctx, 7),
            shared(add64(dst, c64(chunk * load->rows * width))));
        Value x = arith::AddIOp::create(
            b, loc, c32,
            arith::ConstantIntOp::create(b, loc, width / 2 * chunk, 32));
        NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
            b, loc, to, tensorMap, ValueRange{x, r32}, bar, ValueRange{},
            Value(), Value(), NVVM::TMALoadMode::TILE, /*isCTAOnly=*/false,
            NVVM::CTAGroupKindAttr(), Value());
      }
    }
  };

  // Before the loop: the mbarriers (one arrival a phase: thread 0's
  // expect-tx), made visible to the async proxy, whose copies complete on
  // them (as the CUDA programming guide's TMA example does:
  // fence.proxy.async after the init), then the first stages but one.
  byThreadZero([&]() {
    for (int64_t s = 0; s < stages; ++s)
      NVVM::MBarrierInitOp::create(b, loc, shared(mbarrier(c64(s))),
                                   arith::ConstantIntOp::create(b, loc, 1, 32),
                                   Value());
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
  });
  gpu::BarrierOp::create(b, loc);
  byThreadZero([&]() {
    for (int64_t u = 0; u + 1 < stages; ++u)
      issue(c(u));
  });

  // The body: no fence or barrier of its own (nor copies, below, once the
  // next steps' positions are computed from them).
  for (Operation &op : llvm::make_early_inc_range(body->getOperations()))
    if (isa<gpu::BarrierOp, NVVM::FenceProxyOp>(op))
      op.erase();
  b.setInsertionPointToStart(body);
  Value t = arith::DivUIOp::create(b, loc,
                                   arith::SubIOp::create(b, loc, iv, lb), step);
  Value stage = toI64(arith::RemUIOp::create(b, loc, t, c(stages)));
  Value phase = toI32(arith::RemUIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, t, c(stages)), c(2)));
  NVVM::MBarrierTryWaitParityOp::create(
      b, loc, shared(mbarrier(stage)), phase,
      arith::ConstantIntOp::create(b, loc, 10000000, 32));
  Value aAt =
      arith::IndexCastOp::create(b, loc, b.getIndexType(), stageA(stage));
  Value bAt =
      arith::IndexCastOp::create(b, loc, b.getIndexType(), stageB(stage));
  body->walk([&](memref::ExtractAlignedPointerAsIndexOp op) {
    if (op.getSource() == tp.a.buffer)
      op.replaceAllUsesWith(aAt);
    else if (op.getSource() == tp.b.buffer)
      op.replaceAllUsesWith(bAt);
  });

  // The step's wgmma group stays in flight while the next step begins:
  // waiting for all but one retires the last step's, after which (every
  // thread past it: the barrier) its stage is free for the step `stages -
  // 1` ahead.
  SmallVector<NVVM::WgmmaWaitGroupSyncOp> waits;
  body->walk([&](NVVM::WgmmaWaitGroupSyncOp wait) { waits.push_back(wait); });
  for (NVVM::WgmmaWaitGroupSyncOp wait : waits) {
    OpBuilder w(wait);
    NVVM::WgmmaWaitGroupSyncOp::create(w, wait.getLoc(), 1);
    wait.erase();
  }
  b.setInsertionPoint(body->getTerminator());
  gpu::BarrierOp::create(b, loc);
  byThreadZero(
      [&]() { issue(arith::AddIOp::create(b, loc, t, c(stages - 1))); });

  tp.a.outer.erase();
  tp.b.outer.erase();

  // After it: the last group retired, every thread past its last wait,
  // then the mbarriers go.
  b.setInsertionPointAfter(loop);
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  gpu::BarrierOp::create(b, loc);
  byThreadZero([&]() {
    for (int64_t s = 0; s < stages; ++s)
      NVVM::MBarrierInvalOp::create(b, loc, shared(mbarrier(c64(s))));
  });
  for (Value buffer : {tp.a.buffer, tp.b.buffer}) {
    Operation *def = buffer.getDefiningOp();
    for (Operation *user : llvm::make_early_inc_range(def->getUsers()))
      if (isa<memref::ExtractAlignedPointerAsIndexOp>(user) &&
          user->use_empty())
        user->erase();
    chunked.erase(buffer);
    if (def->use_empty()) {
      plan.offsets.erase(def);
      def->erase();
    }
  }
}

/// The value a fill nest of `buffer` stores in every element: a nest of two
/// loops over the buffer's shape whose body stores, at (i, j), one value
/// from outside the nest or a constant, with pure ops besides.
std::optional<Value> fillValue(ElementNest &nest, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (nest.loops.size() != 2 || type.getRank() != 2 ||
      nest.trips[0] != type.getDimSize(0) ||
      nest.trips[1] != type.getDimSize(1))
    return std::nullopt;
  memref::StoreOp store;
  for (Operation &op : nest.loops[1].getBody()->without_terminator()) {
    auto st = dyn_cast<memref::StoreOp>(op);
    if ((st && store) || (!st && !isPure(&op)))
      return std::nullopt;
    if (st)
      store = st;
  }
  if (!store || store.getMemRef() != buffer ||
      store.getIndices()[0] != nest.loops[0].getInductionVar() ||
      store.getIndices()[1] != nest.loops[1].getInductionVar())
    return std::nullopt;
  Value v = store.getValueToStore();
  Operation *def = v.getDefiningOp();
  bool outside = def ? !nest.loops[0]->isAncestor(def)
                     : !nest.loops[0]->isAncestor(
                           cast<BlockArgument>(v).getOwner()->getParentOp());
  if (!outside && !matchPattern(v, m_Constant()))
    return std::nullopt;
  return v;
}

/// A contraction whose accumulators a K loop carries in registers and whose
/// result buffer `out` only holds them: filled with `init` before the loop
/// (`fill`) or loaded from a view (`load`, a ViewCopy: then `fill` is its
/// nest), stored into a view after it (`store`, a ViewCopy), carried
/// through the loop unread at most. Its accumulators can start as `init`
/// (or the view's elements) and end in the view directly, and `out` go.
struct DirectEpilogue {
  Value out, init;
  scf::ForOp fill;
  std::optional<ViewCopy> load;
  ViewCopy store;
};

std::optional<DirectEpilogue> planEpilogue(ElementNest &nest, const MmaDot &dot,
                                           Plan &plan, int64_t warps) {
  scf::ForOp loop = accumulatorLoop(nest, dot, warps);
  if (!loop || !isTileBuffer(dot.out.getDefiningOp()))
    return std::nullopt;
  Block *block = loop->getBlock();
  DirectEpilogue e;
  e.out = dot.out;
  bool haveFill = false, haveStore = false;
  for (ElementNest &other : plan.nests) {
    Operation *at = other.loops.front();
    if (at->getBlock() != block)
      continue;
    if (!haveFill && at->isBeforeInBlock(loop)) {
      if (std::optional<Value> v = fillValue(other, dot.out)) {
        e.fill = other.loops.front();
        e.init = *v;
        haveFill = true;
        continue;
      }
      if (std::optional<ViewCopy> vc = viewCopy(other, /*intoView=*/false);
          vc && vc->buffer == dot.out && vc->rows == dot.m &&
          vc->cols == dot.n) {
        e.fill = other.loops.front();
        e.load = *vc;
        haveFill = true;
        continue;
      }
    }
    if (!haveStore && loop->isBeforeInBlock(at))
      if (std::optional<ViewCopy> vc = viewCopy(other, /*intoView=*/true);
          vc && vc->buffer == dot.out) {
        e.store = *vc;
        haveStore = true;
      }
  }
  if (!haveFill || !haveStore)
    return std::nullopt;
  for (OpOperand &use : dot.out.getUses()) {
    Operation *user = use.getOwner();
    if (e.fill->isAncestor(user) || e.store.outer->isAncestor(user) ||
        nest.loops[0]->isAncestor(user) ||
        (user == loop.getOperation() && carriedUnread(loop, use)))
      continue;
    return std::nullopt;
  }
  // The copies' bases and conditions can be computed outside them (pure
  // ops on values from outside them).
  auto computableOutOf = [](const ViewCopy &vc) {
    std::function<bool(Value)> computable = [&](Value v) {
      if (auto arg = dyn_cast<BlockArgument>(v))
        return !vc.outer->isAncestor(arg.getOwner()->getParentOp());
      Operation *def = v.getDefiningOp();
      return !vc.outer->isAncestor(def) ||
             (isPure(def) && def->getNumRegions() == 0 &&
              llvm::all_of(def->getOperands(), computable));
    };
    SmallVector<Value> used = vc.invariant;
    for (Value base : {vc.rowBase, vc.colBase})
      if (base)
        used.push_back(base);
    return llvm::all_of(used, computable);
  };
  if (!computableOutOf(e.store) || (e.load && !computableOutOf(*e.load)))
    return std::nullopt;
  // A load moves to just before the loop: nothing between may write other
  // memory than tile buffers.
  if (e.load)
    for (Operation *op = e.fill->getNextNode(); op != loop.getOperation();
         op = op->getNextNode()) {
      Footprint f;
      f.add(op);
      if (f.unknown || f.otherWrites)
        return std::nullopt;
    }
  return e;
}

/// The element (row, col) of `vc`'s tile in its view, at `b`: its position
/// there and whether the copy's guard holds for it (inside the view, and
/// the copy's invariant conditions), computed from the copy nest's values
/// (with `map`).
std::pair<std::pair<Value, Value>, Value> elementOf(OpBuilder &b, Location loc,
                                                    const ViewCopy &vc,
                                                    Value row, Value col,
                                                    IRMapping &map) {
  if (vc.rowBase)
    row = arith::AddIOp::create(b, loc,
                                cloneOutOf(b, vc.rowBase, vc.outer, map), row);
  if (vc.colBase)
    col = arith::AddIOp::create(b, loc,
                                cloneOutOf(b, vc.colBase, vc.outer, map), col);
  Value ok = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                            memref::DimOp::create(b, loc, vc.view, 0)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                            memref::DimOp::create(b, loc, vc.view, 1)));
  for (Value cond : vc.invariant)
    ok = arith::AndIOp::create(b, loc, ok, cloneOutOf(b, cond, vc.outer, map));
  return {{row, col}, ok};
}

/// `loop` without its iteration argument `k`, which carriedUnread says it
/// carries unread: a new loop with the same body.
scf::ForOp dropIterArg(scf::ForOp loop, unsigned k) {
  OpBuilder b(loop);
  SmallVector<Value> inits(loop.getInitArgs());
  inits.erase(inits.begin() + k);
  auto next = scf::ForOp::create(b, loop.getLoc(), loop.getLowerBound(),
                                 loop.getUpperBound(), loop.getStep(), inits);
  next->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
  Block *body = next.getBody();
  while (!body->empty())
    body->back().erase();
  body->getOperations().splice(body->end(), loop.getBody()->getOperations());
  cast<scf::YieldOp>(body->getTerminator())->eraseOperand(k);
  loop.getInductionVar().replaceAllUsesWith(next.getInductionVar());
  for (unsigned i = 0, j = 0; i < loop.getNumRegionIterArgs(); ++i) {
    if (i == k)
      continue;
    loop.getRegionIterArg(i).replaceAllUsesWith(next.getRegionIterArg(j));
    loop.getResult(i).replaceAllUsesWith(next.getResult(j));
    ++j;
  }
  loop.erase();
  return next;
}

/// Rewrites the epilogue `e` of the contraction whose accumulators `loop`
/// carries (mmaNest, wgmmaNest): their loads from `out` before the loop
/// become `init`; their stores into `out` after it, moved to the store
/// nest's place, become stores into its view where its guard holds (the
/// element's position in the view inside the view's sizes, and its
/// invariant conditions); the fill and store nests go, the loop no longer
/// carries `out`, and `out` goes. Returns the loop.
scf::ForOp directEpilogue(DirectEpilogue &e, scf::ForOp loop, Plan &plan) {
  Operation *storeNest = e.store.outer;
  Block *block = loop->getBlock();
  SmallVector<memref::LoadOp> loads;
  SmallVector<memref::StoreOp> stores;
  for (Operation *user : e.out.getUsers()) {
    if (e.fill->isAncestor(user) || storeNest->isAncestor(user) ||
        user == loop.getOperation())
      continue;
    if (auto load = dyn_cast<memref::LoadOp>(user))
      loads.push_back(load);
    else
      stores.push_back(cast<memref::StoreOp>(user));
  }
  for (memref::LoadOp load : loads) {
    OpBuilder b(load);
    Location loc = load.getLoc();
    Value init = e.init;
    if (e.load) {
      // The view's element where the load's guard holds, else its pad.
      IRMapping map;
      auto [at, ok] = elementOf(b, loc, *e.load, load.getIndices()[0],
                                load.getIndices()[1], map);
      Type type = load.getType();
      auto inside = scf::IfOp::create(b, loc, TypeRange{type}, ok,
                                      /*withElseRegion=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(inside.thenBlock());
      scf::YieldOp::create(
          b, loc,
          memref::LoadOp::create(b, loc, e.load->view,
                                 ValueRange{at.first, at.second})
              .getResult());
      b.setInsertionPointToStart(inside.elseBlock());
      Value pad = e.load->pad
                      ? e.load->pad
                      : arith::ConstantOp::create(b, loc, b.getZeroAttr(type))
                            .getResult();
      scf::YieldOp::create(b, loc, pad);
      init = inside.getResult(0);
    } else if (Operation *def = init.getDefiningOp();
               def && e.fill->isAncestor(def)) {
      init = b.clone(*def)->getResult(0);
    }
    load.getResult().replaceAllUsesWith(init);
    load.erase();
  }
  SmallVector<Operation *> tops;
  for (memref::StoreOp store : stores)
    if (Operation *top = block->findAncestorOpInBlock(*store);
        !llvm::is_contained(tops, top))
      tops.push_back(top);
  llvm::sort(tops,
             [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); });
  for (Operation *top : tops)
    top->moveBefore(storeNest);
  for (memref::StoreOp store : stores) {
    OpBuilder b(store);
    Location loc = store.getLoc();
    IRMapping map;
    auto [at, ok] = elementOf(b, loc, e.store, store.getIndices()[0],
                              store.getIndices()[1], map);
    auto inside = scf::IfOp::create(b, loc, ok, /*withElseRegion=*/false);
    b.setInsertionPoint(inside.thenBlock()->getTerminator());
    memref::StoreOp::create(b, loc, store.getValueToStore(), e.store.view,
                            ValueRange{at.first, at.second});
    store.erase();
  }
  storeNest->erase();
  e.fill->erase();
  for (OpOperand &use : e.out.getUses())
    if (use.getOwner() == loop.getOperation()) {
      loop = dropIterArg(loop,
                         use.getOperandNumber() - loop.getNumControlOperands());
      break;
    }
  Operation *def = e.out.getDefiningOp();
  if (def->use_empty()) {
    plan.offsets.erase(def);
    def->erase();
  }
  return loop;
}

/// Drops the barriers no data race needs. In a block, a barrier between two
/// others whose ops before it (since the previous barrier) and after it
/// (up to the next) access no location that one writes and the other
/// reads or writes: the copies of a K step's A and B tiles, which write
/// different buffers and read only global memory; a tile copy and the
/// proxy fence after it. And the last barrier of a loop's body when the
/// body's first barrier comes before anything there touches memory (so
/// the next iteration starts with a barrier) and what follows the loop,
/// up to the next barrier, does not conflict with what the body does
/// after its next-to-last barrier: a K loop's closing barrier, which the
/// next step's opening one repeats. Which thread accesses what is not
/// known, so any location both access counts. Run while the tile buffers
/// are still their own values (before placeInArena).
void dropUnneededBarriers(gpu::GPUFuncOp fn) {
  SmallVector<Block *> blocks;
  fn.walk([&](Block *block) { blocks.push_back(block); });
  for (Block *block : blocks) {
    SmallVector<gpu::BarrierOp> barriers(block->getOps<gpu::BarrierOp>());
    if (barriers.size() < 2)
      continue;
    // `before`: since the last barrier kept.
    Footprint before = footprintBetween(barriers[0], barriers[1]);
    for (size_t i = 1; i + 1 < barriers.size(); ++i) {
      Footprint after = footprintBetween(barriers[i], barriers[i + 1]);
      if (before.conflicts(after)) {
        before = std::move(after);
        continue;
      }
      before.merge(after);
      barriers[i].erase();
    }
    gpu::BarrierOp last = barriers.back();
    auto loop = dyn_cast<scf::ForOp>(block->getParentOp());
    if (!loop)
      continue;
    auto quiet = [](Footprint f) {
      return !f.unknown && !f.touchesBuffers() && !f.otherReads &&
             !f.otherWrites && !f.proxyFence && !f.asyncReads;
    };
    Footprint head;
    for (Operation &op : *block) {
      if (&op == barriers.front())
        break;
      head.add(&op);
    }
    auto next = loop->getNextNode();
    while (next && !isa<gpu::BarrierOp>(next))
      next = next->getNextNode();
    if (!next || !quiet(head) ||
        !quiet(footprintBetween(last, block->getTerminator())))
      continue;
    Footprint exit = footprintBetween(loop, next);
    if (!before.conflicts(exit))
      last.erase();
  }
}

/// Drops each barrier that only memory-effect-free ops separate from the
/// barrier before it (one nest's closing barrier and the next one's
/// opening barrier).
void dropRepeatedBarriers(gpu::GPUFuncOp fn) {
  SmallVector<gpu::BarrierOp> repeated;
  fn.walk([&](gpu::BarrierOp barrier) {
    for (Operation *op = barrier->getPrevNode(); op; op = op->getPrevNode()) {
      if (isa<gpu::BarrierOp>(op)) {
        repeated.push_back(barrier);
        return;
      }
      if (!isPure(op))
        return;
    }
  });
  for (gpu::BarrierOp barrier : repeated)
    barrier.erase();
}

struct GPUDistributeTiles
    : nlc::nvptx::impl::GPUDistributeTilesBase<GPUDistributeTiles> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<nlc::TargetInfo> target = nlc::getModuleTarget(module);
    StringRef chip = target ? StringRef(target->cpu) : "";
    int64_t limit = sharedBytes > 0 ? sharedBytes : sharedBytesOf(chip);
    // mma.sync m16n8k16 on bf16 and m16n8k32 on i8: sm_80 and later.
    bool mmaOk = useMma && smVersion(chip) >= 80;
    // wgmma: sm_90a alone (the architecture-specific features of sm_90).
    bool wgmmaOk = mmaOk && useWgmma && chip == "sm_90a";
    module.walk([&](gpu::GPUFuncOp fn) {
      if (!fn.isKernel())
        return;
      markWrittenViews(module, fn);
      elideTileCopies(fn);
      DenseSet<Value> chunked;
      DenseSet<Value> transposed =
          mmaOk ? layOutMmaOperands(fn, wgmmaOk, chunked) : DenseSet<Value>();
      std::optional<Plan> plan = planKernel(
          fn, limit,
          std::max<int64_t>(threads,
                            mmaOk ? mmaThreads(fn, transposed, chunked) : 0));
      if (!plan)
        return;
      int64_t block = plan->block;
      OpBuilder b(fn.getBody());
      Value tid = gpu::ThreadIdOp::create(b, fn.getLoc(), gpu::Dimension::x);
      // The tensor-core contractions whose accumulators go straight from
      // and to their registers (by their nest), and the wgmma ones whose
      // tiles TMA loads; the nests these rewrites replace (fills, copies),
      // which stay as they are until then, and the buffers they erase.
      DenseMap<Operation *, DirectEpilogue> epilogues;
      DenseMap<Operation *, TmaPlan> tmaPlans;
      DenseSet<Operation *> leftAlone, removed;
      if (mmaOk && epilogue)
        for (ElementNest &nest : plan->nests) {
          std::optional<MmaDot> dot = mmaDot(nest, transposed);
          if (!dot)
            continue;
          int64_t warps = chunked.contains(dot->lhs) ? 0 : block / 32;
          if (std::optional<DirectEpilogue> e =
                  planEpilogue(nest, *dot, *plan, warps)) {
            leftAlone.insert(e->fill);
            leftAlone.insert(e->store.outer);
            removed.insert(e->out.getDefiningOp());
            epilogues[nest.loops.front()] = *e;
          }
        }
      if (wgmmaOk && tma && !module->hasAttr(nlc::nvptx::kNoTmaAttr))
        for (ElementNest &nest : plan->nests) {
          std::optional<MmaDot> dot = mmaDot(nest, transposed);
          if (!dot || !chunked.contains(dot->lhs))
            continue;
          if (std::optional<TmaPlan> tp = planTma(
                  fn, nest, *dot, *plan, limit, removed,
                  swizzle && !module->hasAttr(nlc::nvptx::kNoSwizzleAttr))) {
            leftAlone.insert(tp->a.outer);
            leftAlone.insert(tp->b.outer);
            tmaPlans[nest.loops.front()] = *tp;
          }
        }
      // The K loops that carry tensor-core accumulators.
      SmallVector<scf::ForOp> kLoops;
      for (ElementNest &nest : plan->nests) {
        if (leftAlone.contains(nest.loops.front()))
          continue;
        std::optional<MmaDot> dot =
            mmaOk ? mmaDot(nest, transposed) : std::nullopt;
        // Lines reduced by warps where the nest has fewer lines than the
        // block has threads (a softmax's row max and sum).
        std::optional<LineReduction> line =
            warpReductions &&
                    parallelTrips(nest.trips, nest.parallel) < block
                ? lineReduction(nest)
                : std::nullopt;
        auto tp = tmaPlans.find(nest.loops.front());
        auto epilogue = epilogues.find(nest.loops.front());
        if (dot) {
          bool viaTma = tp != tmaPlans.end();
          scf::ForOp kLoop = chunked.contains(dot->lhs)
                                 ? wgmmaNest(nest, *dot, tid, block,
                                             viaTma ? tp->second.spanA : 0,
                                             viaTma ? tp->second.spanB : 0)
                                 : mmaNest(nest, *dot, tid, block, ldmatrix);
          if (epilogue != epilogues.end())
            kLoop = directEpilogue(epilogue->second, kLoop, *plan);
          if (tp != tmaPlans.end())
            tmaKLoop(module, fn, kLoop, tp->second, tid, *plan, chunked);
          else
            kLoops.push_back(kLoop);
        } else if (line)
          warpReduceNest(nest, *line, tid, block);
        else {
          // Tile loads and stores 16 bytes at a time where the innermost
          // loop's trips come in whole groups of 16 bytes.
          if (std::optional<CopyNest> copy = copyNest(nest)) {
            int64_t bytes = cast<MemRefType>(copy->view().getType())
                                .getElementTypeBitWidth() /
                            8;
            if (bytes >= 1 && bytes <= 16 &&
                nest.trips.back() % (16 / bytes) == 0)
              vectorizeCopyNest(nest, *copy, 16 / bytes);
          }
          spreadNest(nest, tid, block);
        }
      }
      for (memref::CopyOp copy : plan->copies)
        spreadCopy(copy, tid, block);
      chunkBuffers(chunked);
      if (prefetch)
        for (scf::ForOp loop : kLoops)
          if (loop)
            prefetchKLoop(loop, tid, *plan, limit, chunked);
      // A nest's closing barrier stays where the next one's opening one
      // repeats it; then the barriers no race needs go.
      dropRepeatedBarriers(fn);
      dropUnneededBarriers(fn);
      // The buffers left, placed anew: the rewrites erased some (TMA's
      // tiles, accumulators in registers throughout) and added some, with
      // room checked against offsets that were not the final ones.
      Plan placed;
      for (Block &block : fn.getBody())
        placeBuffers(block, 0, placed);
      if (placed.arenaBytes <= plan->arenaBytes) {
        plan->offsets = std::move(placed.offsets);
        plan->arenaBytes = placed.arenaBytes;
      }
      placeInArena(fn, *plan);
      dropRepeatedBarriers(fn);
      fn.setKnownBlockSizeAttr(
          b.getDenseI32ArrayAttr({static_cast<int32_t>(block), 1, 1}));
      // The dynamic shared memory follows the kernel's static shared
      // memory, which the arena's symbol itself counts as (a byte): 16
      // bytes more keep the arena's end inside the launch's allocation.
      setBlockSize(module, fn, block,
                   plan->arenaBytes > kStaticSharedBytes ? plan->arenaBytes + 16
                                                         : 0);
      // No stack buffer is left: the stack needs no restoring.
      if (!fn.walk([](memref::AllocaOp) {
               return WalkResult::interrupt();
             }).wasInterrupted()) {
        fn.walk([](LLVM::StackRestoreOp op) { op.erase(); });
        fn.walk([](LLVM::StackSaveOp op) { op.erase(); });
      }
    });
    // The marks are for this pass only.
    module.walk(
        [](scf::ForOp loop) { loop->removeAttr(nlc::cpu::kElementLoopsAttr); });
  }

  /// Launches of `fn` get `block` threads per block and `dynamicShared`
  /// bytes of dynamic shared memory.
  static void setBlockSize(ModuleOp module, gpu::GPUFuncOp fn, int64_t block,
                           int64_t dynamicShared) {
    for (gpu::LaunchFuncOp launch : launchesOf(module, fn)) {
      OpBuilder b(launch);
      Location loc = launch.getLoc();
      launch.getBlockSizeXMutable().assign(indexConst(b, loc, block));
      launch.getBlockSizeYMutable().assign(indexConst(b, loc, 1));
      launch.getBlockSizeZMutable().assign(indexConst(b, loc, 1));
      if (dynamicShared)
        launch.getDynamicSharedMemorySizeMutable().assign(
            arith::ConstantIntOp::create(b, loc, dynamicShared, 32));
    }
  }
};

} // namespace
