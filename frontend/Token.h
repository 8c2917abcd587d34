//===- Token.h - Neuro-Lang tokens ------------------------------*- C++ -*-===//
//
// A token is a kind, the source range it covers and (for identifiers and
// literals) its spelling. Kinds come from TokenKinds.def.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_TOKEN_H
#define NLC_FRONTEND_TOKEN_H

#include "frontend/SourceManager.h"

#include <string_view>

namespace nlc {

enum class TokenKind : unsigned char {
#define TOK(NAME, SPELLING) NAME,
#include "frontend/TokenKinds.def"
};

/// The fixed spelling of a kind, or a `<description>` for variable tokens.
const char *getTokenSpelling(TokenKind kind);
/// The enumerator name of a kind (`kw_fn`, `l_paren`...), for token dumps.
const char *getTokenName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::eof;
  SourceRange range;
  /// Points into the SourceManager's buffer.
  std::string_view text;
  /// True when the lexer could not make sense of the text just before this
  /// token or of the token itself (an unexpected character, an unterminated
  /// string or comment): it reported that, and the parser should not report
  /// the same root cause again as "expected ..., found ...".
  bool followsLexError = false;

  bool is(TokenKind k) const { return kind == k; }
  bool isNot(TokenKind k) const { return kind != k; }
};

} // namespace nlc

#endif // NLC_FRONTEND_TOKEN_H
