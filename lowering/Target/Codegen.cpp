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
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/Threading.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

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

/// `from`, then every function defined here that they call directly,
/// transitively, but those `skip` says (and not what only they call), in
/// the order found.
static llvm::SmallVector<llvm::Function *>
calledFrom(llvm::ArrayRef<llvm::Function *> from,
           llvm::function_ref<bool(const llvm::Function &)> skip) {
  llvm::SmallVector<llvm::Function *> order(from.begin(), from.end());
  llvm::SmallPtrSet<llvm::Function *, 32> seen(from.begin(), from.end());
  for (size_t i = 0; i < order.size(); ++i)
    for (llvm::Instruction &inst : llvm::instructions(*order[i]))
      if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst))
        if (llvm::Function *callee = call->getCalledFunction();
            callee && !callee->isDeclaration() && !skip(*callee) &&
            seen.insert(callee).second)
          order.push_back(callee);
  return order;
}

void addTargetAttributes(llvm::Module &module, const CodegenOptions &opts,
                         const llvm::TargetMachine &tm) {
  // Kernel code: the grids' bodies and every function they call.
  llvm::SmallVector<llvm::Function *> bodies;
  for (llvm::Function &f : module)
    if (f.hasFnAttribute(kGridBodyAttrName))
      bodies.push_back(&f);
  llvm::SmallPtrSet<llvm::Function *, 32> kernels;
  for (llvm::Function *f :
       calledFrom(bodies, [](const llvm::Function &) { return false; }))
    kernels.insert(f);
  for (llvm::Function &f : module) {
    if (f.isDeclaration())
      continue;
    // Host code is tuned for x86-64 in general, kernels for the CPU: the
    // host's large straight-line blocks (structs passed field by field)
    // are what the Zen models' extra scheduling pass after register
    // allocation takes longest on, for nothing a kernel would notice.
    // examples/llama: 3.5-3.6 s -> 3.0-3.1 s (Zen 5, 2 CPUs, 2026-12-05).
    if (!kernels.contains(&f))
      f.addFnAttr("tune-cpu", "generic");
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
  // Below this many instructions (before optimization) LLVM takes about a
  // tenth of a second and the cut is not worth it. Above it, each piece
  // saves time: examples/founding (3,300 instructions) builds in 0.26 s in
  // two pieces and 0.36 s in one (2 CPUs, Zen 5, 2026-12-05).
  constexpr unsigned kMinInstructions = 2000;
  unsigned instructions = module.getInstructionCount();
  unsigned cpus = llvm::hardware_concurrency().compute_thread_count();
  if (instructions < kMinInstructions || cpus < 2)
    return 1;
  return std::min({cpus, 8u, instructions / kMinInstructions + 1});
}

namespace {

/// A function that can be reached other than by a direct call from this
/// module: one other modules see, or one whose address is taken (a grid's
/// body handed to the runtime, a constructor). Each goes to one piece.
bool isRoot(const llvm::Function &f) {
  return !f.hasLocalLinkage() || f.hasAddressTaken();
}

/// Makes `gv` a hidden global, so that the piece that defines it and the
/// pieces that refer to it link together.
void externalize(llvm::GlobalValue &gv) {
  if (!gv.hasLocalLinkage())
    return;
  gv.setLinkage(llvm::GlobalValue::ExternalLinkage);
  gv.setVisibility(llvm::GlobalValue::HiddenVisibility);
  if (!gv.hasName())
    gv.setName("nlc.piece");
}

} // namespace

std::vector<llvm::SmallVector<char, 0>> partitionModule(llvm::Module &module,
                                                        unsigned pieces) {
  std::vector<llvm::SmallVector<char, 0>> bitcode;
  // What nlc does not generate, and a cut would have to treat apart: one
  // piece. (A discardable definition, for one, could be dropped by the
  // piece it went to while another piece refers to it.)
  bool uncut = pieces < 2 || pieces > kMaxCodegenPieces ||
               !module.aliases().empty() || !module.ifuncs().empty() ||
               !module.getComdatSymbolTable().empty();
  for (const llvm::GlobalValue &gv : module.global_values())
    uncut |= !gv.isDeclaration() && gv.isDiscardableIfUnused() &&
             !gv.hasLocalLinkage();
  if (uncut) {
    llvm::raw_svector_ostream os(bitcode.emplace_back());
    llvm::WriteBitcodeToFile(module, os);
    return bitcode;
  }
  // Each root, with its callees, goes to the piece with the fewest
  // instructions so far, the largest roots first. A callee shared by roots
  // of several pieces is defined in each.
  struct Root {
    llvm::SmallVector<llvm::Function *> functions;
    unsigned size = 0;
  };
  std::vector<Root> roots;
  for (llvm::Function &f : module) {
    if (f.isDeclaration() || !isRoot(f))
      continue;
    Root &root = roots.emplace_back();
    // The local functions it calls, transitively: what the piece must
    // define for the inliner to see all that it sees in the whole module.
    root.functions = calledFrom({&f}, isRoot);
    for (llvm::Function *g : root.functions)
      root.size += g->getInstructionCount();
  }
  llvm::stable_sort(
      roots, [](const Root &a, const Root &b) { return a.size > b.size; });
  llvm::DenseMap<const llvm::Function *, uint64_t> definedIn;
  std::vector<uint64_t> load(pieces, 0);
  for (const Root &root : roots) {
    unsigned piece = std::min_element(load.begin(), load.end()) - load.begin();
    for (llvm::Function *f : root.functions) {
      uint64_t &mask = definedIn[f];
      if (!(mask & (uint64_t(1) << piece)))
        load[piece] += f->getInstructionCount();
      mask |= uint64_t(1) << piece;
    }
  }
  // Roots and variables have one home: piece 0 for the variables (read-only
  // local ones are copied into every piece, so that their contents still
  // fold into the code that reads them).
  for (llvm::Function &f : module)
    if (!f.isDeclaration() && isRoot(f))
      externalize(f);
  for (llvm::GlobalVariable &gv : module.globals())
    if (!gv.isDeclaration() && !(gv.hasLocalLinkage() && gv.isConstant()))
      externalize(gv);
  for (unsigned piece = 0; piece < pieces; ++piece) {
    llvm::ValueToValueMapTy map;
    std::unique_ptr<llvm::Module> part =
        llvm::CloneModule(module, map, [&](const llvm::GlobalValue *gv) {
          if (auto *f = llvm::dyn_cast<llvm::Function>(gv))
            return bool(definedIn.lookup(f) & (uint64_t(1) << piece));
          return gv->hasLocalLinkage() || piece == 0;
        });
    // LLVM's own arrays (llvm.global_ctors) live in piece 0 only.
    if (piece != 0)
      for (llvm::GlobalVariable &gv :
           llvm::make_early_inc_range(part->globals()))
        if (gv.isDeclaration() && gv.getName().starts_with("llvm.") &&
            gv.use_empty())
          gv.eraseFromParent();
    llvm::raw_svector_ostream os(bitcode.emplace_back());
    llvm::WriteBitcodeToFile(*part, os);
  }
  return bitcode;
}

bool optimizeAndEmitInParallel(llvm::Module &module, const CodegenOptions &opts,
                               llvm::ArrayRef<llvm::raw_pwrite_stream *> outs,
                               std::string &error) {
  std::vector<llvm::SmallVector<char, 0>> bitcode =
      partitionModule(module, outs.size());
  std::vector<std::string> errors(outs.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < outs.size(); ++i)
    threads.emplace_back([&, i] {
      llvm::LLVMContext ctx;
      std::unique_ptr<llvm::TargetMachine> tm =
          createTargetMachine(opts, errors[i]);
      if (!tm)
        return;
      if (i >= bitcode.size()) {
        // Not cut (partitionModule's fallback): an empty object.
        llvm::Module empty("empty", ctx);
        empty.setTargetTriple(tm->getTargetTriple());
        empty.setDataLayout(tm->createDataLayout());
        emitCode(empty, *tm, *outs[i], /*asmOutput=*/false, errors[i]);
        return;
      }
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
      optimizeModule(**piece, *tm, opts.optLevel);
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

int runProgram(llvm::StringRef program, const std::vector<std::string> &args,
               std::string &log) {
  llvm::SmallString<128> logPath;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("nlc-tool", "log", fd, logPath))
    logPath.clear();
  else
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  llvm::sys::RemoveFileOnSignal(logPath);
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, std::nullopt,
                                                llvm::StringRef(logPath)};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(
      program, refs, std::nullopt,
      logPath.empty() ? llvm::ArrayRef<std::optional<llvm::StringRef>>()
                      : redirects,
      0, 0, &error);
  if (!logPath.empty()) {
    if (auto text = llvm::MemoryBuffer::getFile(logPath))
      log = (*text)->getBuffer().str();
    llvm::sys::fs::remove(logPath);
    llvm::sys::DontRemoveFileOnSignal(logPath);
  }
  if (!error.empty())
    log += error + "\n";
  return rc;
}

} // namespace nlc
