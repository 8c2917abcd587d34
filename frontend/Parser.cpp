//===- Parser.cpp - Neuro-Lang parser -------------------------------------===//
//
// Recursive descent over a pre-lexed token vector. Binary expressions use
// precedence climbing with Rust's operator table: bitwise operators bind
// tighter than comparisons, comparisons do not chain, `as` binds tighter
// than every binary operator.
//
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"
#include "frontend/Lexer.h"

namespace nlc {

static constexpr unsigned maxNesting = 200;
/// Left-nested chains (`a + b + c ...`, `a.b.c ...`) grow the tree without
/// recursion here, but later stages recurse over them: bound them too.
static constexpr unsigned maxChain = 1000;
/// Chains inside chains (`(... + 1) + 1 ...`) multiply: bound the depth of
/// a whole expression tree as well.
static constexpr unsigned maxExprDepth = 2 * maxChain;

Parser::Parser(SourceManager &sm, DiagnosticEngine &diags, uint32_t file)
    : sm(sm), diags(diags), file(file) {
  Lexer lexer(sm, diags, file);
  for (;;) {
    tokens.push_back(lexer.lex());
    if (tokens.back().is(TokenKind::eof))
      break;
  }
}

const Token &Parser::peek(unsigned n) const {
  size_t i = pos + n;
  return i < tokens.size() ? tokens[i] : tokens.back();
}

bool Parser::peekIsMut(unsigned n) const {
  return peek(n).is(TokenKind::identifier) && peek(n).text == "mut";
}

bool Parser::isMutKeyword() const {
  // `mut` is not reserved: it is the keyword only before a type.
  const Token &next = peek();
  return peekIsMut(0) &&
         (next.is(TokenKind::identifier) || next.is(TokenKind::l_square) ||
          next.is(TokenKind::amp));
}

bool Parser::isMutBorrow() const {
  // `&mut x`, `&mut self.a`, `&mut (x)`; `&mut` alone borrows a variable
  // named `mut`.
  const Token &next = peek(2);
  return peekIsMut(1) &&
         (next.is(TokenKind::identifier) || next.is(TokenKind::kw_self) ||
          next.is(TokenKind::l_paren));
}

Token Parser::consume() {
  Token t = tokens[pos];
  if (pos + 1 < tokens.size())
    ++pos;
  return t;
}

bool Parser::consumeIf(TokenKind k) {
  if (!is(k))
    return false;
  consume();
  return true;
}

SourceLoc Parser::prevEnd() const {
  return pos > 0 ? tokens[pos - 1].range.end : tok().range.begin;
}

std::string Parser::describe(const Token &t) const {
  switch (t.kind) {
  case TokenKind::eof:
    return "end of file";
  case TokenKind::identifier:
    return "identifier `" + std::string(t.text) + "`";
  case TokenKind::int_literal:
  case TokenKind::float_literal:
    return "literal `" + std::string(t.text) + "`";
  case TokenKind::string_literal:
    return "string literal";
  default:
    return "`" + std::string(t.text) + "`";
  }
}

/// True when an error at token `pos` would only repeat a lexer error: the
/// token or the one before it follows text the lexer already rejected, or
/// an unterminated string swallowed the rest of a line of the declaration
/// that starts at `declStart` (its closing brackets are gone).
static bool nearLexError(const std::vector<Token> &tokens, size_t declStart,
                         size_t pos) {
  if (tokens[pos].followsLexError ||
      (pos > 0 && tokens[pos - 1].followsLexError))
    return true;
  for (size_t i = declStart; i < pos; ++i)
    if (tokens[i].followsLexError && tokens[i].is(TokenKind::string_literal))
      return true;
  return false;
}

void Parser::reportExpected(const std::string &what) {
  if (nearLexError(tokens, declStart, pos))
    return;
  // Something missing at the end of a line (usually a `;`) is reported
  // there, right after the last token, not at the start of the next line;
  // after an opening bracket or a separator the next line is just wrong.
  SourceRange at = tok().range;
  if (pos > 0 &&
      sm.getLineCol(prevEnd()).line < sm.getLineCol(tok().range.begin).line) {
    const Token &prev = tokens[pos - 1];
    bool afterSeparator =
        prev.is(TokenKind::l_brace) || prev.is(TokenKind::l_paren) ||
        prev.is(TokenKind::l_square) || prev.is(TokenKind::comma) ||
        prev.is(TokenKind::semi) || prev.is(TokenKind::r_brace);
    if (is(TokenKind::eof) || !afterSeparator)
      at = SourceRange(prevEnd(), prevEnd());
  }
  diags.report(at, DiagID::err_expected, {what, describe(tok())});
}

bool Parser::expect(TokenKind k, const char *what) {
  if (consumeIf(k))
    return true;
  reportExpected(what ? what : "`" + std::string(getTokenSpelling(k)) + "`");
  return false;
}

bool Parser::enterNesting() {
  if (++depth <= maxNesting)
    return true;
  if (!nestingReported)
    diags.report(tok().range, DiagID::err_nesting_too_deep,
                 {std::to_string(maxNesting)});
  nestingReported = true;
  return false;
}

/// Keywords that only start a top-level declaration, never a statement.
static bool startsTopLevelDecl(const Token &t) {
  return t.is(TokenKind::kw_fn) || t.is(TokenKind::kw_struct) ||
         t.is(TokenKind::kw_enum) ||
         t.is(TokenKind::kw_impl) || t.is(TokenKind::kw_import) ||
         t.is(TokenKind::kw_extern);
}

bool Parser::atLineStart() const {
  return pos == 0 ||
         sm.getLineCol(prevEnd()).line < sm.getLineCol(tok().range.begin).line;
}

void Parser::skipToStmtEnd(size_t stmtStart) {
  unsigned braces = 0;
  // `[T; N]` and `[v; N]` hold a `;` that does not end the statement: count
  // the square brackets left open since the statement began.
  unsigned squares = 0;
  for (size_t i = stmtStart; i < pos; ++i) {
    if (tokens[i].is(TokenKind::l_square))
      ++squares;
    else if (tokens[i].is(TokenKind::r_square) && squares > 0)
      --squares;
  }
  while (!is(TokenKind::eof)) {
    // The enclosing function lost its `}` (or a string swallowed it).
    if (braces == 0 && startsTopLevelDecl(tok()) && atLineStart())
      return;
    if (is(TokenKind::l_square))
      ++squares;
    if (is(TokenKind::r_square) && squares > 0)
      --squares;
    if (is(TokenKind::l_brace))
      ++braces;
    if (is(TokenKind::r_brace)) {
      // A `}` followed by what cannot start a statement closes a struct
      // literal of this statement (`P { x: 1, 2 };`), not the block.
      if (braces == 0) {
        const Token &next = peek();
        if (!next.is(TokenKind::semi) && !next.is(TokenKind::r_paren) &&
            !next.is(TokenKind::comma) && !next.is(TokenKind::r_square) &&
            !next.is(TokenKind::period))
          return;
        consume();
        continue;
      }
      if (--braces == 0) {
        consume();
        // `S {...};` was one statement: its `;` would start a bad one.
        consumeIf(TokenKind::semi);
        return;
      }
    }
    // Inside `[...]` only a `;` that ends its line ends the statement.
    if (is(TokenKind::semi) && braces == 0 &&
        (squares == 0 || sm.getLineCol(tok().range.end).line <
                             sm.getLineCol(peek().range.begin).line)) {
      consume();
      return;
    }
    consume();
  }
}

void Parser::skipToDeclStart() {
  unsigned braces = 0;
  while (!is(TokenKind::eof)) {
    // Only a keyword that starts a line: `struct S { x: fn }` is one error.
    if (braces == 0 &&
        (startsTopLevelDecl(tok()) || is(TokenKind::kw_const) ||
         is(TokenKind::at)) &&
        atLineStart())
      return;
    if (is(TokenKind::l_brace))
      ++braces;
    if (is(TokenKind::r_brace) && braces > 0)
      --braces;
    consume();
  }
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

std::unique_ptr<Module> Parser::parseModule(std::string name) {
  auto m = std::make_unique<Module>();
  m->name = std::move(name);
  m->file = file;
  while (!is(TokenKind::eof) && !diags.tooManyErrors()) {
    declStart = pos;
    std::vector<Attribute> attrs;
    if (!parseAttributes(attrs)) {
      skipToDeclStart();
      continue;
    }
    if (is(TokenKind::kw_impl)) {
      if (!attrs.empty())
        diags.report(attrs.front().name.range,
                     DiagID::err_attribute_not_allowed,
                     {attrs.front().name.name, "an `impl` block"});
      if (!parseImpl(*m))
        skipToDeclStart();
      continue;
    }
    size_t before = pos;
    if (auto d = parseDecl(std::move(attrs))) {
      d->module = m.get();
      m->decls.push_back(std::move(d));
      continue;
    }
    if (pos == before)
      consume();
    skipToDeclStart();
  }
  return m;
}

std::unique_ptr<FnDecl> Parser::parseFnAt(SourceLoc start, bool inImpl) {
  for (pos = 0; pos + 1 < tokens.size(); ++pos)
    if (tokens[pos].range.begin.offset == start.offset)
      return parseFn({}, inImpl);
  return nullptr;
}

bool Parser::parseAttributes(std::vector<Attribute> &attrs) {
  while (is(TokenKind::at)) {
    SourceLoc at = consume().range.begin;
    if (!is(TokenKind::identifier)) {
      reportExpected("attribute name");
      return false;
    }
    Token name = consume();
    Attribute a;
    a.name = {std::string(name.text), SourceRange(at, name.range.end)};
    if (consumeIf(TokenKind::l_paren)) {
      while (!is(TokenKind::r_paren) && !is(TokenKind::eof)) {
        a.args.push_back(std::string(consume().text));
        if (!consumeIf(TokenKind::comma))
          break;
      }
      if (!expect(TokenKind::r_paren))
        return false;
    }
    attrs.push_back(std::move(a));
  }
  return true;
}

std::unique_ptr<Decl> Parser::parseDecl(std::vector<Attribute> attrs) {
  switch (tok().kind) {
  case TokenKind::kw_fn:
  case TokenKind::kw_extern:
    return parseFn(std::move(attrs), /*inImpl=*/false);
  case TokenKind::kw_struct:
    return parseStruct(std::move(attrs));
  case TokenKind::kw_enum:
    return parseEnum(std::move(attrs));
  case TokenKind::kw_const:
    return parseConst(std::move(attrs));
  case TokenKind::kw_import:
    return parseImport(std::move(attrs));
  default:
    if (!nearLexError(tokens, declStart, pos))
      diags.report(tok().range, DiagID::err_expected_decl, {describe(tok())});
    return nullptr;
  }
}

std::unique_ptr<FnDecl> Parser::parseFn(std::vector<Attribute> attrs,
                                        bool inImpl) {
  SourceLoc start = tok().range.begin;
  auto fn = std::make_unique<FnDecl>(SourceRange(start));
  fn->attributes = std::move(attrs);
  fn->isExtern = consumeIf(TokenKind::kw_extern);
  if (!expect(TokenKind::kw_fn))
    return nullptr;
  if (!is(TokenKind::identifier)) {
    reportExpected("function name");
    return nullptr;
  }
  Token name = consume();
  fn->name = {std::string(name.text), name.range};
  if (is(TokenKind::less) && !parseGenericParams(fn->genericParams, true))
    return nullptr;
  if (!expect(TokenKind::l_paren))
    return nullptr;
  while (!is(TokenKind::r_paren)) {
    auto p = std::make_unique<VarDecl>();
    // `&self` and `&mut self` borrow the receiver.
    unsigned selfAt = is(TokenKind::amp) ? (peekIsMut(1) ? 2 : 1) : 0;
    if (peek(selfAt).is(TokenKind::kw_self)) {
      if (selfAt) {
        p->ref = selfAt == 2 ? RefKind::Mut : RefKind::Shared;
        for (unsigned i = 0; i < selfAt; ++i)
          consume();
      }
      Token self = consume();
      p->name = {"self", self.range};
      if (!fn->params.empty() || !inImpl)
        diags.report(self.range, inImpl ? DiagID::err_self_not_first
                                        : DiagID::err_self_outside_impl);
      else
        fn->hasSelf = true;
    } else {
      if (!parseTypedName("parameter name", p->name, p->typeExpr))
        return nullptr;
    }
    fn->params.push_back(std::move(p));
    if (!consumeIf(TokenKind::comma))
      break;
  }
  if (!expect(TokenKind::r_paren))
    return nullptr;
  if (consumeIf(TokenKind::arrow)) {
    fn->resultType = parseType();
    if (!fn->resultType)
      return nullptr;
  }
  if (is(TokenKind::l_brace)) {
    fn->body = parseBlock();
    if (!fn->body)
      return nullptr;
    if (fn->isExtern)
      diags.report(fn->name.range, DiagID::err_extern_with_body,
                   {fn->name.name});
  } else if (fn->isExtern) {
    if (!expect(TokenKind::semi))
      return nullptr;
  } else {
    reportExpected("`{` to begin the function body");
    return nullptr;
  }
  fn->range = SourceRange(start, prevEnd());
  return fn;
}

bool Parser::parseGenericParams(std::vector<GenericParam> &out,
                                bool allowConst) {
  consume(); // <
  while (!is(TokenKind::greater)) {
    GenericParam g;
    if (is(TokenKind::identifier)) {
      // A type parameter: `T` or `T: Bound`.
      Token name = consume();
      g.isType = true;
      g.name = {std::string(name.text), name.range};
      if (consumeIf(TokenKind::colon)) {
        if (!is(TokenKind::identifier)) {
          reportExpected("bound (`Float`, `Int` or `Numeric`)");
          return false;
        }
        Token bound = consume();
        g.bound = {std::string(bound.text), bound.range};
      }
    } else {
      if (!allowConst) {
        reportExpected("type parameter");
        return false;
      }
      if (!expect(TokenKind::kw_const, "`const` or type generic parameter"))
        return false;
      if (!parseTypedName("parameter name", g.name, g.typeExpr))
        return false;
    }
    out.push_back(std::move(g));
    if (!consumeIf(TokenKind::comma))
      break;
  }
  return expect(TokenKind::greater);
}

std::unique_ptr<StructDecl> Parser::parseStructAt(SourceLoc start) {
  for (pos = 0; pos + 1 < tokens.size(); ++pos)
    if (tokens[pos].range.begin.offset == start.offset) {
      std::unique_ptr<Decl> d = tokens[pos].is(TokenKind::kw_enum)
                                    ? parseEnum({})
                                    : parseStruct({});
      return std::unique_ptr<StructDecl>(
          llvm::cast_or_null<StructDecl>(d.release()));
    }
  return nullptr;
}

std::unique_ptr<StructDecl>
Parser::parseTypeDeclHead(std::vector<Attribute> attrs, const char *what) {
  SourceLoc start = consume().range.begin;
  auto s = std::make_unique<StructDecl>(SourceRange(start));
  s->attributes = std::move(attrs);
  if (!is(TokenKind::identifier)) {
    reportExpected(what);
    return nullptr;
  }
  Token name = consume();
  s->name = {std::string(name.text), name.range};
  if (is(TokenKind::less) && !parseGenericParams(s->genericParams, false))
    return nullptr;
  if (!expect(TokenKind::l_brace))
    return nullptr;
  return s;
}

std::unique_ptr<Decl> Parser::parseStruct(std::vector<Attribute> attrs) {
  SourceLoc start = tok().range.begin;
  std::unique_ptr<StructDecl> s =
      parseTypeDeclHead(std::move(attrs), "struct name");
  if (!s)
    return nullptr;
  while (!is(TokenKind::r_brace)) {
    FieldDecl f;
    if (!parseTypedName("field name", f.name, f.typeExpr))
      return nullptr;
    s->fields.push_back(std::move(f));
    if (!consumeIf(TokenKind::comma))
      break;
  }
  if (!expect(TokenKind::r_brace))
    return nullptr;
  s->range = SourceRange(start, prevEnd());
  return s;
}

std::unique_ptr<Decl> Parser::parseEnum(std::vector<Attribute> attrs) {
  SourceLoc start = tok().range.begin;
  std::unique_ptr<StructDecl> s =
      parseTypeDeclHead(std::move(attrs), "enum name");
  if (!s)
    return nullptr;
  s->isEnum = true;
  while (!is(TokenKind::r_brace)) {
    if (!is(TokenKind::identifier)) {
      reportExpected("variant name");
      return nullptr;
    }
    Token vname = consume();
    VariantDecl v;
    v.name = {std::string(vname.text), vname.range};
    if (consumeIf(TokenKind::l_paren)) {
      while (!is(TokenKind::r_paren)) {
        auto t = parseType();
        if (!t)
          return nullptr;
        v.payloadExprs.push_back(std::move(t));
        if (!consumeIf(TokenKind::comma))
          break;
      }
      if (!expect(TokenKind::r_paren))
        return nullptr;
    }
    s->variants.push_back(std::move(v));
    if (!consumeIf(TokenKind::comma))
      break;
  }
  if (!expect(TokenKind::r_brace))
    return nullptr;
  s->range = SourceRange(start, prevEnd());
  return s;
}

std::unique_ptr<Decl> Parser::parseConst(std::vector<Attribute> attrs) {
  SourceLoc start = consume().range.begin;
  auto c = std::make_unique<ConstDecl>(SourceRange(start));
  c->attributes = std::move(attrs);
  if (!is(TokenKind::identifier)) {
    reportExpected("constant name");
    return nullptr;
  }
  Token name = consume();
  c->name = {std::string(name.text), name.range};
  if (consumeIf(TokenKind::colon)) {
    c->typeExpr = parseType();
    if (!c->typeExpr)
      return nullptr;
  }
  if (!expect(TokenKind::equal))
    return nullptr;
  c->init = parseExpr();
  if (!c->init || !expect(TokenKind::semi))
    return nullptr;
  c->range = SourceRange(start, prevEnd());
  return c;
}

std::unique_ptr<Decl> Parser::parseImport(std::vector<Attribute> attrs) {
  SourceLoc start = consume().range.begin;
  auto imp = std::make_unique<ImportDecl>(SourceRange(start));
  imp->attributes = std::move(attrs);
  do {
    if (!is(TokenKind::identifier)) {
      reportExpected("module name");
      return nullptr;
    }
    Token part = consume();
    imp->path.push_back({std::string(part.text), part.range});
  } while (consumeIf(TokenKind::period));
  if (!expect(TokenKind::semi))
    return nullptr;
  imp->name = imp->path.back();
  imp->range = SourceRange(start, prevEnd());
  return imp;
}

bool Parser::parseImpl(Module &m) {
  SourceLoc start = consume().range.begin;
  ImplBlock impl;
  if (is(TokenKind::less) && !parseGenericParams(impl.genericParams, false))
    return false;
  impl.target = parseType();
  if (!impl.target || !expect(TokenKind::l_brace))
    return false;
  // After a bad method, resume at the next one or at the closing `}`.
  // `memberStart` guards progress: a bad member is at least one token.
  auto skipToNextMethod = [&](size_t memberStart) {
    unsigned braces = 0;
    while (!is(TokenKind::eof)) {
      if (braces == 0 && pos != memberStart &&
          (is(TokenKind::r_brace) ||
           ((is(TokenKind::kw_fn) || is(TokenKind::kw_extern) ||
             is(TokenKind::at)) &&
            atLineStart())))
        return;
      if (is(TokenKind::l_brace))
        ++braces;
      if (is(TokenKind::r_brace) && braces > 0)
        --braces;
      consume();
    }
  };
  while (!is(TokenKind::r_brace) && !is(TokenKind::eof) &&
         !diags.tooManyErrors()) {
    size_t memberStart = pos;
    std::vector<Attribute> attrs;
    if (!parseAttributes(attrs)) {
      skipToNextMethod(memberStart);
      continue;
    }
    if (!is(TokenKind::kw_fn) && !is(TokenKind::kw_extern)) {
      reportExpected("`fn` in `impl` block");
      skipToNextMethod(memberStart);
      continue;
    }
    auto fn = parseFn(std::move(attrs), /*inImpl=*/true);
    if (!fn) {
      skipToNextMethod(memberStart);
      continue;
    }
    fn->module = &m;
    impl.fns.push_back(std::move(fn));
  }
  if (!expect(TokenKind::r_brace))
    return false;
  impl.range = SourceRange(start, prevEnd());
  m.impls.push_back(std::move(impl));
  return true;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

bool Parser::parsePath(std::vector<Ident> &path) {
  do {
    if (!is(TokenKind::identifier) && !is(TokenKind::kw_self)) {
      reportExpected("identifier");
      return false;
    }
    Token t = consume();
    path.push_back({std::string(t.text), t.range});
    // `f::<...>` ends the path: generic arguments follow.
  } while (is(TokenKind::coloncolon) && !peek().is(TokenKind::less) &&
           consumeIf(TokenKind::coloncolon));
  return true;
}

bool Parser::parseTypedName(const char *what, Ident &name,
                            std::unique_ptr<TypeExpr> &type) {
  if (!is(TokenKind::identifier)) {
    reportExpected(what);
    return false;
  }
  Token t = consume();
  name = {std::string(t.text), t.range};
  if (!expect(TokenKind::colon))
    return false;
  type = parseType();
  return type != nullptr;
}

std::unique_ptr<TypeExpr> Parser::parseType(bool allowGenerics) {
  if (!enterNesting())
    return nullptr;
  NestingScope scope{*this};
  auto t = std::make_unique<TypeExpr>();
  SourceLoc start = tok().range.begin;
  if (consumeIf(TokenKind::amp)) {
    t->kind = TypeExpr::Kind::Ref;
    t->refMut = isMutKeyword();
    if (t->refMut)
      consume();
    t->element = parseType();
    if (!t->element)
      return nullptr;
    t->range = SourceRange(start, prevEnd());
    return t;
  }
  if (consumeIf(TokenKind::l_square)) {
    t->kind = TypeExpr::Kind::Array;
    t->element = parseType();
    if (!t->element || !expect(TokenKind::semi))
      return nullptr;
    t->size = parseExpr();
    if (!t->size || !expect(TokenKind::r_square))
      return nullptr;
    t->range = SourceRange(start, prevEnd());
    return t;
  }
  if (!is(TokenKind::identifier)) {
    if (!nearLexError(tokens, declStart, pos))
      diags.report(tok().range, DiagID::err_expected_type, {describe(tok())});
    return nullptr;
  }
  if (!parsePath(t->path))
    return nullptr;
  if (allowGenerics && consumeIf(TokenKind::less)) {
    while (!is(TokenKind::greater)) {
      GenericArg arg;
      if (is(TokenKind::identifier) || is(TokenKind::l_square)) {
        arg.type = parseType();
        if (!arg.type)
          return nullptr;
      } else {
        // Constant arguments are unary-level expressions: a bare `>` must
        // close the list, so no binary operators without parentheses.
        arg.value = parsePrefix(/*noStructLit=*/true);
        if (!arg.value)
          return nullptr;
      }
      t->genericArgs.push_back(std::move(arg));
      if (!consumeIf(TokenKind::comma))
        break;
    }
    // `Pair<Pair<i32>>`: the `>>` token closes two lists.
    if (is(TokenKind::greatergreater)) {
      Token &both = tokens[pos];
      both.kind = TokenKind::greater;
      both.range.begin.offset += 1;
      both.text = both.text.substr(1);
      t->range = SourceRange(start, both.range.begin);
      return t;
    }
    if (!expect(TokenKind::greater))
      return nullptr;
  }
  t->range = SourceRange(start, prevEnd());
  return t;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

std::unique_ptr<BlockStmt> Parser::parseBlock() {
  if (!enterNesting())
    return nullptr;
  NestingScope scope{*this};
  SourceLoc start = tok().range.begin;
  if (!expect(TokenKind::l_brace))
    return nullptr;
  std::vector<std::unique_ptr<Stmt>> body;
  while (!is(TokenKind::r_brace) && !is(TokenKind::eof) &&
         !diags.tooManyErrors()) {
    size_t before = pos;
    if (auto s = parseStmt()) {
      body.push_back(std::move(s));
      continue;
    }
    if (nestingReported)
      return nullptr;
    if (pos == before && !is(TokenKind::r_brace)) {
      // A stray `;` is a whole (bad) statement by itself.
      if (consume().is(TokenKind::semi))
        continue;
    }
    skipToStmtEnd(before);
    // Resume at the next declaration rather than parse it as statements.
    if (startsTopLevelDecl(tok()) && atLineStart())
      return nullptr;
  }
  if (!expect(TokenKind::r_brace))
    return nullptr;
  return std::make_unique<BlockStmt>(SourceRange(start, prevEnd()),
                                     std::move(body));
}

static std::optional<BinaryOp> compoundAssignOp(TokenKind k) {
  switch (k) {
  case TokenKind::plusequal:
    return BinaryOp::Add;
  case TokenKind::minusequal:
    return BinaryOp::Sub;
  case TokenKind::starequal:
    return BinaryOp::Mul;
  case TokenKind::slashequal:
    return BinaryOp::Div;
  case TokenKind::percentequal:
    return BinaryOp::Rem;
  case TokenKind::ampequal:
    return BinaryOp::BitAnd;
  case TokenKind::pipeequal:
    return BinaryOp::BitOr;
  case TokenKind::caretequal:
    return BinaryOp::BitXor;
  case TokenKind::lesslessequal:
    return BinaryOp::Shl;
  case TokenKind::greatergreaterequal:
    return BinaryOp::Shr;
  default:
    return std::nullopt;
  }
}

std::unique_ptr<Stmt> Parser::parseStmt() {
  SourceLoc start = tok().range.begin;
  switch (tok().kind) {
  case TokenKind::kw_let:
  case TokenKind::kw_var:
    return parseLet();
  case TokenKind::kw_if:
    return parseIf();
  case TokenKind::kw_while:
    return parseWhile();
  case TokenKind::kw_for:
    return parseFor();
  case TokenKind::kw_match: {
    auto m = parseMatch(/*isStmt=*/true);
    if (!m)
      return nullptr;
    consumeIf(TokenKind::semi);
    return std::make_unique<ExprStmt>(SourceRange(start, prevEnd()),
                                      std::move(m));
  }
  case TokenKind::l_brace:
    return parseBlock();
  case TokenKind::kw_break:
    consume();
    if (!expect(TokenKind::semi))
      return nullptr;
    return std::make_unique<BreakStmt>(SourceRange(start, prevEnd()));
  case TokenKind::kw_continue:
    consume();
    if (!expect(TokenKind::semi))
      return nullptr;
    return std::make_unique<ContinueStmt>(SourceRange(start, prevEnd()));
  case TokenKind::kw_return: {
    consume();
    std::unique_ptr<Expr> value;
    if (!is(TokenKind::semi)) {
      value = parseExpr();
      if (!value)
        return nullptr;
    }
    if (!expect(TokenKind::semi))
      return nullptr;
    return std::make_unique<ReturnStmt>(SourceRange(start, prevEnd()),
                                        std::move(value));
  }
  default:
    break;
  }
  auto e = parseExpr();
  if (!e)
    return nullptr;
  if (is(TokenKind::equal) || compoundAssignOp(tok().kind)) {
    std::optional<BinaryOp> op = compoundAssignOp(consume().kind);
    auto value = parseExpr();
    if (!value || !expect(TokenKind::semi))
      return nullptr;
    return std::make_unique<AssignStmt>(SourceRange(start, prevEnd()), op,
                                        std::move(e), std::move(value));
  }
  if (!expect(TokenKind::semi))
    return nullptr;
  return std::make_unique<ExprStmt>(SourceRange(start, prevEnd()),
                                    std::move(e));
}

std::unique_ptr<Stmt> Parser::parseLet() {
  SourceLoc start = tok().range.begin;
  bool isMutable = consume().is(TokenKind::kw_var);
  auto var = std::make_unique<VarDecl>();
  var->isMutable = isMutable;
  if (!is(TokenKind::identifier)) {
    reportExpected("variable name");
    return nullptr;
  }
  Token name = consume();
  var->name = {std::string(name.text), name.range};
  if (consumeIf(TokenKind::colon)) {
    var->typeExpr = parseType();
    if (!var->typeExpr)
      return nullptr;
  }
  if (!is(TokenKind::equal)) {
    diags.report(var->name.range, DiagID::err_let_without_init,
                 {isMutable ? "var" : "let", var->name.name});
    return nullptr;
  }
  consume();
  auto init = parseExpr();
  if (!init || !expect(TokenKind::semi))
    return nullptr;
  return std::make_unique<LetStmt>(SourceRange(start, prevEnd()),
                                   std::move(var), std::move(init));
}

std::unique_ptr<Stmt> Parser::parseIf() {
  if (!enterNesting())
    return nullptr;
  NestingScope scope{*this};
  SourceLoc start = consume().range.begin;
  auto cond = parseExpr(/*noStructLit=*/true);
  if (!cond)
    return nullptr;
  auto thenBlock = parseBlock();
  if (!thenBlock)
    return nullptr;
  std::unique_ptr<Stmt> elseStmt;
  if (consumeIf(TokenKind::kw_else)) {
    if (is(TokenKind::kw_if))
      elseStmt = parseIf();
    else
      elseStmt = parseBlock();
    if (!elseStmt)
      return nullptr;
  }
  return std::make_unique<IfStmt>(SourceRange(start, prevEnd()),
                                  std::move(cond), std::move(thenBlock),
                                  std::move(elseStmt));
}

std::unique_ptr<Stmt> Parser::parseWhile() {
  SourceLoc start = consume().range.begin;
  auto cond = parseExpr(/*noStructLit=*/true);
  if (!cond)
    return nullptr;
  auto body = parseBlock();
  if (!body)
    return nullptr;
  return std::make_unique<WhileStmt>(SourceRange(start, prevEnd()),
                                     std::move(cond), std::move(body));
}

std::unique_ptr<Stmt> Parser::parseFor() {
  SourceLoc start = consume().range.begin;
  auto var = std::make_unique<VarDecl>();
  if (!is(TokenKind::identifier)) {
    reportExpected("loop variable name");
    return nullptr;
  }
  Token name = consume();
  var->name = {std::string(name.text), name.range};
  if (!expect(TokenKind::kw_in))
    return nullptr;
  auto lo = parseExpr(/*noStructLit=*/true);
  if (!lo || !expect(TokenKind::periodperiod))
    return nullptr;
  auto hi = parseExpr(/*noStructLit=*/true);
  if (!hi)
    return nullptr;
  std::unique_ptr<Expr> step;
  // `step` is a contextual keyword: it stays usable as a name elsewhere.
  if (is(TokenKind::identifier) && tok().text == "step") {
    consume();
    step = parseExpr(/*noStructLit=*/true);
    if (!step)
      return nullptr;
  }
  auto body = parseBlock();
  if (!body)
    return nullptr;
  return std::make_unique<ForStmt>(SourceRange(start, prevEnd()),
                                   std::move(var), std::move(lo),
                                   std::move(hi), std::move(step),
                                   std::move(body));
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

namespace {
struct BinOpInfo {
  BinaryOp op;
  int prec;
};
} // namespace

static std::optional<BinOpInfo> binaryOpInfo(TokenKind k) {
  switch (k) {
  case TokenKind::pipepipe:
    return BinOpInfo{BinaryOp::LogicalOr, 1};
  case TokenKind::ampamp:
    return BinOpInfo{BinaryOp::LogicalAnd, 2};
  case TokenKind::equalequal:
    return BinOpInfo{BinaryOp::Eq, 3};
  case TokenKind::exclaimequal:
    return BinOpInfo{BinaryOp::Ne, 3};
  case TokenKind::less:
    return BinOpInfo{BinaryOp::Lt, 3};
  case TokenKind::lessequal:
    return BinOpInfo{BinaryOp::Le, 3};
  case TokenKind::greater:
    return BinOpInfo{BinaryOp::Gt, 3};
  case TokenKind::greaterequal:
    return BinOpInfo{BinaryOp::Ge, 3};
  case TokenKind::pipe:
    return BinOpInfo{BinaryOp::BitOr, 4};
  case TokenKind::caret:
    return BinOpInfo{BinaryOp::BitXor, 5};
  case TokenKind::amp:
    return BinOpInfo{BinaryOp::BitAnd, 6};
  case TokenKind::lessless:
    return BinOpInfo{BinaryOp::Shl, 7};
  case TokenKind::greatergreater:
    return BinOpInfo{BinaryOp::Shr, 7};
  case TokenKind::plus:
    return BinOpInfo{BinaryOp::Add, 8};
  case TokenKind::minus:
    return BinOpInfo{BinaryOp::Sub, 8};
  case TokenKind::star:
    return BinOpInfo{BinaryOp::Mul, 9};
  case TokenKind::slash:
    return BinOpInfo{BinaryOp::Div, 9};
  case TokenKind::percent:
    return BinOpInfo{BinaryOp::Rem, 9};
  default:
    return std::nullopt;
  }
}

/// Depth of the tree under `root` (1 for a leaf), types included, computed
/// without recursion since the tree may be deeper than the stack allows.
static unsigned treeDepth(const Expr &root) {
  struct Item {
    const Expr *e;
    const TypeExpr *t;
    unsigned depth;
  };
  unsigned maxDepth = 0;
  std::vector<Item> work{{&root, nullptr, 1}};
  while (!work.empty()) {
    Item it = work.back();
    work.pop_back();
    maxDepth = std::max(maxDepth, it.depth);
    auto push = [&](const Expr *e) {
      if (e)
        work.push_back({e, nullptr, it.depth + 1});
    };
    auto pushType = [&](const TypeExpr *t) {
      if (t)
        work.push_back({nullptr, t, it.depth + 1});
    };
    if (it.t) {
      pushType(it.t->element.get());
      push(it.t->size.get());
      for (const GenericArg &a : it.t->genericArgs) {
        pushType(a.type.get());
        push(a.value.get());
      }
      continue;
    }
    switch (it.e->getKind()) {
    case Expr::Kind::IntLit:
    case Expr::Kind::FloatLit:
    case Expr::Kind::BoolLit:
    case Expr::Kind::StrLit:
    case Expr::Kind::Name:
      break;
    case Expr::Kind::Unary:
      push(llvm::cast<UnaryExpr>(it.e)->operand.get());
      break;
    case Expr::Kind::Binary:
      push(llvm::cast<BinaryExpr>(it.e)->lhs.get());
      push(llvm::cast<BinaryExpr>(it.e)->rhs.get());
      break;
    case Expr::Kind::Call:
      push(llvm::cast<CallExpr>(it.e)->callee.get());
      for (const CallArg &a : llvm::cast<CallExpr>(it.e)->args)
        push(a.value.get());
      break;
    case Expr::Kind::Field:
      push(llvm::cast<FieldExpr>(it.e)->base.get());
      break;
    case Expr::Kind::Index:
      push(llvm::cast<IndexExpr>(it.e)->base.get());
      push(llvm::cast<IndexExpr>(it.e)->index.get());
      break;
    case Expr::Kind::Cast:
      push(llvm::cast<CastExpr>(it.e)->operand.get());
      pushType(llvm::cast<CastExpr>(it.e)->target.get());
      break;
    case Expr::Kind::ArrayLit:
      for (const auto &el : llvm::cast<ArrayLitExpr>(it.e)->elements)
        push(el.get());
      break;
    case Expr::Kind::ArrayRepeat:
      push(llvm::cast<ArrayRepeatExpr>(it.e)->value.get());
      push(llvm::cast<ArrayRepeatExpr>(it.e)->count.get());
      break;
    case Expr::Kind::StructLit:
      for (const FieldInit &f : llvm::cast<StructLitExpr>(it.e)->fields)
        push(f.value.get());
      break;
    case Expr::Kind::Try:
      push(llvm::cast<TryExpr>(it.e)->operand.get());
      break;
    case Expr::Kind::Match:
      push(llvm::cast<MatchExpr>(it.e)->scrutinee.get());
      for (const MatchArm &a : llvm::cast<MatchExpr>(it.e)->arms)
        if (a.value)
          push(a.value.get());
      break;
    }
  }
  return maxDepth;
}

std::unique_ptr<Expr> Parser::parseExpr(bool noStructLit) {
  if (!enterNesting())
    return nullptr;
  NestingScope scope{*this};
  SourceLoc start = tok().range.begin;
  ++exprNesting;
  auto e = parseBinary(1, noStructLit);
  --exprNesting;
  // Checked once per outermost expression: its subexpressions are inside.
  if (e && exprNesting == 0 && treeDepth(*e) > maxExprDepth) {
    diags.report(SourceRange(start, prevEnd()), DiagID::err_expression_too_deep,
                 {std::to_string(maxExprDepth)});
    return nullptr;
  }
  return e;
}

std::unique_ptr<Expr> Parser::parseBinary(int minPrec, bool noStructLit) {
  auto lhs = parseUnary(noStructLit);
  if (!lhs)
    return nullptr;
  for (unsigned chain = 0;; ++chain) {
    std::optional<BinOpInfo> info = binaryOpInfo(tok().kind);
    if (!info || info->prec < minPrec)
      return lhs;
    if (chain == maxChain) {
      diags.report(tok().range, DiagID::err_expression_too_long,
                   {std::to_string(maxChain)});
      return nullptr;
    }
    Token opTok = consume();
    // Every level is left-associative; comparisons (level 3) do not chain.
    auto rhs = parseBinary(info->prec + 1, noStructLit);
    if (!rhs)
      return nullptr;
    if (info->prec == 3) {
      std::optional<BinOpInfo> next = binaryOpInfo(tok().kind);
      if (next && next->prec == 3) {
        diags.report(tok().range, DiagID::err_chained_comparison);
        diags.note(opTok.range, DiagID::note_chained_comparison);
        return nullptr;
      }
    }
    SourceRange r(lhs->range.begin, rhs->range.end);
    lhs = std::make_unique<BinaryExpr>(r, info->op, opTok.range,
                                       std::move(lhs), std::move(rhs));
  }
}

bool Parser::parseGenericArgs(std::vector<std::unique_ptr<Expr>> &out) {
  consume(); // `::`
  consume(); // `<`
  while (!is(TokenKind::greater)) {
    auto arg = parsePrefix(/*noStructLit=*/true);
    if (!arg)
      return false;
    out.push_back(std::move(arg));
    if (!consumeIf(TokenKind::comma))
      break;
  }
  return expect(TokenKind::greater);
}

std::unique_ptr<Expr> Parser::parsePrefix(bool noStructLit) {
  std::optional<UnaryOp> op;
  if (is(TokenKind::minus))
    op = UnaryOp::Neg;
  else if (is(TokenKind::exclaim))
    op = UnaryOp::Not;
  else if (is(TokenKind::tilde))
    op = UnaryOp::BitNot;
  else if (is(TokenKind::amp))
    op = isMutBorrow() ? UnaryOp::BorrowMut : UnaryOp::Borrow;
  if (!op)
    return parsePostfix(noStructLit);
  if (!enterNesting())
    return nullptr;
  NestingScope scope{*this};
  SourceLoc start = consume().range.begin;
  if (*op == UnaryOp::BorrowMut)
    consume();
  auto operand = parsePrefix(noStructLit);
  if (!operand)
    return nullptr;
  SourceRange r(start, operand->range.end);
  return std::make_unique<UnaryExpr>(r, *op, std::move(operand));
}

std::unique_ptr<Expr> Parser::parseUnary(bool noStructLit) {
  // Prefix operators bind tighter than `as`: `-x as u8` is `(-x) as u8`.
  auto e = parsePrefix(noStructLit);
  for (unsigned chain = 0; e && is(TokenKind::kw_as); ++chain) {
    if (chain == maxChain) {
      diags.report(tok().range, DiagID::err_expression_too_long,
                   {std::to_string(maxChain)});
      return nullptr;
    }
    consume();
    auto target = parseType(/*allowGenerics=*/false);
    if (!target)
      return nullptr;
    SourceRange r(e->range.begin, target->range.end);
    e = std::make_unique<CastExpr>(r, std::move(e), std::move(target));
  }
  return e;
}

bool Parser::parseCallArgs(std::vector<CallArg> &args) {
  while (!is(TokenKind::r_paren)) {
    CallArg arg;
    if (is(TokenKind::identifier) && peek().is(TokenKind::equal)) {
      Token name = consume();
      consume();
      arg.name = Ident{std::string(name.text), name.range};
    }
    arg.value = parseExpr();
    if (!arg.value)
      return false;
    args.push_back(std::move(arg));
    if (!consumeIf(TokenKind::comma))
      break;
  }
  return expect(TokenKind::r_paren);
}

std::unique_ptr<Expr> Parser::parsePostfix(bool noStructLit) {
  auto e = parsePrimary(noStructLit);
  for (unsigned chain = 0; e; ++chain) {
    if (chain == maxChain) {
      diags.report(tok().range, DiagID::err_expression_too_long,
                   {std::to_string(maxChain)});
      return nullptr;
    }
    if (consumeIf(TokenKind::l_paren)) {
      std::vector<CallArg> args;
      if (!parseCallArgs(args))
        return nullptr;
      SourceRange r(e->range.begin, prevEnd());
      e = std::make_unique<CallExpr>(r, std::move(e), std::move(args));
    } else if (consumeIf(TokenKind::period)) {
      if (!is(TokenKind::identifier)) {
        reportExpected("field or method name");
        return nullptr;
      }
      Token name = consume();
      SourceRange r(e->range.begin, name.range.end);
      auto field = std::make_unique<FieldExpr>(
          r, std::move(e), Ident{std::string(name.text), name.range});
      // `x.m::<f32>(...)`: a generic method with explicit type arguments.
      if (is(TokenKind::coloncolon) && peek().is(TokenKind::less)) {
        if (!parseGenericArgs(field->genericArgs))
          return nullptr;
        field->range = SourceRange(field->range.begin, prevEnd());
      }
      e = std::move(field);
    } else if (is(TokenKind::question)) {
      SourceRange r(e->range.begin, consume().range.end);
      e = std::make_unique<TryExpr>(r, std::move(e));
    } else if (consumeIf(TokenKind::l_square)) {
      auto index = parseExpr();
      if (!index || !expect(TokenKind::r_square))
        return nullptr;
      SourceRange r(e->range.begin, prevEnd());
      e = std::make_unique<IndexExpr>(r, std::move(e), std::move(index));
    } else {
      break;
    }
  }
  return e;
}

std::unique_ptr<Expr> Parser::parsePrimary(bool noStructLit) {
  const Token &t = tok();
  switch (t.kind) {
  case TokenKind::int_literal: {
    Token lit = consume();
    return std::make_unique<IntLitExpr>(lit.range, std::string(lit.text));
  }
  case TokenKind::float_literal: {
    Token lit = consume();
    return std::make_unique<FloatLitExpr>(lit.range, std::string(lit.text));
  }
  case TokenKind::kw_true:
  case TokenKind::kw_false: {
    Token lit = consume();
    return std::make_unique<BoolLitExpr>(lit.range,
                                         lit.is(TokenKind::kw_true));
  }
  case TokenKind::string_literal: {
    Token lit = consume();
    std::string value;
    decodeStringLiteral(lit.text, value);
    return std::make_unique<StrLitExpr>(lit.range, std::move(value));
  }
  case TokenKind::l_paren: {
    consume();
    auto e = parseExpr();
    if (!e || !expect(TokenKind::r_paren))
      return nullptr;
    return e;
  }
  case TokenKind::l_square:
    return parseArrayLiteral();
  case TokenKind::kw_match:
    return parseMatch(/*isStmt=*/false);
  case TokenKind::identifier:
  case TokenKind::kw_self: {
    SourceLoc start = t.range.begin;
    std::vector<Ident> path;
    if (!parsePath(path))
      return nullptr;
    // `Name { field: ...}` is a struct literal, except where a block may
    // follow (conditions, ranges): there it would be ambiguous.
    if (!noStructLit && is(TokenKind::l_brace) &&
        (peek().is(TokenKind::r_brace) ||
         (peek().is(TokenKind::identifier) &&
          peek(2).is(TokenKind::colon)))) {
      auto type = std::make_unique<TypeExpr>();
      type->path = std::move(path);
      type->range = SourceRange(start, prevEnd());
      return parseStructLiteral(std::move(type));
    }
    auto name =
        std::make_unique<NameExpr>(SourceRange(start), std::move(path));
    if (is(TokenKind::coloncolon) && peek().is(TokenKind::less)) {
      if (!parseGenericArgs(name->genericArgs))
        return nullptr;
      // `Pair::<i32, f64> { a: 1, b: 2.0 }`: a literal of that instance.
      if (!noStructLit && is(TokenKind::l_brace) &&
          (peek().is(TokenKind::r_brace) ||
           (peek().is(TokenKind::identifier) &&
            peek(2).is(TokenKind::colon)))) {
        auto type = std::make_unique<TypeExpr>();
        type->path = std::move(name->path);
        for (auto &arg : name->genericArgs) {
          GenericArg g;
          auto *n = llvm::dyn_cast<NameExpr>(arg.get());
          if (n && n->genericArgs.empty()) {
            g.type = std::make_unique<TypeExpr>();
            g.type->path = n->path;
            g.type->range = n->range;
          } else {
            g.value = std::move(arg);
          }
          type->genericArgs.push_back(std::move(g));
        }
        type->range = SourceRange(start, prevEnd());
        return parseStructLiteral(std::move(type));
      }
    }
    name->range = SourceRange(start, prevEnd());
    return name;
  }
  default:
    if (!nearLexError(tokens, declStart, pos))
      diags.report(t.range, DiagID::err_expected_expr, {describe(t)});
    return nullptr;
  }
}

std::unique_ptr<Expr> Parser::parseMatch(bool isStmt) {
  if (!enterNesting())
    return nullptr;
  NestingScope scope{*this};
  SourceLoc start = consume().range.begin;
  auto scrutinee = parseExpr(/*noStructLit=*/true);
  if (!scrutinee || !expect(TokenKind::l_brace))
    return nullptr;
  auto m = std::make_unique<MatchExpr>(SourceRange(start), std::move(scrutinee));
  m->isStmt = isStmt;
  // After a bad arm, resume at the next one: the `match` stays whole, so
  // the statements after it parse normally.
  auto skipArm = [&] {
    unsigned nested = 0;
    while (!is(TokenKind::eof) && !(nested == 0 && is(TokenKind::r_brace))) {
      if (is(TokenKind::l_brace) || is(TokenKind::l_paren) ||
          is(TokenKind::l_square))
        ++nested;
      else if ((is(TokenKind::r_brace) || is(TokenKind::r_paren) ||
                is(TokenKind::r_square)) &&
               nested > 0)
        --nested;
      else if (nested == 0 && is(TokenKind::comma)) {
        consume();
        return;
      }
      consume();
    }
  };
  while (!is(TokenKind::r_brace) && !is(TokenKind::eof) &&
         !diags.tooManyErrors()) {
    MatchArm arm;
    size_t armStart = pos;
    if (!parsePattern(arm.pattern) || !expect(TokenKind::fatarrow)) {
      if (nestingReported)
        return nullptr;
      skipArm();
      if (pos == armStart)
        consume();
      continue;
    }
    if (is(TokenKind::l_brace)) {
      arm.block = parseBlock();
      if (!arm.block)
        return nullptr;
      consumeIf(TokenKind::comma);
    } else {
      arm.value = parseExpr();
      if (!arm.value || (!consumeIf(TokenKind::comma) && !is(TokenKind::r_brace))) {
        if (nestingReported)
          return nullptr;
        if (arm.value)
          reportExpected("`,` or `}` after a `match` arm");
        skipArm();
        continue;
      }
    }
    m->arms.push_back(std::move(arm));
  }
  if (!expect(TokenKind::r_brace))
    return nullptr;
  m->range = SourceRange(start, prevEnd());
  return m;
}

bool Parser::parsePattern(Pattern &p) {
  SourceLoc start = tok().range.begin;
  if (is(TokenKind::int_literal) || is(TokenKind::kw_true) ||
      is(TokenKind::kw_false) ||
      (is(TokenKind::minus) && peek().is(TokenKind::int_literal))) {
    p.kind = Pattern::Kind::Literal;
    p.literal = parsePrefix(/*noStructLit=*/true);
    p.range = SourceRange(start, prevEnd());
    return p.literal != nullptr;
  }
  if (!is(TokenKind::identifier)) {
    reportExpected("pattern");
    return false;
  }
  if (tok().text == "_" && !peek().is(TokenKind::coloncolon)) {
    p.range = consume().range;
    return true;
  }
  p.kind = Pattern::Kind::Variant;
  if (!parsePath(p.path))
    return false;
  if (consumeIf(TokenKind::l_paren)) {
    while (!is(TokenKind::r_paren)) {
      if (!is(TokenKind::identifier)) {
        reportExpected("binding name");
        return false;
      }
      Token name = consume();
      auto v = std::make_unique<VarDecl>();
      v->name = {std::string(name.text), name.range};
      p.vars.push_back(std::move(v));
      if (!consumeIf(TokenKind::comma))
        break;
    }
    if (!expect(TokenKind::r_paren))
      return false;
  }
  p.range = SourceRange(start, prevEnd());
  return true;
}

std::unique_ptr<Expr> Parser::parseArrayLiteral() {
  SourceLoc start = consume().range.begin;
  std::vector<std::unique_ptr<Expr>> elements;
  if (!is(TokenKind::r_square)) {
    auto first = parseExpr();
    if (!first)
      return nullptr;
    if (consumeIf(TokenKind::semi)) {
      auto count = parseExpr();
      if (!count || !expect(TokenKind::r_square))
        return nullptr;
      return std::make_unique<ArrayRepeatExpr>(SourceRange(start, prevEnd()),
                                               std::move(first),
                                               std::move(count));
    }
    elements.push_back(std::move(first));
    while (consumeIf(TokenKind::comma)) {
      if (is(TokenKind::r_square))
        break;
      auto e = parseExpr();
      if (!e)
        return nullptr;
      elements.push_back(std::move(e));
    }
  }
  if (!expect(TokenKind::r_square))
    return nullptr;
  return std::make_unique<ArrayLitExpr>(SourceRange(start, prevEnd()),
                                        std::move(elements));
}

std::unique_ptr<Expr>
Parser::parseStructLiteral(std::unique_ptr<TypeExpr> type) {
  SourceLoc start = type->range.begin;
  consume(); // {
  std::vector<FieldInit> fields;
  while (!is(TokenKind::r_brace)) {
    if (!is(TokenKind::identifier)) {
      reportExpected("field name");
      return nullptr;
    }
    Token name = consume();
    if (!expect(TokenKind::colon))
      return nullptr;
    auto value = parseExpr();
    if (!value)
      return nullptr;
    fields.push_back({{std::string(name.text), name.range}, std::move(value)});
    if (!consumeIf(TokenKind::comma))
      break;
  }
  if (!expect(TokenKind::r_brace))
    return nullptr;
  return std::make_unique<StructLitExpr>(SourceRange(start, prevEnd()),
                                         std::move(type), std::move(fields));
}

} // namespace nlc
