//===- Diagnostics.h - The diagnostic engine --------------------*- C++ -*-===//
//
// Every user-facing message of the compiler is declared once in
// Diagnostics.def and reported through DiagnosticEngine, which prints
// `file:line:col: error: message`, the source line and a caret underline.
// The engine also implements the verify mode (`--verify-diagnostics`), which
// matches reported diagnostics against `// expected-error {{...}}` comments.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_DIAGNOSTICS_H
#define NLC_FRONTEND_DIAGNOSTICS_H

#include "frontend/SourceManager.h"

#include <cstdio>
#include <string>
#include <vector>

namespace nlc {

enum class DiagKind { Error, Warning, Note };

/// Identifiers of all diagnostics, generated from Diagnostics.def.
enum class DiagID : unsigned {
#define DIAG(ID, KIND, FORMAT) ID,
#include "frontend/Diagnostics.def"
#undef DIAG
};

/// Static description of one registered diagnostic.
struct DiagInfo {
  const char *name;
  DiagKind kind;
  const char *format;
};

/// All registered diagnostics, in Diagnostics.def order.
const std::vector<DiagInfo> &getDiagnosticRegistry();

/// One reported diagnostic with its formatted message.
struct Diagnostic {
  DiagKind kind;
  DiagID id;
  SourceRange range;
  std::string message;
  /// Notes attached to this diagnostic (kind == Note).
  std::vector<Diagnostic> notes;
};

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(SourceManager &sm) : sm(sm) {}

  /// Reports a diagnostic; `{0}`, `{1}`... in its format take `args`.
  /// Returns the stored diagnostic so that notes can be attached.
  Diagnostic &report(SourceRange range, DiagID id,
                     std::vector<std::string> args = {});
  /// Attaches a note to the last reported error or warning.
  void note(SourceRange range, DiagID id, std::vector<std::string> args = {});

  unsigned getNumErrors() const { return numErrors; }
  bool hasErrors() const { return numErrors != 0; }
  /// True once the error limit is reached: callers may stop early.
  bool tooManyErrors() const { return numErrors >= errorLimit; }

  /// How many diagnostics are stored: a mark for eraseSince.
  size_t size() const { return diags.size(); }
  /// Forgets the diagnostics stored since `mark` for which `drop` holds.
  template <typename Pred> void eraseSince(size_t mark, Pred drop) {
    for (size_t i = diags.size(); i-- > mark;)
      if (drop(diags[i])) {
        numErrors -= diags[i].kind == DiagKind::Error;
        diags.erase(diags.begin() + i);
      }
  }

  /// Prints every diagnostic reported so far to `out` and forgets them.
  void flush(std::FILE *out = stderr);
  /// Verify mode: checks the reported diagnostics against the
  /// `expected-*` comments of every loaded file, prints mismatches, and
  /// returns true when they match exactly. Nothing else is printed.
  bool verify();

  /// Formats one diagnostic the way `flush` prints it.
  std::string render(const Diagnostic &d) const;

private:
  SourceManager &sm;
  std::vector<Diagnostic> diags;
  unsigned numErrors = 0;
  static constexpr unsigned errorLimit = 50;
};

/// Returns `name` of the registry entry for `id`.
const char *getDiagName(DiagID id);

} // namespace nlc

#endif // NLC_FRONTEND_DIAGNOSTICS_H
