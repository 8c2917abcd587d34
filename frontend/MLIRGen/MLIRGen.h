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

#include <vector>

namespace mlir {
class MLIRContext;
class DialectRegistry;
} // namespace mlir

namespace nlc {

struct Module;
class SourceManager;

/// Registers the dialects MLIRGen produces.
void registerMLIRGenDialects(mlir::DialectRegistry &registry);

/// Translates all modules (dependency order, root last) into one MLIR module.
/// `checkBounds` makes grid kernels report, with their program id, a `load`
/// or `store` whose tile lies wholly outside its view (`--check-bounds`).
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const std::vector<Module *> &modules,
                                          const SourceManager &sm,
                                          bool checkBounds = false);

} // namespace nlc

#endif // NLC_FRONTEND_MLIRGEN_MLIRGEN_H
