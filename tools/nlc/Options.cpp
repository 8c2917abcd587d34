//===- Options.cpp - The nlc command line ---------------------------------===//
//
// The llvm::cl declarations of every nlc option and the checks that need
// more than one of them. `--target=` names an entry of the target registry;
// `-mcpu=` and `-mattr=` are resolved against LLVM's tables for it here, so
// a wrong name stops nlc before any work is done.
//
//===----------------------------------------------------------------------===//

#include "tools/nlc/Options.h"
#include "frontend/Diagnostics.h"
#include "lowering/Target/Codegen.h"
#include "lowering/Target/TargetRegistry.h"
#include "lowering/Target/X86/X86Targets.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace nlc::driver {

namespace {
cl::OptionCategory nlcCategory("nlc options");

/// The input file, then (with --run) the program's arguments. Options may
/// appear anywhere; after `--` everything is an argument.
cl::list<std::string> positionals(cl::Positional, cl::ZeroOrMore,
                                  cl::desc("<input.nl> [program arguments]"),
                                  cl::cat(nlcCategory));
cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' for stdout)"),
                                cl::value_desc("file"), cl::cat(nlcCategory));
cl::opt<Emit> emit(
    "emit", cl::desc("Stop after this stage and write its result"),
    cl::init(Emit::Exe),
    cl::values(clEnumValN(Emit::Tokens, "tokens", "token stream"),
               clEnumValN(Emit::AST, "ast", "syntax tree after parsing"),
               clEnumValN(Emit::MLIR, "mlir", "MLIR as produced by MLIRGen"),
               clEnumValN(Emit::MLIRLLVM, "mlir-llvm",
                          "MLIR lowered to the LLVM dialect"),
               clEnumValN(Emit::LLVM, "llvm", "optimized LLVM IR"),
               clEnumValN(Emit::Asm, "asm", "assembly"),
               clEnumValN(Emit::Obj, "obj", "object file"),
               clEnumValN(Emit::PTX, "ptx",
                          "PTX of the kernels (nvptx64-nvidia-cuda)"),
               clEnumValN(Emit::Exe, "exe", "linked executable (default)")),
    cl::cat(nlcCategory));
cl::opt<unsigned> optLevel("O", cl::desc("Optimization level (0-3)"),
                           cl::Prefix, cl::init(2), cl::cat(nlcCategory));
cl::opt<bool> runProgram("run",
                         cl::desc("Compile, then run the program with the "
                                  "arguments after the input file"),
                         cl::cat(nlcCategory));
cl::opt<std::string> target("target", cl::desc("What to build (see below)"),
                            cl::value_desc("target"), cl::cat(nlcCategory));
cl::opt<std::string>
    mcpu("mcpu",
         cl::desc("The CPU to build for: `native` (this machine, the default "
                  "of x86_64-linux), `x86-64-v3`, `sapphirerapids`, "
                  "`znver4`, ...; `-mcpu=help` lists them"),
         cl::value_desc("cpu"), cl::cat(nlcCategory));
cl::opt<std::string>
    mattr("mattr",
          cl::desc("CPU features to add or remove, e.g. "
                   "`+avx512f,-amx-tile`; `-mattr=help` lists them"),
          cl::value_desc("+feature,-feature"), cl::cat(nlcCategory));
cl::opt<std::string> hostCpu(
    "host-cpu",
    cl::desc("For a target whose kernels run on a device "
             "(nvptx64-nvidia-cuda): the CPU of the host code, `native` by "
             "default; `x86-64-v3` for an executable that runs elsewhere"),
    cl::value_desc("cpu"), cl::cat(nlcCategory));
cl::opt<bool> profile("profile",
                      cl::desc("Count the calls and cycles of every function "
                               "and print them as a table at exit"),
                      cl::cat(nlcCategory));
cl::opt<bool> verifyEach(
    "verify-each",
    cl::desc("Check the IR after every pass of the MLIR pipeline, not only "
             "after MLIRGen and at its end (slower; the test suite runs so)"),
    cl::cat(nlcCategory));
cl::opt<bool> amxEmulation(
    "amx-emulation",
    cl::desc("Testing: lower bf16 and i8 `dot` for AMX tiles on a CPU "
             "without AMX, the tile instructions emulated in vector code "
             "(x86_64-linux with AVX-512; slow)"),
    cl::cat(nlcCategory));
cl::opt<bool> gpuEmulation(
    "gpu-emulation",
    cl::desc("Testing: also compile each GPU kernel for the host, as "
             "`nl_emu.NAME`, and run the kernels on the CPU as the GPU "
             "would (nvptx64-nvidia-cuda; slow)"),
    cl::cat(nlcCategory));
cl::opt<bool> gpuTma(
    "gpu-tma",
    cl::desc("On sm_90a, load the bf16 and f16 tiles of wgmma K loops with "
             "TMA (default); --gpu-tma=false keeps the threads' pipelined "
             "copies, to compare or to rule TMA out "
             "(nvptx64-nvidia-cuda)"),
    cl::init(true), cl::cat(nlcCategory));
cl::opt<bool> gpuSwizzle(
    "gpu-swizzle",
    cl::desc("On sm_90a, TMA boxes as wide as the tiles' rows into swizzled "
             "layouts (default); --gpu-swizzle=false keeps 16-byte boxes "
             "into the plain core-matrix layout, to compare or to rule the "
             "swizzle out (nvptx64-nvidia-cuda)"),
    cl::init(true), cl::cat(nlcCategory));
cl::opt<bool> gpuCubin(
    "gpu-cubin",
    cl::desc("Embed each GPU module also compiled by ptxas for the chip (a "
             "cubin, which the runtime loads instead of having the driver "
             "compile the PTX) where ptxas is found: --ptxas, else "
             "$CUDA_PATH/bin, $CUDA_HOME/bin, /usr/local/cuda/bin, then PATH "
             "(default on; "
             "not with --gpu-emulation; nvptx64-nvidia-cuda)"),
    cl::init(true), cl::cat(nlcCategory));
cl::opt<std::string>
    ptxasPath("ptxas",
              cl::desc("The ptxas that makes the cubins (nvptx64-nvidia-cuda)"),
              cl::value_desc("path"), cl::cat(nlcCategory));
cl::opt<unsigned> runTimeout(
    "run-timeout",
    cl::desc("With --run, stop the program after this many seconds (0: "
             "never; default 30 for x86_64-bare, 0 for x86_64-linux)"),
    cl::value_desc("seconds"), cl::cat(nlcCategory));
cl::list<std::string> files(
    "file",
    cl::desc("With --run on x86_64-bare, hand this file to the guest, which "
             "opens it by PATH (or NAME); repeatable"),
    cl::value_desc("[NAME=]PATH"), cl::cat(nlcCategory));
cl::list<std::string> includeDirs("I", cl::desc("Add a module search path"),
                                  cl::value_desc("dir"), cl::Prefix,
                                  cl::cat(nlcCategory));
cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check diagnostics against expected-error/warning/note comments"),
    cl::cat(nlcCategory));
cl::opt<bool> checkBounds(
    "check-bounds",
    cl::desc("In grid kernels, stop with the kernel, program id and tile "
             "index when a load or store falls wholly outside its view"),
    cl::cat(nlcCategory));
cl::opt<unsigned> codegenThreads(
    "codegen-threads",
    cl::desc("Generate the executable's code in this many pieces at once "
             "(0, the default: one per CPU for a large program, one for a "
             "small one)"),
    cl::value_desc("n"), cl::init(0), cl::cat(nlcCategory));
cl::opt<std::string> buildStdlib(
    "build-stdlib",
    cl::desc("Compile the standard modules once, for the options given "
             "(-O, -mcpu, -mattr, --check-bounds), into this directory; "
             "programs built with the same options link them (the build "
             "does this for the default options: docs/CLI.md)"),
    cl::value_desc("dir"), cl::cat(nlcCategory));
cl::opt<std::string> stdlibObjects(
    "stdlib-objects",
    cl::desc("Where programs find the compiled standard modules (default: "
             "lib/nlstd beside nlc's bin directory)"),
    cl::value_desc("dir"), cl::cat(nlcCategory));
cl::opt<bool> noStdlibObjects(
    "no-stdlib-objects",
    cl::desc("Compile the standard modules a program imports with it"),
    cl::cat(nlcCategory));
cl::opt<bool> verbose("verbose",
                      cl::desc("Say where the standard modules come from"),
                      cl::cat(nlcCategory));
cl::alias verboseShort("v", cl::desc("Alias for --verbose"),
                       cl::aliasopt(verbose), cl::cat(nlcCategory));
cl::opt<bool> listDiagnostics("list-diagnostics",
                              cl::desc("List every registered diagnostic"),
                              cl::cat(nlcCategory));
} // namespace

unsigned Options::runTimeoutSeconds() const {
  return runTimeout ? *runTimeout : target->defaultRunTimeout;
}

std::string Options::defaultOutput(Emit stage) const {
  std::string stem = llvm::sys::path::stem(inputFile).str();
  switch (stage) {
  case Emit::Exe:
    return stem + target->exeSuffix.str();
  case Emit::Obj:
    return stem + ".o";
  case Emit::Asm:
    return stem + ".s";
  default:
    return "-";
  }
}

/// The overview `--help` prints, with the registry's targets.
static std::string getOverview() {
  std::string text =
      "Neuro-Lang compiler\n\n"
      "  nlc prog.nl -o prog          build an executable\n"
      "  nlc --run prog.nl [args...]  build and run it (`--` before\n"
      "                               arguments that start with `-`)\n"
      "  nlc --target=x86_64-bare prog.nl -o prog.elf\n"
      "                               build a unikernel image; with --run,\n"
      "                               boot it under qemu-system-x86_64\n\n"
      "Targets (--target=):\n";
  for (const TargetEntry *entry : getTargets())
    text += "  " + entry->name.str() +
            std::string(entry->name.size() < 28 ? 28 - entry->name.size() : 0,
                        ' ') +
            " " + entry->description.str() + "\n";
  text += "\nMLIR's debugging options also work, e.g. "
          "--mlir-print-ir-after-all,\n"
          "--mlir-print-ir-before=PASS and --mlir-timing (see "
          "docs/CLI.md).\n";
  return text;
}

/// Resolves --target, -mcpu and -mattr into `opts`; an exit status when nlc
/// must stop.
static std::optional<int> parseTarget(Options &opts) {
  opts.target = target.empty() ? getTargets().front() : lookupTarget(target);
  if (!opts.target) {
    llvm::errs() << "nlc: error: unknown target `" << target
                 << "` (--target); the targets are " << getTargetNames()
                 << "\n";
    return 1;
  }
  std::string error;
  if (mcpu == "help" || mattr == "help") {
    if (printTargetHelp(*opts.target, mcpu == "help" ? "cpu" : "attr", error))
      return 0;
    llvm::errs() << "nlc: error: " << error << "\n";
    return 1;
  }
  if (!resolveTarget(*opts.target, mcpu, mattr, opts.targetInfo, error)) {
    llvm::errs() << "nlc: error: " << error << "\n";
    return 1;
  }
  std::string cpu = mcpu.empty() ? opts.target->defaultCpu.str() : mcpu;
  opts.builtFor = "-mcpu=" + cpu;
  if (cpu != opts.targetInfo.cpu)
    opts.builtFor += " (" + opts.targetInfo.cpu + ")";
  if (!mattr.empty())
    opts.builtFor += " -mattr=" + mattr;
  if (hostCpu.getNumOccurrences()) {
    if (!opts.target->host) {
      llvm::errs() << "nlc: error: --host-cpu is for a target whose kernels "
                      "run on a device (--target=nvptx64-nvidia-cuda); the "
                      "CPU of `"
                   << opts.target->name << "` is -mcpu\n";
      return 1;
    }
    TargetInfo host;
    if (!resolveTarget(*opts.target->host, hostCpu, "", host, error)) {
      llvm::errs() << "nlc: error: --host-cpu: " << error << "\n";
      return 1;
    }
    opts.hostCpu = hostCpu;
  }
  return std::nullopt;
}

/// The ptxas for the cubins into `path`: the one --ptxas names (a path, or
/// a program's name looked up in PATH), which must be an executable, else
/// $CUDA_PATH's (the toolkit libdevice comes from), $CUDA_HOME's, the usual
/// place's or PATH's, else none (empty: PTX alone). False after an error.
static bool findPtxas(std::string &path) {
  if (ptxasPath.getNumOccurrences() > 0) {
    path = ptxasPath;
    if (!llvm::StringRef(path).contains('/'))
      if (auto found = llvm::sys::findProgramByName(path))
        path = *found;
    if (llvm::sys::fs::can_execute(path))
      return true;
    llvm::errs() << "nlc: error: --ptxas: '" << ptxasPath
                 << "' is not an executable program\n";
    return false;
  }
  std::vector<std::string> roots;
  for (const char *var : {"CUDA_PATH", "CUDA_HOME"})
    if (const char *root = std::getenv(var); root && *root)
      roots.push_back(std::string(root) + "/bin");
  roots.push_back("/usr/local/cuda/bin");
  llvm::SmallVector<llvm::StringRef, 3> dirs(roots.begin(), roots.end());
  if (auto found = llvm::sys::findProgramByName("ptxas", dirs))
    path = *found;
  else if (auto inPath = llvm::sys::findProgramByName("ptxas"))
    path = *inPath;
  return true;
}

std::optional<int> parseOptions(int argc, char **argv, Options &opts) {
  mlir::registerMLIRContextCLOptions();
  // --mlir-print-ir-before=PASS and --mlir-print-ir-after=PASS take the
  // passes registered when the pass manager's options are made.
  registerAllPasses();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  mlir::registerAsmPrinterCLOptions();
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "nlc (Neuro-Lang compiler) version " << NLC_VERSION << "\n"
       << "  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n";
  });
  cl::HideUnrelatedOptions(nlcCategory);
  static const std::string overview = getOverview();
  cl::ParseCommandLineOptions(argc, argv, overview);
  if (listDiagnostics) {
    for (const DiagInfo &d : getDiagnosticRegistry())
      llvm::outs() << d.name << "\t" << d.format << "\n";
    return 0;
  }
  if (std::optional<int> status = parseTarget(opts))
    return status;
  opts.optLevel = optLevel;
  opts.checkBounds = checkBounds;
  opts.buildStdlibDir = buildStdlib;
  opts.stdlibObjectsDir = stdlibObjects;
  opts.noStdlibObjects = noStdlibObjects;
  opts.verbose = verbose;
  if (!opts.buildStdlibDir.empty()) {
    if (!positionals.empty()) {
      llvm::errs() << "nlc: error: --build-stdlib takes no input file\n";
      return 1;
    }
    if (optLevel > 3) {
      llvm::errs() << "nlc: error: invalid optimization level -O" << optLevel
                   << " (expected 0 to 3)\n";
      return 1;
    }
    return std::nullopt;
  }
  if (positionals.empty()) {
    llvm::errs() << "nlc: error: no input file (see nlc --help)\n";
    return 1;
  }
  if (emit == Emit::PTX && !opts.target->host) {
    llvm::errs() << "nlc: error: --emit=ptx needs a GPU target "
                    "(--target=nvptx64-nvidia-cuda)\n";
    return 1;
  }
  if (emit == Emit::Exe && !runProgram && outputFile == "-") {
    llvm::errs() << "nlc: error: an executable cannot be written to standard "
                    "output; use -o FILE\n";
    return 1;
  }
  opts.inputFile = positionals.front();
  opts.programArgs.assign(positionals.begin() + 1, positionals.end());
  if (!opts.programArgs.empty() && !runProgram) {
    llvm::errs() << "nlc: error: more than one input file (program arguments "
                    "need --run)\n";
    return 1;
  }
  if (optLevel > 3) {
    llvm::errs() << "nlc: error: invalid optimization level -O" << optLevel
                 << " (expected 0 to 3)\n";
    return 1;
  }
  if (codegenThreads > kMaxCodegenPieces) {
    llvm::errs() << "nlc: error: --codegen-threads=" << codegenThreads
                 << " is more than the " << kMaxCodegenPieces
                 << " pieces a program can be cut into\n";
    return 1;
  }
  opts.outputFile = outputFile;
  opts.emit = emit;
  opts.run = runProgram;
  opts.profile = profile;
  opts.verifyEach = verifyEach;
  opts.amxEmulation = amxEmulation;
  opts.gpuEmulation = gpuEmulation;
  opts.gpuTma = gpuTma;
  opts.gpuSwizzle = gpuSwizzle;
  // Options of the GPU target alone: given for another, an error.
  for (auto [given, name] :
       {std::pair(bool(gpuEmulation), "--gpu-emulation"),
        std::pair(gpuTma.getNumOccurrences() > 0, "--gpu-tma"),
        std::pair(gpuSwizzle.getNumOccurrences() > 0, "--gpu-swizzle"),
        std::pair(gpuCubin.getNumOccurrences() > 0, "--gpu-cubin"),
        std::pair(ptxasPath.getNumOccurrences() > 0, "--ptxas")}) {
    if (!given || opts.target->name == "nvptx64-nvidia-cuda")
      continue;
    llvm::errs() << "nlc: error: " << name
                 << " needs --target=nvptx64-nvidia-cuda, not "
                 << opts.target->name << "\n";
    return 1;
  }
  // The ptxas for the cubins. Emulated kernels need none.
  if (opts.target->name == "nvptx64-nvidia-cuda" && gpuCubin && !gpuEmulation &&
      !findPtxas(opts.ptxas))
    return 1;
  if (runTimeout.getNumOccurrences() > 0)
    opts.runTimeout = runTimeout;
  if (amxEmulation && opts.target->name != "x86_64-linux") {
    llvm::errs() << "nlc: error: --amx-emulation needs --target=x86_64-linux, "
                    "not "
                 << opts.target->name << "\n";
    return 1;
  }
  if (amxEmulation && !x86::hasFeature(opts.targetInfo, "avx512f")) {
    llvm::errs() << "nlc: error: --amx-emulation needs a CPU with AVX-512 ("
                 << opts.builtFor << " has no avx512f)\n";
    return 1;
  }
  opts.includeDirs.assign(includeDirs.begin(), includeDirs.end());
  if (!files.empty() && (!runProgram || opts.target->run != RunKind::Qemu)) {
    llvm::errs() << "nlc: error: --file is for --run with a unikernel target "
                    "(x86_64-bare); other programs open files directly\n";
    return 1;
  }
  for (llvm::StringRef f : files) {
    auto [name, path] = f.contains('=') ? f.split('=')
                                        : std::make_pair(f, f);
    if (name.empty() || path.empty()) {
      llvm::errs() << "nlc: error: --file=" << f
                   << ": expected PATH or NAME=PATH\n";
      return 1;
    }
    opts.files.emplace_back(name.str(), path.str());
  }
  opts.verifyDiagnostics = verifyDiagnostics;
  opts.codegenThreads = codegenThreads;
  return std::nullopt;
}

} // namespace nlc::driver
