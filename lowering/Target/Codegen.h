//===- Codegen.h - LLVM IR, optimization, objects, linking ------*- C++ -*-===//
//
// The back half of the driver: translate the LLVM dialect to LLVM IR, run
// LLVM's optimization pipeline, emit assembly or an object file for the
// host or the bare-metal target, and link objects with the runtime into an
// executable or a bootable image.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_CODEGEN_H
#define NLC_LOWERING_CODEGEN_H

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
class raw_pwrite_stream;
} // namespace llvm

namespace mlir {
class ModuleOp;
}

namespace nlc {

struct CodegenOptions {
  unsigned optLevel = 2;
  /// Target triple; empty means the host.
  std::string triple;
  /// CPU name for the target machine ("" is the generic baseline).
  std::string cpu;
  /// Freestanding code for the unikernel (--target=x86_64-bare): static
  /// relocation model, and no red zone in any function, because CPU
  /// exceptions push their frames onto the interrupted stack.
  bool bareMetal = false;
};

/// Translates an LLVM-dialect module to LLVM IR, set up for the target.
std::unique_ptr<llvm::Module> translateToLLVMIR(mlir::ModuleOp module,
                                                llvm::LLVMContext &ctx,
                                                llvm::TargetMachine &tm);

/// Creates the target machine for `opts`; sets `error` on failure.
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CodegenOptions &opts, std::string &error);

/// Adds the function attributes the target needs that MLIR does not express
/// (for bare metal: `noredzone` on every function).
void addTargetAttributes(llvm::Module &module, const CodegenOptions &opts);

/// Runs LLVM's standard O0-O3 pipeline.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                    unsigned optLevel);

/// Emits assembly (`asmOutput`) or an object file into `out`.
bool emitCode(llvm::Module &module, llvm::TargetMachine &tm,
              llvm::raw_pwrite_stream &out, bool asmOutput,
              std::string &error);

/// Links `objects` and the runtime archive into `output` with clang.
/// `openmp` links LLVM's OpenMP runtime, which kernel grids run on.
bool linkExecutable(const std::vector<std::string> &objects,
                    const std::string &runtimeLib, const std::string &output,
                    bool openmp, std::string &error);

/// Links `objects` with the freestanding runtime in `libDir` (boot stub,
/// libnlrt_bare.a, linker script) into the bootable ELF image `output`, with
/// ld.lld.
bool linkBareImage(const std::vector<std::string> &objects,
                   const std::string &libDir, const std::string &output,
                   std::string &error);

} // namespace nlc

#endif // NLC_LOWERING_CODEGEN_H
