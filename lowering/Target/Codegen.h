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
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

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

/// The LLVM function attribute of a grid's body (`nlc-grids-to-runtime`):
/// it and the functions it calls are kernel code, which
/// addTargetAttributes tunes for the target CPU.
inline constexpr llvm::StringLiteral kGridBodyAttrName = "nlc-grid-body";

/// The attribute `[arg, rows]` of a grid's kernel call (the `func.call`
/// in an `scf.parallel`, set by `convert-tile-launch-to-scf`): the grid's
/// instances with the same first position read `rows` rows (one leading
/// index where `rows` is 1) of the view the call takes as operand `arg`,
/// whole, as the left operand of bf16, i8 or f32 products.
/// `nlc-grids-to-runtime` sizes its groups of rows of instances by it
/// (bf16 and i8).
inline constexpr llvm::StringLiteral kRowStripAttrName = "nlc.row_strip";

/// An i64 attribute of a grid's kernel call marked kRowStripAttrName, set
/// by the target's kernel lowering (`convert-tile-to-x86`): the rows of
/// instances per group, which `nlc-grids-to-runtime` then takes as they are.
inline constexpr llvm::StringLiteral kGroupRowsAttrName = "nlc.group_rows";

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

/// The most pieces partitionModule cuts a module into.
inline constexpr unsigned kMaxCodegenPieces = 64;

/// Cuts `module` into `pieces` modules that link together, as bitcode:
/// each function that is not only called directly (an exported one, a
/// grid's body, a constructor) goes to one piece with every local function
/// it calls, which is copied into each piece that calls it, so that each
/// piece optimizes as the whole module would. Those functions and the
/// variables become hidden globals; read-only local variables are copied.
/// `module` is left changed so (its symbols externalized). A module with
/// aliases, ifuncs or comdats is not cut: one piece.
std::vector<llvm::SmallVector<char, 0>> partitionModule(llvm::Module &module,
                                                        unsigned pieces);

/// Optimizes (optimizeModule) and compiles `module` into `outs.size()`
/// object files at once, one piece of partitionModule per thread, each in a
/// context and with a target machine of its own for `opts`. The module is
/// left cut up: only its pieces are meant to be used.
bool optimizeAndEmitInParallel(llvm::Module &module, const CodegenOptions &opts,
                               llvm::ArrayRef<llvm::raw_pwrite_stream *> outs,
                               std::string &error);

/// How many pieces optimizeAndEmitInParallel should cut `module` (not yet
/// optimized) into on this machine: 1 for a small module or one CPU.
unsigned codegenPieces(const llvm::Module &module);

/// Runs the external tool `program` (the linker, ptxas) with `args`
/// (args[0] its name). Returns its exit status (-1: it could not run); its
/// messages (stderr, and why it could not run) end up in `log`.
int runProgram(llvm::StringRef program, const std::vector<std::string> &args,
               std::string &log);

} // namespace nlc

#endif // NLC_LOWERING_CODEGEN_H
