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
  unsigned width;
  switch (b) {
  case Builtin::F16FromBits:
    kind = Type::FloatKind::F16;
    width = 16;
    break;
  case Builtin::BF16FromBits:
    kind = Type::FloatKind::BF16;
    width = 16;
    break;
  case Builtin::F32FromBits:
    kind = Type::FloatKind::F32;
    width = 32;
    break;
  case Builtin::F64FromBits:
    kind = Type::FloatKind::F64;
    width = 64;
    break;
  default:
    llvm_unreachable("not a from_bits builtin");
  }
  (void)name;
  Expr &a = *e.orderedArgs[0];
  const Type *bits = types.getInt(width, false);
  if (!expectType(a, bits, checkValue(a, bits)))
    return types.getError();
  return types.getFloat(kind);
}

} // namespace nlc
