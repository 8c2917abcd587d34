//===- signals.h - Output that survives an abnormal end (hosted) ----------===//
//
// The hosted main installs these handlers before the program starts.
//
//===----------------------------------------------------------------------===//

#ifndef NL_HOSTED_SIGNALS_H
#define NL_HOSTED_SIGNALS_H

/// Installs handlers for the fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
/// SIGABRT) and for SIGTERM, SIGINT, SIGHUP and SIGQUIT. Each writes out
/// what the program has printed, reports a fatal signal on stderr as
/// "<runtime>: runtime error: fatal signal SIGSEGV (invalid memory access)",
/// then lets the signal end the process as it would have without the
/// handler. SIGSEGV runs on an alternate stack, so that a stack overflow of
/// the main thread is reported too.
void nl_hosted_install_signal_handlers(void);

#endif // NL_HOSTED_SIGNALS_H
