//===- Sema.h - Neuro-Lang semantic analysis --------------------*- C++ -*-===//
//
// Sema resolves names, assigns types, folds constants and checks every
// language rule, annotating the AST in place. After Sema succeeds the AST is
// fully typed and MLIRGen can translate it without checking anything.
//
// Literal typing is bidirectional: an integer or float literal takes the type
// its context expects (the declared type of a `let`, the other operand of a
// binary operator, a parameter type), else `i64` / `f64`.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_SEMA_H
#define NLC_FRONTEND_SEMA_H

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"

#include <map>
#include <set>

namespace nlc {

/// True if `e`, of type `t`, is the integer constant 0 (a divisor that
/// always panics).
bool isConstIntZero(const Expr &e, const Type *t);

/// The variable at the root of a place (`a`, `a.f`, `a[i].f`), or null if
/// the expression is not a place.
NameExpr *placeRoot(Expr &e);

/// Whether `t` may be given for type parameter `g` (its bound, if any:
/// `Float`, `Int` or `Numeric`).
bool satisfiesBound(const GenericParam &g, const Type *t);

/// Whether `t` is a `Vec` or holds one (in a field, an array element).
bool holdsVec(const Type *t);

/// Whether `bound` is empty or names a bound (`Float`, `Int`, `Numeric`,
/// `Eq`).
bool isKnownBound(const std::string &bound);

/// True for a literal, possibly negated: it takes the type of its context.
bool isLiteralLike(const Expr &e);

/// "1 argument", "2 arguments", "1 or 2 arguments".
std::string countArguments(size_t lo, size_t hi);
/// "1 was", "3 were".
std::string countGiven(size_t n);

class Sema {
public:
  Sema(SourceManager &sm, DiagnosticEngine &diags, TypeContext &types)
      : sm(sm), diags(diags), types(types) {}

  /// Checks all modules (imported modules before their importers; the last
  /// one is the root, which must define `main` unless it is a library).
  /// Returns false on errors.
  bool run(const std::vector<Module *> &modules, bool library = false);

private:
  // Declarations (SemaDecl.cpp).
  void collectDecls(Module &m);
  void attachImpls(Module &m);
  /// Records `impl<T> S<T> { ... }` on generic `s` (SemaDecl.cpp).
  void attachGenericImpl(ImplBlock &impl, StructDecl &s);
  void resolveStruct(StructDecl &s);
  /// The payload types of an enum's variants (SemaMatch.cpp).
  void resolveVariants(StructDecl &e);
  void resolveSignature(FnDecl &fn);
  void checkAttributes(Decl &d);
  void resolveConst(ConstDecl &c);
  void checkMain(Module &root);
  /// Reports functions whose object symbols clash (`@export` and `extern`
  /// names, `nl_main`), which name lookup cannot see.
  void checkSymbols(const std::vector<Module *> &modules);
  /// Reports an `extern fn` or `@export fn` that clashes with a function of
  /// the runtime (RuntimeFunctions.def).
  void checkRuntimeSymbol(FnDecl &fn);
  const Type *resolveType(const TypeExpr &t, Module &m);
  /// The array type `[elem; size]`, or an error (reported at `r`) when such
  /// arrays are not supported.
  const Type *makeArray(const Type *elem, uint64_t size, SourceRange r);
  /// Looks a name up in a module's top-level scope (not in its imports).
  Decl *lookupTop(Module &m, const std::string &name);
  /// Resolves `path` (all but possibly the last segment) to a module or a
  /// struct for qualified names. Returns false after reporting an error.
  Module *lookupModuleAlias(Module &m, const std::string &name);
  StructDecl *resolveStructPath(const std::vector<Ident> &path, size_t count,
                                Module &m, bool report);

  // Tiles, tensors and kernels (SemaTile.cpp).
  const Type *resolveBuiltinGeneric(const TypeExpr &t, Module &m);
  const Type *genericTypeArg(const GenericArg &a, Module &m);
  const Type *checkTileOperands(SourceRange opRange, const Type *lt,
                                const Type *rt);
  const Type *checkDot(CallExpr &e, const Type *a, const Type *b,
                       const Type *acc);
  const Type *checkKernelBuiltin(CallExpr &e, Builtin b, const Type *expected,
                                 const char *name);
  const Type *checkReduce(CallExpr &e, Builtin b, const Type *t);
  /// load/store: the view holds the tile's element type and rank, and the
  /// second argument lists one tile index per view dimension. Reports at
  /// `at` when the types do not fit.
  bool checkTileAccess(CallExpr &e, const char *name, const Type *view,
                       const Type *tile, const Expr &at);
  const Type *checkTensorAlloc(CallExpr &e);
  /// Methods of tensors and views; null if `method` is not one.
  const Type *checkTensorMethod(CallExpr &e, const Type *recv,
                                const std::string &method);
  void checkKernelSignature(FnDecl &fn);
  /// The instance of generic function or method `tmpl` for the `::<...>`
  /// arguments `genericArgs` written at `at` (made, checked and cached on
  /// first use); null after an error. Type parameters without `::<...>`
  /// are inferred from the arguments of `call` (docs/LangRef.md, 28).
  FnDecl *instantiate(FnDecl &tmpl,
                      std::vector<std::unique_ptr<Expr>> &genericArgs,
                      SourceRange at, CallExpr *call);
  /// `Type::method` for a method (`module::Type::method` outside its
  /// module), else the function's name: how notes name an instance.
  std::string instanceName(const FnDecl &fn) const;
  /// Marks method `m` of a generic type's instance used by a call at `at`:
  /// its body is checked (once) with the other pending methods.
  void useMethod(FnDecl &m, SourceRange at);
  /// Checks, keeping only the errors that do not depend on type arguments,
  /// the methods of generic `impl`s that no instance uses.
  void checkUnusedMethods(const std::vector<Module *> &modules);
  /// Binds the type parameters of `tmpl` from the types of the arguments
  /// of `call`; false after an error.
  bool inferTypeArgs(FnDecl &tmpl, CallExpr &call,
                     std::map<std::string, const Type *> &out);
  /// Binds `params` (named `what` in messages) from values and the types
  /// their places declare; reports at `at` a parameter left unbound.
  bool inferFromPairs(
      const std::string &what, const std::vector<GenericParam> &params,
      const std::vector<std::pair<Expr *, const TypeExpr *>> &pairs,
      SourceRange at, std::map<std::string, const Type *> &out);
  bool unifyTypeArg(const std::string &what, const TypeExpr &pt,
                    const Type *at, const Expr &arg,
                    std::map<std::string, const Type *> &out);
  /// The instance of generic struct or enum `tmpl` for `args` (made on
  /// first use, with its methods), or an error type.
  const Type *instantiateType(StructDecl &tmpl,
                              const std::vector<const Type *> &args,
                              SourceRange at);
  /// `expected` if it is an instance of `tmpl`, else the instance whose
  /// type arguments the `pairs` (values and their declared types) give;
  /// null after an error.
  StructDecl *genericInstanceFor(
      StructDecl &tmpl, const Type *expected,
      const std::vector<std::pair<Expr *, const TypeExpr *>> &pairs,
      SourceRange at);
  /// Checks the bodies of methods of generic type instances used so far.
  void checkPendingMethods();
  /// Checks `fn`'s body outside the function being checked.
  void checkAside(FnDecl &fn);
  /// The type given for type parameter `name` of the function being
  /// checked, or null.
  const Type *genericTypeParam(const std::string &name) const;
  /// The type an explicit generic argument `f::<f32>` names for type
  /// parameter `g`, or null after an error.
  const Type *typeFromExpr(Expr &arg, const GenericParam &g);
  /// The value of generic parameter `name` in the function being checked.
  const std::pair<std::string, ConstValue> *genericValue(
      const std::string &name, const Type **type = nullptr) const;
  const Type *checkKernelCall(CallExpr &e, FnDecl &fn);
  /// The contraction rule of a tile-map call of `fn`: sets `lhs`/`rhs` to
  /// the parameters its one `dot` contracts (-1 when it has none). Reports
  /// every `dot` that could be read two ways and returns false.
  bool checkTileMapContraction(CallExpr &e, FnDecl &fn, int &lhs, int &rhs);
  /// Reports kernels that call themselves, directly or not.
  void checkKernelRecursion();
  bool inKernel() const { return currentFn && currentFn->isKernel; }

  // Strings (SemaString.cpp).
  /// Checks an argument that must be a `str` or `String` (or `&` of one).
  bool checkTextArg(Expr &arg, const std::string &name);
  /// `Result<value, ParseError>` of the prelude, or an error.
  const Type *parseResultType(CallExpr &e, const Type *value);
  /// `String::new`, `String::from`, `to_string`, `parse_i64`, `parse_f64`.
  const Type *checkStringBuiltin(CallExpr &e, Builtin b,
                                 const std::string &name);
  /// Method `b` of a `str` or `String` receiver of type `recv`, given the
  /// right number of arguments.
  const Type *checkStringMethod(CallExpr &e, const Type *recv, Builtin b,
                                const std::string &method);
  /// A binary operator with a `str` or `String` operand.
  const Type *checkStringBinary(BinaryExpr &e, const Type *lt, const Type *rt);

  /// The `sys::` builtins (SemaSys.cpp): files, environment, exit.
  const Type *checkSysBuiltin(CallExpr &e, Builtin b, const std::string &name);
  const Type *checkBitsBuiltin(CallExpr &e, Builtin b, const std::string &name);

  // Collections (SemaCollections.cpp): `Vec<T>` and `hash`.
  /// `Vec<T>`: T must live in plain memory.
  const Type *resolveVecType(const TypeExpr &t, Module &m);
  /// `Vec::new()` / `Vec::with_capacity(n)`: the element type comes from
  /// `expected`.
  const Type *checkVecNew(CallExpr &e, Builtin b, const Type *expected);
  /// `v.push(x)`, `v.len()`...: the methods of `Vec<T>`.
  const Type *checkVecMethod(CallExpr &e, const Ident &method,
                             const Type *recv);
  /// `hash(x)`: integers, `bool` and `str`.
  const Type *checkHash(CallExpr &e);

  // Enums and `match` (SemaMatch.cpp).
  /// The index of variant `name` of enum `e`, or -1.
  static int lookupVariant(const StructDecl &e, const std::string &name);
  /// `Shape::Empty` (a NameExpr) or `Shape::Circle(..)` (a CallExpr whose
  /// orderedArgs become the payload): the enum's type, or an error.
  const Type *checkVariant(Expr &e, StructDecl &en, unsigned variant,
                           const Type *expected);
  const Type *checkMatch(MatchExpr &e, const Type *expected);
  /// In an instance, reports `op` applied to a variable declared with a
  /// type parameter whose bound does not allow it (SemaGeneric.cpp).
  bool checkGenericOperand(const Expr &operand, const char *op, bool bitwise);
  /// `e?` (SemaGeneric.cpp): the prelude's Option and Result.
  const Type *checkTry(TryExpr &e);
  /// Resolves the pattern of `arm` against the scrutinee type `st`; false
  /// after an error.
  bool checkPattern(MatchArm &arm, const Type *st);
  /// Checks the body of `arm` with its bindings in scope; returns whether
  /// it never completes. Sets `result` from the first value arm.
  bool checkArm(MatchExpr &e, MatchArm &arm, const Type *&result);

  // Ownership of tensors (SemaOwnership.cpp).
  /// Checks moves and borrows of tensors in the host function `fn` and
  /// records in its AST where each tensor is freed.
  void checkOwnership(FnDecl &fn);

  // References (SemaRef.cpp).
  /// Resolves the type of parameter `p` of `fn`; `&T` and `&mut T` set
  /// `p.ref` and give `p` the type `T`.
  void resolveParamType(FnDecl &fn, VarDecl &p);
  /// Checks argument `arg` of `param`: a value, a borrow `&x` / `&mut x`,
  /// or a reference parameter passed on.
  const Type *checkArg(Expr &arg, const VarDecl &param, const FnDecl &fn);
  /// `&mut x` needs a place rooted in a `var` or a `&mut` parameter.
  bool checkMutPlace(Expr &place);
  /// A `&mut self` method borrows its receiver: the same rule.
  bool checkMutReceiver(CallExpr &e, const FnDecl &method);
  /// The rule for the receiver of a method named `method` that changes it.
  bool checkMutReceiver(Expr &receiver, const std::string &method);
  /// Reports an argument that overlaps a `&mut` borrow of the same call.
  void checkBorrowConflicts(CallExpr &e);

  // Functions and statements (SemaStmt.cpp).
  void checkFunction(FnDecl &fn);
  /// Returns true if control never falls off the end of `s`.
  bool checkStmt(Stmt &s);
  bool checkBlock(BlockStmt &b, bool newScope = true);
  void checkAssign(AssignStmt &s);
  void pushScope();
  void popScope();
  void declareLocal(VarDecl &v);

  // Expressions (SemaExpr.cpp).
  const Type *check(Expr &e, const Type *expected = nullptr);
  const Type *checkValue(Expr &e, const Type *expected = nullptr);
  /// Types an integer literal; `negation` is the `-` applied to it, if any
  /// (`-128` fits in `i8`, `128` does not).
  const Type *checkIntLit(IntLitExpr &e, const Type *expected,
                          const UnaryExpr *negation);
  const Type *checkName(NameExpr &e, const Type *expected = nullptr);
  const Type *checkUnary(UnaryExpr &e, const Type *expected);
  const Type *checkBinary(BinaryExpr &e, const Type *expected);
  const Type *checkCall(CallExpr &e, const Type *expected);
  const Type *checkBuiltinCall(CallExpr &e, Builtin b, const Type *expected);
  /// Whether a builtin of this use may be called in the current function;
  /// if not, reports that `spelled` is host-only or kernel-only.
  bool checkBuiltinUse(CallExpr &e, BuiltinUse use, const std::string &spelled);
  const Type *checkField(FieldExpr &e);
  const Type *checkIndex(IndexExpr &e);
  const Type *checkCast(CastExpr &e);
  const Type *checkArrayLit(ArrayLitExpr &e, const Type *expected);
  const Type *checkArrayRepeat(ArrayRepeatExpr &e, const Type *expected);
  const Type *checkStructLit(StructLitExpr &e, const Type *expected = nullptr);
  bool matchArgs(CallExpr &e, FnDecl &fn, unsigned firstParam);
  /// Reports a mismatch unless `found` is `expected` (or either is error).
  bool expectType(const Expr &e, const Type *expected, const Type *found);
  /// Evaluates a constant non-negative integer (array sizes, repeats).
  bool evalConstIndex(Expr &e, uint64_t &out);
  void reportUndeclared(const Ident &id, bool isType);
  /// Reports why the qualified name `path` (spanning `range`) names nothing:
  /// its segment `i` is not a module of `scope`.
  void reportBadPath(const std::vector<Ident> &path, size_t i, Module &scope,
                     SourceRange range);
  /// The innermost local variable named `name`, or null.
  VarDecl *lookupLocal(const std::string &name) const;
  std::vector<std::string> visibleNames() const;

  SourceManager &sm;
  DiagnosticEngine &diags;
  TypeContext &types;
  /// The function whose generic parameter values are in scope.
  const FnDecl *genericScope = nullptr;
  std::map<std::string, FnDecl *> instances;
  std::map<std::pair<StructDecl *, std::vector<const Type *>>, StructDecl *>
      typeInstances;
  /// Generic functions and methods with an instance (for repeatInstance).
  std::set<const FnDecl *> instantiated;
  /// Methods of generic type instances whose bodies are not checked yet.
  std::vector<FnDecl *> pendingMethods;
  /// `impl` functions of generic types with a used instance method.
  std::set<const FnDecl *> usedMethodTemplates;
  /// Set while checkUnusedMethods checks a body: calls do not use methods.
  bool probingUnused = false;
  /// The first use of each used method of a generic type's instance, and
  /// the instance's name as the user spells it, for notes.
  std::map<const FnDecl *, std::pair<SourceRange, std::string>> methodUses;
  /// The type arguments of the generic struct being resolved.
  const std::vector<std::pair<std::string, const Type *>> *typeScope = nullptr;
  /// Calls from one kernel to another, for checkKernelRecursion.
  struct KernelCall {
    const FnDecl *caller, *callee;
    SourceRange range;
  };
  std::vector<KernelCall> kernelCalls;
  /// Top-level names of each module.
  std::map<Module *, std::map<std::string, Decl *>> topLevel;
  Module *currentModule = nullptr;
  FnDecl *currentFn = nullptr;
  std::vector<std::vector<VarDecl *>> scopes;
  struct LoopInfo {
    bool sawBreak = false;
  };
  std::vector<LoopInfo> loops;
  /// How many `&mut` borrows were checked so far (a call whose arguments
  /// add one may see them write: CallExpr::copyArgs).
  unsigned mutBorrows = 0;

  /// The prelude module, if loaded: lookupTop falls back to it.
  Module *prelude = nullptr;
  /// Non-zero where `?` cannot return early (operands of `&&` and `||`,
  /// arms of a `match` value: structured regions).
  unsigned noEarlyExit = 0;
  struct NoEarlyExit {
    unsigned &depth;
    bool on;
    NoEarlyExit(unsigned &d, bool on) : depth(d), on(on) { depth += on; }
    ~NoEarlyExit() { depth -= on; }
  };
  /// How many structs and constants are being resolved inside one another.
  unsigned resolveDepth = 0;
  /// Instances of generic functions being checked, one inside the other.
  unsigned instanceDepth = 0;
  bool instanceTooDeep = false;
  struct ResolveScope {
    unsigned &depth;
    explicit ResolveScope(unsigned &d) : depth(d) { ++depth; }
    ~ResolveScope() { --depth; }
  };
};

} // namespace nlc

#endif // NLC_FRONTEND_SEMA_H
