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
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
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

/// Writes the files of `--file` as the archive the unikernel reads
/// (runtime/baremetal/files_baremetal.c) to `out`. Returns its size, or
/// prints an error and returns nullopt.
static std::optional<uint64_t>
writeFileArchive(const Options &opts, llvm::raw_fd_ostream &out) {
  constexpr uint64_t kAlign = 4096;
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> data;
  for (const auto &[name, path] : opts.files) {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      llvm::errs() << "nlc: error: cannot read `" << path
                   << "`: " << buffer.getError().message() << "\n";
      return std::nullopt;
    }
    data.push_back(std::move(*buffer));
  }
  uint64_t count = opts.files.size();
  uint64_t offset = 16 + 32 * count;
  // The file count, then per file: name offset and length, data offset and
  // size (filled below).
  std::vector<uint64_t> header = {count};
  for (const auto &file : opts.files) {
    header.insert(header.end(), {offset, file.first.size(), 0, 0});
    offset += file.first.size();
  }
  for (size_t i = 0; i < data.size(); ++i) {
    offset = llvm::alignTo(offset, kAlign);
    header[1 + 4 * i + 2] = offset;
    header[1 + 4 * i + 3] = data[i]->getBufferSize();
    offset += data[i]->getBufferSize();
  }
  out << "NLFILES1";
  for (uint64_t v : header)
    llvm::support::endian::write<uint64_t>(out, v, llvm::endianness::little);
  uint64_t pos = 16 + 32 * count;
  for (const auto &file : opts.files)
    out << file.first, pos += file.first.size();
  for (size_t i = 0; i < data.size(); ++i) {
    out.write_zeros(header[1 + 4 * i + 2] - pos);
    out << data[i]->getBuffer();
    pos = header[1 + 4 * i + 2] + data[i]->getBufferSize();
  }
  out.flush();
  if (out.has_error()) {
    llvm::errs() << "nlc: error: cannot write the file archive: "
                 << out.error().message() << "\n";
    out.clear_error();
    return std::nullopt;
  }
  return pos;
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
  // Each argument is one token of the boot command line: quoted, with `"`
  // and `\` escaped by a backslash, when it is empty or holds a space, a
  // tab, a quote or a backslash (runtime/baremetal/start.c reads it back).
  std::string commandLine = "--";
  for (const std::string &a : opts.programArgs) {
    if (a.find_first_of("\n\r") != std::string::npos) {
      llvm::errs() << "nlc: error: arguments of a unikernel cannot contain "
                      "line breaks: `"
                   << a << "`\n";
      return 1;
    }
    commandLine += " ";
    if (!a.empty() && a.find_first_of(" \t\"\\") == std::string::npos) {
      commandLine += a;
      continue;
    }
    commandLine += '"';
    for (char c : a) {
      if (c == '"' || c == '\\')
        commandLine += '\\';
      commandLine += c;
    }
    commandLine += '"';
  }
  // The `--file`s go to the guest as one archive in its boot module, which
  // QEMU loads at the top of the guest's RAM: the RAM grows by its size.
  uint64_t memoryMiB = 256;
  llvm::SmallString<128> archivePath;
  std::optional<llvm::FileRemover> archiveRemover;
  if (!opts.files.empty()) {
    int fd;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "nlc-files", "", fd, archivePath)) {
      llvm::errs() << "nlc: error: cannot create the file archive: "
                   << ec.message() << "\n";
      return 1;
    }
    archiveRemover.emplace(archivePath);
    llvm::sys::RemoveFileOnSignal(archivePath);
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    std::optional<uint64_t> size = writeFileArchive(opts, out);
    if (!size)
      return 1;
    // Below 4 GiB the guest has at most 3 GiB of RAM on QEMU's pc machine.
    memoryMiB += llvm::divideCeil(*size, 1 << 20);
    if (memoryMiB > 3072) {
      llvm::errs() << "nlc: error: the --file files take "
                   << llvm::divideCeil(*size, 1 << 20)
                   << " MiB; a unikernel can be handed at most "
                   << 3072 - 256 << " MiB\n";
      return 1;
    }
  }
  // TCG, because KVM cannot run this guest on these machines; the guest's
  // RAM bounds the arena. docs/BareMetal.md shows the same command line.
  static const char options[] =
      "-nodefaults -accel tcg -cpu max -display none -no-reboot "
      "-serial stdio -monitor none "
      "-device isa-debug-exit,iobase=0xf4,iosize=0x04";
  std::vector<std::string> args = {*qemu};
  for (llvm::StringRef option : llvm::split(options, ' '))
    args.push_back(option.str());
  args.insert(args.end(), {"-m", std::to_string(memoryMiB) + "M"});
  args.insert(args.end(), {"-kernel", image});
  if (!archivePath.empty())
    args.insert(args.end(), {"-initrd", archivePath.str().str()});
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
