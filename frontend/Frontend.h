//===- Frontend.h - Load, parse and check a program -------------*- C++ -*-===//
//
// Runs the frontend over a root file: parses it, finds and parses every
// module it imports (transitively, through the module search path), and
// runs Sema over all of them. The result is a typed AST ready for MLIRGen.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_FRONTEND_H
#define NLC_FRONTEND_FRONTEND_H

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"

namespace nlc {

/// What the standard library's `target` module says about the program being
/// built (docs/LangRef.md, "The target").
struct TargetFacts {
  /// A unikernel image (--target=x86_64-bare), not a Linux executable.
  bool bareMetal = false;
  /// Kernels run on a GPU (--target=nvptx64-nvidia-cuda).
  bool gpu = false;
};

class Frontend {
public:
  Frontend(SourceManager &sm, DiagnosticEngine &diags,
           std::vector<std::string> searchPaths, TargetFacts target = {})
      : sm(sm), diags(diags), searchPaths(std::move(searchPaths)),
        target(target) {}

  /// Parses `path` and its imports. Returns the root module, or null if the
  /// root file cannot be read. Syntax errors are reported, not fatal.
  Module *parse(const std::string &path);
  /// Runs Sema over everything parsed; a `library` root needs no `main`.
  /// Returns false on errors.
  bool check(bool library = false);

  /// Modules in dependency order: imports before importers, root last.
  const std::vector<Module *> &getModules() const { return ordered; }
  TypeContext &getTypes() { return types; }

private:
  Module *load(const std::string &path, const std::string &name);
  /// Parses a module from `file` (in `dir` for its own imports).
  Module *loadFile(uint32_t file, const std::string &key,
                   const std::string &name, const std::string &dir);
  void resolveImports(Module &m, const std::string &dir);
  std::string findModule(const ImportDecl &imp, const std::string &dir,
                         std::string &searched);

  SourceManager &sm;
  DiagnosticEngine &diags;
  std::vector<std::string> searchPaths;
  TargetFacts target;
  TypeContext types;
  std::vector<std::unique_ptr<Module>> modules;
  std::vector<Module *> ordered;
  /// Canonical paths of modules being loaded (import cycle detection) and
  /// of loaded ones.
  std::vector<std::string> loading;
  std::map<std::string, Module *> loaded;
};

} // namespace nlc

#endif // NLC_FRONTEND_FRONTEND_H
