//===- SemaCollections.cpp - `Vec<T>` and `hash` --------------------------===//
//
// The typing rules of the builtin growable array `Vec<T>` (its type, its
// constructors and methods; indexing is in checkIndex) and of `hash(x)`.
// The rules are docs/LangRef.md, section 30.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

namespace nlc {

bool holdsVec(const Type *t) {
  if (t->isVec())
    return true;
  if (t->isArray())
    return holdsVec(t->getElementType());
  for (const Type *m : t->members())
    if (m && holdsVec(m))
      return true;
  return false;
}

const Type *Sema::resolveVecType(const TypeExpr &t, Module &m) {
  if (t.genericArgs.size() != 1 || !t.genericArgs[0].type) {
    diags.report(t.range, DiagID::err_vec_generic_args);
    return types.getError();
  }
  const Type *elem = genericTypeArg(t.genericArgs[0], m);
  if (elem->isError())
    return elem;
  if (elem->containsBuffer() || elem->isDevice() || elem->isVoid()) {
    diags.report(t.genericArgs[0].type->range, DiagID::err_vec_element,
                 {elem->str()});
    return types.getError();
  }
  return types.getVec(elem);
}

const Type *Sema::checkVecNew(CallExpr &e, Builtin b, const Type *expected) {
  const BuiltinInfo &info = getBuiltinInfo(b);
  std::string name = std::string("Vec::") + info.name;
  if (e.args.size() != info.minArgs) {
    diags.report(e.range, DiagID::err_arg_count,
                 {name, countArguments(info.minArgs, info.maxArgs),
                  countGiven(e.args.size())});
    return types.getError();
  }
  for (CallArg &a : e.args)
    e.orderedArgs.push_back(a.value.get());
  bool ok = true;
  if (b == Builtin::VecWithCapacity) {
    const Type *i64 = types.getInt(64, true);
    ok = expectType(*e.orderedArgs[0], i64, checkValue(*e.orderedArgs[0], i64));
  }
  if (expected && expected->isError())
    return expected;
  if (!expected || !expected->isVec()) {
    diags.report(e.callee->range, DiagID::err_vec_new_infer, {name});
    return types.getError();
  }
  return ok ? expected : types.getError();
}

const Type *Sema::checkVecMethod(CallExpr &e, const Ident &method,
                                 const Type *recv) {
  Builtin b = lookupBuiltinMethod(method.name, BuiltinReceivers::Vec);
  for (CallArg &a : e.args)
    e.orderedArgs.push_back(a.value.get());
  auto checkArgs = [&] {
    for (Expr *a : e.orderedArgs)
      checkValue(*a);
  };
  if (b == Builtin::None) {
    diags.report(method.range, DiagID::err_no_method,
                 {recv->str(), method.name});
    checkArgs();
    return types.getError();
  }
  const BuiltinInfo &info = getBuiltinInfo(b);
  if (!checkBuiltinUse(e, info.use, "." + method.name + "()")) {
    checkArgs();
    return types.getError();
  }
  for (CallArg &a : e.args)
    if (a.name) {
      diags.report(a.name->range, DiagID::err_builtin_named_arg, {method.name});
      return types.getError();
    }
  if (e.orderedArgs.size() != info.minArgs) {
    diags.report(e.range, DiagID::err_arg_count,
                 {method.name, countArguments(info.minArgs, info.maxArgs),
                  countGiven(e.orderedArgs.size())});
    checkArgs();
    return types.getError();
  }
  e.builtin = b;
  const Type *i64 = types.getInt(64, true);
  const Type *elem = recv->getElementType();
  // The argument types, in order: indices are i64, a value is an element.
  std::vector<const Type *> params;
  switch (b) {
  case Builtin::VecPush:
    params = {elem};
    break;
  case Builtin::VecInsert:
    params = {i64, elem};
    break;
  case Builtin::VecSwap:
    params = {i64, i64};
    break;
  case Builtin::VecTruncate:
  case Builtin::VecRemove:
  case Builtin::VecSwapRemove:
    params = {i64};
    break;
  default:
    break;
  }
  bool ok = true;
  for (size_t i = 0; i < params.size(); ++i)
    ok &= expectType(*e.orderedArgs[i], params[i],
                     checkValue(*e.orderedArgs[i], params[i]));
  bool reads = b == Builtin::VecLen || b == Builtin::VecIsEmpty ||
               b == Builtin::VecCapacity;
  if (!reads && !checkMutReceiver(*e.receiver, method.name))
    ok = false;
  if (!ok)
    return types.getError();
  switch (b) {
  case Builtin::VecLen:
  case Builtin::VecCapacity:
    return i64;
  case Builtin::VecIsEmpty:
    return types.getBool();
  case Builtin::VecPop:
  case Builtin::VecRemove:
  case Builtin::VecSwapRemove:
    return elem;
  default:
    return types.getVoid();
  }
}

const Type *Sema::checkHash(CallExpr &e) {
  // The one place that says which types `hash` takes; MLIRGen hashes the
  // bytes of each (genHash).
  const Type *t = checkValue(*e.orderedArgs[0]);
  if (t->isError())
    return t;
  if (!t->isInt() && !t->isBool() && !t->isText()) {
    diags.report(e.orderedArgs[0]->range, DiagID::err_hash_arg, {t->str()});
    return types.getError();
  }
  return types.getInt(64, false);
}

} // namespace nlc
