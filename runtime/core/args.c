//===- args.c - Program arguments -----------------------------------------===//
//
// Keeps the argument vector handed over by the platform's entry point
// (nl_set_args) and serves it to programs one argument at a time, with range
// checks, as byte pointers and lengths.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "internal.h"

static int32_t stored_argc;
static char **stored_argv;

void nl_set_args(int32_t argc, char **argv) {
  stored_argc = argc > 0 && argv != NULL ? argc : 0;
  stored_argv = argv;
}

int64_t nl_argc(void) { return stored_argc; }

/// Returns argument \p i, ending the program if there is no such argument.
static const char *arg_at(int64_t i) {
  if (i < 0 || i >= stored_argc)
    nl_rt_fatal("argument index out of range");
  return stored_argv[i];
}

const char *nl_arg_ptr(int64_t i) { return arg_at(i); }

int64_t nl_arg_len(int64_t i) {
  const char *arg = arg_at(i);
  int64_t len = 0;
  while (arg[len] != '\0')
    ++len;
  return len;
}
