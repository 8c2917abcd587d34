//===- Run.cpp - Running what nlc built (--run) ---------------------------===//
//
// Executables run as child processes with the program's arguments; unikernel
// images boot in qemu-system-x86_64 with the arguments on the kernel command
// line, and QEMU's exit status is decoded back into the program's
// (runtime/baremetal/exit_status.h).
//
//===----------------------------------------------------------------------===//

#include "tools/nlc/Run.h"
#include "lowering/Target/TargetRegistry.h"
#include "runtime/baremetal/exit_status.h"
#include "tools/nlc/Options.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

namespace nlc::driver {

/// Whether a run that started at `start` and ended with ExecuteAndWait's
/// status `rc` was stopped by the time limit (-2 also means a crash).
static bool timedOut(const Options &opts, int rc,
                     std::chrono::steady_clock::time_point start) {
  unsigned timeout = opts.runTimeoutSeconds();
  return rc == -2 && timeout > 0 &&
         std::chrono::steady_clock::now() - start >=
             std::chrono::seconds(timeout);
}

/// Reports a --run that hit the time limit and returns 124, the status of
/// timeout(1).
static int reportTimeout(const Options &opts, llvm::StringRef what) {
  llvm::errs() << "nlc: error: " << what << " did not exit within "
               << opts.runTimeoutSeconds() << " seconds (--run-timeout)\n";
  return 124;
}

static int runExecutable(const Options &opts, const std::string &path) {
  std::vector<llvm::StringRef> args = {path};
  for (const std::string &a : opts.programArgs)
    args.push_back(a);
  std::string error;
  auto start = std::chrono::steady_clock::now();
  int rc = llvm::sys::ExecuteAndWait(path, args, std::nullopt, {},
                                     opts.runTimeoutSeconds(), 0, &error);
  if (timedOut(opts, rc, start))
    return reportTimeout(opts, "the program");
  if (rc < 0) {
    llvm::errs() << "nlc: the program did not exit normally: " << error << "\n";
    return 1;
  }
  return rc;
}

/// Boots the unikernel `image` under QEMU with the program arguments on its
/// command line; its serial console is QEMU's stdout, which is ours. Returns
/// the program's exit status, decoded from QEMU's (exit_status.h); 124 on
/// timeout; 125 when the guest faulted, could not start or QEMU failed; 127
/// when QEMU is missing.
static int runImage(const Options &opts, const std::string &image) {
  static const char qemuName[] = "qemu-system-x86_64";
  llvm::ErrorOr<std::string> qemu = llvm::sys::findProgramByName(qemuName);
  if (!qemu) {
    llvm::errs() << "nlc: error: cannot boot the image: `" << qemuName
                 << "` is not on PATH (Debian package qemu-system-x86)\n";
    return 127;
  }
  std::string commandLine = "--";
  for (const std::string &a : opts.programArgs) {
    if (a.empty() || a.find_first_of(" \t\n") != std::string::npos) {
      llvm::errs() << "nlc: error: arguments of a unikernel cannot be empty "
                      "or contain spaces: `"
                   << a << "`\n";
      return 1;
    }
    commandLine += " " + a;
  }
  // TCG, because KVM cannot run this guest on these machines; the guest's
  // RAM bounds the arena. docs/BareMetal.md shows the same command line.
  static const char options[] =
      "-nodefaults -accel tcg -cpu max -m 256M -display none -no-reboot "
      "-serial stdio -monitor none "
      "-device isa-debug-exit,iobase=0xf4,iosize=0x04";
  std::vector<std::string> args = {*qemu};
  for (llvm::StringRef option : llvm::split(options, ' '))
    args.push_back(option.str());
  args.insert(args.end(), {"-kernel", image});
  if (!opts.programArgs.empty())
    args.insert(args.end(), {"-append", commandLine});
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  // QEMU's stdin is /dev/null: -serial stdio would otherwise read the
  // terminal (and put it in raw mode).
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""),
                                                std::nullopt, std::nullopt};
  std::string error;
  llvm::outs().flush();
  auto start = std::chrono::steady_clock::now();
  int rc = llvm::sys::ExecuteAndWait(*qemu, refs, std::nullopt, redirects,
                                     opts.runTimeoutSeconds(), 0, &error);
  if (timedOut(opts, rc, start))
    return reportTimeout(opts, "the guest");
  if (rc < 0) {
    llvm::errs() << "nlc: error: " << qemuName
                 << " did not exit normally: " << error << "\n";
    return 125;
  }
  if (rc == 0) {
    llvm::errs() << "nlc: error: the guest stopped without reporting an exit "
                    "status (a triple fault or a reset)\n";
    return 125;
  }
  int value = rc >> 1;
  if ((rc & 1) && value >= NL_BARE_EXIT_VALUE(0) &&
      value <= NL_BARE_EXIT_VALUE(NL_BARE_MAX_STATUS))
    return value - NL_BARE_EXIT_VALUE(0);
  if (rc == NL_BARE_QEMU_STATUS(NL_BARE_EXIT_FAULT)) {
    llvm::errs() << "nlc: error: the guest stopped on a CPU exception (see "
                    "the report above)\n";
    return 125;
  }
  if (rc == NL_BARE_QEMU_STATUS(NL_BARE_EXIT_BOOT_FAILURE)) {
    llvm::errs() << "nlc: error: the image could not start the program (see "
                    "the message above)\n";
    return 125;
  }
  llvm::errs() << "nlc: error: " << qemuName << " failed (exit status " << rc
               << ")\n";
  return 125;
}

int runProgram(const Options &opts, const std::string &path) {
  switch (opts.target->run) {
  case RunKind::Process:
    return runExecutable(opts, path);
  case RunKind::Qemu:
    return runImage(opts, path);
  }
  return 1;
}

} // namespace nlc::driver
