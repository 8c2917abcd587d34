//===- ConvertLaunchToSCF.cpp - Launches to parallel loops ----------------===//
//
// The CPU form of a launch (pass `convert-tile-launch-to-scf`): each grid
// kernel takes its position and the grid's sizes as six trailing `index`
// arguments, which replace `tile.program_id` and `tile.num_programs`, and
// each `tile.launch` becomes an `scf.parallel` over the grid that calls the
// kernel once per point. The host pipeline then runs the loop on threads
// (Linux) or in order (bare metal). Where the kernel's products take their
// bf16, i8 or f32 left operand from tiles of a view at row `program_id(0)`, the
// call is marked with that view and the rows each row of instances reads
// (nlc::kRowStripAttrName), by which the Linux pipeline groups instances.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/Codegen.h"
#include "lowering/TileToSCF/Passes.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"

namespace nlc::cpu {
#define GEN_PASS_DEF_CONVERTTILELAUNCHTOSCF
#include "lowering/TileToSCF/Passes.h.inc"
} // namespace nlc::cpu

using namespace mlir;
namespace tl = nlc::tile;

Value nlc::cpu::stripIndexCasts(Value v) {
  while (isa_and_nonnull<arith::IndexCastOp, arith::IndexCastUIOp>(
      v.getDefiningOp()))
    v = v.getDefiningOp()->getOperand(0);
  return v;
}

LogicalResult
nlc::cpu::findLaunchedKernels(ModuleOp module, SymbolTable &symbols,
                              llvm::SetVector<func::FuncOp> &kernels) {
  module.walk([&](tl::LaunchOp launch) {
    kernels.insert(symbols.lookup<func::FuncOp>(launch.getKernel()));
  });
  // Grid queries are only meaningful in a launched kernel.
  WalkResult stray = module.walk([&](Operation *op) {
    if (!isa<tl::ProgramIdOp, tl::NumProgramsOp>(op))
      return WalkResult::advance();
    auto fn = op->getParentOfType<func::FuncOp>();
    if (fn && kernels.contains(fn))
      return WalkResult::advance();
    op->emitOpError("outside a launched kernel: no grid to query");
    return WalkResult::interrupt();
  });
  return failure(stray.wasInterrupted());
}

namespace {

/// Position (3) and sizes (3) of the grid, appended to each grid kernel.
constexpr unsigned kGridArgs = 6;

/// `[arg, rows]` of kRowStripAttrName for `kernel`: a `tile.dot` of bf16,
/// i8 or f32 whose left operand is loaded from the view argument `arg` at first
/// index `program_id(0)`, reading `rows` of its rows (the tile's rows where
/// the view has the tile's rank, else one leading index); the first such
/// `dot`, or none.
std::optional<std::array<int64_t, 2>> rowStrip(func::FuncOp kernel) {
  std::optional<std::array<int64_t, 2>> strip;
  kernel.walk([&](tl::DotOp dot) {
    auto load = dot.getLhs().getDefiningOp<tl::LoadOp>();
    Type elem = dot.getLhs().getType().getElementType();
    if (!load || !(elem.isBF16() || elem.isInteger(8) || elem.isF32()))
      return WalkResult::advance();
    auto view = dyn_cast<BlockArgument>(load.getView());
    auto pid = load.getIndices().empty()
                   ? nullptr
                   : nlc::cpu::stripIndexCasts(load.getIndices()[0])
                         .getDefiningOp<tl::ProgramIdOp>();
    if (!view || view.getOwner() != &kernel.front() || !pid ||
        pid.getAxis() != 0)
      return WalkResult::advance();
    auto type = cast<MemRefType>(view.getType());
    tl::TileType tile = load.getType();
    int64_t rows = type.getRank() == tile.getRank() ? tile.getShape()[0] : 1;
    strip = {int64_t(view.getArgNumber()), rows};
    return WalkResult::interrupt();
  });
  return strip;
}

struct ConvertTileLaunchToSCF
    : nlc::cpu::impl::ConvertTileLaunchToSCFBase<ConvertTileLaunchToSCF> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    llvm::SetVector<func::FuncOp> kernels;
    if (failed(nlc::cpu::findLaunchedKernels(module, symbols, kernels)))
      return signalPassFailure();

    OpBuilder b(&getContext());
    Type index = b.getIndexType();
    llvm::DenseMap<func::FuncOp, std::array<int64_t, 2>> strips;
    for (func::FuncOp fn : kernels)
      if (auto strip = rowStrip(fn))
        strips[fn] = *strip;
    for (func::FuncOp fn : kernels) {
      unsigned first = fn.getNumArguments();
      SmallVector<Type> types(kGridArgs, index);
      SmallVector<DictionaryAttr> attrs(kGridArgs);
      SmallVector<Location> locs(kGridArgs, fn.getLoc());
      SmallVector<unsigned> positions(kGridArgs, first);
      if (failed(fn.insertArguments(positions, types, attrs, locs)))
        return signalPassFailure();
      fn.walk([&](Operation *op) {
        if (auto pid = dyn_cast<tl::ProgramIdOp>(op)) {
          pid.replaceAllUsesWith(fn.getArgument(first + pid.getAxis()));
          pid.erase();
        } else if (auto n = dyn_cast<tl::NumProgramsOp>(op)) {
          n.replaceAllUsesWith(fn.getArgument(first + 3 + n.getAxis()));
          n.erase();
        }
      });
    }

    module.walk([&](tl::LaunchOp launch) {
      Location loc = launch.getLoc();
      b.setInsertionPoint(launch);
      auto fn = symbols.lookup<func::FuncOp>(launch.getKernel());
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      SmallVector<Value, 3> sizes(launch.getGrid());
      sizes.resize(3, one);
      SmallVector<Value, 3> lbs(3, zero), steps(3, one);
      SmallVector<Value> args(launch.getArgs());
      scf::ParallelOp::create(
          b, loc, lbs, sizes, steps,
          [&](OpBuilder &nb, Location nl, ValueRange iv) {
            SmallVector<Value> operands(args);
            operands.append(iv.begin(), iv.end());
            operands.append(sizes.begin(), sizes.end());
            auto call = func::CallOp::create(nb, nl, fn, operands);
            if (auto it = strips.find(fn); it != strips.end())
              call->setAttr(nlc::kRowStripAttrName,
                            nb.getDenseI64ArrayAttr(it->second));
          });
      launch.erase();
    });
  }
};

} // namespace
