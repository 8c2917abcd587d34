//===- nlc-fuzz.cpp - libFuzzer target for the nlc frontend ---------------===//
//
// Runs the whole frontend on each input as if it were a `.nl` file: lex,
// parse and Sema (imports resolve only in an empty private directory, so an
// import is just a diagnostic), then, when Sema succeeds, MLIRGen and the
// MLIR verifier. Diagnostics are rendered, caret lines included, into
// /dev/null. With NLC_FUZZ_MODE=backend in the environment, a program that
// passes the frontend also goes through the back half, as `nlc --emit=obj
// -O1 -mcpu=x86-64-v3` would take it: the x86-64 Linux target's kernel and
// host pipelines, translation to LLVM IR, LLVM's optimizer and code
// generation into memory. Findings are crashes, sanitizer reports, hangs
// (libFuzzer's -timeout), IR that fails verification and a pipeline or code
// generation that fails on a program the frontend accepted, which this
// target turns into an abort. Build with -DNLC_SANITIZE=ON -DNLC_FUZZ=ON;
// see docs/Testing.md.
//
//===----------------------------------------------------------------------===//

#include "frontend/Diagnostics.h"
#include "frontend/Frontend.h"
#include "frontend/MLIRGen/MLIRGen.h"
#include "lowering/Host/Pipeline.h"
#include "lowering/Target/Codegen.h"
#include "lowering/Target/TargetRegistry.h"

#include "mlir/Pass/PassManager.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace nlc;

namespace {
/// State shared by all inputs of one fuzzing process.
struct FuzzEnv {
  FuzzEnv() : context(makeRegistry(), mlir::MLIRContext::Threading::DISABLED) {
    context.loadAllAvailableDialects();
    llvm::SmallString<128> dirPath;
    if (llvm::sys::fs::createUniqueDirectory("nlc-fuzz", dirPath)) {
      std::fprintf(stderr, "nlc-fuzz: cannot create a temporary directory\n");
      std::abort();
    }
    dir = std::string(dirPath);
    llvm::SmallString<128> file(dirPath);
    llvm::sys::path::append(file, "input.nl");
    path = std::string(file);
    sink = std::fopen("/dev/null", "w");
    if (!sink)
      std::abort();
    const char *mode = std::getenv("NLC_FUZZ_MODE");
    backend = mode && std::string(mode) == "backend";
    if (backend)
      setUpBackend();
  }
  ~FuzzEnv() {
    llvm::sys::fs::remove(path);
    llvm::sys::fs::remove(dir);
  }
  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    registerMLIRGenDialects(registry);
    registerLLVMTranslations(registry);
    return registry;
  }
  /// The x86-64 Linux target for a fixed CPU, so that findings reproduce on
  /// any machine.
  void setUpBackend() {
    target = lookupTarget("x86_64-linux");
    std::string error;
    if (!target ||
        !resolveTarget(*target, "x86-64-v3", "", targetInfo, error)) {
      std::fprintf(stderr, "nlc-fuzz: no x86-64 target: %s\n",
                   error.c_str());
      std::abort();
    }
    codegen.optLevel = 1;
    codegen.triple = targetInfo.triple;
    codegen.cpu = targetInfo.cpu;
    codegen.features = targetInfo.features;
    machine = createTargetMachine(codegen, error);
    if (!machine) {
      std::fprintf(stderr, "nlc-fuzz: %s\n", error.c_str());
      std::abort();
    }
  }

  mlir::MLIRContext context;
  std::string dir;
  std::string path;
  std::FILE *sink;
  /// NLC_FUZZ_MODE=backend: lower and compile what the frontend accepts.
  bool backend = false;
  const TargetEntry *target = nullptr;
  TargetInfo targetInfo;
  CodegenOptions codegen;
  std::unique_ptr<llvm::TargetMachine> machine;
};

/// Takes a verified module through the back half; aborts if any step fails.
void compileBackend(FuzzEnv &env, mlir::ModuleOp module,
                    const std::string &mlirDiags) {
  auto fail = [&](const char *what) {
    std::fprintf(stderr, "nlc-fuzz: %s failed on a valid program\n%s\n", what,
                 mlirDiags.c_str());
    std::abort();
  };
  setModuleTarget(module, env.targetInfo);
  mlir::PassManager pm(&env.context);
  env.target->buildKernelPipeline(pm);
  env.target->buildHostPipeline(pm);
  if (mlir::failed(pm.run(module)))
    fail("lowering");
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateToLLVMIR(module, llvmContext, *env.machine);
  if (!llvmModule)
    fail("translation to LLVM IR");
  addTargetAttributes(*llvmModule, env.codegen, *env.machine);
  optimizeModule(*llvmModule, *env.machine, env.codegen.optLevel);
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream os(object);
  std::string error;
  if (!emitCode(*llvmModule, *env.machine, os, /*asmOutput=*/false, error))
    fail(("code generation: " + error).c_str());
}
} // namespace

/// LLVM's BumpPtrAllocator, inlined into nlc's instrumented code, poisons
/// free slab space under ASan; the uninstrumented MLIR library allocates from
/// the same allocators (the context's type uniquer) without unpoisoning,
/// which is a false use-after-poison. Manual poisoning is therefore off.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FuzzEnv env;
  {
    std::ofstream out(env.path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), size);
    if (!out)
      std::abort();
  }

  SourceManager sm;
  DiagnosticEngine diags(sm);
  Frontend frontend(sm, diags, /*searchPaths=*/{});
  if (!frontend.parse(env.path))
    std::abort(); // The file was just written: it must be readable.
  bool ok = frontend.check();
  diags.flush(env.sink);
  if (!ok)
    return 0;

  // MLIR's diagnostics (there should be none) go to a string shown on abort.
  std::string mlirDiags;
  llvm::raw_string_ostream os(mlirDiags);
  mlir::ScopedDiagnosticHandler handler(&env.context, [&](mlir::Diagnostic &d) {
    os << d.getLocation() << ": " << d << "\n";
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlirGen(env.context, frontend.getModules(), sm);
  if (!module || mlir::failed(mlir::verify(*module))) {
    std::fprintf(stderr, "nlc-fuzz: MLIRGen produced invalid IR\n%s\n",
                 mlirDiags.c_str());
    std::abort();
  }
  if (env.backend)
    compileBackend(env, *module, mlirDiags);
  return 0;
}
