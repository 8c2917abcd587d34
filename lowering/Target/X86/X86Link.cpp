//===- X86Link.cpp - Linking x86-64 executables and images ----------------===//
//
// Hosted executables are linked through the clang driver (which knows the
// platform's C runtime start files), unikernel images by ld.lld with the
// runtime's linker script. The linker's messages are captured: when it
// fails they are the error, which the driver reads for undefined symbols.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/Codegen.h"
#include "lowering/Target/X86/X86Targets.h"

#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

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
  if (job.exportDynamic)
    args.push_back("-rdynamic");
  // -pthread: the runtime runs kernel grids on its own threads.
  args.insert(args.end(),
              {job.libDir + "/libnlrt.a", "-lm", "-pthread", "-o", job.output});
  std::string log;
  int rc = runProgram(*clang, args, log);
  if (rc != 0) {
    error = log + "linking failed (clang exited with status " +
            std::to_string(rc) + ")";
    return false;
  }
  llvm::errs() << log;
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
  std::string log;
  int rc = runProgram(*lld, args, log);
  if (rc != 0) {
    error = log + "linking the image failed (ld.lld exited with status " +
            std::to_string(rc) + ")";
    return false;
  }
  llvm::errs() << log;
  return true;
}

} // namespace nlc::x86
