//===- bigint.h - Fixed-capacity unsigned big integers --------------------===//
//
// Just enough unsigned arbitrary-precision arithmetic for exact float
// formatting (format_float.c). A number is a little-endian array of 32-bit
// limbs with a fixed capacity, so nothing is allocated and the code needs no
// libc. The capacity covers the largest value formatting a double produces
// (below 2^900, see format_float.c) with room to spare.
//
//===----------------------------------------------------------------------===//

#ifndef NL_CORE_BIGINT_H
#define NL_CORE_BIGINT_H

#include <stdint.h>

/// Number of 32-bit limbs in an NlBigInt (1280 bits).
#define NL_BIGINT_LIMBS 40

/// An unsigned integer: limbs[0 .. len) with limbs[len - 1] != 0; zero has
/// len 0. Operations whose result would not fit trap.
typedef struct NlBigInt {
  uint32_t len;
  uint32_t limbs[NL_BIGINT_LIMBS];
} NlBigInt;

/// Sets \p a to \p v.
void nl_big_set_u64(NlBigInt *a, uint64_t v);

/// Multiplies \p a by \p m in place.
void nl_big_mul_u32(NlBigInt *a, uint32_t m);

/// Multiplies \p a by 5^n in place.
void nl_big_mul_pow5(NlBigInt *a, uint32_t n);

/// Shifts \p a left by \p bits in place, i.e. multiplies it by 2^bits.
void nl_big_shl(NlBigInt *a, uint32_t bits);

/// Returns the sign (-1, 0, 1) of a - b.
int nl_big_cmp(const NlBigInt *a, const NlBigInt *b);

/// Returns the sign (-1, 0, 1) of (a + b) - c, without materialising a + b.
int nl_big_cmp_sum(const NlBigInt *a, const NlBigInt *b, const NlBigInt *c);

/// Replaces \p r by r mod s and returns floor(r / s). Requires r < 10 * s and
/// r->len <= s->len; it is fast when the top limb of s is at least 2^27.
uint32_t nl_big_divmod_small(NlBigInt *r, const NlBigInt *s);

#endif // NL_CORE_BIGINT_H
