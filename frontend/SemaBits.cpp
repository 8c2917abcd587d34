//===- SemaBits.cpp - Checking the from_bits builtins ---------------------===//
//
// `f16::from_bits(u16)`, `bf16::from_bits(u16)`, `f32::from_bits(u32)` and
// `f64::from_bits(u64)` reinterpret an unsigned integer of the float's width
// as the float with that IEEE bit pattern (docs/LangRef.md, section 16).
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include "llvm/Support/ErrorHandling.h"

namespace nlc {

const Type *Sema::checkBitsBuiltin(CallExpr &e, Builtin b,
                                   const std::string &name) {
  Type::FloatKind kind;
  switch (b) {
  case Builtin::F16FromBits:
    kind = Type::FloatKind::F16;
    break;
  case Builtin::BF16FromBits:
    kind = Type::FloatKind::BF16;
    break;
  case Builtin::F32FromBits:
    kind = Type::FloatKind::F32;
    break;
  case Builtin::F64FromBits:
    kind = Type::FloatKind::F64;
    break;
  default:
    llvm_unreachable("not a from_bits builtin");
  }
  (void)name;
  // The argument is the unsigned integer of the float's width.
  const Type *result = types.getFloat(kind);
  Expr &a = *e.orderedArgs[0];
  const Type *bits = types.getInt(result->getBitWidth(), false);
  if (!expectType(a, bits, checkValue(a, bits)))
    return types.getError();
  return result;
}

} // namespace nlc
