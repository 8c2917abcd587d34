//===- Lexer.cpp - Neuro-Lang lexer ---------------------------------------===//
//
// A hand-written, single-pass lexer. Numbers accept `_` separators and the
// `0x`/`0b`/`0o` prefixes; `1..n` lexes as an integer and a range operator,
// never as a float.
//
//===----------------------------------------------------------------------===//

#include "frontend/Lexer.h"

#include <cctype>
#include <cstring>

namespace nlc {

const char *getTokenSpelling(TokenKind kind) {
  switch (kind) {
#define TOK(NAME, SPELLING)                                                    \
  case TokenKind::NAME:                                                        \
    return SPELLING;
#include "frontend/TokenKinds.def"
  }
  return "<unknown>";
}

const char *getTokenName(TokenKind kind) {
  switch (kind) {
#define TOK(NAME, SPELLING)                                                    \
  case TokenKind::NAME:                                                        \
    return #NAME;
#include "frontend/TokenKinds.def"
  }
  return "<unknown>";
}

Lexer::Lexer(SourceManager &sm, DiagnosticEngine &diags, uint32_t file)
    : diags(diags), file(file), text(sm.getText(file)) {}

Token Lexer::make(TokenKind kind, uint32_t start) {
  Token t;
  t.kind = kind;
  t.range = SourceRange(loc(start), loc(pos));
  t.text = text.substr(start, pos - start);
  return t;
}

void Lexer::skipTrivia() {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++pos;
      continue;
    }
    if (c == '/' && peek(1) == '/') {
      while (pos < text.size() && text[pos] != '\n')
        ++pos;
      continue;
    }
    if (c == '/' && peek(1) == '*') {
      uint32_t start = pos;
      pos += 2;
      unsigned depth = 1;
      while (pos < text.size() && depth > 0) {
        if (text[pos] == '/' && peek(1) == '*') {
          ++depth;
          pos += 2;
        } else if (text[pos] == '*' && peek(1) == '/') {
          --depth;
          pos += 2;
        } else {
          ++pos;
        }
      }
      if (depth > 0)
        diags.report(SourceRange(loc(start), loc(start + 2)),
                     DiagID::err_unterminated_block_comment);
      continue;
    }
    return;
  }
}

static bool isIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
static bool isIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

Token Lexer::lexIdentifier(uint32_t start) {
  while (isIdentChar(peek()))
    ++pos;
  std::string_view word = text.substr(start, pos - start);
#define KEYWORD(NAME, SPELLING)                                                \
  if (word == SPELLING)                                                        \
    return make(TokenKind::kw_##NAME, start);
#include "frontend/TokenKinds.def"
  return make(TokenKind::identifier, start);
}

Token Lexer::lexNumber(uint32_t start) {
  auto isDigitOf = [](char c, int base) {
    if (c == '_')
      return true;
    if (base == 16)
      return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    if (base == 2)
      return c == '0' || c == '1';
    if (base == 8)
      return c >= '0' && c <= '7';
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  };
  if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'b' || peek(1) == 'o')) {
    int base = peek(1) == 'x' ? 16 : peek(1) == 'b' ? 2 : 8;
    pos += 2;
    bool sawDigit = false;
    while (isDigitOf(peek(), base)) {
      sawDigit |= peek() != '_';
      ++pos;
    }
    // Whatever follows the digits belongs to the same (bad) token: report
    // it once here, so that Sema never sees a malformed literal.
    uint32_t restStart = pos;
    while (isIdentChar(peek()))
      ++pos;
    if (restStart < pos &&
        std::isdigit(static_cast<unsigned char>(text[restStart])))
      diags.report(SourceRange(loc(restStart), loc(restStart + 1)),
                   DiagID::err_invalid_digit,
                   {std::string(1, text[restStart]), base == 2 ? "2" : "8"});
    else if (!sawDigit)
      diags.report(SourceRange(loc(start), loc(restStart)),
                   DiagID::err_missing_digits);
    else if (restStart < pos)
      diags.report(SourceRange(loc(restStart), loc(pos)),
                   DiagID::err_invalid_number_suffix,
                   {std::string(text.substr(restStart, pos - restStart))});
    return make(TokenKind::int_literal, start);
  }
  bool isFloat = false;
  while (isDigitOf(peek(), 10))
    ++pos;
  // A fraction needs a digit after the dot: `1..n` and `x.0.f` stay apart.
  if (peek() == '.' && std::isdigit(static_cast<unsigned char>(peek(1)))) {
    isFloat = true;
    ++pos;
    while (isDigitOf(peek(), 10))
      ++pos;
  }
  if (peek() == 'e' || peek() == 'E') {
    unsigned ahead = (peek(1) == '+' || peek(1) == '-') ? 2 : 1;
    if (std::isdigit(static_cast<unsigned char>(peek(ahead)))) {
      isFloat = true;
      pos += ahead;
      while (isDigitOf(peek(), 10))
        ++pos;
    }
  }
  if (isIdentStart(peek())) {
    uint32_t suffixStart = pos;
    while (isIdentChar(peek()))
      ++pos;
    diags.report(SourceRange(loc(suffixStart), loc(pos)),
                 DiagID::err_invalid_number_suffix,
                 {std::string(text.substr(suffixStart, pos - suffixStart))});
  }
  return make(isFloat ? TokenKind::float_literal : TokenKind::int_literal,
              start);
}

Token Lexer::lexString(uint32_t start) {
  ++pos; // opening quote
  while (pos < text.size() && text[pos] != '"' && text[pos] != '\n') {
    if (text[pos] == '\\') {
      uint32_t escStart = pos;
      char e = peek(1);
      if (e == 'n' || e == 't' || e == 'r' || e == '\\' || e == '"' ||
          e == '0' || e == '\'') {
        pos += 2;
        continue;
      }
      if (e == 'x' && std::isxdigit(static_cast<unsigned char>(peek(2))) &&
          std::isxdigit(static_cast<unsigned char>(peek(3)))) {
        pos += 4;
        continue;
      }
      pos += (e == '\0' || e == '\n') ? 1 : 2;
      diags.report(SourceRange(loc(escStart), loc(pos)),
                   DiagID::err_invalid_escape,
                   {std::string(text.substr(escStart, pos - escStart))});
      continue;
    }
    ++pos;
  }
  if (peek() != '"') {
    diags.report(SourceRange(loc(start), loc(start + 1)),
                 DiagID::err_unterminated_string);
    Token t = make(TokenKind::string_literal, start);
    t.followsLexError = true;
    return t;
  }
  ++pos;
  return make(TokenKind::string_literal, start);
}

bool decodeStringLiteral(std::string_view tok, std::string &out) {
  out.clear();
  if (tok.size() < 2)
    return false;
  size_t end = tok.back() == '"' ? tok.size() - 1 : tok.size();
  bool ok = true;
  for (size_t i = 1; i < end; ++i) {
    char c = tok[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= end) {
      ok = false;
      break;
    }
    char e = tok[++i];
    switch (e) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case 'r':
      out += '\r';
      break;
    case '0':
      out += '\0';
      break;
    case '\\':
    case '"':
    case '\'':
      out += e;
      break;
    case 'x':
      if (i + 2 < end + 1 && std::isxdigit(static_cast<unsigned char>(tok[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(tok[i + 2]))) {
        out += static_cast<char>(std::stoi(std::string(tok.substr(i + 1, 2)),
                                           nullptr, 16));
        i += 2;
        break;
      }
      ok = false;
      break;
    default:
      ok = false;
    }
  }
  return ok;
}

Token Lexer::lex() {
  // Set after an unexpected character or an unterminated comment, which
  // are skipped: the token that follows is marked.
  bool damaged = false;
  auto marked = [&](Token t) {
    t.followsLexError |= damaged;
    return t;
  };
  for (;;) {
    unsigned errorsBefore = diags.getNumErrors();
    skipTrivia();
    damaged |= diags.getNumErrors() != errorsBefore;
    uint32_t start = pos;
    if (pos >= text.size())
      return marked(make(TokenKind::eof, start));
    char c = text[pos];
    if (isIdentStart(c))
      return marked(lexIdentifier(start));
    if (std::isdigit(static_cast<unsigned char>(c)))
      return marked(lexNumber(start));
    if (c == '"')
      return marked(lexString(start));

    // Punctuation: longest match first.
    struct Punct {
      const char *spelling;
      TokenKind kind;
    };
    static const Punct puncts[] = {
        {"<<=", TokenKind::lesslessequal},
        {">>=", TokenKind::greatergreaterequal},
        {"::", TokenKind::coloncolon},
        {"..", TokenKind::periodperiod},
        {"->", TokenKind::arrow},
        {"==", TokenKind::equalequal},
        {"=>", TokenKind::fatarrow},
        {"!=", TokenKind::exclaimequal},
        {"<=", TokenKind::lessequal},
        {">=", TokenKind::greaterequal},
        {"&&", TokenKind::ampamp},
        {"||", TokenKind::pipepipe},
        {"<<", TokenKind::lessless},
        {">>", TokenKind::greatergreater},
        {"+=", TokenKind::plusequal},
        {"-=", TokenKind::minusequal},
        {"*=", TokenKind::starequal},
        {"/=", TokenKind::slashequal},
        {"%=", TokenKind::percentequal},
        {"&=", TokenKind::ampequal},
        {"|=", TokenKind::pipeequal},
        {"^=", TokenKind::caretequal},
        {"(", TokenKind::l_paren},
        {")", TokenKind::r_paren},
        {"{", TokenKind::l_brace},
        {"}", TokenKind::r_brace},
        {"[", TokenKind::l_square},
        {"]", TokenKind::r_square},
        {",", TokenKind::comma},
        {";", TokenKind::semi},
        {":", TokenKind::colon},
        {".", TokenKind::period},
        {"@", TokenKind::at},
        {"?", TokenKind::question},
        {"=", TokenKind::equal},
        {"<", TokenKind::less},
        {">", TokenKind::greater},
        {"+", TokenKind::plus},
        {"-", TokenKind::minus},
        {"*", TokenKind::star},
        {"/", TokenKind::slash},
        {"%", TokenKind::percent},
        {"&", TokenKind::amp},
        {"|", TokenKind::pipe},
        {"^", TokenKind::caret},
        {"~", TokenKind::tilde},
        {"!", TokenKind::exclaim},
    };
    for (const Punct &p : puncts) {
      size_t n = std::strlen(p.spelling);
      if (text.substr(pos, n) == p.spelling) {
        pos += n;
        return marked(make(p.kind, start));
      }
    }
    // Skip one UTF-8 sequence so that the caret covers the whole character.
    ++pos;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
      ++pos;
    std::string_view bad = text.substr(start, pos - start);
    std::string shown;
    if (bad.size() == 1 && !std::isprint(static_cast<unsigned char>(bad[0]))) {
      static const char hex[] = "0123456789abcdef";
      unsigned char b = bad[0];
      shown = std::string("\\x") + hex[b >> 4] + hex[b & 15];
    } else {
      shown = std::string(bad);
    }
    diags.report(SourceRange(loc(start), loc(pos)), DiagID::err_unexpected_char,
                 {shown});
    damaged = true;
  }
}

} // namespace nlc
