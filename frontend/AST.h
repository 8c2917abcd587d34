//===- AST.h - Neuro-Lang abstract syntax tree ------------------*- C++ -*-===//
//
// The parser builds this tree; Sema annotates it in place (types, resolved
// declarations, constant values); MLIRGen reads it. Nodes own their children
// through unique_ptr. Fields below a "Set by Sema" comment are empty until
// Sema has run. LLVM-style RTTI (isa/cast/dyn_cast) works on every node.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_AST_H
#define NLC_FRONTEND_AST_H

#include "frontend/Builtins.h"
#include "frontend/SourceManager.h"
#include "frontend/Types.h"

#include "llvm/Support/Casting.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nlc {

struct Decl;
struct FnDecl;
struct Module;
struct VarDecl;

/// An identifier with its location.
struct Ident {
  std::string name;
  SourceRange range;
};

/// `@name` or `@name(args...)` on a declaration. Arguments stay tokens'
/// text: each attribute gives them its own meaning.
struct Attribute {
  Ident name;
  std::vector<std::string> args;
};

//===----------------------------------------------------------------------===//
// Type expressions (syntax)
//===----------------------------------------------------------------------===//

struct Expr;

struct TypeExpr;

/// How a parameter is passed: by value (a copy), or by a shared (`&T`) or
/// exclusive (`&mut T`) reference to the caller's value.
enum class RefKind { None, Shared, Mut };

/// One `<...>` argument of a named type: a type, or a constant expression
/// (`Tile<128, 64, f16>` has two expressions and one type). A bare name is
/// parsed as a type; Sema decides what it denotes.
struct GenericArg {
  std::unique_ptr<TypeExpr> type;
  std::unique_ptr<Expr> value;
};

/// A type as written: a (possibly qualified) name with optional generic
/// arguments, an array type `[T; N]`, or a reference `&T` / `&mut T`
/// (allowed only as a parameter type; `element` is `T`).
struct TypeExpr {
  enum class Kind { Named, Array, Ref };
  Kind kind = Kind::Named;
  SourceRange range;
  /// Named: `a::b::T` is {a, b, T}.
  std::vector<Ident> path;
  /// Named: `<...>` arguments.
  std::vector<GenericArg> genericArgs;
  /// Array: element type and size expression. Ref: the referenced type.
  std::unique_ptr<TypeExpr> element;
  /// Ref: `&mut T` rather than `&T`.
  bool refMut = false;
  std::unique_ptr<Expr> size;
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// A compile-time value computed by Sema for constants and literals.
struct ConstValue {
  enum class Kind { None, Int, Float, Bool } kind = Kind::None;
  /// Integers are held as their two's complement bits in the value's type.
  uint64_t intBits = 0;
  double floatValue = 0;
  bool boolValue = false;
};

struct Expr {
  enum class Kind {
    IntLit,
    FloatLit,
    BoolLit,
    StrLit,
    Name,
    Unary,
    Binary,
    Call,
    Field,
    Index,
    Cast,
    ArrayLit,
    ArrayRepeat,
    StructLit,
    Match,
    Try,
  };
  Expr(Kind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Expr() = default;
  Kind getKind() const { return kind; }

  const Kind kind;
  SourceRange range;
  // Set by Sema.
  const Type *type = nullptr;
  /// Set for constant expressions (literals, consts and folds of them).
  ConstValue constValue;
};

struct IntLitExpr : Expr {
  IntLitExpr(SourceRange r, std::string text)
      : Expr(Kind::IntLit, r), text(std::move(text)) {}
  std::string text;
  static bool classof(const Expr *e) { return e->kind == Kind::IntLit; }
};

struct FloatLitExpr : Expr {
  FloatLitExpr(SourceRange r, std::string text)
      : Expr(Kind::FloatLit, r), text(std::move(text)) {}
  std::string text;
  static bool classof(const Expr *e) { return e->kind == Kind::FloatLit; }
};

struct BoolLitExpr : Expr {
  BoolLitExpr(SourceRange r, bool v) : Expr(Kind::BoolLit, r), value(v) {}
  bool value;
  static bool classof(const Expr *e) { return e->kind == Kind::BoolLit; }
};

struct StrLitExpr : Expr {
  StrLitExpr(SourceRange r, std::string v)
      : Expr(Kind::StrLit, r), value(std::move(v)) {}
  /// The decoded bytes (escapes resolved).
  std::string value;
  static bool classof(const Expr *e) { return e->kind == Kind::StrLit; }
};

/// A reference by (possibly qualified) name: `x`, `math::pi`, `Point::new`.
struct NameExpr : Expr {
  NameExpr(SourceRange r, std::vector<Ident> path)
      : Expr(Kind::Name, r), path(std::move(path)) {}
  std::vector<Ident> path;
  /// `f::<128, 64>`: values for a function's `const` parameters.
  std::vector<std::unique_ptr<Expr>> genericArgs;
  // Set by Sema: exactly one of these is set for a value reference.
  VarDecl *var = nullptr;
  Decl *decl = nullptr;
  /// A variant without payload (`Shape::Empty`): its index in the enum.
  int variant = -1;
  static bool classof(const Expr *e) { return e->kind == Kind::Name; }
};

/// `Borrow` and `BorrowMut` are `&x` and `&mut x`, allowed only as the
/// argument of a reference parameter.
enum class UnaryOp { Neg, Not, BitNot, Borrow, BorrowMut };
enum class BinaryOp {
  Add, Sub, Mul, Div, Rem,
  BitAnd, BitOr, BitXor, Shl, Shr,
  Eq, Ne, Lt, Le, Gt, Ge,
  LogicalAnd, LogicalOr,
};
const char *getSpelling(UnaryOp op);
const char *getSpelling(BinaryOp op);

struct UnaryExpr : Expr {
  UnaryExpr(SourceRange r, UnaryOp op, std::unique_ptr<Expr> operand)
      : Expr(Kind::Unary, r), op(op), operand(std::move(operand)) {}
  UnaryOp op;
  std::unique_ptr<Expr> operand;
  static bool classof(const Expr *e) { return e->kind == Kind::Unary; }
};

struct BinaryExpr : Expr {
  BinaryExpr(SourceRange r, BinaryOp op, SourceRange opRange,
             std::unique_ptr<Expr> lhs, std::unique_ptr<Expr> rhs)
      : Expr(Kind::Binary, r), op(op), opRange(opRange), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  BinaryOp op;
  SourceRange opRange;
  std::unique_ptr<Expr> lhs, rhs;
  /// Set by the ownership check for operators on strings: `String`
  /// temporaries among the operands, freed once the operator has run.
  std::vector<Expr *> temporaries;
  static bool classof(const Expr *e) { return e->kind == Kind::Binary; }
};

/// One call argument, optionally named (`device=gpu`).
struct CallArg {
  std::optional<Ident> name;
  std::unique_ptr<Expr> value;
};

/// How a call to a `@kernel` function runs (docs/Kernels.md).
enum class Launch {
  /// A plain call (from another kernel).
  None,
  /// Tile-map form, map rule: instance (i, j) gets tile (i, j) of each view.
  Map,
  /// Tile-map form, contraction rule: the sum over k of dot(P(i,k), Q(k,j)).
  Contraction,
  /// Explicit form: `kernel(args, grid=[...])`.
  Grid,
};

/// `callee(args)`. A method call `v.f(x)` is a Call whose callee is a Field
/// expression; Sema resolves it and records the receiver.
struct CallExpr : Expr {
  CallExpr(SourceRange r, std::unique_ptr<Expr> callee,
           std::vector<CallArg> args)
      : Expr(Kind::Call, r), callee(std::move(callee)), args(std::move(args)) {}
  std::unique_ptr<Expr> callee;
  std::vector<CallArg> args;
  // Set by Sema.
  FnDecl *fn = nullptr;
  Builtin builtin = Builtin::None;
  /// For method calls: the receiver expression (owned by the callee Field).
  Expr *receiver = nullptr;
  /// Arguments in parameter order (named arguments sorted into place);
  /// excludes the receiver.
  std::vector<Expr *> orderedArgs;
  /// Kernel calls: how the kernel runs, the `grid=` sizes (Grid), and the
  /// parameter indices of the dot operands (Contraction).
  Launch launch = Launch::None;
  Expr *grid = nullptr;
  unsigned dotLhs = 0, dotRhs = 0;
  /// Set by Sema when an argument may write through a `&mut` (it calls a
  /// function that takes one): arrays passed by value are then copied
  /// before the later arguments run.
  bool copyArgs = false;
  /// `Tensor::alloc`: the element type argument.
  const Type *elementArg = nullptr;
  /// `load`: the `pad=` and `mask=` arguments, if given.
  Expr *pad = nullptr;
  Expr *mask = nullptr;
  /// Set by the ownership check: tensor temporaries inside this call that
  /// nothing owns, freed right after it returns (docs/LangRef.md, section 22).
  std::vector<Expr *> temporaries;
  /// `Shape::Circle(r)`: the variant's index in the enum (the call's type);
  /// orderedArgs are its payload.
  int variant = -1;
  static bool classof(const Expr *e) { return e->kind == Kind::Call; }
};

struct FieldExpr : Expr {
  FieldExpr(SourceRange r, std::unique_ptr<Expr> base, Ident field)
      : Expr(Kind::Field, r), base(std::move(base)), field(std::move(field)) {}
  std::unique_ptr<Expr> base;
  Ident field;
  /// `x.m::<f32>`: explicit type arguments of a generic method.
  std::vector<std::unique_ptr<Expr>> genericArgs;
  // Set by Sema.
  unsigned fieldIndex = 0;
  static bool classof(const Expr *e) { return e->kind == Kind::Field; }
};

struct IndexExpr : Expr {
  IndexExpr(SourceRange r, std::unique_ptr<Expr> base,
            std::unique_ptr<Expr> index)
      : Expr(Kind::Index, r), base(std::move(base)), index(std::move(index)) {}
  std::unique_ptr<Expr> base;
  std::unique_ptr<Expr> index;
  /// Set by the ownership check when indexing a string: `String`
  /// temporaries of the base and index, freed after the byte is read.
  std::vector<Expr *> temporaries;
  static bool classof(const Expr *e) { return e->kind == Kind::Index; }
};

struct CastExpr : Expr {
  CastExpr(SourceRange r, std::unique_ptr<Expr> operand,
           std::unique_ptr<TypeExpr> target)
      : Expr(Kind::Cast, r), operand(std::move(operand)),
        target(std::move(target)) {}
  std::unique_ptr<Expr> operand;
  std::unique_ptr<TypeExpr> target;
  static bool classof(const Expr *e) { return e->kind == Kind::Cast; }
};

struct ArrayLitExpr : Expr {
  ArrayLitExpr(SourceRange r, std::vector<std::unique_ptr<Expr>> elements)
      : Expr(Kind::ArrayLit, r), elements(std::move(elements)) {}
  std::vector<std::unique_ptr<Expr>> elements;
  static bool classof(const Expr *e) { return e->kind == Kind::ArrayLit; }
};

/// `[value; count]`.
struct ArrayRepeatExpr : Expr {
  ArrayRepeatExpr(SourceRange r, std::unique_ptr<Expr> value,
                  std::unique_ptr<Expr> count)
      : Expr(Kind::ArrayRepeat, r), value(std::move(value)),
        count(std::move(count)) {}
  std::unique_ptr<Expr> value;
  std::unique_ptr<Expr> count;
  // Set by Sema.
  uint64_t countValue = 0;
  static bool classof(const Expr *e) { return e->kind == Kind::ArrayRepeat; }
};

struct FieldInit {
  Ident name;
  std::unique_ptr<Expr> value;
};

/// `Point { x: 1.0, y: 2.0 }`.
struct StructLitExpr : Expr {
  StructLitExpr(SourceRange r, std::unique_ptr<TypeExpr> typeName,
                std::vector<FieldInit> fields)
      : Expr(Kind::StructLit, r), typeName(std::move(typeName)),
        fields(std::move(fields)) {}
  std::unique_ptr<TypeExpr> typeName;
  std::vector<FieldInit> fields;
  // Set by Sema: initializers in declaration order of the struct's fields.
  std::vector<Expr *> orderedFields;
  /// As CallExpr::copyArgs, for the field values.
  bool copyFields = false;
  static bool classof(const Expr *e) { return e->kind == Kind::StructLit; }
};

struct VarDecl;
struct BlockStmt;

/// The pattern of a `match` arm: `_`, a variant with one binding (or `_`)
/// per payload value, or an integer or bool literal.
struct Pattern {
  enum class Kind { Wildcard, Variant, Literal };
  Kind kind = Kind::Wildcard;
  SourceRange range;
  /// Variant: the (possibly qualified) path `geo::Shape::Circle`.
  std::vector<Ident> path;
  /// Variant: one immutable local per payload value (named `_` to ignore).
  std::vector<std::unique_ptr<VarDecl>> vars;
  /// Literal: the literal (an IntLit, a negated IntLit or a BoolLit).
  std::unique_ptr<Expr> literal;
  // Set by Sema.
  unsigned variant = 0;
};

struct MatchArm {
  Pattern pattern;
  /// The arm's body: an expression or, in a `match` statement, a block.
  std::unique_ptr<Expr> value;
  std::unique_ptr<BlockStmt> block;
  /// Set by the ownership check: tensor temporaries of `value` freed after
  /// it, and tensors moved on another arm only, freed when this one ends.
  std::vector<Expr *> temporaries;
  std::vector<const VarDecl *> drops;
};

/// `match scrutinee { pattern => body, ... }`.
struct MatchExpr : Expr {
  MatchExpr(SourceRange r, std::unique_ptr<Expr> scrutinee)
      : Expr(Kind::Match, r), scrutinee(std::move(scrutinee)) {}
  std::unique_ptr<Expr> scrutinee;
  std::vector<MatchArm> arms;
  /// A `match` that starts a statement: arms may be blocks, its value is
  /// discarded.
  bool isStmt = false;
  // Set by Sema: a statement whose every arm returns (or panics, breaks...).
  bool diverges = false;
  /// Set by the ownership check: the `match` took an owned scrutinee; each
  /// arm frees the payloads of it that it does not bind (LangRef 27).
  bool ownsScrutinee = false;
  static bool classof(const Expr *e) { return e->kind == Kind::Match; }
};

/// `operand?` on an `Option` or a `Result`: the `Some` / `Ok` payload, or
/// an early return of `None` / `Err(e)` from the function.
struct TryExpr : Expr {
  TryExpr(SourceRange r, std::unique_ptr<Expr> operand)
      : Expr(Kind::Try, r), operand(std::move(operand)) {}
  std::unique_ptr<Expr> operand;
  // Set by Sema: the variant of the operand that yields its payload, the
  // one that returns, and the variant of the function's result returned.
  unsigned okVariant = 0, failVariant = 0, resultVariant = 0;
  /// Set by the ownership check: tensors freed on the early return.
  std::vector<const VarDecl *> drops;
  static bool classof(const Expr *e) { return e->kind == Kind::Try; }
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

/// A local variable, a parameter or a `for` induction variable.
struct VarDecl {
  Ident name;
  bool isMutable = false;
  /// Parameters only: passed by reference (`p: &T`, `&mut self`).
  RefKind ref = RefKind::None;
  std::unique_ptr<TypeExpr> typeExpr;
  // Set by Sema.
  const Type *type = nullptr;
  bool used = false;
};

struct Stmt {
  enum class Kind {
    Let,
    Expr,
    Assign,
    Block,
    If,
    While,
    For,
    Break,
    Continue,
    Return,
  };
  Stmt(Kind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  const Kind kind;
  SourceRange range;
};

/// `let x: T = e;` or `var x = e;`.
struct LetStmt : Stmt {
  LetStmt(SourceRange r, std::unique_ptr<VarDecl> var,
          std::unique_ptr<Expr> init)
      : Stmt(Kind::Let, r), var(std::move(var)), init(std::move(init)) {}
  std::unique_ptr<VarDecl> var;
  std::unique_ptr<Expr> init;
  static bool classof(const Stmt *s) { return s->kind == Kind::Let; }
};

struct ExprStmt : Stmt {
  ExprStmt(SourceRange r, std::unique_ptr<Expr> e)
      : Stmt(Kind::Expr, r), expr(std::move(e)) {}
  std::unique_ptr<Expr> expr;
  /// Set by the ownership check: tensor temporaries that no call inside the
  /// statement frees (its own value, or one a view of it is made from),
  /// freed after the statement.
  std::vector<Expr *> temporaries;
  static bool classof(const Stmt *s) { return s->kind == Kind::Expr; }
};

/// `target = value` or a compound assignment `target op= value`.
struct AssignStmt : Stmt {
  AssignStmt(SourceRange r, std::optional<BinaryOp> op,
             std::unique_ptr<Expr> target, std::unique_ptr<Expr> value)
      : Stmt(Kind::Assign, r), op(op), target(std::move(target)),
        value(std::move(value)) {}
  std::optional<BinaryOp> op;
  std::unique_ptr<Expr> target;
  std::unique_ptr<Expr> value;
  /// Set by the ownership check: the tensor variable assigned still owns
  /// its old value, freed once the new value is computed.
  bool dropOld = false;
  static bool classof(const Stmt *s) { return s->kind == Kind::Assign; }
};

struct BlockStmt : Stmt {
  BlockStmt(SourceRange r, std::vector<std::unique_ptr<Stmt>> body)
      : Stmt(Kind::Block, r), body(std::move(body)) {}
  std::vector<std::unique_ptr<Stmt>> body;
  /// Set by the ownership check: tensor variables freed when control falls
  /// off the end of the block, last declared first.
  std::vector<const VarDecl *> drops;
  static bool classof(const Stmt *s) { return s->kind == Kind::Block; }
};

struct IfStmt : Stmt {
  IfStmt(SourceRange r, std::unique_ptr<Expr> cond,
         std::unique_ptr<BlockStmt> thenBlock, std::unique_ptr<Stmt> elseStmt)
      : Stmt(Kind::If, r), cond(std::move(cond)),
        thenBlock(std::move(thenBlock)), elseStmt(std::move(elseStmt)) {}
  std::unique_ptr<Expr> cond;
  std::unique_ptr<BlockStmt> thenBlock;
  /// A BlockStmt, an IfStmt (`else if`), or null.
  std::unique_ptr<Stmt> elseStmt;
  /// Set by the ownership check: tensors moved on the other branch only,
  /// freed where this branch falls through to the code after the `if`.
  std::vector<const VarDecl *> thenDrops, elseDrops;
  static bool classof(const Stmt *s) { return s->kind == Kind::If; }
};

struct WhileStmt : Stmt {
  WhileStmt(SourceRange r, std::unique_ptr<Expr> cond,
            std::unique_ptr<BlockStmt> body)
      : Stmt(Kind::While, r), cond(std::move(cond)), body(std::move(body)) {}
  std::unique_ptr<Expr> cond;
  std::unique_ptr<BlockStmt> body;
  /// Set by the ownership check: tensors moved before some `break` only,
  /// freed when the loop ends because its condition is false.
  std::vector<const VarDecl *> exitDrops;
  static bool classof(const Stmt *s) { return s->kind == Kind::While; }
};

/// `for i in start..end [step s] { body }`: i takes start, start+s, ...
/// while i < end (s > 0) or i > end (s < 0).
struct ForStmt : Stmt {
  ForStmt(SourceRange r, std::unique_ptr<VarDecl> var,
          std::unique_ptr<Expr> start, std::unique_ptr<Expr> end,
          std::unique_ptr<Expr> step, std::unique_ptr<BlockStmt> body)
      : Stmt(Kind::For, r), var(std::move(var)), start(std::move(start)),
        end(std::move(end)), step(std::move(step)), body(std::move(body)) {}
  std::unique_ptr<VarDecl> var;
  std::unique_ptr<Expr> start, end, step;
  std::unique_ptr<BlockStmt> body;
  /// As for `while`: freed when the loop runs out of values.
  std::vector<const VarDecl *> exitDrops;
  static bool classof(const Stmt *s) { return s->kind == Kind::For; }
};

struct BreakStmt : Stmt {
  explicit BreakStmt(SourceRange r) : Stmt(Kind::Break, r) {}
  /// Set by the ownership check: tensors freed before the jump.
  std::vector<const VarDecl *> drops;
  static bool classof(const Stmt *s) { return s->kind == Kind::Break; }
};

struct ContinueStmt : Stmt {
  explicit ContinueStmt(SourceRange r) : Stmt(Kind::Continue, r) {}
  /// Set by the ownership check: tensors freed before the jump.
  std::vector<const VarDecl *> drops;
  static bool classof(const Stmt *s) { return s->kind == Kind::Continue; }
};

struct ReturnStmt : Stmt {
  ReturnStmt(SourceRange r, std::unique_ptr<Expr> value)
      : Stmt(Kind::Return, r), value(std::move(value)) {}
  std::unique_ptr<Expr> value;
  /// Set by the ownership check: tensors freed after the value is computed.
  std::vector<const VarDecl *> drops;
  static bool classof(const Stmt *s) { return s->kind == Kind::Return; }
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

struct Decl {
  enum class Kind { Fn, Struct, Const, Import };
  Decl(Kind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Decl() = default;
  Kind getKind() const { return kind; }
  const Kind kind;
  SourceRange range;
  Ident name;
  std::vector<Attribute> attributes;
  /// The module that declares this.
  Module *module = nullptr;
};

/// `const NAME: T` in `fn f<const NAME: T>(...)`, or a type parameter
/// `T` / `T: Bound` (`isType`; `bound` is empty without one).
struct GenericParam {
  Ident name;
  std::unique_ptr<TypeExpr> typeExpr;
  bool isType = false;
  Ident bound;
};

struct FnDecl : Decl {
  explicit FnDecl(SourceRange r) : Decl(Kind::Fn, r) {}
  /// Generic parameters (`const` and type); a function that has them is a
  /// template, checked and generated once per set of arguments (its
  /// instances).
  std::vector<GenericParam> genericParams;
  /// Set for an instance: the value of each `const` parameter, by name.
  std::vector<std::pair<std::string, ConstValue>> genericValues;
  std::vector<const Type *> genericTypes;
  /// Set for an instance: the type of each type parameter, by name.
  std::vector<std::pair<std::string, const Type *>> typeArgs;
  /// Set for an instance: the bound of each of `typeArgs` ("" for none).
  std::vector<std::string> typeBounds;
  /// An instance of a template that has another instance: its unused
  /// variables were reported for the first one already.
  bool repeatInstance = false;
  /// A method of a generic type's instance that nothing calls yet: its body
  /// is checked and generated only once a call uses it (LangRef 28).
  bool unused = false;
  /// For a method of a generic type's instance: the `impl` function it
  /// was made from.
  const FnDecl *methodTemplate = nullptr;
  /// Parameters; for a method taking `self`, params[0] is `self`.
  std::vector<std::unique_ptr<VarDecl>> params;
  bool hasSelf = false;
  std::unique_ptr<TypeExpr> resultType;
  /// Null for `extern fn`.
  std::unique_ptr<BlockStmt> body;
  bool isExtern = false;
  /// The struct of an `impl` block this function belongs to, if any.
  StructDecl *parent = nullptr;
  /// Set by Sema from the `@kernel` attribute.
  bool isKernel = false;
  // Set by Sema.
  const Type *result = nullptr;
  /// The symbol name in the object file.
  std::string symbol;
  static bool classof(const Decl *d) { return d->kind == Kind::Fn; }
};

struct FieldDecl {
  Ident name;
  std::unique_ptr<TypeExpr> typeExpr;
  // Set by Sema.
  const Type *type = nullptr;
};

/// One variant of an enum: `Circle(f64)` or `Empty`.
struct VariantDecl {
  Ident name;
  std::vector<std::unique_ptr<TypeExpr>> payloadExprs;
  // Set by Sema.
  std::vector<const Type *> payload;
};

/// A struct, or an enum (`isEnum`, with variants instead of fields): both
/// are plain values with `impl` methods.
struct ImplBlock;

struct StructDecl : Decl {
  explicit StructDecl(SourceRange r) : Decl(Kind::Struct, r) {}
  std::vector<FieldDecl> fields;
  bool isEnum = false;
  std::vector<VariantDecl> variants;
  /// Type parameters (`struct Pair<A, B>`): a template, instantiated once
  /// per list of type arguments (`Pair<i32, f64>`).
  std::vector<GenericParam> genericParams;
  /// `impl<T> Pair<T> { ... }` blocks of a template (owned by the module).
  std::vector<ImplBlock *> genericImpls;
  /// Set for an instance: its template and the type of each parameter.
  StructDecl *genericTemplate = nullptr;
  std::vector<std::pair<std::string, const Type *>> typeArgs;
  /// Functions of `impl` blocks for this struct (owned by the module).
  std::vector<FnDecl *> methods;
  // Set by Sema.
  bool fieldsResolved = false;
  bool resolving = false;
  static bool classof(const Decl *d) { return d->kind == Kind::Struct; }
};

struct ConstDecl : Decl {
  explicit ConstDecl(SourceRange r) : Decl(Kind::Const, r) {}
  std::unique_ptr<TypeExpr> typeExpr;
  std::unique_ptr<Expr> init;
  // Set by Sema.
  const Type *type = nullptr;
  bool resolving = false;
  static bool classof(const Decl *d) { return d->kind == Kind::Const; }
};

/// `import a.b;` makes module `a/b.nl` visible as `b::...`.
struct ImportDecl : Decl {
  explicit ImportDecl(SourceRange r) : Decl(Kind::Import, r) {}
  std::vector<Ident> path;
  // Set by the module loader.
  Module *imported = nullptr;
  static bool classof(const Decl *d) { return d->kind == Kind::Import; }
};

/// `impl T { fns }`: kept as syntax until Sema attaches the functions.
struct ImplBlock {
  SourceRange range;
  /// `impl<T> Pair<T>`: the type parameters (a template of methods, made
  /// for each instance of the type).
  std::vector<GenericParam> genericParams;
  std::unique_ptr<TypeExpr> target;
  std::vector<std::unique_ptr<FnDecl>> fns;
};

/// One source file.
struct Module {
  std::string name;
  uint32_t file = 0;
  std::vector<std::unique_ptr<Decl>> decls;
  /// Instances of generic functions (and of the methods of generic types),
  /// made by Sema.
  std::vector<std::unique_ptr<FnDecl>> instances;
  /// The prelude (stdlib/prelude.nl), whose names every module sees.
  bool isPrelude = false;
  /// Instances of generic structs and enums, made by Sema.
  std::vector<std::unique_ptr<StructDecl>> typeInstances;
  std::vector<ImplBlock> impls;
};

/// Prints the tree in the indented form used by `--emit=ast`.
std::string dumpAST(const Module &module, const SourceManager &sm);

} // namespace nlc

#endif // NLC_FRONTEND_AST_H
