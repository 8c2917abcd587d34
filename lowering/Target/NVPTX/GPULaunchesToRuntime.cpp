//===- GPULaunchesToRuntime.cpp - PTX in the host, launches as calls ------===//
//
// Pass `nlc-gpu-launches-to-runtime` (see Passes.td). The runtime's side is
// nl_gpu_launch (runtime/hosted/gpu.c).
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/Codegen.h"
#include "lowering/Target/NVPTX/NVPTXPasses.h"
#include "lowering/Target/TargetInfo.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>

namespace nlc::nvptx {
#define GEN_PASS_DEF_GPULAUNCHESTORUNTIME
#include "lowering/Target/NVPTX/Passes.h.inc"
} // namespace nlc::nvptx

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kLaunch = "nl_gpu_launch";
constexpr llvm::StringLiteral kLaunchTma = "nl_gpu_launch_tma";

struct GPULaunchesToRuntime
    : nlc::nvptx::impl::GPULaunchesToRuntimeBase<GPULaunchesToRuntime> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> gpuModules(
        module.getOps<gpu::GPUModuleOp>());
    if (gpuModules.empty())
      return;
    std::optional<nlc::TargetInfo> target = nlc::getModuleTarget(module);
    if (!target) {
      module.emitError("has no `nlc.target` to compile its kernels for");
      return signalPassFailure();
    }
    ctx = &getContext();
    records.clear();
    tensorMaps.clear();
    ptrType = LLVM::LLVMPointerType::get(ctx);
    i32 = IntegerType::get(ctx, 32);
    i64 = IntegerType::get(ctx, 64);
    mapType = LLVM::LLVMStructType::getLiteral(ctx, {i32, i32, i64, i64, i32});
    tensorMapType = LLVM::LLVMStructType::getLiteral(
        ctx, {i32, i32, i32, i32, i32, i32, i32, i32, i64, i64, i64, i64});
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    if (!module.lookupSymbol(kLaunch))
      LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kLaunch,
          LLVM::LLVMFunctionType::get(
              LLVM::LLVMVoidType::get(ctx),
              {ptrType, i64, i64, i64, i32, i32, ptrType, i32, ptrType, i32}));
    if (!module.lookupSymbol(kLaunchTma))
      LLVM::LLVMFuncOp::create(b, module.getLoc(), kLaunchTma,
                               LLVM::LLVMFunctionType::get(
                                   LLVM::LLVMVoidType::get(ctx),
                                   {ptrType, i64, i64, i64, i32, i32, ptrType,
                                    i32, ptrType, i32, ptrType, i32}));
    SymbolTable table(module);
    symbols = &table;

    for (gpu::GPUModuleOp gm : gpuModules) {
      std::string ptx, error;
      if (!nlc::nvptx::emitPTX(gm, *target, optLevel, ptx, error)) {
        gm.emitError("cannot compile the kernels for ")
            << target->cpu << ": " << error;
        return signalPassFailure();
      }
      LLVM::GlobalOp image =
          addString(b, gm.getLoc(), (gm.getName() + ".ptx").str(), ptx);
      LLVM::GlobalOp cubin;
      if (auto ptxas =
              module->getAttrOfType<StringAttr>(nlc::nvptx::kPtxasAttr)) {
        std::string bytes;
        if (!runPtxas(ptxas.getValue(), target->cpu, ptx, bytes, error)) {
          // At the module's first kernel, which has a place in the source.
          Operation *at = gm;
          for (auto fn : gm.getOps<LLVM::LLVMFuncOp>())
            if (!fn.isExternal()) {
              at = fn;
              break;
            }
          at->emitError("ptxas cannot compile the kernels for ")
              << target->cpu << ": " << error;
          return signalPassFailure();
        }
        cubin =
            addString(b, gm.getLoc(), (gm.getName() + ".cubin").str(), bytes);
      }
      for (auto fn : gm.getOps<LLVM::LLVMFuncOp>())
        if (!fn.isExternal()) {
          std::pair<std::string, std::string> key = {gm.getName().str(),
                                                     fn.getName().str()};
          records[key] = addRecord(b, image, cubin, fn);
          if (auto maps =
                  fn->getAttrOfType<ArrayAttr>(nlc::nvptx::kTensorMapsAttr))
            tensorMaps[key] = maps;
        }
    }

    WalkResult result = module.walk([&](gpu::LaunchFuncOp launch) {
      if (failed(lowerLaunch(launch)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    for (gpu::GPUModuleOp gm : gpuModules)
      gm.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }

private:
  /// Runs `ptxas` on `ptx` for `chip`; the cubin into `cubin`, or false
  /// with ptxas's complaint (its first lines) in `error`.
  static bool runPtxas(StringRef ptxas, StringRef chip, StringRef ptx,
                       std::string &cubin, std::string &error) {
    SmallString<128> in, out;
    int fd;
    if (llvm::sys::fs::createTemporaryFile("nlc-ptxas", "ptx", fd, in) ||
        llvm::sys::fs::createTemporaryFile("nlc-ptxas", "cubin", out)) {
      error = "cannot create a temporary file";
      return false;
    }
    llvm::FileRemover removeIn(in), removeOut(out);
    {
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
      os << ptx;
    }
    std::string log;
    int status = nlc::runProgram(ptxas,
                                 {ptxas.str(), ("-arch=" + chip).str(),
                                  in.str().str(), "-o", out.str().str()},
                                 log);
    auto bytes = llvm::MemoryBuffer::getFile(out, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false);
    if (status == 0 && bytes && (*bytes)->getBufferSize() > 0) {
      cubin = (*bytes)->getBuffer().str();
      return true;
    }
    // Its first lines: enough to say what it refused.
    error = (ptxas + " failed").str();
    SmallVector<StringRef> lines;
    StringRef(log).split(lines, '\n', -1, /*KeepEmpty=*/false);
    for (StringRef line : ArrayRef(lines).take_front(4))
      error += "\n  " + line.str();
    return false;
  }

  /// A private constant global holding `text` and a NUL.
  LLVM::GlobalOp addString(OpBuilder &b, Location loc, StringRef name,
                           StringRef text) {
    std::string bytes = text.str();
    bytes.push_back('\0');
    auto type = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8),
                                         bytes.size());
    auto global = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                         LLVM::Linkage::Private, name,
                                         b.getStringAttr(bytes));
    symbols->insert(global);
    return global;
  }

  /// The `NlGpuKernel` record of `fn`, an entry of the PTX `image` (and of
  /// `cubin`, or none): { image, name, where, function = null, cubin }.
  LLVM::GlobalOp addRecord(OpBuilder &b, LLVM::GlobalOp image,
                           LLVM::GlobalOp cubin, LLVM::LLVMFuncOp fn) {
    Location loc = fn.getLoc();
    std::string prefix = ("nl_gpu." + fn.getName()).str();
    LLVM::GlobalOp name = addString(b, loc, prefix + ".name", fn.getName());
    // Messages name the kernel as the source does where its PTX name
    // differs (`mod.k.map` for `mod_k_map`).
    std::string position = nlc::nvptx::sourcePosition(loc);
    if (auto source = fn->getAttrOfType<StringAttr>("nlc.source_name");
        source && source.getValue() != fn.getName())
      position = (source.getValue() + " at " + position).str();
    LLVM::GlobalOp where = addString(b, loc, prefix + ".where", position);
    auto type = LLVM::LLVMStructType::getLiteral(
        ctx, {ptrType, ptrType, ptrType, ptrType, ptrType});
    auto record = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/false,
                                         LLVM::Linkage::Internal, prefix,
                                         Attribute());
    symbols->insert(record);
    OpBuilder ib(ctx);
    ib.setInsertionPointToStart(&record.getInitializerRegion().emplaceBlock());
    Value value = LLVM::UndefOp::create(ib, loc, type);
    SmallVector<Value, 4> fields;
    for (LLVM::GlobalOp g : {image, name, where})
      fields.push_back(LLVM::AddressOfOp::create(ib, loc, g));
    fields.push_back(LLVM::ZeroOp::create(ib, loc, ptrType));
    fields.push_back(cubin ? Value(LLVM::AddressOfOp::create(ib, loc, cubin))
                           : Value(LLVM::ZeroOp::create(ib, loc, ptrType)));
    for (auto [i, f] : llvm::enumerate(fields))
      value = LLVM::InsertValueOp::create(ib, loc, value, f, i);
    LLVM::ReturnOp::create(ib, loc, value);
    return record;
  }

  /// `v` (an integer, float or index) as the i64 of its parameter slot: the
  /// value in the low bytes (little-endian), as the kernel reads it.
  Value toSlot(OpBuilder &b, Location loc, Value v) {
    Type t = v.getType();
    if (t.isIndex())
      return arith::IndexCastOp::create(b, loc, i64, v);
    if (auto f = dyn_cast<FloatType>(t)) {
      v = arith::BitcastOp::create(b, loc, b.getIntegerType(f.getWidth()), v);
      t = v.getType();
    }
    if (t.getIntOrFloatBitWidth() < 64)
      v = arith::ExtUIOp::create(b, loc, i64, v);
    return v;
  }

  Value i32Const(OpBuilder &b, Location loc, int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(v));
  }

  LogicalResult lowerLaunch(gpu::LaunchFuncOp launch) {
    Location loc = launch.getLoc();
    auto it = records.find({launch.getKernelModuleName().getValue().str(),
                            launch.getKernelName().getValue().str()});
    if (it == records.end())
      return launch.emitOpError("launches a kernel that was not compiled");
    OpBuilder b(launch);

    // Which views the kernel may write (nlc-gpu-distribute-tiles).
    ArrayRef<bool> written;
    if (auto mark = launch->getAttrOfType<DenseBoolArrayAttr>(
            nlc::nvptx::kWrittenViewsAttr))
      written = mark.asArrayRef();
    // The tensor maps the kernel takes, by argument (kTensorMapsAttr).
    DenseMap<int64_t, ArrayRef<int64_t>> tensorMapOf;
    if (auto maps = tensorMaps.find(it->first); maps != tensorMaps.end())
      for (Attribute m : maps->second) {
        auto list = dyn_cast<DenseI64ArrayAttr>(m);
        if (!list || list.size() != 7)
          return launch.emitOpError("has a malformed tensor map list");
        ArrayRef<int64_t> entry = list.asArrayRef();
        tensorMapOf[entry[0]] = entry;
      }
    // The kernel's parameters as its lowered signature has them, and for
    // each memref the bytes it can reach from its aligned pointer. A tensor
    // map's parameter is its own 128 bytes (`mapSlots`), not a value.
    SmallVector<Value> params;
    DenseMap<unsigned, int64_t> mapSlots;
    struct Map {
      unsigned allocated;
      Value lo, hi;
    };
    SmallVector<Map> maps;
    // For each operand that is a memref, its map's index.
    DenseMap<unsigned, unsigned> mapOfOperand;
    for (auto [operand, arg] : llvm::enumerate(launch.getKernelOperands())) {
      if (tensorMapOf.count(operand)) {
        mapSlots[params.size()] = operand;
        params.push_back(Value());
        continue;
      }
      auto memref = dyn_cast<MemRefType>(arg.getType());
      if (memref)
        mapOfOperand[operand] = maps.size();
      if (!memref) {
        if (!arg.getType().isIntOrIndexOrFloat())
          return launch.emitOpError("passes a ")
                 << arg.getType() << " to a GPU kernel";
        params.push_back(toSlot(b, loc, arg));
        continue;
      }
      unsigned rank = memref.getRank();
      auto meta = memref::ExtractStridedMetadataOp::create(b, loc, arg);
      Value aligned =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, arg);
      Map map;
      map.allocated = params.size();
      // The kernel never reads the allocated pointer: the aligned one
      // stands in for it.
      params.push_back(toSlot(b, loc, aligned));
      params.push_back(toSlot(b, loc, aligned));
      params.push_back(toSlot(b, loc, meta.getOffset()));
      for (Value size : meta.getSizes())
        params.push_back(toSlot(b, loc, size));
      for (Value stride : meta.getStrides())
        params.push_back(toSlot(b, loc, stride));
      // Elements [offset, offset + sum((size - 1) * stride) + 1), none when
      // a size is 0.
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      Value last = meta.getOffset();
      Value empty = arith::ConstantIntOp::create(b, loc, 0, 1);
      for (unsigned d = 0; d < rank; ++d) {
        Value size = meta.getSizes()[d];
        Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             size, zero);
        empty = arith::OrIOp::create(b, loc, empty, isZero);
        Value steps = arith::SubIOp::create(b, loc, size, one);
        last = arith::AddIOp::create(
            b, loc, last,
            arith::MulIOp::create(b, loc, steps, meta.getStrides()[d]));
      }
      Value bytes = arith::ConstantIndexOp::create(
          b, loc, (memref.getElementTypeBitWidth() + 7) / 8);
      Value lo = arith::MulIOp::create(b, loc, meta.getOffset(), bytes);
      Value hi = arith::MulIOp::create(
          b, loc, arith::AddIOp::create(b, loc, last, one), bytes);
      hi = arith::SelectOp::create(b, loc, empty, lo, hi);
      map.lo = toSlot(b, loc, lo);
      map.hi = toSlot(b, loc, hi);
      maps.push_back(map);
    }

    // Launch-private arrays at the start of the function, so that a
    // launch in a loop does not grow the stack.
    auto fn = launch->getParentOfType<FunctionOpInterface>();
    OpBuilder eb(ctx);
    eb.setInsertionPointToStart(&fn.getFunctionBody().front());
    auto count = [&](size_t n) {
      return LLVM::ConstantOp::create(eb, loc, i64,
                                      eb.getI64IntegerAttr(std::max<size_t>(n, 1)));
    };
    Value slots = LLVM::AllocaOp::create(eb, loc, ptrType, i64,
                                         count(params.size()));
    Value pointers = LLVM::AllocaOp::create(eb, loc, ptrType, ptrType,
                                            count(params.size()));
    Value mapArray =
        LLVM::AllocaOp::create(eb, loc, ptrType, mapType, count(maps.size()));

    for (auto [k, v] : llvm::enumerate(params)) {
      Value slot;
      if (v) {
        slot = LLVM::GEPOp::create(b, loc, ptrType, i64, slots,
                                   ArrayRef<LLVM::GEPArg>{int32_t(k)});
        LLVM::StoreOp::create(b, loc, v, slot);
      } else {
        // A CUtensorMap: 128 bytes on 64, which the runtime fills.
        slot = LLVM::AllocaOp::create(eb, loc, ptrType, i64, count(16), 64);
      }
      Value entry = LLVM::GEPOp::create(b, loc, ptrType, ptrType, pointers,
                                        ArrayRef<LLVM::GEPArg>{int32_t(k)});
      LLVM::StoreOp::create(b, loc, slot, entry);
    }
    // The tensor maps' requests (NlGpuTensorMap), from their views'
    // metadata.
    Value tensorMapArray;
    if (!mapSlots.empty()) {
      tensorMapArray = LLVM::AllocaOp::create(eb, loc, ptrType, tensorMapType,
                                              count(mapSlots.size()));
      SmallVector<std::pair<unsigned, int64_t>> ordered(mapSlots.begin(),
                                                        mapSlots.end());
      llvm::sort(ordered);
      for (auto [k, slotAndOperand] : llvm::enumerate(ordered)) {
        auto [param, operand] = slotAndOperand;
        ArrayRef<int64_t> entry = tensorMapOf[operand];
        auto view = mapOfOperand.find(entry[1]);
        if (view == mapOfOperand.end())
          return launch.emitOpError("has a tensor map of operand ")
                 << entry[1] << ", which is not a memref";
        Value memref = launch.getKernelOperands()[entry[1]];
        if (cast<MemRefType>(memref.getType()).getRank() != 2)
          return launch.emitOpError("has a tensor map of a view not 2-D");
        auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
        auto field = [&](int32_t f) {
          return LLVM::GEPOp::create(b, loc, ptrType, tensorMapType,
                                     tensorMapArray,
                                     ArrayRef<LLVM::GEPArg>{int32_t(k), f});
        };
        SmallVector<Value> fields = {i32Const(b, loc, param),
                                     i32Const(b, loc, view->second),
                                     i32Const(b, loc, entry[4]),
                                     i32Const(b, loc, entry[5]),
                                     i32Const(b, loc, entry[2]),
                                     i32Const(b, loc, entry[3]),
                                     i32Const(b, loc, entry[6]),
                                     i32Const(b, loc, 0),
                                     toSlot(b, loc, meta.getOffset()),
                                     toSlot(b, loc, meta.getSizes()[0]),
                                     toSlot(b, loc, meta.getSizes()[1]),
                                     toSlot(b, loc, meta.getStrides()[0])};
        for (auto [f, v] : llvm::enumerate(fields))
          LLVM::StoreOp::create(b, loc, v, field(f));
      }
    }
    for (auto [k, map] : llvm::enumerate(maps)) {
      auto field = [&](int32_t f) {
        return LLVM::GEPOp::create(b, loc, ptrType, mapType, mapArray,
                                   ArrayRef<LLVM::GEPArg>{int32_t(k), f});
      };
      LLVM::StoreOp::create(b, loc, i32Const(b, loc, map.allocated), field(0));
      LLVM::StoreOp::create(b, loc, i32Const(b, loc, map.allocated + 1),
                            field(1));
      LLVM::StoreOp::create(b, loc, map.lo, field(2));
      LLVM::StoreOp::create(b, loc, map.hi, field(3));
      // Without the mark, a view may be written.
      bool mayWrite = k >= written.size() || written[k];
      LLVM::StoreOp::create(b, loc, i32Const(b, loc, mayWrite), field(4));
    }

    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    Value threads = arith::MulIOp::create(
        b, loc, arith::MulIOp::create(b, loc, block.x, block.y), block.z);
    Value record = LLVM::AddressOfOp::create(b, loc, it->second);
    Value shared = launch.getDynamicSharedMemorySize();
    if (!shared)
      shared = i32Const(b, loc, 0);
    SmallVector<Value> args = {record,
                               toSlot(b, loc, grid.x),
                               toSlot(b, loc, grid.y),
                               toSlot(b, loc, grid.z),
                               arith::IndexCastOp::create(b, loc, i32, threads),
                               shared,
                               pointers,
                               i32Const(b, loc, params.size()),
                               mapArray,
                               i32Const(b, loc, maps.size())};
    if (tensorMapArray) {
      args.push_back(tensorMapArray);
      args.push_back(i32Const(b, loc, mapSlots.size()));
    }
    LLVM::CallOp::create(b, loc, TypeRange{},
                         tensorMapArray ? kLaunchTma : kLaunch, args);
    launch.erase();
    return success();
  }

  MLIRContext *ctx = nullptr;
  Type ptrType, i32, i64, mapType, tensorMapType;
  /// The kTensorMapsAttr of each (gpu.module, kernel) that has one.
  std::map<std::pair<std::string, std::string>, ArrayAttr> tensorMaps;
  /// The module's, during runOnOperation.
  SymbolTable *symbols = nullptr;
  /// The `NlGpuKernel` record of each (gpu.module, kernel).
  std::map<std::pair<std::string, std::string>, LLVM::GlobalOp> records;
};

} // namespace
