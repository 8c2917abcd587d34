//===- PackDotOperands.cpp - Pack dot operands once per launch ------------===//
//
// The `tile-pack-dot-operands` pass. A grid kernel's K loop loads a tile of
// A and a tile of B every step; on a plain matrix each load copies its tile
// (rows a long stride apart) into a contiguous buffer, and the instances
// along N (or M) copy the same tiles again. When a rank-2 view argument is
// only read, by `tile.load`s of one tile shape whose tiles feed `tile.dot`
// operands alone, this pass copies the view once per launch into a tensor
// of tiles (`[ceil(rows / TM), ceil(cols / TK), TM, TK]`, each tile's
// padding included), with a grid of copies that runs before the kernel,
// and the kernel reads tile `[ti, tj, 0, 0]` of that tensor instead: a
// contiguous tile a backend can read in place (docs/Kernels.md). A view
// read only as right operands keeps its tiles column of tiles by column of
// tiles in memory (through a transposed view of the same shape), so that
// a K loop's tiles of it follow each other like those of the left operand.
// With `pack-rhs-pairs`, such a view of bf16 tiles with an even number of
// rows stores each tile with its rows paired (tile.pair_rows, the layout
// of instructions that multiply pairs along K), and the packed kernel
// unpairs the tile it loads (tile.unpair_rows), which a backend may skip;
// `pack-rhs-quads` does the same with quads of rows for an i8 view
// (tile.pair_rows group 4, the layout of x86 `vpdpbusd`), and
// `bias-i8-lhs` stores an i8 left operand with -128 added to each byte (the
// unsigned bytes `vpdpbusd` multiplies), which the packed kernel adds back.
// `widen-f16` stores f16 views widened to f32 (exact), left operands
// included, where every f16 `dot` of the kernel reads both operands from
// such views; the packed kernel's `dot`s then multiply f32 tiles, which is
// the same fused multiply-adds in the same order (tile.dot converts its
// inputs to the accumulator type first).
//
// Values are unchanged bit for bit: a tile inside the view holds the same
// elements and the same padding (the load's own pad value) in both forms,
// and a tile index out of range reads padding in both (a leading index out
// of range of a rank-4 view reads padding, like a tile index).
//
// The launch becomes `scf.if (packing pays and no alias) { alloc, pack,
// launch the packed kernel, dealloc } else { the launch as it was }`. The
// allocations are marked `nlc.scratch`: the runtime keeps those blocks for
// the next launch (nl_scratch_take_at), so the packing writes pages that
// are already there.
// Packing pays from `min-elements` elements per packed view (every packed
// view must reach it), and when every packed view is f32 (i8, widened f16),
// from `min-f32-elements` (`min-i8-elements`, `min-widened-elements`) for
// one of them at least. i8 with
// B in quads and A biased at the launch (x86 with VNNI), on a Zen 4: 512^3
// ran 1.03-1.04x packed on one thread (best form; the other forms 1.1x),
// 1.00x on two; 256^3 1.00x on one thread and 0.92x on two (its 128 x 128
// grid has four instances), so i8 packs from 2^17 elements; "no alias"
// compares,
// at run time, the base pointer of each packed view with that of every other
// view argument the kernel may write (views of one allocation share it): a
// kernel that wrote the memory a packed view reads would see the old values.
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/Transforms/Passes.h"

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace nlc::tile {
#define GEN_PASS_DEF_TILEPACKDOTOPERANDS
#include "dialects/tile/Transforms/Passes.h.inc"
} // namespace nlc::tile

using namespace mlir;
namespace tl = nlc::tile;

namespace {

/// How one view argument of a kernel is read: the tile type of its loads and
/// their pad value (null for zero); `byColumns` when every load is a right
/// `dot` operand (its tiles are then stored column of tiles by column of
/// tiles, see rewriteLaunch).
struct PackPlan {
  unsigned arg;
  tl::TileType tile;
  Attribute pad;
  bool byColumns = true;
  /// False for a view that could be packed but is not (an f32 left
  /// operand without `pack-f32-lhs`): it still takes part in the launch's
  /// size check, as it did when it was packed.
  bool pack = true;
  /// Its tiles stored with their rows grouped by this many: 2
  /// (`pack-rhs-pairs`), 4 (`pack-rhs-quads`), or 1 (as they are).
  int64_t group = 1;
  /// Grouped tiles stored in blocks of this many columns (`pair-blocks`,
  /// tile.pair_rows block), or 0 (one block).
  int64_t block = 0;
  /// Stored with -128 added to each byte (`bias-i8-lhs`, an i8 left
  /// operand).
  bool biased = false;
  /// An f16 view stored widened to f32 (`widen-f16`).
  bool widen = false;
  /// For a right operand (not f32) whose `dot`s all take their left
  /// operand from loads of one rank-2 view argument, with tiles of
  /// `lhsTileRows` rows: that argument. Each tile of B is then read once
  /// per row tile of that view, and packing pays only when it has more
  /// than one (1.4-2.0x for bf16 at 1 x 4096 x 4096 on a Zen 5).
  std::optional<unsigned> lhsArg;
  int64_t lhsTileRows = 0;
  /// For a left operand: whether every `dot` reading it may read it in
  /// place (the pass's `readsLhsInPlace`, where it has one).
  bool inPlaceDots = true;

  /// The tile as the packed view stores it: `tile`, or with its rows
  /// grouped, (TK/g)x(g TN), row-major, or in blocks of c columns
  /// ((TN/c)(TK/g))x(g c).
  tl::TileType stored() const {
    if (widen)
      return tile.withElementType(Float32Type::get(tile.getContext()));
    if (group == 1)
      return tile;
    ArrayRef<int64_t> s = tile.getShape();
    int64_t columns = block ? block : s[1];
    return tl::TileType::get(tile.getContext(),
                             {s[0] / group * (s[1] / columns), columns * group},
                             tile.getElementType(), tl::Layout::RowMajor);
  }
};

/// The constant pad value of `load`, the zero attribute when it has none,
/// null when it is not a constant.
Attribute padOf(tl::LoadOp load) {
  if (!load.getPadding())
    return UnitAttr::get(load.getContext());
  Attribute pad;
  if (matchPattern(load.getPadding(), m_Constant(&pad)))
    return pad;
  return {};
}

/// `t` (an i8 tile) with -128 added to each element, wrapping.
Value addMinus128(OpBuilder &b, Location loc, Value t) {
  Value c = arith::ConstantIntOp::create(b, loc, -128, 8);
  Value s = tl::SplatOp::create(b, loc, t.getType(), c);
  return tl::AddOp::create(b, loc, t.getType(), t, s);
}

/// The i8 constant `pad` (an attribute as padOf gives it: unit for zero)
/// plus -128, wrapping.
Value biasedByte(OpBuilder &b, Location loc, Attribute pad) {
  int64_t v = 0;
  if (auto i = dyn_cast<IntegerAttr>(pad))
    v = i.getValue().getSExtValue();
  return arith::ConstantIntOp::create(b, loc, int8_t(uint8_t(v) ^ 0x80), 8);
}

/// Whether the kernel may write through `arg` (anything but a `tile.load`
/// or a `memref.dim` uses it).
bool mayWrite(func::FuncOp kernel, unsigned arg) {
  Value v = kernel.getArgument(arg);
  if (!isa<MemRefType>(v.getType()))
    return false;
  return llvm::any_of(v.getUsers(),
                      [](Operation *u) { return !isa<tl::LoadOp, memref::DimOp>(u); });
}

/// `memref<?x?xTMxTKxT, strided<[?, ?, TK, 1], offset: ?>>`: a packed view
/// of `tile`'s tiles. Its static tile shape and strides tell a backend at
/// compile time that each tile is whole and contiguous.
MemRefType packedViewType(tl::TileType tile) {
  int64_t dyn = ShapedType::kDynamic;
  ArrayRef<int64_t> shape = tile.getShape();
  Type elem = tile.getElementType();
  return MemRefType::get(
      {dyn, dyn, shape[0], shape[1]}, elem,
      StridedLayoutAttr::get(elem.getContext(), dyn, {dyn, dyn, shape[1], 1}));
}

struct TilePackDotOperands
    : nlc::tile::impl::TilePackDotOperandsBase<TilePackDotOperands> {
  using TilePackDotOperandsBase::TilePackDotOperandsBase;

  /// Which `dot`s i8-lhs-in-place and bf16-lhs-in-place apply to (null:
  /// all).
  std::function<bool(Operation *)> readsLhsInPlace;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<tl::LaunchOp> launches;
    module.walk([&](tl::LaunchOp l) { launches.push_back(l); });
    // One packed clone and one packing kernel per kernel (a kernel's plan
    // depends on its body only).
    llvm::DenseMap<Operation *, func::FuncOp> packedKernels;
    llvm::DenseMap<Operation *, SmallVector<func::FuncOp>> packKernels;
    // With i8-lhs-in-place or bf16-lhs-in-place: the clone that reads the
    // left operand in place (the other views packed).
    llvm::DenseMap<Operation *, func::FuncOp> inPlaceKernels;
    for (tl::LaunchOp launch : launches) {
      auto kernel = symbols.lookup<func::FuncOp>(launch.getKernel());
      if (!kernel || kernel.isExternal())
        continue;
      SmallVector<PackPlan> plans;
      for (unsigned a = 0; a < kernel.getNumArguments(); ++a)
        if (std::optional<PackPlan> p = planArg(kernel, a))
          plans.push_back(*p);
      if (widenF16)
        keepWideningIfWhole(kernel, plans);
      SmallVector<PackPlan> packing;
      llvm::copy_if(plans, std::back_inserter(packing),
                    [](const PackPlan &p) { return p.pack; });
      // Only i8 left operands (a `dot(x, transpose(w))`, whose right
      // operand is no load): the x86 K loop biases A into a buffer from any
      // row stride anyway, so a packed clone would only add code (for
      // Llama's Q8_0 prefill, two clones of about 3,100 LLVM instructions:
      // half of its int8 kernels' code). Likewise a bf16 left operand
      // planned only for bf16-lhs-in-place.
      auto onlyLhs = [&](const PackPlan &p) {
        return !p.byColumns &&
               (p.tile.getElementType().isInteger(8) || inPlaceLhs(p));
      };
      if (packing.empty() || llvm::all_of(packing, onlyLhs))
        continue;
      if (!packedKernels.count(kernel)) {
        packedKernels[kernel] = clonePacked(symbols, kernel, packing);
        for (const PackPlan &p : packing)
          packKernels[kernel].push_back(makePackKernel(symbols, kernel, p));
        auto inPlace = [&](const PackPlan &p) { return inPlaceLhs(p); };
        if (llvm::count_if(packing, inPlace) == 1) {
          SmallVector<PackPlan> rest;
          llvm::copy_if(packing, std::back_inserter(rest),
                        [&](const PackPlan &p) { return !inPlace(p); });
          inPlaceKernels[kernel] = clonePacked(symbols, kernel, rest);
        }
      }
      rewriteLaunch(launch, kernel, plans, packedKernels[kernel],
                    packKernels[kernel], inPlaceKernels.lookup(kernel));
    }
  }

  /// widen-f16 applies where every f16 `dot` of `kernel` reads both
  /// operands from loads of views planned to be widened (and packed): the
  /// packed clone's `dot`s then take f32 tiles alone. Otherwise no view is
  /// widened, and the f16 left operands planned only for widening are
  /// dropped (packing one as f16 adds a pass: the x86 micro-kernel widens
  /// it into a buffer anyway).
  void keepWideningIfWhole(func::FuncOp kernel,
                           SmallVector<PackPlan> &plans) const {
    llvm::SmallDenseSet<unsigned> widened;
    for (const PackPlan &p : plans)
      if (p.widen && p.pack)
        widened.insert(p.arg);
    auto fromWidened = [&](Value v) {
      auto load = v.getDefiningOp<tl::LoadOp>();
      auto arg = load ? dyn_cast<BlockArgument>(load.getView()) : nullptr;
      return arg && arg.getOwner() == &kernel.front() &&
             widened.count(arg.getArgNumber());
    };
    WalkResult walk = kernel.walk([&](tl::DotOp dot) {
      if (dot.getLhs().getType().getElementType().isF16() &&
          !(fromWidened(dot.getLhs()) && fromWidened(dot.getRhs())))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (!walk.wasInterrupted())
      return;
    llvm::erase_if(plans, [&](const PackPlan &p) {
      return p.widen && !p.byColumns && !packNarrowFloatLhs;
    });
    for (PackPlan &p : plans)
      p.widen = false;
  }

  /// Whether `p` is a left operand that a second packed clone reads in
  /// place (i8-lhs-in-place, bf16-lhs-in-place).
  bool inPlaceLhs(const PackPlan &p) const {
    Type elem = p.tile.getElementType();
    return !p.byColumns && p.inPlaceDots &&
           ((elem.isInteger(8) && i8LhsInPlace) ||
            (elem.isBF16() && bf16LhsInPlace));
  }

  /// Whether `arg` of `kernel` is only read by loads of one tile shape, element
  /// type and pad value whose every use is a `dot` operand (not its
  /// accumulator), its other uses asking for its sizes. A left operand of f16
  /// or bf16 only with `pack-narrow-float-lhs`, of f32 only with
  /// `pack-f32-lhs`.
  std::optional<PackPlan> planArg(func::FuncOp kernel, unsigned arg) const {
    Value view = kernel.getArgument(arg);
    auto type = dyn_cast<MemRefType>(view.getType());
    if (!type || type.getRank() != 2)
      return std::nullopt;
    PackPlan plan{arg, {}, {}};
    // The left operands' view and tile rows, while they agree (see lhsArg).
    bool lhsAgrees = true;
    for (Operation *user : view.getUsers()) {
      // Its sizes stay the original view's.
      if (isa<memref::DimOp>(user))
        continue;
      auto load = dyn_cast<tl::LoadOp>(user);
      if (!load || load.getView() != view)
        return std::nullopt;
      Attribute pad = padOf(load);
      tl::TileType t = load.getType();
      if (!pad || t.getRank() != 2)
        return std::nullopt;
      if (!plan.tile) {
        plan.tile = t;
        plan.pad = pad;
      } else if (t.getShape() != plan.tile.getShape() ||
                 t.getElementType() != plan.tile.getElementType() ||
                 pad != plan.pad) {
        return std::nullopt;
      }
      for (OpOperand &use : load->getUses()) {
        auto dot = dyn_cast<tl::DotOp>(use.getOwner());
        if (!dot || dot.getAcc() == load.getResult())
          return std::nullopt;
        if (dot.getRhs() != load.getResult()) {
          plan.byColumns = false;
          plan.inPlaceDots &= !readsLhsInPlace || readsLhsInPlace(dot);
        } else if (lhsAgrees) {
          auto lhs = dot.getLhs().getDefiningOp<tl::LoadOp>();
          auto lhsView = lhs ? dyn_cast<BlockArgument>(lhs.getView()) : nullptr;
          int64_t rows = dot.getLhs().getType().getShape()[0];
          if (!lhsView || lhsView.getOwner() != &kernel.front() ||
              cast<MemRefType>(lhsView.getType()).getRank() != 2 ||
              (plan.lhsArg && (*plan.lhsArg != lhsView.getArgNumber() ||
                               plan.lhsTileRows != rows))) {
            lhsAgrees = false;
          } else {
            plan.lhsArg = lhsView.getArgNumber();
            plan.lhsTileRows = rows;
          }
        }
        if (!packNarrowFloatLhs && dot.getLhs() == load.getResult() &&
            ((t.getElementType().isF16() && !widenF16) ||
             (t.getElementType().isBF16() &&
              !(bf16LhsInPlace && plan.inPlaceDots))))
          return std::nullopt;
      }
    }
    if (!plan.tile)
      return std::nullopt;
    // f32 keeps packing even without reuse: the x86 K loop reads a large
    // f32 B in place only when its rows are contiguous (a packed tile), and
    // packing one row tile of A's B measured 1.02-1.08x there (64 x 768 x
    // 768 to 64 x 768 x 2048, Zen 5).
    if (!lhsAgrees || !plan.byColumns || plan.tile.getElementType().isF32())
      plan.lhsArg.reset();
    if (!packF32Lhs && !plan.byColumns && plan.tile.getElementType().isF32())
      plan.pack = false;
    Type elem = plan.tile.getElementType();
    int64_t group = packRhsPairs && elem.isBF16()       ? 2
                    : packRhsQuads && elem.isInteger(8) ? 4
                                                        : 1;
    plan.biased = biasI8Lhs && !plan.byColumns && elem.isInteger(8);
    plan.widen = widenF16 && elem.isF16();
    if (plan.byColumns && plan.tile.getShape()[0] % group == 0 &&
        plan.tile.getShape()[1] % std::max<int64_t>(1, pairColumns) == 0) {
      plan.group = group;
      if (group != 1 && pairBlocks && pairColumns > 1)
        plan.block = pairColumns;
    }
    return plan;
  }

  /// `@k.packed`: `kernel` with one more argument per plan, a packed view,
  /// whose loads read tile `[ti, tj, 0, 0]` of it.
  func::FuncOp clonePacked(SymbolTable &symbols, func::FuncOp kernel,
                           ArrayRef<PackPlan> plans) {
    OpBuilder b(kernel);
    auto clone = cast<func::FuncOp>(b.clone(*kernel));
    clone.setSymName((kernel.getSymName() + ".packed").str());
    symbols.insert(clone);
    for (const PackPlan &p : plans) {
      unsigned extra = clone.getNumArguments();
      if (failed(clone.insertArgument(extra, packedViewType(p.stored()), {},
                                      clone.getLoc())))
        return clone;
      Value packed = clone.getArgument(extra);
      for (Operation *user :
           llvm::make_early_inc_range(clone.getArgument(p.arg).getUsers())) {
        auto load = dyn_cast<tl::LoadOp>(user);
        if (!load)
          continue;
        OpBuilder lb(load);
        Value zero = arith::ConstantIndexOp::create(lb, load.getLoc(), 0);
        SmallVector<Value, 4> idx(load.getIndices());
        idx.append({zero, zero});
        // A biased tile out of range reads its pad value biased, so that
        // adding -128 gives the pad value back.
        Value pad = load.getPadding();
        if (p.biased)
          pad = biasedByte(lb, load.getLoc(), p.pad);
        if (p.widen && pad)
          pad = arith::ExtFOp::create(lb, load.getLoc(), lb.getF32Type(), pad);
        Value tile = tl::LoadOp::create(lb, load.getLoc(), p.stored(), packed,
                                        idx, pad);
        if (p.biased)
          tile = addMinus128(lb, load.getLoc(), tile);
        if (p.group != 1)
          tile = tl::UnpairRowsOp::create(lb, load.getLoc(), load.getType(),
                                          tile, p.group, p.block);
        load.replaceAllUsesWith(tile);
        load.erase();
      }
    }
    return clone;
  }

  /// `@k.pack<arg>`: program l of a 1-D grid copies tile (i, j) of the
  /// view, padding included, into slice [i, j] of the packed view (its rows
  /// grouped as the plan says), l running through the packed tensor in memory
  /// order: (i, j) = (l % tiles_i, l / tiles_i) for a view stored by
  /// columns of tiles, (l / tiles_j, l % tiles_j) otherwise. The runtime
  /// gives each thread one run of consecutive instances (of this launch and
  /// of the kernel's after it), so a thread packs one part of the tensor,
  /// and where it then reads only that part (the columns of tiles of B its
  /// instances of a product with at most 4 row tiles use, 256^3 with tiles
  /// of 64), it reads tiles its own core wrote.
  func::FuncOp makePackKernel(SymbolTable &symbols, func::FuncOp kernel,
                              const PackPlan &p) {
    OpBuilder b(kernel);
    Location loc = kernel.getLoc();
    Type src = kernel.getArgument(p.arg).getType();
    Type dst = packedViewType(p.stored());
    auto fn = func::FuncOp::create(
        b, loc, (kernel.getSymName() + ".pack" + Twine(p.arg)).str(),
        b.getFunctionType({src, dst}, {}));
    fn.setPrivate();
    fn->setAttr(tl::kKernelAttrName, b.getUnitAttr());
    if (Attribute linkage = kernel->getAttr("llvm.linkage"))
      fn->setAttr("llvm.linkage", linkage);
    symbols.insert(fn);
    Block *body = fn.addEntryBlock();
    b.setInsertionPointToStart(body);
    Value l = tl::ProgramIdOp::create(b, loc, b.getIndexType(),
                                      b.getI64IntegerAttr(0));
    Value fast = memref::DimOp::create(b, loc, body->getArgument(1),
                                       p.byColumns ? 0 : 1);
    Value along = arith::RemUIOp::create(b, loc, l, fast);
    Value across = arith::DivUIOp::create(b, loc, l, fast);
    Value i = p.byColumns ? along : across;
    Value j = p.byColumns ? across : along;
    Value pad;
    if (auto typed = dyn_cast<TypedAttr>(p.pad))
      pad = arith::ConstantOp::create(b, loc, typed);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    // Grouped rows are read from a row-major tile: the layout of the tile
    // the kernel loads changes no value.
    tl::TileType read =
        p.group != 1
            ? tl::TileType::get(p.tile.getContext(), p.tile.getShape(),
                                p.tile.getElementType(), tl::Layout::RowMajor)
            : p.tile;
    Value t = tl::LoadOp::create(b, loc, read, body->getArgument(0),
                                 ValueRange{i, j}, pad);
    if (p.biased)
      t = addMinus128(b, loc, t);
    if (p.widen)
      t = tl::CastOp::create(b, loc, p.stored(), t);
    if (p.group != 1)
      t = tl::PairRowsOp::create(b, loc, p.stored(), t, p.group, p.block);
    tl::StoreOp::create(b, loc, t, body->getArgument(1),
                        ValueRange{i, j, zero, zero});
    func::ReturnOp::create(b, loc);
    return fn;
  }

  /// With `inPlace` (i8-lhs-in-place, bf16-lhs-in-place), the packed
  /// branch runs `inPlace` without packing the left operand where its rows
  /// are a whole number of tiles (and, for i8, of fewer than 4096 bytes),
  /// `packed` elsewhere.
  void rewriteLaunch(tl::LaunchOp launch, func::FuncOp kernel,
                     ArrayRef<PackPlan> plans, func::FuncOp packed,
                     ArrayRef<func::FuncOp> packs, func::FuncOp inPlace) {
    OpBuilder b(launch);
    Location loc = launch.getLoc();
    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto basePtr = [&](Value v) -> Value {
      return memref::ExtractAlignedPointerAsIndexOp::create(b, loc, v);
    };
    Value pays = arith::ConstantIntOp::create(b, loc, 1, 1);
    auto both = [&](Value c) { pays = arith::AndIOp::create(b, loc, pays, c); };
    // Whether some view is neither f32, i8 nor widened f16, or has
    // min-f32-elements (f32), min-i8-elements (i8) or min-widened-elements
    // (widened f16).
    Value large = arith::ConstantIntOp::create(b, loc, 0, 1);
    // Per packed plan: tiles along rows, cols.
    SmallVector<std::pair<Value, Value>> tiles;
    SmallVector<PackPlan> packing;
    for (const PackPlan &p : plans) {
      Value view = launch.getArgs()[p.arg];
      Value rows = memref::DimOp::create(b, loc, view, 0);
      Value cols = memref::DimOp::create(b, loc, view, 1);
      Value elements = arith::MulIOp::create(b, loc, rows, cols);
      // (A bf16 left operand planned only for bf16-lhs-in-place does not
      // count, as before it was planned: B alone decides.)
      if (!(inPlace && inPlaceLhs(p) && p.tile.getElementType().isBF16()))
        both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, elements,
                                   index(minElements)));
      if (!p.pack)
        continue;
      // B's tiles are read by as many instances as A has row tiles: with
      // one (a single row, as when decoding), packing only adds a pass.
      if (p.lhsArg)
        both(arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ugt,
            memref::DimOp::create(b, loc, launch.getArgs()[*p.lhsArg], 0),
            index(p.lhsTileRows)));
      packing.push_back(p);
      Type elem = p.tile.getElementType();
      int64_t least = elem.isF32()        ? minF32Elements
                      : elem.isInteger(8) ? minI8Elements
                      : p.widen           ? minWidenedElements
                                          : 0;
      large = arith::OrIOp::create(
          b, loc, large,
          least ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                        elements, index(least))
                      .getResult()
                : arith::ConstantIntOp::create(b, loc, 1, 1).getResult());
      for (unsigned a = 0; a < kernel.getNumArguments(); ++a)
        if (a != p.arg && mayWrite(kernel, a))
          both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                     basePtr(view),
                                     basePtr(launch.getArgs()[a])));
      auto ceilDiv = [&](Value n, int64_t d) -> Value {
        return arith::DivUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, n, index(d - 1)), index(d));
      };
      tiles.push_back({ceilDiv(rows, p.tile.getShape()[0]),
                       ceilDiv(cols, p.tile.getShape()[1])});
    }
    both(large);
    auto ifOp = scf::IfOp::create(b, loc, pays, /*withElseRegion=*/true);
    // Packed: allocate, pack (a grid of copies each) the views `which`
    // names, launch `fn`, free.
    auto emitPacked = [&](OpBuilder &b, ArrayRef<unsigned> which,
                          func::FuncOp fn) {
      SmallVector<Value> args(launch.getArgs());
      SmallVector<Value> buffers;
      for (unsigned i : which) {
        const PackPlan &p = packing[i];
        auto nt = tiles[i];
        ArrayRef<int64_t> shape = p.stored().getShape();
        int64_t dyn = ShapedType::kDynamic;
        auto bufType = MemRefType::get({dyn, dyn, shape[0], shape[1]},
                                       p.stored().getElementType());
        // B's tiles column by column: a K loop then reads each of its column
        // of tiles, like each row of tiles of A, as one run of memory (tile
        // (k + 1, j) right after tile (k, j)), not one tile every
        // `tiles_n * TK * TN` elements (a power of two apart for power-of-two
        // sizes: all in the same few L1 sets). The packed view's tile
        // strides are run-time values: the kernel reads either order.
        auto alloc = memref::AllocOp::create(
            b, loc, bufType,
            p.byColumns ? ValueRange{nt.second, nt.first}
                        : ValueRange{nt.first, nt.second});
        // Scratch memory (nlc-checked-allocations): the runtime keeps the
        // buffer for the next launch instead of freeing it.
        alloc->setAttr("nlc.scratch", b.getUnitAttr());
        Value buf = alloc;
        buffers.push_back(buf);
        Value tiled = buf;
        if (p.byColumns)
          tiled = memref::TransposeOp::create(
              b, loc, buf,
              AffineMapAttr::get(AffineMap::getPermutationMap(
                  ArrayRef<unsigned>{1, 0, 2, 3}, b.getContext())));
        Value view =
            memref::CastOp::create(b, loc, packedViewType(p.stored()), tiled);
        func::FuncOp pack = packs[i];
        tl::LaunchOp::create(
            b, loc, pack.getSymName(),
            ValueRange{arith::MulIOp::create(b, loc, nt.first, nt.second)},
            ValueRange{launch.getArgs()[p.arg], view});
        args.push_back(view);
      }
      tl::LaunchOp::create(b, loc, fn.getSymName(), launch.getGrid(), args);
      for (Value buf : buffers)
        memref::DeallocOp::create(b, loc, buf);
    };
    b.setInsertionPointToStart(ifOp.thenBlock());
    SmallVector<unsigned> all =
        llvm::to_vector(llvm::seq<unsigned>(0, packing.size()));
    auto lhs = llvm::find_if(packing,
                             [&](const PackPlan &p) { return inPlaceLhs(p); });
    if (!inPlace || lhs == packing.end()) {
      emitPacked(b, all, packed);
    } else {
      // A's rows in place where they are whole tiles (a ragged last tile
      // would leave the view: the K loop would run its last step as
      // written, i8 0.6-0.7x and bf16 0.6x at 1000^3 on a Sapphire Rapids)
      // and, for i8, under 4 KiB apart (a tile's 16 rows 4 KiB apart fall
      // in one L1 set: 0.89x at 4096^3; bf16 0.95-1.0x packed there).
      unsigned at = lhs - packing.begin();
      Value cols = memref::DimOp::create(b, loc, launch.getArgs()[lhs->arg], 1);
      Value tk = index(lhs->tile.getShape()[1]);
      Value packA = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ne,
          arith::RemUIOp::create(b, loc, cols, tk), index(0));
      if (lhs->tile.getElementType().isInteger(8))
        packA = arith::OrIOp::create(
            b, loc, packA,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, cols,
                                  index(4096)));
      auto pack = scf::IfOp::create(b, loc, packA, /*withElseRegion=*/true);
      OpBuilder tb = OpBuilder::atBlockBegin(pack.thenBlock());
      emitPacked(tb, all, packed);
      OpBuilder eb = OpBuilder::atBlockBegin(pack.elseBlock());
      SmallVector<unsigned> rest;
      llvm::copy_if(all, std::back_inserter(rest),
                    [&](unsigned i) { return i != at; });
      emitPacked(eb, rest, inPlace);
    }
    // Otherwise the launch as it was.
    launch->moveBefore(ifOp.elseBlock()->getTerminator());
  }
};

} // namespace

std::unique_ptr<Pass> nlc::tile::createTilePackDotOperands(
    TilePackDotOperandsOptions options,
    std::function<bool(Operation *)> readsLhsInPlace) {
  auto pass = std::make_unique<TilePackDotOperands>(std::move(options));
  pass->readsLhsInPlace = std::move(readsLhsInPlace);
  return pass;
}
