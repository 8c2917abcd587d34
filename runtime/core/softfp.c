//===- softfp.c - Float narrowing helpers the compiler calls --------------===//
//
// LLVM lowers f64/f32 -> bf16 and f64 -> f16 conversions on x86 to calls to
// compiler-rt helpers (__truncdfbf2, __truncsfbf2, __truncdfhf2). Neither
// the bare-metal target nor this machine's libgcc (GCC 12) provides the bf16
// ones, so the runtime does, for both flavours. Every result is rounded once,
// to nearest even. This file needs a compiler with __bf16 and _Float16
// (clang); CMake builds it with the LLVM clang for both libraries.
//
//===----------------------------------------------------------------------===//

#include <stdint.h>


/// Rounds the double with bit pattern \p bits to the binary format with
/// \p exp_bits exponent and \p mant_bits significand bits (ties to even) and
/// returns its bit pattern. NaNs stay quiet NaNs with their sign and top
/// payload bits.
static uint16_t narrow(uint64_t bits, int exp_bits, int mant_bits) {
  uint16_t sign = (uint16_t)((bits >> 63) << (exp_bits + mant_bits));
  uint64_t exp = (bits >> 52) & 0x7ff;
  uint64_t mant = bits & ((1ull << 52) - 1);
  const uint64_t exp_max = (1ull << exp_bits) - 1;
  if (exp == 0x7ff) {
    if (mant == 0)
      return sign | (uint16_t)(exp_max << mant_bits);
    return sign | (uint16_t)(exp_max << mant_bits) |
           (uint16_t)(1u << (mant_bits - 1)) |
           (uint16_t)(mant >> (52 - mant_bits));
  }
  if (exp == 0) // Zero, or a double subnormal: far below the target's range.
    return sign;
  int64_t e = (int64_t)exp - 1023 + (int64_t)(exp_max >> 1);
  if (e >= (int64_t)exp_max)
    return sign | (uint16_t)(exp_max << mant_bits);
  uint64_t significand = mant | (1ull << 52);
  int shift = 52 - mant_bits;
  uint64_t value;
  if (e > 0) {
    // Normal: the implicit bit's carry into the exponent field is wanted.
    value = ((uint64_t)e << mant_bits) + (mant >> shift);
    significand = mant;
  } else {
    // Subnormal in the target: the exponent field stays 0 (or becomes 1
    // when rounding carries into it, which is then the right encoding).
    shift += (int)(1 - e);
    if (shift >= 64)
      return sign;
    value = significand >> shift;
  }
  uint64_t rest = significand & ((1ull << shift) - 1);
  uint64_t half = 1ull << (shift - 1);
  if (rest > half || (rest == half && (value & 1)))
    ++value; // May carry up to the infinity encoding, which is correct.
  return sign | (uint16_t)value;
}

static uint64_t double_bits(double x) {
  uint64_t b;
  __builtin_memcpy(&b, &x, 8);
  return b;
}

_Float16 __truncdfhf2(double x) {
  uint16_t h = narrow(double_bits(x), 5, 10);
  _Float16 r;
  __builtin_memcpy(&r, &h, 2);
  return r;
}

__bf16 __truncdfbf2(double x) {
  uint16_t h = narrow(double_bits(x), 8, 7);
  __bf16 r;
  __builtin_memcpy(&r, &h, 2);
  return r;
}

// float -> double is exact, so rounding from the double is rounding once.
__bf16 __truncsfbf2(float x) { return __truncdfbf2((double)x); }
