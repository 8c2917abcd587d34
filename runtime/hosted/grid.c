//===- grid.c - Kernel grids on a persistent pool of threads -------------===//
//
// nl_grid_launch runs the instances of a kernel grid on the calling thread
// and on NL_NUM_THREADS - 1 worker threads created at the first launch and
// kept for the life of the process. A launch publishes its job under a
// sequence number; workers wait for it spinning for a while (a launch right
// after another finds them awake: no system call on either side), then
// sleeping on a futex. The instances are cut into one run per thread
// (thread 0 the launching one, the workers 1, 2, ... in the order they were
// started) of about four chunks each; a thread takes the chunks of its own
// run, then, where they are long enough for it to pay, those left in the
// other runs. Consecutive launches of the same shape thus give each thread
// the same instances: a grid that reads what the previous one wrote (a
// matmul reading the tiles of B the launch before packed) finds them in its
// own core's cache instead of taking them, line by line, from the other
// core's.
//
// What a launch costs is the cache lines that cross between cores (a round
// trip between the two vCPUs of the machines measured is 165-204 ns), so
// each line has one writer where it can: the job's line (the launcher),
// each run's count of chunks taken (its thread, unless another takes
// chunks from it) and each worker's count of chunks done (that worker); a
// small argument block is copied next to the job's line only where it
// changed.
// Nothing is reset between launches: a count of an older launch counts as
// zero. The launching thread, done with its run, waits for the workers'
// counts of chunks done to add up to the grid's; a worker that took no
// chunk is not waited for (it finds none left when it comes), and one that
// is late (asleep, or descheduled because another process holds the CPU)
// has the chunks left in its run taken by the launcher after a few us:
// waiting for every worker cost a scheduler time slice per launch on a busy
// machine (a decoding step of about 30 launches fell from 15,000 to 43
// steps per second). A grid whose instances took less the last time than
// handing some to another thread costs runs on the calling thread alone.
//===----------------------------------------------------------------------===//

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "nl_runtime.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/// More threads than this are not started, whatever NL_NUM_THREADS says.
#define NL_MAX_THREADS 256

/// How long an idle worker spins before it sleeps, in pause instructions
/// (about 100 us on current x86).
#define NL_SPIN_LIMIT 20000

/// Grids whose instances took less than this the last time they ran, in
/// ticks (below; about 1.4 us at 2.1 GHz), run on the launching thread
/// alone: handing instances to another thread costs about 0.5-1 us on the
/// 2-vCPU machines measured (docs/Performance.md), more than half of such
/// a grid's work. NL_GRID_INLINE_TICKS sets another bound (0: never).
#define NL_INLINE_TICKS 3000

/// How long the launching thread, done with its own run, waits for the
/// others to finish theirs before it takes their chunks (see finish), in
/// ticks (below): about 1-3 us.
#define NL_STEAL_AFTER_TICKS 5000

/// A worker takes chunks of other runs only if its own took at least this
/// long each (see run_chunks): about 0.5-1.5 us.
#define NL_STEAL_CHUNK_TICKS 2500

typedef struct {
  NlGridBody body;
  void *ctx;
  /// Instances per chunk; per run (the first `extra` runs one more).
  int64_t chunk, base;
  int32_t threads, extra;
} Job;

/// A launch's sequence number in the high 32 bits of a word, a count in
/// the low 32.
#define NL_SEQ_SHIFT 32

/// One thread's run and what it has done, 128 bytes apart (the spatial
/// prefetcher of current x86 cores fetches lines in pairs). `claims`: the
/// chunks of the run taken, by any thread; a word of an older launch counts
/// as none taken, so a launch resets nothing and the line stays in the
/// cache of the thread that runs the run (the launcher reads `done`, not
/// `claims`, unless it takes chunks of the run). `done`: the chunks this
/// worker finished in the launch (of any run), stored when its own run is
/// done and again if it takes more, and read by the launching thread.
typedef struct {
  _Alignas(128) uint64_t claims;
  _Alignas(128) uint64_t done;
} Run;

/// The largest argument block a launch copies into the pool (see args).
#define NL_ARGS_BYTES 512

static struct {
  /// The launch line: the current launch's sequence number (bumped by 2
  /// per launch; odd while the launcher writes the job: a sequence lock),
  /// the job, and the workers asleep on `seq`.
  _Alignas(128) uint32_t seq;
  int32_t sleepers;
  Job job;
  /// The current launch's argument block, where it is at most
  /// NL_ARGS_BYTES: copied only where it differs from the last launch's, so
  /// that launches that pass the same arguments leave the workers' copies
  /// of these lines valid (a block the launcher writes at every launch is
  /// a cache miss in every worker's first instance, about 0.2 us of a
  /// launch on two threads). Its first line shares the launch line's
  /// 128-byte pair, which the spatial prefetcher fetches with it.
  _Alignas(64) unsigned char args[NL_ARGS_BYTES];
  /// One per thread.
  _Alignas(128) Run runs[NL_MAX_THREADS];
  int32_t workers;
  /// Grids measured to take less than this run on the calling thread alone
  /// (NL_GRID_INLINE_TICKS; 0: never).
  int64_t inline_ticks;
} pool;

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void futex_wait(uint32_t *addr, uint32_t expected) {
  syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(uint32_t *addr) {
  syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
}

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// A clock for short waits: the time-stamp counter on x86 (counting at the
/// processor's base frequency, 2-3.5 GHz on current parts: a few ns to
/// read), nanoseconds elsewhere.
static int64_t ticks(void) {
#if defined(__x86_64__) || defined(__i386__)
  return (int64_t)__builtin_ia32_rdtsc();
#else
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
#endif
}

/// The first instance of thread \p t's run.
static int64_t run_begin(const Job *job, int64_t t) {
  return job->base * t + (t < job->extra ? t : job->extra);
}

/// The number of chunks of thread \p t's run: a few (about four per thread).
static int64_t chunks_of(const Job *job, int64_t t) {
  int64_t size = job->base + (t < job->extra);
  return (size + job->chunk - 1) / job->chunk;
}

/// Takes the next of the \p chunks chunks of thread \p t's run in the
/// launch whose sequence number is \p seq and runs it: false when all are
/// taken (or the run is a later launch's).
static bool run_one(const Job *job, uint32_t seq, int64_t t, int64_t chunks) {
  if (chunks == 0)
    return false;
  uint64_t *claims = &pool.runs[t].claims;
  uint64_t w = __atomic_load_n(claims, __ATOMIC_RELAXED);
  int64_t c;
  for (;;) {
    // Sequence numbers wrap: compare their difference.
    int32_t age = (int32_t)(seq - (uint32_t)(w >> NL_SEQ_SHIFT));
    c = age == 0 ? (int64_t)(uint32_t)w : 0;
    if (age < 0 || c >= chunks)
      return false;
    uint64_t next = (uint64_t)seq << NL_SEQ_SHIFT | (uint64_t)(c + 1);
    if (__atomic_compare_exchange_n(claims, &w, next, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED))
      break;
  }
  int64_t begin = run_begin(job, t) + c * job->chunk;
  int64_t last = run_begin(job, t + 1);
  job->body(job->ctx, begin,
            begin + job->chunk < last ? begin + job->chunk : last);
  return true;
}

/// A worker's part of launch \p seq: the chunks of its own run, then, if
/// they took long enough for it to pay (a chunk taken from another run
/// moves the chunk's data and the run's line to this core, some hundreds
/// of ns), those left in the other runs. It says how many it ran after its
/// own run and again only if it took more: a store to a line the launcher
/// reads holds up the next compare-and-swap until the line is back.
static void run_chunks(const Job *job, uint32_t seq, int64_t self) {
  uint32_t done = 0;
  int64_t start = ticks();
  int64_t own = chunks_of(job, self);
  while (run_one(job, seq, self, own))
    ++done;
  if (done == 0)
    return;
  // Said before looking at the other runs (a miss): the launcher may be
  // waiting for no more than these.
  uint64_t *said = &pool.runs[self].done;
  __atomic_store_n(said, (uint64_t)seq << NL_SEQ_SHIFT | done,
                   __ATOMIC_RELEASE);
  if ((ticks() - start) / done < NL_STEAL_CHUNK_TICKS)
    return;
  uint32_t mine = done;
  for (int64_t i = 1; i < job->threads; ++i) {
    int64_t t = (self + i) % job->threads;
    int64_t chunks = chunks_of(job, t);
    while (run_one(job, seq, t, chunks))
      ++done;
  }
  if (done > mine)
    __atomic_store_n(said, (uint64_t)seq << NL_SEQ_SHIFT | done,
                     __ATOMIC_RELEASE);
}

/// The launching thread's part of launch \p seq once its own run is taken
/// (\p done of its chunks finished, \p total in all): it waits for the
/// workers' counts to add up, taking the chunks left in their runs (one at a
/// time) if they are not done within NL_STEAL_AFTER_TICKS or one is asleep. A
/// worker that took no chunk is not waited for: it finds none left.
static void finish(const Job *job, uint32_t seq, uint32_t done, int64_t total) {
  int64_t since = ticks();
  bool left = true;
  for (;;) {
    int64_t all = done;
    for (int64_t t = 1; t < job->threads; ++t) {
      uint64_t w = __atomic_load_n(&pool.runs[t].done, __ATOMIC_ACQUIRE);
      if ((uint32_t)(w >> NL_SEQ_SHIFT) == seq)
        all += (uint32_t)w;
    }
    if (all == total)
      return;
    if (left && (__atomic_load_n(&pool.sleepers, __ATOMIC_RELAXED) > 0 ||
                 ticks() - since > NL_STEAL_AFTER_TICKS)) {
      // Take what is left, one chunk at a time.
      left = false;
      for (int64_t t = 1; t < job->threads && !left; ++t)
        left = run_one(job, seq, t, chunks_of(job, t));
      done += left;
      continue;
    }
    cpu_relax();
  }
}

/// Reads the job of launch \p seq (even), or returns false if the launcher
/// wrote another one meanwhile.
static bool read_job(uint32_t seq, Job *job) {
  job->body = __atomic_load_n(&pool.job.body, __ATOMIC_RELAXED);
  job->ctx = __atomic_load_n(&pool.job.ctx, __ATOMIC_RELAXED);
  job->chunk = __atomic_load_n(&pool.job.chunk, __ATOMIC_RELAXED);
  job->base = __atomic_load_n(&pool.job.base, __ATOMIC_RELAXED);
  job->threads = __atomic_load_n(&pool.job.threads, __ATOMIC_RELAXED);
  job->extra = __atomic_load_n(&pool.job.extra, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  return __atomic_load_n(&pool.seq, __ATOMIC_RELAXED) == seq;
}

static void *worker(void *arg) {
  int64_t self = (int64_t)(intptr_t)arg;
  uint32_t seen = 0;
  for (;;) {
    uint32_t now;
    int spins = 0;
    while ((now = __atomic_load_n(&pool.seq, __ATOMIC_ACQUIRE)) == seen ||
           (now & 1)) {
      if (++spins < NL_SPIN_LIMIT) {
        cpu_relax();
        continue;
      }
      __atomic_fetch_add(&pool.sleepers, 1, __ATOMIC_SEQ_CST);
      // Sleeps only if no launch came in between (futex checks the value).
      futex_wait(&pool.seq, now);
      __atomic_fetch_sub(&pool.sleepers, 1, __ATOMIC_SEQ_CST);
      spins = 0;
    }
    seen = now;
    // A launch that is over (or being replaced) leaves nothing to take: its
    // runs are all taken, or belong to a later launch.
    Job job;
    if (read_job(now, &job))
      run_chunks(&job, now, self);
  }
  return NULL;
}

/// NL_NUM_THREADS, else OMP_NUM_THREADS (what earlier nlc programs and
/// other libraries read), else the CPUs this process may run on.
static int thread_count(void) {
  const char *names[] = {"NL_NUM_THREADS", "OMP_NUM_THREADS"};
  for (int i = 0; i < 2; ++i) {
    const char *v = getenv(names[i]);
    if (v && *v) {
      long n = strtol(v, NULL, 10);
      if (n >= 1)
        return n > NL_MAX_THREADS ? NL_MAX_THREADS : (int)n;
    }
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    return n < 1 ? 1 : n > NL_MAX_THREADS ? NL_MAX_THREADS : n;
  }
  return 1;
}

/// The `index`-th CPU of `set` (counting from 0), or -1.
static int nth_cpu(const cpu_set_t *set, int index) {
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, set) && index-- == 0)
      return cpu;
  return -1;
}

/// Keeps the calling thread (or, with `attr`, the thread it makes) on `cpu`.
static void pin_to(int cpu, pthread_attr_t *attr) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  if (attr)
    pthread_attr_setaffinity_np(attr, sizeof one, &one);
  else
    sched_setaffinity(0, sizeof one, &one);
}

/// Threads are pinned when there are as many as the CPUs the process may
/// use (the default) and NL_PIN_THREADS is not 0: one thread per CPU.
/// Unpinned, Linux started each worker on the launching thread's CPU and
/// moved it away only after some milliseconds: a short program's launches
/// ran on one CPU (a 256^3 bf16 matmul on 2 threads at 74 us a launch
/// instead of 40; a 2-thread layernorm took 4 launches to reach its
/// speed).
static bool pin_threads(int n, cpu_set_t *allowed) {
  const char *v = getenv("NL_PIN_THREADS");
  if (n < 2 || (v && strcmp(v, "0") == 0))
    return false;
  return sched_getaffinity(0, sizeof *allowed, allowed) == 0 &&
         CPU_COUNT(allowed) == n;
}

static void start_pool(void) {
  const char *v = getenv("NL_GRID_INLINE_TICKS");
  pool.inline_ticks = v && *v ? strtol(v, NULL, 10) : NL_INLINE_TICKS;
  int n = thread_count();
  cpu_set_t allowed;
  bool pin = pin_threads(n, &allowed);
  // The launching thread stays where it runs now (two programs started
  // together are likely on different CPUs already), the workers take the
  // other CPUs in order.
  int here = sched_getcpu();
  if (pin && (here < 0 || !CPU_ISSET(here, &allowed)))
    here = nth_cpu(&allowed, 0);
  if (pin) {
    pin_to(here, NULL);
    CPU_CLR(here, &allowed);
  }
  for (int i = 1; i < n; ++i) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (pin)
      pin_to(nth_cpu(&allowed, i - 1), &attr);
    // Kernel bodies keep tile buffers on the stack (up to 256 KiB per
    // scope, see docs/Kernels.md): the same 8 MiB as the main thread.
    pthread_attr_setstacksize(&attr, 8 << 20);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    // (Its index: the workers that started before it, plus the caller.)
    if (pthread_create(&t, &attr, worker,
                       (void *)(intptr_t)(pool.workers + 1)) == 0)
      ++pool.workers;
    pthread_attr_destroy(&attr);
  }
}

int64_t nl_grid_group_rows(int64_t strip_bytes, int64_t most) {
  // Half of L2 (the other half for the tiles of B and C), 1 MiB where the
  // C library does not know the size.
  static int64_t budget;
  int64_t b = __atomic_load_n(&budget, __ATOMIC_RELAXED);
  if (b == 0) {
    long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
    b = l2 > 0 ? l2 / 2 : 1 << 20;
    __atomic_store_n(&budget, b, __ATOMIC_RELAXED);
  }
  int64_t rows = strip_bytes > 0 ? b / strip_bytes : most;
  return rows < 1 ? 1 : rows > most ? most : rows;
}

int64_t nl_grid_threads(void) {
  pthread_once(&pool_once, start_pool);
  return pool.workers + 1;
}

/// What running a kernel's instances took the last time it was launched,
/// per body (a small table indexed by the body's address): ticks per 1024
/// instances.
typedef struct {
  NlGridBody body;
  int64_t per1k;
} Cost;

static Cost costs[64];

static Cost *cost_of(NlGridBody body) {
  return &costs[((uintptr_t)body >> 4) % (sizeof costs / sizeof *costs)];
}

static void record(Cost *cost, NlGridBody body, int64_t took, int64_t n) {
  cost->body = body;
  cost->per1k = n > 0 ? took * 1024 / n : 0;
}

void nl_grid_launch(NlGridBody body, void *args, int64_t size, int64_t count) {
  if (count <= 0)
    return;
  pthread_once(&pool_once, start_pool);
  if (pool.workers == 0 || count == 1) {
    body(args, 0, count);
    return;
  }
  // A grid whose instances took less the last time than it takes to hand
  // some to another thread runs here (measured again each time).
  Cost *cost = cost_of(body);
  if (cost->body == body && pool.inline_ticks > 0 &&
      cost->per1k < pool.inline_ticks * 1024 / count) {
    int64_t start = ticks();
    body(args, 0, count);
    record(cost, body, ticks() - start, count);
    return;
  }
  void *ctx = args;
  if (size >= 0 && size <= NL_ARGS_BYTES) {
    if (memcmp(pool.args, args, (size_t)size) != 0)
      memcpy(pool.args, args, (size_t)size);
    ctx = pool.args;
  }
  int32_t threads = pool.workers + 1;
  // About four chunks per thread: balance without a compare-and-swap per
  // instance.
  int64_t chunk = (count + 4 * threads - 1) / (4 * threads);
  Job job = {
      body, ctx, chunk, count / threads, threads, (int32_t)(count % threads)};
  // Publish under the sequence lock: a worker that reads the job while it
  // is written sees `seq` change and leaves it.
  uint32_t seq = pool.seq + 2;
  __atomic_store_n(&pool.seq, seq - 1, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_RELEASE);
  __atomic_store_n(&pool.job.body, body, __ATOMIC_RELAXED);
  __atomic_store_n(&pool.job.ctx, ctx, __ATOMIC_RELAXED);
  __atomic_store_n(&pool.job.chunk, job.chunk, __ATOMIC_RELAXED);
  __atomic_store_n(&pool.job.base, job.base, __ATOMIC_RELAXED);
  __atomic_store_n(&pool.job.threads, job.threads, __ATOMIC_RELAXED);
  __atomic_store_n(&pool.job.extra, job.extra, __ATOMIC_RELAXED);
  __atomic_store_n(&pool.seq, seq, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&pool.sleepers, __ATOMIC_SEQ_CST) > 0)
    futex_wake_all(&pool.seq);
  int64_t own = chunks_of(&job, 0), start = ticks();
  uint32_t done = 0;
  while (run_one(&job, seq, 0, own))
    ++done;
  // (Its last chunk may be short.)
  int64_t ran =
      done * chunk < run_begin(&job, 1) ? done * chunk : run_begin(&job, 1);
  if (done > 0)
    record(cost, body, ticks() - start, ran);
  int64_t total = 0;
  for (int64_t t = 0; t < threads; ++t)
    total += chunks_of(&job, t);
  finish(&job, seq, done, total);
}
