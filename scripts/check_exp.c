// Exhaustive accuracy check of nlc's f32 `exp` (lowering/Host/
// ApproximateMath.cpp, ExpF32): a C mirror of the same operations (same
// constants, same FMAs, same order, same fast-range test), run on every f32
// from -104 to 89 (2,239,889,410 arguments) against glibc's f64 exp, in
// ulps of the correctly rounded f32 result; then the special arguments.
// Keep it in step with ExpF32 when that changes. About 25 s:
//   clang -O2 -march=native -ffp-contract=off scripts/check_exp.c -lm -o /tmp/check_exp && /tmp/check_exp
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static float from_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/// The core, for x in about [-87.3, 88.72].
static float core(float x) {
  const float shifter = 0x1.8p23f;
  float sum = fmaf(x, 1.44269504088896341f, shifter);
  float k = sum - shifter;
  float r = fmaf(k, -0.693145751953125f, x);
  r = fmaf(k, -1.42860682030941723212e-6f, r);
  float p = 0.0013841751497238874f;
  p = fmaf(p, r, 0.008375789038836956f);
  p = fmaf(p, r, 0.0416681133210659f);
  p = fmaf(p, r, 0.16666412353515625f);
  p = fmaf(p, r, 0.4999999403953552f);
  p = fmaf(p, r, 1.0f);
  p = fmaf(p, r, 1.0f);
  return from_bits(to_bits(p) + (to_bits(sum) << 23));
}

static float nlc_exp(float x) {
  if (fabsf(x - 0.86f) <= 87.86f)
    return core(x);
  // The full form, as the vector code computes each lane.
  int low = x < -87.0f;
  float moved = low ? x + 32.0f : x;
  if (moved < -87.3f)
    moved = -87.3f;
  float r = core(moved);
  if (low)
    r = r * 1.2664165549094176e-14f;
  if (x > 0x1.62e42ep+6f)
    r = INFINITY;
  return x != x ? x : r;
}

/// |got - exact| in ulps of exact rounded to f32 (1e9 for a wrong inf).
static double ulps(float got, double exact) {
  float rounded = (float)exact;
  if (got == rounded)
    return 0;
  if (isinf(rounded) || isinf(got))
    return 1e9;
  int e = rounded == 0 ? -126 : ilogbf(rounded);
  if (e < -126)
    e = -126;
  return fabs(got - exact) / ldexp(1, e - 23);
}

int main(void) {
  double worst = 0;
  float at = 0;
  long n = 0;
  for (uint64_t u = 0; u <= 0xffffffffu; ++u) {
    float x = from_bits((uint32_t)u);
    if (isnan(x) || x < -104.0f || x > 89.0f)
      continue;
    double e = ulps(nlc_exp(x), exp((double)x));
    ++n;
    if (e > worst) {
      worst = e;
      at = x;
    }
  }
  printf("%ld arguments from -104 to 89: at most %.3f ulp (at %a)\n", n, worst,
         at);
  float special[] = {-INFINITY, -1000.0f, -104.0f, -103.97f, -0.0f, 0.0f,
                     0x1.62e42ep+6f, 0x1.62e43p+6f, INFINITY, NAN};
  for (int i = 0; i < 10; ++i)
    printf("exp(%a) = %a\n", special[i], nlc_exp(special[i]));
  return worst <= 1.5 ? 0 : 1;
}
