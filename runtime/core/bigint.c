//===- bigint.c - Fixed-capacity unsigned big integers --------------------===//
//
// Schoolbook arithmetic on NlBigInt (see bigint.h): products with a single
// limb, shifts, comparisons and the one-digit division that drives the digit
// generation of format_float.c. All loops are linear in the number of limbs.
//
//===----------------------------------------------------------------------===//

#include "bigint.h"

/// Returns limb \p i of \p a, reading zero past its length.
static uint32_t limb_at(const NlBigInt *a, uint32_t i) {
  return i < a->len ? a->limbs[i] : 0;
}

/// Drops leading zero limbs so that the NlBigInt invariant holds again.
static void trim(NlBigInt *a) {
  while (a->len > 0 && a->limbs[a->len - 1] == 0)
    --a->len;
}

/// Appends a new most significant limb. Running out of capacity means the
/// caller's size bound is wrong; trapping beats corrupting memory.
static void push_limb(NlBigInt *a, uint32_t limb) {
  if (a->len == NL_BIGINT_LIMBS)
    __builtin_trap();
  a->limbs[a->len++] = limb;
}

void nl_big_set_u64(NlBigInt *a, uint64_t v) {
  a->len = 0;
  for (; v != 0; v >>= 32)
    push_limb(a, (uint32_t)v);
}

void nl_big_mul_u32(NlBigInt *a, uint32_t m) {
  uint64_t carry = 0;
  for (uint32_t i = 0; i < a->len; ++i) {
    uint64_t product = (uint64_t)a->limbs[i] * m + carry;
    a->limbs[i] = (uint32_t)product;
    carry = product >> 32;
  }
  if (carry != 0)
    push_limb(a, (uint32_t)carry);
  if (m == 0)
    a->len = 0;
}

void nl_big_mul_pow5(NlBigInt *a, uint32_t n) {
  // 5^13 is the largest power of five that fits in a limb.
  static const uint32_t pow5[14] = {
      1,        5,         25,        125,        625,
      3125,     15625,     78125,     390625,     1953125,
      9765625,  48828125,  244140625, 1220703125,
  };
  for (; n >= 13; n -= 13)
    nl_big_mul_u32(a, pow5[13]);
  if (n != 0)
    nl_big_mul_u32(a, pow5[n]);
}

void nl_big_shl(NlBigInt *a, uint32_t bits) {
  if (a->len == 0)
    return;
  uint32_t limb_shift = bits / 32;
  uint32_t bit_shift = bits % 32;
  if (a->len + limb_shift + 1 > NL_BIGINT_LIMBS)
    __builtin_trap();
  // Walk from the top so that no limb is overwritten before it is read.
  uint32_t old_len = a->len;
  a->limbs[old_len + limb_shift] = 0;
  for (uint32_t i = old_len; i-- > 0;) {
    uint64_t wide = (uint64_t)a->limbs[i] << bit_shift;
    a->limbs[i + limb_shift + 1] |= (uint32_t)(wide >> 32);
    a->limbs[i + limb_shift] = (uint32_t)wide;
  }
  for (uint32_t i = 0; i < limb_shift; ++i)
    a->limbs[i] = 0;
  a->len = old_len + limb_shift + 1;
  trim(a);
}

int nl_big_cmp(const NlBigInt *a, const NlBigInt *b) {
  if (a->len != b->len)
    return a->len < b->len ? -1 : 1;
  for (uint32_t i = a->len; i-- > 0;) {
    if (a->limbs[i] != b->limbs[i])
      return a->limbs[i] < b->limbs[i] ? -1 : 1;
  }
  return 0;
}

int nl_big_cmp_sum(const NlBigInt *a, const NlBigInt *b, const NlBigInt *c) {
  uint32_t n = a->len > b->len ? a->len : b->len;
  // a + b has n or n + 1 limbs, which settles most comparisons at once.
  if (c->len < n)
    return 1;
  if (c->len > n + 1)
    return -1;
  if (n == 0)
    return c->len == 0 ? 0 : -1;
  // The top limbs usually settle it: with T = a[n-1] + b[n-1], a + b lies in
  // [T, T + 2) * 2^(32(n-1)), while c >= (c[n] * 2^32 + c[n-1]) * 2^(32(n-1)).
  uint64_t top_sum = (uint64_t)limb_at(a, n - 1) + limb_at(b, n - 1);
  uint64_t c_top = (uint64_t)limb_at(c, n) << 32 | limb_at(c, n - 1);
  if (top_sum + 2 <= c_top)
    return -1;
  if (top_sum > c_top)
    return 1;
  // Otherwise add from the bottom; a difference in a higher limb overrides
  // any found in the lower ones.
  int result = 0;
  uint64_t carry = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t sum = (uint64_t)limb_at(a, i) + limb_at(b, i) + carry;
    uint32_t limb = (uint32_t)sum, other = limb_at(c, i);
    carry = sum >> 32;
    if (limb != other)
      result = limb < other ? -1 : 1;
  }
  uint32_t top = limb_at(c, n);
  if (carry != top)
    result = carry < top ? -1 : 1;
  return result;
}

/// Replaces \p r by r - s; requires r >= s.
static void sub_in_place(NlBigInt *r, const NlBigInt *s) {
  uint64_t borrow = 0;
  for (uint32_t i = 0; i < r->len; ++i) {
    uint64_t diff = (uint64_t)r->limbs[i] - limb_at(s, i) - borrow;
    r->limbs[i] = (uint32_t)diff;
    borrow = (diff >> 32) & 1;
  }
  trim(r);
}

uint32_t nl_big_divmod_small(NlBigInt *r, const NlBigInt *s) {
  if (r->len < s->len)
    return 0;
  // Estimate from the top limbs. Dividing by top + 1 never overshoots, and
  // with a top limb of s >= 2^27 the estimate is at most one too small.
  uint32_t top = s->len - 1;
  uint32_t q = r->limbs[top] / (s->limbs[top] + 1);
  if (q != 0) {
    uint64_t carry = 0, borrow = 0;
    for (uint32_t i = 0; i < s->len; ++i) {
      uint64_t product = (uint64_t)s->limbs[i] * q + carry;
      carry = product >> 32;
      uint64_t diff = (uint64_t)r->limbs[i] - (uint32_t)product - borrow;
      r->limbs[i] = (uint32_t)diff;
      borrow = (diff >> 32) & 1;
    }
    trim(r);
  }
  while (nl_big_cmp(r, s) >= 0) {
    sub_in_place(r, s);
    ++q;
  }
  return q;
}
