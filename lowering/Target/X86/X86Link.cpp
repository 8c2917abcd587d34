//===- X86Link.cpp - Linking x86-64 executables and images ----------------===//
//
// Hosted executables are linked through the clang driver (which knows the
// platform's C runtime start files), unikernel images by ld.lld with the
// runtime's linker script.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86Targets.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#ifndef NLC_CLANG_PATH
#define NLC_CLANG_PATH "clang"
#endif
#ifndef NLC_LLD_PATH
#define NLC_LLD_PATH "ld.lld"
#endif

namespace nlc::x86 {

bool linkExecutable(const LinkJob &job, std::string &error) {
  llvm::ErrorOr<std::string> clang =
      llvm::sys::findProgramByName(NLC_CLANG_PATH);
  if (!clang) {
    error =
        "cannot find the linker driver `" + std::string(NLC_CLANG_PATH) + "`";
    return false;
  }
  std::vector<std::string> args = {*clang};
  args.insert(args.end(), job.objects.begin(), job.objects.end());
  args.insert(args.end(), {job.libDir + "/libnlrt.a", "-lm", "-o", job.output});
  if (job.openmp) {
    // libomp lives in LLVM's lib folder, outside the loader's default path.
    std::string libDir =
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(*clang))
            .str() +
        "/lib";
    args.insert(args.end(), {"-fopenmp", "-Wl,-rpath," + libDir});
  }
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  int rc =
      llvm::sys::ExecuteAndWait(*clang, refs, std::nullopt, {}, 0, 0, &error);
  if (rc != 0) {
    if (error.empty())
      error = "linking failed (clang exited with status " + std::to_string(rc) +
              ")";
    return false;
  }
  return true;
}

bool linkBareImage(const LinkJob &job, std::string &error) {
  llvm::ErrorOr<std::string> lld = llvm::sys::findProgramByName(NLC_LLD_PATH);
  if (!lld) {
    error = "cannot find the linker `" + std::string(NLC_LLD_PATH) +
            "` (install lld-22)";
    return false;
  }
  // The boot stub comes first; --gc-sections drops what the program does not
  // use (the linker script keeps the PVH note and the constructors).
  std::vector<std::string> args = {*lld,
                                   "-T",
                                   job.libDir + "/nlrt_bare.ld",
                                   "--gc-sections",
                                   "-z",
                                   "max-page-size=4096",
                                   "-static",
                                   "-nostdlib",
                                   "-o",
                                   job.output,
                                   job.libDir + "/nlrt_bare_boot.o"};
  args.insert(args.end(), job.objects.begin(), job.objects.end());
  args.push_back(job.libDir + "/libnlrt_bare.a");
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  int rc =
      llvm::sys::ExecuteAndWait(*lld, refs, std::nullopt, {}, 0, 0, &error);
  if (rc != 0) {
    if (error.empty())
      error = "linking the image failed (ld.lld exited with status " +
              std::to_string(rc) + ")";
    return false;
  }
  return true;
}

} // namespace nlc::x86
