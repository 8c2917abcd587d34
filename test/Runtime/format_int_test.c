// Checks the integer formatting behind nl_print_i64 and nl_print_u64
// (nl_format_i64, nl_format_u64) against a table of exact strings, including
// the extremes, and against libc's printf on random values.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t && %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: format_int: {{[0-9]+}} passed, 0 failed

#include "core/format.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned long passed, failed;

static void check_i64(int64_t v, const char *want) {
  char text[64];
  size_t n = nl_format_i64(text, v);
  text[n] = '\0';
  if (n > NL_FORMAT_INT_MAX_LEN || strcmp(text, want) != 0) {
    ++failed;
    printf("FAIL i64 %" PRId64 ": got \"%s\", want \"%s\"\n", v, text, want);
  } else {
    ++passed;
  }
}

static void check_u64(uint64_t v, const char *want) {
  char text[64];
  size_t n = nl_format_u64(text, v);
  text[n] = '\0';
  if (n > NL_FORMAT_INT_MAX_LEN || strcmp(text, want) != 0) {
    ++failed;
    printf("FAIL u64 %" PRIu64 ": got \"%s\", want \"%s\"\n", v, text, want);
  } else {
    ++passed;
  }
}

/// xorshift64*, so that every run checks the same values.
static uint64_t random_state = 0x2545f4914f6cdd1du;

static uint64_t next_random(void) {
  random_state ^= random_state >> 12;
  random_state ^= random_state << 25;
  random_state ^= random_state >> 27;
  return random_state * 2685821657736338717u;
}

int main(void) {
  check_i64(0, "0");
  check_i64(1, "1");
  check_i64(-1, "-1");
  check_i64(9, "9");
  check_i64(10, "10");
  check_i64(-10, "-10");
  check_i64(99, "99");
  check_i64(100, "100");
  check_i64(1000000000000000000, "1000000000000000000");
  check_i64(INT64_MAX, "9223372036854775807");
  check_i64(INT64_MIN, "-9223372036854775808");
  check_i64(INT64_MIN + 1, "-9223372036854775807");
  check_u64(0, "0");
  check_u64(7, "7");
  check_u64(10000000000000000000u, "10000000000000000000");
  check_u64((uint64_t)1 << 63, "9223372036854775808");
  check_u64(UINT64_MAX, "18446744073709551615");

  char want[64];
  for (int i = 0; i < 100000; ++i) {
    // Vary the magnitude too: uniform bits are nearly always 19-20 digits.
    uint64_t bits = next_random() >> (next_random() % 64);
    snprintf(want, sizeof want, "%" PRIu64, bits);
    check_u64(bits, want);
    snprintf(want, sizeof want, "%" PRId64, (int64_t)bits);
    check_i64((int64_t)bits, want);
    snprintf(want, sizeof want, "%" PRId64, -(int64_t)(bits >> 1));
    check_i64(-(int64_t)(bits >> 1), want);
  }
  printf("format_int: %lu passed, %lu failed\n", passed, failed);
  return failed != 0;
}
