//===- SemaExpr.cpp - Expressions -----------------------------------------===//
//
// Type checking of expressions, literal typing, constant folding, calls
// (user functions, methods, named arguments and builtins) and the
// "did you mean" suggestions for undeclared names.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/ErrorHandling.h"

#include <cmath>
#include <cstdlib>

namespace nlc {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

bool isLiteralLike(const Expr &e) {
  if (llvm::isa<IntLitExpr>(e) || llvm::isa<FloatLitExpr>(e))
    return true;
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&e))
    return u->op == UnaryOp::Neg && isLiteralLike(*u->operand);
  if (auto *b = llvm::dyn_cast<BinaryExpr>(&e))
    return isLiteralLike(*b->lhs) && isLiteralLike(*b->rhs);
  return false;
}

/// Sign-extends the low `width` bits.
static int64_t signExtend(uint64_t bits, unsigned width) {
  if (width >= 64)
    return static_cast<int64_t>(bits);
  uint64_t m = 1ULL << (width - 1);
  bits &= (1ULL << width) - 1;
  return static_cast<int64_t>((bits ^ m) - m);
}

static uint64_t truncBits(uint64_t bits, unsigned width) {
  return width >= 64 ? bits : bits & ((1ULL << width) - 1);
}

/// Rounds `v` to the precision of float type `t` (ties to even), so that
/// constant folding gives what the same operation gives at run time.
static double roundToType(double v, const Type *t) {
  const llvm::fltSemantics *sem;
  switch (t->getFloatKind()) {
  case Type::FloatKind::F64:
    return v;
  case Type::FloatKind::F32:
    sem = &llvm::APFloat::IEEEsingle();
    break;
  case Type::FloatKind::F16:
    sem = &llvm::APFloat::IEEEhalf();
    break;
  case Type::FloatKind::BF16:
    sem = &llvm::APFloat::BFloat();
    break;
  }
  llvm::APFloat f(v);
  bool lost = false;
  f.convert(*sem, llvm::APFloat::rmNearestTiesToEven, &lost);
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToDouble();
}

/// The value of a decimal float literal in type `t`, rounded once.
static double parseFloatIn(const std::string &digits, const Type *t) {
  double d = std::strtod(digits.c_str(), nullptr);
  if (t->getFloatKind() == Type::FloatKind::F64)
    return d;
  const llvm::fltSemantics &sem =
      t->getFloatKind() == Type::FloatKind::F32 ? llvm::APFloat::IEEEsingle()
      : t->getFloatKind() == Type::FloatKind::F16 ? llvm::APFloat::IEEEhalf()
                                                  : llvm::APFloat::BFloat();
  llvm::APFloat f(sem);
  auto status = f.convertFromString(digits, llvm::APFloat::rmNearestTiesToEven);
  if (!status) {
    // The lexer only accepts well-formed literals; stay safe regardless.
    llvm::consumeError(status.takeError());
    return roundToType(d, t);
  }
  bool lost = false;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToDouble();
}

static std::string constToString(const ConstValue &v, const Type *t) {
  if (v.kind == ConstValue::Kind::Int)
    return t->isSigned() ? std::to_string(signExtend(v.intBits, t->getIntWidth()))
                         : std::to_string(v.intBits);
  return "?";
}

bool Sema::expectType(const Expr &e, const Type *expected, const Type *found) {
  if (expected == found || expected->isError() || found->isError())
    return true;
  diags.report(e.range, DiagID::err_type_mismatch,
               {expected->str(), found->str()});
  return false;
}

std::vector<std::string> Sema::visibleNames() const {
  std::vector<std::string> names;
  for (const auto &scope : scopes)
    for (VarDecl *v : scope)
      names.push_back(v->name.name);
  auto it = topLevel.find(currentModule);
  if (it != topLevel.end())
    for (const auto &kv : it->second)
      names.push_back(kv.first);
  for (const char *b : {"print", "println", "assert", "panic", "sqrt", "abs",
                        "min", "max", "argc", "arg", "clock_ns"})
    names.push_back(b);
  return names;
}

static std::string closestName(const std::string &name,
                               const std::vector<std::string> &candidates) {
  std::string best;
  unsigned bestDist = ~0u;
  // Allow about one edit in three characters, and never a full rewrite.
  unsigned limit = (name.size() + 2) / 3;
  for (const std::string &c : candidates) {
    if (c == name)
      continue;
    unsigned d = llvm::StringRef(name).edit_distance(c, true, limit + 1);
    if (d <= limit && d < name.size() && d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

void Sema::reportUndeclared(const Ident &id, bool isType) {
  std::vector<std::string> names;
  if (isType) {
    for (const char *b : {"bool", "str", "i8", "i16", "i32", "i64", "u8",
                          "u16", "u32", "u64", "f16", "bf16", "f32", "f64"})
      names.push_back(b);
    auto it = topLevel.find(currentModule);
    if (it != topLevel.end())
      for (const auto &kv : it->second)
        if (llvm::isa<StructDecl>(kv.second))
          names.push_back(kv.first);
  } else {
    names = visibleNames();
  }
  std::string suggestion = closestName(id.name, names);
  // The suggested local is what was meant: do not also call it unused.
  if (!isType && !suggestion.empty())
    if (VarDecl *v = lookupLocal(suggestion))
      v->used = true;
  if (suggestion.empty())
    diags.report(id.range,
                 isType ? DiagID::err_undeclared_type : DiagID::err_undeclared,
                 {id.name});
  else
    diags.report(id.range,
                 isType ? DiagID::err_undeclared_type_suggest
                        : DiagID::err_undeclared_suggest,
                 {id.name, suggestion});
}

VarDecl *Sema::lookupLocal(const std::string &name) const {
  for (auto s = scopes.rbegin(); s != scopes.rend(); ++s)
    for (auto v = s->rbegin(); v != s->rend(); ++v)
      if ((*v)->name.name == name)
        return *v;
  return nullptr;
}

void Sema::reportBadPath(const std::vector<Ident> &path, size_t i,
                         Module &scope, SourceRange range) {
  const Ident &seg = path[i];
  VarDecl *local = i == 0 ? lookupLocal(seg.name) : nullptr;
  if (local)
    local->used = true;
  bool named = local || lookupTop(scope, seg.name) ||
               (i == 0 && (lookupBuiltinFunction(seg.name) != Builtin::None ||
                           types.lookupBuiltin(seg.name)));
  if (named) {
    std::string joined;
    for (const Ident &p : path)
      joined += (joined.empty() ? "" : "::") + p.name;
    diags.report(range, DiagID::err_path_not_a_value, {joined});
  } else if (&scope != currentModule) {
    diags.report(seg.range, DiagID::err_not_in_module, {scope.name, seg.name});
  } else {
    reportUndeclared(seg, false);
  }
}

bool Sema::evalConstIndex(Expr &e, uint64_t &out) {
  const Type *t = checkValue(e, types.getInt(64, true));
  if (t->isError())
    return false;
  if (!t->isInt() || e.constValue.kind != ConstValue::Kind::Int ||
      (t->isSigned() && signExtend(e.constValue.intBits, t->getIntWidth()) < 0)) {
    diags.report(e.range, DiagID::err_array_size_not_const);
    return false;
  }
  out = e.constValue.intBits;
  return true;
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

const Type *Sema::checkValue(Expr &e, const Type *expected) {
  const Type *t = check(e, expected);
  if (t->isVoid()) {
    std::string what = "expression";
    if (auto *c = llvm::dyn_cast<CallExpr>(&e)) {
      if (auto *n = llvm::dyn_cast<NameExpr>(c->callee.get()))
        what = n->path.back().name;
      else if (auto *f = llvm::dyn_cast<FieldExpr>(c->callee.get()))
        what = f->field.name;
    }
    diags.report(e.range, DiagID::err_void_value, {what});
    e.type = types.getError();
    return e.type;
  }
  return t;
}

const Type *Sema::check(Expr &e, const Type *expected) {
  const Type *t = types.getError();
  switch (e.getKind()) {
  case Expr::Kind::IntLit:
    t = checkIntLit(llvm::cast<IntLitExpr>(e), expected, nullptr);
    break;
  case Expr::Kind::FloatLit: {
    auto &f = llvm::cast<FloatLitExpr>(e);
    std::string digits;
    for (char c : f.text)
      if (c != '_')
        digits += c;
    if (expected && expected->isInt()) {
      diags.report(e.range, DiagID::err_float_literal_for_int,
                   {f.text, expected->str()});
      break;
    }
    t = expected && expected->isFloat() ? expected
                                        : types.getFloat(Type::FloatKind::F64);
    e.constValue.kind = ConstValue::Kind::Float;
    e.constValue.floatValue = parseFloatIn(digits, t);
    break;
  }
  case Expr::Kind::BoolLit:
    t = types.getBool();
    e.constValue.kind = ConstValue::Kind::Bool;
    e.constValue.boolValue = llvm::cast<BoolLitExpr>(e).value;
    break;
  case Expr::Kind::StrLit:
    t = types.getStr();
    break;
  case Expr::Kind::Name:
    t = checkName(llvm::cast<NameExpr>(e), expected);
    break;
  case Expr::Kind::Unary:
    t = checkUnary(llvm::cast<UnaryExpr>(e), expected);
    break;
  case Expr::Kind::Binary:
    t = checkBinary(llvm::cast<BinaryExpr>(e), expected);
    break;
  case Expr::Kind::Call: {
    unsigned borrowsBefore = mutBorrows;
    t = checkCall(llvm::cast<CallExpr>(e), expected);
    llvm::cast<CallExpr>(e).copyArgs = mutBorrows != borrowsBefore;
    break;
  }
  case Expr::Kind::Field:
    t = checkField(llvm::cast<FieldExpr>(e));
    break;
  case Expr::Kind::Index:
    t = checkIndex(llvm::cast<IndexExpr>(e));
    break;
  case Expr::Kind::Cast:
    t = checkCast(llvm::cast<CastExpr>(e));
    break;
  case Expr::Kind::ArrayLit:
    t = checkArrayLit(llvm::cast<ArrayLitExpr>(e), expected);
    break;
  case Expr::Kind::ArrayRepeat:
    t = checkArrayRepeat(llvm::cast<ArrayRepeatExpr>(e), expected);
    break;
  case Expr::Kind::StructLit: {
    unsigned borrowsBefore = mutBorrows;
    t = checkStructLit(llvm::cast<StructLitExpr>(e), expected);
    llvm::cast<StructLitExpr>(e).copyFields = mutBorrows != borrowsBefore;
    break;
  }
  case Expr::Kind::Match:
    t = checkMatch(llvm::cast<MatchExpr>(e), expected);
    break;
  case Expr::Kind::Try:
    t = checkTry(llvm::cast<TryExpr>(e));
    break;
  }
  e.type = t;
  return t;
}

//===----------------------------------------------------------------------===//
// Literals and names
//===----------------------------------------------------------------------===//

const Type *Sema::checkIntLit(IntLitExpr &e, const Type *expected,
                              const UnaryExpr *negation) {
  bool negate = negation != nullptr;
  std::string digits;
  for (char c : e.text)
    if (c != '_')
      digits += c;
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' &&
      (digits[1] == 'x' || digits[1] == 'b' || digits[1] == 'o')) {
    base = digits[1] == 'x' ? 16 : digits[1] == 'b' ? 2 : 8;
    digits = digits.substr(2);
  }
  const Type *t = expected && expected->isNumeric()
                      ? expected
                      : types.getInt(64, true);
  if (t->isFloat()) {
    e.constValue.kind = ConstValue::Kind::Float;
    e.constValue.floatValue =
        base == 10 ? parseFloatIn(digits, t)
                   : roundToType(static_cast<double>(std::strtoull(
                                     digits.c_str(), nullptr, base)),
                                 t);
    return t;
  }
  errno = 0;
  char *end = nullptr;
  unsigned long long v = std::strtoull(digits.c_str(), &end, base);
  bool overflow = errno == ERANGE || digits.empty() || *end != '\0';
  unsigned w = t->getIntWidth();
  if (!overflow) {
    if (t->isSigned()) {
      unsigned long long limit = (1ULL << (w - 1)) - (negate ? 0 : 1);
      overflow = v > limit;
    } else {
      overflow = negate ? v != 0 : (w < 64 && v >= (1ULL << w));
    }
  }
  if (overflow) {
    diags.report(negate ? negation->range : e.range,
                 DiagID::err_int_literal_too_large,
                 {std::string(negate ? "-" : "") + e.text, t->str()});
    return types.getError();
  }
  e.constValue.kind = ConstValue::Kind::Int;
  e.constValue.intBits = truncBits(negate ? 0 - v : v, w);
  return t;
}

const Type *Sema::checkName(NameExpr &e, const Type *expected) {
  const Ident &first = e.path.front();
  // A generic parameter of the function being checked: a constant.
  const Type *gt = nullptr;
  if (e.path.size() == 1)
    if (auto *v = genericValue(first.name, &gt)) {
      e.constValue = v->second;
      return gt;
    }
  if (e.path.size() == 1) {
    for (auto s = scopes.rbegin(); s != scopes.rend(); ++s)
      for (auto v = s->rbegin(); v != s->rend(); ++v)
        if ((*v)->name.name == first.name) {
          e.var = *v;
          (*v)->used = true;
          return (*v)->type ? (*v)->type : types.getError();
        }
  }
  // Qualified names: `module::name` (possibly through several modules).
  Module *scope = currentModule;
  for (size_t i = 0; i + 1 < e.path.size(); ++i) {
    Module *next = lookupModuleAlias(*scope, e.path[i].name);
    if (!next) {
      // `S::f` names a function of struct `S`, which is not a value.
      StructDecl *s = i + 2 == e.path.size()
                          ? resolveStructPath({e.path[i]}, 1, *scope, false)
                          : nullptr;
      if (!s) {
        reportBadPath(e.path, i, *scope, e.range);
        return types.getError();
      }
      const Ident &fnName = e.path.back();
      if (int v = s->isEnum ? lookupVariant(*s, fnName.name) : -1; v >= 0)
        return checkVariant(e, *s, v, expected);
      bool found = false;
      for (FnDecl *m : s->methods)
        found |= m->name.name == fnName.name;
      if (found)
        diags.report(e.range, DiagID::err_not_a_value,
                     {s->name.name + "::" + fnName.name, "function"});
      else
        diags.report(fnName.range, DiagID::err_no_static_member,
                     {s->name.name, fnName.name});
      return types.getError();
    }
    scope = next;
  }
  const Ident &last = e.path.back();
  Decl *d = lookupTop(*scope, last.name);
  if (!d) {
    if (scope != currentModule)
      diags.report(last.range, DiagID::err_not_in_module,
                   {scope->name, last.name});
    else
      reportUndeclared(last, false);
    return types.getError();
  }
  e.decl = d;
  switch (d->getKind()) {
  case Decl::Kind::Const: {
    auto *c = llvm::cast<ConstDecl>(d);
    resolveConst(*c);
    e.constValue = c->init->constValue;
    return c->type;
  }
  case Decl::Kind::Fn:
    diags.report(e.range, DiagID::err_not_a_value, {last.name, "function"});
    return types.getError();
  case Decl::Kind::Struct:
    diags.report(e.range, DiagID::err_not_a_value, {last.name, "struct"});
    return types.getError();
  case Decl::Kind::Import:
    diags.report(e.range, DiagID::err_not_a_value, {last.name, "module"});
    return types.getError();
  }
  return types.getError();
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

const Type *Sema::checkUnary(UnaryExpr &e, const Type *expected) {
  if (e.op == UnaryOp::Borrow || e.op == UnaryOp::BorrowMut) {
    // Call arguments of reference parameters are checked by checkArg.
    checkValue(*e.operand);
    diags.report(e.range, DiagID::err_borrow_not_arg,
                 {e.op == UnaryOp::Borrow ? "&" : "&mut"});
    return types.getError();
  }
  if (e.op == UnaryOp::Neg && llvm::isa<IntLitExpr>(e.operand.get())) {
    const Type *t =
        checkIntLit(llvm::cast<IntLitExpr>(*e.operand), expected, &e);
    e.operand->type = t;
    if (t->isInt() && !t->isSigned()) {
      diags.report(e.range, DiagID::err_invalid_operand, {"-", t->str()});
      return types.getError();
    }
    e.constValue = e.operand->constValue;
    if (t->isFloat())
      e.constValue.floatValue = -e.constValue.floatValue;
    // The literal already holds the negated value.
    e.operand->constValue.kind = ConstValue::Kind::None;
    return t;
  }
  const Type *t = checkValue(*e.operand, expected);
  if (t->isError() ||
      !checkGenericOperand(*e.operand, getSpelling(e.op),
                           e.op == UnaryOp::BitNot))
    return t->isError() ? t : types.getError();
  if (t->isTile()) {
    if (e.op == UnaryOp::Neg && t->getElementType()->isNumeric())
      return t;
    diags.report(e.range, DiagID::err_invalid_operand,
                 {getSpelling(e.op), t->str()});
    return types.getError();
  }
  const ConstValue &c = e.operand->constValue;
  switch (e.op) {
  case UnaryOp::Neg:
    if (!t->isFloat() && !(t->isInt() && t->isSigned()))
      break;
    if (c.kind == ConstValue::Kind::Int) {
      e.constValue = c;
      e.constValue.intBits = truncBits(0 - c.intBits, t->getIntWidth());
    } else if (c.kind == ConstValue::Kind::Float) {
      e.constValue = c;
      e.constValue.floatValue = -c.floatValue;
    }
    return t;
  case UnaryOp::Not:
    if (!t->isBool())
      break;
    if (c.kind == ConstValue::Kind::Bool) {
      e.constValue = c;
      e.constValue.boolValue = !c.boolValue;
    }
    return t;
  case UnaryOp::BitNot:
    if (!t->isInt())
      break;
    if (c.kind == ConstValue::Kind::Int) {
      e.constValue = c;
      e.constValue.intBits = truncBits(~c.intBits, t->getIntWidth());
    }
    return t;
  case UnaryOp::Borrow:
  case UnaryOp::BorrowMut:
    break;
  }
  diags.report(e.range, DiagID::err_invalid_operand,
               {getSpelling(e.op), t->str()});
  return types.getError();
}

bool isConstIntZero(const Expr &e, const Type *t) {
  return t->isInt() && e.constValue.kind == ConstValue::Kind::Int &&
         e.constValue.intBits == 0;
}

/// Folds a binary operation on constants of type `t` (the operand type).
/// Returns false if the operation has no constant result.
static bool foldBinary(BinaryOp op, const Type *t, const ConstValue &a,
                       const ConstValue &b, ConstValue &out) {
  if (a.kind != b.kind || a.kind == ConstValue::Kind::None)
    return false;
  auto setBool = [&](bool v) {
    out.kind = ConstValue::Kind::Bool;
    out.boolValue = v;
    return true;
  };
  if (a.kind == ConstValue::Kind::Bool) {
    switch (op) {
    case BinaryOp::LogicalAnd:
    case BinaryOp::BitAnd:
      return setBool(a.boolValue && b.boolValue);
    case BinaryOp::LogicalOr:
    case BinaryOp::BitOr:
      return setBool(a.boolValue || b.boolValue);
    case BinaryOp::BitXor:
    case BinaryOp::Ne:
      return setBool(a.boolValue != b.boolValue);
    case BinaryOp::Eq:
      return setBool(a.boolValue == b.boolValue);
    default:
      return false;
    }
  }
  if (a.kind == ConstValue::Kind::Float) {
    // Each folded operation rounds to the operand type, like at run time
    // (exact: double has more than twice the precision of f32 and below).
    double x = a.floatValue, y = b.floatValue;
    out.kind = ConstValue::Kind::Float;
    switch (op) {
    case BinaryOp::Add:
      out.floatValue = roundToType(x + y, t);
      return true;
    case BinaryOp::Sub:
      out.floatValue = roundToType(x - y, t);
      return true;
    case BinaryOp::Mul:
      out.floatValue = roundToType(x * y, t);
      return true;
    case BinaryOp::Div:
      out.floatValue = roundToType(x / y, t);
      return true;
    case BinaryOp::Rem:
      out.floatValue = std::fmod(x, y);
      return true;
    case BinaryOp::Eq:
      return setBool(x == y);
    case BinaryOp::Ne:
      return setBool(x != y);
    case BinaryOp::Lt:
      return setBool(x < y);
    case BinaryOp::Le:
      return setBool(x <= y);
    case BinaryOp::Gt:
      return setBool(x > y);
    case BinaryOp::Ge:
      return setBool(x >= y);
    default:
      return false;
    }
  }
  unsigned w = t->getIntWidth();
  bool s = t->isSigned();
  uint64_t x = a.intBits, y = b.intBits;
  int64_t sx = signExtend(x, w), sy = signExtend(y, w);
  out.kind = ConstValue::Kind::Int;
  auto setInt = [&](uint64_t v) {
    out.intBits = truncBits(v, w);
    return true;
  };
  switch (op) {
  case BinaryOp::Add:
    return setInt(x + y);
  case BinaryOp::Sub:
    return setInt(x - y);
  case BinaryOp::Mul:
    return setInt(x * y);
  case BinaryOp::Div:
  case BinaryOp::Rem:
    if (y == 0)
      return false;
    if (s) {
      // Wrapping semantics: MIN / -1 == MIN, MIN % -1 == 0.
      if (sy == -1)
        return setInt(op == BinaryOp::Div ? 0 - x : 0);
      return setInt(op == BinaryOp::Div ? sx / sy : sx % sy);
    }
    return setInt(op == BinaryOp::Div ? x / y : x % y);
  case BinaryOp::BitAnd:
    return setInt(x & y);
  case BinaryOp::BitOr:
    return setInt(x | y);
  case BinaryOp::BitXor:
    return setInt(x ^ y);
  case BinaryOp::Shl:
    return setInt(x << (y & (w - 1)));
  case BinaryOp::Shr:
    return setInt(s ? static_cast<uint64_t>(sx >> (y & (w - 1)))
                    : x >> (y & (w - 1)));
  case BinaryOp::Eq:
    return setBool(x == y);
  case BinaryOp::Ne:
    return setBool(x != y);
  case BinaryOp::Lt:
    return setBool(s ? sx < sy : x < y);
  case BinaryOp::Le:
    return setBool(s ? sx <= sy : x <= y);
  case BinaryOp::Gt:
    return setBool(s ? sx > sy : x > y);
  case BinaryOp::Ge:
    return setBool(s ? sx >= sy : x >= y);
  case BinaryOp::LogicalAnd:
  case BinaryOp::LogicalOr:
    return false;
  }
  return false;
}

const Type *Sema::checkBinary(BinaryExpr &e, const Type *expected) {
  BinaryOp op = e.op;
  bool isCompare = op == BinaryOp::Eq || op == BinaryOp::Ne ||
                   op == BinaryOp::Lt || op == BinaryOp::Le ||
                   op == BinaryOp::Gt || op == BinaryOp::Ge;
  bool isLogical = op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr;
  bool isShift = op == BinaryOp::Shl || op == BinaryOp::Shr;
  const Type *hint = isCompare ? nullptr
                     : isLogical ? types.getBool()
                                 : expected;
  if (hint && !hint->isScalar() && !hint->isTile())
    hint = nullptr;
  // A literal next to a tile takes the tile's element type (broadcast).
  auto scalarHint = [](const Type *t) {
    return t->isTile() ? t->getElementType() : t;
  };

  // No `?` in `&&` and `||`: their operands are emitted as one structured
  // region, which an early return cannot leave.
  NoEarlyExit guard{noEarlyExit, isLogical};
  const Type *lt, *rt;
  if (isShift) {
    lt = checkValue(*e.lhs, hint);
    rt = checkValue(*e.rhs, lt->isInt() ? lt : nullptr);
  } else if (isLiteralLike(*e.lhs) && !isLiteralLike(*e.rhs)) {
    rt = checkValue(*e.rhs, hint);
    lt = checkValue(*e.lhs, scalarHint(rt));
  } else {
    lt = checkValue(*e.lhs, hint && hint->isTile() && isLiteralLike(*e.lhs)
                                ? hint->getElementType()
                                : hint);
    rt = checkValue(*e.rhs, scalarHint(lt));
  }
  if (lt->isError() || rt->isError())
    return types.getError();
  if (lt->isText() || rt->isText())
    return checkStringBinary(e, lt, rt);
  // `a + b` with `a: T`: only what T's bound allows.
  bool bitwise = op == BinaryOp::BitAnd || op == BinaryOp::BitOr ||
                 op == BinaryOp::BitXor || isShift;
  if (!checkGenericOperand(*e.lhs, getSpelling(op), bitwise) ||
      !checkGenericOperand(*e.rhs, getSpelling(op), bitwise))
    return types.getError();
  if (lt->isTile() || rt->isTile()) {
    bool bitwise = op == BinaryOp::BitAnd || op == BinaryOp::BitOr ||
                   op == BinaryOp::BitXor || op == BinaryOp::Rem;
    const Type *tile = lt->isTile() ? lt : rt;
    if (isLogical || isShift || bitwise ||
        (!isCompare && tile->getElementType()->isBool())) {
      diags.report(e.opRange, DiagID::err_invalid_operand,
                   {getSpelling(op), tile->str()});
      return types.getError();
    }
    const Type *t = checkTileOperands(e.opRange, lt, rt);
    if (t->isError() || !isCompare)
      return t;
    return types.getTile(t->getShape(), types.getBool(), t->getLayout());
  }

  const char *spelling = getSpelling(op);
  bool operandOk;
  if (isLogical)
    operandOk = lt->isBool();
  else if (isShift)
    operandOk = lt->isInt();
  else if (op == BinaryOp::BitAnd || op == BinaryOp::BitOr ||
           op == BinaryOp::BitXor)
    operandOk = lt->isInt() || lt->isBool();
  else if (op == BinaryOp::Eq || op == BinaryOp::Ne)
    operandOk = lt->isScalar();
  else
    operandOk = lt->isNumeric();
  if (!operandOk) {
    diags.report(e.opRange, DiagID::err_invalid_operand, {spelling, lt->str()});
    return types.getError();
  }
  if (isShift ? !rt->isInt() : lt != rt) {
    diags.report(e.opRange, DiagID::err_binary_type_mismatch,
                 {spelling, lt->str(), rt->str()});
    return types.getError();
  }
  const Type *result = (isCompare || isLogical) ? types.getBool() : lt;
  if ((op == BinaryOp::Div || op == BinaryOp::Rem) &&
      isConstIntZero(*e.rhs, lt)) {
    diags.report(e.range, DiagID::err_const_div_zero);
    return types.getError();
  }
  ConstValue rhsConst = e.rhs->constValue;
  if (isShift && rhsConst.kind == ConstValue::Kind::Int)
    rhsConst.intBits = truncBits(rhsConst.intBits, 64);
  if (isShift && e.lhs->constValue.kind == ConstValue::Kind::Int &&
      rhsConst.kind == ConstValue::Kind::Int)
    foldBinary(op, lt, e.lhs->constValue, rhsConst, e.constValue);
  else if (!isShift)
    foldBinary(op, lt, e.lhs->constValue, e.rhs->constValue, e.constValue);
  return result;
}

const Type *Sema::checkCast(CastExpr &e) {
  const Type *target = resolveType(*e.target, *currentModule);
  const Type *from = checkValue(*e.operand, nullptr);
  if (target->isError() || from->isError())
    return types.getError();
  // `tile as T` converts every element.
  if (from->isTile() && target->isNumeric()) {
    const Type *r = types.getTile(from->getShape(), target, from->getLayout());
    bool element = target->isFloat() ||
                   (target->isInt() && target->isSigned() &&
                    (target->getIntWidth() == 8 || target->getIntWidth() == 32));
    if (element)
      return r;
    diags.report(e.target->range, DiagID::err_tile_element_type,
                 {target->str()});
    return types.getError();
  }
  bool ok = (from->isNumeric() || from->isBool()) && target->isNumeric();
  // The identity cast is allowed on scalars only: `as` converts scalars.
  ok |= from == target && from->isScalar();
  if (!ok) {
    diags.report(e.range, DiagID::err_invalid_cast,
                 {from->str(), target->str()});
    return types.getError();
  }
  return target;
}

//===----------------------------------------------------------------------===//
// Aggregates
//===----------------------------------------------------------------------===//

const Type *Sema::checkField(FieldExpr &e) {
  const Type *base = checkValue(*e.base);
  if (base->isError())
    return base;
  if (!e.genericArgs.empty()) {
    diags.report(e.range, DiagID::err_no_type_args,
                 {base->str() + "::" + e.field.name});
    return types.getError();
  }
  if (!base->isStruct()) {
    diags.report(e.field.range, DiagID::err_no_field,
                 {base->str(), e.field.name});
    return types.getError();
  }
  StructDecl *s = base->getStructDecl();
  std::vector<std::string> names;
  for (unsigned i = 0; i < s->fields.size(); ++i) {
    if (s->fields[i].name.name == e.field.name) {
      e.fieldIndex = i;
      return s->fields[i].type ? s->fields[i].type : types.getError();
    }
    names.push_back(s->fields[i].name.name);
  }
  std::string suggestion = closestName(e.field.name, names);
  if (suggestion.empty())
    diags.report(e.field.range, DiagID::err_no_field,
                 {base->str(), e.field.name});
  else
    diags.report(e.field.range, DiagID::err_no_field_suggest,
                 {base->str(), e.field.name, suggestion});
  return types.getError();
}

const Type *Sema::checkIndex(IndexExpr &e) {
  const Type *base = checkValue(*e.base);
  const Type *idx = checkValue(*e.index);
  if (base->isError() || idx->isError())
    return types.getError();
  // A byte of a string, checked against its length at run time.
  if (base->isText() && idx->isInt())
    return types.getInt(8, false);
  if (base->isVec()) {
    // Bounds are checked when the program runs (docs/LangRef.md, 30).
    if (idx->isInt())
      return base->getElementType();
    diags.report(e.index->range, DiagID::err_index_not_int, {idx->str()});
    return types.getError();
  }
  if (!base->isArray() && !base->isText()) {
    diags.report(e.base->range, DiagID::err_not_indexable, {base->str()});
    return types.getError();
  }
  if (!idx->isInt()) {
    diags.report(e.index->range, DiagID::err_index_not_int, {idx->str()});
    return types.getError();
  }
  const ConstValue &c = e.index->constValue;
  if (c.kind == ConstValue::Kind::Int) {
    bool negative = idx->isSigned() &&
                    signExtend(c.intBits, idx->getIntWidth()) < 0;
    if (negative || c.intBits >= base->getArraySize()) {
      diags.report(e.index->range, DiagID::err_index_out_of_bounds,
                   {constToString(c, idx), base->str()});
      return types.getError();
    }
  }
  return base->getElementType();
}

const Type *Sema::checkArrayLit(ArrayLitExpr &e, const Type *expected) {
  const Type *elemHint =
      expected && expected->isArray() ? expected->getElementType() : nullptr;
  if (e.elements.empty()) {
    if (expected && ((expected->isArray() && expected->getArraySize() == 0) ||
                     expected->isError()))
      return expected;
    diags.report(e.range, DiagID::err_empty_array_literal);
    return types.getError();
  }
  // Let a non-literal element fix the type for literal ones (`[1, x]`).
  if (!elemHint)
    for (auto &el : e.elements)
      if (!isLiteralLike(*el)) {
        elemHint = checkValue(*el);
        break;
      }
  const Type *elem = nullptr;
  for (auto &el : e.elements) {
    const Type *t = checkValue(*el, elem ? elem : elemHint);
    if (t->isError())
      return t;
    if (!elem) {
      elem = t;
      continue;
    }
    if (t != elem) {
      diags.report(el->range, DiagID::err_array_elements_mismatch,
                   {elem->str(), t->str()});
      return types.getError();
    }
  }
  return makeArray(elem, e.elements.size(), e.range);
}

const Type *Sema::checkArrayRepeat(ArrayRepeatExpr &e, const Type *expected) {
  const Type *elemHint =
      expected && expected->isArray() ? expected->getElementType() : nullptr;
  const Type *elem = checkValue(*e.value, elemHint);
  uint64_t count = 0;
  if (!evalConstIndex(*e.count, count) || elem->isError())
    return types.getError();
  e.countValue = count;
  if (elem->isOwned()) {
    // One value cannot have several owners.
    diags.report(e.value->range, DiagID::err_array_repeat_owned, {elem->str()});
    return types.getError();
  }
  return makeArray(elem, count, e.range);
}

const Type *Sema::checkStructLit(StructLitExpr &e, const Type *expected) {
  StructDecl *s = resolveStructPath(e.typeName->path, e.typeName->path.size(),
                                    *currentModule, true);
  if (!s) {
    for (FieldInit &f : e.fields)
      check(*f.value);
    return types.getError();
  }
  if (s->isEnum) {
    diags.report(e.typeName->range, DiagID::err_not_a_struct, {s->name.name});
    for (FieldInit &f : e.fields)
      check(*f.value);
    return types.getError();
  }
  if (!e.typeName->genericArgs.empty()) {
    // `Pair::<i32, f64> { ... }`: the instance named.
    const Type *t = resolveType(*e.typeName, *currentModule);
    s = t->isStruct() ? t->getStructDecl() : nullptr;
    if (!s) {
      for (FieldInit &f : e.fields)
        check(*f.value);
      return types.getError();
    }
  } else if (!s->genericParams.empty()) {
    // `Pair { a: 1, b: x }`: the instance the context expects, else the
    // one the field values give.
    std::vector<std::pair<Expr *, const TypeExpr *>> pairs;
    for (FieldInit &f : e.fields)
      for (FieldDecl &fd : s->fields)
        if (fd.name.name == f.name.name)
          pairs.push_back({f.value.get(), fd.typeExpr.get()});
    s = genericInstanceFor(*s, expected, pairs, e.typeName->range);
    if (!s) {
      for (FieldInit &f : e.fields)
        check(*f.value);
      return types.getError();
    }
  }
  resolveStruct(*s);
  const Type *st = types.getStruct(s);
  e.orderedFields.assign(s->fields.size(), nullptr);
  bool ok = true;
  for (FieldInit &f : e.fields) {
    unsigned idx = 0;
    while (idx < s->fields.size() && s->fields[idx].name.name != f.name.name)
      ++idx;
    if (idx == s->fields.size()) {
      diags.report(f.name.range, DiagID::err_no_field,
                   {s->name.name, f.name.name});
      check(*f.value);
      ok = false;
      continue;
    }
    if (e.orderedFields[idx]) {
      diags.report(f.name.range, DiagID::err_duplicate_field_init,
                   {f.name.name});
      ok = false;
      continue;
    }
    const Type *ft = s->fields[idx].type;
    const Type *t = checkValue(*f.value, ft);
    if (ft)
      ok &= expectType(*f.value, ft, t);
    e.orderedFields[idx] = f.value.get();
  }
  for (unsigned i = 0; i < s->fields.size(); ++i)
    if (!e.orderedFields[i] && ok) {
      diags.report(e.typeName->range, DiagID::err_missing_field_init,
                   {s->fields[i].name.name, s->name.name});
      ok = false;
    }
  return ok ? st : types.getError();
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

/// "1 argument", "2 arguments", "1 or 2 arguments".
std::string countArguments(size_t lo, size_t hi) {
  std::string n = std::to_string(lo);
  if (hi != lo)
    n += " or " + std::to_string(hi);
  return n + (hi == 1 ? " argument" : " arguments");
}

/// "1 was", "3 were".
std::string countGiven(size_t n) {
  return std::to_string(n) + (n == 1 ? " was" : " were");
}

bool Sema::matchArgs(CallExpr &e, FnDecl &fn, unsigned firstParam) {
  size_t numParams = fn.params.size() - firstParam;
  std::vector<Expr *> ordered(numParams, nullptr);
  bool ok = true;
  bool sawNamed = false;
  size_t nextPositional = 0;
  for (CallArg &a : e.args) {
    size_t idx;
    if (a.name) {
      sawNamed = true;
      idx = 0;
      while (idx < numParams &&
             fn.params[firstParam + idx]->name.name != a.name->name)
        ++idx;
      if (idx == numParams) {
        diags.report(a.name->range, DiagID::err_unknown_named_arg,
                     {fn.name.name, a.name->name});
        ok = false;
        check(*a.value);
        continue;
      }
    } else {
      if (sawNamed) {
        diags.report(a.value->range, DiagID::err_positional_after_named);
        ok = false;
        check(*a.value);
        continue;
      }
      idx = nextPositional++;
      if (idx >= numParams) {
        check(*a.value);
        ok = false;
        continue;
      }
    }
    if (ordered[idx]) {
      diags.report(a.name ? a.name->range : a.value->range,
                   DiagID::err_duplicate_arg,
                   {fn.params[firstParam + idx]->name.name});
      ok = false;
      continue;
    }
    ordered[idx] = a.value.get();
    const Type *pt = fn.params[firstParam + idx]->type;
    const Type *t = checkArg(*a.value, *fn.params[firstParam + idx], fn);
    if (pt)
      ok &= expectType(*a.value, pt, t);
  }
  size_t given = e.args.size();
  bool missing = false;
  for (Expr *a : ordered)
    missing |= a == nullptr;
  // Arguments already reported (unknown names) do not count as extra.
  if (nextPositional > numParams || (missing && ok)) {
    diags.report(e.range, DiagID::err_arg_count,
                 {fn.name.name, countArguments(numParams, numParams),
                  countGiven(given)});
    // A user function named like a builtin (`load`, `exp`...) is what the
    // call found: say so, the call was probably meant for the builtin.
    if (lookupBuiltinFunction(fn.name.name) != Builtin::None)
      diags.note(fn.name.range, DiagID::note_hides_builtin, {fn.name.name});
    return false;
  }
  e.orderedArgs = std::move(ordered);
  return ok && !missing;
}

static const std::vector<FnDecl *> noMethods;

const Type *Sema::checkCall(CallExpr &e, const Type *expected) {
  auto resultOf = [&](FnDecl &fn) {
    return fn.result ? fn.result : types.getError();
  };
  // Method call: `receiver.name(args)`.
  if (auto *field = llvm::dyn_cast<FieldExpr>(e.callee.get())) {
    const Type *recv = checkValue(*field->base);
    if (recv->isError()) {
      for (CallArg &a : e.args)
        check(*a.value);
      return recv;
    }
    e.receiver = field->base.get();
    const std::string &method = field->field.name;
    bool user = recv->isStruct() || recv->isEnum();
    FnDecl *m = nullptr;
    for (FnDecl *c : user ? recv->getStructDecl()->methods : noMethods)
      if (!m && c->name.name == method)
        m = c;
    // `x.m::<...>()`: only methods of `impl` blocks may be generic.
    if (!field->genericArgs.empty() && (m || !user) &&
        (!m || m->genericParams.empty())) {
      diags.report(field->range, DiagID::err_no_type_args,
                   {recv->str() + "::" + method});
      for (CallArg &a : e.args)
        check(*a.value);
      return types.getError();
    }
    if (recv->isText()) {
      Builtin b = lookupBuiltinMethod(method, recv->isStr()
                                                  ? BuiltinReceivers::Str
                                                  : BuiltinReceivers::String);
      if (b != Builtin::None) {
        const BuiltinInfo &info = getBuiltinInfo(b);
        if (e.args.size() != info.minArgs) {
          diags.report(e.range, DiagID::err_arg_count,
                       {method, countArguments(info.minArgs, info.maxArgs),
                        countGiven(e.args.size())});
          for (CallArg &a : e.args)
            check(*a.value);
          return types.getError();
        }
        return checkStringMethod(e, recv, b, method);
      }
    }
    if (recv->isVec())
      return checkVecMethod(e, field->field, recv);
    if (recv->isTensor() || recv->isView())
      if (const Type *t = checkTensorMethod(e, recv, method))
        return t;
    if (m) {
      if (!m->hasSelf) {
        diags.report(field->field.range, DiagID::err_method_needs_self,
                     {recv->str(), m->name.name});
        return types.getError();
      }
      if (!m->genericParams.empty() &&
          !(m = instantiate(*m, field->genericArgs, field->range, &e))) {
        // Those that inference checked already are not reported twice.
        for (CallArg &a : e.args)
          if (!a.value->type)
            check(*a.value);
        return types.getError();
      }
      useMethod(*m, field->range);
      e.fn = m;
      bool ok = checkMutReceiver(e, *m);
      if (matchArgs(e, *m, 1) && ok)
        checkBorrowConflicts(e);
      return resultOf(*m);
    }
    diags.report(field->field.range, DiagID::err_no_method,
                 {recv->str(), method});
    return types.getError();
  }

  auto *name = llvm::dyn_cast<NameExpr>(e.callee.get());
  if (!name) {
    const Type *t = check(*e.callee);
    if (!t->isError())
      diags.report(e.callee->range, DiagID::err_value_not_callable, {t->str()});
    return types.getError();
  }
  const std::vector<Ident> &path = name->path;
  const Ident &last = path.back();
  FnDecl *fn = nullptr;
  if (path.size() == 1) {
    bool isLocal = false;
    for (const auto &scope : scopes)
      for (VarDecl *v : scope)
        isLocal |= v->name.name == last.name;
    Decl *d = isLocal ? nullptr : lookupTop(*currentModule, last.name);
    if (!isLocal && !d) {
      Builtin b = lookupBuiltinFunction(last.name);
      if (b != Builtin::None) {
        e.builtin = b;
        return checkBuiltinCall(e, b, expected);
      }
    }
    fn = llvm::dyn_cast_or_null<FnDecl>(d);
  } else if (Builtin b = path.size() == 2
                             ? lookupQualifiedBuiltin(path[0].name, last.name)
                             : Builtin::None;
             b != Builtin::None && !lookupTop(*currentModule, path[0].name)) {
    // `Tensor::alloc`, `device::get`: unless the module declares the
    // qualifier itself.
    if (!checkBuiltinUse(e, getBuiltinInfo(b).use,
                         path[0].name + "::" + last.name))
      return types.getError();
    e.builtin = b;
    if (b == Builtin::TensorAlloc)
      return checkTensorAlloc(e);
    if (b == Builtin::VecNew || b == Builtin::VecWithCapacity)
      return checkVecNew(e, b, expected);
    return checkBuiltinCall(e, b, expected);
  } else {
    // `a::b::f`: modules then, optionally, a struct for a static function.
    Module *scope = currentModule;
    size_t i = 0;
    for (; i + 1 < path.size(); ++i) {
      Module *next = lookupModuleAlias(*scope, path[i].name);
      if (!next)
        break;
      scope = next;
    }
    if (i + 1 == path.size()) {
      fn = llvm::dyn_cast_or_null<FnDecl>(lookupTop(*scope, last.name));
      if (!fn && !lookupTop(*scope, last.name)) {
        diags.report(last.range, DiagID::err_not_in_module,
                     {scope->name, last.name});
        for (CallArg &a : e.args)
          check(*a.value);
        return types.getError();
      }
    } else if (i + 2 == path.size()) {
      // `scope` is the innermost module named; path[i] is looked up in it.
      StructDecl *s = resolveStructPath({path[i]}, 1, *scope, false);
      if (!s) {
        reportBadPath(path, i, *scope, e.callee->range);
        for (CallArg &a : e.args)
          check(*a.value);
        return types.getError();
      }
      if (int v = s->isEnum ? lookupVariant(*s, last.name) : -1; v >= 0)
        return checkVariant(e, *s, v, expected);
      // `Map::new()` of a generic type: in its own methods, their instance;
      // elsewhere the instance the context expects.
      if (!s->genericParams.empty() && currentFn && currentFn->parent &&
          currentFn->parent->genericTemplate == s)
        s = currentFn->parent;
      else if (!s->genericParams.empty() && expected &&
               (expected->isStruct() || expected->isEnum()) &&
               expected->getStructDecl()->genericTemplate == s)
        s = expected->getStructDecl();
      for (FnDecl *m : s->methods)
        if (m->name.name == last.name)
          fn = m;
      if (!fn) {
        diags.report(last.range, DiagID::err_no_static_member,
                     {s->name.name, last.name});
        for (CallArg &a : e.args)
          check(*a.value);
        return types.getError();
      }
      if (fn->hasSelf) {
        diags.report(e.callee->range, DiagID::err_method_called_statically,
                     {s->name.name, last.name});
        return types.getError();
      }
    } else {
      reportBadPath(path, i, *scope, e.callee->range);
      for (CallArg &a : e.args)
        check(*a.value);
      return types.getError();
    }
  }
  if (!fn) {
    const Type *t = check(*e.callee);
    if (!t->isError())
      diags.report(e.callee->range, DiagID::err_not_callable, {last.name});
    for (CallArg &a : e.args)
      check(*a.value);
    return types.getError();
  }
  if (!fn->genericParams.empty()) {
    fn = instantiate(*fn, name->genericArgs, name->range, &e);
    if (!fn) {
      for (CallArg &a : e.args)
        if (!a.value->type)
          check(*a.value);
      return types.getError();
    }
  } else if (!name->genericArgs.empty()) {
    diags.report(name->range, DiagID::err_generic_arg_count,
                 {last.name, "0", std::to_string(name->genericArgs.size())});
    return types.getError();
  }
  useMethod(*fn, name->range);
  e.fn = fn;
  name->decl = fn;
  if (fn->isKernel)
    return checkKernelCall(e, *fn);
  if (matchArgs(e, *fn, 0))
    checkBorrowConflicts(e);
  return resultOf(*fn);
}

bool Sema::checkBuiltinUse(CallExpr &e, BuiltinUse use,
                           const std::string &spelled) {
  switch (use) {
  case BuiltinUse::Host:
    if (!inKernel())
      return true;
    diags.report(e.callee->range, DiagID::err_host_only, {spelled});
    return false;
  case BuiltinUse::Kernel:
    if (inKernel())
      return true;
    diags.report(e.callee->range, DiagID::err_kernel_only, {spelled});
    return false;
  case BuiltinUse::Anywhere:
    return true;
  }
  llvm_unreachable("unknown builtin use");
}

const Type *Sema::checkBuiltinCall(CallExpr &e, Builtin b,
                                   const Type *expected) {
  const BuiltinInfo &info = getBuiltinInfo(b);
  // As written: `sqrt`, or `sys::open` for a qualified builtin.
  std::string name;
  for (const Ident &id : llvm::cast<NameExpr>(*e.callee).path)
    name += (name.empty() ? "" : "::") + id.name;
  // `load(v, [i, j], pad=x, mask=m)`: the one builtin with named arguments.
  for (CallArg &a : e.args)
    if (a.name && !(b == Builtin::Load &&
                    (a.name->name == "pad" || a.name->name == "mask"))) {
      diags.report(a.name->range, DiagID::err_builtin_named_arg, {name});
      return types.getError();
    }
  auto argCount = [&]() {
    if (e.args.size() >= info.minArgs && e.args.size() <= info.maxArgs)
      return true;
    diags.report(e.range, DiagID::err_arg_count,
                 {name, countArguments(info.minArgs, info.maxArgs),
                  countGiven(e.args.size())});
    return false;
  };
  // An argument may be checked twice (scalar or tile forms of a builtin):
  // rebuild the list rather than append to it.
  e.orderedArgs.clear();
  for (CallArg &a : e.args)
    e.orderedArgs.push_back(a.value.get());
  const Type *i64 = types.getInt(64, true);
  if (info.otherForm == BuiltinOtherForm::ScalarAnywhere &&
      e.args.size() == 1) {
    const Type *t = checkValue(*e.args[0].value, expected);
    if (t->isError())
      return t;
    if (t->isFloat())
      return t;
  }
  if (info.use == BuiltinUse::Kernel) {
    if (!checkBuiltinUse(e, info.use, name)) {
      for (Expr *a : e.orderedArgs)
        check(*a);
      return types.getError();
    }
    return checkKernelBuiltin(e, b, expected, name.c_str());
  }
  if (info.otherForm == BuiltinOtherForm::TileInKernels && inKernel() &&
      !e.args.empty()) {
    const Type *t = checkValue(*e.args[0].value, expected);
    if (t->isError())
      return t;
    if (t->isTile()) {
      if (!argCount())
        return types.getError();
      bool floatOnly = b != Builtin::Abs && b != Builtin::Min &&
                       b != Builtin::Max;
      if (floatOnly && !t->getElementType()->isFloat()) {
        diags.report(e.args[0].value->range, DiagID::err_builtin_arg_type,
                     {name, "a float tile", t->str()});
        return types.getError();
      }
      if (e.args.size() == 1)
        return t;
      Expr &y = *e.args[1].value;
      // max(t, axis) reduces; max(t, u) is elementwise.
      Builtin reduce = getAxisForm(b);
      if (reduce != Builtin::None && llvm::isa<IntLitExpr>(y)) {
        e.builtin = reduce;
        return checkReduce(e, e.builtin, t);
      }
      const Type *ty = checkValue(y, t->getElementType());
      if (ty->isError())
        return ty;
      return checkTileOperands(e.range, t, ty);
    }
  }
  if (!argCount() || !checkBuiltinUse(e, info.use, name))
    return types.getError();
  if (info.gen == BuiltinGen::Sys)
    return checkSysBuiltin(e, b, name);
  if (info.gen == BuiltinGen::Bits)
    return checkBitsBuiltin(e, b, name);
  if (info.gen == BuiltinGen::String)
    return checkStringBuiltin(e, b, name);
  if (b == Builtin::Hash)
    return checkHash(e);
  switch (b) {
  case Builtin::Print:
  case Builtin::Println: {
    bool ok = true;
    for (CallArg &a : e.args) {
      const Type *t = checkValue(*a.value);
      if (!t->isScalar() && !t->isText() && !t->isError()) {
        diags.report(a.value->range, DiagID::err_not_printable, {t->str()});
        ok = false;
      }
    }
    return ok ? types.getVoid() : types.getError();
  }
  case Builtin::Assert: {
    const Type *c = checkValue(*e.args[0].value, types.getBool());
    expectType(*e.args[0].value, types.getBool(), c);
    if (e.args.size() == 2) {
      const Type *m = checkValue(*e.args[1].value);
      expectType(*e.args[1].value, types.getStr(), m);
    }
    return types.getVoid();
  }
  case Builtin::Panic: {
    const Type *m = checkValue(*e.args[0].value);
    expectType(*e.args[0].value, types.getStr(), m);
    return types.getVoid();
  }
  case Builtin::Sqrt:
  case Builtin::Sin:
  case Builtin::Cos:
  case Builtin::Tan:
  case Builtin::Asin:
  case Builtin::Acos:
  case Builtin::Atan:
  case Builtin::Sinh:
  case Builtin::Cosh:
  case Builtin::Exp2:
  case Builtin::Log2:
  case Builtin::Log10:
  case Builtin::Cbrt:
  case Builtin::Floor:
  case Builtin::Ceil:
  case Builtin::Round:
  case Builtin::Trunc:
  case Builtin::Abs: {
    const Type *t = checkValue(*e.args[0].value);
    bool isAbs = b == Builtin::Abs;
    bool ok = !isAbs ? t->isFloat()
                     : (t->isFloat() || (t->isInt() && t->isSigned()));
    if (!ok && !t->isError()) {
      diags.report(
          e.args[0].value->range, DiagID::err_builtin_arg_type,
          {name, !isAbs ? "a float" : "a signed integer or a float",
           t->str()});
      return types.getError();
    }
    return t;
  }
  case Builtin::Min:
  case Builtin::Max: {
    Expr &x = *e.args[0].value, &y = *e.args[1].value;
    const Type *tx, *ty;
    if (isLiteralLike(x) && !isLiteralLike(y)) {
      ty = checkValue(y);
      tx = checkValue(x, ty);
    } else {
      tx = checkValue(x);
      ty = checkValue(y, tx);
    }
    if (tx->isError() || ty->isError())
      return types.getError();
    if (!tx->isNumeric()) {
      diags.report(x.range, DiagID::err_builtin_arg_type,
                   {name, "numbers", tx->str()});
      return types.getError();
    }
    if (tx != ty) {
      diags.report(e.range, DiagID::err_binary_type_mismatch,
                   {name, tx->str(), ty->str()});
      return types.getError();
    }
    return tx;
  }
  case Builtin::Pow:
  case Builtin::Atan2:
  case Builtin::Fma: {
    // fma(a, b, c): a * b + c rounded once, pow(x, y), atan2(y, x): float
    // scalars of one type (a literal takes the others' type). Each argument
    // is checked once.
    const Type *t = nullptr;
    std::vector<const Type *> found(e.args.size(), nullptr);
    for (size_t i = 0; i < e.args.size(); ++i)
      if (!isLiteralLike(*e.args[i].value)) {
        found[i] = checkValue(*e.args[i].value, t);
        if (!t && !found[i]->isError())
          t = found[i];
      }
    for (size_t i = 0; i < e.args.size(); ++i)
      if (!found[i]) {
        found[i] = checkValue(*e.args[i].value, t);
        if (!t && !found[i]->isError())
          t = found[i];
      }
    if (!t)
      return types.getError();
    if (!t->isFloat()) {
      diags.report(e.args[0].value->range, DiagID::err_builtin_arg_type,
                   {name, "floats", t->str()});
      return types.getError();
    }
    bool ok = true;
    for (size_t i = 0; i < e.args.size(); ++i)
      ok &= expectType(*e.args[i].value, t, found[i]);
    return ok ? t : types.getError();
  }
  case Builtin::Argc:
  case Builtin::ClockNs:
    return i64;
  case Builtin::Arg: {
    const Type *t = checkValue(*e.args[0].value, i64);
    expectType(*e.args[0].value, i64, t);
    return types.getStr();
  }
  case Builtin::DeviceGet:
    expectType(*e.args[0].value, i64, checkValue(*e.args[0].value, i64));
    return types.getDevice();
  case Builtin::DeviceCpu:
    return types.getDevice();
  case Builtin::DeviceSynchronize:
    return types.getVoid();
  case Builtin::Allclose: {
    // allclose(a, b, rtol, atol): |a - b| <= atol + rtol * |b| everywhere.
    const Type *a = checkValue(*e.args[0].value);
    const Type *bt = checkValue(*e.args[1].value);
    const Type *f64 = types.getFloat(Type::FloatKind::F64);
    bool ok = expectType(*e.args[2].value, f64,
                         checkValue(*e.args[2].value, f64)) &
              expectType(*e.args[3].value, f64,
                         checkValue(*e.args[3].value, f64));
    if (a->isError() || bt->isError())
      return types.getError();
    if (!a->isTensor() || !bt->isTensor() || a->getRank() != bt->getRank()) {
      diags.report(e.range, DiagID::err_binary_type_mismatch,
                   {name, a->str(), bt->str()});
      return types.getError();
    }
    return ok ? types.getBool() : types.getError();
  }
  default:
    break;
  }
  return types.getError();
}

} // namespace nlc
