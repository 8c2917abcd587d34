//===- Codegen.cpp - LLVM IR, optimization, objects, linking --------------===//
//
// Code generation through LLVM's own APIs; hosted executables are linked
// through the clang driver (which knows the platform's C runtime start
// files), unikernel images by ld.lld with the runtime's linker script.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/Codegen.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#ifndef NLC_CLANG_PATH
#define NLC_CLANG_PATH "clang"
#endif
#ifndef NLC_LLD_PATH
#define NLC_LLD_PATH "ld.lld"
#endif

namespace nlc {

std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CodegenOptions &opts, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string tripleName =
      opts.triple.empty() ? llvm::sys::getDefaultTargetTriple() : opts.triple;
  llvm::Triple triple(tripleName);
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  llvm::TargetOptions to;
  // Constructors (the --profile registration) go to .init_array, which both
  // the hosted C runtime and the unikernel's start code run.
  to.UseInitArray = true;
  auto level = opts.optLevel == 0   ? llvm::CodeGenOptLevel::None
               : opts.optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : opts.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                    : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, opts.cpu.empty() ? "x86-64" : opts.cpu, "", to,
      opts.bareMetal ? llvm::Reloc::Static : llvm::Reloc::PIC_, std::nullopt,
      level));
  if (!tm)
    error = "cannot create a target machine for " + tripleName;
  return tm;
}

std::unique_ptr<llvm::Module> translateToLLVMIR(mlir::ModuleOp module,
                                                llvm::LLVMContext &ctx,
                                                llvm::TargetMachine &tm) {
  std::unique_ptr<llvm::Module> m = mlir::translateModuleToLLVMIR(module, ctx);
  if (!m)
    return nullptr;
  m->setTargetTriple(tm.getTargetTriple());
  m->setDataLayout(tm.createDataLayout());
  return m;
}

void addTargetAttributes(llvm::Module &module, const CodegenOptions &opts) {
  if (!opts.bareMetal)
    return;
  for (llvm::Function &f : module)
    f.addFnAttr(llvm::Attribute::NoRedZone);
}

void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                    unsigned optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = optLevel == 0
                                    ? pb.buildO0DefaultPipeline(level)
                                    : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

bool emitCode(llvm::Module &module, llvm::TargetMachine &tm,
              llvm::raw_pwrite_stream &out, bool asmOutput,
              std::string &error) {
  llvm::legacy::PassManager pm;
  auto kind = asmOutput ? llvm::CodeGenFileType::AssemblyFile
                        : llvm::CodeGenFileType::ObjectFile;
  if (tm.addPassesToEmitFile(pm, out, nullptr, kind)) {
    error = "the target cannot emit this file type";
    return false;
  }
  pm.run(module);
  return true;
}

bool linkExecutable(const std::vector<std::string> &objects,
                    const std::string &runtimeLib, const std::string &output,
                    bool openmp, std::string &error) {
  llvm::ErrorOr<std::string> clang = llvm::sys::findProgramByName(NLC_CLANG_PATH);
  if (!clang) {
    error = "cannot find the linker driver `" + std::string(NLC_CLANG_PATH) +
            "`";
    return false;
  }
  std::vector<std::string> args = {*clang};
  args.insert(args.end(), objects.begin(), objects.end());
  args.insert(args.end(), {runtimeLib, "-lm", "-o", output});
  if (openmp) {
    // libomp lives in LLVM's lib folder, outside the loader's default path.
    std::string libDir =
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(*clang))
            .str() +
        "/lib";
    args.insert(args.end(), {"-fopenmp", "-Wl,-rpath," + libDir});
  }
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  int rc = llvm::sys::ExecuteAndWait(*clang, refs, std::nullopt, {}, 0, 0,
                                     &error);
  if (rc != 0) {
    if (error.empty())
      error = "linking failed (clang exited with status " +
              std::to_string(rc) + ")";
    return false;
  }
  return true;
}

bool linkBareImage(const std::vector<std::string> &objects,
                   const std::string &libDir, const std::string &output,
                   std::string &error) {
  llvm::ErrorOr<std::string> lld = llvm::sys::findProgramByName(NLC_LLD_PATH);
  if (!lld) {
    error = "cannot find the linker `" + std::string(NLC_LLD_PATH) +
            "` (install lld-22)";
    return false;
  }
  // The boot stub comes first; --gc-sections drops what the program does not
  // use (the linker script keeps the PVH note and the constructors).
  std::vector<std::string> args = {*lld,
                                   "-T",
                                   libDir + "/nlrt_bare.ld",
                                   "--gc-sections",
                                   "-z",
                                   "max-page-size=4096",
                                   "-static",
                                   "-nostdlib",
                                   "-o",
                                   output,
                                   libDir + "/nlrt_bare_boot.o"};
  args.insert(args.end(), objects.begin(), objects.end());
  args.push_back(libDir + "/libnlrt_bare.a");
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  int rc =
      llvm::sys::ExecuteAndWait(*lld, refs, std::nullopt, {}, 0, 0, &error);
  if (rc != 0) {
    if (error.empty())
      error = "linking the image failed (ld.lld exited with status " +
              std::to_string(rc) + ")";
    return false;
  }
  return true;
}

} // namespace nlc
