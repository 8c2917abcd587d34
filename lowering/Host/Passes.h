//===- Passes.h - nlc lowering passes ---------------------------*- C++ -*-===//
//
// Declarations and registration of the passes in Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_PASSES_H
#define NLC_LOWERING_PASSES_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace nlc {

/// Marks the scf.parallel of a kernel grid (made by the launch lowering)
/// for nlc-grids-to-runtime.
inline constexpr llvm::StringLiteral kGridAttrName = "nlc.grid";

#define GEN_PASS_DECL
#include "lowering/Host/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/Host/Passes.h.inc"

} // namespace nlc

#endif // NLC_LOWERING_PASSES_H
