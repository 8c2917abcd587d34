//===- ConvertLaunchToGPU.cpp - Launched kernels into a gpu.module --------===//
//
// Pass `convert-tile-launch-to-gpu` (see Passes.td).
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/NVPTX/NVPTXPasses.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

namespace nlc::nvptx {
#define GEN_PASS_DEF_CONVERTTILELAUNCHTOGPU
#include "lowering/Target/NVPTX/Passes.h.inc"
} // namespace nlc::nvptx

using namespace mlir;
namespace tl = nlc::tile;

std::string nlc::nvptx::sourcePosition(Location loc) {
  std::string text = "?";
  loc->walk([&](Location l) {
    if (auto file = dyn_cast<FileLineColLoc>(l)) {
      text = (file.getFilename().strref() + ":" + Twine(file.getLine()) +
              ":" + Twine(file.getColumn()))
                 .str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return text;
}

namespace {

/// `name` as a PTX identifier: letters, digits and `_` only (nlc's symbols
/// hold dots: `mod.kernel.map`), not starting with a digit, and not in
/// `taken`.
std::string ptxName(StringRef name, llvm::StringSet<> &taken) {
  std::string out;
  for (char c : name)
    out += llvm::isAlnum(c) || c == '_' ? c : '_';
  if (out.empty() || llvm::isDigit(out[0]))
    out.insert(out.begin(), '_');
  std::string unique = out;
  for (unsigned n = 1; !taken.insert(unique).second; ++n)
    unique = out + "_" + std::to_string(n);
  return unique;
}

/// The text of `ptr` when it is the address of a constant string global
/// of `module` and `len` a constant (how MLIRGen passes string literals),
/// else `fallback`.
std::string constantString(ModuleOp module, Value ptr, Value len,
                           StringRef fallback) {
  auto addr = ptr.getDefiningOp<LLVM::AddressOfOp>();
  IntegerAttr n;
  if (!addr || !matchPattern(len, m_Constant(&n)))
    return fallback.str();
  auto global = module.lookupSymbol<LLVM::GlobalOp>(addr.getGlobalName());
  auto text = global ? dyn_cast_or_null<StringAttr>(global.getValueOrNull())
                     : StringAttr();
  if (!text || n.getInt() < 0 || uint64_t(n.getInt()) > text.size())
    return fallback.str();
  return text.getValue().take_front(n.getInt()).str();
}

/// A kernel's checks end a CPU program through the runtime (nl_panic,
/// nl_tile_bounds_error), which a GPU cannot call: there they print their
/// message with the device's printf and trap, which fails the launch with
/// an error the runtime reports. Any other call is an error.
LogicalResult rewriteRuntimeCalls(ModuleOp module, func::FuncOp fn) {
  SmallVector<func::CallOp> calls;
  WalkResult result = fn.walk([&](CallOpInterface call) {
    auto direct = dyn_cast<func::CallOp>(call.getOperation());
    if (direct && (direct.getCallee() == "nl_panic" ||
                   direct.getCallee() == "nl_tile_bounds_error")) {
      calls.push_back(direct);
      return WalkResult::advance();
    }
    call->emitOpError("in kernel @")
        << fn.getSymName() << " calls a function that does not run on the GPU";
    return WalkResult::interrupt();
  });
  if (result.wasInterrupted())
    return failure();
  for (func::CallOp call : calls) {
    OpBuilder b(call);
    std::string what =
        call.getCallee() == "nl_panic"
            ? constantString(module, call.getOperand(0), call.getOperand(1),
                             "panic")
            : "a tile " +
                  constantString(module, call.getOperand(2),
                                 call.getOperand(3), "access") +
                  " wholly outside its view";
    std::string text = "error: kernel " + fn.getSymName().str() + " at " +
                       nlc::nvptx::sourcePosition(call.getLoc()) + ": " + what;
    std::string format;
    for (char c : text)
      format += c == '%' ? std::string("%%") : std::string(1, c);
    format += " (block %u, %u, %u)\n";
    SmallVector<Value, 3> ids;
    for (auto d : {gpu::Dimension::x, gpu::Dimension::y, gpu::Dimension::z})
      ids.push_back(arith::IndexCastOp::create(
          b, call.getLoc(), b.getI32Type(),
          gpu::BlockIdOp::create(b, call.getLoc(), d)));
    gpu::PrintfOp::create(b, call.getLoc(), b.getStringAttr(format), ids);
    LLVM::Trap::create(b, call.getLoc());
    SmallVector<Value> operands(call.getOperands());
    call.erase();
    // The strings stay in the host module: no address of them may remain.
    for (Value v : operands)
      if (auto addr = v.getDefiningOp<LLVM::AddressOfOp>();
          addr && addr->use_empty())
        addr.erase();
  }
  return success();
}

gpu::Dimension dimension(uint64_t axis) {
  return axis == 0 ? gpu::Dimension::x
                   : axis == 1 ? gpu::Dimension::y : gpu::Dimension::z;
}

struct ConvertTileLaunchToGPU
    : nlc::nvptx::impl::ConvertTileLaunchToGPUBase<ConvertTileLaunchToGPU> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    llvm::SetVector<func::FuncOp> kernels;
    if (failed(nlc::cpu::findLaunchedKernels(module, symbols, kernels)))
      return signalPassFailure();
    if (kernels.empty())
      return;
    for (func::FuncOp fn : kernels)
      if (failed(rewriteRuntimeCalls(module, fn)))
        return signalPassFailure();

    MLIRContext *ctx = &getContext();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(ctx));
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto gpuModule =
        gpu::GPUModuleOp::create(b, module.getLoc(), nlc::nvptx::kKernelModuleName);
    llvm::StringSet<> taken;
    llvm::DenseMap<func::FuncOp, gpu::GPUFuncOp> moved;
    for (func::FuncOp fn : kernels) {
      b.setInsertionPointToEnd(gpuModule.getBody());
      auto gfn = gpu::GPUFuncOp::create(b, fn.getLoc(),
                                        ptxName(fn.getSymName(), taken),
                                        fn.getFunctionType());
      gfn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                   UnitAttr::get(ctx));
      // The source name, for messages of the runtime.
      gfn->setAttr("nlc.source_name", fn.getSymNameAttr());
      Region &body = gfn.getBody();
      body.getBlocks().clear();
      body.takeBody(fn.getBody());
      body.walk([&](Operation *op) {
        OpBuilder ob(op);
        if (auto ret = dyn_cast<func::ReturnOp>(op)) {
          gpu::ReturnOp::create(ob, ret.getLoc());
          ret.erase();
        } else if (auto pid = dyn_cast<tl::ProgramIdOp>(op)) {
          pid.replaceAllUsesWith(gpu::BlockIdOp::create(
              ob, pid.getLoc(), dimension(pid.getAxis()))
                                     .getResult());
          pid.erase();
        } else if (auto n = dyn_cast<tl::NumProgramsOp>(op)) {
          n.replaceAllUsesWith(
              gpu::GridDimOp::create(ob, n.getLoc(), dimension(n.getAxis()))
                  .getResult());
          n.erase();
        }
      });
      moved[fn] = gfn;
    }

    module.walk([&](tl::LaunchOp launch) {
      Location loc = launch.getLoc();
      b.setInsertionPoint(launch);
      auto fn = symbols.lookup<func::FuncOp>(launch.getKernel());
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      SmallVector<Value, 3> grid(launch.getGrid());
      grid.resize(3, one);
      gpu::LaunchFuncOp::create(b, loc, moved[fn],
                                gpu::KernelDim3{grid[0], grid[1], grid[2]},
                                gpu::KernelDim3{one, one, one},
                                /*dynamicSharedMemorySize=*/Value(),
                                launch.getArgs());
      launch.erase();
    });
    for (func::FuncOp fn : kernels)
      fn.erase();
  }
};

} // namespace
