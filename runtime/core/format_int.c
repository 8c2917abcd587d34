//===- format_int.c - Decimal formatting of 64-bit integers ---------------===//
//
// Converts integers to decimal text for nl_print_i64 and nl_print_u64, and for
// the numbers in panic messages and float exponents. Needs no libc.
//
//===----------------------------------------------------------------------===//

#include "format.h"

size_t nl_format_u64(char *buf, uint64_t v) {
  // Digits come out least significant first; collect them, then reverse.
  char tmp[NL_FORMAT_INT_MAX_LEN];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < n; ++i)
    buf[i] = tmp[n - 1 - i];
  return n;
}

size_t nl_format_i64(char *buf, int64_t v) {
  if (v >= 0)
    return nl_format_u64(buf, (uint64_t)v);
  // Negate in unsigned arithmetic, where INT64_MIN has a magnitude.
  buf[0] = '-';
  return 1 + nl_format_u64(buf + 1, 0 - (uint64_t)v);
}
