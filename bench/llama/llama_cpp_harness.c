// llama.cpp's side of bench/llama: drives the prebuilt llama.cpp libraries
// of the npm package @node-llama-cpp/linux-x64 through llama.h's C API, so
// bench.py can put llama.cpp's logits, greedy tokens and speed next to the
// numpy reference (scripts/llama_gguf.py) and nlc (examples/llama).
//
//   llama_cpp_harness --backends DIR MODEL.gguf --tokens 1,5,9 --logits
//       the logits of every position of the sequence, computed in one batch
//       with an output for every token: `pos P`, then one logit a line
//       (the format of `llama_gguf.py logits`).
//   llama_cpp_harness --backends DIR MODEL.gguf --tokens 1,5,9 -n N
//       N greedy tokens after the prompt (argmax, the lowest id on a tie),
//       on one line separated by spaces (the format of `llama_gguf.py
//       generate`).
//   llama_cpp_harness --backends DIR MODEL.gguf --tokens @FILE -n N --bench
//       speed, best of --runs R (3) timed runs after one untimed warm-up:
//       prefill = the prompt as one batch (the logits of its last token
//       only), decode = N - 1 single-token steps, each fed the argmax of the
//       previous logits (so -n N generates N tokens, the first from the
//       prefill, as examples/llama/generate.nl counts them). Prints
//       `prefill: P tokens, X tokens/s` and `decode: D tokens, Y tokens/s`.
//
// Options: --threads T (1; both n_threads and n_threads_batch), --kv f32|f16
// (the KV cache type, f32 by default), --flash off|on|auto (flash attention,
// off by default), --ctx C (the context, 0 = the model's), --poll P (the
// threadpool's polling level, 0..100, 50 by default: its idle workers spin
// that long before they sleep), --no-threadpool, --verbose
// (llama.cpp's own log on stderr).
//
// The context runs on one threadpool made at the start, as llama-cli and
// llama-bench do. Without one (--no-threadpool, what a plain llama.h
// program gets) ggml makes and joins a threadpool in every llama_decode
// call; on the shared 2-vCPU machine of docs/Performance.md that made
// 2-thread decode of the tiny model about 60 tokens/s instead of about
// 5500 (measured at load averages from 0.9 to 3).
//
// Whatever the options, stderr gets the
// lines where ggml says which backend library it loaded, e.g.
// `load_backend: loaded CPU backend from .../libggml-cpu-haswell.so`.
//
// The CPU backends are separate libraries chosen at run time: without
// ggml_backend_load_all_from_path on the package's folder, loading a model
// fails with "no backends are loaded". Errors: one `error:` line on stderr,
// status 1.
#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "llama.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/// Whether llama.cpp's log goes to stderr in full (--verbose).
static bool verbose = false;

/// Prints `error: ...` on stderr and exits with status 1.
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

/// llama.cpp's and ggml's log callback: everything with --verbose, else
/// only errors and the line naming the backend library that was loaded.
static void log_line(enum ggml_log_level level, const char *text, void *user) {
  (void)user;
  if (verbose || level == GGML_LOG_LEVEL_ERROR || strstr(text, "loaded CPU backend"))
    fputs(text, stderr);
}

/// The monotonic clock in seconds.
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/// Reads all of a file into a NUL-terminated buffer the caller frees.
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    die("cannot open %s", path);
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (cap - len - 1 == 0)
      buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  buf[len] = 0;
  return buf;
}

/// Parses token ids separated by commas or spaces (or those in the file
/// named after an `@`) into a new array; sets *count.
static llama_token *parse_tokens(const char *text, int *count) {
  char *owned = text[0] == '@' ? read_file(text + 1) : NULL;
  const char *s = owned ? owned : text;
  int cap = 16, n = 0;
  llama_token *ids = malloc(sizeof(llama_token) * cap);
  while (*s) {
    if (*s == ',' || *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
      s++;
      continue;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v < 0 || v > 0x7fffffff)
      die("bad token list near \"%.20s\"", s);
    if (n == cap)
      ids = realloc(ids, sizeof(llama_token) * (cap *= 2));
    ids[n++] = (llama_token)v;
    s = end;
  }
  free(owned);
  if (n == 0)
    die("the token list is empty");
  *count = n;
  return ids;
}

/// The index of the largest of `n` logits (the lowest index on a tie).
static llama_token argmax(const float *logits, int n) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (logits[i] > logits[best])
      best = i;
  return best;
}

/// Runs tokens[0..n) at positions first.. in one llama_decode call;
/// requests the logits of every token when `all`, else of the last one.
static void run_batch(struct llama_context *ctx, const llama_token *tokens, int n, int first,
                      bool all) {
  struct llama_batch b = llama_batch_init(n, 0, 1);
  for (int i = 0; i < n; i++) {
    b.token[i] = tokens[i];
    b.pos[i] = first + i;
    b.n_seq_id[i] = 1;
    b.seq_id[i][0] = 0;
    b.logits[i] = all || i == n - 1;
  }
  b.n_tokens = n;
  int rc = llama_decode(ctx, b);
  llama_batch_free(b);
  if (rc != 0)
    die("llama_decode failed (status %d) on %d tokens at position %d", rc, n, first);
}

/// Prints the logits of every position of the prompt, one batch.
static void print_logits(struct llama_context *ctx, const llama_token *prompt, int n, int vocab) {
  run_batch(ctx, prompt, n, 0, true);
  for (int p = 0; p < n; p++) {
    const float *l = llama_get_logits_ith(ctx, p);
    if (!l)
      die("no logits for position %d", p);
    printf("pos %d\n", p);
    for (int i = 0; i < vocab; i++)
      printf("%.9g\n", l[i]);
  }
}

/// Prints `steps` greedy tokens after the prompt on one line.
static void print_generated(struct llama_context *ctx, const llama_token *prompt, int n, int steps,
                            int vocab) {
  run_batch(ctx, prompt, n, 0, false);
  for (int s = 0; s < steps; s++) {
    llama_token next = argmax(llama_get_logits_ith(ctx, -1), vocab);
    printf(s ? " %d" : "%d", next);
    if (s + 1 < steps)
      run_batch(ctx, &next, 1, n + s, false);
  }
  printf("\n");
}

/// One prefill and decode run from an empty cache; stores the seconds each
/// took.
static void timed_run(struct llama_context *ctx, const llama_token *prompt, int n, int steps,
                      int vocab, double *prefill_s, double *decode_s) {
  llama_memory_clear(llama_get_memory(ctx), true);
  double t0 = now();
  run_batch(ctx, prompt, n, 0, false);
  llama_token next = argmax(llama_get_logits_ith(ctx, -1), vocab);
  double t1 = now();
  for (int s = 1; s < steps; s++) {
    run_batch(ctx, &next, 1, n + s - 1, false);
    next = argmax(llama_get_logits_ith(ctx, -1), vocab);
  }
  double t2 = now();
  *prefill_s = t1 - t0;
  *decode_s = t2 - t1;
}

/// Prints the best prefill and decode speeds of `runs` timed runs.
static void bench(struct llama_context *ctx, const llama_token *prompt, int n, int steps, int vocab,
                  int runs) {
  double best_p = 1e300, best_d = 1e300, p, d;
  timed_run(ctx, prompt, n, steps, vocab, &p, &d); // warm-up: graphs, pages
  for (int r = 0; r < runs; r++) {
    timed_run(ctx, prompt, n, steps, vocab, &p, &d);
    if (p < best_p)
      best_p = p;
    if (d < best_d)
      best_d = d;
  }
  printf("prefill: %d tokens, %.3f tokens/s\n", n, n / best_p);
  if (steps > 1)
    printf("decode: %d tokens, %.3f tokens/s\n", steps - 1, (steps - 1) / best_d);
}

/// Runs `ctx` on a threadpool of `threads` threads that poll at level
/// `poll`, made with the CPU backend's own ggml_threadpool_new (the
/// backend is a library loaded at run time, so the function is looked up).
static void attach_threadpool(struct llama_context *ctx, int threads, int poll) {
  ggml_backend_reg_t cpu = ggml_backend_reg_by_name("CPU");
  typedef struct ggml_threadpool *(*new_fn)(struct ggml_threadpool_params *);
  new_fn make = cpu ? (new_fn)ggml_backend_reg_get_proc_address(cpu, "ggml_threadpool_new") : NULL;
  if (!make)
    die("the CPU backend has no ggml_threadpool_new");
  struct ggml_threadpool_params tp = ggml_threadpool_params_default(threads);
  tp.poll = (uint32_t)poll;
  struct ggml_threadpool *pool = make(&tp);
  if (!pool)
    die("cannot make a threadpool of %d threads", threads);
  llama_attach_threadpool(ctx, pool, pool);
}

/// Parses an integer option value, dying on anything else.
static int int_arg(const char *opt, const char *v) {
  char *end;
  long x = strtol(v, &end, 10);
  if (*v == 0 || *end != 0 || x < 0 || x > 1000000)
    die("bad value for %s: %s", opt, v);
  return (int)x;
}

int main(int argc, char **argv) {
  const char *backends = NULL, *model_path = NULL, *token_text = NULL;
  const char *kv = "f32", *flash = "off";
  int steps = -1, threads = 1, runs = 3, ctx_size = 0, poll = 50;
  bool want_logits = false, want_bench = false, threadpool = true;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--logits")) {
      want_logits = true;
    } else if (!strcmp(a, "--bench")) {
      want_bench = true;
    } else if (!strcmp(a, "--no-threadpool")) {
      threadpool = false;
    } else if (!strcmp(a, "--verbose")) {
      verbose = true;
    } else if (a[0] == '-' && a[1] != 0) {
      if (i + 1 >= argc)
        die("missing value after %s", a);
      const char *v = argv[++i];
      if (!strcmp(a, "--backends"))
        backends = v;
      else if (!strcmp(a, "--tokens"))
        token_text = v;
      else if (!strcmp(a, "-n"))
        steps = int_arg(a, v);
      else if (!strcmp(a, "--threads"))
        threads = int_arg(a, v);
      else if (!strcmp(a, "--runs"))
        runs = int_arg(a, v);
      else if (!strcmp(a, "--poll"))
        poll = int_arg(a, v);
      else if (!strcmp(a, "--ctx"))
        ctx_size = int_arg(a, v);
      else if (!strcmp(a, "--kv"))
        kv = v;
      else if (!strcmp(a, "--flash"))
        flash = v;
      else
        die("unknown option %s", a);
    } else if (!model_path) {
      model_path = a;
    } else {
      die("unexpected argument %s", a);
    }
  }
  if (!backends || !model_path || !token_text || want_logits + want_bench + (steps >= 0 && !want_bench) != 1)
    die("usage: llama_cpp_harness --backends DIR MODEL.gguf --tokens 1,5,9 "
        "(--logits | -n N | -n N --bench) [--threads T] [--runs R] [--kv f32|f16] "
        "[--flash off|on|auto] [--ctx C] [--poll P] [--no-threadpool] [--verbose]");
  if (want_bench && steps < 1)
    die("--bench needs -n N with N >= 1");
  if (threads < 1 || runs < 1)
    die("--threads and --runs must be at least 1");
  if (poll > 100)
    die("--poll takes 0..100");

  llama_log_set(log_line, NULL);
  ggml_backend_load_all_from_path(backends);
  if (ggml_backend_dev_count() == 0)
    die("no ggml backend could be loaded from %s", backends);
  llama_backend_init();

  struct llama_model_params mp = llama_model_default_params();
  struct llama_model *model = llama_model_load_from_file(model_path, mp);
  if (!model)
    die("llama.cpp cannot load %s (run with --verbose to see why)", model_path);
  const struct llama_vocab *v = llama_model_get_vocab(model);
  int vocab = llama_vocab_n_tokens(v);

  int n = 0;
  llama_token *prompt = parse_tokens(token_text, &n);
  for (int i = 0; i < n; i++)
    if (prompt[i] >= vocab)
      die("token %d is outside the vocabulary of %d", prompt[i], vocab);

  struct llama_context_params cp = llama_context_default_params();
  cp.n_ctx = (uint32_t)ctx_size;
  cp.n_batch = cp.n_ubatch = (uint32_t)(n > 512 ? n : 512);
  cp.n_threads = cp.n_threads_batch = threads;
  cp.no_perf = true;
  if (!strcmp(kv, "f32"))
    cp.type_k = cp.type_v = GGML_TYPE_F32;
  else if (!strcmp(kv, "f16"))
    cp.type_k = cp.type_v = GGML_TYPE_F16;
  else
    die("--kv takes f32 or f16, not %s", kv);
  if (!strcmp(flash, "off"))
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  else if (!strcmp(flash, "on"))
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_ENABLED;
  else if (!strcmp(flash, "auto"))
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_AUTO;
  else
    die("--flash takes off, on or auto, not %s", flash);
  struct llama_context *ctx = llama_init_from_model(model, cp);
  if (!ctx)
    die("llama.cpp cannot make a context for %s", model_path);
  if (threadpool)
    attach_threadpool(ctx, threads, poll);
  int positions = n + (steps > 0 ? steps : 0);
  if ((uint32_t)positions > llama_n_ctx(ctx))
    die("the prompt and -n need %d positions, the context holds %u", positions, llama_n_ctx(ctx));

  if (want_logits)
    print_logits(ctx, prompt, n, vocab);
  else if (want_bench)
    bench(ctx, prompt, n, steps, vocab, runs);
  else
    print_generated(ctx, prompt, n, steps, vocab);

  free(prompt);
  llama_free(ctx);
  llama_model_free(model);
  llama_backend_free();
  return 0;
}
