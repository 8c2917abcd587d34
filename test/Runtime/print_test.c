// Checks the print functions as generated code uses them: a program defines
// nl_main and links the runtime's main, which must flush the buffered output
// (the last line has no line feed, and nothing calls nl_flush) and return
// nl_main's result as the exit status (3 here, hence the `not`).
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t
// RUN: not %t | FileCheck --match-full-lines --strict-whitespace %s
// RUN: sh -c '%t > /dev/null; echo status=$?' | FileCheck --check-prefix=STATUS %s
//
//      CHECK:0 -1 42
// CHECK-NEXT:9223372036854775807 -9223372036854775808
// CHECK-NEXT:0 18446744073709551615
// CHECK-NEXT:true false
// CHECK-NEXT:1.0 0.1 -0.0 1e16 1e-5 0.0001 2.5e300 5e-324
// CHECK-NEXT:nan inf -inf
// CHECK-NEXT:0.1 0.10000000149011612 3.4028235e38 1e-45
// CHECK-NEXT:hello, world
// CHECK-NEXT:no line feed at the end{{$}}
//     STATUS:status=3

#include "nl_runtime.h"

#include <math.h>

static void space(void) { nl_print_str(" ", 1); }

int32_t nl_main(void) {
  nl_print_i64(0);
  space();
  nl_print_i64(-1);
  space();
  nl_print_i64(42);
  nl_print_newline();

  nl_print_i64(INT64_MAX);
  space();
  nl_print_i64(INT64_MIN);
  nl_print_newline();

  nl_print_u64(0);
  space();
  nl_print_u64(UINT64_MAX);
  nl_print_newline();

  nl_print_bool(true);
  space();
  nl_print_bool(false);
  nl_print_newline();

  const double doubles[] = {1.0,  0.1,    -0.0,    1e16,
                            1e-5, 0.0001, 2.5e300, 5e-324};
  for (int i = 0; i < 8; ++i) {
    if (i != 0)
      space();
    nl_print_f64(doubles[i]);
  }
  nl_print_newline();

  nl_print_f64(NAN);
  space();
  nl_print_f64(INFINITY);
  space();
  nl_print_f64(-INFINITY);
  nl_print_newline();

  nl_print_f32(0.1f);
  space();
  nl_print_f64(0.1f);
  space();
  nl_print_f32(3.4028235e38f);
  space();
  nl_print_f32(1e-45f);
  nl_print_newline();

  // Only the first 12 bytes belong to the string.
  nl_print_str("hello, world and more", 12);
  nl_print_newline();
  nl_print_str("no line feed at the end", 23);
  return 3;
}
