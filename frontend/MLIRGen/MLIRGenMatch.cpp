//===- MLIRGenMatch.cpp - Typed AST to MLIR: enums and `match` ------------===//
//
// An enum value is flattened like a struct whose first leaf is the i32 tag
// (the variant's index) followed by the payload leaves of every variant in
// order; only the selected variant's payload is meaningful. A `match`
// statement branches with cf (its arms may return, break or continue); a
// `match` used as a value is a chain of scf.if yielding its leaves, so it
// can sit inside any region (the right operand of `&&`, for instance).
// An enum that owns tensors frees the payload its tag selects (scf.if per
// variant); a `match` that took its scrutinee frees what an arm leaves
// unbound when the arm starts (SemaOwnership decides which match takes).
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGenImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"

namespace nlc {

unsigned MLIRGenImpl::variantLeafOffset(StructDecl *e, unsigned variant) {
  unsigned n = 1;
  for (unsigned v = 0; v < variant; ++v)
    for (const Type *t : e->variants[v].payload)
      n += numLeaves(t);
  return n;
}

Leaves MLIRGenImpl::enumValue(const Type *t, unsigned variant,
                              const Leaves &payload, mlir::Location l) {
  StructDecl *en = t->getStructDecl();
  unsigned offset = variantLeafOffset(en, variant);
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(t, elems, shapes);
  mlir::Value tag = constInt(builder.getI32Type(), variant, l);
  if (llvm::any_of(shapes, [](const auto &s) { return !s.empty(); })) {
    // Arrays keep value semantics: the payload is copied into storage.
    Leaves storage = allocate(t, l);
    store(Leaves{storage[0]}, Leaves{valueLeaf(tag)}, l);
    store(Leaves(storage.begin() + offset,
                 storage.begin() + offset + payload.size()),
          payload, l);
    return load(storage, l);
  }
  Leaves out;
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i == 0)
      out.push_back(valueLeaf(tag));
    else if (i >= offset && i < offset + payload.size())
      out.push_back(payload[i - offset]);
    else
      out.push_back(valueLeaf(
          mlir::ub::PoisonOp::create(builder, l, elems[i]).getResult()));
  }
  return out;
}

Leaves MLIRGenImpl::genVariant(const Type *t, unsigned variant,
                               llvm::ArrayRef<Expr *> payload,
                               mlir::Location l) {
  Leaves values;
  for (Expr *value : payload)
    values.append(load(genExpr(*value), l));
  return enumValue(t, variant, values, l);
}

mlir::Value MLIRGenImpl::armCondition(const MatchArm &arm, const Leaves &scrut,
                                      const Type *st, mlir::Location l) {
  const Pattern &p = arm.pattern;
  mlir::Value expected;
  if (p.kind == Pattern::Kind::Wildcard)
    return nullptr;
  if (p.kind == Pattern::Kind::Variant)
    expected = constInt(builder.getI32Type(), p.variant, l);
  else
    expected = genConstant(p.literal->constValue, st, l);
  return mlir::arith::CmpIOp::create(builder, l, mlir::arith::CmpIPredicate::eq,
                                     scrut[0].value, expected);
}

void MLIRGenImpl::dropEnumLeaves(llvm::ArrayRef<Leaf> leaves, const Type *t,
                                  mlir::Location l) {
  StructDecl *en = t->getStructDecl();
  for (unsigned v = 0; v < en->variants.size(); ++v) {
    const auto &payload = en->variants[v].payload;
    if (llvm::none_of(payload, [](const Type *pt) { return pt->isOwned(); }))
      continue;
    mlir::Value isV = mlir::arith::CmpIOp::create(
        builder, l, mlir::arith::CmpIPredicate::eq, leaves[0].value,
        constInt(builder.getI32Type(), v, l));
    auto ifOp = mlir::scf::IfOp::create(builder, l, mlir::TypeRange{}, isV,
                                        /*withElseRegion=*/false);
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    unsigned offset = variantLeafOffset(en, v);
    for (const Type *pt : payload) {
      unsigned n = numLeaves(pt);
      dropLeaves(leaves.slice(offset, n), pt, l);
      offset += n;
    }
  }
}

void MLIRGenImpl::bindArm(const MatchExpr &e, const MatchArm &arm,
                          const Leaves &scrut) {
  const Pattern &p = arm.pattern;
  const Type *st = e.scrutinee->type;
  mlir::Location l = loc(p.range);
  if (p.kind == Pattern::Kind::Wildcard && e.ownsScrutinee)
    dropValue(scrut, st, l);
  if (p.kind != Pattern::Kind::Variant)
    return;
  unsigned offset = variantLeafOffset(st->getStructDecl(), p.variant);
  for (const auto &var : p.vars) {
    unsigned n = numLeaves(var->type);
    Leaves value(scrut.begin() + offset, scrut.begin() + offset + n);
    if (var->name.name != "_")
      locals[var.get()] = value;
    else if (e.ownsScrutinee)
      dropValue(value, var->type, l);
    offset += n;
  }
}

Leaves MLIRGenImpl::genMatch(MatchExpr &e) {
  mlir::Location l = loc(e.scrutinee->range);
  // (The arms read what they bind where they use it.)
  Leaves scrut = readEnum(*e.scrutinee, genExpr(*e.scrutinee), l);
  if (e.isStmt) {
    genMatchStmt(e, scrut);
    return {};
  }
  return genMatchValue(e, scrut, 0);
}

void MLIRGenImpl::genMatchStmt(MatchExpr &e, const Leaves &scrut) {
  mlir::Location l = loc(e.range);
  const Type *st = e.scrutinee->type;
  mlir::Region *region = builder.getInsertionBlock()->getParent();
  auto *merge = new mlir::Block();
  for (MatchArm &arm : e.arms) {
    mlir::Block *next = nullptr;
    // The patterns cover every value (Sema): the last arm needs no test.
    mlir::Value cond = &arm != &e.arms.back()
                           ? armCondition(arm, scrut, st, l)
                           : mlir::Value();
    if (cond) {
      auto *body = new mlir::Block();
      next = new mlir::Block();
      region->push_back(body);
      region->push_back(next);
      mlir::cf::CondBranchOp::create(builder, l, cond, body,
                                     mlir::ValueRange{}, next,
                                     mlir::ValueRange{});
      builder.setInsertionPointToEnd(body);
    }
    bindArm(e, arm, scrut);
    mlir::Location al = loc(arm.pattern.range);
    if (arm.block) {
      genBlock(*arm.block);
    } else {
      genExpr(*arm.value);
      auto *call = llvm::dyn_cast<CallExpr>(arm.value.get());
      if (call && call->builtin == Builtin::Panic)
        mlir::LLVM::UnreachableOp::create(builder, al);
    }
    if (!terminated()) {
      genFreeTemporaries(arm.temporaries, al);
      genDrops(arm.drops, al);
      mlir::cf::BranchOp::create(builder, al, merge);
    }
    if (!next)
      break;
    builder.setInsertionPointToEnd(next);
  }
  mlir::Block *last = builder.getInsertionBlock();
  if (merge->hasNoPredecessors()) {
    // No arm completes: the statements after the `match` are unreachable.
    delete merge;
    builder.setInsertionPointToEnd(last);
    return;
  }
  region->push_back(merge);
  builder.setInsertionPointToEnd(merge);
}

Leaves MLIRGenImpl::genMatchValue(MatchExpr &e, const Leaves &scrut,
                                  size_t first) {
  const Type *st = e.scrutinee->type;
  MatchArm &arm = e.arms[first];
  mlir::Location l = loc(arm.pattern.range);
  auto genArm = [&](MatchArm &a) {
    bindArm(e, a, scrut);
    Leaves v = load(genExpr(*a.value), l);
    genDrops(a.drops, l);
    return v;
  };
  mlir::Value cond = first + 1 < e.arms.size()
                         ? armCondition(arm, scrut, st, l)
                         : mlir::Value();
  if (!cond)
    return genArm(arm);
  auto ifOp = mlir::scf::IfOp::create(builder, l, abiTypes(e.type), cond,
                                      /*withElseRegion=*/true);
  mlir::OpBuilder::InsertionGuard guard(builder);
  auto yield = [&](mlir::Block *block, llvm::function_ref<Leaves()> gen) {
    builder.setInsertionPointToEnd(block);
    llvm::SmallVector<mlir::Value> values;
    for (const Leaf &leaf : gen())
      values.push_back(leaf.value);
    mlir::scf::YieldOp::create(builder, l, values);
  };
  yield(ifOp.thenBlock(), [&] { return genArm(arm); });
  yield(ifOp.elseBlock(), [&] { return genMatchValue(e, scrut, first + 1); });
  Leaves out;
  for (mlir::Value r : ifOp.getResults()) {
    Leaf leaf;
    leaf.value = r;
    leaf.elementType = r.getType();
    out.push_back(leaf);
  }
  return out;
}

Leaves MLIRGenImpl::genTry(TryExpr &e) {
  mlir::Location l = loc(e.range);
  Leaves v = readEnum(*e.operand, genExpr(*e.operand), l);
  StructDecl *sd = e.operand->type->getStructDecl();
  mlir::Value isOk = mlir::arith::CmpIOp::create(
      builder, l, mlir::arith::CmpIPredicate::eq, v[0].value,
      constInt(builder.getI32Type(), e.okVariant, l));
  mlir::Region *region = builder.getInsertionBlock()->getParent();
  auto *okBlock = new mlir::Block(), *failBlock = new mlir::Block();
  region->push_back(failBlock);
  region->push_back(okBlock);
  mlir::cf::CondBranchOp::create(builder, l, isOk, okBlock, mlir::ValueRange{},
                                 failBlock, mlir::ValueRange{});
  // The failure: the function's result holding the operand's failure
  // payload (`None` has none, `Err(e)` passes `e` on).
  builder.setInsertionPointToEnd(failBlock);
  const Type *rt = currentFn->result;
  unsigned from = variantLeafOffset(sd, e.failVariant);
  unsigned n = 0;
  for (const Type *t : sd->variants[e.failVariant].payload)
    n += numLeaves(t);
  // (The payload is read here, before the exit frees anything.)
  Leaves failure =
      enumValue(rt, e.resultVariant,
                load(Leaves(v.begin() + from, v.begin() + from + n), l), l);
  llvm::SmallVector<mlir::Value> values;
  if (resultBuffer)
    storeToBuffer(resultBuffer, rt, failure, l);
  else
    for (const Leaf &leaf : failure)
      values.push_back(leaf.value);
  genExit(e.drops, values, l);
  builder.setInsertionPointToEnd(okBlock);
  unsigned ok = variantLeafOffset(sd, e.okVariant);
  Leaves out(v.begin() + ok, v.begin() + ok + numLeaves(e.type));
  if (e.type->isOwned())
    tensorValues[&e] = out; // A temporary (SemaOwnership).
  return out;
}

} // namespace nlc
