//===- Run.cpp - Running what nlc built (--run) ---------------------------===//
//
// Executables run as child processes with the program's arguments; unikernel
// images boot in qemu-system-x86_64 with the arguments on the kernel command
// line, and QEMU's exit status is decoded back into the program's
// (runtime/baremetal/exit_status.h). Under --run-timeout an executable gets
// SIGTERM, then SIGKILL two seconds later, so that it can write out what it
// printed.
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
#include <optional>
#include <thread>

#include <signal.h>

namespace nlc::driver {

/// How a child started by runChild ended.
struct ChildResult {
  /// The exit status; -1 when it could not start, -2 when a signal ended it.
  int status = -1;
  /// It was still running when the time limit came and was stopped.
  bool timedOut = false;
  /// Why it could not start or what ended it.
  std::string error;
};

/// Runs `program` and waits for it, for at most --run-timeout seconds (0: no
/// limit). A child that runs over is sent SIGTERM first, so that a program
/// built by nlc writes out what it printed (its runtime flushes stdout on
/// SIGTERM), and SIGKILL `graceSeconds` later if it is still there.
static ChildResult runChild(const Options &opts, llvm::StringRef program,
                            llvm::ArrayRef<llvm::StringRef> args,
                            llvm::ArrayRef<std::optional<llvm::StringRef>>
                                redirects,
                            unsigned graceSeconds) {
  ChildResult result;
  bool failed = false;
  llvm::sys::ProcessInfo child =
      llvm::sys::ExecuteNoWait(program, args, std::nullopt, redirects, 0,
                               &result.error, &failed);
  if (failed)
    return result;
  using Clock = std::chrono::steady_clock;
  unsigned limit = opts.runTimeoutSeconds();
  auto deadline = Clock::now() + std::chrono::seconds(limit);
  std::optional<Clock::time_point> killAt;
  for (;;) {
    // A zero wait polls; a limit of 0 waits for the end.
    llvm::sys::ProcessInfo done = llvm::sys::Wait(
        child, limit == 0 ? std::nullopt : std::optional<unsigned>(0),
        &result.error);
    if (done.Pid != 0) {
      result.status = done.ReturnCode;
      return result;
    }
    auto now = Clock::now();
    if (!result.timedOut && now >= deadline) {
      result.timedOut = true;
      ::kill(child.Pid, graceSeconds > 0 ? SIGTERM : SIGKILL);
      killAt = now + std::chrono::seconds(graceSeconds);
    } else if (killAt && now >= *killAt) {
      ::kill(child.Pid, SIGKILL);
      killAt.reset();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
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
  // Two seconds for the runtime to write out its output after SIGTERM.
  ChildResult run = runChild(opts, path, args, {}, /*graceSeconds=*/2);
  if (run.timedOut)
    return reportTimeout(opts, "the program");
  if (run.status < 0) {
    llvm::errs() << "nlc: the program did not exit normally: " << run.error
                 << "\n";
    return 1;
  }
  return run.status;
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
  llvm::outs().flush();
  // QEMU is killed at once: the guest's console output has already reached
  // QEMU's stdout, and QEMU would report a SIGTERM on stderr.
  ChildResult run = runChild(opts, *qemu, refs, redirects, /*graceSeconds=*/0);
  if (run.timedOut)
    return reportTimeout(opts, "the guest");
  int rc = run.status;
  if (rc < 0) {
    llvm::errs() << "nlc: error: " << qemuName
                 << " did not exit normally: " << run.error << "\n";
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
