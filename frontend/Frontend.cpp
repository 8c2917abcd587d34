//===- Frontend.cpp - Load, parse and check a program ---------------------===//
//
// Module loading: `import a.b;` in a file of directory D looks for `a/b.nl`
// in D, then in each `-I` directory in order, then in the standard library.
// Each file is loaded once however often it is imported.
//
//===----------------------------------------------------------------------===//

#include "frontend/Frontend.h"
#include "frontend/Parser.h"
#include "frontend/Sema.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace nlc {

static std::string canonical(const std::string &path) {
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(path, real))
    return path;
  return std::string(real);
}

Module *Frontend::parse(const std::string &path) {
  // The prelude (Option, Result...), which every module sees without
  // `import`, is the first module when the standard library (the last
  // search path) has one.
  if (!searchPaths.empty()) {
    llvm::SmallString<256> prelude(searchPaths.back());
    llvm::sys::path::append(prelude, "prelude.nl");
    if (llvm::sys::fs::is_regular_file(prelude))
      if (Module *m = load(std::string(prelude), "prelude"))
        m->isPrelude = true;
  }
  std::string name = llvm::sys::path::stem(path).str();
  return load(path, name);
}

Module *Frontend::load(const std::string &path, const std::string &name) {
  std::string error;
  uint32_t file = sm.addFile(path, error);
  if (!file) {
    diags.report(SourceRange(), DiagID::err_cannot_open_file, {path, error});
    return nullptr;
  }
  return loadFile(file, canonical(path), name,
                  llvm::sys::path::parent_path(path).str());
}

Module *Frontend::loadFile(uint32_t file, const std::string &key,
                           const std::string &name, const std::string &dir) {
  Parser parser(sm, diags, file);
  modules.push_back(parser.parseModule(name));
  Module *m = modules.back().get();
  loaded[key] = m;
  loading.push_back(key);
  resolveImports(*m, dir);
  loading.pop_back();
  ordered.push_back(m);
  return m;
}

/// The text of the standard library's `target` module, which the compiler
/// writes for the program being built.
static std::string targetModuleText(const TargetFacts &t) {
  auto b = [](bool v) { return v ? "true" : "false"; };
  return std::string("// The target this program is built for, written by "
                     "nlc (docs/LangRef.md, \"The target\").\n"
                     "const BARE_METAL: bool = ") +
         b(t.bareMetal) + ";\nconst GPU: bool = " + b(t.gpu) + ";\n";
}

std::string Frontend::findModule(const ImportDecl &imp, const std::string &dir,
                                 std::string &searched) {
  llvm::SmallString<128> rel;
  for (const Ident &part : imp.path)
    llvm::sys::path::append(rel, part.name);
  rel += ".nl";
  std::vector<std::string> dirs;
  dirs.push_back(dir.empty() ? "." : dir);
  dirs.insert(dirs.end(), searchPaths.begin(), searchPaths.end());
  for (const std::string &d : dirs) {
    llvm::SmallString<256> candidate(d);
    llvm::sys::path::append(candidate, rel);
    if (llvm::sys::fs::is_regular_file(candidate))
      return std::string(candidate);
    searched += (searched.empty() ? "" : ", ") + d;
  }
  return "";
}

void Frontend::resolveImports(Module &m, const std::string &dir) {
  for (auto &d : m.decls) {
    auto *imp = llvm::dyn_cast<ImportDecl>(d.get());
    if (!imp)
      continue;
    std::string dotted;
    for (const Ident &part : imp->path)
      dotted += (dotted.empty() ? "" : ".") + part.name;
    std::string searched;
    std::string path = findModule(*imp, dir, searched);
    // The standard library's `target` module is not a file: the compiler
    // writes it (a file of that name found first takes its place, as for
    // any module of the standard library).
    if (path.empty() && dotted == "target") {
      const std::string key = "<target>";
      auto it = loaded.find(key);
      imp->imported =
          it != loaded.end()
              ? it->second
              : loadFile(sm.addBuffer(key, targetModuleText(target)), key,
                         dotted, "");
      continue;
    }
    if (path.empty()) {
      diags.report(imp->range, DiagID::err_module_not_found,
                   {dotted, searched});
      continue;
    }
    std::string key = canonical(path);
    if (std::find(loading.begin(), loading.end(), key) != loading.end()) {
      diags.report(imp->range, DiagID::err_import_cycle, {dotted});
      continue;
    }
    auto it = loaded.find(key);
    imp->imported = it != loaded.end() ? it->second : load(path, dotted);
  }
}

bool Frontend::check(bool library) {
  if (diags.hasErrors())
    return false;
  Sema sema(sm, diags, types);
  return sema.run(ordered, library);
}

} // namespace nlc
