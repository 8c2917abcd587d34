// Checks the string functions of the runtime (runtime/core/strings.c):
// growth of an NlString (also when appending from its own buffer), the
// FNV-1a hash against published values, and nl_string_parse_f64 against
// libc's correctly rounded strtod: every printed double reads back exactly,
// and random decimals of up to 25 significant digits with exponents across
// the whole range (subnormals, overflow) give strtod's double. An optional
// argument sets the number of random values (default 50000).
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -lm -o %t && %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: strings: {{[0-9]+}} passed, 0 failed

#include "core/format.h"
#include "nl_runtime.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(int ok, const char *what, const char *detail) {
  if (ok) {
    ++passed;
    return;
  }
  ++failed;
  if (failed < 20)
    printf("FAIL %s: %s\n", what, detail);
}

/// A random 64-bit pattern from rand() (which gives at least 15 bits).
static uint64_t random_bits(void) {
  uint64_t v = 0;
  for (int i = 0; i < 5; ++i)
    v = (v << 15) ^ (uint64_t)(rand() & 0x7FFF);
  return v;
}

static void check_growth(void) {
  NlString s = {NULL, 0, 0};
  for (int i = 0; i < 1000; ++i)
    nl_string_push_byte(&s, 'a' + i % 26);
  check(s.len == 1000 && s.cap >= 1000 && s.ptr[999] == 'a' + 999 % 26,
        "growth", "1000 bytes");
  // Appending a string to itself reads the old buffer before freeing it.
  int64_t cap = s.cap;
  while (s.cap == cap)
    nl_string_push(&s, s.ptr, s.len);
  int same = 1;
  for (int64_t i = 0; i < s.len; ++i)
    same &= s.ptr[i] == 'a' + (i % 1000) % 26;
  check(same, "growth", "appending itself");
  nl_string_free(s.ptr);
}

static void check_hash(void) {
  static const struct {
    const char *text;
    uint64_t hash;
  } known[] = {
      {"", 0xcbf29ce484222325ull},
      {"a", 0xaf63dc4c8601ec8cull},
      {"foobar", 0x85944171f73967e8ull},
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; ++i)
    check(nl_hash_bytes(known[i].text, (int64_t)strlen(known[i].text)) ==
              known[i].hash,
          "hash", known[i].text);
}

static void check_parse(const char *text, double want) {
  double got = 0;
  int32_t status = nl_string_parse_f64(text, (int64_t)strlen(text), &got);
  int ok = isinf(want) ? status == 3
                       : status == 0 && memcmp(&got, &want, sizeof got) == 0;
  char detail[128];
  snprintf(detail, sizeof detail, "%s: got %.17g (status %d), want %.17g",
           text, got, status, want);
  check(ok, "parse_f64", detail);
}

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 50000;
  srand(1);
  check_growth();
  check_hash();
  char buf[96];
  for (int i = 0; i < count; ++i) {
    // Any finite double, as print writes it.
    uint64_t bits = random_bits();
    double v;
    memcpy(&v, &bits, sizeof v);
    if (isfinite(v)) {
      buf[nl_format_f64(buf, v)] = '\0';
      check_parse(buf, v);
    }
    // A long decimal: correctly rounded, as strtod does.
    snprintf(buf, sizeof buf, "%d.%08d%08d%08de%d", rand() % 10,
             rand() % 100000000, rand() % 100000000, rand() % 100000000,
             rand() % 700 - 350);
    check_parse(buf, strtod(buf, NULL));
  }
  printf("strings: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
