//===- GridsToRuntime.cpp - Kernel grids onto the runtime's thread pool ---===//
//
// Pass `nlc-grids-to-runtime` (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "lowering/Host/Passes.h"
#include "lowering/Target/Codegen.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/SetVector.h"

namespace nlc {
#define GEN_PASS_DEF_GRIDSTORUNTIME
#include "lowering/Host/Passes.h.inc"
} // namespace nlc

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kLaunch = "nl_grid_launch";
constexpr llvm::StringLiteral kGroupRowsFn = "nl_grid_group_rows";

/// Rows of the first grid dimension per group of instances (see
/// instancePosition). Two threads work on two groups at once: with 64-row
/// tiles of a K of 4096 f32, the two groups' rows of A are 8 MiB, which the
/// L3 of the machines nlc runs on keeps beside other processes' data
/// (groups of 8 did as well on one thread of a Zen 5 and worse on two;
/// 16, worse on both). A grid marked with kRowStripAttrName (the left
/// operand of bf16 or i8 products) takes as many rows, up to this, as the
/// runtime's nl_grid_group_rows finds fit half of L2: there the products
/// read their operands faster than L3 gives them (AMX: 1000-2300 GFLOP/s
/// on one core). On a Sapphire Rapids (2 MiB of L2), bf16 grids of 64 x 64
/// tiles at 4096^3, whose rows of instances read 512 KiB of A each, ran
/// 1.25x in groups of 2 rather than 4 (best of 6 alternated runs,
/// 2026-12-07), 128 x 128 tiles at 2048^3 1.15x; where 4 rows fit (64 x 64
/// tiles at 2048^3) 4 did best; i8 likewise. A call marked with
/// kGroupRowsAttrName takes its rows (f32 products on AMX targets:
/// convert-tile-to-x86's kF32GroupRows).
constexpr int64_t kGroupRows = 4;

struct GridsToRuntime : nlc::impl::GridsToRuntimeBase<GridsToRuntime> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // nlc makes scf.parallel only for kernel grids (the launch lowering);
    // loops with reductions stay (scf-to-cf runs them in order).
    SmallVector<scf::ParallelOp> grids;
    module.walk([&](scf::ParallelOp p) {
      if (!p.getNumReductions())
        grids.push_back(p);
    });
    if (grids.empty())
      return;
    MLIRContext *ctx = &getContext();
    LLVMTypeConverter converter(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
    if (!module.lookupSymbol(kLaunch))
      LLVM::LLVMFuncOp::create(
          mb, module.getLoc(), kLaunch,
          LLVM::LLVMFunctionType::get(voidType, {ptr, ptr, i64, i64}));
    SymbolTable symbols(module);
    for (scf::ParallelOp grid : grids)
      if (failed(outline(grid, converter, symbols)))
        return signalPassFailure();
  }

  /// The position, one index per dimension, of the instance numbered
  /// `linear` in a grid of `trips` instances along each dimension. The
  /// first dimension goes fastest, but with two or more dimensions, the
  /// first two go in groups of `group` positions of the first: all of
  /// the second dimension for the group's first rows, then the next group.
  /// A 2-D grid of matmul tiles then reuses the group's rows of A for every
  /// column, from the cache, instead of streaming all of A again for each
  /// column (a 4096^3 f32 product: about 1.5x on one thread of a Zen 5).
  static SmallVector<Value> instancePosition(OpBuilder &b, Location l,
                                             Value linear,
                                             ArrayRef<Value> trips,
                                             Value group) {
    SmallVector<Value> position;
    Value rest = linear;
    size_t d = 0;
    if (trips.size() >= 2) {
      Value plane = arith::MulIOp::create(b, l, trips[0], trips[1]);
      Value inPlane = arith::RemUIOp::create(b, l, rest, plane);
      rest = arith::DivUIOp::create(b, l, rest, plane);
      Value span = arith::MulIOp::create(b, l, group, trips[1]);
      Value g = arith::DivUIOp::create(b, l, inPlane, span);
      Value first = arith::MulIOp::create(b, l, g, group);
      // The last group may have fewer rows.
      Value rows = arith::MinUIOp::create(
          b, l, group, arith::SubIOp::create(b, l, trips[0], first));
      Value r = arith::SubIOp::create(b, l, inPlane,
                                      arith::MulIOp::create(b, l, g, span));
      position.push_back(arith::AddIOp::create(
          b, l, first, arith::RemUIOp::create(b, l, r, rows)));
      position.push_back(arith::DivUIOp::create(b, l, r, rows));
      d = 2;
    }
    for (; d < trips.size(); ++d) {
      position.push_back(arith::RemUIOp::create(b, l, rest, trips[d]));
      rest = arith::DivUIOp::create(b, l, rest, trips[d]);
    }
    return position;
  }

  /// Replaces `grid` by a call of nl_grid_launch with a function that runs a
  /// range of its instances and a context that holds what its body uses from
  /// outside (as LLVM values: memrefs as their descriptors).
  LogicalResult outline(scf::ParallelOp grid, LLVMTypeConverter &converter,
                        SymbolTable &symbols) {
    MLIRContext *ctx = &getContext();
    Location loc = grid.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    // The trip count of each dimension (0 where the upper bound is not
    // above the lower one), computed at the launch.
    OpBuilder b(grid);
    SmallVector<Value> trips;
    for (auto [lb, ub, step] : llvm::zip_equal(
             grid.getLowerBound(), grid.getUpperBound(), grid.getStep())) {
      Value span = arith::SubIOp::create(
          b, loc, arith::MaxSIOp::create(b, loc, ub, lb), lb);
      trips.push_back(arith::CeilDivUIOp::create(b, loc, span, step));
    }
    // Rows per group of instances (instancePosition): kGroupRows, what the
    // target's kernel lowering fixed (kGroupRowsAttrName), or what the
    // runtime finds fit L2 for the grid's rows of its left operand.
    Value group = arith::ConstantIndexOp::create(b, loc, kGroupRows);
    func::CallOp marked = markedCall(grid);
    if (auto fixed =
            marked ? marked->getAttrOfType<IntegerAttr>(nlc::kGroupRowsAttrName)
                   : IntegerAttr();
        fixed && fixed.getInt() > 0)
      group = arith::ConstantIndexOp::create(b, loc, fixed.getInt());
    else if (Value bytes =
                 trips.size() >= 2 ? stripBytes(b, loc, grid) : Value()) {
      // Declared by the first grid that calls it.
      if (!symbols.lookup(kGroupRowsFn)) {
        OpBuilder mb = OpBuilder::atBlockEnd(getOperation().getBody());
        symbols.insert(LLVM::LLVMFuncOp::create(
            mb, loc, kGroupRowsFn,
            LLVM::LLVMFunctionType::get(i64, {i64, i64})));
      }
      group = arith::IndexCastOp::create(
          b, loc, b.getIndexType(),
          LLVM::CallOp::create(
              b, loc, TypeRange{i64}, kGroupRowsFn,
              ValueRange{bytes, LLVM::ConstantOp::create(
                                    b, loc, i64, b.getI64IntegerAttr(
                                                     kGroupRows))})
              .getResult());
    }

    // What the body uses from outside, constants aside (cloned), and the
    // bounds (to recover each instance's position).
    llvm::SetVector<Value> used;
    getUsedValuesDefinedAbove(grid.getRegion(), used);
    llvm::SetVector<Value> captured;
    SmallVector<Operation *> constants;
    for (Value v : used) {
      Operation *def = v.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>())
        constants.push_back(def);
      else
        captured.insert(v);
    }
    for (ValueRange r :
         {ValueRange(grid.getLowerBound()), ValueRange(grid.getStep()),
          ValueRange(trips), ValueRange(group)})
      for (Value v : r)
        if (!v.getDefiningOp() ||
            !v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>())
          captured.insert(v);
        else if (!llvm::is_contained(constants, v.getDefiningOp()))
          constants.push_back(v.getDefiningOp());
    SmallVector<Type> fields;
    for (Value v : captured) {
      Type t = converter.convertType(v.getType());
      if (!t)
        return grid.emitOpError("uses a value of type ")
               << v.getType() << " that cannot be passed to a grid thread";
      fields.push_back(t);
    }
    auto context = LLVM::LLVMStructType::getLiteral(ctx, fields);
    auto field = [&](OpBuilder &b, Value base, unsigned i) -> Value {
      return LLVM::GEPOp::create(b, loc, ptr, context, base,
                                 ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
    };

    // The function: void body(ptr ctx, i64 begin, i64 end).
    auto parentFn = grid->getParentOfType<FunctionOpInterface>();
    std::string name =
        (parentFn ? parentFn.getName().str() : std::string("grid")) + ".grid";
    OpBuilder mb = OpBuilder::atBlockEnd(getOperation().getBody());
    auto fn = LLVM::LLVMFuncOp::create(
        mb, loc, name,
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                    {ptr, i64, i64}),
        LLVM::Linkage::Internal);
    symbols.insert(fn); // Renames it if the name is taken.
    // Code generation tunes grid bodies, and what they call, for the CPU
    // (addTargetAttributes in lowering/Target/Codegen.cpp).
    fn.setPassthroughAttr(
        mb.getArrayAttr({mb.getStringAttr(nlc::kGridBodyAttrName)}));
    Block *entry = fn.addEntryBlock(mb);
    OpBuilder fb = OpBuilder::atBlockEnd(entry);
    IRMapping map;
    for (Operation *c : constants)
      fb.clone(*c, map);
    for (auto [i, v] : llvm::enumerate(captured)) {
      Value raw = LLVM::LoadOp::create(fb, loc, fields[i],
                                       field(fb, entry->getArgument(0), i));
      map.map(v, castTo(fb, loc, v.getType(), raw));
    }
    auto toIndex = [&](OpBuilder &b, Value v) -> Value {
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
    };
    auto inFn = [&](Value v) { return map.lookup(v); };
    Value one = arith::ConstantIndexOp::create(fb, loc, 1);
    scf::ForOp::create(
        fb, loc, toIndex(fb, entry->getArgument(1)),
        toIndex(fb, entry->getArgument(2)), one, ValueRange{},
        [&](OpBuilder &b, Location l, Value linear, ValueRange) {
          // Instance `linear`, first dimension fastest, except that the
          // first two go in groups of kGroupRows positions of the first
          // (see Passes.td).
          SmallVector<Value> position = instancePosition(
              b, l, linear, llvm::map_to_vector(trips, inFn), inFn(group));
          for (auto [iv, lb, step, k] :
               llvm::zip_equal(grid.getInductionVars(), grid.getLowerBound(),
                               grid.getStep(), position))
            map.map(iv, arith::AddIOp::create(
                            b, l, inFn(lb),
                            arith::MulIOp::create(b, l, k, inFn(step))));
          for (Operation &op : grid.getBody()->without_terminator())
            b.clone(op, map);
          scf::YieldOp::create(b, l);
        });
    LLVM::ReturnOp::create(fb, loc, ValueRange{});

    // The launch: the context on the stack, then the call.
    Value count = arith::ConstantIndexOp::create(b, loc, 1);
    for (Value trip : trips)
      count = arith::MulIOp::create(b, loc, count, trip);
    // The context is allocated once, at the start of the function (a launch
    // in a loop reuses it; an alloca in the loop would grow the stack).
    Operation *scope =
        grid->getParentWithTrait<OpTrait::AutomaticAllocationScope>();
    OpBuilder ab = OpBuilder::atBlockBegin(&scope->getRegion(0).front());
    Value oneI64 =
        LLVM::ConstantOp::create(ab, loc, i64, ab.getI64IntegerAttr(1));
    Value base = LLVM::AllocaOp::create(ab, loc, ptr, context, oneI64);
    for (auto [i, v] : llvm::enumerate(captured)) {
      LLVM::StoreOp::create(b, loc, castTo(b, loc, fields[i], v),
                            field(b, base, i));
    }
    Value body = LLVM::AddressOfOp::create(b, loc, ptr, fn.getSymName());
    Value n = arith::IndexCastOp::create(b, loc, i64, count);
    // The context's size (the runtime copies small ones where workers read
    // them): the address of the element past it, from null, which LLVM
    // folds with the target's data layout.
    Value null = LLVM::ZeroOp::create(b, loc, ptr);
    Value size = LLVM::PtrToIntOp::create(
        b, loc, i64,
        LLVM::GEPOp::create(b, loc, ptr, context, null,
                            ArrayRef<LLVM::GEPArg>{1}));
    LLVM::CallOp::create(b, loc, TypeRange{}, kLaunch,
                         ValueRange{body, base, size, n});
    grid.erase();
    return success();
  }

  /// The kernel call in `grid`'s body marked with kRowStripAttrName, or
  /// null.
  static func::CallOp markedCall(scf::ParallelOp grid) {
    for (Operation &op : grid.getBody()->without_terminator())
      if (auto call = dyn_cast<func::CallOp>(op))
        if (call->hasAttr(nlc::kRowStripAttrName))
          return call;
    return nullptr;
  }

  /// The bytes of the rows of its left operand that each row of `grid`'s
  /// instances reads (kRowStripAttrName: `rows` times the bytes of a row,
  /// as i64), or null where the grid is not marked, its kernel call does
  /// not take that view from outside the grid, or the view is of f32: an
  /// f32 micro-kernel reads A once per instance and B's tiles once per
  /// block of 6 rows, so that B's, not A's, are the ones to keep in L2.
  static Value stripBytes(OpBuilder &b, Location loc, scf::ParallelOp grid) {
    func::CallOp call = markedCall(grid);
    if (!call)
      return nullptr;
    auto strip = call->getAttrOfType<DenseI64ArrayAttr>(nlc::kRowStripAttrName);
    if (strip.size() != 2 || strip[0] < 0 ||
        strip[0] >= int64_t(call.getNumOperands()))
      return nullptr;
    Value view = call.getOperand(strip[0]);
    auto type = dyn_cast<MemRefType>(view.getType());
    if (!type || !type.getElementType().isIntOrFloat() ||
        type.getElementType().isF32() ||
        grid.getRegion().isAncestor(view.getParentRegion()))
      return nullptr;
    Value bytes = arith::ConstantIndexOp::create(
        b, loc, strip[1] * type.getElementTypeBitWidth() / 8);
    for (int64_t d = 1; d < type.getRank(); ++d)
      bytes = arith::MulIOp::create(
          b, loc, bytes, b.createOrFold<memref::DimOp>(loc, view, d));
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), bytes);
  }

  /// `v` as `type`: the two sides of the type conversion the LLVM lowering
  /// reconciles later (nothing where the types are the same).
  static Value castTo(OpBuilder &b, Location loc, Type type, Value v) {
    if (v.getType() == type)
      return v;
    return UnrealizedConversionCastOp::create(b, loc, type, v).getResult(0);
  }

};

} // namespace
