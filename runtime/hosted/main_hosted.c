//===- main_hosted.c - Process entry point of hosted programs -------------===//
//
// The C main of every hosted Neuro-Lang executable: it hands the arguments to
// the runtime, installs the signal handlers that flush stdout (signals.c),
// runs the program's nl_main and ends like nl_exit with the status nl_main
// returned (stdout flushed, the profile table of programs built with
// --profile printed). It lives in its own object file so that a C program
// with its own main (such as the runtime tests) can link the library without
// pulling it in.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "signals.h"

/// Written by nlc into every hosted program it builds; weak, so that C
/// programs linked with the runtime (its tests) need not define them.
extern const uint64_t nl_cpu_required __attribute__((weak));
extern const char nl_cpu_built_for[] __attribute__((weak));

static void check_cpu(void) {
  if (&nl_cpu_required)
    nl_cpu_check(nl_cpu_required, nl_cpu_built_for);
}

/// Entries of .preinit_array run before the constructors of the program and
/// of its shared libraries, and before main.
__attribute__((section(".preinit_array"),
               used)) static void (*const preinit_check_cpu)(void) = check_cpu;

int main(int argc, char **argv) {
  nl_set_args((int32_t)argc, argv);
  nl_hosted_install_signal_handlers();
  // nl_exit flushes stdout, prints the profile table and exits, unless a
  // kernel thread is already ending the program.
  nl_exit(nl_main());
}
