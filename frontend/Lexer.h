//===- Lexer.h - Neuro-Lang lexer -------------------------------*- C++ -*-===//
//
// Turns one source buffer into tokens. Comments (`//`, nested `/* */`) and
// white space are skipped. Lexical errors are reported and the offending
// characters skipped, so that lexing always reaches the end of the buffer.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_LEXER_H
#define NLC_FRONTEND_LEXER_H

#include "frontend/Diagnostics.h"
#include "frontend/Token.h"

namespace nlc {

class Lexer {
public:
  Lexer(SourceManager &sm, DiagnosticEngine &diags, uint32_t file);

  /// Returns the next token; returns `eof` forever at the end.
  Token lex();

private:
  Token make(TokenKind kind, uint32_t start);
  SourceLoc loc(uint32_t offset) const { return {file, offset}; }
  void skipTrivia();
  Token lexIdentifier(uint32_t start);
  Token lexNumber(uint32_t start);
  Token lexString(uint32_t start);
  char peek(unsigned ahead = 0) const {
    return pos + ahead < text.size() ? text[pos + ahead] : '\0';
  }

  DiagnosticEngine &diags;
  uint32_t file;
  std::string_view text;
  uint32_t pos = 0;
};

/// Decodes the escapes of a string literal token's text (quotes included).
/// Returns false if an escape is invalid (the lexer already reported it).
bool decodeStringLiteral(std::string_view tokenText, std::string &out);

} // namespace nlc

#endif // NLC_FRONTEND_LEXER_H
