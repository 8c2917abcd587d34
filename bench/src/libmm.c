// The reference libraries' matmuls, and the checker of nlc's results.
//
//   libmm gemm <lib> <m> <n> <k> <threads> <maxreps> <budget_s>
//     times C = A x B (row-major A m x k, B k x n, C m x n, inputs made by
//     nlc's fill_random generator with seeds 1 and 2, as in bench/nl) with
//     <lib>: openblas_f32 (cblas_sgemm), dnnl_f32, dnnl_bf16 (f32 result),
//     dnnl_f16 (f32 result), dnnl_i8 (s8 x s8 -> s32). Prints `time_ns` per
//     call (the first one warms up; calls stop after <maxreps> or once
//     <budget_s> is spent), then `check ok|FAIL ...`: sampled elements
//     compared with OpenBLAS on the same (exactly converted) inputs.
//     `unsupported` when oneDNN has no implementation for this type here.
//   libmm check mm <dtype> <m> <n> <k>  < output of bench/nl/matmul
//   libmm check mem <kind> <rows> <cols> < output of bench/nl/mem.nl
//     compare an nlc program's sampled elements (`s i j value` lines) and
//     its f64 sum of all elements (`sum` line) with the references below;
//     prints `check ok ...` or `check FAIL ...`, exit status 0 or 1.
//
// Threads: OpenBLAS through openblas_set_num_threads, oneDNN (OpenMP
// build) through OMP_NUM_THREADS, which bench/bench.py sets.
#include "common.h"

#include <cblas.h>
#include <math.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>

void openblas_set_num_threads(int);

// Every check recomputes the sampled elements with OpenBLAS in f32 on the
// same inputs (bf16/f16/i8 converted to f32 exactly). Tolerance of a float
// matmul element, and of the sum of all elements:
// the inputs are converted exactly, products are exact in f32, so results
// differ only by summation order.
static double mm_atol(long k) { return 1e-6 * (double)k; }
static const double MM_RTOL = 1e-5;

// Element (i, j) of A x B computed by OpenBLAS in f32 (cblas_sdot of row i
// of A and column j of B), so that only the sampled elements are computed.
static double ref_elem(const float *a, const float *b, long n, long k, long i, long j) {
  return cblas_sdot((int)k, a + i * k, 1, b + j, (int)n);
}

// Sum of every element of A x B in f64, without forming it:
// sum_k (sum_i a_ik)(sum_j b_kj).
static double sum_ref(const float *a, const float *b, long m, long n, long k) {
  double s = 0;
  for (long q = 0; q < k; ++q) {
    double ca = 0, rb = 0;
    for (long i = 0; i < m; ++i) ca += a[i * k + q];
    for (long j = 0; j < n; ++j) rb += b[q * n + j];
    s += ca * rb;
  }
  return s;
}

#define DNNL_OK(x)                                                                    \
  do {                                                                                \
    dnnl_status_t st_ = (x);                                                          \
    if (st_ != dnnl_success) {                                                        \
      printf("unsupported %s: status %d\n", #x, (int)st_);                            \
      return 0;                                                                       \
    }                                                                                 \
  } while (0)

// Times a oneDNN matmul of type `dt` (plain row-major layouts, as nlc's
// tensors) on inputs `af`, `bf` (already exact in `dt`); writes C as f32.
static int dnnl_bench(dnnl_data_type_t dt, const float *af, const float *bf, float *cf, long m,
                      long n, long k, int maxreps, double budget) {
  dnnl_engine_t eng;
  dnnl_stream_t strm;
  DNNL_OK(dnnl_engine_create(&eng, dnnl_cpu, 0));
  DNNL_OK(dnnl_stream_create(&strm, eng, dnnl_stream_default_flags));
  dnnl_data_type_t cdt = dt == dnnl_s8 ? dnnl_s32 : dnnl_f32;
  size_t esz = dt == dnnl_f32 ? 4 : dt == dnnl_s8 ? 1 : 2;
  dnnl_memory_desc_t amd, bmd, cmd;
  dnnl_dims_t ad = {m, k}, bd = {k, n}, cd = {m, n};
  DNNL_OK(dnnl_memory_desc_init_by_tag(&amd, 2, ad, dt, dnnl_ab));
  DNNL_OK(dnnl_memory_desc_init_by_tag(&bmd, 2, bd, dt, dnnl_ab));
  DNNL_OK(dnnl_memory_desc_init_by_tag(&cmd, 2, cd, cdt, dnnl_ab));
  dnnl_matmul_desc_t md;
  DNNL_OK(dnnl_matmul_desc_init(&md, &amd, &bmd, NULL, &cmd));
  dnnl_primitive_desc_t pd;
  DNNL_OK(dnnl_primitive_desc_create(&pd, &md, NULL, eng, NULL));
  const char *impl = "?";
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  dnnl_primitive_t prim;
  DNNL_OK(dnnl_primitive_create(&prim, pd));
  void *ap = aligned_alloc(64, m * k * esz + 64), *bp = aligned_alloc(64, k * n * esz + 64);
  void *cp = aligned_alloc(64, m * n * 4 + 64);
  for (long i = 0; i < m * k; ++i) {
    if (dt == dnnl_f32) ((float *)ap)[i] = af[i];
    else if (dt == dnnl_bf16) ((uint16_t *)ap)[i] = to_bf16_bits(af[i]);
    else if (dt == dnnl_f16) ((_Float16 *)ap)[i] = (_Float16)af[i];
    else ((int8_t *)ap)[i] = (int8_t)af[i];
  }
  for (long i = 0; i < k * n; ++i) {
    if (dt == dnnl_f32) ((float *)bp)[i] = bf[i];
    else if (dt == dnnl_bf16) ((uint16_t *)bp)[i] = to_bf16_bits(bf[i]);
    else if (dt == dnnl_f16) ((_Float16 *)bp)[i] = (_Float16)bf[i];
    else ((int8_t *)bp)[i] = (int8_t)bf[i];
  }
  dnnl_memory_t am, bm, cm;
  DNNL_OK(dnnl_memory_create(&am, &amd, eng, ap));
  DNNL_OK(dnnl_memory_create(&bm, &bmd, eng, bp));
  DNNL_OK(dnnl_memory_create(&cm, &cmd, eng, cp));
  dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}};
  printf("impl %s\n", impl);
  double start = now_s();
  for (int r = 0; r < maxreps; ++r) {
    double t0 = now_s();
    DNNL_OK(dnnl_primitive_execute(prim, strm, 3, args));
    DNNL_OK(dnnl_stream_wait(strm));
    printf("time_ns %.0f\n", (now_s() - t0) * 1e9);
    if (now_s() - start > budget) break;
  }
  for (long i = 0; i < m * n; ++i)
    cf[i] = cdt == dnnl_s32 ? (float)((int32_t *)cp)[i] : ((float *)cp)[i];
  dnnl_primitive_destroy(prim);
  dnnl_primitive_desc_destroy(pd);
  dnnl_memory_destroy(am);
  dnnl_memory_destroy(bm);
  dnnl_memory_destroy(cm);
  dnnl_stream_destroy(strm);
  dnnl_engine_destroy(eng);
  free(ap);
  free(bp);
  free(cp);
  return 1;
}

static int gemm_main(char **argv) {
  const char *lib = argv[2];
  long m = atol(argv[3]), n = atol(argv[4]), k = atol(argv[5]);
  int threads = atoi(argv[6]), maxreps = atoi(argv[7]);
  double budget = atof(argv[8]);
  const char *dtype = strstr(lib, "bf16") ? "bf16" : strstr(lib, "f16") ? "f16"
                      : strstr(lib, "i8") ? "i8" : "f32";
  float *a = nl_random_matrix(dtype, 1, m, k), *b = nl_random_matrix(dtype, 2, k, n);
  float *c = aligned_alloc(64, (size_t)(m * n * 4 + 64));
  openblas_set_num_threads(threads);
  if (!strcmp(lib, "openblas_f32")) {
    double start = now_s();
    for (int r = 0; r < maxreps; ++r) {
      double t0 = now_s();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0f, a,
                  (int)k, b, (int)n, 0.0f, c, (int)n);
      printf("time_ns %.0f\n", (now_s() - t0) * 1e9);
      if (now_s() - start > budget) break;
    }
  } else {
    dnnl_data_type_t dt = !strcmp(dtype, "bf16") ? dnnl_bf16 : !strcmp(dtype, "f16") ? dnnl_f16
                          : !strcmp(dtype, "i8") ? dnnl_s8 : dnnl_f32;
    if (!dnnl_bench(dt, a, b, c, m, n, k, maxreps, budget)) return 0;
  }
  // The library's result against OpenBLAS's sdot on the same inputs (for
  // OpenBLAS itself: against a dot product in f64), sampled.
  int is_blas = !strcmp(lib, "openblas_f32"), exact = !strcmp(dtype, "i8");
  long total = m * n, count = total < 16384 ? total : 16384, stride = total / count, bad = 0;
  double worst = 0;
  for (long q = 0; q < count; ++q) {
    long idx = q * stride + (q * 131) % stride;
    long i = idx / n, j = idx % n;
    double r = 0;
    if (is_blas)
      for (long q2 = 0; q2 < k; ++q2) r += (double)a[i * k + q2] * b[q2 * n + j];
    else
      r = ref_elem(a, b, n, k, i, j);
    double d = fabs((double)c[idx] - r);
    double tol = exact ? 0 : mm_atol(k) + MM_RTOL * fabs(r);
    if (d > worst) worst = d;
    if (!(d <= tol)) ++bad;
  }
  printf("check %s %ld of %ld sampled elements wrong, max |diff| %.3g\n", bad ? "FAIL" : "ok", bad,
         count, worst);
  return 0;
}

struct sample { long i, j; double v; };

// Reads the `s i j value` and `sum` lines of an nlc program's output.
static struct sample *read_samples(long *count, double *sum, int *has_sum) {
  size_t cap = 1024;
  struct sample *s = malloc(cap * sizeof *s);
  char line[256];
  *count = 0;
  *has_sum = 0;
  while (fgets(line, sizeof line, stdin)) {
    if (!strncmp(line, "sum ", 4)) { *sum = strtod(line + 4, NULL); *has_sum = 1; }
    if (line[0] != 's' || line[1] != ' ') continue;
    if ((size_t)*count == cap) s = realloc(s, (cap *= 2) * sizeof *s);
    struct sample *p = &s[*count];
    float v;  // nlc prints the shortest digits that read back as the f32
    if (sscanf(line + 2, "%ld %ld %f", &p->i, &p->j, &v) == 3) { p->v = v; ++*count; }
  }
  return s;
}

static int check_mm(char **argv) {
  const char *dtype = argv[3];
  long m = atol(argv[4]), n = atol(argv[5]), k = atol(argv[6]);
  long count;
  double sum = 0;
  int has_sum;
  struct sample *s = read_samples(&count, &sum, &has_sum);
  float *a = nl_random_matrix(dtype, 1, m, k), *b = nl_random_matrix(dtype, 2, k, n);
  int exact = !strcmp(dtype, "i8");  // |sums| < 2^24: exact in f32
  long bad = 0;
  double worst = 0;
  for (long q = 0; q < count; ++q) {
    double r = ref_elem(a, b, n, k, s[q].i, s[q].j), d = fabs(s[q].v - r);
    if (d > worst) worst = d;
    if (!(d <= (exact ? 0 : mm_atol(k) + MM_RTOL * fabs(r)))) ++bad;
  }
  double rs = sum_ref(a, b, m, n, k), sd = fabs(sum - rs);
  double stol = exact ? 0 : 1e-5 * (double)k * sqrt((double)m * (double)n);
  int ok = count > 0 && bad == 0 && has_sum && sd <= stol;
  printf("check %s %ld of %ld sampled elements wrong (max |diff| %.3g), sum diff %.3g (tol %.3g)\n",
         ok ? "ok" : "FAIL", bad, count, worst, sd, stol);
  return ok ? 0 : 1;
}

static int check_mem(char **argv) {
  int kind = atoi(argv[3]);
  long cols = atol(argv[5]);
  long count;
  double sum;
  int has_sum;
  struct sample *s = read_samples(&count, &sum, &has_sum);
  long bad = 0, cached = -1;
  double worst = 0;
  double *row = malloc(sizeof(double) * (cols > 1024 ? cols : 1024));
  for (long q = 0; q < count; ++q) {
    double r, tol = 0;
    if (kind == 0 || kind == 1) {
      if (s[q].i != cached) {  // the reference row, in f64
        cached = s[q].i;
        double acc = 0, acc2 = 0, mx = -INFINITY;
        for (long j = 0; j < cols; ++j) {
          row[j] = nl_random_float(21, (uint64_t)(cached * cols + j));
          mx = fmax(mx, row[j]);
          acc += row[j];
          acc2 += row[j] * row[j];
        }
        if (kind == 0) {
          double e = 0;
          for (long j = 0; j < cols; ++j) e += exp(row[j] - mx);
          for (long j = 0; j < cols; ++j) row[j] = exp(row[j] - mx) / e;
        } else {
          double mean = acc / cols, var = acc2 / cols - mean * mean;
          for (long j = 0; j < cols; ++j)
            row[j] = (row[j] - mean) / sqrt(var + 1e-5) * nl_random_float(22, j) +
                     nl_random_float(23, j);
        }
      }
      r = row[s[q].j];
      tol = kind == 0 ? 1e-4 * fabs(r) + 1e-9 : 1e-4 + 1e-4 * fabs(r);
    } else if (kind == 2 || kind == 3) {  // x + y, one f32 addition: exact
      r = (double)(nl_random_float(1, s[q].j) + nl_random_float(2, s[q].j));
    } else if (kind == 6) { // x copied there and back: exact
      r = nl_random_float(1, s[q].j);
    } else { // launch overhead kernel: y = 2x, exact
      r = 2.0 * nl_random_float(1, s[q].j);
    }
    double d = fabs(s[q].v - r);
    if (d > worst) worst = d;
    if (!(d <= tol)) ++bad;
  }
  int ok = count > 0 && bad == 0;
  printf("check %s %ld of %ld sampled elements wrong (max |diff| %.3g)\n", ok ? "ok" : "FAIL", bad,
         count, worst);
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc == 9 && !strcmp(argv[1], "gemm")) return gemm_main(argv);
  if (argc == 7 && !strcmp(argv[1], "check") && !strcmp(argv[2], "mm")) return check_mm(argv);
  if (argc == 6 && !strcmp(argv[1], "check") && !strcmp(argv[2], "mem")) return check_mem(argv);
  fprintf(stderr, "usage: libmm gemm <lib> <m> <n> <k> <threads> <maxreps> <budget_s>\n"
                  "       libmm check mm <dtype> <m> <n> <k> < nlc output\n"
                  "       libmm check mem <kind> <rows> <cols> < nlc output\n");
  return 2;
}
