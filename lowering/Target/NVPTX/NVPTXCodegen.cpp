//===- NVPTXCodegen.cpp - Kernels to PTX ----------------------------------===//
//
// emitPTX (NVPTXPasses.h): a gpu.module in the LLVM and NVVM dialects to
// LLVM IR, libdevice linked where the code calls it, LLVM's optimization
// pipeline and the NVPTX backend's assembly printer.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/NVPTX/NVPTXPasses.h"
#include "lowering/Target/Codegen.h"
#include "lowering/Target/TargetInfo.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Transforms/IPO/Internalize.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

namespace nlc::nvptx {

/// libdevice of the CUDA toolkit at $CUDA_PATH, else /usr/local/cuda.
static std::string libdevicePath() {
  std::optional<std::string> root = llvm::sys::Process::GetEnv("CUDA_PATH");
  llvm::SmallString<128> path(root && !root->empty() ? *root
                                                     : "/usr/local/cuda");
  llvm::sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
  return std::string(path);
}

/// Links the libdevice functions `module` declares (`__nv_*`: math ops
/// MLIR's GPU lowering leaves to libdevice) into it.
static bool linkLibdevice(llvm::Module &module, std::string &error) {
  std::string needed;
  for (llvm::Function &f : module)
    if (f.isDeclaration() && f.getName().starts_with("__nv_")) {
      needed = f.getName().str();
      break;
    }
  if (needed.empty())
    return true;
  std::string path = libdevicePath();
  llvm::SMDiagnostic diag;
  std::unique_ptr<llvm::Module> lib =
      llvm::parseIRFile(path, diag, module.getContext());
  if (!lib) {
    error = "the kernels call `" + needed +
            "`, which comes from CUDA's libdevice, and " + path +
            " cannot be read (set CUDA_PATH to the CUDA toolkit)";
    return false;
  }
  lib->setTargetTriple(module.getTargetTriple());
  lib->setDataLayout(module.getDataLayout());
  // What is linked in is internal, so that it is inlined or dropped.
  auto internalize = [](llvm::Module &m, const llvm::StringSet<> &linked) {
    llvm::internalizeModule(m, [&](const llvm::GlobalValue &gv) {
      return !gv.hasName() || !linked.contains(gv.getName());
    });
  };
  if (llvm::Linker::linkModules(module, std::move(lib),
                                llvm::Linker::LinkOnlyNeeded, internalize)) {
    error = "cannot link " + path + " into the kernels";
    return false;
  }
  return true;
}

/// `target`'s features with a PTX version where they name none: LLVM's
/// default is the oldest PTX the chip accepts, which before sm_90 (PTX 8.0)
/// lacks `stacksave` (7.3), which the reference lowering's per-iteration
/// tile buffers use. 7.8 is the newest before 8.0 (CUDA 11.8).
static std::string withPTXVersion(const TargetInfo &target) {
  if (llvm::StringRef(target.features).contains("+ptx"))
    return target.features;
  unsigned sm = 0;
  if (llvm::StringRef(target.cpu).starts_with("sm_"))
    llvm::StringRef(target.cpu).drop_front(3).take_while(llvm::isDigit)
        .getAsInteger(10, sm);
  if (sm >= 90)
    return target.features;
  return target.features.empty() ? "+ptx78" : target.features + ",+ptx78";
}

/// The tensor-map arguments of each kernel (kTensorMapsAttr: its last
/// ones, which the lowering to the LLVM dialect leaves one pointer each,
/// last) are CUtensorMaps passed by value: 128 bytes on 64 in the parameter
/// space, `__grid_constant__`, so that TMA reads them where they are (that
/// lowering keeps only `llvm.*` argument attributes, so they are set here).
static bool passTensorMapsByValue(mlir::gpu::GPUModuleOp kernels,
                                  std::string &error) {
  mlir::MLIRContext *ctx = kernels.getContext();
  for (auto fn : kernels.getOps<mlir::LLVM::LLVMFuncOp>()) {
    auto maps = fn->getAttrOfType<mlir::ArrayAttr>(kTensorMapsAttr);
    if (!maps)
      continue;
    unsigned first = fn.getNumArguments() - maps.size();
    for (unsigned arg = first; arg < fn.getNumArguments(); ++arg) {
      if (!llvm::isa<mlir::LLVM::LLVMPointerType>(
              fn.getArgument(arg).getType())) {
        error = "kernel " + fn.getName().str() +
                " does not end with its tensor-map arguments";
        return false;
      }
      fn.setArgAttr(arg, mlir::LLVM::LLVMDialect::getByValAttrName(),
                    mlir::TypeAttr::get(mlir::LLVM::LLVMArrayType::get(
                        mlir::IntegerType::get(ctx, 8), 128)));
      fn.setArgAttr(
          arg, mlir::LLVM::LLVMDialect::getAlignAttrName(),
          mlir::IntegerAttr::get(mlir::IntegerType::get(ctx, 64), 64));
      fn.setArgAttr(arg, mlir::NVVM::NVVMDialect::getGridConstantAttrName(),
                    mlir::UnitAttr::get(ctx));
    }
  }
  return true;
}

bool emitPTX(mlir::gpu::GPUModuleOp kernels, const TargetInfo &target,
             unsigned optLevel, std::string &ptx, std::string &error) {
  if (!passTensorMapsByValue(kernels, error))
    return false;
  CodegenOptions opts;
  opts.optLevel = optLevel;
  opts.triple = target.triple;
  opts.cpu = target.cpu;
  opts.features = withPTXVersion(target);
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(opts, error);
  if (!machine)
    return false;
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> module =
      mlir::translateModuleToLLVMIR(kernels, ctx, kernels.getName());
  if (!module) {
    error = "cannot translate the kernels to LLVM IR";
    return false;
  }
  module->setTargetTriple(machine->getTargetTriple());
  module->setDataLayout(machine->createDataLayout());
  if (!linkLibdevice(*module, error))
    return false;
  optimizeModule(*module, *machine, optLevel);
  llvm::SmallString<0> text;
  llvm::raw_svector_ostream os(text);
  if (!emitCode(*module, *machine, os, /*asmOutput=*/true, error))
    return false;
  ptx = std::string(text);
  return true;
}

} // namespace nlc::nvptx
