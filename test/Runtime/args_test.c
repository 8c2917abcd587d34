// Checks the program arguments as the runtime's main records them: the count
// includes argv[0], arguments are returned as pointer and byte length (empty
// and spaced ones included), and an index out of range is a runtime error
// with exit status 101.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t
// RUN: %t foo "bar baz" "" | FileCheck --match-full-lines --strict-whitespace %s
// RUN: not %t --past-end 2> %t.err
// RUN: FileCheck --check-prefix=RANGE --match-full-lines %s < %t.err
// RUN: not %t --negative 2> %t.err
// RUN: FileCheck --check-prefix=RANGE --match-full-lines %s < %t.err
// RUN: sh -c '%t --past-end 2>&1; echo status=$?' | FileCheck --check-prefix=STATUS --match-full-lines %s
//
//      CHECK:argc=4
// CHECK-NEXT:argv[0] is the program: true
// CHECK-NEXT:argv[1]=[foo] len=3
// CHECK-NEXT:argv[2]=[bar baz] len=7
// CHECK-NEXT:argv[3]=[] len=0
//
//      RANGE:<runtime>: runtime error: argument index out of range
//     STATUS:<runtime>: runtime error: argument index out of range
// STATUS-NEXT:status=101

#include "nl_runtime.h"

#include <string.h>

/// Whether argument \p i is exactly \p text.
static bool arg_is(int64_t i, const char *text) {
  return nl_arg_len(i) == (int64_t)strlen(text) &&
         memcmp(nl_arg_ptr(i), text, strlen(text)) == 0;
}

int32_t nl_main(void) {
  int64_t argc = nl_argc();
  if (argc == 2 && arg_is(1, "--past-end"))
    nl_arg_ptr(argc);
  if (argc == 2 && arg_is(1, "--negative"))
    nl_arg_len(-1);

  nl_print_str("argc=", 5);
  nl_print_i64(argc);
  nl_print_newline();
  const char *program = nl_arg_ptr(0);
  int64_t program_len = nl_arg_len(0);
  nl_print_str("argv[0] is the program: ", 24);
  nl_print_bool(program_len > 0 && strstr(program, "args_test") != NULL);
  nl_print_newline();
  for (int64_t i = 1; i < argc; ++i) {
    nl_print_str("argv[", 5);
    nl_print_i64(i);
    nl_print_str("]=[", 3);
    nl_print_str(nl_arg_ptr(i), nl_arg_len(i));
    nl_print_str("] len=", 6);
    nl_print_i64(nl_arg_len(i));
    nl_print_newline();
  }
  return 0;
}
