//===- Codegen.h - LLVM IR, optimization, objects ---------------*- C++ -*-===//
//
// The back half of the driver: translate the LLVM dialect to LLVM IR, run
// LLVM's optimization pipeline and emit assembly or an object file for the
// target. Linking is each target's own step (TargetRegistry.h).
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_CODEGEN_H
#define NLC_LOWERING_CODEGEN_H

#include "llvm/ADT/ArrayRef.h"

#include <memory>
#include <string>

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
  /// LLVM target features (`+avx512f,-amx-tile`); may be empty.
  std::string features;
  /// Freestanding code for the unikernel (--target=x86_64-bare): static
  /// relocation model; no red zone in any function, because CPU exceptions
  /// push their frames onto the interrupted stack; and inline stack probes,
  /// so that a frame larger than the guard page below the stack faults on
  /// the guard page instead of writing past it.
  bool bareMetal = false;
};

/// Registers the LLVM backends nlc generates code with: the host's (x86)
/// and NVPTX. Idempotent.
void initializeLLVMTargets();

/// Translates an LLVM-dialect module to LLVM IR, set up for the target.
std::unique_ptr<llvm::Module> translateToLLVMIR(mlir::ModuleOp module,
                                                llvm::LLVMContext &ctx,
                                                llvm::TargetMachine &tm);

/// Creates the target machine for `opts`; sets `error` on failure.
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CodegenOptions &opts, std::string &error);

/// Adds the function attributes the target needs that MLIR does not express:
/// `target-cpu` and `target-features` on every function defined here,
/// `min-legal-vector-width` 512 where `tm` has AVX-512, and for bare metal
/// `noredzone` and `"probe-stack"="inline-asm"`.
void addTargetAttributes(llvm::Module &module, const CodegenOptions &opts,
                         const llvm::TargetMachine &tm);

/// Runs LLVM's standard O0-O3 pipeline.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                    unsigned optLevel);

/// Emits assembly (`asmOutput`) or an object file into `out`.
bool emitCode(llvm::Module &module, llvm::TargetMachine &tm,
              llvm::raw_pwrite_stream &out, bool asmOutput,
              std::string &error);

/// Object code for `module` in `outs.size()` pieces generated at once, one
/// per thread: LLVM's SplitModule cuts the module (its local symbols made
/// hidden globals, so that the pieces link together), each piece goes
/// through bitcode into a context of its own and is compiled by a target
/// machine of its own for `opts`, into one object file of `outs`. The
/// module is left cut up: only its pieces are meant to be used.
bool emitObjectsInParallel(llvm::Module &module, const CodegenOptions &opts,
                           llvm::ArrayRef<llvm::raw_pwrite_stream *> outs,
                           std::string &error);

/// How many pieces emitObjectsInParallel should cut `module` into on this
/// machine: 1 (no split) for a small module or a machine of one CPU.
unsigned codegenPieces(const llvm::Module &module);

} // namespace nlc

#endif // NLC_LOWERING_CODEGEN_H
