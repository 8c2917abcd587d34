// Two measurements of a CPU's AMX-BF16 unit that docs/Kernels.md and
// docs/Performance.md cite (run only where /proc/cpuinfo has amx_bf16):
//
//   amx_probe rounding   How tdpbf16ps rounds: random bf16 tiles with one
//                        pair of k (the other 15 pairs zero), then all 16,
//                        each result compared with models of the sum
//                        (Intel's description: two fused multiply-adds per
//                        pair in k order, the reference lowering's chain).
//   amx_probe ceiling    What one core's tile unit reaches on a 128 x 128
//                        block of C over K (16 x 16 accumulator tiles in
//                        blocks of 2 x 2, A and B already packed, all in
//                        L2), with the operands' tiles laid out as nlc's
//                        launch packing stores them (A tiles of 128 x 64,
//                        rows of 128 bytes; B tiles of 64 x 128 in pairs
//                        of rows, rows of 512 bytes) and laid out so that
//                        each block's tiles follow each other along k (1 KiB
//                        tiles one after the other): the room a layout
//                        change would give nlc's AMX `dot`.
//
// Build: cc -O2 -march=native amx_probe.c -o amx_probe (bench/run.sh does
// not run it: it is a probe, not a benchmark case).
#include "common.h"

#include <stdio.h>

static float from_bf16(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static float uniform(float scale) { return ((float)rand() / (float)RAND_MAX - 0.5f) * scale; }

// C (16 x 16) += A (16 x 32 bf16) B (16 pairs x 16 columns x 2), on the
// tiles and by three models; prints how many results each model matches.
static void rounding(int pairs, int trials) {
  static uint16_t a[16][32], b[16][32];
  static float c[16][16], c0[16][16];
  long chain = 0, pair_sums = 0, exact = 0, total = 0;
  srand(1);
  for (int t = 0; t < trials; ++t) {
    for (int i = 0; i < 16; ++i)
      for (int k = 0; k < 32; ++k)
        a[i][k] = to_bf16_bits(uniform(4));
    for (int p = 0; p < 16; ++p)
      for (int n = 0; n < 32; ++n)
        b[p][n] = p < pairs ? to_bf16_bits(uniform(4)) : 0;
    for (int i = 0; i < 16; ++i)
      for (int n = 0; n < 16; ++n) c0[i][n] = c[i][n] = uniform(8);
    _tile_loadd(0, c, 64);
    _tile_loadd(1, a, 64);
    _tile_loadd(2, b, 64);
    _tile_dpbf16ps(0, 1, 2);
    _tile_stored(0, c, 64);
    for (int i = 0; i < 16; ++i)
      for (int n = 0; n < 16; ++n) {
        float fma_chain = c0[i][n], rounded_pairs = c0[i][n];
        double all = c0[i][n];
        for (int p = 0; p < 16; ++p) {
          // A product of two bf16 is exact in f32 (and in double).
          double x = (double)from_bf16(a[i][2 * p]) * from_bf16(b[p][2 * n]);
          double y = (double)from_bf16(a[i][2 * p + 1]) * from_bf16(b[p][2 * n + 1]);
          fma_chain = (float)((double)fma_chain + x);
          fma_chain = (float)((double)fma_chain + y);
          rounded_pairs = rounded_pairs + (float)(x + y);
          all += x + y;
        }
        total++;
        chain += c[i][n] == fma_chain;
        pair_sums += c[i][n] == rounded_pairs;
        exact += c[i][n] == (float)all;
      }
  }
  printf("rounding, %2d pair(s) of k: %ld results; equal to the k-order fma chain %ld (%.1f%%), "
         "to c + round(a0 b0 + a1 b1) pair by pair %ld (%.1f%%), to the exact sum rounded once "
         "%ld (%.1f%%)\n",
         pairs, total, chain, 100.0 * chain / total, pair_sums, 100.0 * pair_sums / total, exact,
         100.0 * exact / total);
}

enum { BM = 128, BN = 128 };

static void zero_block(void) {
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
}

// One step of 32 k of a 2 x 2 block: two tiles of A, two of B (16 pairs of
// rows each), four products.
static void step_2x2(const uint16_t *a0, const uint16_t *a1, long a_stride, const uint16_t *b0,
                     const uint16_t *b1, long b_stride) {
  _tile_loadd(4, a0, a_stride);
  _tile_loadd(5, a1, a_stride);
  _tile_loadd(6, b0, b_stride);
  _tile_loadd(7, b1, b_stride);
  AMX_BLOCK_PRODUCTS(_tile_dpbf16ps);
}

static void store_block(float *c) {
  _tile_stored(0, c, BN * 4);
  _tile_stored(1, c + 16, BN * 4);
  _tile_stored(2, c + 16 * BN, BN * 4);
  _tile_stored(3, c + 16 * BN + 16, BN * 4);
}

static void ceiling(int k, int rounds) {
  uint16_t *a = aligned_alloc(4096, (size_t)BM * k * 2), *b = aligned_alloc(4096, (size_t)k * BN * 2);
  float *c = aligned_alloc(4096, (size_t)BM * BN * 4);
  for (long i = 0; i < (long)BM * k; ++i)
    a[i] = to_bf16_bits(1.0f + (float)(i % 7) / 64);
  for (long i = 0; i < (long)k * BN; ++i)
    b[i] = to_bf16_bits(1.0f + (float)(i % 5) / 64);
  double best[2] = {1e30, 1e30};
  for (int r = 0; r < rounds; ++r)
    for (int layout = 0; layout < 2; ++layout) {
      double t = now_s();
      for (int j0 = 0; j0 < BN; j0 += 32)
        for (int i0 = 0; i0 < BM; i0 += 32) {
          zero_block();
          if (layout == 0) {
            // nlc's packed tiles: A [k/64][128][64], B [k/64][32][256]; a
            // step of 32 k reads half of a tile.
            for (int kk = 0; kk < k; kk += 32) {
              const uint16_t *at = a + (long)(kk / 64) * BM * 64 + kk % 64;
              const uint16_t *bt = b + (long)(kk / 64) * 32 * 2 * BN + (kk % 64) / 2 * 2 * BN;
              step_2x2(at + i0 * 64, at + (i0 + 16) * 64, 128, bt + 2 * j0, bt + 2 * (j0 + 16),
                       512);
            }
          } else {
            // Each 32-row (32-column) strip's tiles one after the other
            // along k: 2 KiB per step of 32 k.
            const uint16_t *as = a + (long)(i0 / 32) * 32 * k, *bs = b + (long)(j0 / 32) * 32 * k;
            for (int s = 0; s < k / 32; ++s)
              step_2x2(as + s * 1024, as + s * 1024 + 512, 64, bs + s * 1024, bs + s * 1024 + 512,
                       64);
          }
          store_block(c + (long)i0 * BN + j0);
        }
      t = now_s() - t;
      if (t < best[layout]) best[layout] = t;
    }
  double flop = 2.0 * BM * BN * k;
  printf("ceiling, 128 x 128 x %d in L2, best of %d: nlc's packed layout %.0f GFLOP/s, "
         "tiles one after the other along k %.0f GFLOP/s\n",
         k, rounds, flop / best[0] * 1e-9, flop / best[1] * 1e-9);
  free(a);
  free(b);
  free(c);
}

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "rounding") && strcmp(argv[1], "ceiling"))) {
    fprintf(stderr, "usage: amx_probe rounding | ceiling\n");
    return 2;
  }
  if (!__builtin_cpu_supports("amx-bf16") || !amx_request()) {
    fprintf(stderr, "amx_probe: no AMX-BF16 on this CPU (or Linux refused the tile state)\n");
    return 1;
  }
  amx_configure();
  if (!strcmp(argv[1], "rounding")) {
    rounding(1, 300);
    rounding(2, 300);
    rounding(16, 300);
  } else {
    for (int k = 256; k <= 2048; k *= 2) ceiling(k, 200);
  }
  _tile_release();
  return 0;
}
