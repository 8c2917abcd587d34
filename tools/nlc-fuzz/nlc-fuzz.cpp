//===- nlc-fuzz.cpp - libFuzzer target for the nlc frontend ---------------===//
//
// Runs the whole frontend on each input as if it were a `.nl` file: lex,
// parse and Sema (imports resolve only in an empty private directory, so an
// import is just a diagnostic), then, when Sema succeeds, MLIRGen and the
// MLIR verifier. Diagnostics are rendered, caret lines included, into
// /dev/null. Findings are crashes, sanitizer reports, hangs (libFuzzer's
// -timeout) and IR that fails verification, which this target turns into an
// abort. Build with -DNLC_SANITIZE=ON -DNLC_FUZZ=ON; see docs/Testing.md.
//
//===----------------------------------------------------------------------===//

#include "frontend/Diagnostics.h"
#include "frontend/Frontend.h"
#include "frontend/MLIRGen/MLIRGen.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

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
  }
  ~FuzzEnv() {
    llvm::sys::fs::remove(path);
    llvm::sys::fs::remove(dir);
  }
  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    registerMLIRGenDialects(registry);
    return registry;
  }

  mlir::MLIRContext context;
  std::string dir;
  std::string path;
  std::FILE *sink;
};
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
  return 0;
}
