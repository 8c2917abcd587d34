//===- nlc.cpp - The Neuro-Lang compiler driver ---------------------------===//
//
// `nlc FILE.nl` compiles a program to a native executable. `--emit=` stops
// at any stage (tokens, ast, mlir, mlir-llvm, llvm, asm, obj, exe) and
// prints or writes it; `--run` compiles and runs. `--target=x86_64-bare`
// builds a bootable unikernel image instead of a Linux executable, and
// `--run` boots it under QEMU; `--profile` counts the calls and cycles of
// every function. Output files are written to a temporary name and renamed
// only when everything succeeded, so a failed compilation never leaves a
// half-written file behind.
//
//===----------------------------------------------------------------------===//

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"
#include "frontend/Frontend.h"
#include "frontend/Lexer.h"
#include "frontend/MLIRGen/MLIRGen.h"
#include "frontend/Parser.h"
#include "lowering/Target/Codegen.h"
#include "lowering/Host/Passes.h"
#include "lowering/Host/Pipeline.h"
#include "lowering/TileToSCF/Passes.h"
#include "runtime/baremetal/exit_status.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <fmt/format.h>

#include <chrono>

using namespace nlc;
namespace cl = llvm::cl;

namespace {
enum class Emit { Tokens, AST, MLIR, MLIRLLVM, LLVM, Asm, Obj, Exe };
enum class Target { Linux, Bare };

cl::OptionCategory nlcCategory("nlc options");

/// The input file, then (with --run) the program's arguments. Options may
/// appear anywhere; after `--` everything is an argument.
cl::list<std::string> positionals(cl::Positional, cl::ZeroOrMore,
                                  cl::desc("<input.nl> [program arguments]"),
                                  cl::cat(nlcCategory));
std::string inputFile;
std::vector<std::string> programArgs;
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
               clEnumValN(Emit::Exe, "exe", "linked executable (default)")),
    cl::cat(nlcCategory));
cl::opt<unsigned> optLevel("O", cl::desc("Optimization level (0-3)"),
                           cl::Prefix, cl::init(2), cl::cat(nlcCategory));
cl::opt<bool> runProgram("run",
                         cl::desc("Compile, then run the program with the "
                                  "arguments after the input file"),
                         cl::cat(nlcCategory));
cl::opt<Target> target(
    "target", cl::desc("What to build"), cl::init(Target::Linux),
    cl::values(clEnumValN(Target::Linux, "x86_64-linux",
                          "a Linux executable (default)"),
               clEnumValN(Target::Bare, "x86_64-bare",
                          "a unikernel image booted by QEMU (x86-64-v3)")),
    cl::cat(nlcCategory));
cl::opt<bool> profile("profile",
                      cl::desc("Count the calls and cycles of every function "
                               "and print them as a table at exit"),
                      cl::cat(nlcCategory));
cl::opt<unsigned> runTimeout(
    "run-timeout",
    cl::desc("With --run, stop the program after this many seconds (0: "
             "never; default 30 for x86_64-bare, 0 for x86_64-linux)"),
    cl::value_desc("seconds"), cl::cat(nlcCategory));
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
cl::opt<bool> listDiagnostics("list-diagnostics",
                              cl::desc("List every registered diagnostic"),
                              cl::cat(nlcCategory));

/// A file that appears under its final name only when `keep()` is called.
class AtomicOutput {
public:
  bool open(const std::string &path, bool binary, DiagnosticEngine &diags) {
    finalPath = path;
    llvm::SmallString<128> model(path);
    model += ".tmp-%%%%%%";
    int fd;
    if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, tmpPath)) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {path, ec.message()});
      return false;
    }
    (void)binary;
    os = std::make_unique<llvm::raw_fd_ostream>(fd, /*shouldClose=*/true);
    return true;
  }
  llvm::raw_pwrite_stream &stream() { return *os; }
  const std::string &tempPath() const { return tmpStr = std::string(tmpPath), tmpStr; }
  bool keep(DiagnosticEngine &diags) {
    os->close();
    if (os->has_error()) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {finalPath, os->error().message()});
      os->clear_error();
      return false;
    }
    if (std::error_code ec = llvm::sys::fs::rename(tmpPath, finalPath)) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {finalPath, ec.message()});
      return false;
    }
    kept = true;
    return true;
  }
  ~AtomicOutput() {
    if (os && !kept) {
      os->close();
      os->clear_error();
      llvm::sys::fs::remove(tmpPath);
    }
  }

private:
  std::string finalPath;
  llvm::SmallString<128> tmpPath;
  mutable std::string tmpStr;
  std::unique_ptr<llvm::raw_fd_ostream> os;
  bool kept = false;
};

std::string defaultOutput(Emit stage) {
  std::string stem = llvm::sys::path::stem(inputFile).str();
  switch (stage) {
  case Emit::Exe:
    return target == Target::Bare ? stem + ".elf" : stem;
  case Emit::Obj:
    return stem + ".o";
  case Emit::Asm:
    return stem + ".s";
  default:
    return "-";
  }
}

/// Directory of the running nlc binary (build/bin or <prefix>/bin).
std::string binDir(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&binDir));
  return llvm::sys::path::parent_path(exe).str();
}

/// Writes a textual stage to the output (stdout by default) atomically.
int writeText(const std::string &text, DiagnosticEngine &diags) {
  std::string path = outputFile.empty() ? std::string("-") : outputFile;
  if (path == "-") {
    llvm::outs() << text;
    return 0;
  }
  AtomicOutput out;
  if (!out.open(path, false, diags))
    return 1;
  out.stream() << text;
  return out.keep(diags) ? 0 : 1;
}

/// Loads the input file alone (no imports); 0 after reporting a failure.
uint32_t loadInputFile(SourceManager &sm, DiagnosticEngine &diags) {
  std::string error;
  uint32_t file = sm.addFile(inputFile, error);
  if (!file)
    diags.report(SourceRange(), DiagID::err_cannot_open_file,
                 {inputFile, error});
  return file;
}

int emitTokens(SourceManager &sm, DiagnosticEngine &diags) {
  uint32_t file = loadInputFile(sm, diags);
  if (!file)
    return 1;
  Lexer lexer(sm, diags, file);
  std::string out;
  for (;;) {
    Token t = lexer.lex();
    LineCol lc = sm.getLineCol(t.range.begin);
    out += fmt::format("{} '{}' {}:{}\n", getTokenName(t.kind), t.text,
                       lc.line, lc.col);
    if (t.is(TokenKind::eof))
      break;
  }
  if (diags.hasErrors())
    return 1;
  return writeText(out, diags);
}

/// Seconds --run waits for the program (0: no limit).
unsigned runTimeoutSeconds() {
  if (runTimeout.getNumOccurrences() > 0)
    return runTimeout;
  return target == Target::Bare ? 30 : 0;
}

/// Whether a run that started at `start` and ended with ExecuteAndWait's
/// status `rc` was stopped by the time limit (-2 also means a crash).
bool timedOut(int rc, std::chrono::steady_clock::time_point start) {
  unsigned timeout = runTimeoutSeconds();
  return rc == -2 && timeout > 0 &&
         std::chrono::steady_clock::now() - start >=
             std::chrono::seconds(timeout);
}

/// Reports a --run that hit the time limit and returns 124, the status of
/// timeout(1).
int reportTimeout(llvm::StringRef what) {
  llvm::errs() << "nlc: error: " << what << " did not exit within "
               << runTimeoutSeconds() << " seconds (--run-timeout)\n";
  return 124;
}

int runExecutable(const std::string &path) {
  std::vector<llvm::StringRef> args = {path};
  for (const std::string &a : programArgs)
    args.push_back(a);
  std::string error;
  auto start = std::chrono::steady_clock::now();
  int rc = llvm::sys::ExecuteAndWait(path, args, std::nullopt, {},
                                     runTimeoutSeconds(), 0, &error);
  if (timedOut(rc, start))
    return reportTimeout("the program");
  if (rc < 0) {
    llvm::errs() << "nlc: the program did not exit normally: " << error
                 << "\n";
    return 1;
  }
  return rc;
}

/// Boots the unikernel `image` under QEMU with the program arguments on its
/// command line; its serial console is QEMU's stdout, which is ours. Returns
/// the program's exit status, decoded from QEMU's (exit_status.h); 124 on
/// timeout; 125 when the guest faulted, could not start or QEMU failed; 127
/// when QEMU is missing.
int runImage(const std::string &image) {
  static const char qemuName[] = "qemu-system-x86_64";
  llvm::ErrorOr<std::string> qemu = llvm::sys::findProgramByName(qemuName);
  if (!qemu) {
    llvm::errs() << "nlc: error: cannot boot the image: `" << qemuName
                 << "` is not on PATH (Debian package qemu-system-x86)\n";
    return 127;
  }
  std::string commandLine = "--";
  for (const std::string &a : programArgs) {
    if (a.empty() || a.find_first_of(" \t\n") != std::string::npos) {
      llvm::errs() << "nlc: error: arguments of a unikernel cannot be empty "
                      "or contain spaces: `"
                   << a << "`\n";
      return 1;
    }
    commandLine += " " + a;
  }
  // TCG, because KVM cannot run this guest on these machines; the guest's
  // RAM bounds the arena. docs/BareMetal.md shows the same command line.
  static const char options[] =
      "-nodefaults -accel tcg -cpu max -m 256M -display none -no-reboot "
      "-serial stdio -monitor none "
      "-device isa-debug-exit,iobase=0xf4,iosize=0x04";
  std::vector<std::string> args = {*qemu};
  for (llvm::StringRef option : llvm::split(options, ' '))
    args.push_back(option.str());
  args.insert(args.end(), {"-kernel", image});
  if (!programArgs.empty())
    args.insert(args.end(), {"-append", commandLine});
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  // QEMU's stdin is /dev/null: -serial stdio would otherwise read the
  // terminal (and put it in raw mode).
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""),
                                                std::nullopt, std::nullopt};
  std::string error;
  llvm::outs().flush();
  auto start = std::chrono::steady_clock::now();
  int rc = llvm::sys::ExecuteAndWait(*qemu, refs, std::nullopt, redirects,
                                     runTimeoutSeconds(), 0, &error);
  if (timedOut(rc, start))
    return reportTimeout("the guest");
  if (rc < 0) {
    llvm::errs() << "nlc: error: " << qemuName
                 << " did not exit normally: " << error << "\n";
    return 125;
  }
  if (rc == 0) {
    llvm::errs() << "nlc: error: the guest stopped without reporting an exit "
                    "status (a triple fault or a reset)\n";
    return 125;
  }
  int value = rc >> 1;
  if ((rc & 1) && value >= NL_BARE_EXIT_VALUE(0) &&
      value <= NL_BARE_EXIT_VALUE(NL_BARE_MAX_STATUS))
    return value - NL_BARE_EXIT_VALUE(0);
  if (rc == NL_BARE_QEMU_STATUS(NL_BARE_EXIT_FAULT)) {
    llvm::errs() << "nlc: error: the guest stopped on a CPU exception (see "
                    "the report above)\n";
    return 125;
  }
  if (rc == NL_BARE_QEMU_STATUS(NL_BARE_EXIT_BOOT_FAILURE)) {
    llvm::errs() << "nlc: error: the image could not start the program (see "
                    "the message above)\n";
    return 125;
  }
  llvm::errs() << "nlc: error: " << qemuName << " failed (exit status " << rc
               << ")\n";
  return 125;
}

int compile(const char *argv0, SourceManager &sm, DiagnosticEngine &diags) {
  if (emit == Emit::Tokens)
    return emitTokens(sm, diags);

  if (emit == Emit::AST && !verifyDiagnostics) {
    // The syntax of this one file: imports are not loaded.
    uint32_t file = loadInputFile(sm, diags);
    if (!file)
      return 1;
    Parser parser(sm, diags, file);
    std::unique_ptr<Module> m =
        parser.parseModule(llvm::sys::path::stem(inputFile).str());
    if (diags.hasErrors())
      return 1;
    return writeText(dumpAST(*m, sm), diags);
  }

  std::string dir = binDir(argv0);
  std::vector<std::string> searchPaths(includeDirs.begin(), includeDirs.end());
  searchPaths.push_back(NLC_STDLIB_DIR);
  Frontend frontend(sm, diags, searchPaths);
  Module *root = frontend.parse(inputFile);
  if (!root)
    return 1;
  bool ok = frontend.check();
  if (verifyDiagnostics)
    return diags.verify() ? 0 : 1;
  if (!ok)
    return 1;
  diags.flush();

  mlir::DialectRegistry registry;
  registerMLIRGenDialects(registry);
  registerLLVMTranslations(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::ScopedDiagnosticHandler internalErrors(
      &context, [](mlir::Diagnostic &d) {
        llvm::errs() << "nlc: internal error: " << d << " at " << d.getLocation()
                     << "\n";
        return mlir::success();
      });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlirGen(context, frontend.getModules(), sm, checkBounds);
  if (!module)
    return 1;
  if (emit == Emit::MLIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return writeText(text, diags);
  }

  mlir::DefaultTimingManager tm;
  mlir::applyDefaultTimingManagerCLOptions(tm);
  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::applyPassManagerCLOptions(pm)))
    return 1;
  mlir::TimingScope timing = tm.getRootScope();
  pm.enableTiming(timing);
  nlc::cpu::buildTileToLoopsPipeline(pm);
  buildHostLoweringPipeline(pm, /*parallel=*/target != Target::Bare);
  if (profile)
    pm.addPass(createProfileFunctions());
  if (mlir::failed(pm.run(*module)))
    return 1;
  if (emit == Emit::MLIRLLVM) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return writeText(text, diags);
  }

  CodegenOptions copts;
  copts.optLevel = optLevel;
  if (target == Target::Bare) {
    // What QEMU's TCG emulates: AVX2 and FMA, no AVX-512.
    copts.triple = "x86_64-unknown-none-elf";
    copts.cpu = "x86-64-v3";
    copts.bareMetal = true;
  }
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(copts, error);
  if (!machine) {
    diags.report(SourceRange(), DiagID::err_tool_failed, {error});
    return 1;
  }
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateToLLVMIR(*module, llvmContext, *machine);
  if (!llvmModule)
    return 1;
  addTargetAttributes(*llvmModule, copts);
  optimizeModule(*llvmModule, *machine, optLevel);
  if (emit == Emit::LLVM) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    return writeText(text, diags);
  }
  if (emit == Emit::Asm || emit == Emit::Obj) {
    bool isAsm = emit == Emit::Asm;
    std::string path = outputFile.empty() ? defaultOutput(emit) : outputFile;
    if (path == "-") {
      // Object emission may seek, which a pipe cannot: emit to memory.
      llvm::SmallVector<char, 0> buffer;
      llvm::raw_svector_ostream os(buffer);
      if (!emitCode(*llvmModule, *machine, os, isAsm, error)) {
        diags.report(SourceRange(), DiagID::err_tool_failed, {error});
        return 1;
      }
      llvm::outs() << llvm::StringRef(buffer.data(), buffer.size());
      return 0;
    }
    AtomicOutput out;
    if (!out.open(path, !isAsm, diags))
      return 1;
    if (!emitCode(*llvmModule, *machine, out.stream(), isAsm, error)) {
      diags.report(SourceRange(), DiagID::err_tool_failed, {error});
      return 1;
    }
    return out.keep(diags) ? 0 : 1;
  }

  // Executable: object to a temporary file, then link.
  llvm::SmallString<128> objPath;
  int objFd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("nlc", "o", objFd, objPath)) {
    diags.report(SourceRange(), DiagID::err_cannot_write_output,
                 {"<temporary object>", ec.message()});
    return 1;
  }
  llvm::FileRemover objRemover(objPath);
  {
    llvm::raw_fd_ostream os(objFd, /*shouldClose=*/true);
    if (!emitCode(*llvmModule, *machine, os, false, error)) {
      diags.report(SourceRange(), DiagID::err_tool_failed, {error});
      return 1;
    }
  }
  std::string libDir = dir + "/../lib";
  // Kernel grids lowered to OpenMP need its runtime.
  bool openmp = llvmModule->getFunction("__kmpc_fork_call") != nullptr;
  std::string runtimeLib = libDir + "/libnlrt.a";
  auto link = [&](const std::string &output) {
    if (target == Target::Bare)
      return linkBareImage({std::string(objPath)}, libDir, output, error);
    return linkExecutable({std::string(objPath)}, runtimeLib, output, openmp,
                          error);
  };
  if (runProgram) {
    llvm::SmallString<128> exePath;
    int exeFd;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("nlc-run", "", exeFd, exePath)) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {"<temporary executable>", ec.message()});
      return 1;
    }
    llvm::sys::Process::SafelyCloseFileDescriptor(exeFd);
    llvm::FileRemover exeRemover(exePath);
    if (!link(std::string(exePath))) {
      diags.report(SourceRange(), DiagID::err_tool_failed, {error});
      return 1;
    }
    diags.flush();
    if (target == Target::Bare)
      return runImage(std::string(exePath));
    return runExecutable(std::string(exePath));
  }
  std::string path = outputFile.empty() ? defaultOutput(emit) : outputFile;
  // Link to a temporary name next to the output, then rename into place.
  AtomicOutput out;
  if (!out.open(path, true, diags))
    return 1;
  if (!link(out.tempPath())) {
    diags.report(SourceRange(), DiagID::err_tool_failed, {error});
    return 1;
  }
  return out.keep(diags) ? 0 : 1;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::setBugReportMsg("nlc crashed: this is a compiler bug. Please report "
                        "it with the input file and the command line.\n");
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  mlir::registerAsmPrinterCLOptions();
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "nlc (Neuro-Lang compiler) version " << NLC_VERSION << "\n"
       << "  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n";
  });
  cl::HideUnrelatedOptions(nlcCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Neuro-Lang compiler\n\n"
      "  nlc prog.nl -o prog          build an executable\n"
      "  nlc --run prog.nl [args...]  build and run it (`--` before\n"
      "                               arguments that start with `-`)\n"
      "  nlc --target=x86_64-bare prog.nl -o prog.elf\n"
      "                               build a unikernel image; with --run,\n"
      "                               boot it under qemu-system-x86_64\n\n"
      "MLIR's debugging options also work, e.g. --mlir-print-ir-after-all,\n"
      "--mlir-print-ir-before=PASS and --mlir-timing (see docs/CLI.md).\n");
  if (listDiagnostics) {
    for (const DiagInfo &d : getDiagnosticRegistry())
      llvm::outs() << d.name << "\t" << d.format << "\n";
    return 0;
  }
  if (positionals.empty()) {
    llvm::errs() << "nlc: error: no input file (see nlc --help)\n";
    return 1;
  }
  if (emit == Emit::Exe && !runProgram && outputFile == "-") {
    llvm::errs() << "nlc: error: an executable cannot be written to standard "
                    "output; use -o FILE\n";
    return 1;
  }
  inputFile = positionals.front();
  programArgs.assign(positionals.begin() + 1, positionals.end());
  if (!programArgs.empty() && !runProgram) {
    llvm::errs() << "nlc: error: more than one input file (program arguments "
                    "need --run)\n";
    return 1;
  }
  if (optLevel > 3) {
    llvm::errs() << "nlc: error: invalid optimization level -O" << optLevel
                 << " (expected 0 to 3)\n";
    return 1;
  }

  SourceManager sm;
  DiagnosticEngine diags(sm);
  int rc = compile(argv[0], sm, diags);
  diags.flush();
  if (rc == 0 && diags.hasErrors())
    rc = 1;
  return rc;
}
