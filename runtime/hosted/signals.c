//===- signals.c - Output that survives an abnormal end (hosted) ----------===//
//
// A program killed by a signal would lose what sits in the runtime's stdout
// buffer. These handlers write it out first, with write(2) only (the buffer
// is the runtime's own; nothing here allocates or takes a lock), name the
// signal if it is a fault, then restore the default action and raise the
// signal again, so the exit status is the one the signal gives. They claim
// the end of the program like a panic does (core/panic.c): when another
// thread is already ending it, a handler waits a moment for it to finish
// instead of flushing twice. `nlc --run-timeout` relies on the SIGTERM one.
//
//===----------------------------------------------------------------------===//

#define _DEFAULT_SOURCE

#include "signals.h"
#include "../core/internal.h"
#include "../nl_runtime.h"
#include "../platform.h"

#include <signal.h>
#include <string.h>
#include <time.h>

/// What the program is told about each signal; NULL: nothing (the signal
/// came from outside, and whoever sent it knows why).
static const struct {
  int sig;
  const char *report;
} kSignals[] = {
    {SIGSEGV, "fatal signal SIGSEGV (invalid memory access)"},
    {SIGBUS, "fatal signal SIGBUS (bus error)"},
    {SIGILL, "fatal signal SIGILL (illegal instruction)"},
    {SIGFPE, "fatal signal SIGFPE (arithmetic exception)"},
    {SIGABRT, "fatal signal SIGABRT (aborted)"},
    {SIGTERM, NULL},
    {SIGINT, NULL},
    {SIGHUP, NULL},
    {SIGQUIT, NULL},
};

/// The alternate stack: a stack overflow leaves no room on the real one.
static char alt_stack[64 * 1024];

static void on_signal(int sig) {
  if (nl_rt_claim_end()) {
    nl_flush();
    for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
      const char *report = kSignals[i].report;
      if (kSignals[i].sig != sig || report == NULL)
        continue;
      static const char prefix[] = "<runtime>: runtime error: ";
      nl_plat_write(NL_PLAT_STDERR, prefix, sizeof prefix - 1);
      nl_plat_write(NL_PLAT_STDERR, report, strlen(report));
      nl_plat_write(NL_PLAT_STDERR, "\n", 1);
    }
  } else {
    // Another thread is ending the program (or this one faulted while
    // doing so): give it a second to finish its report.
    struct timespec second = {1, 0};
    nanosleep(&second, NULL);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void nl_hosted_install_signal_handlers(void) {
  stack_t stack = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
  bool alt = sigaltstack(&stack, NULL) == 0;
  for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = kSignals[i].sig == SIGSEGV && alt ? SA_ONSTACK : 0;
    sigaction(kSignals[i].sig, &action, NULL);
  }
}
