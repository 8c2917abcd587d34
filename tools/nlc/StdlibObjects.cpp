//===- StdlibObjects.cpp - The standard modules compiled once -------------===//
//
// See StdlibObjects.h. The manifest is a few lines of text, each `field:
// value`; it is written last, after the archive, so a build that stopped
// half-way leaves none, and a program is then compiled whole, as before.
//
//===----------------------------------------------------------------------===//

#include "tools/nlc/StdlibObjects.h"
#include "frontend/Diagnostics.h"
#include "frontend/SourceManager.h"
#include "lowering/Target/TargetRegistry.h"
#include "tools/nlc/Compilation.h"
#include "tools/nlc/Options.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace nlc::driver {

namespace {
constexpr const char *kArchive = "libnlstd.a";
constexpr const char *kManifest = "manifest";

/// The standard modules' files (stdlib/*.nl), sorted by name.
std::vector<std::string> stdlibFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(NLC_STDLIB_DIR, ec), end;
       it != end && !ec; it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".nl")
      files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

/// One hash of the names and contents of the standard modules' files.
std::string sourcesHash() {
  std::string all;
  for (const std::string &file : stdlibFiles()) {
    all += llvm::sys::path::filename(file);
    all += '\0';
    if (llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
            llvm::MemoryBuffer::getFile(file))
      all += (*text)->getBuffer();
    all += '\0';
  }
  return fmt::format("{:016x}", llvm::xxh3_64bits(all));
}

/// The running nlc's size and modification time: a rebuilt compiler makes
/// other code.
std::string compilerIdentity(const char *argv0) {
  llvm::sys::fs::file_status st;
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&compilerIdentity));
  if (llvm::sys::fs::status(exe, st))
    return "unknown";
  return fmt::format("{} bytes, modified {}", st.getSize(),
                     st.getLastModificationTime().time_since_epoch().count());
}

/// The manifest's fields for `opts`, in order: everything that changes the
/// code of a standard module.
std::vector<std::pair<std::string, std::string>>
manifestFields(const Options &opts, const char *argv0) {
  return {
      {"compiler", compilerIdentity(argv0)},
      {"target", opts.target->name.str()},
      {"triple", opts.targetInfo.triple},
      {"cpu", opts.targetInfo.cpu},
      {"features", opts.targetInfo.features},
      {"optimization", "-O" + std::to_string(opts.optLevel)},
      {"check-bounds", opts.checkBounds ? "yes" : "no"},
      {"sources", sourcesHash()},
  };
}

std::string manifestText(const Options &opts, const char *argv0) {
  std::string text = "nlc standard modules\n";
  for (auto &[field, value] : manifestFields(opts, argv0))
    text += field + ": " + value + "\n";
  return text;
}

std::string objectsDir(const Options &opts, const char *argv0) {
  return opts.stdlibObjectsDir.empty() ? defaultStdlibObjectsDir(argv0)
                                       : opts.stdlibObjectsDir;
}

/// Writes `text` to `path` through a temporary file renamed into place.
bool writeAtomically(const std::string &path, const std::string &text,
                     std::string &error) {
  llvm::SmallString<128> tmp;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, tmp)) {
    error = ec.message();
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << text;
    os.close();
    if (os.has_error()) {
      error = os.error().message();
      os.clear_error();
      llvm::sys::fs::remove(tmp);
      return false;
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path)) {
    error = ec.message();
    llvm::sys::fs::remove(tmp);
    return false;
  }
  return true;
}
} // namespace

std::string defaultStdlibObjectsDir(const char *argv0) {
  llvm::SmallString<256> dir(binDir(argv0));
  llvm::sys::path::append(dir, "..", "lib", "nlstd");
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  return std::string(dir);
}

bool isStdlibFile(llvm::StringRef path) {
  llvm::SmallString<256> dir, file;
  if (llvm::sys::fs::real_path(NLC_STDLIB_DIR, dir) ||
      llvm::sys::fs::real_path(path, file))
    return false;
  return llvm::sys::path::parent_path(file) == dir;
}

StdlibObjects findStdlibObjects(const Options &opts, const char *argv0) {
  StdlibObjects found;
  if (opts.noStdlibObjects) {
    found.why = "--no-stdlib-objects";
    return found;
  }
  if (opts.target->name != "x86_64-linux") {
    found.why = "they are built for --target=x86_64-linux only";
    return found;
  }
  if (opts.profile) {
    found.why = "--profile counts the calls of every function";
    return found;
  }
  if (opts.amxEmulation) {
    found.why = "--amx-emulation";
    return found;
  }
  std::string dir = objectsDir(opts, argv0);
  std::string manifest = dir + "/" + kManifest;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
      llvm::MemoryBuffer::getFile(manifest);
  if (!text) {
    found.why =
        fmt::format("no {} (`nlc --build-stdlib={}` makes it)", manifest, dir);
    return found;
  }
  // The first field that differs says why.
  llvm::SmallVector<llvm::StringRef> lines;
  (*text)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  auto fields = manifestFields(opts, argv0);
  if (lines.size() != fields.size() + 1 || lines[0] != "nlc standard modules") {
    found.why = manifest + " is not a manifest of this nlc";
    return found;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    auto &[field, value] = fields[i];
    if (lines[i + 1] != field + ": " + value) {
      // A value too long to read (the features) is left out.
      std::string now = field + ": " + value;
      found.why = fmt::format("{} was built with another `{}`", dir, field);
      if (now.size() <= 60 && lines[i + 1].size() <= 60)
        found.why += fmt::format(" (`{}`, not `{}`)", lines[i + 1].str(), now);
      return found;
    }
  }
  std::string archive = dir + "/" + kArchive;
  if (!llvm::sys::fs::exists(archive)) {
    found.why = "no " + archive;
    return found;
  }
  found.archive = archive;
  return found;
}

int buildStdlib(const Options &opts, const char *argv0) {
  std::string dir = opts.buildStdlibDir;
  auto fail = [&](const std::string &what) {
    llvm::errs() << "nlc: error: --build-stdlib=" << dir << ": " << what
                 << "\n";
    return 1;
  };
  if (opts.target->name != "x86_64-linux")
    return fail("the standard modules are built for --target=x86_64-linux "
                "only");
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return fail(ec.message());
  // Whatever happens next, no manifest says the old objects are right.
  std::string manifest = dir + "/" + kManifest;
  if (std::error_code ec = llvm::sys::fs::remove(manifest))
    return fail(ec.message());
  std::vector<llvm::NewArchiveMember> members;
  for (const std::string &file : stdlibFiles()) {
    Options lib = opts;
    lib.inputFile = file;
    lib.library = true;
    lib.emit = Emit::Obj;
    lib.outputFile = dir + "/" + llvm::sys::path::stem(file).str() + ".o";
    SourceManager sm;
    DiagnosticEngine diags(sm);
    int rc = compile(lib, argv0, sm, diags);
    diags.flush();
    if (rc != 0 || diags.hasErrors())
      return fail("cannot compile " + file);
    llvm::Expected<llvm::NewArchiveMember> member =
        llvm::NewArchiveMember::getFile(lib.outputFile, /*Deterministic=*/true);
    if (!member)
      return fail(llvm::toString(member.takeError()));
    members.push_back(std::move(*member));
  }
  if (llvm::Error e = llvm::writeArchive(
          dir + "/" + kArchive, members, llvm::SymtabWritingMode::NormalSymtab,
          llvm::object::Archive::K_GNU, /*Deterministic=*/true,
          /*Thin=*/false))
    return fail(llvm::toString(std::move(e)));
  std::string error;
  if (!writeAtomically(manifest, manifestText(opts, argv0), error))
    return fail(error);
  return 0;
}

} // namespace nlc::driver
