// Checks nl_alloc and nl_free: every power-of-two alignment up to 64 KiB is
// honoured for sizes from 0 up, the memory is usable, zero-sized allocations
// are distinct and freeable, freeing NULL is allowed, and invalid requests
// and exhausted memory are runtime errors with exit status 101.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t
// RUN: %t | FileCheck %s
// RUN: not %t --out-of-memory 2> %t.err
// RUN: FileCheck --check-prefix=OOM --match-full-lines %s < %t.err
// RUN: not %t --bad-alignment 2> %t.err
// RUN: FileCheck --check-prefix=ALIGN --match-full-lines %s < %t.err
// RUN: not %t --zero-alignment 2> %t.err
// RUN: FileCheck --check-prefix=ALIGN --match-full-lines %s < %t.err
// RUN: not %t --negative-size 2> %t.err
// RUN: FileCheck --check-prefix=SIZE --match-full-lines %s < %t.err
// RUN: sh -c '%t --out-of-memory 2>&1; echo status=$?' | FileCheck --check-prefix=STATUS --match-full-lines %s
//
// CHECK-NOT: FAIL
// CHECK: alloc: 103 passed, 0 failed
//      OOM:<runtime>: runtime error: out of memory
//    ALIGN:<runtime>: runtime error: invalid allocation alignment
//     SIZE:<runtime>: runtime error: invalid allocation size
//      STATUS:<runtime>: runtime error: out of memory
// STATUS-NEXT:status=101

#include "nl_runtime.h"

#include <stdio.h>
#include <string.h>

static unsigned passed, failed;

static void check(bool ok, const char *what, int64_t size, int64_t align) {
  if (ok) {
    ++passed;
    return;
  }
  ++failed;
  printf("FAIL %s (size %lld, align %lld)\n", what, (long long)size,
         (long long)align);
}

/// Whether the only program argument is \p flag.
static bool mode_is(const char *flag) {
  return nl_argc() == 2 && strcmp(nl_arg_ptr(1), flag) == 0;
}

int32_t nl_main(void) {
  if (mode_is("--out-of-memory"))
    nl_alloc(INT64_MAX, 16);
  if (mode_is("--bad-alignment"))
    nl_alloc(16, 24);
  if (mode_is("--zero-alignment"))
    nl_alloc(16, 0);
  if (mode_is("--negative-size"))
    nl_alloc(-1, 8);

  static const int64_t sizes[] = {0, 1, 3, 8, 100, 4096};
  for (int64_t align = 1; align <= 65536; align *= 2) {
    for (int i = 0; i < 6; ++i) {
      int64_t size = sizes[i];
      unsigned char *p = nl_alloc(size, align);
      bool usable = true;
      memset(p, 0xa5, (size_t)size);
      for (int64_t j = 0; j < size; ++j)
        usable = usable && p[j] == 0xa5;
      check(p != NULL && (uintptr_t)p % (uintptr_t)align == 0 && usable,
            "aligned usable allocation", size, align);
      nl_free(p);
    }
  }

  void *a = nl_alloc(0, 1), *b = nl_alloc(0, 1);
  check(a != NULL && b != NULL && a != b, "distinct zero-sized allocations", 0,
        1);
  nl_free(a);
  nl_free(b);
  nl_free(NULL);

  printf("alloc: %u passed, %u failed\n", passed, failed);
  return failed != 0;
}
