//===- SemaGeneric.cpp - Type parameters of generic functions -------------===//
//
// Type parameters (`fn f<T: Float>(a: T)`), their bounds, explicit type
// arguments (`f::<f32>`) and their inference from the types of a call's
// arguments. Instances are made and checked by Sema::instantiate, as for
// `const` parameters. The rules are docs/LangRef.md, section 26.
//
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"
#include "frontend/Sema.h"

namespace nlc {

bool satisfiesBound(const GenericParam &g, const Type *t) {
  const std::string &b = g.bound.name;
  if (b == "Float")
    return t->isFloat();
  if (b == "Int")
    return t->isInt();
  if (b == "Numeric")
    return t->isNumeric();
  if (b == "Eq")
    return t->isScalar() || t->isText();
  return true;
}

bool isKnownBound(const std::string &bound) {
  return bound.empty() || bound == "Float" || bound == "Int" ||
         bound == "Numeric" || bound == "Eq";
}

const Type *Sema::genericTypeParam(const std::string &name) const {
  const auto *args = typeScope ? typeScope
                     : genericScope ? &genericScope->typeArgs
                                    : nullptr;
  if (!args)
    return nullptr;
  for (const auto &[param, type] : *args)
    if (param == name)
      return type;
  return nullptr;
}

const Type *Sema::typeFromExpr(Expr &arg, const GenericParam &g) {
  auto *n = llvm::dyn_cast<NameExpr>(&arg);
  if (!n || !n->genericArgs.empty()) {
    diags.report(arg.range, DiagID::err_generic_type_arg, {g.name.name});
    return nullptr;
  }
  TypeExpr te;
  te.path = n->path;
  te.range = n->range;
  const Type *t = resolveType(te, *currentModule);
  return t->isError() ? nullptr : t;
}

/// The type parameter a type expression is exactly (`T`), or "".
static std::string bareParam(const TypeExpr &t,
                             const std::map<std::string, const Type *> &out) {
  if (t.kind != TypeExpr::Kind::Named || t.path.size() != 1 ||
      !t.genericArgs.empty() || !out.count(t.path[0].name))
    return "";
  return t.path[0].name;
}

bool Sema::unifyTypeArg(const std::string &what, const TypeExpr &pt,
                        const Type *at, const Expr &arg,
                        std::map<std::string, const Type *> &out) {
  auto bind = [&](const std::string &param, const Type *t) {
    const Type *&slot = out[param];
    if (!slot || slot == t) {
      slot = t;
      return true;
    }
    diags.report(arg.range, DiagID::err_generic_conflict,
                 {param, what, slot->str(), t->str()});
    return false;
  };
  if (pt.kind == TypeExpr::Kind::Array)
    return !at->isArray() ||
           unifyTypeArg(what, *pt.element, at->getElementType(), arg, out);
  if (std::string param = bareParam(pt, out); !param.empty())
    return bind(param, at);
  // `Tile<..., T>`, `Tensor<T, R>`, `View<T, R>`, `Vec<T>`: T is the
  // element type (a view also fills a tile parameter, in a tile-map launch).
  if (!at->isTile() && !at->isTensor() && !at->isView() && !at->isVec())
    return true;
  for (const GenericArg &a : pt.genericArgs)
    if (a.type)
      if (std::string param = bareParam(*a.type, out); !param.empty())
        if (!bind(param, at->getElementType()))
          return false;
  return true;
}

bool Sema::inferTypeArgs(FnDecl &tmpl, CallExpr &call,
                         std::map<std::string, const Type *> &out) {
  // Each argument with its parameter's type, positionally or by name.
  std::vector<std::pair<Expr *, const TypeExpr *>> pairs;
  size_t next = tmpl.hasSelf; // A method's receiver is not in `call.args`.
  for (CallArg &a : call.args) {
    const VarDecl *p = nullptr;
    if (a.name) {
      for (auto &q : tmpl.params)
        if (q->name.name == a.name->name)
          p = q.get();
    } else if (next < tmpl.params.size()) {
      p = tmpl.params[next++].get();
    }
    if (p && p->typeExpr)
      pairs.push_back({a.value.get(), p->typeExpr.get()});
  }
  return inferFromPairs(tmpl.name.name, tmpl.genericParams, pairs, call.range,
                        out);
}

bool Sema::inferFromPairs(
    const std::string &what, const std::vector<GenericParam> &params,
    const std::vector<std::pair<Expr *, const TypeExpr *>> &pairs,
    SourceRange at, std::map<std::string, const Type *> &out) {
  for (const GenericParam &g : params)
    out[g.name.name] = nullptr;
  // Literals last: they take the type the other values give, and only fix
  // a parameter nothing else does (`max_of(x, 1.0)`).
  for (bool literals : {false, true})
    for (auto &[arg, pt] : pairs) {
      if (isLiteralLike(*arg) != literals)
        continue;
      if (literals) {
        std::string param = bareParam(*pt, out);
        if (param.empty() || out[param])
          continue;
      }
      // A reference parameter `&T` / `&mut T` binds from what `&x` borrows.
      Expr *value = arg;
      const TypeExpr *type = pt;
      if (pt->kind == TypeExpr::Kind::Ref) {
        type = pt->element.get();
        auto *u = llvm::dyn_cast<UnaryExpr>(arg);
        if (u && (u->op == UnaryOp::Borrow || u->op == UnaryOp::BorrowMut))
          value = u->operand.get();
      }
      const Type *t = checkValue(*value);
      if (t->isError() || !unifyTypeArg(what, *type, t, *value, out))
        return false;
    }
  for (const GenericParam &g : params)
    if (!out[g.name.name]) {
      diags.report(at, DiagID::err_generic_infer, {g.name.name, what});
      return false;
    }
  return true;
}

StructDecl *Sema::genericInstanceFor(
    StructDecl &tmpl, const Type *expected,
    const std::vector<std::pair<Expr *, const TypeExpr *>> &pairs,
    SourceRange at) {
  if (expected && (expected->isStruct() || expected->isEnum()) &&
      expected->getStructDecl()->genericTemplate == &tmpl)
    return expected->getStructDecl();
  std::map<std::string, const Type *> bound;
  if (!inferFromPairs(tmpl.name.name, tmpl.genericParams, pairs, at, bound))
    return nullptr;
  std::vector<const Type *> args;
  for (const GenericParam &g : tmpl.genericParams)
    args.push_back(bound[g.name.name]);
  const Type *t = instantiateType(tmpl, args, at);
  return t->isError() ? nullptr : t->getStructDecl();
}

const Type *Sema::instantiateType(StructDecl &tmpl,
                                  const std::vector<const Type *> &args,
                                  SourceRange at) {
  if (args.size() != tmpl.genericParams.size()) {
    diags.report(at, DiagID::err_type_generic_count,
                 {tmpl.name.name, std::to_string(tmpl.genericParams.size()),
                  std::to_string(args.size())});
    return types.getError();
  }
  auto key = std::make_pair(&tmpl, args);
  if (auto it = typeInstances.find(key); it != typeInstances.end())
    return it->second->resolving ? types.getError()
                                 : types.getStruct(it->second);
  std::string spelled;
  for (size_t i = 0; i < args.size(); ++i) {
    const GenericParam &g = tmpl.genericParams[i];
    if (!isKnownBound(g.bound.name)) {
      diags.report(g.bound.range, DiagID::err_unknown_bound, {g.bound.name});
      return types.getError();
    }
    if (!satisfiesBound(g, args[i])) {
      diags.report(at, DiagID::err_generic_bound,
                   {args[i]->str(), g.bound.name, g.name.name});
      return types.getError();
    }
    spelled += (i ? ", " : "") + args[i]->str();
  }
  // A fresh tree for this instance: parse the declaration's text again.
  Parser parser(sm, diags, tmpl.module->file);
  std::unique_ptr<StructDecl> inst = parser.parseStructAt(tmpl.range.begin);
  if (!inst)
    return types.getError();
  inst->genericParams.clear();
  inst->module = tmpl.module;
  inst->genericTemplate = &tmpl;
  inst->name.name = tmpl.name.name + "<" + spelled + ">";
  for (size_t i = 0; i < args.size(); ++i)
    inst->typeArgs.push_back({tmpl.genericParams[i].name.name, args[i]});
  StructDecl *s = inst.get();
  tmpl.module->typeInstances.push_back(std::move(inst));
  typeInstances[key] = s;
  resolveStruct(*s);
  // Its methods: every `impl<...>` block of the template, made again with
  // the impl's parameters bound to `args`. A body is checked only once a
  // call uses it (useMethod), after every signature is known.
  for (ImplBlock *impl : tmpl.genericImpls)
    for (auto &fn : impl->fns) {
      Parser fnParser(sm, diags, fn->module->file);
      std::unique_ptr<FnDecl> m =
          fnParser.parseFnAt(fn->range.begin, /*inImpl=*/true);
      if (!m)
        continue;
      m->module = fn->module;
      m->attributes = fn->attributes;
      m->parent = s;
      m->unused = true;
      m->methodTemplate = fn.get();
      for (size_t i = 0; i < impl->genericParams.size(); ++i) {
        m->typeArgs.push_back({impl->genericParams[i].name.name, args[i]});
        m->typeBounds.push_back(tmpl.genericParams[i].bound.name);
      }
      FnDecl *method = m.get();
      fn->module->instances.push_back(std::move(m));
      s->methods.push_back(method);
      // A generic method is resolved per instance of its own (instantiate).
      if (!method->genericParams.empty())
        continue;
      // The method's own type arguments, not those of a struct whose field
      // made this instance (`struct S { o: Option<i64> }`).
      const FnDecl *savedScope = genericScope;
      auto *savedTypeScope = typeScope;
      Module *savedModule = currentModule;
      genericScope = method;
      typeScope = nullptr;
      currentModule = method->module;
      checkAttributes(*method);
      resolveSignature(*method);
      genericScope = savedScope;
      typeScope = savedTypeScope;
      currentModule = savedModule;
    }
  return types.getStruct(s);
}

std::string Sema::instanceName(const FnDecl &fn) const {
  if (!fn.parent)
    return fn.name.name;
  const Module *m = fn.parent->module;
  return (m && m != currentModule ? m->name + "::" : std::string()) +
         fn.parent->name.name + "::" + fn.name.name;
}

void Sema::useMethod(FnDecl &m, SourceRange at) {
  if (!m.unused || probingUnused)
    return;
  m.unused = false;
  m.repeatInstance = !usedMethodTemplates.insert(m.methodTemplate).second;
  methodUses[&m] = {at, instanceName(m)};
  pendingMethods.push_back(&m);
}

/// Checks `fn`'s body outside the function being checked.
void Sema::checkAside(FnDecl &fn) {
  FnDecl *savedFn = currentFn;
  Module *savedModule = currentModule;
  const FnDecl *savedScope = genericScope;
  auto savedScopes = std::move(scopes);
  auto savedLoops = std::move(loops);
  scopes.clear();
  loops.clear();
  checkFunction(fn);
  currentFn = savedFn;
  currentModule = savedModule;
  genericScope = savedScope;
  scopes = std::move(savedScopes);
  loops = std::move(savedLoops);
}

void Sema::checkPendingMethods() {
  while (!pendingMethods.empty()) {
    FnDecl *fn = pendingMethods.back();
    pendingMethods.pop_back();
    unsigned errorsBefore = diags.getNumErrors();
    checkAside(*fn);
    if (diags.getNumErrors() > errorsBefore) {
      auto &[at, name] = methodUses[fn];
      diags.note(at, DiagID::note_in_instance, {name});
    }
  }
}

/// Errors that no type argument can cause or mend: unknown names.
static bool independentOfTypeArgs(DiagID id) {
  return id == DiagID::err_undeclared || id == DiagID::err_undeclared_suggest ||
         id == DiagID::err_undeclared_type ||
         id == DiagID::err_undeclared_type_suggest;
}

void Sema::checkUnusedMethods(const std::vector<Module *> &modules) {
  // One instance of each unused template method stands for the template.
  std::set<const FnDecl *> seen;
  std::vector<FnDecl *> probes;
  for (Module *m : modules)
    for (auto &fn : m->instances)
      if (fn->unused && fn->methodTemplate && fn->genericParams.empty() &&
          !usedMethodTemplates.count(fn->methodTemplate) &&
          seen.insert(fn->methodTemplate).second)
        probes.push_back(fn.get());
  std::vector<size_t> made;
  for (Module *m : modules)
    made.push_back(m->instances.size());
  probingUnused = true;
  for (FnDecl *fn : probes) {
    fn->repeatInstance = true; // No unused-variable warnings.
    size_t before = diags.size();
    checkAside(*fn);
    // Only unknown names in its own body are reported: the rest depends
    // on the type arguments of an instance nobody asked for.
    diags.eraseSince(before, [&](const Diagnostic &d) {
      return !independentOfTypeArgs(d.id) ||
             d.range.begin.file != fn->range.begin.file ||
             d.range.begin.offset < fn->range.begin.offset ||
             d.range.begin.offset >= fn->range.end.offset;
    });
  }
  probingUnused = false;
  // Instances of generic functions the probes made are not generated.
  for (size_t i = 0; i < modules.size(); ++i)
    for (size_t j = made[i]; j < modules[i]->instances.size(); ++j)
      modules[i]->instances[j]->unused = true;
}

bool Sema::checkGenericOperand(const Expr &operand, const char *op,
                               bool bitwise) {
  // A variable declared with a type parameter's name: `a` in `a + b`.
  auto *n = llvm::dyn_cast<NameExpr>(&operand);
  const TypeExpr *te = n && n->var ? n->var->typeExpr.get() : nullptr;
  if (!genericScope || !te || te->kind != TypeExpr::Kind::Named ||
      te->path.size() != 1 || !te->genericArgs.empty())
    return true;
  const auto &args = genericScope->typeArgs;
  for (size_t i = 0; i < args.size() && i < genericScope->typeBounds.size();
       ++i) {
    if (args[i].first != te->path[0].name)
      continue;
    const std::string &bound = genericScope->typeBounds[i];
    // Numeric bounds allow arithmetic and comparisons; only `Int` allows
    // bitwise operators and shifts; `Eq` allows only `==` and `!=`.
    bool equality = std::string(op) == "==" || std::string(op) == "!=";
    if (bound == "Eq" ? equality
                      : !bound.empty() && (!bitwise || bound == "Int"))
      return true;
    diags.report(operand.range, DiagID::err_generic_operand,
                 {op, n->path[0].name, args[i].first,
                  bound.empty() ? "it has no bound"
                                : "its bound `" + bound + "` does not allow it"});
    return false;
  }
  return true;
}

const Type *Sema::checkTry(TryExpr &e) {
  const Type *t = checkValue(*e.operand);
  if (t->isError())
    return t;
  auto preludeEnum = [&](const char *name) {
    return prelude ? llvm::dyn_cast_or_null<StructDecl>(lookupTop(*prelude, name))
                   : nullptr;
  };
  StructDecl *option = preludeEnum("Option"), *result = preludeEnum("Result");
  StructDecl *sd = t->isEnum() ? t->getStructDecl() : nullptr;
  StructDecl *tmpl = sd ? sd->genericTemplate : nullptr;
  if (!tmpl || (tmpl != option && tmpl != result)) {
    diags.report(e.operand->range, DiagID::err_try_operand, {t->str()});
    return types.getError();
  }
  bool isOption = tmpl == option;
  const char *okName = isOption ? "Some" : "Ok";
  const char *failName = isOption ? "None" : "Err";
  e.okVariant = lookupVariant(*sd, okName);
  e.failVariant = lookupVariant(*sd, failName);
  if (!currentFn || noEarlyExit) {
    diags.report(e.range, DiagID::err_try_here);
    return types.getError();
  }
  // `Result<T, E>?` needs `Result<U, E>`: the error value is returned as is.
  const Type *r = currentFn->result;
  StructDecl *rd = r && r->isEnum() ? r->getStructDecl() : nullptr;
  bool ok = rd && rd->genericTemplate == tmpl &&
            (isOption || rd->typeArgs[1].second == sd->typeArgs[1].second);
  if (!ok) {
    std::string need = isOption ? "an `Option`"
                                : "a `Result` with error type `" +
                                      sd->typeArgs[1].second->str() + "`";
    diags.report(e.range, DiagID::err_try_result,
                 {t->str(), need, currentFn->name.name, r->str()});
    return types.getError();
  }
  e.resultVariant = lookupVariant(*rd, failName);
  return sd->variants[e.okVariant].payload[0];
}

} // namespace nlc
