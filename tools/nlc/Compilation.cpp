//===- Compilation.cpp - One run of the compiler --------------------------===//
//
// The stages in order, each a function that either writes its result (when
// it is the stage `--emit=` asks for) or hands the next one its input. The
// only target-specific decisions are the registry entry's: its pipelines,
// its module finalization and its link step.
//
//===----------------------------------------------------------------------===//

#include "tools/nlc/Compilation.h"
#include "frontend/AST.h"
#include "frontend/Diagnostics.h"
#include "frontend/Frontend.h"
#include "frontend/Lexer.h"
#include "frontend/MLIRGen/MLIRGen.h"
#include "frontend/Parser.h"
#include "lowering/Host/Passes.h"
#include "lowering/Host/Pipeline.h"
#include "lowering/Target/Codegen.h"
#include "lowering/Target/NVPTX/NVPTXPasses.h"
#include "lowering/Target/TargetRegistry.h"
#include "tools/nlc/Options.h"
#include "tools/nlc/Run.h"
#include "tools/nlc/StdlibObjects.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include "llvm/Support/Regex.h"

#include <fmt/format.h>
#include <map>
#include <set>

namespace nlc::driver {

namespace {
/// A file that appears under its final name only when `keep()` is called.
/// The bytes go to a temporary file first, next to the output, renamed into
/// place at the end. An output that exists and is not a regular file (a
/// device such as /dev/null, a pipe, a symbolic link such as /dev/stdout) is
/// never replaced: the temporary file is then made in the temporary folder
/// and its bytes written into the output (through the link) at the end. Temporary files are removed if nlc is interrupted.
class AtomicOutput {
public:
  bool open(const std::string &path, DiagnosticEngine &diags) {
    finalPath = path;
    // The path itself, not what a link points to: /dev/stdout is a link,
    // to a regular file when stdout is redirected to one, and renaming over
    // it would replace the link.
    llvm::sys::fs::file_status st;
    direct = !llvm::sys::fs::status(path, st, /*Follow=*/false) &&
             st.type() != llvm::sys::fs::file_type::regular_file &&
             st.type() != llvm::sys::fs::file_type::file_not_found;
    int fd;
    std::error_code ec;
    if (direct) {
      ec = llvm::sys::fs::createTemporaryFile("nlc-out", "", fd, tmpPath);
    } else {
      llvm::SmallString<128> model(path);
      model += ".tmp-%%%%%%";
      ec = llvm::sys::fs::createUniqueFile(model, fd, tmpPath);
    }
    if (ec) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {path, ec.message()});
      return false;
    }
    llvm::sys::RemoveFileOnSignal(tmpPath);
    os = std::make_unique<llvm::raw_fd_ostream>(fd, /*shouldClose=*/true);
    return true;
  }
  llvm::raw_pwrite_stream &stream() { return *os; }
  std::string tempPath() const { return std::string(tmpPath); }
  bool keep(DiagnosticEngine &diags) {
    os->close();
    if (os->has_error()) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {finalPath, os->error().message()});
      os->clear_error();
      return false;
    }
    std::error_code ec = direct ? copyInto()
                                : llvm::sys::fs::rename(tmpPath, finalPath);
    if (ec) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {finalPath, ec.message()});
      return false;
    }
    llvm::sys::DontRemoveFileOnSignal(tmpPath);
    kept = true;
    return true;
  }
  ~AtomicOutput() {
    if (os && !kept) {
      os->close();
      os->clear_error();
    }
    if (os && (!kept || direct)) {
      llvm::sys::fs::remove(tmpPath);
      llvm::sys::DontRemoveFileOnSignal(tmpPath);
    }
  }

private:
  /// Writes the temporary file's bytes into the (non-regular) output.
  std::error_code copyInto() {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> bytes =
        llvm::MemoryBuffer::getFile(tmpPath, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    if (!bytes)
      return bytes.getError();
    std::error_code ec;
    llvm::raw_fd_ostream out(finalPath, ec, llvm::sys::fs::OF_None);
    if (ec)
      return ec;
    out << (*bytes)->getBuffer();
    out.close();
    if (out.has_error()) {
      ec = out.error();
      out.clear_error();
    }
    return ec;
  }

  std::string finalPath;
  llvm::SmallString<128> tmpPath;
  std::unique_ptr<llvm::raw_fd_ostream> os;
  /// The output is not a regular file: copy into it instead of renaming.
  bool direct = false;
  bool kept = false;
};

/// Removes a temporary file when it goes out of scope or nlc is
/// interrupted.
class TempFile {
public:
  explicit TempFile(llvm::StringRef path) : path(path), remover(path) {
    llvm::sys::RemoveFileOnSignal(path);
  }
  ~TempFile() { llvm::sys::DontRemoveFileOnSignal(path); }

private:
  std::string path;
  llvm::FileRemover remover;
};

/// The state of one compilation.
class Compilation {
public:
  Compilation(const Options &opts, const char *argv0, SourceManager &sm,
              DiagnosticEngine &diags)
      : opts(opts), argv0(argv0), sm(sm), diags(diags) {}

  int run();

private:
  int writeText(const std::string &text);
  uint32_t loadInputFile();
  int emitTokens();
  int emitAST();
  int compileToLLVM(mlir::MLIRContext &context);
  int emitFile(llvm::Module &module, llvm::TargetMachine &machine,
               mlir::TimingScope &timing);
  int emitPTX(mlir::ModuleOp module);
  int linkAndRun(llvm::Module &module, llvm::TargetMachine &machine,
                 const CodegenOptions &copts, unsigned pieces,
                 mlir::TimingScope &timing);
  void reportLinkFailure(const std::string &error);

  const Options &opts;
  const char *argv0;
  SourceManager &sm;
  DiagnosticEngine &diags;
  /// The program's `extern fn` declarations, by symbol.
  std::map<std::string, SourceRange> externs;
  /// The compiled standard modules the executable links, if any.
  std::string stdlibArchive;
};
} // namespace

std::string binDir(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&binDir));
  return llvm::sys::path::parent_path(exe).str();
}

/// Writes a textual stage to the output (stdout by default) atomically.
int Compilation::writeText(const std::string &text) {
  std::string path = opts.outputFile.empty() ? "-" : opts.outputFile;
  if (path == "-") {
    llvm::outs() << text;
    return 0;
  }
  AtomicOutput out;
  if (!out.open(path, diags))
    return 1;
  out.stream() << text;
  return out.keep(diags) ? 0 : 1;
}

/// Loads the input file alone (no imports); 0 after reporting a failure.
uint32_t Compilation::loadInputFile() {
  std::string error;
  uint32_t file = sm.addFile(opts.inputFile, error);
  if (!file)
    diags.report(SourceRange(), DiagID::err_cannot_open_file,
                 {opts.inputFile, error});
  return file;
}

int Compilation::emitTokens() {
  uint32_t file = loadInputFile();
  if (!file)
    return 1;
  Lexer lexer(sm, diags, file);
  std::string out;
  for (;;) {
    Token t = lexer.lex();
    LineCol lc = sm.getLineCol(t.range.begin);
    out += fmt::format("{} '{}' {}:{}\n", getTokenName(t.kind), t.text, lc.line,
                       lc.col);
    if (t.is(TokenKind::eof))
      break;
  }
  if (diags.hasErrors())
    return 1;
  return writeText(out);
}

/// The syntax of the input file alone: imports are not loaded.
int Compilation::emitAST() {
  uint32_t file = loadInputFile();
  if (!file)
    return 1;
  Parser parser(sm, diags, file);
  std::unique_ptr<Module> m =
      parser.parseModule(llvm::sys::path::stem(opts.inputFile).str());
  if (diags.hasErrors())
    return 1;
  return writeText(dumpAST(*m, sm));
}

int Compilation::run() {
  if (opts.emit == Emit::Tokens)
    return emitTokens();
  if (opts.emit == Emit::AST && !opts.verifyDiagnostics)
    return emitAST();

  // `--mlir-timing` reports the compiler's phases, the passes of the MLIR
  // pipeline nested among them.
  mlir::DefaultTimingManager tm;
  mlir::applyDefaultTimingManagerCLOptions(tm);
  mlir::TimingScope timing = tm.getRootScope();

  std::vector<std::string> searchPaths(opts.includeDirs);
  searchPaths.push_back(NLC_STDLIB_DIR);
  TargetFacts facts;
  facts.bareMetal = opts.target->freestanding;
  facts.gpu = opts.target->host != nullptr;
  Frontend frontend(sm, diags, searchPaths, facts);
  mlir::TimingScope phase = timing.nest("Parse");
  Module *root = frontend.parse(opts.inputFile);
  if (!root)
    return 1;
  phase = timing.nest("Check");
  bool ok = frontend.check(opts.library);
  phase.stop();
  if (opts.verifyDiagnostics)
    return diags.verify() ? 0 : 1;
  if (!ok)
    return 1;
  diags.flush();
  for (Module *m : frontend.getModules())
    for (auto &d : m->decls)
      if (auto *fn = llvm::dyn_cast<FnDecl>(d.get()); fn && fn->isExtern)
        externs.emplace(fn->symbol, fn->name.range);

  mlir::DialectRegistry registry;
  registerMLIRGenDialects(registry);
  registerLLVMTranslations(registry);
  nvptx::registerDeviceLoweringInterfaces(registry);
  phase = timing.nest("MLIR context");
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::ScopedDiagnosticHandler internalErrors(
      &context, [](mlir::Diagnostic &d) {
        llvm::errs() << "nlc: internal error: " << d << " at "
                     << d.getLocation() << "\n";
        return mlir::success();
      });
  MLIRGenOptions genOptions;
  genOptions.checkBounds = opts.checkBounds;
  genOptions.library = opts.library;
  // Kernels on a device: the program's tensors may live there.
  genOptions.gpu = opts.target->host != nullptr;
  // The standard modules are compiled apart (StdlibObjects.h): always from
  // a library (each is one), from an executable when their objects were
  // built for this compilation's options.
  StdlibObjects stdlib;
  if (!opts.library && opts.emit == Emit::Exe)
    stdlib = findStdlibObjects(opts, argv0);
  else if (!opts.library)
    stdlib.why = "only executables link them";
  const std::vector<Module *> &modules = frontend.getModules();
  std::string separateNames;
  if (opts.library || !stdlib.archive.empty())
    for (Module *m : llvm::ArrayRef(modules).drop_back())
      if (isStdlibFile(sm.getName(m->file))) {
        genOptions.separate.insert(m);
        separateNames += (separateNames.empty() ? "" : ", ") + m->name;
      }
  if (opts.verbose && !opts.library) {
    if (genOptions.separate.empty())
      llvm::errs() << "nlc: standard modules compiled with the program: "
                   << (stdlib.archive.empty() ? stdlib.why : "it imports none")
                   << "\n";
    else
      llvm::errs() << "nlc: standard modules linked from " << stdlib.archive
                   << ": " << separateNames << "\n";
  }
  if (!opts.library && !genOptions.separate.empty())
    stdlibArchive = stdlib.archive;
  phase = timing.nest("MLIRGen");
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlirGen(context, modules, sm, genOptions);
  phase.stop();
  if (!module)
    return 1;
  setModuleTarget(*module, opts.targetInfo);
  if (opts.amxEmulation)
    (*module)->setAttr(kAmxEmulationAttrName, mlir::UnitAttr::get(&context));
  if (opts.gpuEmulation)
    (*module)->setAttr(nvptx::kGpuEmulationAttr, mlir::UnitAttr::get(&context));
  if (!opts.gpuTma)
    (*module)->setAttr(nvptx::kNoTmaAttr, mlir::UnitAttr::get(&context));
  if (!opts.gpuSwizzle)
    (*module)->setAttr(nvptx::kNoSwizzleAttr, mlir::UnitAttr::get(&context));
  if (!opts.ptxas.empty())
    (*module)->setAttr(nvptx::kPtxasAttr,
                       mlir::StringAttr::get(&context, opts.ptxas));
  if (opts.emit == Emit::MLIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return writeText(text);
  }

  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::applyPassManagerCLOptions(pm)))
    return 1;
  pm.enableTiming(timing);
  // The verifier after every pass took a tenth of llama's compile (0.3 of
  // 3.0 s, 2026-12-05): like LLVM's release builds, nlc checks the IR
  // MLIRGen made and the pipeline's result, and every pass only with
  // --verify-each, which the test suite passes (test/lit.cfg.py).
  pm.enableVerifier(opts.verifyEach);
  opts.target->buildKernelPipeline(pm);
  if (opts.emit != Emit::PTX)
    opts.target->buildHostPipeline(pm);
  if (opts.profile)
    pm.addPass(createProfileFunctions());
  if (mlir::failed(pm.run(*module)))
    return 1;
  if (!opts.verifyEach && mlir::failed(mlir::verify(*module)))
    return 1;
  if (opts.emit == Emit::PTX)
    return emitPTX(*module);
  if (opts.emit == Emit::MLIRLLVM) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return writeText(text);
  }

  // Code generation follows the module's own target attribute, which the
  // pipelines could have refined.
  std::optional<TargetInfo> target = getModuleTarget(*module);
  if (!target) {
    llvm::errs() << "nlc: internal error: the module lost its `"
                 << kTargetAttrName << "` attribute\n";
    return 1;
  }
  std::string builtFor = opts.builtFor;
  if (const TargetEntry *host = opts.target->host) {
    // Kernels run on a device and are already compiled: the rest is host
    // code, built for --host-cpu (this machine by default).
    std::string error;
    if (!resolveTarget(*host, opts.hostCpu, "", *target, error)) {
      diags.report(SourceRange(), DiagID::err_tool_failed, {error});
      return 1;
    }
    std::string cpu =
        opts.hostCpu.empty() ? host->defaultCpu.str() : opts.hostCpu;
    builtFor = "--host-cpu=" + cpu;
    if (cpu != target->cpu)
      builtFor += " (" + target->cpu + ")";
  }
  CodegenOptions copts;
  copts.optLevel = opts.optLevel;
  copts.triple = target->triple;
  copts.cpu = target->cpu;
  copts.features = target->features;
  copts.bareMetal = opts.target->freestanding;
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(copts, error);
  if (!machine) {
    diags.report(SourceRange(), DiagID::err_tool_failed, {error});
    return 1;
  }
  llvm::LLVMContext llvmContext;
  phase = timing.nest("Translate to LLVM IR");
  std::unique_ptr<llvm::Module> llvmModule =
      translateToLLVMIR(*module, llvmContext, *machine);
  if (!llvmModule)
    return 1;
  addTargetAttributes(*llvmModule, copts, *machine);
  // A large executable is optimized and compiled in pieces, one thread
  // each (linkAndRun); anything else here, in one.
  unsigned pieces = 1;
  if (opts.emit == Emit::Exe)
    pieces =
        opts.codegenThreads ? opts.codegenThreads : codegenPieces(*llvmModule);
  if (pieces == 1) {
    phase = timing.nest("LLVM optimization");
    optimizeModule(*llvmModule, *machine, opts.optLevel);
    phase.stop();
  }
  // A library's code runs in executables that record what they need.
  if (opts.target->finalizeModule && !opts.library)
    opts.target->finalizeModule(*llvmModule, *machine, builtFor);
  phase.stop();
  if (opts.emit == Emit::LLVM) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    return writeText(text);
  }
  if (opts.emit == Emit::Asm || opts.emit == Emit::Obj)
    return emitFile(*llvmModule, *machine, timing);
  return linkAndRun(*llvmModule, *machine, copts, pieces, timing);
}

/// Writes the PTX of the kernels, which the kernel pipeline has left in the
/// NVVM and LLVM dialects.
int Compilation::emitPTX(mlir::ModuleOp module) {
  auto kernels = module.lookupSymbol<mlir::gpu::GPUModuleOp>(
      nvptx::kKernelModuleName);
  if (!kernels) {
    diags.report(SourceRange(), DiagID::err_tool_failed,
                 {"--emit=ptx: the program launches no kernel"});
    return 1;
  }
  std::string ptx, error;
  if (!nvptx::emitPTX(kernels, opts.targetInfo, opts.optLevel, ptx, error)) {
    diags.report(SourceRange(), DiagID::err_tool_failed, {error});
    return 1;
  }
  return writeText(ptx);
}

/// Writes assembly or an object file.
int Compilation::emitFile(llvm::Module &module, llvm::TargetMachine &machine,
                          mlir::TimingScope &timing) {
  mlir::TimingScope phase = timing.nest("Code generation");
  bool isAsm = opts.emit == Emit::Asm;
  std::string path =
      opts.outputFile.empty() ? opts.defaultOutput(opts.emit) : opts.outputFile;
  std::string error;
  if (path == "-") {
    // Object emission may seek, which a pipe cannot: emit to memory.
    llvm::SmallVector<char, 0> buffer;
    llvm::raw_svector_ostream os(buffer);
    if (!emitCode(module, machine, os, isAsm, error)) {
      diags.report(SourceRange(), DiagID::err_tool_failed, {error});
      return 1;
    }
    llvm::outs() << llvm::StringRef(buffer.data(), buffer.size());
    return 0;
  }
  AtomicOutput out;
  if (!out.open(path, diags))
    return 1;
  if (!emitCode(module, machine, out.stream(), isAsm, error)) {
    diags.report(SourceRange(), DiagID::err_tool_failed, {error});
    return 1;
  }
  return out.keep(diags) ? 0 : 1;
}

/// The executable: object to a temporary file, then the target's link
/// step, then `--run` or the rename into place.
int Compilation::linkAndRun(llvm::Module &module, llvm::TargetMachine &machine,
                            const CodegenOptions &copts, unsigned pieces,
                            mlir::TimingScope &timing) {
  // In pieces (optimizeAndEmitInParallel), the module is optimized here.
  mlir::TimingScope phase =
      timing.nest(pieces == 1 ? "Code generation"
                              : "LLVM optimization and code generation");
  std::vector<std::unique_ptr<TempFile>> removers;
  std::vector<std::unique_ptr<llvm::raw_fd_ostream>> streams;
  LinkJob job;
  for (unsigned i = 0; i < pieces; ++i) {
    llvm::SmallString<128> objPath;
    int objFd;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("nlc", "o", objFd, objPath)) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {"<temporary object>", ec.message()});
      return 1;
    }
    removers.push_back(std::make_unique<TempFile>(objPath));
    streams.push_back(
        std::make_unique<llvm::raw_fd_ostream>(objFd, /*shouldClose=*/true));
    job.objects.push_back(std::string(objPath));
  }
  std::string error;
  bool emitted =
      pieces == 1
          ? emitCode(module, machine, *streams[0], false, error)
          : optimizeAndEmitInParallel(
                module, copts,
                llvm::map_to_vector(streams,
                                    [](auto &s) -> llvm::raw_pwrite_stream * {
                                      return s.get();
                                    }),
                error);
  // A write that failed (a full disk) is reported, not left to abort the
  // program in the stream's destructor.
  std::string writeError;
  for (std::unique_ptr<llvm::raw_fd_ostream> &s : streams) {
    s->close();
    if (s->has_error()) {
      if (writeError.empty())
        writeError = s->error().message();
      s->clear_error();
    }
  }
  streams.clear();
  if (!emitted) {
    diags.report(SourceRange(), DiagID::err_tool_failed, {error});
    return 1;
  }
  if (!writeError.empty()) {
    diags.report(SourceRange(), DiagID::err_cannot_write_output,
                 {"<temporary object>", writeError});
    return 1;
  }
  phase = timing.nest("Link");
  job.libDir = binDir(argv0) + "/../lib";
  // The stand-in driver finds the emulated kernels with dlsym.
  job.exportDynamic = opts.gpuEmulation;
  if (!stdlibArchive.empty())
    job.objects.push_back(stdlibArchive);
  if (opts.run) {
    llvm::SmallString<128> exePath;
    int exeFd;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("nlc-run", "", exeFd, exePath)) {
      diags.report(SourceRange(), DiagID::err_cannot_write_output,
                   {"<temporary executable>", ec.message()});
      return 1;
    }
    llvm::sys::Process::SafelyCloseFileDescriptor(exeFd);
    TempFile exeRemover(exePath);
    job.output = std::string(exePath);
    if (!opts.target->link(job, error)) {
      reportLinkFailure(error);
      return 1;
    }
    phase.stop();
    diags.flush();
    return runProgram(opts, job.output);
  }
  std::string path =
      opts.outputFile.empty() ? opts.defaultOutput(opts.emit) : opts.outputFile;
  // Link to a temporary name next to the output, then rename into place.
  AtomicOutput out;
  if (!out.open(path, diags))
    return 1;
  job.output = out.tempPath();
  if (!opts.target->link(job, error)) {
    reportLinkFailure(error);
    return 1;
  }
  return out.keep(diags) ? 0 : 1;
}

/// Reports a failed link step. Its error is the linker's messages and a last
/// line saying that linking failed. When the linker only missed symbols that
/// `extern fn` declarations name, each is reported at its declaration;
/// otherwise the linker's messages are shown as they are.
void Compilation::reportLinkFailure(const std::string &error) {
  llvm::StringRef text = llvm::StringRef(error).rtrim('\n');
  auto [log, summary] = text.rsplit('\n');
  if (summary.empty())
    std::swap(log, summary);
  // GNU ld: "undefined reference to `NAME'"; lld: "undefined symbol: NAME".
  static const llvm::Regex undefinedRef("undefined reference to `([^']+)'");
  static const llvm::Regex undefinedSym("undefined symbol: ([^ \n]+)");
  std::set<std::string> missing;
  bool onlyExterns = true;
  for (llvm::StringRef line : llvm::split(log, '\n')) {
    llvm::SmallVector<llvm::StringRef, 2> match;
    if (!undefinedRef.match(line, &match) && !undefinedSym.match(line, &match))
      continue;
    if (externs.count(match[1].str()))
      missing.insert(match[1].str());
    else
      onlyExterns = false;
  }
  if (missing.empty() || !onlyExterns) {
    llvm::errs() << log << (log.empty() ? "" : "\n");
    diags.report(SourceRange(), DiagID::err_tool_failed, {summary.str()});
    return;
  }
  std::vector<std::pair<SourceRange, std::string>> reports;
  for (const std::string &name : missing)
    reports.emplace_back(externs[name], name);
  // In source order.
  llvm::sort(reports, [](const auto &a, const auto &b) {
    return std::make_pair(a.first.begin.file, a.first.begin.offset) <
           std::make_pair(b.first.begin.file, b.first.begin.offset);
  });
  for (auto &[range, name] : reports)
    diags.report(range, DiagID::err_extern_undefined, {name});
}

int compile(const Options &opts, const char *argv0, SourceManager &sm,
            DiagnosticEngine &diags) {
  return Compilation(opts, argv0, sm, diags).run();
}

} // namespace nlc::driver
