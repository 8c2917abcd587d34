//===- ASTDump.cpp - Textual dump of the AST ------------------------------===//
//
// The indented tree printed by `nlc --emit=ast`, one node per line with its
// line:column and, once Sema has run, its type. Tests FileCheck this form.
//
//===----------------------------------------------------------------------===//

#include "frontend/AST.h"

#include <fmt/format.h>

namespace nlc {

const char *getSpelling(UnaryOp op) {
  switch (op) {
  case UnaryOp::Neg:
    return "-";
  case UnaryOp::Not:
    return "!";
  case UnaryOp::BitNot:
    return "~";
  case UnaryOp::Borrow:
    return "&";
  case UnaryOp::BorrowMut:
    return "&mut";
  }
  return "?";
}

const char *getSpelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add:
    return "+";
  case BinaryOp::Sub:
    return "-";
  case BinaryOp::Mul:
    return "*";
  case BinaryOp::Div:
    return "/";
  case BinaryOp::Rem:
    return "%";
  case BinaryOp::BitAnd:
    return "&";
  case BinaryOp::BitOr:
    return "|";
  case BinaryOp::BitXor:
    return "^";
  case BinaryOp::Shl:
    return "<<";
  case BinaryOp::Shr:
    return ">>";
  case BinaryOp::Eq:
    return "==";
  case BinaryOp::Ne:
    return "!=";
  case BinaryOp::Lt:
    return "<";
  case BinaryOp::Le:
    return "<=";
  case BinaryOp::Gt:
    return ">";
  case BinaryOp::Ge:
    return ">=";
  case BinaryOp::LogicalAnd:
    return "&&";
  case BinaryOp::LogicalOr:
    return "||";
  }
  return "?";
}

namespace {
class Dumper {
public:
  explicit Dumper(const SourceManager &sm) : sm(sm) {}
  std::string out;

  void module(const Module &m) {
    line(0, fmt::format("Module {}", m.name));
    for (const auto &d : m.decls)
      decl(*d, 1);
    for (const ImplBlock &impl : m.impls) {
      line(1, fmt::format("Impl{} {} {}", generics(impl.genericParams),
                          typeExpr(*impl.target),
                          pos(impl.range)));
      for (const auto &fn : impl.fns)
        decl(*fn, 2);
    }
  }

private:
  const SourceManager &sm;

  std::string pos(SourceRange r) const {
    if (!r.isValid())
      return "<invalid>";
    LineCol lc = sm.getLineCol(r.begin);
    return fmt::format("<{}:{}>", lc.line, lc.col);
  }

  void line(unsigned indent, const std::string &text) {
    out += std::string(indent * 2, ' ') + text + "\n";
  }

  std::string typeExpr(const TypeExpr &t) {
    if (t.kind == TypeExpr::Kind::Array)
      return fmt::format("[{}; {}]", typeExpr(*t.element), exprInline(*t.size));
    if (t.kind == TypeExpr::Kind::Ref)
      return (t.refMut ? "&mut " : "&") + typeExpr(*t.element);
    std::string s;
    for (size_t i = 0; i < t.path.size(); ++i)
      s += (i ? "::" : "") + t.path[i].name;
    if (!t.genericArgs.empty()) {
      s += "<";
      for (size_t i = 0; i < t.genericArgs.size(); ++i) {
        const GenericArg &a = t.genericArgs[i];
        s += (i ? ", " : "") +
             (a.type ? typeExpr(*a.type) : exprInline(*a.value));
      }
      s += ">";
    }
    return s;
  }

  /// Short spelling for expressions that appear inside type expressions.
  std::string exprInline(const Expr &e) {
    if (auto *i = llvm::dyn_cast<IntLitExpr>(&e))
      return i->text;
    if (auto *n = llvm::dyn_cast<NameExpr>(&e)) {
      std::string s;
      for (size_t i = 0; i < n->path.size(); ++i)
        s += (i ? "::" : "") + n->path[i].name;
      return s;
    }
    return "<expr>";
  }

  std::string typeSuffix(const Expr &e) const {
    return e.type ? " : " + e.type->str() : "";
  }

  void attrs(const Decl &d, unsigned indent) {
    for (const Attribute &a : d.attributes) {
      std::string args;
      for (size_t i = 0; i < a.args.size(); ++i)
        args += (i ? ", " : "") + a.args[i];
      line(indent, fmt::format("Attribute @{}{}", a.name.name,
                               a.args.empty() ? "" : "(" + args + ")"));
    }
  }

  void decl(const Decl &d, unsigned indent) {
    switch (d.getKind()) {
    case Decl::Kind::Fn: {
      auto &fn = llvm::cast<FnDecl>(d);
      line(indent, fmt::format("{}Fn {}{} {}{}", fn.isExtern ? "Extern" : "",
                               fn.name.name, generics(fn.genericParams),
                               pos(fn.range),
                               fn.resultType
                                   ? " -> " + typeExpr(*fn.resultType)
                                   : ""));
      attrs(d, indent + 1);
      for (const auto &p : fn.params)
        line(indent + 1,
             fmt::format("Param {}{}{}",
                         p->typeExpr || p->ref == RefKind::None ? ""
                         : p->ref == RefKind::Mut                 ? "&mut "
                                                                  : "&",
                         p->name.name,
                         p->typeExpr ? ": " + typeExpr(*p->typeExpr) : ""));
      if (fn.body)
        stmt(*fn.body, indent + 1);
      return;
    }
    case Decl::Kind::Struct: {
      auto &s = llvm::cast<StructDecl>(d);
      line(indent, fmt::format("{} {}{} {}", s.isEnum ? "Enum" : "Struct",
                               s.name.name, generics(s.genericParams),
                               pos(s.range)));
      attrs(d, indent + 1);
      for (const FieldDecl &f : s.fields)
        line(indent + 1,
             fmt::format("Field {}: {}", f.name.name, typeExpr(*f.typeExpr)));
      for (const VariantDecl &v : s.variants) {
        std::string payload;
        for (size_t i = 0; i < v.payloadExprs.size(); ++i)
          payload += (i ? ", " : "(") + typeExpr(*v.payloadExprs[i]);
        line(indent + 1, fmt::format("Variant {}{}", v.name.name,
                                     payload.empty() ? "" : payload + ")"));
      }
      return;
    }
    case Decl::Kind::Const: {
      auto &c = llvm::cast<ConstDecl>(d);
      line(indent, fmt::format("Const {}{} {}", c.name.name,
                               c.typeExpr ? ": " + typeExpr(*c.typeExpr) : "",
                               pos(c.range)));
      expr(*c.init, indent + 1);
      return;
    }
    case Decl::Kind::Import: {
      auto &imp = llvm::cast<ImportDecl>(d);
      std::string path;
      for (size_t i = 0; i < imp.path.size(); ++i)
        path += (i ? "." : "") + imp.path[i].name;
      line(indent, fmt::format("Import {} {}", path, pos(imp.range)));
      return;
    }
    }
  }

  void stmt(const Stmt &s, unsigned indent) {
    switch (s.getKind()) {
    case Stmt::Kind::Let: {
      auto &l = llvm::cast<LetStmt>(s);
      line(indent,
           fmt::format("{} {}{} {}", l.var->isMutable ? "Var" : "Let",
                       l.var->name.name,
                       l.var->typeExpr ? ": " + typeExpr(*l.var->typeExpr)
                                       : "",
                       pos(s.range)));
      expr(*l.init, indent + 1);
      return;
    }
    case Stmt::Kind::Expr:
      line(indent, "ExprStmt " + pos(s.range));
      expr(*llvm::cast<ExprStmt>(s).expr, indent + 1);
      return;
    case Stmt::Kind::Assign: {
      auto &a = llvm::cast<AssignStmt>(s);
      line(indent, fmt::format("Assign {}= {}",
                               a.op ? getSpelling(*a.op) : "", pos(s.range)));
      expr(*a.target, indent + 1);
      expr(*a.value, indent + 1);
      return;
    }
    case Stmt::Kind::Block:
      line(indent, "Block " + pos(s.range));
      for (const auto &c : llvm::cast<BlockStmt>(s).body)
        stmt(*c, indent + 1);
      return;
    case Stmt::Kind::If: {
      auto &i = llvm::cast<IfStmt>(s);
      line(indent, "If " + pos(s.range));
      expr(*i.cond, indent + 1);
      stmt(*i.thenBlock, indent + 1);
      if (i.elseStmt) {
        line(indent + 1, "Else");
        stmt(*i.elseStmt, indent + 2);
      }
      return;
    }
    case Stmt::Kind::While: {
      auto &w = llvm::cast<WhileStmt>(s);
      line(indent, "While " + pos(s.range));
      expr(*w.cond, indent + 1);
      stmt(*w.body, indent + 1);
      return;
    }
    case Stmt::Kind::For: {
      auto &f = llvm::cast<ForStmt>(s);
      line(indent, fmt::format("For {} {}", f.var->name.name, pos(s.range)));
      expr(*f.start, indent + 1);
      expr(*f.end, indent + 1);
      if (f.step) {
        line(indent + 1, "Step");
        expr(*f.step, indent + 2);
      }
      stmt(*f.body, indent + 1);
      return;
    }
    case Stmt::Kind::Break:
      line(indent, "Break " + pos(s.range));
      return;
    case Stmt::Kind::Continue:
      line(indent, "Continue " + pos(s.range));
      return;
    case Stmt::Kind::Return: {
      auto &r = llvm::cast<ReturnStmt>(s);
      line(indent, "Return " + pos(s.range));
      if (r.value)
        expr(*r.value, indent + 1);
      return;
    }
    }
  }

  void expr(const Expr &e, unsigned indent) {
    std::string p = pos(e.range) + typeSuffix(e);
    switch (e.getKind()) {
    case Expr::Kind::IntLit:
      line(indent, fmt::format("IntLit {} {}", llvm::cast<IntLitExpr>(e).text,
                               p));
      return;
    case Expr::Kind::FloatLit:
      line(indent, fmt::format("FloatLit {} {}",
                               llvm::cast<FloatLitExpr>(e).text, p));
      return;
    case Expr::Kind::BoolLit:
      line(indent, fmt::format("BoolLit {} {}",
                               llvm::cast<BoolLitExpr>(e).value, p));
      return;
    case Expr::Kind::StrLit: {
      std::string escaped;
      for (char c : llvm::cast<StrLitExpr>(e).value) {
        if (c == '\n')
          escaped += "\\n";
        else if (c == '"' || c == '\\')
          escaped += std::string("\\") + c;
        else if (static_cast<unsigned char>(c) < 0x20)
          escaped += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
          escaped += c;
      }
      line(indent, fmt::format("StrLit \"{}\" {}", escaped, p));
      return;
    }
    case Expr::Kind::Name:
      line(indent, fmt::format("Name {} {}", exprInline(e), p));
      return;
    case Expr::Kind::Unary: {
      auto &u = llvm::cast<UnaryExpr>(e);
      line(indent, fmt::format("Unary {} {}", getSpelling(u.op), p));
      expr(*u.operand, indent + 1);
      return;
    }
    case Expr::Kind::Binary: {
      auto &b = llvm::cast<BinaryExpr>(e);
      line(indent, fmt::format("Binary {} {}", getSpelling(b.op), p));
      expr(*b.lhs, indent + 1);
      expr(*b.rhs, indent + 1);
      return;
    }
    case Expr::Kind::Call: {
      auto &c = llvm::cast<CallExpr>(e);
      line(indent, "Call " + p);
      expr(*c.callee, indent + 1);
      for (const CallArg &a : c.args) {
        if (a.name) {
          line(indent + 1, "NamedArg " + a.name->name);
          expr(*a.value, indent + 2);
        } else {
          expr(*a.value, indent + 1);
        }
      }
      return;
    }
    case Expr::Kind::Field: {
      auto &f = llvm::cast<FieldExpr>(e);
      line(indent, fmt::format("Field {} {}", f.field.name, p));
      expr(*f.base, indent + 1);
      return;
    }
    case Expr::Kind::Index: {
      auto &i = llvm::cast<IndexExpr>(e);
      line(indent, "Index " + p);
      expr(*i.base, indent + 1);
      expr(*i.index, indent + 1);
      return;
    }
    case Expr::Kind::Cast: {
      auto &c = llvm::cast<CastExpr>(e);
      line(indent, fmt::format("Cast {} {}", typeExpr(*c.target), p));
      expr(*c.operand, indent + 1);
      return;
    }
    case Expr::Kind::ArrayLit:
      line(indent, "ArrayLit " + p);
      for (const auto &el : llvm::cast<ArrayLitExpr>(e).elements)
        expr(*el, indent + 1);
      return;
    case Expr::Kind::ArrayRepeat: {
      auto &r = llvm::cast<ArrayRepeatExpr>(e);
      line(indent, "ArrayRepeat " + p);
      expr(*r.value, indent + 1);
      expr(*r.count, indent + 1);
      return;
    }
    case Expr::Kind::StructLit: {
      auto &s = llvm::cast<StructLitExpr>(e);
      line(indent, fmt::format("StructLit {} {}", typeExpr(*s.typeName), p));
      for (const FieldInit &f : s.fields) {
        line(indent + 1, "FieldInit " + f.name.name);
        expr(*f.value, indent + 2);
      }
      return;
    }
    case Expr::Kind::Try:
      line(indent, "Try " + p);
      expr(*llvm::cast<TryExpr>(e).operand, indent + 1);
      return;
    case Expr::Kind::Match: {
      auto &m = llvm::cast<MatchExpr>(e);
      line(indent, fmt::format("Match{} {}", m.isStmt ? "Stmt" : "", p));
      expr(*m.scrutinee, indent + 1);
      for (const MatchArm &a : m.arms) {
        line(indent + 1, "Arm " + pattern(a.pattern));
        if (a.pattern.literal)
          expr(*a.pattern.literal, indent + 2);
        if (a.block)
          stmt(*a.block, indent + 2);
        else
          expr(*a.value, indent + 2);
      }
      return;
    }
    }
  }

  /// `<T: Float, const N: i64>`, or "" without generic parameters.
  std::string generics(const std::vector<GenericParam> &params) {
    std::string out;
    for (const GenericParam &g : params) {
      out += out.empty() ? "<" : ", ";
      if (g.isType)
        out += g.name.name + (g.bound.name.empty() ? "" : ": " + g.bound.name);
      else
        out += "const " + g.name.name + ": " + typeExpr(*g.typeExpr);
    }
    return out.empty() ? out : out + ">";
  }

  /// `_`, `Shape::Rect(w, _)` or `literal`.
  static std::string pattern(const Pattern &p) {
    if (p.kind == Pattern::Kind::Wildcard)
      return "_";
    if (p.kind == Pattern::Kind::Literal)
      return "literal";
    std::string out;
    for (size_t i = 0; i < p.path.size(); ++i)
      out += (i ? "::" : "") + p.path[i].name;
    for (size_t i = 0; i < p.vars.size(); ++i)
      out += (i ? ", " : "(") + p.vars[i]->name.name;
    return p.vars.empty() ? out : out + ")";
  }
};
} // namespace

std::string dumpAST(const Module &module, const SourceManager &sm) {
  Dumper d(sm);
  d.module(module);
  return d.out;
}

} // namespace nlc
