//===- libm.c - The math functions a unikernel's code can call -------------===//
//
// The scalar math builtins (docs/LangRef.md, section 16) lower to LLVM
// intrinsics and libm calls; a hosted program gets those from the system's
// libm, a unikernel from here. Written for this runtime from the math, not
// taken from a libm: each f64 function works in x87 extended precision
// (long double, a 64-bit significand, 11 bits more than f64) with Taylor or
// atanh series after an exact range reduction, and rounds once to double at
// the end; the f32 functions round the f64 result. Special values follow C
// (Annex F): NaN in, NaN out; log of a negative number is NaN, log(0) is
// -inf; results beyond the range overflow to inf or underflow to 0.
//
// Accuracy (test/BareMetal/math.test measures it against mpmath): within 1
// ulp for f64 and f32. sin, cos and tan reduce their argument exactly, by
// pi/2 in three parts below 2^31 and with 1280 bits of 2/pi above.
//
//===----------------------------------------------------------------------===//

#include <stdint.h>

typedef long double ld;

// Declarations, for -Wmissing-prototypes: LLVM calls these by name.
double exp(double), exp2(double), log(double), log2(double), log10(double);
double pow(double, double), sin(double), cos(double), tan(double);
double asin(double), acos(double), atan(double), atan2(double, double);
double sinh(double), cosh(double), tanh(double), erf(double), cbrt(double);
double floor(double), ceil(double), trunc(double), round(double);
double ldexp(double, int);
void sincos(double, double *, double *);
float expf(float), exp2f(float), logf(float), log2f(float), log10f(float);
float powf(float, float), sinf(float), cosf(float), tanf(float);
float asinf(float), acosf(float), atanf(float), atan2f(float, float);
float sinhf(float), coshf(float), tanhf(float), erff(float), cbrtf(float);
float floorf(float), ceilf(float), truncf(float), roundf(float);
float ldexpf(float, int);
void sincosf(float, float *, float *);

// ln 2 = LN2_HI + LN2_LO, LN2_HI with 25 bits (n * LN2_HI is exact for
// |n| < 2^16); pi/2 = PIO2_1 + PIO2_2 + PIO2_3, the first two with 31 and
// 29 bits (n * PIO2_k is exact for |n| < 2^32).
static const ld LN2 = 0.693147180559945309417232121458L;
static const ld LN2_HI = 0x1.62e42fep-1L;
static const ld LN2_LO = 1.82063599850414618395817656808e-9L;
static const ld LN10 = 2.30258509299404568401799145468L;
static const ld PI = 3.14159265358979323846264338328L;
static const ld PIO2 = 1.57079632679489661923132169164L;
static const ld PIO2_1 = 0x1.921fb544p+0L;
static const ld PIO2_2 = 6.07710049817244968295426588156e-11L;
static const ld PIO2_3 = 8.33374291852087832829586446853e-20L;
static const ld TWO_OVER_PI = 0.63661977236758134307553505349L;
static const ld TWO_OVER_SQRTPI = 1.12837916709551257389615890312L;

//===----------------------------------------------------------------------===//
// Helpers on long double
//===----------------------------------------------------------------------===//

union ld_bits {
  ld v;
  struct {
    uint64_t mant;
    uint16_t sign_exp;
  } p;
};

static int is_nan(double x) { return x != x; }
static double fabs_(double x) { return x < 0 || (x == 0 && 1 / x < 0) ? -x : x; }
static ld fabsl_(ld x) { return x < 0 ? -x : x; }
static int signbit_(double x) {
  union { double d; uint64_t u; } b = {x};
  return (int)(b.u >> 63);
}
static double copysign_(double x, double s) {
  union { double d; uint64_t u; } a = {x}, b = {s};
  a.u = (a.u & ~(1ull << 63)) | (b.u & (1ull << 63));
  return a.d;
}

static ld sqrtl_(ld x) {
  __asm__("fsqrt" : "+t"(x));
  return x;
}

/// 2^n, for |n| < 16000.
static ld pow2l(int n) {
  union ld_bits u;
  u.p.mant = 1ull << 63;
  u.p.sign_exp = (uint16_t)(n + 16383);
  return u.v;
}

/// The nearest integer to x (ties away from zero), |x| < 2^62.
static ld nearest(ld x) {
  return (ld)(int64_t)(x < 0 ? x - 0.5L : x + 0.5L);
}

/// e^r for |r| <= 0.35: the Taylor series, by Horner's rule.
static ld exp_small(ld r) {
  ld p = 1;
  for (int k = 20; k >= 1; --k)
    p = 1 + r * p / k;
  return p;
}

/// e^x for |x| <= 12000: x = n ln 2 + r, e^x = 2^n e^r.
static ld expl_(ld x) {
  ld n = nearest(x / LN2);
  ld r = (x - n * LN2_HI) - n * LN2_LO;
  return exp_small(r) * pow2l((int)n);
}

/// x = 2^e * m with m in [sqrt(1/2), sqrt(2)); returns ln m, sets *e.
/// x is finite and positive.
static ld log_parts(ld x, int *e) {
  union ld_bits u = {x};
  *e = (int)(u.p.sign_exp & 0x7fff) - 16383;
  u.p.sign_exp = 16383;
  ld m = u.v;
  if (m > 1.41421356237309504880L) {
    m /= 2;
    ++*e;
  }
  // ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172.
  ld s = (m - 1) / (m + 1), s2 = s * s, p = 0;
  for (int k = 17; k >= 0; --k)
    p = 1.0L / (2 * k + 1) + s2 * p;
  return 2 * s * p;
}

static ld logl_(ld x) {
  int e;
  ld lm = log_parts(x, &e);
  return e * LN2 + lm;
}

/// atan x for finite x.
static ld atanl_(ld x) {
  int neg = x < 0, inv = 0;
  x = fabsl_(x);
  if (x > 1) {
    x = 1 / x;
    inv = 1;
  }
  // Halve the angle twice: atan x = 2 atan(x / (1 + sqrt(1 + x^2))), so
  // that x <= tan(pi/16) < 0.2.
  for (int i = 0; i < 2; ++i)
    x = x / (1 + sqrtl_(1 + x * x));
  ld x2 = x * x, p = 0;
  for (int k = 16; k >= 0; --k)
    p = (k % 2 ? -1.0L : 1.0L) / (2 * k + 1) + x2 * p;
  ld r = 4 * x * p;
  if (inv)
    r = PIO2 - r;
  return neg ? -r : r;
}

/// sin r and cos r for |r| <= pi/4 (a little more is fine).
static ld sin_small(ld r) {
  ld r2 = r * r, p = 1;
  for (int k = 13; k >= 1; --k)
    p = 1 - r2 * p / ((2 * k) * (2 * k + 1));
  return r * p;
}
static ld cos_small(ld r) {
  ld r2 = r * r, p = 1;
  for (int k = 13; k >= 1; --k)
    p = 1 - r2 * p / ((2 * k - 1) * (2 * k));
  return p;
}

/// The first 1280 bits of 2/pi after the binary point, most significant
/// first (computed with mpmath).
static const uint64_t TWO_OVER_PI_BITS[20] = {
  0xa2f9836e4e441529ull,
  0xfc2757d1f534ddc0ull,
  0xdb6295993c439041ull,
  0xfe5163abdebbc561ull,
  0xb7246e3a424dd2e0ull,
  0x06492eea09d1921cull,
  0xfe1deb1cb129a73eull,
  0xe88235f52ebb4484ull,
  0xe99c7026b45f7e41ull,
  0x3991d639835339f4ull,
  0x9c845f8bbdf9283bull,
  0x1ff897ffde05980full,
  0xef2f118b5a0a6d1full,
  0x6d367ecf27cb09b7ull,
  0x4f463f669e5fea2dull,
  0x7527bac7ebe5f17bull,
  0x3d0739f78a5292eaull,
  0x6bfb5fb11f8d5d08ull,
  0x56033046fc7b6babull,
  0xf0cfbc209af4361dull
};

/// The 64 bits of 2/pi from bit i on (bit 1 is the first after the point;
/// those before it are 0).
static uint64_t two_over_pi_at(int i) {
  if (i + 63 < 1)
    return 0;
  if (i < 1)
    return two_over_pi_at(1) >> (1 - i);
  int w = (i - 1) / 64, s = (i - 1) % 64;
  uint64_t v = TWO_OVER_PI_BITS[w] << s;
  if (s && w + 1 < 20)
    v |= TWO_OVER_PI_BITS[w + 1] >> (64 - s);
  return v;
}

/// x = q pi/2 + r for a finite x >= 2^31, exactly (Payne and Hanek): with
/// x = m 2^e, m an integer, only the bits of 2/pi from 2^(1-e) on matter
/// modulo 4; 192 of them give q and 190 bits of the fraction.
static ld reduce_pio2_large(double x, int *q) {
  union { double d; uint64_t u; } b = {x};
  int e = (int)((b.u >> 52) & 0x7ff) - 1075;
  uint64_t m = (b.u & ((1ull << 52) - 1)) | (1ull << 52);
  uint64_t w0 = two_over_pi_at(e - 1), w1 = two_over_pi_at(e + 63),
           w2 = two_over_pi_at(e + 127);
  // m * (w0 2^128 + w1 2^64 + w2) modulo 2^192, as r2:r1:r0.
  unsigned __int128 p = (unsigned __int128)m * w2;
  uint64_t r0 = (uint64_t)p;
  p = (unsigned __int128)m * w1 + (uint64_t)(p >> 64);
  uint64_t r1 = (uint64_t)p;
  uint64_t r2 = m * w0 + (uint64_t)(p >> 64);
  *q = (int)(r2 >> 62);
  unsigned __int128 f = ((unsigned __int128)((r2 << 2) | (r1 >> 62)) << 64) |
                        ((r1 << 2) | (r0 >> 62));
  int neg = (int)(f >> 127);
  if (neg) {
    f = -f;
    *q = (*q + 1) & 3;
  }
  ld frac = (ld)(uint64_t)(f >> 64) * 0x1p-64L + (ld)(uint64_t)f * 0x1p-128L;
  return (neg ? -frac : frac) * PIO2;
}

/// x = q pi/2 + r with |r| <= pi/4 (about); returns r, sets *q to q mod 4.
/// x is finite.
static ld reduce_pio2(double x, int *q) {
  if (fabs_(x) >= 0x1p31) {
    ld r = reduce_pio2_large(fabs_(x), q);
    if (x < 0) {
      r = -r;
      *q = (-*q) & 3;
    }
    return r;
  }
  ld n = 0, y = x;
  if (fabs_(x) > 0.785398163397448) {
    // |n| < 2^31: the products n * PIO2_k are exact.
    n = nearest(y * TWO_OVER_PI);
    y = ((y - n * PIO2_1) - n * PIO2_2) - n * PIO2_3;
  }
  *q = (int)((int64_t)n & 3);
  return y;
}

/// sinh x for finite x, |x| < 1 by its Taylor series (no cancellation).
static ld sinhl_(ld x) {
  if (fabsl_(x) < 1) {
    ld x2 = x * x, p = 1;
    for (int k = 14; k >= 1; --k)
      p = 1 + x2 * p / ((2 * k) * (2 * k + 1));
    return x * p;
  }
  ld e = expl_(x < -800 ? -800 : x > 800 ? 800 : x);
  return (e - 1 / e) / 2;
}

//===----------------------------------------------------------------------===//
// f64
//===----------------------------------------------------------------------===//

double exp(double x) {
  if (is_nan(x))
    return x;
  return (double)expl_(x < -800 ? -800 : x > 800 ? 800 : x);
}

double exp2(double x) {
  if (is_nan(x))
    return x;
  x = x < -1200 ? -1200 : x > 1200 ? 1200 : x;
  ld n = nearest(x);
  return (double)(exp_small(((ld)x - n) * LN2) * pow2l((int)n));
}

/// NaN for a negative or NaN x, -inf for 0, inf for inf; else 0 and
/// *done = 0.
static double log_special(double x, int *done) {
  *done = 1;
  if (is_nan(x))
    return x;
  if (x < 0)
    return (x - x) / (x - x);
  if (x == 0)
    return -1 / fabs_(x);
  if (x == 1.0 / 0.0)
    return x;
  *done = 0;
  return 0;
}

double log(double x) {
  int done;
  double s = log_special(x, &done);
  return done ? s : (double)logl_(x);
}

double log2(double x) {
  int done, e;
  double s = log_special(x, &done);
  if (done)
    return s;
  ld lm = log_parts(x, &e);
  return (double)(e + lm / LN2);
}

double log10(double x) {
  int done;
  double s = log_special(x, &done);
  return done ? s : (double)(logl_(x) / LN10);
}

/// y is an integer; *odd says whether it is odd.
static int is_integer(double y, int *odd) {
  *odd = 0;
  if (trunc(y) != y)
    return 0;
  if (fabs_(y) < 0x1p53)
    *odd = (int)((int64_t)y & 1);
  return 1;
}

double pow(double x, double y) {
  if (y == 0 || x == 1)
    return 1;
  if (is_nan(x) || is_nan(y))
    return x + y;
  const double inf = 1.0 / 0.0;
  double ax = fabs_(x);
  if (fabs_(y) == inf) {
    if (ax == 1)
      return 1;
    return (ax < 1) == (y > 0) ? 0 : inf;
  }
  int odd;
  int integer = is_integer(y, &odd);
  double sign = signbit_(x) && odd ? -1.0 : 1.0;
  if (ax == inf || x == 0)
    return sign * (((ax == inf) == (y > 0)) ? inf : 0.0);
  if (x < 0 && !integer)
    return (x - x) / (x - x);
  ld t = (ld)y * logl_(ax);
  t = t < -1200 ? -1200 : t > 1200 ? 1200 : t;
  return sign * (double)expl_(t);
}

double sin(double x) {
  if (x == 0 || is_nan(x))
    return x;
  if (fabs_(x) == 1.0 / 0.0)
    return (x - x) / (x - x);
  int q;
  ld r = reduce_pio2(x, &q);
  ld v = q % 2 ? cos_small(r) : sin_small(r);
  return (double)(q >= 2 ? -v : v);
}

double cos(double x) {
  if (is_nan(x))
    return x;
  if (fabs_(x) == 1.0 / 0.0)
    return (x - x) / (x - x);
  int q;
  ld r = reduce_pio2(x, &q);
  ld v = q % 2 ? sin_small(r) : cos_small(r);
  return (double)(q == 1 || q == 2 ? -v : v);
}

void sincos(double x, double *s, double *c) {
  *s = sin(x);
  *c = cos(x);
}

double tan(double x) {
  if (x == 0 || is_nan(x))
    return x;
  if (fabs_(x) == 1.0 / 0.0)
    return (x - x) / (x - x);
  int q;
  ld r = reduce_pio2(x, &q);
  ld s = sin_small(r), c = cos_small(r);
  return (double)(q % 2 ? -c / s : s / c);
}

double asin(double x) {
  if (x == 0 || is_nan(x))
    return x;
  if (fabs_(x) > 1)
    return (x - x) / (x - x);
  ld c = sqrtl_((1 - (ld)x) * (1 + (ld)x));
  return (double)(c == 0 ? (x > 0 ? PIO2 : -PIO2) : atanl_((ld)x / c));
}

double acos(double x) {
  if (is_nan(x))
    return x;
  if (fabs_(x) > 1)
    return (x - x) / (x - x);
  if (x == 0)
    return (double)PIO2;
  ld s = sqrtl_((1 - (ld)x) * (1 + (ld)x));
  ld a = atanl_(s / fabsl_(x));
  return (double)(x > 0 ? a : PI - a);
}

double atan(double x) {
  if (x == 0 || is_nan(x))
    return x;
  if (fabs_(x) == 1.0 / 0.0)
    return (double)(x > 0 ? PIO2 : -PIO2);
  return (double)atanl_(x);
}

double atan2(double y, double x) {
  if (is_nan(x) || is_nan(y))
    return x + y;
  const double inf = 1.0 / 0.0;
  ld s = signbit_(y) ? -1 : 1;
  if (y == 0)
    return signbit_(x) ? (double)(s * PI) : y;
  if (x == 0)
    return (double)(s * PIO2);
  if (fabs_(y) == inf) {
    if (fabs_(x) == inf)
      return (double)(s * (x > 0 ? PIO2 / 2 : 3 * PIO2 / 2));
    return (double)(s * PIO2);
  }
  if (fabs_(x) == inf)
    return x > 0 ? copysign_(0.0, y) : (double)(s * PI);
  ld a = atanl_((ld)y / (ld)x);
  if (x < 0)
    a += s * PI;
  return (double)a;
}

double sinh(double x) {
  if (x == 0 || is_nan(x))
    return x;
  return (double)sinhl_(x);
}

double cosh(double x) {
  if (is_nan(x))
    return x;
  ld e = expl_(fabs_(x) > 800 ? 800 : fabs_(x));
  return (double)((e + 1 / e) / 2);
}

double tanh(double x) {
  if (x == 0 || is_nan(x))
    return x;
  if (fabs_(x) >= 23)
    return x > 0 ? 1.0 : -1.0;
  if (fabs_(x) < 1) {
    ld s = sinhl_(x);
    return (double)(s / sqrtl_(1 + s * s));
  }
  ld e = expl_(2 * (ld)fabs_(x));
  ld t = (e - 1) / (e + 1);
  return (double)(x > 0 ? t : -t);
}

double erf(double x) {
  if (x == 0 || is_nan(x))
    return x;
  if (fabs_(x) >= 6)
    return x > 0 ? 1.0 : -1.0;
  // erf x = 2x/sqrt(pi) e^(-x^2) sum_n (2x^2)^n / (1 * 3 * ... * (2n+1)):
  // positive terms, so nothing cancels.
  ld x2 = (ld)x * x, term = 1, sum = 1;
  for (int n = 1; n < 400 && term > sum * 1e-21L; ++n) {
    term *= 2 * x2 / (2 * n + 1);
    sum += term;
  }
  return (double)(TWO_OVER_SQRTPI * x * expl_(-x2) * sum);
}

double cbrt(double x) {
  if (x == 0 || is_nan(x) || fabs_(x) == 1.0 / 0.0)
    return x;
  ld a = fabs_(x);
  ld y = expl_(logl_(a) / 3);
  y -= (y * y * y - a) / (3 * y * y);
  return (double)(x < 0 ? -y : y);
}

double trunc(double x) {
  if (!(fabs_(x) < 0x1p52))
    return x;
  return copysign_((double)(int64_t)x, x);
}

double floor(double x) {
  double t = trunc(x);
  return t > x ? t - 1 : t;
}

double ceil(double x) {
  double t = trunc(x);
  return t < x ? copysign_(t + 1, x) : t;
}

double round(double x) {
  double t = trunc(x);
  return fabs_(x - t) >= 0.5 ? t + copysign_(1.0, x) : t;
}

double ldexp(double x, int n) {
  if (x == 0 || is_nan(x) || fabs_(x) == 1.0 / 0.0)
    return x;
  n = n < -3000 ? -3000 : n > 3000 ? 3000 : n;
  return (double)((ld)x * pow2l(n));
}

//===----------------------------------------------------------------------===//
// f32: the f64 function, rounded.
//===----------------------------------------------------------------------===//

float expf(float x) { return (float)exp(x); }
float exp2f(float x) { return (float)exp2(x); }
float logf(float x) { return (float)log(x); }
float log2f(float x) { return (float)log2(x); }
float log10f(float x) { return (float)log10(x); }
float powf(float x, float y) { return (float)pow(x, y); }
float sinf(float x) { return (float)sin(x); }
float cosf(float x) { return (float)cos(x); }
float tanf(float x) { return (float)tan(x); }
float asinf(float x) { return (float)asin(x); }
float acosf(float x) { return (float)acos(x); }
float atanf(float x) { return (float)atan(x); }
float atan2f(float y, float x) { return (float)atan2(y, x); }
float sinhf(float x) { return (float)sinh(x); }
float coshf(float x) { return (float)cosh(x); }
float tanhf(float x) { return (float)tanh(x); }
float erff(float x) { return (float)erf(x); }
float cbrtf(float x) { return (float)cbrt(x); }
float floorf(float x) { return (float)floor(x); }
float ceilf(float x) { return (float)ceil(x); }
float truncf(float x) { return (float)trunc(x); }
float roundf(float x) { return (float)round(x); }
float ldexpf(float x, int n) { return (float)ldexp(x, n); }

void sincosf(float x, float *s, float *c) {
  *s = sinf(x);
  *c = cosf(x);
}
