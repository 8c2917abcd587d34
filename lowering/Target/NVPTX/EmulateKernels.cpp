//===- EmulateKernels.cpp - GPU kernels also compiled for the host --------===//
//
// Pass `nlc-gpu-emulate-kernels` (see Passes.td). The runtime's side is
// runtime/hosted/gpu_emulate.c.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/NVPTX/NVPTXPasses.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

namespace nlc::nvptx {
#define GEN_PASS_DEF_GPUEMULATEKERNELS
#include "lowering/Target/NVPTX/Passes.h.inc"
} // namespace nlc::nvptx

using namespace mlir;

namespace {

/// The most dynamic shared memory a block can have (sm_90: 227 KiB), the
/// size of the memref that stands for it.
constexpr int64_t kMaxDynamicShared = 227 << 10;

/// `type` in the default memory space.
Type withoutMemorySpace(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.getMemorySpace())
    return type;
  return MemRefType::get(memref.getShape(), memref.getElementType(),
                         memref.getLayout());
}

struct GPUEmulateKernels
    : nlc::nvptx::impl::GPUEmulateKernelsBase<GPUEmulateKernels> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!module->hasAttr(nlc::nvptx::kGpuEmulationAttr))
      return;
    MLIRContext *ctx = &getContext();
    ptr = LLVM::LLVMPointerType::get(ctx);
    i32 = IntegerType::get(ctx, 32);
    i64 = IntegerType::get(ctx, 64);
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto declare = [&](StringRef name, TypeRange args, TypeRange results) {
      if (!module.lookupSymbol(name))
        func::FuncOp::create(b, module.getLoc(), name,
                             b.getFunctionType(args, results))
            .setPrivate();
    };
    for (StringRef name : {"nl_emu_thread_id", "nl_emu_block_id",
                           "nl_emu_block_dim", "nl_emu_grid_dim"})
      declare(name, {ptr, i32}, {i32});
    declare("nl_emu_shared", {ptr, i32}, {ptr});
    declare("nl_emu_barrier", {ptr}, {});
    declare("nl_emu_shuffle", {ptr, i32, i32, i32, i32}, {i64});
    declare("nl_emu_mma",
            {ptr, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32}, {});
    declare("nl_emu_result", {ptr, i32}, {i32});
    declare("nl_emu_ldmatrix", {ptr, i32, i64}, {});
    declare("nl_emu_trap", {ptr}, {});
    declare("nl_emu_access", {ptr, i64, i32, i32}, {});
    declare("nl_emu_wgmma", {ptr, i32, i32, i32, i64, i64, ptr}, {});
    for (StringRef name : {"nl_emu_wgmma_fence", "nl_emu_wgmma_commit",
                           "nl_emu_fence_proxy_async"})
      declare(name, {ptr}, {});
    declare("nl_emu_wgmma_wait", {ptr, i32}, {});
    declare("nl_emu_shared_offset", {ptr, i64}, {i64});
    declare("nl_emu_mbarrier_init", {ptr, i64, i32}, {});
    declare("nl_emu_mbarrier_inval", {ptr, i64}, {});
    declare("nl_emu_mbarrier_arrive_expect_tx", {ptr, i64, i32}, {});
    declare("nl_emu_mbarrier_wait", {ptr, i64, i32}, {});
    declare("nl_emu_tma_load", {ptr, i64, ptr, i32, i32, i64}, {});
    printfDecl = dyn_cast_or_null<LLVM::LLVMFuncOp>(
        module.lookupSymbol("nl_emu_printf"));
    if (!printfDecl)
      printfDecl = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), "nl_emu_printf",
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, ptr},
                                      /*isVarArg=*/true));
    this->module = module;
    // The runtime runs the kernels on its emulated driver where this is
    // defined (runtime/hosted/gpu.c).
    if (!module.lookupSymbol("nl_gpu_emulation"))
      LLVM::GlobalOp::create(b, module.getLoc(), i32, /*isConstant=*/true,
                             LLVM::Linkage::External, "nl_gpu_emulation",
                             b.getI32IntegerAttr(1));
    for (auto gm : module.getOps<gpu::GPUModuleOp>())
      for (auto fn : gm.getOps<gpu::GPUFuncOp>())
        if (fn.isKernel() && failed(emulate(fn)))
          return signalPassFailure();
  }

private:
  Value call(OpBuilder &b, Location loc, StringRef name, TypeRange results,
             ValueRange args) {
    auto op = func::CallOp::create(b, loc, name, results, args);
    return op.getNumResults() ? op.getResult(0) : Value();
  }

  Value i32Const(OpBuilder &b, Location loc, int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 32);
  }

  /// A memref of `type` (default memory space) with the given fields.
  Value memref(OpBuilder &b, Location loc, MemRefType type, Value allocated,
               Value aligned, Value offset, ArrayRef<Value> sizes,
               ArrayRef<Value> strides) {
    int64_t rank = type.getRank();
    SmallVector<Type> fields = {ptr, ptr, i64};
    if (rank > 0) {
      fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
      fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
    }
    auto structType = LLVM::LLVMStructType::getLiteral(b.getContext(), fields);
    Value d = LLVM::UndefOp::create(b, loc, structType);
    d = LLVM::InsertValueOp::create(b, loc, d, allocated, ArrayRef<int64_t>{0});
    d = LLVM::InsertValueOp::create(b, loc, d, aligned, ArrayRef<int64_t>{1});
    d = LLVM::InsertValueOp::create(b, loc, d, offset, ArrayRef<int64_t>{2});
    for (int64_t i = 0; i < rank; ++i) {
      d = LLVM::InsertValueOp::create(b, loc, d, sizes[i],
                                      ArrayRef<int64_t>{3, i});
      d = LLVM::InsertValueOp::create(b, loc, d, strides[i],
                                      ArrayRef<int64_t>{4, i});
    }
    return UnrealizedConversionCastOp::create(b, loc, type, d).getResult(0);
  }

  /// A contiguous memref of static `type` at `base`.
  Value staticMemRef(OpBuilder &b, Location loc, MemRefType type, Value base) {
    auto c = [&](int64_t v) {
      return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v))
          .getResult();
    };
    SmallVector<Value> sizes, strides;
    int64_t stride = 1;
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      sizes.insert(sizes.begin(), c(type.getDimSize(d)));
      strides.insert(strides.begin(), c(stride));
      stride *= type.getDimSize(d);
    }
    return memref(b, loc, type, base, base, c(0), sizes, strides);
  }

  /// The kernel's arguments from cuLaunchKernel's `params`, in the slots
  /// nlc-gpu-launches-to-runtime fills: a memref as its lowered fields, a
  /// scalar in the low bytes of its slot. `slotBytes` gets the size of each
  /// slot (8; a tensor map's 128), which the emulated driver copies at the
  /// launch as CUDA does.
  LogicalResult unpackArguments(OpBuilder &b, Location loc, gpu::GPUFuncOp fn,
                                Value params, SmallVectorImpl<Value> &args,
                                SmallVectorImpl<int32_t> &slotBytes) {
    int32_t next = 0;
    auto slot = [&](int32_t bytes = 8) {
      Value at = LLVM::GEPOp::create(b, loc, ptr, ptr, params,
                                     ArrayRef<LLVM::GEPArg>{next++});
      slotBytes.push_back(bytes);
      return LLVM::LoadOp::create(b, loc, ptr, at).getResult();
    };
    auto load = [&](Type type) {
      return LLVM::LoadOp::create(b, loc, type, slot()).getResult();
    };
    // Tensor maps (kTensorMapsAttr) are passed by value: their slot.
    DenseSet<int64_t> tensorMaps;
    if (auto maps = fn->getAttrOfType<ArrayAttr>(nlc::nvptx::kTensorMapsAttr))
      for (Attribute m : maps)
        tensorMaps.insert(cast<DenseI64ArrayAttr>(m).asArrayRef()[0]);
    // The body's first arguments; the attributions follow.
    for (auto [i, type] : llvm::enumerate(fn.getFunctionType().getInputs())) {
      if (tensorMaps.contains(i)) {
        args.push_back(slot(128));
      } else if (auto m = dyn_cast<MemRefType>(type)) {
        Value allocated = load(ptr), aligned = load(ptr), offset = load(i64);
        SmallVector<Value> sizes, strides;
        for (int64_t d = 0; d < m.getRank(); ++d)
          sizes.push_back(load(i64));
        for (int64_t d = 0; d < m.getRank(); ++d)
          strides.push_back(load(i64));
        args.push_back(memref(b, loc, cast<MemRefType>(withoutMemorySpace(m)),
                              allocated, aligned, offset, sizes, strides));
      } else if (type.isIndex()) {
        args.push_back(arith::IndexCastOp::create(b, loc, type, load(i64)));
      } else if (type.isIntOrFloat()) {
        args.push_back(load(type));
      } else {
        return fn.emitError("cannot emulate a kernel that takes a ") << type;
      }
    }
    return success();
  }

  LogicalResult emulate(gpu::GPUFuncOp fn) {
    if (!fn.getPrivateAttributions().empty())
      return fn.emitError("cannot emulate a kernel with private attributions");
    Location loc = fn.getLoc();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto emu = func::FuncOp::create(b, loc, ("nl_emu." + fn.getName()).str(),
                                    b.getFunctionType({ptr, ptr}, {}));
    IRMapping mapping;
    fn.getBody().cloneInto(&emu.getBody(), mapping);
    Block *body = &emu.getBody().front();
    Block *entry = b.createBlock(&emu.getBody(), emu.getBody().begin(),
                                 {ptr, ptr}, {loc, loc});
    Value params = entry->getArgument(0);
    thread = entry->getArgument(1);
    this->entry = entry;
    SmallVector<Value> args;
    SmallVector<int32_t> slotBytes;
    if (failed(unpackArguments(b, loc, fn, params, args, slotBytes)))
      return failure();
    // nl_emu_params.NAME: the number of slots, then each one's size.
    {
      OpBuilder g = OpBuilder::atBlockEnd(module.getBody());
      slotBytes.insert(slotBytes.begin(), int32_t(slotBytes.size()));
      auto type = LLVM::LLVMArrayType::get(i32, slotBytes.size());
      LLVM::GlobalOp::create(
          g, loc, type, /*isConstant=*/true, LLVM::Linkage::External,
          ("nl_emu_params." + fn.getName()).str(),
          DenseElementsAttr::get(
              RankedTensorType::get({int64_t(slotBytes.size())}, i32),
              ArrayRef<int32_t>(slotBytes)));
    }
    // The workgroup attributions, one after the other in static shared
    // memory.
    Value shared = call(b, loc, "nl_emu_shared", ptr,
                        ValueRange{thread, i32Const(b, loc, 0)});
    int64_t offset = 0;
    for (BlockArgument arg : fn.getWorkgroupAttributions()) {
      auto type = cast<MemRefType>(withoutMemorySpace(arg.getType()));
      Value base = LLVM::GEPOp::create(b, loc, ptr, b.getI8Type(), shared,
                                       ArrayRef<LLVM::GEPArg>{int32_t(offset)});
      args.push_back(staticMemRef(b, loc, type, base));
      offset += llvm::alignTo(type.getNumElements() *
                                  ((type.getElementTypeBitWidth() + 7) / 8),
                              16);
    }
    for (BlockArgument arg : body->getArguments())
      arg.setType(withoutMemorySpace(arg.getType()));
    cf::BranchOp::create(b, loc, body, args);

    // Every memref in the default memory space: shared memory is host
    // memory here.
    emu.walk([](Operation *op) {
      for (OpResult r : op->getResults())
        r.setType(withoutMemorySpace(r.getType()));
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument a : block.getArguments())
            a.setType(withoutMemorySpace(a.getType()));
    });
    SmallVector<Operation *> ops;
    emu.walk([&](Operation *op) {
      auto toInt = dyn_cast<LLVM::PtrToIntOp>(op);
      if (isa<gpu::GPUDialect, NVVM::NVVMDialect>(op->getDialect()) ||
          isa<memref::MemorySpaceCastOp, LLVM::Trap>(op) ||
          (toInt && cast<LLVM::LLVMPointerType>(toInt.getArg().getType())
                            .getAddressSpace() == 3))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      if (failed(rewrite(op)))
        return failure();
    // Every access of a statically shaped memref (the kernel's tile
    // buffers, in shared memory) is first checked for races.
    emu.walk([&](Operation *op) {
      if (auto load = dyn_cast<memref::LoadOp>(op))
        checkAccess(load, load.getMemRef(), load.getIndices(), 1, false);
      else if (auto store = dyn_cast<memref::StoreOp>(op))
        checkAccess(store, store.getMemRef(), store.getIndices(), 1, true);
      else if (auto load = dyn_cast<vector::LoadOp>(op))
        checkAccess(load, load.getBase(), load.getIndices(),
                    load.getVectorType().getNumElements(), false);
      else if (auto store = dyn_cast<vector::StoreOp>(op))
        checkAccess(store, store.getBase(), store.getIndices(),
                    store.getVectorType().getNumElements(), true);
    });
    return success();
  }

  /// Before `op`, which reads or writes `count` consecutive elements of
  /// `m` from `indices` on: nl_emu_access with their address, where `m` has
  /// a static shape.
  void checkAccess(Operation *op, Value m, ValueRange indices, int64_t count,
                   bool write) {
    auto type = cast<MemRefType>(m.getType());
    if (!type.hasStaticShape())
      return;
    OpBuilder b(op);
    Location loc = op->getLoc();
    int64_t bytes = (type.getElementTypeBitWidth() + 7) / 8;
    Value address = nlc::nvptx::elementAddress(b, loc, m, indices);
    call(b, loc, "nl_emu_access", {},
         ValueRange{thread, arith::IndexCastOp::create(b, loc, i64, address),
                    i32Const(b, loc, bytes * count), i32Const(b, loc, write)});
  }

  /// Replaces `op`, a GPU or NVVM op or a memory space cast, by its host
  /// form.
  LogicalResult rewrite(Operation *op) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Type index = b.getIndexType();
    auto dimCall = [&](StringRef name, gpu::Dimension dim) {
      Value v = call(b, loc, name, i32,
                     ValueRange{thread, i32Const(b, loc, int64_t(dim))});
      return arith::IndexCastUIOp::create(b, loc, index, v).getResult();
    };
    Value replacement;
    if (auto cast = dyn_cast<memref::MemorySpaceCastOp>(op)) {
      replacement = cast.getSource();
    } else if (auto id = dyn_cast<gpu::ThreadIdOp>(op)) {
      replacement = dimCall("nl_emu_thread_id", id.getDimension());
    } else if (auto id = dyn_cast<gpu::BlockIdOp>(op)) {
      replacement = dimCall("nl_emu_block_id", id.getDimension());
    } else if (auto dim = dyn_cast<gpu::BlockDimOp>(op)) {
      replacement = dimCall("nl_emu_block_dim", dim.getDimension());
    } else if (auto dim = dyn_cast<gpu::GridDimOp>(op)) {
      replacement = dimCall("nl_emu_grid_dim", dim.getDimension());
    } else if (isa<gpu::BarrierOp>(op)) {
      call(b, loc, "nl_emu_barrier", {}, ValueRange{thread});
    } else if (isa<gpu::ReturnOp>(op)) {
      func::ReturnOp::create(b, loc);
    } else if (auto dyn = dyn_cast<gpu::DynamicSharedMemoryOp>(op)) {
      Value base = call(b, loc, "nl_emu_shared", ptr,
                        ValueRange{thread, i32Const(b, loc, 1)});
      auto type =
          MemRefType::get({kMaxDynamicShared}, dyn.getType().getElementType());
      Value whole = staticMemRef(b, loc, type, base);
      replacement = memref::CastOp::create(b, loc, dyn.getType(), whole);
    } else if (isa<LLVM::Trap>(op)) {
      call(b, loc, "nl_emu_trap", {}, ValueRange{thread});
    } else if (auto print = dyn_cast<gpu::PrintfOp>(op)) {
      return rewritePrintf(b, print);
    } else if (auto shuffle = dyn_cast<gpu::ShuffleOp>(op)) {
      return rewriteShuffle(b, shuffle);
    } else if (auto mma = dyn_cast<NVVM::MmaOp>(op)) {
      return rewriteMma(b, mma);
    } else if (auto ld = dyn_cast<NVVM::LdMatrixOp>(op)) {
      return rewriteLdMatrix(b, ld);
    } else if (auto wgmma = dyn_cast<NVVM::WgmmaMmaAsyncOp>(op)) {
      return rewriteWgmma(b, wgmma);
    } else if (isa<NVVM::WgmmaFenceAlignedOp>(op)) {
      call(b, loc, "nl_emu_wgmma_fence", {}, ValueRange{thread});
    } else if (isa<NVVM::WgmmaGroupSyncAlignedOp>(op)) {
      call(b, loc, "nl_emu_wgmma_commit", {}, ValueRange{thread});
    } else if (auto wait = dyn_cast<NVVM::WgmmaWaitGroupSyncOp>(op)) {
      call(b, loc, "nl_emu_wgmma_wait", {},
           ValueRange{thread, i32Const(b, loc, wait.getGroup())});
    } else if (auto fence = dyn_cast<NVVM::FenceProxyOp>(op);
               fence && fence.getKind() == NVVM::ProxyKind::async_shared &&
               fence.getSpace() == NVVM::SharedSpace::shared_cta) {
      call(b, loc, "nl_emu_fence_proxy_async", {}, ValueRange{thread});
    } else if (auto toInt = dyn_cast<LLVM::PtrToIntOp>(op)) {
      return rewriteSharedAddress(b, toInt);
    } else if (isa<NVVM::MBarrierInitOp, NVVM::MBarrierInvalOp,
                   NVVM::MBarrierArriveExpectTxOp,
                   NVVM::MBarrierTryWaitParityOp,
                   NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp>(op)) {
      return rewriteMbarrierOrTma(b, op);
    } else {
      return op->emitError("cannot emulate `")
             << op->getName() << "` on the CPU (nlc --gpu-emulation)";
    }
    if (replacement)
      op->getResult(0).replaceAllUsesWith(replacement);
    op->erase();
    return success();
  }

  /// gpu.printf as a call of nl_emu_printf with the format in a constant
  /// global and the arguments as C passes them to a variadic function.
  LogicalResult rewritePrintf(OpBuilder &b, gpu::PrintfOp op) {
    Location loc = op.getLoc();
    std::string text = op.getFormat().str();
    text.push_back('\0');
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    LLVM::GlobalOp format;
    {
      OpBuilder gb = OpBuilder::atBlockEnd(module.getBody());
      format = LLVM::GlobalOp::create(
          gb, loc, type, /*isConstant=*/true, LLVM::Linkage::Private,
          ("nl_emu.format." + Twine(formats++)).str(), b.getStringAttr(text));
    }
    SmallVector<Value> args = {thread,
                               LLVM::AddressOfOp::create(b, loc, format)};
    for (Value v : op.getArgs()) {
      Type t = v.getType();
      if (t.isIndex())
        v = arith::IndexCastOp::create(b, loc, i64, v);
      else if (t.isF32() || t.isF16() || t.isBF16())
        v = arith::ExtFOp::create(b, loc, b.getF64Type(), v);
      else if (t.isInteger() && t.getIntOrFloatBitWidth() < 32)
        v = arith::ExtSIOp::create(b, loc, i32, v);
      else if (!t.isInteger(32) && !t.isInteger(64) && !t.isF64())
        return op.emitError("cannot emulate a printf of ") << t;
      args.push_back(v);
    }
    LLVM::CallOp::create(b, loc, printfDecl, args);
    op.erase();
    return success();
  }

  /// The integer of the generic address that `shared`, a pointer in the
  /// shared space, was cast from, as nlc-gpu-distribute-tiles makes it
  /// (llvm.inttoptr, llvm.addrspacecast), or null.
  static Value genericAddress(Value shared) {
    auto cast = shared.getDefiningOp<LLVM::AddrSpaceCastOp>();
    auto fromInt =
        cast ? cast.getArg().getDefiningOp<LLVM::IntToPtrOp>() : nullptr;
    return fromInt ? fromInt.getArg() : Value();
  }

  /// Erases the casts genericAddress looked through, once unused.
  static void eraseCasts(Value shared) {
    auto cast = shared.getDefiningOp<LLVM::AddrSpaceCastOp>();
    auto fromInt = cast.getArg().getDefiningOp<LLVM::IntToPtrOp>();
    if (cast->use_empty())
      cast.erase();
    if (fromInt->use_empty())
      fromInt.erase();
  }

  /// ldmatrix (m8n8, b16, not transposed) of the address
  /// nlc-gpu-distribute-tiles gives it: a shared-memory pointer cast from
  /// the integer of a generic one.
  LogicalResult rewriteLdMatrix(OpBuilder &b, NVVM::LdMatrixOp op) {
    Location loc = op.getLoc();
    Value address = genericAddress(op.getPtr());
    if (!address || op.getLayout() != NVVM::MMALayout::row ||
        op.getShape().getM() != 8 || op.getShape().getN() != 8 ||
        op.getEltType() != NVVM::LdStMatrixEltType::B16)
      return op.emitError("cannot emulate this form of ldmatrix");
    int64_t count = op.getNum();
    call(b, loc, "nl_emu_ldmatrix", {},
         ValueRange{thread, i32Const(b, loc, count), address});
    Value result;
    if (count == 1) {
      result = call(b, loc, "nl_emu_result", i32,
                    ValueRange{thread, i32Const(b, loc, 0)});
    } else {
      result = LLVM::UndefOp::create(b, loc, op.getRes().getType());
      for (int64_t i = 0; i < count; ++i)
        result = LLVM::InsertValueOp::create(
            b, loc, result,
            call(b, loc, "nl_emu_result", i32,
                 ValueRange{thread, i32Const(b, loc, i)}),
            ArrayRef<int64_t>{i});
    }
    Value shared = op.getPtr();
    op.getRes().replaceAllUsesWith(result);
    op.erase();
    eraseCasts(shared);
    return success();
  }

  /// A shared-memory address as an integer, of the form
  /// nlc-gpu-distribute-tiles makes for wgmma's descriptors: a generic
  /// address (an integer) cast to a pointer and to the shared space. Its
  /// offset in the block's shared memory here.
  LogicalResult rewriteSharedAddress(OpBuilder &b, LLVM::PtrToIntOp op) {
    Value address = genericAddress(op.getArg());
    if (!address || !op.getType().isInteger(64))
      return op.emitError("cannot emulate this shared-memory address");
    Value offset = call(b, op.getLoc(), "nl_emu_shared_offset", i64,
                        ValueRange{thread, address});
    Value shared = op.getArg();
    op.getResult().replaceAllUsesWith(offset);
    op.erase();
    eraseCasts(shared);
    return success();
  }

  /// An mbarrier operation or a TMA load (2-D tile) as
  /// nlc-gpu-distribute-tiles makes them: shared addresses cast from the
  /// integer of a generic one (a TMA destination once more, to the
  /// cluster's shared space), plain forms (no predicate, multicast, cache
  /// hint or result), become calls of the emulator with generic addresses.
  LogicalResult rewriteMbarrierOrTma(OpBuilder &b, Operation *op) {
    Location loc = op->getLoc();
    // The generic address under a pointer to shared memory, and the casts
    // to erase once it is used no more.
    SmallVector<Value> casts;
    auto addressOf = [&](Value shared) -> Value {
      while (auto cast = shared.getDefiningOp<LLVM::AddrSpaceCastOp>()) {
        casts.push_back(shared);
        shared = cast.getArg();
      }
      auto fromInt = shared.getDefiningOp<LLVM::IntToPtrOp>();
      if (!fromInt)
        return Value();
      casts.push_back(shared);
      return fromInt.getArg();
    };
    auto fail = [&]() {
      return op->emitError("cannot emulate this form of ") << op->getName();
    };
    if (auto init = dyn_cast<NVVM::MBarrierInitOp>(op)) {
      Value address = addressOf(init.getAddr());
      if (!address || init.getPredicate())
        return fail();
      call(b, loc, "nl_emu_mbarrier_init", {},
           ValueRange{thread, address, init.getCount()});
    } else if (auto inval = dyn_cast<NVVM::MBarrierInvalOp>(op)) {
      Value address = addressOf(inval.getAddr());
      if (!address)
        return fail();
      call(b, loc, "nl_emu_mbarrier_inval", {}, ValueRange{thread, address});
    } else if (auto arrive = dyn_cast<NVVM::MBarrierArriveExpectTxOp>(op)) {
      Value address = addressOf(arrive.getAddr());
      if (!address || arrive.getPredicate() || arrive.getRes() ||
          arrive.getRelaxed() || arrive.getScope() != NVVM::MemScopeKind::CTA)
        return fail();
      call(b, loc, "nl_emu_mbarrier_arrive_expect_tx", {},
           ValueRange{thread, address, arrive.getTxcount()});
    } else if (auto wait = dyn_cast<NVVM::MBarrierTryWaitParityOp>(op)) {
      Value address = addressOf(wait.getAddr());
      if (!address)
        return fail();
      call(b, loc, "nl_emu_mbarrier_wait", {},
           ValueRange{thread, address, wait.getPhase()});
    } else {
      auto tma = cast<NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp>(op);
      Value to = addressOf(tma.getDstMem());
      Value bar = addressOf(tma.getMbar());
      if (!to || !bar || tma.getCoordinates().size() != 2 ||
          !tma.getIm2colOffsets().empty() || tma.getMulticastMask() ||
          tma.getL2CacheHint() || tma.getPredicate() ||
          tma.getMode() != NVVM::TMALoadMode::TILE)
        return fail();
      call(b, loc, "nl_emu_tma_load", {},
           ValueRange{thread, to, tma.getTmaDescriptor(),
                      tma.getCoordinates()[0], tma.getCoordinates()[1], bar});
    }
    op->erase();
    // The casts, outermost first, once unused.
    for (Value shared : casts)
      if (Operation *def = shared.getDefiningOp(); def && def->use_empty())
        def->erase();
    return success();
  }

  /// wgmma.mma_async m64nNk16 bf16 into f32 (kind 0), m64nNk32 s8 into
  /// s32, wrapping (kind 1), or m64nNk16 f16 into f32 (kind 2), A K-major
  /// and B K-major or (bf16 and f16, layout `row`: imm-trans-b 1) N-major
  /// from descriptors, D accumulated: what
  /// nlc-gpu-distribute-tiles makes. The accumulators go
  /// through a buffer on the thread's stack (made once, in the entry
  /// block), which the emulator reads and writes.
  LogicalResult rewriteWgmma(OpBuilder &b, NVVM::WgmmaMmaAsyncOp op) {
    Location loc = op.getLoc();
    NVVM::MMAShapeAttr shape = op.getShape();
    int64_t kind = -1;
    if (op.getTypeA() == NVVM::WGMMATypes::bf16 &&
        op.getTypeB() == NVVM::WGMMATypes::bf16 &&
        op.getTypeD() == NVVM::WGMMATypes::f32 && shape.getK() == 16)
      kind = 0;
    else if (op.getTypeA() == NVVM::WGMMATypes::s8 &&
             op.getTypeB() == NVVM::WGMMATypes::s8 &&
             op.getTypeD() == NVVM::WGMMATypes::s32 && shape.getK() == 32 &&
             !op.getSatfinite())
      kind = 1;
    else if (op.getTypeA() == NVVM::WGMMATypes::f16 &&
             op.getTypeB() == NVVM::WGMMATypes::f16 &&
             op.getTypeD() == NVVM::WGMMATypes::f32 && shape.getK() == 16)
      kind = 2;
    auto type = cast<LLVM::LLVMStructType>(op.getResults().getType());
    int64_t count = type.getBody().size();
    if (kind < 0 || shape.getM() != 64 || count != shape.getN() / 2 ||
        op.getScaleD() != NVVM::WGMMAScaleOut::one ||
        op.getScaleA() != NVVM::WGMMAScaleIn::one ||
        op.getScaleB() != NVVM::WGMMAScaleIn::one ||
        op.getLayoutA() != NVVM::MMALayout::row ||
        (op.getLayoutB() != NVVM::MMALayout::col && kind == 1))
      return op.emitError("cannot emulate this form of wgmma.mma_async");
    Type element = type.getBody()[0];
    Value buffer;
    {
      OpBuilder eb = OpBuilder::atBlockBegin(entry);
      buffer = LLVM::AllocaOp::create(
          eb, loc, ptr, element,
          LLVM::ConstantOp::create(eb, loc, i64, eb.getI64IntegerAttr(count)));
    }
    auto at = [&](int64_t i) {
      return LLVM::GEPOp::create(b, loc, ptr, element, buffer,
                                 ArrayRef<LLVM::GEPArg>{int32_t(i)});
    };
    for (int64_t i = 0; i < count; ++i)
      LLVM::StoreOp::create(
          b, loc, LLVM::ExtractValueOp::create(b, loc, op.getInouts(), i),
          at(i));
    call(b, loc, "nl_emu_wgmma", {},
         ValueRange{thread, i32Const(b, loc, kind),
                    i32Const(b, loc, op.getLayoutB() == NVVM::MMALayout::row),
                    i32Const(b, loc, shape.getN()), op.getDescriptorA(),
                    op.getDescriptorB(), buffer});
    Value result = LLVM::UndefOp::create(b, loc, type);
    for (int64_t i = 0; i < count; ++i)
      result = LLVM::InsertValueOp::create(
          b, loc, result, LLVM::LoadOp::create(b, loc, element, at(i)),
          ArrayRef<int64_t>{i});
    op.getResults().replaceAllUsesWith(result);
    op.erase();
    return success();
  }

  LogicalResult rewriteShuffle(OpBuilder &b, gpu::ShuffleOp op) {
    Location loc = op.getLoc();
    Type type = op.getValue().getType();
    if (!type.isInteger(32) && !type.isF32())
      return op.emitError("cannot emulate a shuffle of ") << type;
    int64_t mode = 0;
    switch (op.getMode()) {
    case gpu::ShuffleMode::IDX:
      mode = 0;
      break;
    case gpu::ShuffleMode::UP:
      mode = 1;
      break;
    case gpu::ShuffleMode::DOWN:
      mode = 2;
      break;
    case gpu::ShuffleMode::XOR:
      mode = 3;
      break;
    }
    Value value = op.getValue();
    if (type.isF32())
      value = arith::BitcastOp::create(b, loc, i32, value);
    Value r = call(b, loc, "nl_emu_shuffle", i64,
                   ValueRange{thread, value, op.getOffset(), op.getWidth(),
                              i32Const(b, loc, mode)});
    Value result = arith::TruncIOp::create(b, loc, i32, r);
    if (type.isF32())
      result = arith::BitcastOp::create(b, loc, type, result);
    Value flag = arith::ShRUIOp::create(
        b, loc, r,
        LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(32)));
    Value valid = arith::TruncIOp::create(b, loc, b.getI1Type(), flag);
    op.getShuffleResult().replaceAllUsesWith(result);
    op.getValid().replaceAllUsesWith(valid);
    op.erase();
    return success();
  }

  /// mma.sync m16n8k16 bf16 into f32 (kind 0), m16n8k32 s8 into s32,
  /// wrapping (kind 1), or m16n8k16 f16 into f32 (kind 2), row-major A and
  /// column-major B: what nlc-gpu-distribute-tiles makes.
  LogicalResult rewriteMma(OpBuilder &b, NVVM::MmaOp op) {
    Location loc = op.getLoc();
    NVVM::MMAShapeAttr shape = op.getShape();
    auto types = [&](NVVM::MMATypes t) {
      return op.getMultiplicandAPtxType() == t &&
             op.getMultiplicandBPtxType() == t;
    };
    int64_t kind = -1;
    if (types(NVVM::MMATypes::bf16) && shape.getK() == 16)
      kind = 0;
    else if (types(NVVM::MMATypes::s8) && shape.getK() == 32 &&
             op.getIntOverflowBehavior() == NVVM::MMAIntOverflow::wrapped)
      kind = 1;
    else if (types(NVVM::MMATypes::f16) && shape.getK() == 16 &&
             op.getOperandC()[0].getType().isF32())
      kind = 2;
    if (kind < 0 || shape.getM() != 16 || shape.getN() != 8 ||
        op.getLayoutA() != NVVM::MMALayout::row ||
        op.getLayoutB() != NVVM::MMALayout::col ||
        op.getOperandA().size() != 4 || op.getOperandB().size() != 2 ||
        op.getOperandC().size() != 4)
      return op.emitError("cannot emulate this form of mma.sync");
    SmallVector<Value> args = {thread, i32Const(b, loc, kind)};
    auto bits = [&](Value v) -> Value {
      if (v.getType().isF32())
        return arith::BitcastOp::create(b, loc, i32, v);
      if (isa<VectorType>(v.getType())) // f16x2
        return LLVM::BitcastOp::create(b, loc, i32, v);
      return v;
    };
    for (Value v : op.getOperandA())
      args.push_back(bits(v));
    for (Value v : op.getOperandB())
      args.push_back(bits(v));
    for (Value v : op.getOperandC())
      args.push_back(bits(v));
    call(b, loc, "nl_emu_mma", {}, args);
    Type accType = op.getOperandC()[0].getType();
    Value result = LLVM::UndefOp::create(b, loc, op.getRes().getType());
    for (int64_t i = 0; i < 4; ++i) {
      Value d = call(b, loc, "nl_emu_result", i32,
                     ValueRange{thread, i32Const(b, loc, i)});
      if (accType.isF32())
        d = arith::BitcastOp::create(b, loc, accType, d);
      result =
          LLVM::InsertValueOp::create(b, loc, result, d, ArrayRef<int64_t>{i});
    }
    op.getRes().replaceAllUsesWith(result);
    op.erase();
    return success();
  }

  Type ptr, i32, i64;
  ModuleOp module;
  LLVM::LLVMFuncOp printfDecl;
  /// Formats of printfs so far, for their globals' names.
  int64_t formats = 0;
  /// The emulated kernel's thread argument and entry block, while it is
  /// built.
  Value thread;
  Block *entry = nullptr;
};

} // namespace
