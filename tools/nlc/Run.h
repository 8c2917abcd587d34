//===- Run.h - Running what nlc built (--run) -------------------*- C++ -*-===//
//
// `nlc --run` starts the linked result the way its target says
// (TargetEntry::run): as a process, or booted under QEMU. Both honour
// `--run-timeout` and turn the outcome into nlc's exit status.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_TOOLS_NLC_RUN_H
#define NLC_TOOLS_NLC_RUN_H

#include <string>

namespace nlc::driver {

struct Options;

/// Runs the executable or image at `path` with the program arguments of
/// `opts` and returns the status nlc exits with (docs/CLI.md).
int runProgram(const Options &opts, const std::string &path);

} // namespace nlc::driver

#endif // NLC_TOOLS_NLC_RUN_H
