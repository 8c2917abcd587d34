//===- SemaMatch.cpp - Enums, variants and `match` ------------------------===//
//
// Enum payload types, variant construction (`Shape::Circle(r)`,
// `Shape::Empty`) and `match`: patterns, arm bindings, the type of a `match`
// used as a value, exhaustiveness and unreachable arms. The rules are
// docs/LangRef.md, section 25.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include <set>

namespace nlc {

/// "1 value", "2 values".
static std::string countValues(size_t n) {
  return std::to_string(n) + (n == 1 ? " value" : " values");
}

static std::string joinPath(const std::vector<Ident> &path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i)
    out += (i ? "::" : "") + path[i].name;
  return out;
}

/// The source text of a pattern, for messages.
static std::string spelled(const SourceManager &sm, SourceRange r) {
  return std::string(sm.getText(r.begin.file)
                         .substr(r.begin.offset, r.end.offset - r.begin.offset));
}

void Sema::resolveVariants(StructDecl &e) {
  if (e.variants.empty())
    diags.report(e.name.range, DiagID::err_empty_enum, {e.name.name});
  std::map<std::string, const VariantDecl *> seen;
  for (VariantDecl &v : e.variants) {
    auto [it, inserted] = seen.emplace(v.name.name, &v);
    if (!inserted) {
      diags.report(v.name.range, DiagID::err_redefinition,
                   {e.name.name + "::" + v.name.name});
      diags.note(it->second->name.range, DiagID::note_previous_definition,
                 {v.name.name});
    }
    v.payload.clear();
    for (auto &te : v.payloadExprs) {
      const Type *t = resolveType(*te, *e.module);
      // Owned values (tensors, strings, Vecs, structs holding them) may be
      // payloads; tiles and views may not.
      if (t->containsBuffer() && !t->isOwned()) {
        diags.report(te->range, DiagID::err_enum_payload_buffer,
                     {e.name.name + "::" + v.name.name, t->str()});
        t = types.getError();
      }
      v.payload.push_back(t);
    }
  }
}

int Sema::lookupVariant(const StructDecl &e, const std::string &name) {
  for (size_t i = 0; i < e.variants.size(); ++i)
    if (e.variants[i].name.name == name)
      return static_cast<int>(i);
  return -1;
}

const Type *Sema::checkVariant(Expr &e, StructDecl &en, unsigned variant,
                               const Type *expected) {
  auto *call = llvm::dyn_cast<CallExpr>(&e);
  if (!en.genericParams.empty()) {
    // `Option::Some(x)`: the instance the context expects, else the one the
    // payload gives.
    std::vector<std::pair<Expr *, const TypeExpr *>> pairs;
    const VariantDecl &tv = en.variants[variant];
    if (call)
      for (size_t i = 0; i < call->args.size() && i < tv.payloadExprs.size();
           ++i)
        pairs.push_back({call->args[i].value.get(), tv.payloadExprs[i].get()});
    StructDecl *inst = genericInstanceFor(en, expected, pairs, e.range);
    if (!inst) {
      if (call)
        for (CallArg &a : call->args)
          check(*a.value);
      return types.getError();
    }
    return checkVariant(e, *inst, variant, nullptr);
  }
  resolveStruct(en);
  const VariantDecl &v = en.variants[variant];
  std::string name = en.name.name + "::" + v.name.name;
  if (inKernel()) {
    diags.report(e.range, DiagID::err_enum_in_kernel);
    if (call)
      for (CallArg &a : call->args)
        check(*a.value);
    return types.getError();
  }
  if (!call) {
    if (!v.payload.empty()) {
      diags.report(e.range, DiagID::err_variant_needs_payload,
                   {name, countValues(v.payload.size())});
      return types.getError();
    }
    llvm::cast<NameExpr>(e).variant = static_cast<int>(variant);
    return types.getStruct(&en);
  }
  if (v.payload.empty()) {
    diags.report(e.range, DiagID::err_variant_without_payload, {name});
    for (CallArg &a : call->args)
      check(*a.value);
    return types.getError();
  }
  bool ok = true;
  // Inferring an outer variant's type may have checked this one already
  // (`Option::Some(Option::Some(3))`).
  call->orderedArgs.clear();
  for (size_t i = 0; i < call->args.size(); ++i) {
    CallArg &a = call->args[i];
    if (a.name) {
      diags.report(a.name->range, DiagID::err_unknown_named_arg,
                   {name, a.name->name});
      ok = false;
    }
    const Type *pt = i < v.payload.size() ? v.payload[i] : nullptr;
    const Type *t = checkValue(*a.value, pt);
    if (pt)
      ok &= expectType(*a.value, pt, t);
    call->orderedArgs.push_back(a.value.get());
  }
  if (ok && call->args.size() != v.payload.size()) {
    diags.report(e.range, DiagID::err_arg_count,
                 {name,
                  std::to_string(v.payload.size()) +
                      (v.payload.size() == 1 ? " argument" : " arguments"),
                  std::to_string(call->args.size()) +
                      (call->args.size() == 1 ? " was" : " were")});
    ok = false;
  }
  if (!ok)
    return types.getError();
  call->variant = static_cast<int>(variant);
  return types.getStruct(&en);
}

bool Sema::checkPattern(MatchArm &arm, const Type *st) {
  Pattern &p = arm.pattern;
  switch (p.kind) {
  case Pattern::Kind::Wildcard:
    return true;
  case Pattern::Kind::Literal: {
    if (st->isEnum()) {
      check(*p.literal);
      diags.report(p.range, DiagID::err_pattern_mismatch,
                   {spelled(sm, p.range), st->str()});
      return false;
    }
    const Type *t = checkValue(*p.literal, st->isError() ? nullptr : st);
    return !st->isError() && expectType(*p.literal, st, t);
  }
  case Pattern::Kind::Variant:
    break;
  }
  std::string text = joinPath(p.path);
  if (p.path.size() < 2) {
    diags.report(p.range, DiagID::err_pattern_not_variant, {text});
    return false;
  }
  StructDecl *en = resolveStructPath(p.path, p.path.size() - 1,
                                     *currentModule, /*report=*/true);
  if (!en)
    return false;
  if (!en->isEnum) {
    diags.report(p.range, DiagID::err_pattern_not_variant, {text});
    return false;
  }
  // A pattern names a generic enum without arguments: `Option::Some(x)`.
  if (st->isEnum() && st->getStructDecl()->genericTemplate == en)
    en = st->getStructDecl();
  if (en->genericParams.empty())
    resolveStruct(*en);
  int v = lookupVariant(*en, p.path.back().name);
  if (v < 0) {
    diags.report(p.path.back().range, DiagID::err_no_variant,
                 {en->name.name, p.path.back().name});
    return false;
  }
  if (st->isError())
    return false;
  if (types.getStruct(en) != st) {
    diags.report(p.range, DiagID::err_pattern_mismatch, {text, st->str()});
    return false;
  }
  p.variant = static_cast<unsigned>(v);
  const VariantDecl &vd = en->variants[v];
  if (p.vars.size() != vd.payload.size()) {
    diags.report(p.range, DiagID::err_pattern_arity,
                 {en->name.name + "::" + vd.name.name,
                  countValues(vd.payload.size()),
                  countValues(p.vars.size())});
    return false;
  }
  std::map<std::string, const VarDecl *> seen;
  for (size_t i = 0; i < p.vars.size(); ++i) {
    VarDecl &var = *p.vars[i];
    var.type = vd.payload[i];
    if (var.name.name == "_")
      continue;
    auto [it, inserted] = seen.emplace(var.name.name, &var);
    if (!inserted) {
      diags.report(var.name.range, DiagID::err_redefinition, {var.name.name});
      diags.note(it->second->name.range, DiagID::note_previous_definition,
                 {var.name.name});
    }
  }
  return true;
}

bool Sema::checkArm(MatchExpr &e, MatchArm &arm, const Type *&result) {
  pushScope();
  for (auto &var : arm.pattern.vars) {
    // After a bad pattern its bindings exist but say nothing more.
    if (!var->type) {
      var->type = types.getError();
      var->used = true;
    }
    if (var->name.name != "_")
      declareLocal(*var);
  }
  bool diverges = false;
  if (arm.block) {
    if (!e.isStmt)
      diags.report(arm.block->range, DiagID::err_match_arm_block);
    diverges = checkBlock(*arm.block);
  } else if (e.isStmt) {
    check(*arm.value);
    auto *call = llvm::dyn_cast<CallExpr>(arm.value.get());
    diverges = call && call->builtin == Builtin::Panic;
  } else {
    NoEarlyExit guard{noEarlyExit, true};
    const Type *t = checkValue(*arm.value, result);
    if (!result && !t->isError())
      result = t;
    else if (result)
      expectType(*arm.value, result, t);
  }
  popScope();
  return diverges;
}

const Type *Sema::checkMatch(MatchExpr &e, const Type *expected) {
  const Type *st = checkValue(*e.scrutinee);
  if (inKernel())
    diags.report(e.range, DiagID::err_enum_in_kernel);
  if (!st->isEnum() && !st->isInt() && !st->isBool() && !st->isError()) {
    diags.report(e.scrutinee->range, DiagID::err_match_type, {st->str()});
    st = types.getError();
  }
  StructDecl *en = st->isEnum() ? st->getStructDecl() : nullptr;
  // What the arms so far cover: variants (or false, true), integer values.
  std::vector<bool> covered(en ? en->variants.size() : 2, false);
  std::set<uint64_t> ints;
  const MatchArm *wildcard = nullptr;
  bool patternsOk = !st->isError();
  for (MatchArm &arm : e.arms) {
    Pattern &p = arm.pattern;
    bool ok = checkPattern(arm, st);
    patternsOk &= ok;
    if (!ok)
      continue;
    bool repeated = wildcard != nullptr;
    if (p.kind == Pattern::Kind::Wildcard) {
      wildcard = &arm;
    } else if (p.kind == Pattern::Kind::Variant) {
      repeated |= covered[p.variant];
      covered[p.variant] = true;
    } else if (st->isBool()) {
      bool v = p.literal->constValue.boolValue;
      repeated |= covered[v];
      covered[v] = true;
    } else {
      repeated |= !ints.insert(p.literal->constValue.intBits).second;
    }
    if (repeated)
      diags.report(p.range, DiagID::err_unreachable_arm,
                   {spelled(sm, p.range)});
  }
  if (patternsOk && !wildcard) {
    std::string missing;
    for (size_t i = 0; i < covered.size(); ++i) {
      if (covered[i] || st->isInt())
        continue;
      missing += missing.empty() ? "`" : ", `";
      missing += en ? en->name.name + "::" + en->variants[i].name.name
                    : std::string(i ? "true" : "false");
      missing += "`";
    }
    if (st->isInt())
      diags.report(e.range, DiagID::err_match_needs_wildcard, {st->str()});
    else if (!missing.empty())
      diags.report(e.range, DiagID::err_match_not_exhaustive, {missing});
  }

  // Bodies. A value arm that is a literal takes the type of the others, so
  // they are checked first.
  const Type *result = e.isStmt ? nullptr : expected;
  bool diverges = !e.arms.empty();
  for (bool literals : {false, true})
    for (MatchArm &arm : e.arms)
      if ((arm.value && !e.isStmt && isLiteralLike(*arm.value)) == literals)
        diverges &= checkArm(e, arm, result);
  if (e.isStmt) {
    e.diverges = diverges;
    return types.getVoid();
  }
  if (!result)
    return types.getError();
  if (result->containsBuffer() || result->containsArray() ||
      result->isOwned()) {
    diags.report(e.range, DiagID::err_match_value_type, {result->str()});
    return types.getError();
  }
  return result;
}

} // namespace nlc
