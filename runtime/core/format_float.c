//===- format_float.c - Shortest round-trip formatting of floats ----------===//
//
// Converts doubles and floats to the shortest decimal string that reads back
// (with round-half-even parsing) as exactly the same value, choosing the
// candidate closest to the exact value when several have that length. It uses
// exact big-integer arithmetic rather than libc, so it is correct for every
// input and runs on bare metal.
//
// The algorithm is the "free-format" digit generation of Steele & White
// (Dragon4) in the formulation of Burger & Dybvig, "Printing Floating-Point
// Numbers Quickly and Accurately" (PLDI 1996). A finite nonzero value is
// v = m * 2^e. Every decimal strictly between the midpoints to v's neighbours
// reads back as v, and so do the midpoints themselves when m is even (ties
// round to even). The gap to the upper neighbour is 2^e; the lower gap is
// 2^(e-1) when m is the smallest mantissa of a binade above the lowest one.
// With integers r, s, m+, m- such that v = r/s * 10^k, and the interval being
// ((r - m-)/s * 10^k, (r + m+)/s * 10^k), the loop produces one digit per step
// (r *= 10, digit = r / s, r %= s, and m+, m- *= 10) until the digits so far,
// or those with the last digit raised by one, lie inside the interval. Powers
// of two common to r and s are cancelled up front, which keeps the numbers
// below 2^900 for doubles.
//
//===----------------------------------------------------------------------===//

#include "bigint.h"
#include "format.h"

#include <stdbool.h>

/// A double needs at most 17 significant digits, a float at most 9.
#define MAX_DIGITS 17

/// Returns the number of significant bits in \p v (0 for 0).
static int32_t bit_length(uint64_t v) {
  return v == 0 ? 0 : 64 - __builtin_clzll(v);
}

/// Returns floor(v / 2^32) for any sign of \p v, without relying on the
/// implementation-defined right shift of negative numbers.
static int64_t floor_div_2_32(int64_t v) {
  if (v >= 0)
    return (int64_t)((uint64_t)v >> 32);
  return -(int64_t)(((uint64_t)-v + 0xffffffffu) >> 32);
}

/// Returns a lower bound of the decimal exponent k of the first digit, for a
/// value in [2^x, 2^(x+1)): floor(x * log10(2)) + 1. The constant is
/// log10(2) * 2^32 rounded down; for |x| <= 1200 the product never comes
/// within 4.5e-4 of an integer, so the floor is exact.
static int32_t estimate_exp10(int32_t x) {
  return (int32_t)floor_div_2_32((int64_t)x * 1292913986) + 1;
}

/// Whether a comparison result \p cmp of an interval bound against a
/// candidate means the candidate is inside, given whether bounds are included.
static bool within(int cmp, bool inclusive) {
  return inclusive ? cmp >= 0 : cmp > 0;
}

/// Scales the numerator-side numbers by 5^fives * 2^twos; \p mp may alias
/// \p mm (symmetric interval), in which case it is scaled once.
static void scale_numerators(NlBigInt *r, NlBigInt *mm, NlBigInt *mp,
                             uint32_t fives, uint32_t twos) {
  NlBigInt *nums[3] = {r, mm, mp};
  for (int i = 0; i < (mp == mm ? 2 : 3); ++i) {
    nl_big_mul_pow5(nums[i], fives);
    nl_big_shl(nums[i], twos);
  }
}

/// Writes the shortest digits of m * 2^e (m > 0) to \p digits and the decimal
/// exponent of the first one to \p exp10; returns the digit count.
/// \p narrow_below says the gap to the lower neighbour is half the upper one.
static uint32_t shortest_digits(uint64_t m, int32_t e, bool narrow_below,
                                char digits[MAX_DIGITS], int32_t *exp10) {
  bool inclusive = (m & 1) == 0;
  // v = r * 2^(e - shift) and the half-gaps are mm and mp in the same unit.
  uint32_t shift = narrow_below ? 2 : 1;
  NlBigInt r, s, mm, mp_storage;
  NlBigInt *mp = narrow_below ? &mp_storage : &mm;
  nl_big_set_u64(&r, m << shift);
  nl_big_set_u64(&mm, 1);
  nl_big_set_u64(mp, narrow_below ? 2 : 1);
  nl_big_set_u64(&s, 1);

  // v / 10^k = r * 2^twos * 5^-k; move each factor to the side where its
  // exponent is positive.
  int32_t k = estimate_exp10(e + bit_length(m) - 1);
  int32_t twos = e - (int32_t)shift - k;
  scale_numerators(&r, &mm, mp, k < 0 ? (uint32_t)-k : 0,
                   twos > 0 ? (uint32_t)twos : 0);
  nl_big_mul_pow5(&s, k > 0 ? (uint32_t)k : 0);
  nl_big_shl(&s, twos < 0 ? (uint32_t)-twos : 0);

  // The estimate may be low: raise k until the upper bound is below 10^k, so
  // that the first digit is the leading one.
  while (within(nl_big_cmp_sum(&r, mp, &s), inclusive)) {
    nl_big_mul_u32(&s, 10);
    ++k;
  }

  // Align s so that its top limb lies in [2^27, 2^28): 10 * r then still has
  // no more limbs than s, and the quotient estimate of nl_big_divmod_small is
  // at most one too small.
  uint32_t top_bits = (uint32_t)bit_length(s.limbs[s.len - 1]);
  uint32_t align = (28 + 32 - top_bits) % 32;
  nl_big_shl(&s, align);
  scale_numerators(&r, &mm, mp, 0, align);

  uint32_t n = 0;
  // The loop always ends within MAX_DIGITS steps (the interval is wider than
  // 10^-17 relative to v); the bound only keeps a logic error from writing
  // past the buffer.
  while (n < MAX_DIGITS) {
    nl_big_mul_u32(&r, 10);
    nl_big_mul_u32(&mm, 10);
    if (mp != &mm)
      nl_big_mul_u32(mp, 10);
    uint32_t digit = nl_big_divmod_small(&r, &s);
    // low: the digits so far are above the lower bound; high: raising the
    // last digit stays below the upper bound.
    int low_cmp = nl_big_cmp(&mm, &r);
    bool low = inclusive ? low_cmp >= 0 : low_cmp > 0;
    bool high = within(nl_big_cmp_sum(&r, mp, &s), inclusive);
    if (low && high) {
      // Both candidates read back as v: take the closer one, the even digit
      // on an exact tie.
      int twice_r = nl_big_cmp_sum(&r, &r, &s);
      if (twice_r > 0 || (twice_r == 0 && (digit & 1) != 0))
        ++digit;
    } else if (high) {
      ++digit;
    }
    digits[n++] = (char)('0' + digit);
    if (low || high)
      break;
  }
  *exp10 = k - 1;
  return n;
}

/// Copies the NUL-terminated \p text to \p buf and returns its length.
static size_t put_text(char *buf, const char *text) {
  size_t n = 0;
  for (; text[n] != '\0'; ++n)
    buf[n] = text[n];
  return n;
}

/// Lays out digits d1 d2 ... dn with value d1.d2...dn * 10^exp10: plainly for
/// exponents in [-4, 16), with at least one digit after the point, otherwise
/// as d1[.d2...dn]e<exp10>. This matches Python's repr except for the exponent,
/// which has no '+' and no zero padding.
static size_t layout(char *buf, bool negative, const char *digits, uint32_t n,
                     int32_t exp10) {
  size_t pos = 0;
  if (negative)
    buf[pos++] = '-';
  if (exp10 < -4 || exp10 >= 16) {
    buf[pos++] = digits[0];
    if (n > 1) {
      buf[pos++] = '.';
      for (uint32_t i = 1; i < n; ++i)
        buf[pos++] = digits[i];
    }
    buf[pos++] = 'e';
    return pos + nl_format_i64(buf + pos, exp10);
  }
  if (exp10 < 0) {
    pos += put_text(buf + pos, "0.");
    for (int32_t i = exp10 + 1; i < 0; ++i)
      buf[pos++] = '0';
    for (uint32_t i = 0; i < n; ++i)
      buf[pos++] = digits[i];
    return pos;
  }
  uint32_t int_digits = (uint32_t)exp10 + 1;
  for (uint32_t i = 0; i < int_digits; ++i)
    buf[pos++] = i < n ? digits[i] : '0';
  buf[pos++] = '.';
  if (n <= int_digits)
    buf[pos++] = '0';
  for (uint32_t i = int_digits; i < n; ++i)
    buf[pos++] = digits[i];
  return pos;
}

/// Formats a binary floating-point value given its fields: \p frac_bits bits
/// of fraction, exponent \p biased_exp with bias \p bias, and all-ones
/// exponent \p max_exp for infinities and NaNs.
static size_t format_binary(char *buf, bool negative, uint64_t frac,
                            uint32_t biased_exp, int32_t frac_bits,
                            int32_t bias, uint32_t max_exp) {
  if (biased_exp == max_exp) {
    if (frac != 0)
      return put_text(buf, "nan");
    return put_text(buf, negative ? "-inf" : "inf");
  }
  if (biased_exp == 0 && frac == 0)
    return put_text(buf, negative ? "-0.0" : "0.0");
  // Subnormals share the exponent of the smallest normal binade, without
  // the implicit leading bit.
  uint64_t m = biased_exp == 0 ? frac : frac | (uint64_t)1 << frac_bits;
  int32_t e = (biased_exp == 0 ? 1 : (int32_t)biased_exp) - bias - frac_bits;
  bool narrow_below = frac == 0 && biased_exp > 1;
  char digits[MAX_DIGITS];
  int32_t exp10;
  uint32_t n = shortest_digits(m, e, narrow_below, digits, &exp10);
  return layout(buf, negative, digits, n, exp10);
}

size_t nl_format_f64(char *buf, double v) {
  union {
    double d;
    uint64_t u;
  } bits = {.d = v};
  return format_binary(buf, (bits.u >> 63) != 0,
                       bits.u & (((uint64_t)1 << 52) - 1),
                       (uint32_t)(bits.u >> 52) & 0x7ff, 52, 1023, 0x7ff);
}

size_t nl_format_f32(char *buf, float v) {
  union {
    float f;
    uint32_t u;
  } bits = {.f = v};
  return format_binary(buf, (bits.u >> 31) != 0, bits.u & ((1u << 23) - 1),
                       (bits.u >> 23) & 0xff, 23, 127, 0xff);
}
