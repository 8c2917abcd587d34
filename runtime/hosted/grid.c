//===- grid.c - Kernel grids on a persistent pool of threads -------------===//
//
// nl_grid_launch runs the instances of a kernel grid on the calling thread
// and on NL_NUM_THREADS - 1 worker threads created at the first launch and
// kept for the life of the process. A launch publishes its job by bumping a
// generation counter; workers wait for it spinning for a while (a launch
// right after another finds them awake: no system call on either side),
// then sleeping on a futex. The instances are cut into one run per thread
// (thread 0 the launching one, the workers 1, 2, ... in the order they
// were started); a thread takes chunks of its own run first, from an
// atomic counter of that run, then chunks of the other runs in turn, so a
// thread that falls behind is helped. Consecutive launches of the same
// shape thus give each thread the same instances while no thread falls
// behind: a grid that reads what the previous one wrote (a matmul reading
// the tiles of B the launch before packed, a pack overwriting the tiles
// the matmul before read) finds them in its own core's cache instead of
// taking them, line by line, from the other core's. A worker joins a
// launch while it is open and checks in after its last chunk; the launching
// thread, once it finds no chunk left, closes the launch (no one joins it any
// more) and waits for the workers that joined: no worker can then still be
// touching this launch's state when the next one writes it, and launches are
// synchronous like any call. A worker that had not joined by then (asleep, or
// descheduled because another process holds the CPU) does not hold the launch
// up: waiting for every worker to check in cost a scheduler time slice per
// launch on a busy machine (a decoding step of about 30 launches fell from
// 15,000 to 43 steps per second).
//
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
#include <unistd.h>

/// More threads than this are not started, whatever NL_NUM_THREADS says.
#define NL_MAX_THREADS 256

/// How long an idle worker spins before it sleeps, in pause instructions
/// (about 100 us on current x86).
#define NL_SPIN_LIMIT 20000

typedef struct {
  NlGridBody body;
  void *ctx;
  int64_t count, chunk, threads;
} Job;

/// The next instance to hand out of one thread's run, on a cache line of
/// its own.
typedef struct {
  _Alignas(64) int64_t next;
} RunCounter;

static struct {
  Job job;
  /// Bumped once per launch; workers wait for it to change.
  uint32_t generation;
  /// One per thread: the next instance of its run.
  RunCounter next[NL_MAX_THREADS];
  /// kOpen while workers may join the current launch, plus the number
  /// that joined; the number of those done with it.
  uint32_t joined;
  uint32_t arrived;
  /// Workers asleep on `generation`.
  int32_t sleepers;
  int32_t workers;
} pool;

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

/// The bit of `pool.joined` that says the launch is open.
#define NL_OPEN 0x80000000u

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

/// The first instance of thread \p t's run (of \p job->threads).
static int64_t run_begin(const Job *job, int64_t t) {
  // count * t / threads, without the product (which could overflow).
  return job->count / job->threads * t +
         job->count % job->threads * t / job->threads;
}

/// Runs chunks of the current job until none is left: those of thread
/// \p self's run, then those of the next runs in turn.
static void run_chunks(const Job *job, int64_t self) {
  for (int64_t i = 0; i < job->threads; ++i) {
    int64_t t = (self + i) % job->threads;
    int64_t last = run_begin(job, t + 1);
    for (;;) {
      int64_t begin =
          __atomic_fetch_add(&pool.next[t].next, job->chunk, __ATOMIC_RELAXED);
      if (begin >= last)
        break;
      int64_t end = begin + job->chunk < last ? begin + job->chunk : last;
      job->body(job->ctx, begin, end);
    }
  }
}

static void *worker(void *arg) {
  int64_t self = (int64_t)(intptr_t)arg;
  uint32_t seen = 0;
  for (;;) {
    uint32_t now;
    int spins = 0;
    while ((now = __atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE)) ==
           seen) {
      if (++spins < NL_SPIN_LIMIT) {
        cpu_relax();
        continue;
      }
      __atomic_fetch_add(&pool.sleepers, 1, __ATOMIC_SEQ_CST);
      // Sleeps only if no launch came in between (futex checks the value).
      futex_wait(&pool.generation, seen);
      __atomic_fetch_sub(&pool.sleepers, 1, __ATOMIC_SEQ_CST);
      spins = 0;
    }
    seen = now;
    // Join the launch if it is still open. (A launch opened after `now`
    // may be the one joined: its job is written before it opens, and the
    // worker then joins the next generation again, which is counted like
    // any join.)
    uint32_t state = __atomic_load_n(&pool.joined, __ATOMIC_ACQUIRE);
    bool joined = false;
    while ((state & NL_OPEN) && !joined)
      joined = __atomic_compare_exchange_n(&pool.joined, &state, state + 1,
                                           false, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE);
    if (!joined)
      continue;
    Job job = pool.job;
    run_chunks(&job, self);
    __atomic_fetch_add(&pool.arrived, 1, __ATOMIC_RELEASE);
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

void nl_grid_launch(NlGridBody body, void *ctx, int64_t count) {
  if (count <= 0)
    return;
  pthread_once(&pool_once, start_pool);
  if (pool.workers == 0 || count == 1) {
    body(ctx, 0, count);
    return;
  }
  int64_t threads = pool.workers + 1;
  // About four chunks per thread: balance without a fetch-add per instance.
  int64_t chunk = (count + 4 * threads - 1) / (4 * threads);
  pool.job = (Job){body, ctx, count, chunk, threads};
  for (int64_t t = 0; t < threads; ++t)
    __atomic_store_n(&pool.next[t].next, run_begin(&pool.job, t),
                     __ATOMIC_RELAXED);
  __atomic_store_n(&pool.arrived, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&pool.joined, NL_OPEN, __ATOMIC_RELEASE);
  __atomic_fetch_add(&pool.generation, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&pool.sleepers, __ATOMIC_SEQ_CST) > 0)
    futex_wake_all(&pool.generation);
  run_chunks(&pool.job, 0);
  // Close the launch, then wait for the workers that joined it.
  uint32_t joined =
      __atomic_fetch_and(&pool.joined, ~NL_OPEN, __ATOMIC_ACQ_REL) & ~NL_OPEN;
  while (__atomic_load_n(&pool.arrived, __ATOMIC_ACQUIRE) < joined)
    cpu_relax();
}
