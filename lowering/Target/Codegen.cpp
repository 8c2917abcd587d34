//===- Codegen.cpp - LLVM IR, optimization, objects -----------------------===//
//
// Code generation through LLVM's own APIs, for the triple, CPU and features
// of the resolved target (TargetInfo).
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/Codegen.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/Threading.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <thread>

// LLVM's NVPTX backend (part of Debian's libLLVM), for the kernels of
// --target=nvptx64-nvidia-cuda.
extern "C" void LLVMInitializeNVPTXTargetInfo();
extern "C" void LLVMInitializeNVPTXTarget();
extern "C" void LLVMInitializeNVPTXTargetMC();
extern "C" void LLVMInitializeNVPTXAsmPrinter();

namespace nlc {

void initializeLLVMTargets() {
  static bool done = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    return true;
  }();
  (void)done;
}

std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CodegenOptions &opts, std::string &error) {
  initializeLLVMTargets();
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
      triple, opts.cpu.empty() ? "x86-64" : opts.cpu, opts.features, to,
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

void addTargetAttributes(llvm::Module &module, const CodegenOptions &opts,
                         const llvm::TargetMachine &tm) {
  for (llvm::Function &f : module) {
    if (f.isDeclaration())
      continue;
    // Like clang: the IR says what it was optimized for, and inlining
    // across functions with different features is refused.
    f.addFnAttr("target-cpu", opts.cpu.empty() ? "x86-64" : opts.cpu);
    if (!opts.features.empty())
      f.addFnAttr("target-features", opts.features);
    // The kernels' 512-bit vector code stays 512 bits wide on CPUs that
    // LLVM tunes for 256-bit vectors (Intel's: "prefer-256-bit"), as clang
    // does for functions using 512-bit intrinsics.
    if (tm.getMCSubtargetInfo()->checkFeatures("+avx512f"))
      f.addFnAttr("min-legal-vector-width", "512");
    if (!opts.bareMetal)
      continue;
    // The image is optimized for size, like clang's -Os: no loop
    // unrolling and less inlining. The kernels' vector code is already
    // vector code before LLVM sees it; unrolling it again mostly made
    // the image larger (docs/BareMetal.md, image size).
    f.addFnAttr(llvm::Attribute::OptimizeForSize);
    f.addFnAttr(llvm::Attribute::NoRedZone);
    // Every page of a large frame is touched from the top down, so the
    // first access below the stack lands in its guard page (a reported
    // stack overflow) rather than in whatever lies below it.
    f.addFnAttr("probe-stack", "inline-asm");
  }
}

void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                    unsigned optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // The standard instrumentation makes LLVM's own options (-time-passes,
  // -print-after=PASS, ...) work on this pipeline, as they do in clang.
  llvm::PassInstrumentationCallbacks pic;
  llvm::StandardInstrumentations si(module.getContext(),
                                    /*DebugLogging=*/false);
  si.registerCallbacks(pic, &mam);
  llvm::PassBuilder pb(&tm, llvm::PipelineTuningOptions(), std::nullopt, &pic);
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

unsigned codegenPieces(const llvm::Module &module) {
  // Below this many instructions code generation takes well under a second
  // and the split's bitcode round trip is not worth it.
  constexpr unsigned kMinInstructions = 20000;
  unsigned instructions = module.getInstructionCount();
  unsigned cpus = llvm::hardware_concurrency().compute_thread_count();
  if (instructions < kMinInstructions || cpus < 2)
    return 1;
  return std::min({cpus, 8u, instructions / kMinInstructions + 1});
}

bool emitObjectsInParallel(llvm::Module &module, const CodegenOptions &opts,
                           llvm::ArrayRef<llvm::raw_pwrite_stream *> outs,
                           std::string &error) {
  std::vector<llvm::SmallVector<char, 0>> bitcode;
  llvm::SplitModule(
      module, outs.size(),
      [&](std::unique_ptr<llvm::Module> piece) {
        llvm::raw_svector_ostream os(bitcode.emplace_back());
        llvm::WriteBitcodeToFile(*piece, os);
      },
      /*PreserveLocals=*/false);
  std::vector<std::string> errors(bitcode.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bitcode.size(); ++i)
    threads.emplace_back([&, i] {
      llvm::LLVMContext ctx;
      llvm::Expected<std::unique_ptr<llvm::Module>> piece =
          llvm::parseBitcodeFile(
              llvm::MemoryBufferRef(
                  llvm::StringRef(bitcode[i].data(), bitcode[i].size()),
                  "piece"),
              ctx);
      if (!piece) {
        errors[i] = llvm::toString(piece.takeError());
        return;
      }
      std::unique_ptr<llvm::TargetMachine> tm =
          createTargetMachine(opts, errors[i]);
      if (tm)
        emitCode(**piece, *tm, *outs[i], /*asmOutput=*/false, errors[i]);
    });
  for (std::thread &t : threads)
    t.join();
  for (const std::string &e : errors)
    if (!e.empty()) {
      error = e;
      return false;
    }
  return true;
}

} // namespace nlc
