//===- SemaString.cpp - Checking strings: str, String and their operations ===//
//
// `str` is an immutable byte string in memory that lives for the whole
// program; `String` an owned, growable one (Type::isOwned). Every operation
// that reads text takes either ("text": Type::isText), also borrowed as
// `&x`; operations that make new text from a `String` make a `String`, so a
// `str` never points into memory that can be freed. The methods and
// builtins are in Builtins.def; the rules are docs/LangRef.md, section 15.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include "llvm/Support/ErrorHandling.h"

namespace nlc {

/// The expression an argument reads: `x` for `&x` and `&mut x`.
static Expr &unborrowed(Expr &arg) {
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&arg);
      u && (u->op == UnaryOp::Borrow || u->op == UnaryOp::BorrowMut))
    return *u->operand;
  return arg;
}

bool Sema::checkTextArg(Expr &arg, const std::string &name) {
  Expr &value = unborrowed(arg);
  const Type *t = checkValue(value);
  if (&value != &arg)
    arg.type = t;
  if (t->isError())
    return false;
  if (t->isText())
    return true;
  diags.report(arg.range, DiagID::err_builtin_arg_type,
               {name, "a `str` or `String`", t->str()});
  return false;
}

const Type *Sema::parseResultType(CallExpr &e, const Type *value) {
  auto preludeDecl = [&](const char *name) -> StructDecl * {
    StructDecl *d =
        prelude ? llvm::dyn_cast_or_null<StructDecl>(lookupTop(*prelude, name))
                : nullptr;
    if (!d)
      reportUndeclared(Ident{name, e.callee->range}, /*isType=*/true);
    return d;
  };
  StructDecl *result = preludeDecl("Result");
  StructDecl *error = result ? preludeDecl("ParseError") : nullptr;
  if (!error)
    return types.getError();
  return instantiateType(*result, {value, types.getStruct(error)}, e.range);
}

const Type *Sema::checkStringBuiltin(CallExpr &e, Builtin b,
                                     const std::string &name) {
  const Type *i64 = types.getInt(64, true);
  switch (b) {
  case Builtin::StringNew:
    return types.getString();
  case Builtin::StringFrom:
    return checkTextArg(*e.orderedArgs[0], name) ? types.getString()
                                                 : types.getError();
  case Builtin::ToString: {
    Expr &arg = *e.orderedArgs[0];
    // `&s` borrows a text; numbers are passed as values.
    if (&unborrowed(arg) != &arg)
      return checkTextArg(arg, name) ? types.getString() : types.getError();
    const Type *t = checkValue(arg);
    if (t->isError())
      return t;
    if (!t->isScalar() && !t->isText()) {
      diags.report(arg.range, DiagID::err_builtin_arg_type,
                   {name, "a number, `bool`, `str` or `String`", t->str()});
      return types.getError();
    }
    return types.getString();
  }
  case Builtin::ParseI64:
  case Builtin::ParseF64:
    if (!checkTextArg(*e.orderedArgs[0], name))
      return types.getError();
    return parseResultType(e, b == Builtin::ParseI64
                                  ? i64
                                  : types.getFloat(Type::FloatKind::F64));
  default:
    break;
  }
  llvm_unreachable("not a string builtin");
}

const Type *Sema::checkStringMethod(CallExpr &e, const Type *recv, Builtin b,
                                    const std::string &method) {
  e.builtin = b;
  bool ok = true;
  for (CallArg &a : e.args)
    if (a.name) {
      diags.report(a.name->range, DiagID::err_builtin_named_arg, {method});
      ok = false;
    }
  if (!ok || !checkBuiltinUse(e, getBuiltinInfo(b).use, method)) {
    for (CallArg &a : e.args)
      check(*a.value);
    return types.getError();
  }
  e.orderedArgs.clear();
  for (CallArg &a : e.args)
    e.orderedArgs.push_back(a.value.get());
  const Type *i64 = types.getInt(64, true);
  // An argument of a scalar kind: `what` describes it, `fits` accepts it.
  auto scalarArg = [&](const char *what, bool (*fits)(const Type *)) {
    Expr &a = *e.orderedArgs[0];
    const Type *t = checkValue(a);
    if (t->isError() || fits(t))
      return !t->isError();
    diags.report(a.range, DiagID::err_builtin_arg_type,
                 {method, what, t->str()});
    return false;
  };
  auto position = [&](size_t i) {
    Expr &a = *e.orderedArgs[i];
    return expectType(a, i64, checkValue(a, i64));
  };
  // The methods that change the receiver need a place they may write.
  if (changesString(b)) {
    NameExpr *root = placeRoot(*e.receiver);
    if (root && root->var && !root->var->isMutable &&
        root->var->ref == RefKind::None) {
      const VarDecl &v = *root->var;
      diags.report(e.receiver->range, DiagID::err_mut_method_needs_var,
                   {method, v.name.name});
      diags.note(v.name.range, DiagID::note_declared_here, {v.name.name});
      ok = false;
    } else {
      ok = checkMutPlace(*e.receiver);
    }
  }
  const Type *result = types.getVoid();
  switch (b) {
  case Builtin::StrLen:
  case Builtin::TextCharCount:
    result = i64;
    break;
  case Builtin::TextHash:
    result = types.getInt(64, false);
    break;
  case Builtin::StringClear:
    break;
  case Builtin::StringClone:
  case Builtin::TextTrim:
    result = recv;
    break;
  case Builtin::StringPushStr:
    ok &= checkTextArg(*e.orderedArgs[0], method);
    break;
  case Builtin::StringPushByte: {
    const Type *u8 = types.getInt(8, false);
    Expr &a = *e.orderedArgs[0];
    ok &= expectType(a, u8, checkValue(a, u8));
    break;
  }
  case Builtin::StringPushChar: {
    const Type *u32 = types.getInt(32, false);
    Expr &a = *e.orderedArgs[0];
    ok &= expectType(a, u32, checkValue(a, u32));
    break;
  }
  case Builtin::StringPushInt:
    ok &= scalarArg("an integer", [](const Type *t) { return t->isInt(); });
    break;
  case Builtin::StringPushFloat:
    ok &= scalarArg("a float", [](const Type *t) { return t->isFloat(); });
    break;
  case Builtin::TextSlice:
    ok &= position(0);
    ok &= position(1);
    result = recv;
    break;
  case Builtin::TextFind:
  case Builtin::TextFindFrom:
    ok &= checkTextArg(*e.orderedArgs[0], method);
    if (b == Builtin::TextFindFrom)
      ok &= position(1);
    result = i64;
    break;
  case Builtin::TextStartsWith:
  case Builtin::TextEndsWith:
    ok &= checkTextArg(*e.orderedArgs[0], method);
    result = types.getBool();
    break;
  case Builtin::TextCharAt:
    ok &= position(0);
    result = types.getInt(32, false);
    break;
  case Builtin::TextCharLenAt:
    ok &= position(0);
    result = i64;
    break;
  default:
    llvm_unreachable("not a string method");
  }
  return ok ? result : types.getError();
}

const Type *Sema::checkStringBinary(BinaryExpr &e, const Type *lt,
                                    const Type *rt) {
  const char *spelling = getSpelling(e.op);
  const Type *text = lt->isText() ? lt : rt;
  bool isCompare = e.op == BinaryOp::Eq || e.op == BinaryOp::Ne ||
                   e.op == BinaryOp::Lt || e.op == BinaryOp::Le ||
                   e.op == BinaryOp::Gt || e.op == BinaryOp::Ge;
  if (!isCompare && e.op != BinaryOp::Add) {
    diags.report(e.opRange, DiagID::err_invalid_operand,
                 {spelling, text->str()});
    return types.getError();
  }
  if (!lt->isText() || !rt->isText()) {
    diags.report(e.opRange, DiagID::err_binary_type_mismatch,
                 {spelling, lt->str(), rt->str()});
    return types.getError();
  }
  return isCompare ? types.getBool() : types.getString();
}

} // namespace nlc
