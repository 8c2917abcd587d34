// Shared by the benchmark's C programs: nlc's fill_random generator, 16-bit
// float conversions, a clock, small statistics helpers and the AMX setup of
// the tile probes.
#ifndef NLC_BENCH_COMMON_H
#define NLC_BENCH_COMMON_H

#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

// AMX (peak.c, amx_probe.c). Linux hands out the tile state only on
// request, else the first tile instruction is SIGILL: 1 where granted.
static inline int amx_request(void) {
  return !syscall(SYS_arch_prctl, 0x1023 /* ARCH_REQ_XCOMP_PERM */,
                  18 /* XTILEDATA */);
}

// Configures this thread's 8 tile registers, each 16 rows of 64 bytes (the
// one shape nlc's AMX code uses).
__attribute__((target("amx-tile"))) static inline void amx_configure(void) {
  static __thread struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
  } cfg __attribute__((aligned(64)));
  memset(&cfg, 0, sizeof cfg);
  cfg.palette = 1;
  for (int t = 0; t < 8; ++t) {
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;
  }
  _tile_loadconfig(&cfg);
}

// The four products of a 2x2 block of accumulator tiles (0-3) from two
// tiles of A (4, 5) and two of B (6, 7); `product` is _tile_dpbf16ps or
// _tile_dpbssd.
#define AMX_BLOCK_PRODUCTS(product)                                            \
  do {                                                                         \
    product(0, 4, 6);                                                          \
    product(1, 4, 7);                                                          \
    product(2, 5, 6);                                                          \
    product(3, 5, 7);                                                          \
  } while (0)

#endif
