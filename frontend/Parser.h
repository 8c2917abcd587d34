//===- Parser.h - Neuro-Lang parser -----------------------------*- C++ -*-===//
//
// A recursive-descent parser from tokens to the AST of one module. It
// reports syntax errors and recovers at statement and declaration
// boundaries, so one run reports every independent syntax error.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_PARSER_H
#define NLC_FRONTEND_PARSER_H

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"
#include "frontend/Token.h"

namespace nlc {

class Parser {
public:
  Parser(SourceManager &sm, DiagnosticEngine &diags, uint32_t file);
  /// Parses the whole file. Always returns a module (possibly partial).
  std::unique_ptr<Module> parseModule(std::string name);
  /// Parses again the function whose `fn` (or `extern`) keyword is at
  /// `start`: a fresh tree for an instance of a generic function.
  std::unique_ptr<FnDecl> parseFnAt(SourceLoc start, bool inImpl = false);
  /// Likewise for the `struct` or `enum` keyword at `start`.
  std::unique_ptr<StructDecl> parseStructAt(SourceLoc start);

private:
  // Token stream.
  const Token &tok() const { return tokens[pos]; }
  const Token &peek(unsigned n = 1) const;
  /// Whether `peek(n)` is the contextual keyword `mut`.
  bool peekIsMut(unsigned n) const;
  /// At `mut` that makes a reference type `&mut T` (after the `&`).
  bool isMutKeyword() const;
  /// At `&` that starts a mutable borrow `&mut place`.
  bool isMutBorrow() const;
  bool is(TokenKind k) const { return tok().is(k); }
  Token consume();
  bool consumeIf(TokenKind k);
  /// Consumes a token of kind `k` or reports "expected ..., found ...".
  bool expect(TokenKind k, const char *what = nullptr);
  void reportExpected(const std::string &what);
  std::string describe(const Token &t) const;
  SourceLoc prevEnd() const;

  // Recovery.
  /// Skips the rest of the statement that starts at token `stmtStart`.
  void skipToStmtEnd(size_t stmtStart);
  /// True when the current token is the first of its line: after an error,
  /// a declaration keyword there most likely starts the next declaration.
  bool atLineStart() const;
  void skipToDeclStart();

  // Declarations.
  bool parseAttributes(std::vector<Attribute> &attrs);
  std::unique_ptr<Decl> parseDecl(std::vector<Attribute> attrs);
  std::unique_ptr<FnDecl> parseFn(std::vector<Attribute> attrs, bool inImpl);
  std::unique_ptr<Decl> parseStruct(std::vector<Attribute> attrs);
  std::unique_ptr<Decl> parseEnum(std::vector<Attribute> attrs);
  /// `struct`/`enum` keyword, name, generic parameters and `{` of a type
  /// declaration; null after an error (`what` names the missing name).
  std::unique_ptr<StructDecl> parseTypeDeclHead(std::vector<Attribute> attrs,
                                                const char *what);
  std::unique_ptr<Decl> parseConst(std::vector<Attribute> attrs);
  std::unique_ptr<Decl> parseImport(std::vector<Attribute> attrs);
  bool parseImpl(Module &m);
  /// `<T, U: Float, const N: i64>` after a declaration's name (the `<` is
  /// the current token); `allowConst` for functions.
  bool parseGenericParams(std::vector<GenericParam> &out, bool allowConst);

  // Types.
  /// Parses a type. `allowGenerics` is false after `as`, where `<` is a
  /// comparison (`x as i32 < y`).
  std::unique_ptr<TypeExpr> parseType(bool allowGenerics = true);
  /// Parses `name: Type` (a parameter, generic parameter or field); `what`
  /// names the identifier in the "expected" message. False after an error.
  bool parseTypedName(const char *what, Ident &name,
                      std::unique_ptr<TypeExpr> &type);
  bool parsePath(std::vector<Ident> &path);

  // Statements.
  std::unique_ptr<BlockStmt> parseBlock();
  std::unique_ptr<Stmt> parseStmt();
  std::unique_ptr<Stmt> parseLet();
  std::unique_ptr<Stmt> parseIf();
  std::unique_ptr<Stmt> parseWhile();
  std::unique_ptr<Stmt> parseFor();

  // Expressions.
  std::unique_ptr<Expr> parseExpr(bool noStructLit = false);
  std::unique_ptr<Expr> parseBinary(int minPrec, bool noStructLit);
  /// A cast expression: prefix operators, then `as T` any number of times.
  std::unique_ptr<Expr> parseUnary(bool noStructLit);
  /// `::<A, B>` after a name or a method: the arguments, into `out`.
  bool parseGenericArgs(std::vector<std::unique_ptr<Expr>> &out);
  /// Prefix operators (`-`, `!`, `~`) applied to a postfix expression.
  std::unique_ptr<Expr> parsePrefix(bool noStructLit);
  std::unique_ptr<Expr> parsePostfix(bool noStructLit);
  std::unique_ptr<Expr> parsePrimary(bool noStructLit);
  std::unique_ptr<Expr> parseArrayLiteral();
  std::unique_ptr<Expr> parseStructLiteral(std::unique_ptr<TypeExpr> type);
  bool parseCallArgs(std::vector<CallArg> &args);
  /// `match e { arms }`; `isStmt` when it starts a statement.
  std::unique_ptr<Expr> parseMatch(bool isStmt);
  bool parsePattern(Pattern &p);

  /// Guards recursion depth so that deeply nested input cannot overflow
  /// the stack.
  bool enterNesting();
  struct NestingScope {
    Parser &p;
    ~NestingScope() { --p.depth; }
  };

  SourceManager &sm;
  DiagnosticEngine &diags;
  uint32_t file;
  std::vector<Token> tokens;
  size_t pos = 0;
  /// Index of the first token of the top-level declaration being parsed.
  size_t declStart = 0;
  unsigned depth = 0;
  /// How many `parseExpr` calls are active (0 outside expressions).
  unsigned exprNesting = 0;
  bool nestingReported = false;
};

} // namespace nlc

#endif // NLC_FRONTEND_PARSER_H
