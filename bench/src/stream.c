// STREAM-like copy (c = a) and triad (a = b + s * c) in f32 on arrays far
// larger than the last-level cache, with OpenMP static scheduling, first
// touched by the threads that use them. Bytes counted as in STREAM: 2 per
// element moved for copy, 3 for triad (no write-allocate traffic).
// Output: `stream,<copy|triad>,<threads>,<best GB/s>,<median GB/s>`.
//
// usage: stream <elements> <threads...>
#include "common.h"

#include <omp.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: stream <elements> <threads...>\n"); return 2; }
  long n = atol(argv[1]);
  float *a = aligned_alloc(64, n * 4), *b = aligned_alloc(64, n * 4), *c = aligned_alloc(64, n * 4);
  enum { REPS = 10 };
  for (int ai = 2; ai < argc; ++ai) {
    int t = atoi(argv[ai]);
#pragma omp parallel for schedule(static) num_threads(t)
    for (long i = 0; i < n; ++i) { a[i] = 1.0f; b[i] = 2.0f; c[i] = 0.5f; }
    double copy[REPS], triad[REPS];
    for (int r = 0; r < REPS + 1; ++r) {  // the first run warms up
      double t0 = now_s();
#pragma omp parallel for schedule(static) num_threads(t)
      for (long i = 0; i < n; ++i) c[i] = a[i];
      double t1 = now_s();
#pragma omp parallel for schedule(static) num_threads(t)
      for (long i = 0; i < n; ++i) a[i] = b[i] + 3.0f * c[i];
      double t2 = now_s();
      if (r) {
        copy[r - 1] = 2.0 * 4 * n / (t1 - t0) * 1e-9;
        triad[r - 1] = 3.0 * 4 * n / (t2 - t1) * 1e-9;
      }
    }
    qsort(copy, REPS, sizeof(double), cmp_double);
    qsort(triad, REPS, sizeof(double), cmp_double);
    printf("stream,copy,%d,%.1f,%.1f\n", t, copy[REPS - 1], copy[REPS / 2]);
    printf("stream,triad,%d,%.1f,%.1f\n", t, triad[REPS - 1], triad[REPS / 2]);
    fflush(stdout);
    if (a[n / 2] != b[n / 2] + 3.0f * c[n / 2]) { fprintf(stderr, "stream: wrong triad result\n"); return 1; }
  }
  return 0;
}
