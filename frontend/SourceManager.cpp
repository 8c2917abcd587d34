//===- SourceManager.cpp - Source buffers and locations -------------------===//
//
// Implementation of the source buffer registry and offset-to-line mapping.
//
//===----------------------------------------------------------------------===//

#include "frontend/SourceManager.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace nlc {

uint32_t SourceManager::addBuffer(std::string name, std::string text) {
  auto f = std::make_unique<File>();
  f->name = std::move(name);
  f->text = std::move(text);
  f->lineStarts.push_back(0);
  for (uint32_t i = 0, e = f->text.size(); i < e; ++i)
    if (f->text[i] == '\n')
      f->lineStarts.push_back(i + 1);
  files.push_back(std::move(f));
  return files.size();
}

uint32_t SourceManager::addFile(const std::string &path, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open file";
    return 0;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    error = "cannot read file";
    return 0;
  }
  return addBuffer(path, ss.str());
}

std::string_view SourceManager::getText(uint32_t id) const {
  return file(id).text;
}

const std::string &SourceManager::getName(uint32_t id) const {
  return file(id).name;
}

LineCol SourceManager::getLineCol(SourceLoc loc) const {
  const File &f = file(loc.file);
  auto it = std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(),
                             loc.offset);
  unsigned line = it - f.lineStarts.begin();
  return {line, loc.offset - f.lineStarts[line - 1] + 1};
}

std::string_view SourceManager::getLineText(SourceLoc loc) const {
  const File &f = file(loc.file);
  LineCol lc = getLineCol(loc);
  uint32_t start = f.lineStarts[lc.line - 1];
  uint32_t end = lc.line < f.lineStarts.size() ? f.lineStarts[lc.line] - 1
                                               : f.text.size();
  std::string_view line(f.text.data() + start, end - start);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return line;
}

uint32_t SourceManager::findFile(const std::string &path) const {
  for (size_t i = 0; i < files.size(); ++i)
    if (files[i]->name == path)
      return i + 1;
  return 0;
}

} // namespace nlc
