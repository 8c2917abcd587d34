//===- SemaSys.cpp - Checking the sys:: builtins --------------------------===//
//
// `sys::` is the thin layer over the runtime's files, environment and exit
// (runtime/nl_runtime.h): handles and results are i64, failures negative
// error codes that `sys::error_message` turns into the OS's text
// (docs/LangRef.md, "Files and the process"). Buffers are rank-1 tensors or
// views of any scalar element type, borrowed for the call.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include "llvm/Support/ErrorHandling.h"

namespace nlc {

const Type *Sema::checkSysBuiltin(CallExpr &e, Builtin b,
                                  const std::string &name) {
  const Type *i64 = types.getInt(64, true);
  bool ok = true;
  auto expect = [&](size_t i, const Type *t) {
    Expr &a = *e.orderedArgs[i];
    ok &= expectType(a, t, checkValue(a, t));
  };
  auto buffer = [&](size_t i) {
    Expr &a = *e.orderedArgs[i];
    const Type *t = checkValue(a);
    if (t->isError()) {
      ok = false;
      return;
    }
    if ((!t->isTensor() && !t->isView()) || t->getRank() != 1 ||
        t->getElementType()->isBool()) {
      diags.report(a.range, DiagID::err_builtin_arg_type,
                   {name, "a rank-1 tensor or view of numbers", t->str()});
      ok = false;
    }
  };
  const Type *result = i64;
  switch (b) {
  case Builtin::SysOpen:
    expect(0, types.getStr());
    expect(1, i64);
    break;
  case Builtin::SysRead:
  case Builtin::SysWrite:
    expect(0, i64);
    buffer(1);
    break;
  case Builtin::SysWriteStr:
    expect(0, i64);
    ok &= checkTextArg(*e.orderedArgs[1], name);
    break;
  case Builtin::SysSeek:
    expect(0, i64);
    expect(1, i64);
    expect(2, i64);
    break;
  case Builtin::SysSize:
  case Builtin::SysClose:
    expect(0, i64);
    break;
  case Builtin::SysMap:
    expect(0, i64);
    result = types.getTensor(types.getInt(8, true), 1);
    break;
  case Builtin::SysTryMap: {
    // `Result<Tensor<i8, 1>, i64>`: the prelude's Result (always loaded).
    expect(0, i64);
    auto *tmpl = prelude ? llvm::dyn_cast_or_null<StructDecl>(
                               lookupTop(*prelude, "Result"))
                         : nullptr;
    if (!tmpl)
      llvm::report_fatal_error("sys::try_map needs the prelude's `Result`");
    result = instantiateType(
        *tmpl, {types.getTensor(types.getInt(8, true), 1), i64}, e.range);
    break;
  }
  case Builtin::SysErrorMessage:
    expect(0, i64);
    result = types.getStr();
    break;
  case Builtin::SysEnv:
  case Builtin::SysHasEnv:
    expect(0, types.getStr());
    result = b == Builtin::SysEnv ? types.getStr() : types.getBool();
    break;
  case Builtin::SysExit:
    expect(0, types.getInt(32, true));
    result = types.getVoid();
    break;
  default:
    llvm_unreachable("not a sys:: builtin");
  }
  return ok ? result : types.getError();
}

} // namespace nlc
