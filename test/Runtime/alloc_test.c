// clang-format off
// Checks nl_alloc and nl_free: every power-of-two alignment up to 64 KiB is
// honoured for sizes from 0 up, the memory is usable, zero-sized allocations
// are distinct and freeable, freeing NULL is allowed, and invalid requests
// and exhausted memory are runtime errors with exit status 101. Blocks of 4
// MiB and more are mapped on 2 MiB boundaries (the block starts `align`
// bytes in, after the header) and freed with nl_free or nl_dealloc.
// nl_alloc_at reports its errors at the location it is given. Scratch
// blocks (nl_scratch_take_at) given back with nl_dealloc are reused, and so
// are freed blocks of 64 KiB or more for a request of the same size and
// alignment (the hosted platform's block cache).
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
// RUN: not %t --at-overflow 2> %t.err
// RUN: FileCheck --check-prefix=AT-OVERFLOW --match-full-lines %s < %t.err
// RUN: not %t --at-out-of-memory 2> %t.err
// RUN: FileCheck --check-prefix=AT-OOM --match-full-lines %s < %t.err
//
// CHECK-NOT: FAIL
// CHECK: alloc: 122 passed, 0 failed
//      OOM:<runtime>: runtime error: out of memory
//    ALIGN:<runtime>: runtime error: invalid allocation alignment
//     SIZE:<runtime>: runtime error: invalid allocation size
//      STATUS:<runtime>: runtime error: out of memory
// STATUS-NEXT:status=101
// AT-OVERFLOW:prog.nl:3:14: runtime error: allocation size overflows (more than 2^63 - 1 bytes)
// AT-OOM:prog.nl:3:14: runtime error: out of memory (allocating 9223372036854775807 bytes)
// clang-format on

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
  if (mode_is("--at-overflow"))
    nl_alloc_at(-1, 64, "prog.nl", 7, 3, 14);
  if (mode_is("--at-out-of-memory"))
    nl_alloc_at(INT64_MAX, 64, "prog.nl", 7, 3, 14);

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

  // Large blocks: usable at both ends, on a huge-page boundary plus align.
  static const int64_t large[] = {4 << 20, (8 << 20) + 3, 64 << 20};
  for (int i = 0; i < 3; ++i) {
    unsigned char *p = nl_alloc_at(large[i], 64, "prog.nl", 7, 1, 1);
    p[0] = 1;
    p[large[i] - 1] = 2;
    check(p[0] == 1 && p[large[i] - 1] == 2 &&
              ((uintptr_t)p - 64) % (2u << 20) == 0,
          "large block on a 2 MiB boundary", large[i], 64);
    if (i == 0)
      nl_free(p);
    else
      nl_dealloc(p);
  }
  unsigned char *small = nl_alloc_at(100, 64, "prog.nl", 7, 1, 1);
  check((uintptr_t)small % 64 == 0, "aligned nl_alloc_at", 100, 64);
  nl_dealloc(small);
  void *big = nl_alloc_at(4 << 20, 4096, "prog.nl", 7, 1, 1);
  check((uintptr_t)big % 4096 == 0, "large block, large alignment", 4 << 20,
        4096);
  nl_free(big);

  // Scratch blocks: one given back (nl_dealloc) is handed out again for a
  // request it covers, the smallest idle one that fits; a taken one is not;
  // at most 4 are kept, the smallest idle one making room for a new one.
  unsigned char *s1 = nl_scratch_take_at(1000, "prog.nl", 7, 1, 1);
  memset(s1, 1, 1000);
  check((uintptr_t)s1 % 64 == 0, "aligned scratch block", 1000, 64);
  nl_dealloc(s1);
  unsigned char *s2 = nl_scratch_take_at(800, "prog.nl", 7, 1, 1);
  check(s2 == s1, "idle scratch block reused", 800, 64);
  unsigned char *s3 = nl_scratch_take_at(800, "prog.nl", 7, 1, 1);
  check(s3 != s2, "taken scratch block not handed out", 800, 64);
  unsigned char *s4 = nl_scratch_take_at(5 << 20, "prog.nl", 7, 1, 1);
  memset(s4, 2, 5 << 20);
  check(s4 != s2 && s4 != s3, "larger scratch block is new", 5 << 20, 64);
  nl_dealloc(s2);
  nl_dealloc(s3);
  nl_dealloc(s4);
  unsigned char *s5 = nl_scratch_take_at(900, "prog.nl", 7, 1, 1);
  check(s5 == s1 || s5 == s3, "smallest fitting block reused", 900, 64);
  unsigned char *s6 = nl_scratch_take_at(4 << 20, "prog.nl", 7, 1, 1);
  check(s6 == s4, "large idle block reused", 4 << 20, 64);
  nl_dealloc(s5);
  nl_dealloc(s6);
  // Four more sizes than fit: every block stays usable and distinct.
  unsigned char *many[6];
  for (int i = 0; i < 6; ++i) {
    many[i] = nl_scratch_take_at(2000 * (i + 1), "prog.nl", 7, 1, 1);
    memset(many[i], i, (size_t)(2000 * (i + 1)));
  }
  bool intact = true;
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 2000 * (i + 1); ++j)
      intact = intact && many[i][j] == i;
  check(intact, "six scratch blocks at once", 12000, 64);
  for (int i = 0; i < 6; ++i)
    nl_dealloc(many[i]);
  nl_scratch_release();
  unsigned char *s7 = nl_scratch_take_at(100, "prog.nl", 7, 1, 1);
  s7[99] = 7;
  check(s7[99] == 7, "scratch after release", 100, 64);
  nl_dealloc(s7);

  // Freed blocks of 64 KiB or more are kept (up to eight) and handed out
  // again to a request of the same size and alignment, mapped ones too.
  unsigned char *c1 = nl_alloc(200000, 64);
  nl_free(c1);
  unsigned char *c2 = nl_alloc(200000, 64);
  check(c2 == c1, "freed block reused", 200000, 64);
  nl_free(c2);
  unsigned char *c3 = nl_alloc(200001, 64);
  check(c3 != c2, "kept block not given for another size", 200001, 64);
  unsigned char *c4 = nl_alloc(200000, 64);
  check(c4 == c2, "kept block still kept", 200000, 64);
  memset(c4, 5, 200000);
  check(c4[199999] == 5, "kept block usable", 200000, 64);
  nl_free(c3);
  nl_free(c4);
  unsigned char *m1 = nl_alloc(5 << 20, 64);
  nl_free(m1);
  unsigned char *m2 = nl_alloc(5 << 20, 64);
  check(m2 == m1 && ((uintptr_t)m2 - 64) % (2 << 20) == 0,
        "mapped block reused, still on a 2 MiB boundary", 5 << 20, 64);
  nl_free(m2);
  unsigned char *nine[9];
  for (int i = 0; i < 9; ++i)
    nine[i] = nl_alloc(100000 + i, 64);
  for (int i = 0; i < 9; ++i)
    nl_free(nine[i]);
  unsigned char *last = nl_alloc(100008, 64);
  check(last == nine[8], "newest of nine freed blocks kept", 100008, 64);
  nl_free(last);

  printf("alloc: %u passed, %u failed\n", passed, failed);
  return failed != 0;
}
