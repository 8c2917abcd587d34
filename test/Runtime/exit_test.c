// Checks nl_exit: it flushes buffered stdout, ends the program at once with
// the given status and does not return.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t
// RUN: sh -c '%t; echo status=$?' | FileCheck --match-full-lines %s
//
//      CHECK:buffered
// CHECK-NEXT:status=7

#include "nl_runtime.h"

int32_t nl_main(void) {
  nl_print_str("buffered\n", 9);
  nl_exit(7);
  nl_print_str("unreachable\n", 12);
  return 0;
}
