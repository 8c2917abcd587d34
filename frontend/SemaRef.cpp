//===- SemaRef.cpp - Reference parameters and borrows ---------------------===//
//
// A parameter may be a reference, `p: &T` (shared, read-only) or
// `p: &mut T` (exclusive, writable), and so may `self` (`&self`,
// `&mut self`). A reference lives only as long as the call, so it never
// outlives what it refers to. Call sites borrow explicitly (`f(&x)`,
// `g(&mut x)`); a method taking `&mut self` borrows its receiver itself.
// This file checks the borrows of one call: `&mut` needs a place rooted in
// a `var` or in a `&mut` parameter, a `&mut` borrow overlaps no other
// argument of the same call, and nothing is written through a `&`. The
// rules are docs/LangRef.md, section 25.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

namespace nlc {
namespace {

/// A place as a path from its root variable: fields by index, elements by
/// constant index, or an unknown index.
struct Place {
  enum class Step { Field, Index, AnyIndex };
  const VarDecl *root = nullptr;
  std::vector<std::pair<Step, uint64_t>> path;
};

bool placeOf(const Expr &e, Place &out) {
  if (auto *n = llvm::dyn_cast<NameExpr>(&e)) {
    out.root = n->var;
    return n->var != nullptr;
  }
  if (auto *f = llvm::dyn_cast<FieldExpr>(&e)) {
    if (!placeOf(*f->base, out))
      return false;
    out.path.push_back({Place::Step::Field, f->fieldIndex});
    return true;
  }
  if (auto *i = llvm::dyn_cast<IndexExpr>(&e)) {
    if (!placeOf(*i->base, out))
      return false;
    if (i->index->constValue.kind == ConstValue::Kind::Int)
      out.path.push_back({Place::Step::Index, i->index->constValue.intBits});
    else
      out.path.push_back({Place::Step::AnyIndex, 0});
    return true;
  }
  return false;
}

/// Whether two places may share memory: the same root, and neither a
/// different field nor a different constant index at any common step.
bool overlaps(const Place &a, const Place &b) {
  if (a.root != b.root)
    return false;
  for (size_t i = 0; i < a.path.size() && i < b.path.size(); ++i) {
    auto [sa, va] = a.path[i];
    auto [sb, vb] = b.path[i];
    if (sa == Place::Step::AnyIndex || sb == Place::Step::AnyIndex)
      continue;
    if (sa != sb || va != vb)
      return false;
  }
  return true;
}

bool isBorrow(const Expr &e) {
  auto *u = llvm::dyn_cast<UnaryExpr>(&e);
  return u && (u->op == UnaryOp::Borrow || u->op == UnaryOp::BorrowMut);
}

} // namespace

NameExpr *placeRoot(Expr &e) {
  if (auto *n = llvm::dyn_cast<NameExpr>(&e))
    return n;
  if (auto *f = llvm::dyn_cast<FieldExpr>(&e))
    return placeRoot(*f->base);
  if (auto *i = llvm::dyn_cast<IndexExpr>(&e))
    return placeRoot(*i->base);
  return nullptr;
}

void Sema::resolveParamType(FnDecl &fn, VarDecl &p) {
  const TypeExpr *written = p.typeExpr.get();
  if (written && written->kind == TypeExpr::Kind::Ref) {
    p.ref = written->refMut ? RefKind::Mut : RefKind::Shared;
    written = written->element.get();
  }
  if (written)
    p.type = resolveType(*written, *fn.module);
  if (p.ref == RefKind::None || p.type->isError())
    return;
  SourceRange r = p.typeExpr ? p.typeExpr->range : p.name.range;
  if (fn.isKernel || fn.isExtern)
    diags.report(r, DiagID::err_ref_param_not_allowed,
                 {fn.isKernel ? "a kernel" : "an `extern` function"});
  else if (p.type->isTensor() && p.ref == RefKind::Mut)
    diags.report(r, DiagID::err_ref_mut_tensor, {p.type->str()});
  else if (p.type->containsBuffer() && !p.type->isTensor())
    diags.report(r, DiagID::err_ref_to_buffer, {p.type->str()});
}

bool Sema::checkMutPlace(Expr &place) {
  NameExpr *root = placeRoot(place);
  if (!root || !root->var) {
    diags.report(place.range, DiagID::err_borrow_mut_not_place);
    return false;
  }
  const VarDecl &v = *root->var;
  if (v.ref == RefKind::Mut || (v.isMutable && v.ref == RefKind::None))
    return true;
  if (v.ref == RefKind::Shared) {
    diags.report(place.range, DiagID::err_borrow_mut_through_shared,
                 {v.name.name});
    return false;
  }
  diags.report(place.range, DiagID::err_borrow_mut_immutable, {v.name.name});
  diags.note(v.name.range, DiagID::note_declared_here, {v.name.name});
  return false;
}

const Type *Sema::checkArg(Expr &arg, const VarDecl &param, const FnDecl &fn) {
  auto *borrow = llvm::dyn_cast<UnaryExpr>(&arg);
  if (!isBorrow(arg))
    borrow = nullptr;
  std::string want = param.ref == RefKind::Mut ? "&mut" : "&";
  if (param.ref == RefKind::None) {
    if (!borrow)
      return checkValue(arg, param.type);
    checkValue(*borrow->operand);
    diags.report(arg.range, DiagID::err_borrow_by_value,
                 {param.name.name, fn.name.name,
                  borrow->op == UnaryOp::BorrowMut ? "&mut" : "&"});
    return arg.type = types.getError();
  }
  if (!borrow) {
    // A reference parameter passed on: `&mut` to `&mut` or `&`, `&` to `&`.
    const Type *t = checkValue(arg, param.type);
    auto *n = llvm::dyn_cast<NameExpr>(&arg);
    if (t->isError())
      return t;
    if (!n || !n->var || n->var->ref == RefKind::None) {
      diags.report(arg.range, DiagID::err_ref_arg_needs_borrow,
                   {param.name.name, fn.name.name,
                    want + (param.ref == RefKind::Mut ? " " : "") +
                        param.type->str(),
                    want});
      return arg.type = types.getError();
    }
    if (param.ref == RefKind::Mut && n->var->ref == RefKind::Shared) {
      diags.report(arg.range, DiagID::err_borrow_mut_through_shared,
                   {n->var->name.name});
      return arg.type = types.getError();
    }
    mutBorrows += param.ref == RefKind::Mut;
    return t;
  }
  const Type *t = checkValue(*borrow->operand, param.type);
  borrow->type = t;
  if (t->isError())
    return t;
  if (param.ref == RefKind::Mut && borrow->op == UnaryOp::Borrow) {
    diags.report(arg.range, DiagID::err_ref_arg_needs_borrow,
                 {param.name.name, fn.name.name, "&mut " + param.type->str(),
                  "&mut"});
    return borrow->type = types.getError();
  }
  if (borrow->op == UnaryOp::BorrowMut && !checkMutPlace(*borrow->operand))
    return borrow->type = types.getError();
  mutBorrows += param.ref == RefKind::Mut;
  return t;
}

bool Sema::checkMutReceiver(CallExpr &e, const FnDecl &method) {
  if (method.params.front()->ref != RefKind::Mut)
    return true;
  return checkMutReceiver(*e.receiver, method.name.name);
}

bool Sema::checkMutReceiver(Expr &receiver, const std::string &method) {
  NameExpr *root = placeRoot(receiver);
  if (root && root->var && !root->var->isMutable &&
      root->var->ref == RefKind::None) {
    const VarDecl &v = *root->var;
    diags.report(receiver.range, DiagID::err_mut_method_needs_var,
                 {method, v.name.name});
    diags.note(v.name.range, DiagID::note_declared_here, {v.name.name});
    return false;
  }
  if (!checkMutPlace(receiver))
    return false;
  ++mutBorrows;
  return true;
}

void Sema::checkBorrowConflicts(CallExpr &e) {
  struct Use {
    Expr *expr;
    Place place;
    bool mut;
  };
  std::vector<Use> uses;
  auto add = [&](Expr *arg, const VarDecl &param) {
    Expr *place = arg;
    if (isBorrow(*arg))
      place = llvm::cast<UnaryExpr>(arg)->operand.get();
    Use u{place, {}, param.ref == RefKind::Mut};
    if (placeOf(*place, u.place))
      uses.push_back(u);
  };
  const FnDecl &fn = *e.fn;
  unsigned first = 0;
  if (e.receiver)
    add(e.receiver, *fn.params[first++]);
  for (size_t i = 0; i < e.orderedArgs.size(); ++i)
    if (e.orderedArgs[i])
      add(e.orderedArgs[i], *fn.params[first + i]);
  auto text = [&](const Expr *x) {
    return std::string(sm.getText(x->range.begin.file)
                           .substr(x->range.begin.offset,
                                   x->range.end.offset -
                                       x->range.begin.offset));
  };
  for (size_t j = 1; j < uses.size(); ++j)
    for (size_t i = 0; i < j; ++i) {
      const Use &a = uses[i], &b = uses[j];
      if (!(a.mut || b.mut) || !overlaps(a.place, b.place))
        continue;
      const Use &m = a.mut ? a : b, &other = a.mut ? b : a;
      diags.report(b.expr->range, DiagID::err_borrow_conflict,
                   {text(m.expr), text(other.expr)});
      diags.note(m.expr->range, DiagID::note_borrowed_mut_here,
                 {text(m.expr)});
      break;
    }
}

} // namespace nlc
