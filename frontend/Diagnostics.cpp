//===- Diagnostics.cpp - The diagnostic engine ----------------------------===//
//
// Formatting and printing of diagnostics, and the verify mode that checks
// `expected-error@+N {{text}}` comments (like MLIR's -verify-diagnostics).
//
//===----------------------------------------------------------------------===//

#include "frontend/Diagnostics.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <regex>

namespace nlc {

const std::vector<DiagInfo> &getDiagnosticRegistry() {
  static const std::vector<DiagInfo> registry = {
#define DIAG(ID, KIND, FORMAT) {#ID, DiagKind::KIND, FORMAT},
#include "frontend/Diagnostics.def"
#undef DIAG
  };
  return registry;
}

const char *getDiagName(DiagID id) {
  return getDiagnosticRegistry()[static_cast<unsigned>(id)].name;
}

static std::string formatMessage(const char *format,
                                 const std::vector<std::string> &args) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const std::string &a : args)
    store.push_back(a);
  return fmt::vformat(format, store);
}

Diagnostic &DiagnosticEngine::report(SourceRange range, DiagID id,
                                     std::vector<std::string> args) {
  const DiagInfo &info = getDiagnosticRegistry()[static_cast<unsigned>(id)];
  if (info.kind == DiagKind::Error)
    ++numErrors;
  diags.push_back({info.kind, id, range, formatMessage(info.format, args), {}});
  return diags.back();
}

void DiagnosticEngine::note(SourceRange range, DiagID id,
                            std::vector<std::string> args) {
  const DiagInfo &info = getDiagnosticRegistry()[static_cast<unsigned>(id)];
  Diagnostic n{DiagKind::Note, id, range, formatMessage(info.format, args), {}};
  if (diags.empty()) {
    diags.push_back(std::move(n));
    return;
  }
  diags.back().notes.push_back(std::move(n));
}

static const char *kindName(DiagKind k) {
  switch (k) {
  case DiagKind::Error:
    return "error";
  case DiagKind::Warning:
    return "warning";
  case DiagKind::Note:
    return "note";
  }
  return "error";
}

std::string DiagnosticEngine::render(const Diagnostic &d) const {
  std::string out;
  if (!d.range.isValid()) {
    out = fmt::format("nlc: {}: {}\n", kindName(d.kind), d.message);
  } else {
    LineCol lc = sm.getLineCol(d.range.begin);
    out = fmt::format("{}:{}:{}: {}: {}\n", sm.getName(d.range.begin.file),
                      lc.line, lc.col, kindName(d.kind), d.message);
    std::string_view line = sm.getLineText(d.range.begin);
    out += fmt::format("{}\n", line);
    // Underline the range on this line: a caret, then tildes.
    unsigned len = 1;
    if (d.range.end.file == d.range.begin.file &&
        d.range.end.offset > d.range.begin.offset) {
      len = d.range.end.offset - d.range.begin.offset;
      unsigned maxLen = line.size() >= lc.col ? line.size() - lc.col + 1 : 1;
      len = std::max(1u, std::min(len, maxLen));
    }
    // Columns count bytes; the caret line counts characters, so that it
    // lines up under UTF-8 text (continuation bytes take no column).
    auto isContinuation = [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
    };
    std::string pad;
    for (unsigned i = 0; i + 1 < lc.col && i < line.size(); ++i)
      if (!isContinuation(line[i]))
        pad += line[i] == '\t' ? '\t' : ' ';
    unsigned width = 0;
    for (unsigned i = lc.col - 1; i < lc.col - 1 + len && i < line.size(); ++i)
      width += !isContinuation(line[i]);
    width = std::max(1u, width);
    out += pad + "^" + std::string(width - 1, '~') + "\n";
  }
  for (const Diagnostic &n : d.notes)
    out += render(n);
  return out;
}

void DiagnosticEngine::flush(std::FILE *out) {
  // Source order reads best; diagnostics without a location come first.
  std::stable_sort(diags.begin(), diags.end(),
                   [](const Diagnostic &a, const Diagnostic &b) {
                     return std::make_pair(a.range.begin.file,
                                           a.range.begin.offset) <
                            std::make_pair(b.range.begin.file,
                                           b.range.begin.offset);
                   });
  for (const Diagnostic &d : diags)
    std::fputs(render(d).c_str(), out);
  diags.clear();
}

namespace {
/// One `expected-KIND@LINE {{text}}` comment.
struct Expectation {
  DiagKind kind;
  uint32_t file;
  unsigned line;
  std::string text;
  bool matched = false;
};
} // namespace

/// The number of an `expected-*@N` comment. Longer numbers than 9 digits
/// name no line and are capped, so that neither std::stol nor the line
/// arithmetic overflows.
static long parseLineNumber(const std::string &digits) {
  return digits.size() > 9 ? 1000000000L : std::stol(digits);
}

static void collectExpectations(const SourceManager &sm, uint32_t file,
                                std::vector<Expectation> &out) {
  static const std::regex re(
      R"(expected-(error|warning|note)(@([+-]?)([0-9]+|above|below))?\s*\{\{(.*?)\}\})");
  std::string_view text = sm.getText(file);
  unsigned lineNo = 1;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos)
      eol = text.size();
    std::string line(text.substr(pos, eol - pos));
    size_t comment = line.find("//");
    if (comment != std::string::npos) {
      std::string tail = line.substr(comment);
      for (std::sregex_iterator it(tail.begin(), tail.end(), re), end;
           it != end; ++it) {
        const std::smatch &m = *it;
        DiagKind kind = m[1] == "error"     ? DiagKind::Error
                        : m[1] == "warning" ? DiagKind::Warning
                                            : DiagKind::Note;
        long target = lineNo;
        if (m[2].matched) {
          std::string off = m[4];
          if (off == "above")
            target = lineNo - 1;
          else if (off == "below")
            target = lineNo + 1;
          else if (m[3] == "+")
            target = lineNo + parseLineNumber(off);
          else if (m[3] == "-")
            target = lineNo - parseLineNumber(off);
          else
            target = parseLineNumber(off);
        }
        // Line 0 matches nothing: the expectation is reported as missing.
        if (target < 1)
          target = 0;
        out.push_back({kind, file, static_cast<unsigned>(target), m[5]});
      }
    }
    pos = eol + 1;
    ++lineNo;
  }
}

bool DiagnosticEngine::verify() {
  std::vector<Expectation> expected;
  for (uint32_t f = 1; f <= sm.getNumFiles(); ++f)
    collectExpectations(sm, f, expected);

  bool ok = true;
  auto unexpected = [&](const Diagnostic &d) {
    ok = false;
    std::string where = "<no location>";
    if (d.range.isValid()) {
      LineCol lc = sm.getLineCol(d.range.begin);
      where = fmt::format("{}:{}", sm.getName(d.range.begin.file), lc.line);
    }
    std::fprintf(stderr, "%s: unexpected %s: %s\n", where.c_str(),
                 kindName(d.kind), d.message.c_str());
  };
  auto match = [&](const Diagnostic &d) {
    if (!d.range.isValid()) {
      unexpected(d);
      return;
    }
    LineCol lc = sm.getLineCol(d.range.begin);
    for (Expectation &e : expected) {
      if (!e.matched && e.kind == d.kind &&
          e.file == d.range.begin.file && e.line == lc.line &&
          d.message.find(e.text) != std::string::npos) {
        e.matched = true;
        return;
      }
    }
    unexpected(d);
  };
  for (const Diagnostic &d : diags) {
    match(d);
    for (const Diagnostic &n : d.notes)
      match(n);
  }
  for (const Expectation &e : expected) {
    if (e.matched)
      continue;
    ok = false;
    std::fprintf(stderr, "%s:%u: expected %s not produced: %s\n",
                 sm.getName(e.file).c_str(), e.line, kindName(e.kind),
                 e.text.c_str());
  }
  // The diagnostics were expected (or their mismatches printed above):
  // they no longer count as errors of the compilation.
  diags.clear();
  numErrors = 0;
  return ok;
}

} // namespace nlc
