//===- SemaStmt.cpp - Function bodies and statements ----------------------===//
//
// Checks statements: scopes and shadowing, mutability, loops, returns,
// unreachable code and missing returns. `checkStmt` returns whether control
// can fall off the end of a statement, which drives both the unreachable
// code warning and the missing-return error.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

namespace nlc {

void Sema::pushScope() { scopes.emplace_back(); }

void Sema::popScope() {
  bool repeat = currentFn && currentFn->repeatInstance;
  for (VarDecl *v : scopes.back())
    if (!v->used && !repeat && !v->name.name.empty() &&
        v->name.name[0] != '_' && v->name.name != "self")
      diags.report(v->name.range, DiagID::warn_unused_variable,
                   {v->name.name});
  scopes.pop_back();
}

void Sema::declareLocal(VarDecl &v) { scopes.back().push_back(&v); }

void Sema::checkFunction(FnDecl &fn) {
  if (!fn.body || !fn.genericParams.empty())
    return;
  genericScope = &fn;
  currentFn = &fn;
  currentModule = fn.module;
  unsigned errorsBefore = diags.getNumErrors();
  pushScope();
  for (auto &p : fn.params)
    declareLocal(*p);
  bool diverges = checkBlock(*fn.body, /*newScope=*/false);
  popScope();
  if (!diverges && fn.result && !fn.result->isVoid() &&
      !fn.result->isError())
    diags.report(fn.name.range, DiagID::err_missing_return,
                 {fn.name.name, fn.result->str()});
  // Ownership needs every type; kernels hold views and tiles only.
  if (!fn.isKernel && diags.getNumErrors() == errorsBefore)
    checkOwnership(fn);
  currentFn = nullptr;
  genericScope = nullptr;
}

bool Sema::checkBlock(BlockStmt &b, bool newScope) {
  if (newScope)
    pushScope();
  bool diverges = false;
  bool warned = false;
  for (auto &s : b.body) {
    if (diverges && !warned) {
      diags.report(s->range, DiagID::warn_unreachable_code);
      warned = true;
    }
    diverges |= checkStmt(*s);
  }
  if (newScope)
    popScope();
  return diverges;
}

static bool isConstTrue(const Expr &e) {
  return e.constValue.kind == ConstValue::Kind::Bool && e.constValue.boolValue;
}

bool Sema::checkStmt(Stmt &s) {
  switch (s.getKind()) {
  case Stmt::Kind::Let: {
    auto &l = llvm::cast<LetStmt>(s);
    const Type *declared =
        l.var->typeExpr ? resolveType(*l.var->typeExpr, *currentModule)
                        : nullptr;
    const Type *t = checkValue(*l.init, declared);
    bool ok = !declared || expectType(*l.init, declared, t);
    l.var->type = declared ? declared : t;

    // A variable whose type or initializer is wrong was reported already.
    l.var->used |= t->isError() || !ok || (declared && declared->isError());
    declareLocal(*l.var);
    return false;
  }
  case Stmt::Kind::Expr: {
    auto &e = llvm::cast<ExprStmt>(s);
    const Type *t = check(*e.expr);
    auto *call = llvm::dyn_cast<CallExpr>(e.expr.get());
    if (!call && !t->isVoid() && !t->isError())
      diags.report(e.expr->range, DiagID::warn_unused_result, {t->str()});
    if (auto *m = llvm::dyn_cast<MatchExpr>(e.expr.get()))
      return m->diverges;
    return call && call->builtin == Builtin::Panic;
  }
  case Stmt::Kind::Assign:
    checkAssign(llvm::cast<AssignStmt>(s));
    return false;
  case Stmt::Kind::Block:
    return checkBlock(llvm::cast<BlockStmt>(s));
  case Stmt::Kind::If: {
    auto &i = llvm::cast<IfStmt>(s);
    const Type *c = check(*i.cond, types.getBool());
    if (!c->isBool() && !c->isError())
      diags.report(i.cond->range, DiagID::err_condition_not_bool, {c->str()});
    bool thenDiverges = checkBlock(*i.thenBlock);
    bool elseDiverges = i.elseStmt ? checkStmt(*i.elseStmt) : false;
    return thenDiverges && elseDiverges;
  }
  case Stmt::Kind::While: {
    auto &w = llvm::cast<WhileStmt>(s);
    const Type *c = check(*w.cond, types.getBool());
    if (!c->isBool() && !c->isError())
      diags.report(w.cond->range, DiagID::err_condition_not_bool, {c->str()});
    loops.push_back({});
    checkBlock(*w.body);
    bool sawBreak = loops.back().sawBreak;
    loops.pop_back();
    // `while true` without `break` never falls through.
    return isConstTrue(*w.cond) && !sawBreak;
  }
  case Stmt::Kind::For: {
    auto &f = llvm::cast<ForStmt>(s);
    const Type *t = check(*f.start);
    const Type *e = check(*f.end, t);
    if (f.start->constValue.kind != ConstValue::Kind::None &&
        llvm::isa<IntLitExpr>(f.start.get()) && !e->isError() &&
        e != t && e->isInt()) {
      // `0..n` with n: i32 — let the literal start take n's type.
      t = check(*f.start, e);
    }
    if (!t->isInt() && !t->isError())
      diags.report(f.start->range, DiagID::err_for_var_not_int, {t->str()});
    else
      expectType(*f.end, t, e);
    // A loop variable of a bad range was reported already.
    f.var->used |= !t->isInt();
    if (f.step) {
      const Type *st = check(*f.step, t);
      expectType(*f.step, t, st);
      if (f.step->constValue.kind == ConstValue::Kind::Int &&
          f.step->constValue.intBits == 0)
        diags.report(f.step->range, DiagID::err_for_step_zero);
    }
    f.var->type = t;
    pushScope();
    declareLocal(*f.var);
    loops.push_back({});
    checkBlock(*f.body);
    loops.pop_back();
    popScope();
    return false;
  }
  case Stmt::Kind::Break:
  case Stmt::Kind::Continue:
    if (loops.empty()) {
      diags.report(s.range, DiagID::err_break_outside_loop,
                   {s.getKind() == Stmt::Kind::Break ? "break" : "continue"});
      return false;
    }
    if (s.getKind() == Stmt::Kind::Break)
      loops.back().sawBreak = true;
    return true;
  case Stmt::Kind::Return: {
    auto &r = llvm::cast<ReturnStmt>(s);
    const Type *result = currentFn->result;
    if (!r.value) {
      if (!result->isVoid() && !result->isError())
        diags.report(s.range, DiagID::err_return_missing_value,
                     {currentFn->name.name, result->str()});
      return true;
    }
    const Type *t = checkValue(*r.value, result->isVoid() ? nullptr : result);
    if (result->isVoid()) {
      if (!t->isError())
        diags.report(r.value->range, DiagID::err_return_value_in_void,
                     {currentFn->name.name});
      return true;
    }
    expectType(*r.value, result, t);
    return true;
  }
  }
  return false;
}

void Sema::checkAssign(AssignStmt &s) {
  const Type *target = check(*s.target);
  // A view keeps the tensor it borrows; a `var` tensor may take a new one.
  if (!inKernel() && target->containsBuffer() && !target->isOwned()) {
    diags.report(s.target->range, DiagID::err_var_buffer, {target->str()});
    return;
  }
  // Kernel variables are SSA values: only whole variables are assigned.
  if (inKernel() && !llvm::isa<NameExpr>(s.target.get()) && !target->isError()) {
    diags.report(s.target->range, DiagID::err_kernel_stmt,
                 {"assignment to a field or element"});
    return;
  }
  NameExpr *root = placeRoot(*s.target);
  // The bytes of a string are changed only through `String` methods.
  auto *index = llvm::dyn_cast<IndexExpr>(s.target.get());
  if (index && index->base->type && index->base->type->isText())
    root = nullptr;
  if (!root || (!root->var && !target->isError())) {
    if (!target->isError())
      diags.report(s.target->range, DiagID::err_assign_not_lvalue);
  } else if (root->var && root->var->ref == RefKind::Shared &&
             !target->isError()) {
    diags.report(s.target->range, DiagID::err_assign_through_shared,
                 {root->var->name.name});
  } else if (root->var && !root->var->isMutable &&
             root->var->ref != RefKind::Mut && !target->isError()) {
    diags.report(s.target->range, DiagID::err_assign_immutable,
                 {root->var->name.name});
    diags.note(root->var->name.range, DiagID::note_declared_here,
               {root->var->name.name});
  }
  if (!s.op) {
    const Type *v = checkValue(*s.value, target);
    expectType(*s.value, target, v);
    return;
  }
  // `a op= b` is checked like `a op b` assigned to `a`.
  if (target->isTile()) {
    // On tiles: the elementwise `t op x` (x a tile or a scalar, which a
    // literal's type follows).
    const Type *v = checkValue(*s.value, target->getElementType());
    if (target->isError() || v->isError())
      return;
    BinaryOp op = *s.op;
    if ((op != BinaryOp::Add && op != BinaryOp::Sub && op != BinaryOp::Mul &&
         op != BinaryOp::Div) ||
        target->getElementType()->isBool()) {
      diags.report(s.range, DiagID::err_invalid_operand,
                   {std::string(getSpelling(op)) + "=", target->str()});
      return;
    }
    checkTileOperands(s.range, target, v);
    return;
  }
  const Type *v = checkValue(*s.value, target);
  if (target->isError() || v->isError())
    return;
  BinaryOp op = *s.op;
  bool shift = op == BinaryOp::Shl || op == BinaryOp::Shr;
  bool bitwise = shift || op == BinaryOp::BitAnd || op == BinaryOp::BitOr ||
                 op == BinaryOp::BitXor;
  bool ok = bitwise ? (target->isInt() ||
                       (!shift && target->isBool()))
                    : target->isNumeric();
  if (!ok) {
    diags.report(s.range, DiagID::err_invalid_operand,
                 {std::string(getSpelling(op)) + "=", target->str()});
    return;
  }
  if (shift ? !v->isInt() : v != target) {
    diags.report(s.value->range, DiagID::err_binary_type_mismatch,
                 {std::string(getSpelling(op)) + "=", target->str(), v->str()});
    return;
  }
  if ((op == BinaryOp::Div || op == BinaryOp::Rem) &&
      isConstIntZero(*s.value, v))
    diags.report(s.range, DiagID::err_const_div_zero);
}

} // namespace nlc
