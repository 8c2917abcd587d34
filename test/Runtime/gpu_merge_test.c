// Checks nl_gpu_merge_ranges, which turns the host ranges of a GPU launch's
// views into the disjoint blocks copied to the device: overlapping, nested
// and touching ranges become one, disjoint ones stay apart, empty ones
// (hi <= lo) disappear, and the result is sorted whatever the input order.
// Each line is a case: its input, then what is left.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t
// RUN: %t | FileCheck %s --match-full-lines --strict-whitespace
//
//      CHECK:none: -> 0:
// CHECK-NEXT:one: [10,20) -> 1: [10,20)
// CHECK-NEXT:overlapping: [10,20) [15,30) -> 1: [10,30)
// CHECK-NEXT:overlapping, reversed: [15,30) [10,20) -> 1: [10,30)
// CHECK-NEXT:touching: [10,20) [20,30) -> 1: [10,30)
// CHECK-NEXT:one byte apart: [10,20) [21,30) -> 2: [10,20) [21,30)
// CHECK-NEXT:nested: [10,40) [20,30) -> 1: [10,40)
// CHECK-NEXT:same start, nested: [10,20) [10,40) -> 1: [10,40)
// CHECK-NEXT:identical: [10,20) [10,20) -> 1: [10,20)
// CHECK-NEXT:disjoint, unsorted: [50,60) [10,20) [30,40) -> 3: [10,20) [30,40) [50,60)
// CHECK-NEXT:empty and inverted: [10,10) [30,20) -> 0:
// CHECK-NEXT:empty inside and between: [10,20) [15,15) [25,25) [30,40) -> 2: [10,20) [30,40)
// CHECK-NEXT:chain: [40,50) [10,20) [30,41) [19,31) -> 1: [10,50)
// CHECK-NEXT:mixed: [100,110) [0,8) [8,16) [105,120) [200,200) [64,72) -> 3: [0,16) [64,72) [100,120)
// CHECK-NEXT:top of the address space: [18446744073709551600,18446744073709551615) [18446744073709551610,18446744073709551615) -> 1: [18446744073709551600,18446744073709551615)

#include "hosted/gpu.h"

#include <stdio.h>

/// Prints \p n ranges as " [lo,hi)" each.
static void print_ranges(const NlGpuRange *r, int32_t n) {
  for (int32_t i = 0; i < n; ++i)
    printf(" [%ju,%ju)", (uintmax_t)r[i].lo, (uintmax_t)r[i].hi);
}

/// Prints case \p name with its input, merges and prints the result.
static void run(const char *name, NlGpuRange *r, int32_t n) {
  printf("%s:", name);
  print_ranges(r, n);
  int32_t left = nl_gpu_merge_ranges(r, n);
  printf(" -> %d:", (int)left);
  print_ranges(r, left);
  printf("\n");
}

#define RUN(name, ...)                                                         \
  do {                                                                         \
    NlGpuRange r[] = {__VA_ARGS__};                                            \
    run(name, r, (int32_t)(sizeof r / sizeof r[0]));                           \
  } while (0)

int main(void) {
  run("none", NULL, 0);
  RUN("one", {10, 20});
  RUN("overlapping", {10, 20}, {15, 30});
  RUN("overlapping, reversed", {15, 30}, {10, 20});
  RUN("touching", {10, 20}, {20, 30});
  RUN("one byte apart", {10, 20}, {21, 30});
  RUN("nested", {10, 40}, {20, 30});
  RUN("same start, nested", {10, 20}, {10, 40});
  RUN("identical", {10, 20}, {10, 20});
  RUN("disjoint, unsorted", {50, 60}, {10, 20}, {30, 40});
  RUN("empty and inverted", {10, 10}, {30, 20});
  RUN("empty inside and between", {10, 20}, {15, 15}, {25, 25}, {30, 40});
  RUN("chain", {40, 50}, {10, 20}, {30, 41}, {19, 31});
  RUN("mixed", {100, 110}, {0, 8}, {8, 16}, {105, 120}, {200, 200}, {64, 72});
  RUN("top of the address space", {UINTPTR_MAX - 15, UINTPTR_MAX},
      {UINTPTR_MAX - 5, UINTPTR_MAX});
  return 0;
}
