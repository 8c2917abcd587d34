// Shared by the benchmark's C programs: nlc's fill_random generator, 16-bit
// float conversions, a clock and small statistics helpers.
#ifndef NLC_BENCH_COMMON_H
#define NLC_BENCH_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// splitmix64 finaliser, as in frontend/MLIRGen/MLIRGenKernel.cpp (splitmix).
static inline uint64_t splitmix(uint64_t x) {
  uint64_t z = x + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Element `pos` (row-major position) of `t.fill_random(seed)` for a float
// tensor, before rounding to the element type: (top 24 bits) / 2^23 - 1.
static inline float nl_random_float(uint64_t seed, uint64_t pos) {
  uint64_t r = splitmix(splitmix(seed) ^ pos);
  return (float)((double)(r >> 40) * (1.0 / 8388608.0) - 1.0);
}

// The same for an integer tensor: [-8, 8).
static inline int nl_random_int(uint64_t seed, uint64_t pos) {
  uint64_t r = splitmix(splitmix(seed) ^ pos);
  return (int)(r >> 60) - 8;
}

// f32 -> bf16 -> f32, rounding to nearest even (no NaNs occur here).
static inline float round_bf16(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
  memcpy(&f, &u, 4);
  return f;
}

static inline uint16_t to_bf16_bits(float f) {
  f = round_bf16(f);
  uint32_t u;
  memcpy(&u, &f, 4);
  return (uint16_t)(u >> 16);
}

// f32 -> f16 -> f32, rounding to nearest even (clang's _Float16).
static inline float round_f16(float f) { return (float)(_Float16)f; }

// A matrix of `fill_random(seed)` values of element type `dtype` ("f32",
// "bf16", "f16", "i8"), as f32 (exact for every type).
static inline float *nl_random_matrix(const char *dtype, uint64_t seed, long rows, long cols) {
  float *p = (float *)aligned_alloc(64, (size_t)(rows * cols * 4 + 64));
  for (long i = 0; i < rows * cols; ++i) {
    if (!strcmp(dtype, "i8"))
      p[i] = (float)nl_random_int(seed, (uint64_t)i);
    else if (!strcmp(dtype, "bf16"))
      p[i] = round_bf16(nl_random_float(seed, (uint64_t)i));
    else if (!strcmp(dtype, "f16"))
      p[i] = round_f16(nl_random_float(seed, (uint64_t)i));
    else
      p[i] = nl_random_float(seed, (uint64_t)i);
  }
  return p;
}

static inline int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#endif
