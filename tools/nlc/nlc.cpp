//===- nlc.cpp - The Neuro-Lang compiler driver ---------------------------===//
//
// `nlc FILE.nl` compiles a program for a target of the target registry
// (`--target=`, `-mcpu=`, `-mattr=`). `--emit=` stops at any stage (tokens,
// ast, mlir, mlir-llvm, llvm, asm, obj, exe) and prints or writes it;
// `--run` compiles and runs. Options.cpp reads the command line,
// Compilation.cpp compiles, Run.cpp runs; this file only ties them together.
//
//===----------------------------------------------------------------------===//

#include "frontend/Diagnostics.h"
#include "frontend/SourceManager.h"
#include "tools/nlc/Compilation.h"
#include "tools/nlc/Options.h"
#include "tools/nlc/StdlibObjects.h"

#include "llvm/Support/InitLLVM.h"

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::setBugReportMsg("nlc crashed: this is a compiler bug. Please report "
                        "it with the input file and the command line.\n");
  nlc::driver::Options opts;
  if (std::optional<int> status = nlc::driver::parseOptions(argc, argv, opts))
    return *status;
  if (!opts.buildStdlibDir.empty())
    return nlc::driver::buildStdlib(opts, argv[0]);
  nlc::SourceManager sm;
  nlc::DiagnosticEngine diags(sm);
  int rc = nlc::driver::compile(opts, argv[0], sm, diags);
  diags.flush();
  if (rc == 0 && diags.hasErrors())
    rc = 1;
  return rc;
}
