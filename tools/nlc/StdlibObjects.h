//===- StdlibObjects.h - The standard modules compiled once ---------------===//
//
// `nlc --build-stdlib=DIR` compiles every module of the standard library
// (stdlib/*.nl) once, each as a library object, into DIR/libnlstd.a, and
// writes DIR/manifest: what they were built with. An executable built later
// with the same options declares the functions of the standard modules it
// imports and links the archive instead of compiling them again
// (docs/CLI.md, "Standard modules compiled once").
//
//===----------------------------------------------------------------------===//

#ifndef NLC_TOOLS_NLC_STDLIBOBJECTS_H
#define NLC_TOOLS_NLC_STDLIBOBJECTS_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace nlc::driver {

struct Options;

/// The archive of compiled standard modules that serves a compilation, or
/// why there is none.
struct StdlibObjects {
  /// DIR/libnlstd.a; empty when it cannot serve.
  std::string archive;
  /// Why not, for --verbose.
  std::string why;
};

/// Where `--build-stdlib` writes and programs look by default:
/// <directory of nlc>/../lib/nlstd.
std::string defaultStdlibObjectsDir(const char *argv0);

/// The objects of `--stdlib-objects` (or the default directory), if its
/// manifest says they were built by this nlc, for this target, CPU,
/// features, -O and --check-bounds, from the standard modules as they are
/// now.
StdlibObjects findStdlibObjects(const Options &opts, const char *argv0);

/// `--build-stdlib=DIR`: compiles every standard module for `opts`, then
/// writes the archive and, last, the manifest. Returns the exit status.
int buildStdlib(const Options &opts, const char *argv0);

/// Whether `path` is a file of the standard library's directory.
bool isStdlibFile(llvm::StringRef path);

} // namespace nlc::driver

#endif // NLC_TOOLS_NLC_STDLIBOBJECTS_H
