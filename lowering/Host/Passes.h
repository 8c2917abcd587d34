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

#define GEN_PASS_DECL
#include "lowering/Host/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/Host/Passes.h.inc"

} // namespace nlc

#endif // NLC_LOWERING_PASSES_H
