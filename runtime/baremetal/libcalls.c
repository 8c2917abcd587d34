//===- libcalls.c - Routines LLVM calls where x86-64-v3 has no instruction ===//
//
// A hosted program gets these from libm and the compiler's support library;
// a unikernel has neither, so the bare-metal runtime defines the ones nlc's
// code can need: fmod and fmodf (the `%` operator on floats), exact, so
// results match the hosted build bit for bit. The narrowing conversions to
// f16 and bf16 are in core/softfp.c, shared with the hosted library.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"

#include <stddef.h>
#include <stdint.h>

double fmod(double x, double y);
float fmodf(float x, float y);
_Float16 __truncdfhf2(double x);
__bf16 __truncdfbf2(double x);
__bf16 __truncsfbf2(float x);

//===----------------------------------------------------------------------===//
// fmod: long division on the significands, one bit per step (the algorithm
// of musl's fmod). The result is exact, so there is nothing to round.
//===----------------------------------------------------------------------===//

/// fmod on IEEE binary formats with \p mant_bits stored significand bits
/// and \p exp_bits exponent bits, on their bit patterns.
static uint64_t fmod_bits(uint64_t x, uint64_t y, int mant_bits, int exp_bits,
                          int *is_nan) {
  const int total = mant_bits + exp_bits + 1;
  const uint64_t sign_bit = 1ull << (total - 1);
  const uint64_t exp_max = (1ull << exp_bits) - 1;
  const uint64_t implicit = 1ull << mant_bits;
  const uint64_t abs_mask = sign_bit - 1;
  int64_t ex = (int64_t)((x >> mant_bits) & exp_max);
  int64_t ey = (int64_t)((y >> mant_bits) & exp_max);
  uint64_t sx = x & sign_bit;
  uint64_t ax = x & abs_mask, ay = y & abs_mask;
  *is_nan = 0;
  // fmod(x, 0), fmod(inf, y) and NaN operands are NaN.
  if (ay == 0 || ay > (exp_max << mant_bits) || (uint64_t)ex == exp_max) {
    *is_nan = 1;
    return 0;
  }
  if (ax <= ay)
    return ax == ay ? sx : x;

  // Significands with the implicit bit; subnormals normalized.
  uint64_t mx, my;
  if (ex == 0) {
    mx = ax;
    for (; (mx & implicit) == 0; mx <<= 1)
      --ex;
    ++ex;
  } else {
    mx = (ax & (implicit - 1)) | implicit;
  }
  if (ey == 0) {
    my = ay;
    for (; (my & implicit) == 0; my <<= 1)
      --ey;
    ++ey;
  } else {
    my = (ay & (implicit - 1)) | implicit;
  }

  for (; ex > ey; --ex) {
    if (mx >= my) {
      mx -= my;
      if (mx == 0)
        return sx;
    }
    mx <<= 1;
  }
  if (mx >= my) {
    mx -= my;
    if (mx == 0)
      return sx;
  }
  for (; (mx & implicit) == 0; mx <<= 1)
    --ex;

  if (ex > 0)
    return sx | ((uint64_t)ex << mant_bits) | (mx & (implicit - 1));
  return sx | (mx >> (1 - ex));
}

double fmod(double x, double y) {
  uint64_t bx, by;
  __builtin_memcpy(&bx, &x, 8);
  __builtin_memcpy(&by, &y, 8);
  int is_nan;
  uint64_t r = fmod_bits(bx, by, 52, 11, &is_nan);
  if (is_nan)
    return (x * y) / (x * y);
  double d;
  __builtin_memcpy(&d, &r, 8);
  return d;
}

float fmodf(float x, float y) {
  uint32_t bx, by;
  __builtin_memcpy(&bx, &x, 4);
  __builtin_memcpy(&by, &y, 4);
  int is_nan;
  uint32_t r = (uint32_t)fmod_bits(bx, by, 23, 8, &is_nan);
  if (is_nan)
    return (x * y) / (x * y);
  float f;
  __builtin_memcpy(&f, &r, 4);
  return f;
}

//===----------------------------------------------------------------------===//
// malloc and free
//===----------------------------------------------------------------------===//

// MLIR's memref lowering allocates tensors with malloc. Here it is the
// runtime's arena; running out panics ("out of memory") instead of
// returning a null pointer that generated code would not check.
void *malloc(size_t size) { return nl_alloc((int64_t)size, 16); }

void free(void *p) { nl_free(p); }

// LLVM turns malloc followed by zeroing into calloc.
void *calloc(size_t count, size_t size) {
  if (size != 0 && count > (size_t)INT64_MAX / size)
    return nl_alloc(-1, 16); // Reports the bad size and stops.
  size_t n = count * size;
  unsigned char *p = nl_alloc((int64_t)n, 16);
  for (size_t i = 0; i < n; ++i)
    p[i] = 0;
  return p;
}
