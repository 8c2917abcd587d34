// Measured compute peaks of this machine, per thread count: zmm FMA (f32),
// ymm FMA (f32, AVX2 + FMA: the peak of AVX2-only machines, where nlc's
// kernels use ymm registers), vdpbf16ps (AVX512-BF16), vpdpbusd
// (AVX512-VNNI int8) and AMX tdpbf16ps and tdpbssd, each only where /proc/cpuinfo
// lists the feature. Every loop keeps enough
// independent accumulators in registers to saturate the units and touches
// no memory. Output: `peak,<name>,<threads>,<best>,<median>` in GFLOP/s
// (GOP/s for int8), the sum over the threads.
//
// usage: peak <threads...>
#include "common.h"

#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

static int has_flag(const char *flag) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return 0;
  char line[8192];
  int found = 0;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "flags", 5)) continue;
    char *p = line;
    size_t n = strlen(flag);
    while ((p = strstr(p, flag))) {
      if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n')) { found = 1; break; }
      p += n;
    }
    break;
  }
  fclose(f);
  return found;
}

#define REP12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

// 12 chains of zmm FMA: 12 * 16 lanes * 2 FLOP per iteration.
__attribute__((target("avx512f"), noinline)) static double fma_f32(long iters) {
#define DECL(i) __m512 a##i = _mm512_set1_ps(1.0f + 0.001f * i);
  REP12(DECL)
  __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(0.001f);
  __asm__ volatile("" : "+v"(x), "+v"(y));
  for (long it = 0; it < iters; ++it) {
#define STEP(i) a##i = _mm512_fmadd_ps(a##i, x, y);
    REP12(STEP)
  }
#define SUM(i) s = _mm512_add_ps(s, a##i);
  __m512 s = _mm512_setzero_ps();
  REP12(SUM)
  return _mm512_reduce_add_ps(s);
}

// 12 chains of ymm FMA: 12 * 8 lanes * 2 FLOP per iteration (12 of the 16
// ymm registers; two FMA units of 4-5 cycles latency need 8-10 chains).
// Its runs are short (5M iterations, about 6 ms on a 3 GHz Zen 3): on a
// shared machine the best of 15 then catches a run no other process
// interrupted (with 40M iterations, under a load of 8 on 2 cores, every run
// was shared and the best was 58 GFLOP/s instead of 95-98).
__attribute__((target("avx2,fma"), noinline)) static double fma_f32_ymm(long iters) {
#define DECLY(i) __m256 a##i = _mm256_set1_ps(1.0f + 0.001f * i);
  REP12(DECLY)
  __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(0.001f);
  __asm__ volatile("" : "+x"(x), "+x"(y));
  for (long it = 0; it < iters; ++it) {
#define STEPY(i) a##i = _mm256_fmadd_ps(a##i, x, y);
    REP12(STEPY)
  }
  __m256 s = _mm256_setzero_ps();
#define SUMY(i) s = _mm256_add_ps(s, a##i);
  REP12(SUMY)
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  return lanes[0] + lanes[7];
}

// 12 chains of vdpbf16ps: 12 * 16 lanes * 2 pairs * 2 FLOP per iteration.
__attribute__((target("avx512f,avx512bf16"), noinline)) static double dp_bf16(long iters) {
#define DECLB(i) __m512 a##i = _mm512_set1_ps(0.001f * i);
  REP12(DECLB)
  __m512bh x = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(2e-3f));
  __m512bh y = _mm512_cvtne2ps_pbh(_mm512_set1_ps(3e-3f), _mm512_set1_ps(1e-3f));
  __asm__ volatile("" : "+v"(x), "+v"(y));
  for (long it = 0; it < iters; ++it) {
#define STEPB(i) a##i = _mm512_dpbf16_ps(a##i, x, y);
    REP12(STEPB)
  }
  __m512 s = _mm512_setzero_ps();
  REP12(SUM)
  return _mm512_reduce_add_ps(s);
}

// 12 chains of vpdpbusd: 12 * 16 lanes * 4 products * 2 ops per iteration.
__attribute__((target("avx512f,avx512vnni"), noinline)) static double dp_i8(long iters) {
#define DECLI(i) __m512i a##i = _mm512_set1_epi32(i);
  REP12(DECLI)
  __m512i x = _mm512_set1_epi8(1), y = _mm512_set1_epi8(-1);
  __asm__ volatile("" : "+v"(x), "+v"(y));
  for (long it = 0; it < iters; ++it) {
#define STEPI(i) a##i = _mm512_dpbusd_epi32(a##i, x, y);
    REP12(STEPI)
  }
  __m512i s = _mm512_setzero_si512();
#define SUMI(i) s = _mm512_add_epi32(s, a##i);
  REP12(SUMI)
  return (double)_mm512_reduce_add_epi32(s);
}

// Tiles for a 2x2 block of AMX accumulators: the 4 accumulators (0-3)
// zeroed, the 4 operands (4-7) loaded from `buf`.
__attribute__((target("amx-tile"), noinline)) static void amx_block_start(const void *buf) {
  amx_configure();
  _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
  _tile_loadd(4, buf, 64); _tile_loadd(5, buf, 64);
  _tile_loadd(6, buf, 64); _tile_loadd(7, buf, 64);
}

// Accumulator 0 into `out` (16 x 16 of 4 bytes), the tiles released.
__attribute__((target("amx-tile"), noinline)) static void amx_block_end(void *out) {
  _tile_stored(0, out, 64);
  _tile_release();
}

// The block's 4 products per iteration on tiles loaded once: tdpbf16ps
// (16x16x32, 16384 FLOP each) and tdpbssd (16x16x64 signed bytes into
// i32, 32768 OP each: the peak nlc's i8 `dot` on AMX tiles is judged
// against).
__attribute__((target("amx-tile,amx-bf16"), noinline)) static double amx_bf16(long iters) {
  static __thread uint16_t buf[16 * 32] __attribute__((aligned(64)));
  static __thread float out[16 * 16] __attribute__((aligned(64)));
  for (int i = 0; i < 16 * 32; ++i) buf[i] = to_bf16_bits(1e-3f);
  amx_block_start(buf);
  for (long it = 0; it < iters; ++it)
    AMX_BLOCK_PRODUCTS(_tile_dpbf16ps);
  amx_block_end(out);
  return out[0];
}

__attribute__((target("amx-tile,amx-int8"), noinline)) static double amx_i8(long iters) {
  static __thread int8_t buf[16 * 64] __attribute__((aligned(64)));
  static __thread int32_t out[16 * 16] __attribute__((aligned(64)));
  for (int i = 0; i < 16 * 64; ++i) buf[i] = 1;
  amx_block_start(buf);
  for (long it = 0; it < iters; ++it)
    AMX_BLOCK_PRODUCTS(_tile_dpbssd);
  amx_block_end(out);
  return out[0];
}

typedef double (*loop_fn)(long);

// Runs `fn` on `threads` threads, `reps` times; prints best and median of
// the summed rate (each thread's FLOP over the slowest thread's time).
static void measure(const char *name, loop_fn fn, double flop_per_iter, long iters, int threads) {
  enum { REPS = 15 };
  double rate[REPS];
  volatile double sink = 0;
  for (int r = 0; r < REPS + 1; ++r) {  // the first run warms up
    double t0 = 0, t1 = 0;
#pragma omp parallel num_threads(threads)
    {
#pragma omp barrier
#pragma omp master
      t0 = now_s();
      double v = fn(iters);
#pragma omp atomic
      sink += v;
#pragma omp barrier
#pragma omp master
      t1 = now_s();
    }
    if (r) rate[r - 1] = flop_per_iter * (double)iters * threads / (t1 - t0) * 1e-9;
  }
  qsort(rate, REPS, sizeof rate[0], cmp_double);
  printf("peak,%s,%d,%.1f,%.1f\n", name, threads, rate[REPS - 1], rate[REPS / 2]);
  fflush(stdout);
}

int main(int argc, char **argv) {
  int tiles = has_flag("amx_tile") && amx_request();
  if (has_flag("amx_tile") && !tiles)
    fprintf(stderr,
            "peak: arch_prctl(ARCH_REQ_XCOMP_PERM) failed: no AMX peak\n");
  int amx = tiles && has_flag("amx_bf16");
  int amx_int8 = tiles && has_flag("amx_int8");
  for (int a = 1; a < argc; ++a) {
    int t = atoi(argv[a]);
    if (has_flag("avx512f")) measure("fma_f32_zmm", fma_f32, 12 * 16 * 2, 20000000, t);
    else fprintf(stderr, "peak: no avx512f on this CPU: no zmm FMA peak\n");
    if (has_flag("avx2") && has_flag("fma"))
      measure("fma_f32_ymm", fma_f32_ymm, 12 * 8 * 2, 5000000, t);
    if (has_flag("avx512_bf16")) measure("vdpbf16ps", dp_bf16, 12 * 16 * 4, 20000000, t);
    if (has_flag("avx512_vnni")) measure("vpdpbusd_i8", dp_i8, 12 * 16 * 8, 20000000, t);
    if (amx) measure("amx_tdpbf16ps", amx_bf16, 4 * 16384, 1000000, t);
    if (amx_int8) measure("amx_tdpbssd_i8", amx_i8, 4 * 32768, 1000000, t);
  }
  return 0;
}
