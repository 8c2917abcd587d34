// Checks nl_panic: buffered stdout is flushed before the message, the message
// is exactly "FILE:LINE:COL: runtime error: MSG" on stderr built from the given
// byte lengths (the strings are not NUL-terminated), and the exit status is
// 101.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t
// RUN: not %t > %t.out 2> %t.err
// RUN: FileCheck --check-prefix=OUT --match-full-lines %s < %t.out
// RUN: FileCheck --check-prefix=ERR --match-full-lines --strict-whitespace %s < %t.err
// RUN: sh -c '%t 2>&1; echo status=$?' | FileCheck --check-prefix=ALL --match-full-lines %s
//
//      OUT:before the panic
//  OUT-NOT:{{.}}
//      ERR:file.nl:1:2: runtime error: msg
//  ERR-NOT:{{.}}
//      ALL:before the panic
// ALL-NEXT:file.nl:1:2: runtime error: msg
// ALL-NEXT:status=101

#include "nl_runtime.h"

int32_t nl_main(void) {
  nl_print_str("before the panic\n", 17);
  nl_panic("msg and more", 3, "file.nl.extra", 7, 1, 2);
}
