//===- MLIRGen.h - Typed AST to MLIR ----------------------------*- C++ -*-===//
//
// The only bridge between the frontend and MLIR. It translates a Sema-checked
// program into func, arith, math, scf, cf, memref and llvm dialect ops, and
// checks nothing: every rule was enforced by Sema.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_MLIRGEN_MLIRGEN_H
#define NLC_FRONTEND_MLIRGEN_MLIRGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <set>
#include <vector>

namespace mlir {
class MLIRContext;
class DialectRegistry;
} // namespace mlir

namespace nlc {

struct FnDecl;
struct Module;
class SourceManager;

/// Registers the dialects MLIRGen produces.
void registerMLIRGenDialects(mlir::DialectRegistry &registry);

/// What mlirGen makes besides the code of every function.
struct MLIRGenOptions {
  /// Grid kernels report, with their program id, a `load` or `store` whose
  /// tile lies wholly outside its view (`--check-bounds`).
  bool checkBounds = false;
  /// Modules compiled apart (the prebuilt standard modules, docs/CLI.md):
  /// their linkable functions (isLinkable) are declared, not made. The
  /// instances of their templates and their kernels are made where used.
  std::set<const Module *> separate;
  /// The root is compiled as a library module (`--build-stdlib`): it needs
  /// no `main`, and its linkable functions are visible to other objects.
  bool library = false;
  /// The program is built for a GPU (`--target=nvptx64-nvidia-cuda`):
  /// `device::get(0)` is the GPU when there is one, and tensors on it are
  /// allocated there (memref.alloc marked `nlc.device_memory`).
  bool gpu = false;
};

/// Whether `fn`, a function of a module's own declarations (not an
/// instance of a template), is made once in its module's object when that
/// module is compiled apart, and called from others: it has a body and is
/// neither a kernel (a launch needs the body) nor `@inline`.
bool isLinkable(const FnDecl &fn);

/// Translates all modules (dependency order, root last) into one MLIR module.
/// With modules compiled apart or a library root, functions that nothing
/// made here reaches (from `main`, the root's functions and the library's
/// linkable ones) are dropped.
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const std::vector<Module *> &modules,
                                          const SourceManager &sm,
                                          const MLIRGenOptions &options = {});

} // namespace nlc

#endif // NLC_FRONTEND_MLIRGEN_MLIRGEN_H
