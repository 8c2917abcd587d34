//===- SourceManager.h - Source buffers and locations -----------*- C++ -*-===//
//
// Owns the text of every source file of a compilation and maps compact
// locations (file id + byte offset) back to file names, lines and columns for
// diagnostics. The frontend never stores line/column pairs: it stores
// SourceLoc and asks this class when it must print.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_SOURCEMANAGER_H
#define NLC_FRONTEND_SOURCEMANAGER_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nlc {

/// A position in a source file: the file's id and a byte offset in it.
/// A default-constructed location is invalid (file id 0 is never used).
struct SourceLoc {
  uint32_t file = 0;
  uint32_t offset = 0;
  bool isValid() const { return file != 0; }
};

/// A half-open byte range [begin, end) inside one file.
struct SourceRange {
  SourceLoc begin;
  SourceLoc end;
  SourceRange() = default;
  SourceRange(SourceLoc b, SourceLoc e) : begin(b), end(e) {}
  explicit SourceRange(SourceLoc b) : begin(b), end(b) {}
  bool isValid() const { return begin.isValid(); }
};

/// Line and column, both 1-based; the column counts bytes.
struct LineCol {
  unsigned line = 0;
  unsigned col = 0;
};

/// Holds all source buffers of a compilation.
class SourceManager {
public:
  /// Adds a buffer and returns its file id.
  uint32_t addBuffer(std::string name, std::string text);
  /// Reads a file from disk; returns 0 and sets `error` when it cannot.
  uint32_t addFile(const std::string &path, std::string &error);

  std::string_view getText(uint32_t file) const;
  const std::string &getName(uint32_t file) const;
  LineCol getLineCol(SourceLoc loc) const;
  /// The text of the line containing `loc`, without its newline.
  std::string_view getLineText(SourceLoc loc) const;
  /// Number of loaded files; valid ids are 1..getNumFiles().
  uint32_t getNumFiles() const { return files.size(); }
  /// Returns the file id of an already loaded path, or 0.
  uint32_t findFile(const std::string &path) const;

private:
  struct File {
    std::string name;
    std::string text;
    std::vector<uint32_t> lineStarts;
  };
  const File &file(uint32_t id) const { return *files[id - 1]; }
  std::vector<std::unique_ptr<File>> files;
};

} // namespace nlc

#endif // NLC_FRONTEND_SOURCEMANAGER_H
