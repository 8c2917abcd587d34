//===- Options.h - The nlc command line -------------------------*- C++ -*-===//
//
// nlc's options, parsed and checked once in main and then passed around as
// one value: the compilation (Compilation.h) and running (Run.h) read it,
// nothing else reads the command line.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_TOOLS_NLC_OPTIONS_H
#define NLC_TOOLS_NLC_OPTIONS_H

#include "lowering/Target/TargetInfo.h"

#include <optional>
#include <string>
#include <vector>

namespace nlc {

struct TargetEntry;

namespace driver {

/// The stages of `--emit=`, in pipeline order.
enum class Emit { Tokens, AST, MLIR, MLIRLLVM, LLVM, Asm, Obj, PTX, Exe };

/// A checked command line.
struct Options {
  std::string inputFile;
  /// With `--run`: the arguments after the input file.
  std::vector<std::string> programArgs;
  /// `-o`; empty: the stage's default.
  std::string outputFile;
  Emit emit = Emit::Exe;
  unsigned optLevel = 2;
  bool run = false;
  /// The `--target=` entry.
  const TargetEntry *target = nullptr;
  /// The resolved target (CPU `native` replaced by the real name).
  TargetInfo targetInfo;
  /// `-mcpu=` and `-mattr=` as given, for the startup check's message.
  std::string builtFor;
  /// `--host-cpu=`: the host code's CPU where kernels run on a device
  /// (empty: the host target's default, `native`).
  std::string hostCpu;
  bool profile = false;
  /// --verify-each: the MLIR verifier after every pass.
  bool verifyEach = false;
  /// --amx-emulation (kAmxEmulationAttrName).
  bool amxEmulation = false;
  /// --gpu-emulation (nvptx::kGpuEmulationAttr).
  bool gpuEmulation = false;
  /// --gpu-tma (off: nvptx::kNoTmaAttr).
  bool gpuTma = true;
  /// --gpu-swizzle (off: nvptx::kNoSwizzleAttr).
  bool gpuSwizzle = true;
  /// The ptxas that makes the cubins a GPU program embeds (--ptxas, else
  /// found; nvptx::kPtxasAttr), or empty: PTX alone.
  std::string ptxas;
  std::optional<unsigned> runTimeout;
  std::vector<std::string> includeDirs;
  /// `--file`: (name in the guest, path here) of each file for a unikernel.
  std::vector<std::pair<std::string, std::string>> files;
  bool verifyDiagnostics = false;
  bool checkBounds = false;
  /// --codegen-threads: pieces of the executable's code generated at once
  /// (0: codegenPieces decides).
  unsigned codegenThreads = 0;
  /// --build-stdlib: where to compile the standard modules (StdlibObjects.h).
  std::string buildStdlibDir;
  /// --stdlib-objects: where they are (empty: the default directory).
  std::string stdlibObjectsDir;
  /// --no-stdlib-objects: compile the standard modules a program imports
  /// with it.
  bool noStdlibObjects = false;
  /// The input is a module compiled alone, as a library object: no `main`,
  /// its functions visible to other objects (--build-stdlib sets it).
  bool library = false;
  /// --verbose: say where the standard modules come from.
  bool verbose = false;

  /// Seconds `--run` waits for the program (0: no limit).
  unsigned runTimeoutSeconds() const;
  /// Where stage `stage` goes without `-o` ("-": stdout).
  std::string defaultOutput(Emit stage) const;
};

/// Parses and checks the command line into `opts`. Returns an exit status
/// when nlc should stop now (an error was printed, or the request was
/// informational such as `--list-diagnostics` or `-mcpu=help`).
std::optional<int> parseOptions(int argc, char **argv, Options &opts);

} // namespace driver
} // namespace nlc

#endif // NLC_TOOLS_NLC_OPTIONS_H
