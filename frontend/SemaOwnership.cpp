//===- SemaOwnership.cpp - Owners, moves, borrows and drops of tensors ----===//
//
// The ownership check runs on every host function that type-checked without
// errors. A tensor has one owner: a variable or parameter, or, for a value
// that nothing binds, the call or statement that uses it (a temporary). A
// struct with tensor fields owns them and is moved and freed as one value
// (Type::isOwned); its fields cannot be moved out one by one. So does an enum
// with an owned payload: a variant takes its payload, and a `match` takes
// the enum when it binds an owned payload (or the enum is a temporary).
// Binding, assigning, passing and returning a tensor moves it; a view borrows
// the tensor it was made from. The check follows the function's structured
// control flow with one state per point (which tensor variables own their
// value), reports uses after moves and borrows that could outlive their
// tensor, and records in the AST where each tensor is freed: MLIRGen only
// emits those frees. The rules are docs/LangRef.md, section 24.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include <set>

namespace nlc {
namespace {

/// Where a tensor or view value comes from.
struct Root {
  enum class Kind { None, Var, Temporary, External };
  Kind kind = Kind::None;
  const VarDecl *var = nullptr;
  const Expr *temporary = nullptr;
};

/// Tensor variables that have been moved out of, with where; every other
/// tensor variable in scope owns its value.
using State = std::map<const VarDecl *, SourceRange>;

/// A way control reaches a join point, and where to free the tensors that
/// are moved on another way only.
struct Edge {
  State state;
  std::vector<const VarDecl *> *drops;
};

/// Whether the context takes the value or only reads it.
enum class Use { Move, Borrow };

class OwnershipChecker {
public:
  explicit OwnershipChecker(DiagnosticEngine &diags) : diags(diags) {}
  void run(FnDecl &fn);

private:
  /// A tensor or view variable; a view records what it borrows.
  struct Local {
    const VarDecl *var;
    Root root;
    SourceRange borrowedAt;
  };
  struct Loop {
    size_t depth;
    State head;
    std::vector<Edge> exits;
    std::set<const VarDecl *> reported;
  };

  void stmt(Stmt &s);
  void block(BlockStmt &b);
  void loopBody(Loop &loop, BlockStmt &body);
  /// Checks `e` in a context that moves or borrows its value; tensor
  /// temporaries borrowed there are freed after the call owning `temps`.
  Root expr(Expr &e, Use use, std::vector<Expr *> *temps);
  Root call(CallExpr &e, Use use, std::vector<Expr *> *temps);
  /// The root of an owned value `e` that nothing binds yet: a temporary,
  /// freed after the call owning `temps` when only borrowed.
  Root ownedValue(Expr &e, Use use, std::vector<Expr *> *temps);
  /// Whether a `match` takes its owned scrutinee (LangRef 27).
  static bool matchTakes(const MatchExpr &m);
  /// The first binding of an owned payload in the patterns of `m`, or null.
  static const VarDecl *ownedBinding(const MatchExpr &m);
  /// Operands of a binary operator; `&&` and `||` may skip the right one.
  void binary(BinaryExpr &b, std::vector<Expr *> *temps);
  /// The arms of a `match` are branches joined after it, as for `if`.
  void match(MatchExpr &m);
  void declare(const VarDecl &v, Root root = {}, SourceRange at = {});
  /// Tensor variables of scopes `depth` and deeper that own their value,
  /// innermost and last declared first: the order they are freed in.
  std::vector<const VarDecl *> ownedFrom(size_t depth) const;
  const Local *borrower(const VarDecl *tensor) const;
  Root viewRoot(const VarDecl *view) const;
  /// Merges the states of `edges`: a tensor moved on some of them is freed
  /// on the others and counts as moved after the join.
  void join(std::vector<Edge> edges);
  /// A jump back to the head of `loop`.
  void backEdge(Loop &loop, std::vector<const VarDecl *> *drops);

  DiagnosticEngine &diags;
  std::vector<std::vector<Local>> scopes;
  std::vector<Loop *> loops;
  State state;
  /// False after a statement that never completes.
  bool live = true;
  /// True while the value of a `return` is checked.
  bool returning = false;
  /// Scrutinees a `match` took, by where they start, with the binding that
  /// made it take them (for the note after a use after move).
  std::map<std::pair<uint32_t, uint32_t>, const VarDecl *> takenBy;
};

void OwnershipChecker::run(FnDecl &fn) {
  scopes.emplace_back();
  // A `&Tensor` parameter is the caller's: never freed or moved here.
  for (auto &p : fn.params)
    if (p->ref == RefKind::None)
      declare(*p, {Root::Kind::External});
  block(*fn.body);
  if (live)
    for (const VarDecl *v : ownedFrom(0))
      fn.body->drops.push_back(v);
}

void OwnershipChecker::declare(const VarDecl &v, Root root, SourceRange at) {
  if (v.type->isOwned() || v.type->isView())
    scopes.back().push_back({&v, root, at});
}

std::vector<const VarDecl *> OwnershipChecker::ownedFrom(size_t depth) const {
  std::vector<const VarDecl *> out;
  for (size_t s = scopes.size(); s-- > depth;)
    for (auto it = scopes[s].rbegin(); it != scopes[s].rend(); ++it)
      if (it->var->type->isOwned() && !state.count(it->var))
        out.push_back(it->var);
  return out;
}

const OwnershipChecker::Local *
OwnershipChecker::borrower(const VarDecl *tensor) const {
  for (const auto &scope : scopes)
    for (const Local &l : scope)
      if (l.root.kind == Root::Kind::Var && l.root.var == tensor)
        return &l;
  return nullptr;
}

Root OwnershipChecker::viewRoot(const VarDecl *view) const {
  for (const auto &scope : scopes)
    for (const Local &l : scope)
      if (l.var == view)
        return l.root;
  return {Root::Kind::External};
}

void OwnershipChecker::join(std::vector<Edge> edges) {
  live = !edges.empty();
  if (!live)
    return;
  State merged;
  for (const auto &scope : scopes)
    for (const Local &l : scope)
      for (const Edge &e : edges)
        if (auto it = e.state.find(l.var); it != e.state.end()) {
          merged.emplace(l.var, it->second);
          break;
        }
  for (const auto &scope : scopes)
    for (const Local &l : scope)
      if (merged.count(l.var))
        for (Edge &e : edges)
          if (!e.state.count(l.var))
            e.drops->push_back(l.var);
  state = std::move(merged);
}

void OwnershipChecker::backEdge(Loop &loop,
                                std::vector<const VarDecl *> *drops) {
  for (size_t s = 0; s < loop.depth; ++s)
    for (const Local &l : scopes[s]) {
      auto moved = state.find(l.var);
      bool movedAtHead = loop.head.count(l.var);
      if (moved != state.end() && !movedAtHead) {
        if (loop.reported.insert(l.var).second) {
          diags.report(moved->second, DiagID::err_move_in_loop,
                       {l.var->name.name});
          diags.note(l.var->name.range, DiagID::note_declared_here,
                     {l.var->name.name});
        }
      } else if (moved == state.end() && movedAtHead) {
        // Assigned again in the body: free it before the next iteration.
        drops->push_back(l.var);
      }
    }
}

void OwnershipChecker::block(BlockStmt &b) {
  scopes.emplace_back();
  for (auto &s : b.body) {
    if (!live)
      break;
    stmt(*s);
  }
  if (live)
    for (const VarDecl *v : ownedFrom(scopes.size() - 1))
      b.drops.push_back(v);
  for (const Local &l : scopes.back())
    state.erase(l.var);
  scopes.pop_back();
}

void OwnershipChecker::loopBody(Loop &loop, BlockStmt &body) {
  loops.push_back(&loop);
  block(body);
  if (live)
    backEdge(loop, &body.drops);
  loops.pop_back();
}

/// The operands of an expression other than a literal, a name, a binary
/// operation or a call.
static std::vector<Expr *> operands(Expr &e) {
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&e))
    return {u->operand.get()};
  if (auto *f = llvm::dyn_cast<FieldExpr>(&e))
    return {f->base.get()};
  if (auto *i = llvm::dyn_cast<IndexExpr>(&e))
    return {i->base.get(), i->index.get()};
  if (auto *c = llvm::dyn_cast<CastExpr>(&e))
    return {c->operand.get()};
  if (auto *r = llvm::dyn_cast<ArrayRepeatExpr>(&e))
    return {r->value.get()};
  if (auto *s = llvm::dyn_cast<StructLitExpr>(&e))
    return s->orderedFields;
  std::vector<Expr *> out;
  if (auto *a = llvm::dyn_cast<ArrayLitExpr>(&e))
    for (auto &el : a->elements)
      out.push_back(el.get());
  return out;
}

static bool isConstTrue(const Expr &e) {
  return e.constValue.kind == ConstValue::Kind::Bool && e.constValue.boolValue;
}

void OwnershipChecker::stmt(Stmt &s) {
  switch (s.getKind()) {
  case Stmt::Kind::Let: {
    auto &let = llvm::cast<LetStmt>(s);
    const VarDecl &v = *let.var;
    if (v.type->isOwned()) {
      expr(*let.init, Use::Move, nullptr);
      declare(v);
      return;
    }
    Root root = expr(*let.init, Use::Borrow, nullptr);
    if (root.kind == Root::Kind::Temporary) {
      diags.report(v.name.range, DiagID::err_view_of_temporary, {v.name.name});
      diags.note(root.temporary->range, DiagID::note_temporary_here);
    }
    declare(v, root, let.init->range);
    return;
  }
  case Stmt::Kind::Expr: {
    auto &es = llvm::cast<ExprStmt>(s);
    expr(*es.expr, Use::Borrow, &es.temporaries);
    auto *c = llvm::dyn_cast<CallExpr>(es.expr.get());
    if (c && c->builtin == Builtin::Panic)
      live = false; // The program ends: nothing needs freeing.
    return;
  }
  case Stmt::Kind::Assign: {
    auto &as = llvm::cast<AssignStmt>(s);
    if (!as.target->type->isOwned()) {
      expr(*as.target, Use::Borrow, nullptr);
      expr(*as.value, Use::Borrow, nullptr);
      return;
    }
    // The new value is computed before the old one is freed.
    expr(*as.value, Use::Move, nullptr);
    auto *name = llvm::dyn_cast<NameExpr>(as.target.get());
    if (!name) {
      // A field of a struct variable: the struct keeps owning the field's
      // tensor, so the old one is freed (the struct must not be moved).
      Root root = expr(*as.target, Use::Borrow, nullptr);
      if (root.kind == Root::Kind::Var)
        if (const Local *b = borrower(root.var)) {
          diags.report(as.target->range, DiagID::err_assign_while_borrowed,
                       {root.var->name.name, b->var->name.name});
          diags.note(b->borrowedAt, DiagID::note_borrowed_here,
                     {b->var->name.name, root.var->name.name});
        }
      as.dropOld = true;
      return;
    }
    const VarDecl *v = name->var;
    if (const Local *b = borrower(v)) {
      diags.report(as.target->range, DiagID::err_assign_while_borrowed,
                   {v->name.name, b->var->name.name});
      diags.note(b->borrowedAt, DiagID::note_borrowed_here,
                 {b->var->name.name, v->name.name});
    }
    as.dropOld = !state.erase(v);
    return;
  }
  case Stmt::Kind::Block:
    block(llvm::cast<BlockStmt>(s));
    return;
  case Stmt::Kind::If: {
    auto &is = llvm::cast<IfStmt>(s);
    expr(*is.cond, Use::Borrow, nullptr);
    State before = state;
    std::vector<Edge> edges;
    block(*is.thenBlock);
    if (live)
      edges.push_back({state, &is.thenDrops});
    state = before;
    live = true;
    if (is.elseStmt)
      stmt(*is.elseStmt);
    if (live)
      edges.push_back({state, &is.elseDrops});
    join(std::move(edges));
    return;
  }
  case Stmt::Kind::While: {
    auto &ws = llvm::cast<WhileStmt>(s);
    Loop loop{scopes.size(), state, {}, {}};
    expr(*ws.cond, Use::Borrow, nullptr);
    State exit = state;
    loopBody(loop, *ws.body);
    if (!isConstTrue(*ws.cond))
      loop.exits.push_back({exit, &ws.exitDrops});
    join(std::move(loop.exits));
    return;
  }
  case Stmt::Kind::For: {
    auto &fs = llvm::cast<ForStmt>(s);
    expr(*fs.start, Use::Borrow, nullptr);
    expr(*fs.end, Use::Borrow, nullptr);
    if (fs.step)
      expr(*fs.step, Use::Borrow, nullptr);
    Loop loop{scopes.size(), state, {}, {}};
    loop.exits.push_back({state, &fs.exitDrops});
    loopBody(loop, *fs.body);
    join(std::move(loop.exits));
    return;
  }
  case Stmt::Kind::Break: {
    auto &bs = llvm::cast<BreakStmt>(s);
    Loop &loop = *loops.back();
    bs.drops = ownedFrom(loop.depth);
    loop.exits.push_back({state, &bs.drops});
    live = false;
    return;
  }
  case Stmt::Kind::Continue: {
    auto &cs = llvm::cast<ContinueStmt>(s);
    Loop &loop = *loops.back();
    cs.drops = ownedFrom(loop.depth);
    backEdge(loop, &cs.drops);
    live = false;
    return;
  }
  case Stmt::Kind::Return: {
    auto &rs = llvm::cast<ReturnStmt>(s);
    returning = true;
    if (rs.value)
      expr(*rs.value, rs.value->type->isOwned() ? Use::Move : Use::Borrow,
           nullptr);
    returning = false;
    rs.drops = ownedFrom(0);
    live = false;
    return;
  }
  }
}

Root OwnershipChecker::expr(Expr &e, Use use, std::vector<Expr *> *temps) {
  switch (e.getKind()) {
  case Expr::Kind::IntLit:
  case Expr::Kind::FloatLit:
  case Expr::Kind::BoolLit:
  case Expr::Kind::StrLit:
    return {};
  case Expr::Kind::Name: {
    const VarDecl *v = llvm::cast<NameExpr>(e).var;
    if (!v)
      return {};
    if (v->type->isView())
      return viewRoot(v);
    if (!v->type->isOwned())
      return {};
    if (auto moved = state.find(v); moved != state.end()) {
      diags.report(e.range, DiagID::err_use_after_move, {v->name.name});
      diags.note(moved->second, DiagID::note_moved_here, {v->name.name});
      SourceLoc at = moved->second.begin;
      if (auto it = takenBy.find({at.file, at.offset}); it != takenBy.end())
        diags.note(it->second->name.range, DiagID::note_match_takes,
                   {it->second->name.name, it->second->type->str()});
      return {Root::Kind::Var, v};
    }
    if (use == Use::Move && v->ref != RefKind::None) {
      diags.report(e.range, DiagID::err_move_out_of_ref, {v->name.name});
      return {Root::Kind::Var, v};
    }
    if (use == Use::Move) {
      // A view in scope keeps its tensor, except from `return`, which ends
      // the view too.
      const Local *b = returning ? nullptr : borrower(v);
      if (b) {
        diags.report(e.range, DiagID::err_move_while_borrowed,
                     {v->name.name, b->var->name.name});
        diags.note(b->borrowedAt, DiagID::note_borrowed_here,
                   {b->var->name.name, v->name.name});
        diags.note(v->name.range, DiagID::note_declared_here, {v->name.name});
      }
      state[v] = e.range;
    }
    return {Root::Kind::Var, v};
  }
  case Expr::Kind::Binary: {
    auto &b = llvm::cast<BinaryExpr>(e);
    if (!b.lhs->type->isText() && !b.rhs->type->isText()) {
      binary(b, temps);
      return {};
    }
    // On strings: the operands are read while the operator runs; `+`
    // makes a new `String`.
    expr(*b.lhs, Use::Borrow, &b.temporaries);
    expr(*b.rhs, Use::Borrow, &b.temporaries);
    if (!e.type->isOwned())
      return {};
    if (use == Use::Borrow && temps)
      temps->push_back(&e);
    return {Root::Kind::Temporary, nullptr, &e};
  }
  case Expr::Kind::Call:
    return call(llvm::cast<CallExpr>(e), use, temps);
  case Expr::Kind::Field: {
    // A field of a struct that owns tensors is part of that struct: a view
    // of it borrows the struct's variable, and it cannot be moved alone.
    auto &f = llvm::cast<FieldExpr>(e);
    Root root = expr(*f.base, Use::Borrow, temps);
    if (!e.type->isOwned())
      return {};
    if (use == Use::Move && root.kind == Root::Kind::Var) {
      diags.report(e.range, DiagID::err_move_out_of_field,
                   {f.field.name, root.var->name.name});
      return {};
    }
    return root;
  }
  case Expr::Kind::StructLit:
  case Expr::Kind::ArrayLit:
    // The struct or array takes the owned values of its fields / elements.
    for (Expr *field : operands(e))
      expr(*field, field->type->isOwned() ? Use::Move : Use::Borrow,
           temps);
    if (e.type->isOwned() && use == Use::Borrow && temps)
      temps->push_back(&e);
    return e.type->isOwned() ? Root{Root::Kind::Temporary, nullptr, &e}
                                 : Root{};
  case Expr::Kind::Match:
    match(llvm::cast<MatchExpr>(e));
    return {};
  case Expr::Kind::Try: {
    // The early return frees what the function owns, as `return` does. An
    // owned operand is taken: its payload becomes the value (`Ok`) or moves
    // into the result returned (`Err`).
    auto &t = llvm::cast<TryExpr>(e);
    bool owned = t.operand->type->isOwned();
    expr(*t.operand, owned ? Use::Move : Use::Borrow, temps);
    t.drops = ownedFrom(0);
    return ownedValue(e, use, temps);
  }
  case Expr::Kind::Index: {
    auto &ix = llvm::cast<IndexExpr>(e);
    // A byte of a string: its temporaries (`(a + b)[0]`) are the index's.
    if (ix.base->type->isText()) {
      expr(*ix.base, Use::Borrow, &ix.temporaries);
      expr(*ix.index, Use::Borrow, &ix.temporaries);
      return {};
    }
    // An element of a Vec that owns memory stays in the Vec: it is a part
    // of the Vec's variable, like a field, and is taken out by methods.
    Root root = expr(*ix.base, Use::Borrow, temps);
    expr(*ix.index, Use::Borrow, temps);
    if (!e.type->isOwned())
      return {};
    if (use == Use::Move) {
      diags.report(e.range, DiagID::err_move_out_of_index,
                   {ix.base->type->str()});
      return {};
    }
    return root;
  }
  case Expr::Kind::Unary:
  case Expr::Kind::Cast:
  case Expr::Kind::ArrayRepeat:
    // Their operands are scalars, strings, arrays and structs (no tensors),
    // but may contain calls that use temporaries.
    for (Expr *operand : operands(e))
      expr(*operand, Use::Borrow, temps);
    return {};
  }
  return {};
}

void OwnershipChecker::binary(BinaryExpr &b, std::vector<Expr *> *temps) {
  expr(*b.lhs, Use::Borrow, temps);
  State before = state;
  expr(*b.rhs, Use::Borrow, temps);
  if (b.op != BinaryOp::LogicalAnd && b.op != BinaryOp::LogicalOr)
    return;
  // The right operand may not run: a move there would be a move on one
  // path of an expression, where nothing can free the tensor on the other.
  for (const auto &scope : scopes)
    for (const Local &l : scope)
      if (state.count(l.var) && !before.count(l.var))
        diags.report(state[l.var], DiagID::err_move_in_condition,
                     {l.var->name.name, getSpelling(b.op)});
}

const VarDecl *OwnershipChecker::ownedBinding(const MatchExpr &m) {
  for (const MatchArm &arm : m.arms)
    for (const auto &var : arm.pattern.vars)
      if (var->name.name != "_" && var->type->isOwned())
        return var.get();
  return nullptr;
}

bool OwnershipChecker::matchTakes(const MatchExpr &m) {
  if (!m.scrutinee->type->isOwned())
    return false;
  // A temporary is always taken (nothing else would free it); a place only
  // when a pattern binds an owned payload.
  return (!llvm::isa<NameExpr>(m.scrutinee.get()) &&
          !llvm::isa<FieldExpr>(m.scrutinee.get())) ||
         ownedBinding(m);
}

void OwnershipChecker::match(MatchExpr &m) {
  // A `match` that takes its scrutinee moves it; its arms own the payloads
  // they bind and MLIRGen frees the others. Otherwise it only reads it.
  m.ownsScrutinee = matchTakes(m);
  if (const VarDecl *b = ownedBinding(m))
    takenBy[{m.scrutinee->range.begin.file, m.scrutinee->range.begin.offset}] =
        b;
  unsigned errors = diags.getNumErrors();
  expr(*m.scrutinee, m.ownsScrutinee ? Use::Move : Use::Borrow, nullptr);
  // Say why the match moved what it could not (a field, a reference).
  if (diags.getNumErrors() != errors)
    if (const VarDecl *b = ownedBinding(m))
      diags.note(b->name.range, DiagID::note_match_takes,
                 {b->name.name, b->type->str()});
  State before = state;
  std::vector<Edge> edges;
  for (MatchArm &arm : m.arms) {
    state = before;
    live = true;
    // The bindings live in a scope of the arm, freed when it ends.
    scopes.emplace_back();
    for (auto &var : arm.pattern.vars)
      if (m.ownsScrutinee && var->name.name != "_")
        declare(*var);
    if (arm.block) {
      block(*arm.block);
    } else {
      expr(*arm.value, Use::Borrow, &arm.temporaries);
      auto *c = llvm::dyn_cast<CallExpr>(arm.value.get());
      if (c && c->builtin == Builtin::Panic)
        live = false;
    }
    if (live)
      for (const VarDecl *v : ownedFrom(scopes.size() - 1))
        arm.drops.push_back(v);
    for (const Local &l : scopes.back())
      state.erase(l.var);
    scopes.pop_back();
    if (live)
      edges.push_back({state, &arm.drops});
  }
  join(std::move(edges));
}

Root OwnershipChecker::call(CallExpr &e, Use use, std::vector<Expr *> *temps) {
  // `view()` and `slice()` borrow their receiver's tensor for whoever uses
  // the view; every other method only while it runs.
  bool returnsView = e.type->isView();
  Root receiver;
  // A method taking `self` by value (not `&self`) takes a struct that owns
  // tensors.
  bool movesSelf = e.fn && e.fn->hasSelf && e.receiver &&
                   e.fn->params[0]->ref == RefKind::None &&
                   e.receiver->type->isOwned();
  if (e.receiver)
    receiver = expr(*e.receiver, movesSelf ? Use::Move : Use::Borrow,
                    returnsView ? temps : &e.temporaries);
  // Functions and variants (`Option::Some(t)`) take their owned arguments;
  // builtins and kernels borrow them, except the Vec methods that store an
  // element.
  bool moves =
      (e.fn && !e.fn->isKernel && e.launch == Launch::None) || e.variant >= 0;
  bool storesElement =
      e.builtin == Builtin::VecPush || e.builtin == Builtin::VecInsert;
  std::vector<std::pair<Root, const Expr *>> borrowed;
  unsigned param = e.receiver ? 1 : 0;
  for (Expr *a : e.orderedArgs) {
    // A reference parameter borrows its tensor (`&t`) for the call.
    bool byRef = moves && e.fn && e.fn->params[param++]->ref != RefKind::None;
    bool movesArg = (moves || storesElement) && a->type->isOwned() && !byRef;
    Expr *value = a;
    if (auto *u = llvm::dyn_cast<UnaryExpr>(a); u && byRef)
      value = u->operand.get(); // `&t`
    Root r = expr(*value, movesArg ? Use::Move : Use::Borrow, &e.temporaries);
    if (a->type->isView() || (byRef && a->type->isTensor())) {
      borrowed.emplace_back(r, a);
      continue;
    }
    if (!movesArg || r.kind != Root::Kind::Var)
      continue;
    for (const auto &[root, by] : borrowed)
      if (root.kind == Root::Kind::Var && root.var == r.var) {
        diags.report(a->range, DiagID::err_move_into_borrowing_call,
                     {r.var->name.name});
        diags.note(by->range, DiagID::note_borrowed_by_arg, {r.var->name.name});
        break;
      }
  }
  if (e.grid)
    expr(*e.grid, Use::Borrow, &e.temporaries);
  if (e.type->isOwned())
    return ownedValue(e, use, temps);
  return returnsView ? receiver : Root{};
}

Root OwnershipChecker::ownedValue(Expr &e, Use use,
                                  std::vector<Expr *> *temps) {
  if (!e.type->isOwned())
    return {};
  if (use == Use::Borrow && temps)
    temps->push_back(&e);
  return {Root::Kind::Temporary, nullptr, &e};
}

} // namespace

void Sema::checkOwnership(FnDecl &fn) { OwnershipChecker(diags).run(fn); }

} // namespace nlc
