//===- SemaDecl.cpp - Declarations, types and constants -------------------===//
//
// The module-level half of Sema: top-level symbol tables, `impl` blocks,
// struct layouts, function signatures and symbols, constants, attributes and
// the `main` entry point.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace nlc {

/// The functions of a generic `impl` block are templates: nothing checks
/// them as they are (their instances are checked).
static const std::vector<std::unique_ptr<FnDecl>> noFns;

bool Sema::run(const std::vector<Module *> &modules, bool library) {
  for (Module *m : modules) {
    collectDecls(*m);
    if (m->isPrelude)
      prelude = m;
  }
  for (Module *m : modules)
    attachImpls(*m);
  for (Module *m : modules) {
    currentModule = m;
    for (auto &d : m->decls) {
      checkAttributes(*d);
      // Generic structs are resolved per instance (see instantiateType).
      if (auto *s = llvm::dyn_cast<StructDecl>(d.get());
          s && s->genericParams.empty())
        resolveStruct(*s);
    }
  }
  for (Module *m : modules) {
    currentModule = m;
    for (auto &d : m->decls) {
      // Generic functions are checked per instance (see instantiate).
      if (auto *fn = llvm::dyn_cast<FnDecl>(d.get());
          fn && fn->genericParams.empty())
        resolveSignature(*fn);
      else if (auto *c = llvm::dyn_cast<ConstDecl>(d.get()))
        resolveConst(*c);
    }
    for (ImplBlock &impl : m->impls)
      for (auto &fn : impl.genericParams.empty() ? impl.fns
                                                 : noFns) {
        checkAttributes(*fn);
        // A generic method is resolved per instance (see instantiate).
        if (!fn->genericParams.empty())
          continue;
        genericScope = fn.get();
        resolveSignature(*fn);
        genericScope = nullptr;
      }
  }
  // Kernel bodies first: how a kernel call runs depends on its body (the
  // contraction rule), so callers are checked after it.
  for (bool kernels : {true, false})
    for (Module *m : modules) {
      currentModule = m;
      for (auto &d : m->decls)
        if (auto *fn = llvm::dyn_cast<FnDecl>(d.get());
            fn && fn->isKernel == kernels && fn->genericParams.empty())
          checkFunction(*fn);
      for (ImplBlock &impl : m->impls)
        for (auto &fn : impl.genericParams.empty() ? impl.fns : noFns)
          if (fn->isKernel == kernels)
            checkFunction(*fn);
    }
  checkPendingMethods();
  checkUnusedMethods(modules);
  checkKernelRecursion();
  if (!modules.empty() && !library)
    checkMain(*modules.back());
  checkSymbols(modules);
  return !diags.hasErrors();
}

void Sema::collectDecls(Module &m) {
  auto &table = topLevel[&m];
  for (auto &d : m.decls) {
    auto [it, inserted] = table.emplace(d->name.name, d.get());
    if (inserted)
      continue;
    if (llvm::isa<ImportDecl>(d.get()) && llvm::isa<ImportDecl>(it->second)) {
      diags.report(d->name.range, DiagID::err_duplicate_import, {d->name.name});
      continue;
    }
    diags.report(d->name.range, DiagID::err_redefinition, {d->name.name});
    diags.note(it->second->name.range, DiagID::note_previous_definition,
               {d->name.name});
  }
}

Decl *Sema::lookupTop(Module &m, const std::string &name) {
  auto &table = topLevel[&m];
  auto it = table.find(name);
  if (it != table.end())
    return it->second;
  // Every module sees the prelude's declarations (not its imports).
  if (prelude && &m != prelude)
    if (Decl *d = lookupTop(*prelude, name); d && !llvm::isa<ImportDecl>(d))
      return d;
  return nullptr;
}

Module *Sema::lookupModuleAlias(Module &m, const std::string &name) {
  if (auto *imp = llvm::dyn_cast_or_null<ImportDecl>(lookupTop(m, name)))
    return imp->imported;
  return nullptr;
}

StructDecl *Sema::resolveStructPath(const std::vector<Ident> &path,
                                    size_t count, Module &m, bool report) {
  Module *scope = &m;
  for (size_t i = 0; i + 1 < count; ++i) {
    Module *next = lookupModuleAlias(*scope, path[i].name);
    if (!next) {
      if (!report)
        return nullptr;
      if (lookupTop(*scope, path[i].name)) {
        // `S::T`: a struct or function, not a module, cannot qualify.
        std::string joined;
        for (size_t j = 0; j < count; ++j)
          joined += (j ? "::" : "") + path[j].name;
        diags.report(
            SourceRange(path[0].range.begin, path[count - 1].range.end),
            DiagID::err_not_a_type, {joined});
      } else if (scope != &m) {
        diags.report(path[i].range, DiagID::err_not_in_module,
                     {scope->name, path[i].name});
      } else {
        reportUndeclared(path[i], /*isType=*/false);
      }
      return nullptr;
    }
    scope = next;
  }
  const Ident &last = path[count - 1];
  Decl *d = lookupTop(*scope, last.name);
  if (auto *s = llvm::dyn_cast_or_null<StructDecl>(d))
    return s;
  if (report) {
    if (count == 1 && !d && types.lookupBuiltin(last.name))
      diags.report(last.range, DiagID::err_not_a_struct, {last.name});
    else if (d)
      diags.report(last.range, DiagID::err_not_a_type, {last.name});
    else if (scope != &m)
      diags.report(last.range, DiagID::err_not_in_module,
                   {scope->name, last.name});
    else
      reportUndeclared(last, /*isType=*/true);
  }
  return nullptr;
}

void Sema::attachImpls(Module &m) {
  currentModule = &m;
  for (ImplBlock &impl : m.impls) {
    const TypeExpr &target = *impl.target;
    StructDecl *s = nullptr;
    if (target.kind == TypeExpr::Kind::Array ||
        (target.path.size() == 1 && types.lookupBuiltin(target.path[0].name))) {
      const Type *t = resolveType(target, m);
      if (!t->isError())
        diags.report(target.range, DiagID::err_not_a_struct, {t->str()});
    } else {
      s = resolveStructPath(target.path, target.path.size(), m, true);
      if (s && (!s->genericParams.empty() || !impl.genericParams.empty())) {
        attachGenericImpl(impl, *s);
        continue;
      }
      if (s && !target.genericArgs.empty())
        diags.report(target.range, DiagID::err_generic_args_unexpected,
                     {s->name.name});
    }
    for (auto &fn : impl.fns) {
      fn->parent = s;
      if (!s)
        continue;
      for (FnDecl *other : s->methods) {
        if (other->name.name != fn->name.name)
          continue;
        diags.report(fn->name.range, DiagID::err_redefinition,
                     {s->name.name + "::" + fn->name.name});
        diags.note(other->name.range, DiagID::note_previous_definition,
                   {fn->name.name});
      }
      s->methods.push_back(fn.get());
    }
  }
}

void Sema::attachGenericImpl(ImplBlock &impl, StructDecl &s) {
  // `impl<A, B> Pair<A, B>`: the impl's parameters, in the type's order.
  bool ok = impl.genericParams.size() == s.genericParams.size() &&
            impl.target->genericArgs.size() == s.genericParams.size();
  for (size_t i = 0; ok && i < impl.genericParams.size(); ++i) {
    const GenericArg &a = impl.target->genericArgs[i];
    ok = a.type && a.type->path.size() == 1 && a.type->genericArgs.empty() &&
         a.type->path[0].name == impl.genericParams[i].name.name &&
         impl.genericParams[i].bound.name.empty();
  }
  if (!ok) {
    std::string params;
    for (size_t i = 0; i < s.genericParams.size(); ++i)
      params += (i ? ", " : "") + s.genericParams[i].name.name;
    diags.report(impl.target->range, DiagID::err_generic_impl,
                 {s.name.name, params});
    impl.genericParams.clear();
    impl.fns.clear();
    return;
  }
  for (auto &fn : impl.fns)
    for (const GenericParam &g : fn->genericParams)
      for (const GenericParam &outer : impl.genericParams)
        if (g.name.name == outer.name.name)
          diags.report(g.name.range, DiagID::err_generic_shadow,
                       {g.name.name, fn->name.name});
  s.genericImpls.push_back(&impl);
}

/// Structs and constants resolve the definitions they use recursively:
/// bound that chain so that no program can overflow the stack.
static constexpr unsigned maxResolveDepth = 1000;

void Sema::resolveStruct(StructDecl &s) {
  if (s.fieldsResolved)
    return;
  if (s.resolving) {
    diags.report(s.name.range,
                 s.isEnum ? DiagID::err_recursive_enum
                          : DiagID::err_recursive_struct,
                 {s.name.name});
    return;
  }
  if (resolveDepth == maxResolveDepth) {
    diags.report(s.name.range, DiagID::err_definition_too_deep,
                 {s.name.name, std::to_string(maxResolveDepth)});
    for (FieldDecl &f : s.fields)
      f.type = types.getError();
    for (VariantDecl &v : s.variants)
      v.payload.assign(v.payloadExprs.size(), types.getError());
    s.fieldsResolved = true;
    return;
  }
  ResolveScope depthScope{resolveDepth};
  s.resolving = true;
  Module *saved = currentModule;
  currentModule = s.module;
  const FnDecl *savedScope = genericScope;
  auto *savedTypeScope = typeScope;
  genericScope = nullptr;
  typeScope = &s.typeArgs;
  std::map<std::string, const FieldDecl *> seen;
  for (FieldDecl &f : s.fields) {
    auto [it, inserted] = seen.emplace(f.name.name, &f);
    if (!inserted) {
      diags.report(f.name.range, DiagID::err_redefinition, {f.name.name});
      diags.note(it->second->name.range, DiagID::note_previous_definition,
                 {f.name.name});
    }
    f.type = resolveType(*f.typeExpr, *s.module);
    // A struct that holds a tensor owns it (section 24); a view cannot be
    // kept beyond the scope of its variable.
    if (f.type->isView()) {
      diags.report(f.typeExpr->range, DiagID::err_field_buffer,
                   {f.name.name, f.type->str()});
      f.type = types.getError();
    }
  }
  if (s.isEnum)
    resolveVariants(s);
  genericScope = savedScope;
  typeScope = savedTypeScope;
  currentModule = saved;
  s.resolving = false;
  s.fieldsResolved = true;
}

const Type *Sema::resolveType(const TypeExpr &t, Module &m) {
  if (t.kind == TypeExpr::Kind::Ref) {
    // Parameters resolve `&T` themselves (resolveParamType).
    const Type *elem = resolveType(*t.element, m);
    if (!elem->isError())
      diags.report(t.range, DiagID::err_ref_type_position,
                   {(t.refMut ? "&mut " : "&") + elem->str()});
    return types.getError();
  }
  if (t.kind == TypeExpr::Kind::Array) {
    const Type *elem = resolveType(*t.element, m);
    uint64_t size = 0;
    if (!evalConstIndex(*t.size, size) || elem->isError())
      return types.getError();
    return makeArray(elem, size, t.range);
  }
  if (const Type *b = resolveBuiltinGeneric(t, m))
    return b;
  if (t.path.size() == 1 && t.genericArgs.empty())
    if (const Type *g = genericTypeParam(t.path[0].name))
      return g;
  bool builtin = t.path.size() == 1 && types.lookupBuiltin(t.path[0].name);
  if (!t.genericArgs.empty()) {
    StructDecl *g = builtin ? nullptr
                            : resolveStructPath(t.path, t.path.size(), m,
                                                /*report=*/false);
    if (!g || g->genericParams.empty()) {
      diags.report(t.range, DiagID::err_generic_args_unexpected,
                   {t.path.back().name});
      return types.getError();
    }
  }
  if (builtin)
    return types.lookupBuiltin(t.path[0].name);
  StructDecl *s = resolveStructPath(t.path, t.path.size(), m, true);
  if (!s)
    return types.getError();
  if (!s->genericParams.empty()) {
    // `Pair<i32, f64>`: an instance of a generic struct or enum.
    std::vector<const Type *> args;
    for (const GenericArg &a : t.genericArgs) {
      if (!a.type) {
        diags.report(a.value->range, DiagID::err_generic_type_arg,
                     {s->name.name});
        return types.getError();
      }
      const Type *at = resolveType(*a.type, m);
      if (at->isError())
        return at;
      args.push_back(at);
    }
    return instantiateType(*s, args, t.range);
  }
  resolveStruct(*s);
  // Still resolving: `s` contains itself, which resolveStruct reported. An
  // error type here keeps the cycle out of the types.
  if (s->resolving)
    return types.getError();
  return types.getStruct(s);
}

/// Local arrays live on the stack; keep them well below its usual 8 MiB.
static constexpr uint64_t maxArrayBytes = 4u << 20;

const Type *Sema::makeArray(const Type *elem, uint64_t size, SourceRange r) {
  // Arrays of owned values (`[String; 2]`, `[Vec<i64>; 3]`) are owned and
  // drop each element; tiles, tensors and views cannot be elements.
  if (elem->containsBuffer()) {
    diags.report(r, DiagID::err_array_buffer, {elem->str()});
    return types.getError();
  }
  const Type *t = types.getArray(elem, size);
  uint64_t bytes = t->getStorageSize();
  if (bytes > maxArrayBytes) {
    diags.report(r, DiagID::err_array_too_large,
                 {t->str(), bytes == UINT64_MAX ? "too many"
                                                : std::to_string(bytes),
                  std::to_string(maxArrayBytes)});
    return types.getError();
  }
  return t;
}

void Sema::checkAttributes(Decl &d) {
  for (const Attribute &a : d.attributes) {
    const std::string &n = a.name.name;
    if (n == "kernel" || n == "inline" || n == "noinline" || n == "export") {
      if (auto *fn = llvm::dyn_cast<FnDecl>(&d))
        fn->isKernel |= n == "kernel";
      if (!llvm::isa<FnDecl>(d))
        diags.report(a.name.range, DiagID::err_attribute_not_allowed,
                     {n, llvm::isa<StructDecl>(d)
                             ? (llvm::cast<StructDecl>(d).isEnum ? "an enum"
                                                                 : "a struct")
                         : llvm::isa<ConstDecl>(d) ? "a constant"
                                                   : "an import"});
      continue;
    }
    diags.report(a.name.range, DiagID::warn_unknown_attribute, {n});
  }
}

static bool hasAttribute(const Decl &d, const char *name) {
  for (const Attribute &a : d.attributes)
    if (a.name.name == name)
      return true;
  return false;
}

void Sema::resolveSignature(FnDecl &fn) {
  Module &m = *fn.module;
  std::map<std::string, VarDecl *> seen;
  for (auto &p : fn.params) {
    if (fn.hasSelf && p == fn.params.front()) {
      p->type = fn.parent ? types.getStruct(fn.parent) : types.getError();
    } else {
      resolveParamType(fn, *p);
      // A parameter of a bad type was reported already.
      p->used |= p->type->isError();
    }
    auto [it, inserted] = seen.emplace(p->name.name, p.get());
    if (!inserted) {
      diags.report(p->name.range, DiagID::err_duplicate_param, {p->name.name});
      // Uses find only one of them: do not call the other unused.
      p->used = it->second->used = true;
    }
  }
  fn.result = fn.resultType ? resolveType(*fn.resultType, m) : types.getVoid();
  if (fn.isKernel)
    checkKernelSignature(fn);
  // Tiles exist only inside kernels.
  for (auto &p : fn.params)
    if (!fn.isKernel && p->type && p->type->isTile())
      diags.report(p->typeExpr->range, DiagID::err_kernel_only, {"Tile"});
  if (!fn.isKernel && fn.result->isTile())
    diags.report(fn.resultType->range, DiagID::err_kernel_only, {"Tile"});
  if (!fn.isKernel && fn.result->isView())
    diags.report(fn.resultType->range, DiagID::err_return_view,
                 {fn.result->str()});

  if (fn.isExtern) {
    for (auto &p : fn.params)
      if (!p->type->isScalar() && !p->type->isError())
        diags.report(p->name.range, DiagID::err_extern_param_type,
                     {fn.name.name, p->type->str()});
    if (!fn.result->isScalar() && !fn.result->isVoid() &&
        !fn.result->isError())
      diags.report(fn.resultType->range, DiagID::err_extern_param_type,
                   {fn.name.name, fn.result->str()});
    fn.symbol = fn.name.name;
    return;
  }
  if (hasAttribute(fn, "export")) {
    fn.symbol = fn.name.name;
    return;
  }
  fn.symbol = m.name + "." +
              (fn.parent ? fn.parent->name.name + "." : std::string()) +
              fn.name.name;
}

void Sema::resolveConst(ConstDecl &c) {
  if (c.type)
    return;
  if (c.resolving) {
    diags.report(c.name.range, DiagID::err_const_cycle, {c.name.name});
    c.type = types.getError();
    return;
  }
  if (resolveDepth == maxResolveDepth) {
    diags.report(c.name.range, DiagID::err_definition_too_deep,
                 {c.name.name, std::to_string(maxResolveDepth)});
    c.type = types.getError();
    return;
  }
  ResolveScope depthScope{resolveDepth};
  c.resolving = true;
  Module *savedModule = currentModule;
  FnDecl *savedFn = currentFn;
  auto savedScopes = std::move(scopes);
  scopes.clear();
  currentModule = c.module;
  currentFn = nullptr;
  const Type *declared =
      c.typeExpr ? resolveType(*c.typeExpr, *c.module) : nullptr;
  const Type *t = checkValue(*c.init, declared);
  if (declared)
    expectType(*c.init, declared, t);
  if (!t->isError() && c.init->constValue.kind == ConstValue::Kind::None)
    diags.report(c.init->range, DiagID::err_not_constant);
  c.type = declared ? declared : t;
  currentModule = savedModule;
  currentFn = savedFn;
  scopes = std::move(savedScopes);
  c.resolving = false;
}

void Sema::checkMain(Module &root) {
  auto *main = llvm::dyn_cast_or_null<FnDecl>(lookupTop(root, "main"));
  if (!main) {
    diags.report(SourceRange(SourceLoc{root.file, 0}), DiagID::err_no_main,
                 {root.name});
    return;
  }
  bool okResult = main->result && (main->result->isVoid() ||
                                   main->result == types.getInt(32, true));
  if (!main->params.empty() || !okResult || main->isExtern)
    diags.report(main->name.range, DiagID::err_main_signature);
  main->symbol = "nl_main";
}

/// The only `extern fn` signature a program may give the runtime function
/// `symbol` ("" for none), or nullopt if `symbol` is not the runtime's.
static std::optional<llvm::StringRef> runtimeSignature(llvm::StringRef symbol) {
  static const std::map<llvm::StringRef, llvm::StringRef> table = {
#define RUNTIME_FN(NAME, SIGNATURE) {#NAME, SIGNATURE},
#include "frontend/RuntimeFunctions.def"
  };
  auto it = table.find(symbol);
  if (it == table.end())
    return std::nullopt;
  return it->second;
}

/// `fn(P1, P2) -> R`, the signature of `fn` as RuntimeFunctions.def writes it.
static std::string signatureText(const FnDecl &fn) {
  std::string text = "fn(";
  for (size_t i = 0; i < fn.params.size(); ++i)
    text += (i ? ", " : "") + fn.params[i]->type->str();
  text += ")";
  if (!fn.result->isVoid())
    text += " -> " + fn.result->str();
  return text;
}

void Sema::checkRuntimeSymbol(FnDecl &fn) {
  if (!fn.isExtern && !hasAttribute(fn, "export"))
    return;
  std::optional<llvm::StringRef> expected = runtimeSignature(fn.symbol);
  if (!expected)
    return;
  if (!fn.isExtern)
    diags.report(fn.name.range, DiagID::err_runtime_fn_defined, {fn.symbol});
  else if (expected->empty())
    diags.report(fn.name.range, DiagID::err_runtime_fn_declared, {fn.symbol});
  else if (std::string actual = signatureText(fn); actual != *expected)
    diags.report(fn.name.range, DiagID::err_runtime_fn_signature,
                 {fn.symbol, expected->str(), actual});
}

void Sema::checkSymbols(const std::vector<Module *> &modules) {
  auto displayName = [](const FnDecl &fn) {
    return fn.parent ? fn.parent->name.name + "::" + fn.name.name
                     : fn.name.name;
  };
  std::map<std::string, FnDecl *> bySymbol;
  auto add = [&](FnDecl &fn) {
    checkRuntimeSymbol(fn);
    auto [it, inserted] = bySymbol.emplace(fn.symbol, &fn);
    if (inserted)
      return;
    const FnDecl &first = *it->second;
    // The same name in the same scope is a redefinition, reported already.
    if (first.module == fn.module && first.parent == fn.parent &&
        first.name.name == fn.name.name)
      return;
    diags.report(fn.name.range, DiagID::err_symbol_clash,
                 {fn.symbol, displayName(fn)});
    diags.note(first.name.range, DiagID::note_symbol_defined_here,
               {displayName(first), fn.symbol});
  };
  for (Module *m : modules) {
    // Generic functions have no symbol of their own; their instances do.
    for (auto &d : m->decls)
      if (auto *fn = llvm::dyn_cast<FnDecl>(d.get());
          fn && fn->genericParams.empty())
        add(*fn);
    // Nor do generic methods, and unused methods of instances are not made.
    for (auto &fn : m->instances)
      if (fn->genericParams.empty() && !fn->unused)
        add(*fn);
    for (ImplBlock &impl : m->impls)
      for (auto &fn : impl.genericParams.empty() ? impl.fns : noFns)
        if (fn->genericParams.empty())
          add(*fn);
  }
}

} // namespace nlc
