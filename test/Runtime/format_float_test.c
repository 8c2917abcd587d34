// Checks the shortest round-trip float formatting of the runtime
// (nl_format_f64, nl_format_f32) against a table of exact expected strings and
// against libc on many values: the text must read back (strtod/strtof) as the
// identical value, no string with one digit fewer may do so, and of the
// strings with as many digits it must be the one closest to the value (libc's
// correctly rounded printf). An optional argument sets the number of random
// values of each kind (default 50000).
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -lm -o %t && %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: format_float: {{[0-9]+}} passed, 0 failed

#include "core/format.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long passed, failed;

/// Records a failure; only the first few are printed in full.
static void report_failure(const char *kind, double v, const char *text,
                           const char *why) {
  if (++failed <= 50)
    printf("FAIL %s %a: got \"%s\": %s\n", kind, v, text, why);
}

//===----------------------------------------------------------------------===//
// Exact expected strings.
//===----------------------------------------------------------------------===//

struct F64Case {
  double value;
  const char *text;
};

struct F32Case {
  float value;
  const char *text;
};

static const struct F64Case f64_cases[] = {
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {INFINITY, "inf"},
    {-INFINITY, "-inf"},
    {NAN, "nan"},
    {-NAN, "nan"},
    {1.0, "1.0"},
    {-1.0, "-1.0"},
    {100.0, "100.0"},
    {0.1, "0.1"},
    {0.5, "0.5"},
    {-2.5, "-2.5"},
    {4.35, "4.35"},
    {0.001, "0.001"},
    {0.0001, "0.0001"},
    {0.00012345, "0.00012345"},
    {1e-5, "1e-5"},
    {3e-5, "3e-5"},
    {5e-5, "5e-5"},
    {1.2345e-5, "1.2345e-5"},
    {1.5e-7, "1.5e-7"},
    {1e-7, "1e-7"},
    {123e-20, "1.23e-18"},
    {299792458.0, "299792458.0"},
    {123456789012345.0, "123456789012345.0"},
    {1e15, "1000000000000000.0"},
    {1234567890123456.0, "1234567890123456.0"},
    {9999999999999998.0, "9999999999999998.0"},
    {1e16, "1e16"},
    {12345678901234567.0, "1.2345678901234568e16"},
    {1e21, "1e21"},
    {1e22, "1e22"},
    {1e23, "1e23"},
    {6.02214076e23, "6.02214076e23"},
    {-3e100, "-3e100"},
    {2.5e300, "2.5e300"},
    {1e308, "1e308"},
    {0.3, "0.3"},
    {0.1 + 0.2, "0.30000000000000004"},
    {1 / 3.0, "0.3333333333333333"},
    {2 / 3.0, "0.6666666666666666"},
    {9007199254740991.0, "9007199254740991.0"},
    {9007199254740992.0, "9007199254740992.0"},
    {9007199254740993.0, "9007199254740992.0"}, // Rounds to 2^53 when parsed.
    {9007199254740994.0, "9007199254740994.0"},
    {0x1p54, "1.8014398509481984e16"},
    {0x1p63, "9.223372036854776e18"},
    {0x1p64, "1.8446744073709552e19"},
    {0x1p-44, "5.684341886080802e-14"},
    {0x1p1023, "8.98846567431158e307"},
    {DBL_MAX, "1.7976931348623157e308"},
    {-DBL_MAX, "-1.7976931348623157e308"},
    {DBL_MIN, "2.2250738585072014e-308"},
    {-DBL_MIN, "-2.2250738585072014e-308"},
    {0x0.fffffffffffffp-1022, "2.225073858507201e-308"}, // Largest subnormal.
    {0x1p-1073, "1e-323"},
    {0x3p-1074, "1.5e-323"},
    {5e-324, "5e-324"},
    {-5e-324, "-5e-324"},
};

static const struct F32Case f32_cases[] = {
    {0.0f, "0.0"},
    {-0.0f, "-0.0"},
    {INFINITY, "inf"},
    {-INFINITY, "-inf"},
    {NAN, "nan"},
    {1.0f, "1.0"},
    {-2.5f, "-2.5"},
    {0.1f, "0.1"},
    {0.2f, "0.2"},
    {0.3f, "0.3"},
    {1 / 3.0f, "0.33333334"},
    {3.14159265f, "3.1415927"},
    {123456.789f, "123456.79"},
    {1e-5f, "1e-5"},
    {1e10f, "10000000000.0"},
    {16777216.0f, "16777216.0"},
    {16777217.0f, "16777216.0"}, // Rounds to 2^24 when parsed.
    {16777218.0f, "16777218.0"},
    {33554432.0f, "33554432.0"},
    {1e38f, "1e38"},
    {3.4028235e38f, "3.4028235e38"},
    {FLT_MAX, "3.4028235e38"},
    {-FLT_MAX, "-3.4028235e38"},
    {FLT_MIN, "1.1754944e-38"},
    {0x1p-127f, "5.877472e-39"},
    {1.1754942e-38f, "1.1754942e-38"}, // Largest subnormal.
    {0x1p-148f, "3e-45"},
    {7e-45f, "7e-45"},
    {FLT_TRUE_MIN, "1e-45"},
    {-FLT_TRUE_MIN, "-1e-45"},
};

static void check_table(void) {
  char text[64];
  for (size_t i = 0; i < sizeof f64_cases / sizeof f64_cases[0]; ++i) {
    size_t n = nl_format_f64(text, f64_cases[i].value);
    text[n] = '\0';
    if (strcmp(text, f64_cases[i].text) != 0)
      report_failure("f64", f64_cases[i].value, text, f64_cases[i].text);
    else
      ++passed;
  }
  for (size_t i = 0; i < sizeof f32_cases / sizeof f32_cases[0]; ++i) {
    size_t n = nl_format_f32(text, f32_cases[i].value);
    text[n] = '\0';
    if (strcmp(text, f32_cases[i].text) != 0)
      report_failure("f32", f32_cases[i].value, text, f32_cases[i].text);
    else
      ++passed;
  }
}

//===----------------------------------------------------------------------===//
// Checks against libc.
//===----------------------------------------------------------------------===//

/// A decimal d[0].d[1]...d[n-1] * 10^exp without leading or trailing zeros.
struct Decimal {
  char d[64];
  int n;
  int exp;
};

/// Reads the digits and exponent of a positive decimal in plain or
/// scientific notation.
static void parse_decimal(const char *s, struct Decimal *out) {
  char raw[64];
  int m = 0, before_point = -1, e = 0;
  for (; *s != '\0' && *s != 'e'; ++s) {
    if (*s == '.')
      before_point = m;
    else if (m < 63)
      raw[m++] = *s;
  }
  if (*s == 'e')
    e = atoi(s + 1);
  if (before_point < 0)
    before_point = m;
  int start = 0;
  while (start < m && raw[start] == '0')
    ++start;
  int end = m;
  while (end > start && raw[end - 1] == '0')
    --end;
  out->n = end - start;
  memcpy(out->d, raw + start, (size_t)out->n);
  // raw as an integer times 10^(before_point - m + e); move the point after
  // the first significant digit.
  out->exp = before_point - m + e + (m - start) - 1;
}

static bool same_decimal(const struct Decimal *a, const struct Decimal *b) {
  return a->n == b->n && a->exp == b->exp && memcmp(a->d, b->d, a->n) == 0;
}

/// Given libc "%.*e" text, writes the adjacent decimal with as many digits
/// above it (\p dir > 0) or below it (\p dir < 0).
static void neighbour(const char *s, int dir, char *out) {
  char dig[64];
  int len = 0;
  for (; *s != 'e'; ++s)
    if (*s != '.')
      dig[len++] = *s;
  int e = atoi(s + 1);
  int i = len - 1;
  if (dir > 0) {
    for (; i >= 0 && dig[i] == '9'; --i)
      dig[i] = '0';
    if (i < 0) { // 9.99e5 -> 1.00e6
      dig[0] = '1';
      ++e;
    } else {
      ++dig[i];
    }
  } else {
    for (; dig[i] == '0'; --i)
      dig[i] = '9';
    --dig[i];
    if (dig[0] == '0') { // 1.00e5 -> 9.99e4, the next finer grid below.
      memmove(dig, dig + 1, (size_t)len - 1);
      dig[len - 1] = '9';
      --e;
    }
  }
  int pos = 0;
  out[pos++] = dig[0];
  out[pos++] = '.';
  for (int j = 1; j < len; ++j)
    out[pos++] = dig[j];
  sprintf(out + pos, "e%d", e);
}

/// Whether \p text reads back as exactly \p v, which is a float if \p is_f32.
static bool round_trips(const char *text, double v, bool is_f32) {
  char *end;
  if (is_f32) {
    float back = strtof(text, &end), want = (float)v;
    return *end == '\0' && memcmp(&back, &want, sizeof back) == 0;
  }
  double back = strtod(text, &end);
  return *end == '\0' && memcmp(&back, &v, sizeof back) == 0;
}

/// Runs every libc-based check on the text \p text produced for the finite,
/// nonzero \p v.
static void check_against_libc(double v, const char *text, bool is_f32) {
  const char *kind = is_f32 ? "f32" : "f64";
  if (strlen(text) > NL_FORMAT_FLOAT_MAX_LEN)
    return report_failure(kind, v, text, "longer than NL_FORMAT_FLOAT_MAX_LEN");
  if (!round_trips(text, v, is_f32))
    return report_failure(kind, v, text, "does not read back as the value");
  if ((text[0] == '-') != (signbit(v) != 0))
    return report_failure(kind, v, text, "wrong sign");
  const char *abs_text = text + (text[0] == '-');
  double abs_v = fabs(v);
  struct Decimal ours;
  parse_decimal(abs_text, &ours);

  // Layout: scientific exactly outside [1e-4, 1e16), no superfluous zeros.
  const char *e = strchr(abs_text, 'e');
  if ((e != NULL) != (ours.exp < -4 || ours.exp >= 16))
    return report_failure(kind, v, text, "wrong notation");
  if (e != NULL && (e[-1] == '0' || e[-1] == '.'))
    return report_failure(kind, v, text, "trailing zero in mantissa");
  if (e == NULL && (strchr(abs_text, '.') == NULL ||
                    (abs_text[0] == '0' && abs_text[1] != '.') ||
                    (text[strlen(text) - 1] == '0' &&
                     text[strlen(text) - 2] != '.')))
    return report_failure(kind, v, text, "malformed plain notation");

  char libc[64], other[64];
  // Shortness: neither decimal with one digit fewer that brackets the value
  // reads back as it (if none of those does, no shorter one does).
  if (ours.n >= 2) {
    snprintf(libc, sizeof libc, "%.*e", ours.n - 2, abs_v);
    if (round_trips(libc, abs_v, is_f32))
      return report_failure(kind, v, text, "a shorter string round-trips");
    neighbour(libc, strtod(libc, NULL) < abs_v ? 1 : -1, other);
    if (round_trips(other, abs_v, is_f32))
      return report_failure(kind, v, text, "a shorter string round-trips");
  }
  // Closeness: same as the correctly rounded decimal of that length, unless
  // that one does not read back, in which case the other bracketing one.
  snprintf(libc, sizeof libc, "%.*e", ours.n - 1, abs_v);
  struct Decimal want;
  parse_decimal(libc, &want);
  if (!same_decimal(&ours, &want)) {
    if (round_trips(libc, abs_v, is_f32))
      return report_failure(kind, v, text, "a closer string round-trips");
    neighbour(libc, strtod(libc, NULL) < abs_v ? 1 : -1, other);
    parse_decimal(other, &want);
    if (!same_decimal(&ours, &want))
      return report_failure(kind, v, text, "not a neighbour of the value");
  }
  ++passed;
}

static void check_f64(double v) {
  char text[64];
  text[nl_format_f64(text, v)] = '\0';
  check_against_libc(v, text, false);
}

static void check_f32(float v) {
  char text[64];
  text[nl_format_f32(text, v)] = '\0';
  check_against_libc(v, text, true);
}

/// xorshift64*, so that every run checks the same values.
static uint64_t random_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void) {
  random_state ^= random_state >> 12;
  random_state ^= random_state << 25;
  random_state ^= random_state >> 27;
  return random_state * 2685821657736338717u;
}

/// Returns the value read from a random decimal with 1 to \p max_digits
/// digits and an exponent in [min_exp, max_exp]: these values have short
/// representations, unlike random bit patterns.
static double random_short_decimal(int max_digits, int min_exp, int max_exp) {
  char text[64];
  int digits = 1 + (int)(next_random() % (uint64_t)max_digits);
  int pos = 0;
  for (int i = 0; i < digits; ++i)
    text[pos++] = (char)('0' + next_random() % 10);
  int exp = min_exp + (int)(next_random() % (uint64_t)(max_exp - min_exp + 1));
  sprintf(text + pos, "e%d", exp);
  return strtod(text, NULL);
}

static void check_random(long count) {
  for (long i = 0; i < count;) {
    uint64_t bits = next_random();
    double v;
    memcpy(&v, &bits, sizeof v);
    if (isfinite(v) && v != 0) {
      check_f64(v);
      ++i;
    }
  }
  for (long i = 0; i < count;) {
    uint32_t bits = (uint32_t)(next_random() >> 32);
    float v;
    memcpy(&v, &bits, sizeof v);
    if (isfinite(v) && v != 0) {
      check_f32(v);
      ++i;
    }
  }
  for (long i = 0; i < count;) {
    double v = random_short_decimal(17, -330, 310);
    if (isfinite(v) && v != 0) {
      check_f64(v);
      ++i;
    }
  }
  for (long i = 0; i < count;) {
    float v = (float)random_short_decimal(9, -47, 40);
    if (isfinite(v) && v != 0) {
      check_f32(v);
      ++i;
    }
  }
}

/// Powers of two (where the rounding interval is asymmetric) and their
/// neighbours, and powers of ten.
static void check_special_values(void) {
  for (int e = -1074; e <= 1023; ++e) {
    double p = ldexp(1.0, e);
    check_f64(p);
    if (e > -1074)
      check_f64(nextafter(p, 0.0));
    check_f64(nextafter(p, INFINITY));
  }
  for (int e = -149; e <= 127; ++e) {
    float p = ldexpf(1.0f, e);
    check_f32(p);
    if (e > -149)
      check_f32(nextafterf(p, 0.0f));
    check_f32(nextafterf(p, INFINITY));
  }
  char text[32];
  for (int e = -323; e <= 308; ++e) {
    snprintf(text, sizeof text, "1e%d", e);
    check_f64(strtod(text, NULL));
  }
  for (int e = -45; e <= 38; ++e) {
    snprintf(text, sizeof text, "1e%d", e);
    check_f32(strtof(text, NULL));
  }
}

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 50000;
  check_table();
  check_special_values();
  check_random(count);
  printf("format_float: %lu passed, %lu failed\n", passed, failed);
  return failed != 0;
}
