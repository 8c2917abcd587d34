//===- X86Targets.h - The x86-64 targets ------------------------*- C++ -*-===//
//
// x86_64-linux (hosted executables, kernel grids on the runtime's threads) and x86_64-bare
// (unikernel images for QEMU): their registry entries and the steps they
// share.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_TARGET_X86_X86TARGETS_H
#define NLC_LOWERING_TARGET_X86_X86TARGETS_H

#include "lowering/Target/TargetRegistry.h"

namespace nlc::x86 {

/// `--target=x86_64-linux`, the default.
const TargetEntry &getLinuxTarget();

/// `--target=x86_64-bare`.
const TargetEntry &getBareTarget();

/// Links a Linux executable with clang: the objects, libnlrt.a, libm and
/// pthreads (the runtime's grid threads).
bool linkExecutable(const LinkJob &job, std::string &error);

/// Links a unikernel image with ld.lld: the boot stub, the objects,
/// libnlrt_bare.a and its linker script.
bool linkBareImage(const LinkJob &job, std::string &error);

/// Whether x86 `target` (its CPU's features, then its explicit `+f`/`-f`
/// list, each with what it implies) enables `feature` (`avx512f`, ...).
bool hasFeature(const TargetInfo &target, llvm::StringRef feature);

/// Adds `nl_cpu_required` (the NL_CPU_* mask of nl_runtime.h for the
/// features `machine` was created with) and `nl_cpu_built_for` (`builtFor`,
/// a C string) to `module`, for the hosted runtime's startup check.
void recordRequiredCpuFeatures(llvm::Module &module,
                               const llvm::TargetMachine &machine,
                               llvm::StringRef builtFor);

} // namespace nlc::x86

#endif // NLC_LOWERING_TARGET_X86_X86TARGETS_H
