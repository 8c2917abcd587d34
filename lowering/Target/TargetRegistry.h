//===- TargetRegistry.h - The targets nlc can build for ---------*- C++ -*-===//
//
// One entry per `--target=` name: its LLVM triple, default CPU, MLIR
// pipelines (kernel, then host) and link step. The driver does nothing
// target-specific beyond looking up an entry here; nlc-opt registers every
// entry's pipelines by name (`--nlc-<target>-kernel`, `--nlc-<target>-host`).
// A new backend is a folder beside X86/ with its entry and one line in
// Targets.def.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_TARGET_TARGETREGISTRY_H
#define NLC_LOWERING_TARGET_TARGETREGISTRY_H

#include "lowering/Target/TargetInfo.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir {
class OpPassManager;
}

namespace nlc {

/// What a link step needs.
struct LinkJob {
  /// Object files of the program.
  std::vector<std::string> objects;
  /// The folder with the runtime libraries (build/lib).
  std::string libDir;
  /// The file to write.
  std::string output;
  /// Every symbol of the executable in its dynamic symbol table (-rdynamic):
  /// nlc --gpu-emulation, whose kernels a driver library looks up.
  bool exportDynamic = false;
};

/// How `nlc --run` starts what the link step wrote.
enum class RunKind {
  /// Executed as a process on this machine.
  Process,
  /// Booted under qemu-system-x86_64.
  Qemu,
};

/// A target `nlc --target=` can name.
struct TargetEntry {
  using PipelineBuilder = void (*)(mlir::OpPassManager &);
  using LinkStep = bool (*)(const LinkJob &job, std::string &error);
  using ModuleStep = void (*)(llvm::Module &module,
                              const llvm::TargetMachine &machine,
                              llvm::StringRef builtFor);

  /// `--target=` name.
  llvm::StringRef name;
  /// One line for `--help`.
  llvm::StringRef description;
  /// LLVM target triple.
  llvm::StringRef triple;
  /// CPU used without `-mcpu`; `native` is the machine nlc runs on.
  llvm::StringRef defaultCpu;
  /// Empty when the target can be compiled for; otherwise why not.
  llvm::StringRef unavailable;
  /// Kernel pipeline: tile ops to loops/vector code for this target.
  PipelineBuilder buildKernelPipeline = nullptr;
  /// Host pipeline: everything left to the LLVM dialect.
  PipelineBuilder buildHostPipeline = nullptr;
  /// Objects to the final file (executable or image).
  LinkStep link = nullptr;
  /// For a target whose kernels run on a device (a GPU): the target of the
  /// host code, whose triple and default CPU the host code is built for.
  /// Null when host and kernels share `triple`.
  const TargetEntry *host = nullptr;
  /// Freestanding code: static relocation, no red zone, stack probes.
  bool freestanding = false;
  /// Run on the optimized LLVM module before code emission; the x86 Linux
  /// target records there the CPU features the code needs, for the
  /// runtime's startup check (nl_cpu_check). `builtFor` is the `-mcpu` and
  /// `-mattr` the user gave, for messages. May be null.
  ModuleStep finalizeModule = nullptr;
  /// Suffix of the default output name of the `exe` stage.
  llvm::StringRef exeSuffix;
  /// How `--run` starts the result.
  RunKind run = RunKind::Process;
  /// `--run-timeout` default in seconds (0: none).
  unsigned defaultRunTimeout = 0;

  bool isAvailable() const { return unavailable.empty(); }
};

/// Every target, in Targets.def order (the first is the default).
llvm::ArrayRef<const TargetEntry *> getTargets();

/// The entry named `name`, or nullptr.
const TargetEntry *lookupTarget(llvm::StringRef name);

/// The names of all targets, separated by ", " (for messages).
std::string getTargetNames();

/// Resolves `cpu` (`native` or a name; empty: the entry's default) and the
/// `-mattr` string `attrs` for `entry` into a TargetInfo. On failure returns
/// false and sets `error` to a message for the user.
bool resolveTarget(const TargetEntry &entry, llvm::StringRef cpu,
                   llvm::StringRef attrs, TargetInfo &info, std::string &error);

/// Prints the CPUs (`what` = "cpu") or features ("attr") LLVM knows for
/// `entry`, one per line; false (with `error` set) for a target without
/// them.
bool printTargetHelp(const TargetEntry &entry, llvm::StringRef what,
                     std::string &error);

/// Registers `nlc-<target>-kernel` and `nlc-<target>-host` for every
/// available target.
void registerTargetPipelines();

/// Registers MLIR's passes and every pass of nlc's pipelines (host, CPU
/// kernels, x86, NVPTX), so that pass names resolve: nlc-opt's command
/// line, nlc's --mlir-print-ir-before/after=PASS. Call it before the pass
/// manager's command-line options are registered.
void registerAllPasses();

} // namespace nlc

#endif // NLC_LOWERING_TARGET_TARGETREGISTRY_H
