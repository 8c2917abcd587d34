//===- Compilation.h - One run of the compiler ------------------*- C++ -*-===//
//
// From the input file to the stage `--emit=` asks for: the frontend, MLIRGen,
// the target's MLIR pipelines (through the target registry), LLVM
// optimization and code emission, the target's link step, and `--run`.
// Output files are written to a temporary name and renamed only when
// everything succeeded, so a failed compilation never leaves a half-written
// file behind.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_TOOLS_NLC_COMPILATION_H
#define NLC_TOOLS_NLC_COMPILATION_H

#include <string>

namespace nlc {
class DiagnosticEngine;
class SourceManager;

namespace driver {
struct Options;

/// Compiles (and with `--run` runs) as `opts` says; returns nlc's exit
/// status. `argv0` locates the runtime libraries next to nlc.
int compile(const Options &opts, const char *argv0, SourceManager &sm,
            DiagnosticEngine &diags);

/// The directory of the running nlc binary (build/bin or <prefix>/bin).
std::string binDir(const char *argv0);

} // namespace driver
} // namespace nlc

#endif // NLC_TOOLS_NLC_COMPILATION_H
