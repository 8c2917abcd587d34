//===- main_hosted.c - Process entry point of hosted programs -------------===//
//
// The C main of every hosted Neuro-Lang executable: it hands the arguments to
// the runtime, runs the program's nl_main, flushes stdout, prints the profile
// table (programs built with --profile) and returns the status nl_main
// returned. It lives in its own object file so that a C program
// with its own main (such as the runtime tests) can link the library without
// pulling it in.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"

int main(int argc, char **argv) {
  nl_set_args((int32_t)argc, argv);
  int32_t status = nl_main();
  nl_flush();
  nl_profile_report();
  return (int)status;
}
