// GPU kernels emulated on the CPU (nlc --gpu-emulation): the side of the
// runtime that runs a kernel as the GPU would, for testing nlc's GPU code
// generation where there is no GPU.
//
// nlc compiles each kernel a second time for the host, from the MLIR its
// GPU lowering made (threads, barriers, shared memory, warp shuffles,
// mma.sync), as a function `body(params, thread)` that runs one thread. The
// threads of a block are fibers (ucontext) of the calling thread, run in
// turn; a thread gives the CPU up only where it must wait for others: at a
// barrier and at a warp-wide operation, which completes once every lane of
// the warp has reached it and whose results are computed then, from every
// lane's operands, as the PTX ISA defines them (written from its fragment
// figures, not from nlc's GPU lowering, which they check). The schedule is
// deterministic. Blocks run one after the other, each with shared memory
// filled with 0xee, so that a read of shared memory nobody wrote shows.
//
// What the hardware would leave undefined is an error here: threads that
// wait at a barrier or warp-wide operation the others never reach, lanes of
// one warp at different warp-wide operations, a warp-wide operation of a
// partial warp, and data races in shared memory: every access the kernel
// makes to a tile buffer comes here first (nl_emu_access), and a byte that
// one thread writes and another reads or writes with no barrier between
// them is an error, whatever order the fibers ran in. The message names the
// kernel and the block; the program ends with NL_PANIC_STATUS. A kernel's own
// failed check prints its message (the device's printf) and traps, as on the
// GPU: the launch stops there and fails (nl_gpu_emulate returns 1), which the
// driver reports.

#include "nl_runtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

enum { kWarp = 32, kStackBytes = 512 << 10, kStaticShared = 48 << 10 };
/// Shared addresses the emulation gives (a wgmma descriptor holds 18 bits).
enum { kSharedWindow = 256 << 10 };

/// A warp-wide operation.
enum { kShuffle = 1, kMma = 2, kLdmatrix = 3 };

/// Warp-wide operations by kind (nl_emu_mma's `kind`).
enum { kMmaBf16 = 0, kMmaS8 = 1, kMmaF16 = 2 };

/// The most mbarrier objects a block may have in the emulation.
enum { kMaxMbarriers = 16 };

/// An mbarrier object (PTX ISA, "Parallel Synchronization and
/// Communication Instructions: mbarrier"), at byte `offset` of shared
/// memory: while `valid` (from mbarrier.init to mbarrier.inval), its
/// current phase completes once `pending` arrivals (of `count` a phase)
/// and `tx` bytes of asynchronous copies (expected by expect-tx, delivered
/// by complete-tx) are all in; `completed` phases so far.
typedef struct Mbarrier {
  size_t offset;
  bool valid;
  uint32_t count, pending, completed;
  int64_t tx;
  /// The thread that initialized it and its proxy fences then: a TMA copy
  /// needs one since (the init made visible to the async proxy).
  uint32_t init_thread, init_fences;
} Mbarrier;

typedef struct Lane {
  uint32_t a[4], b[2], c[4]; ///< mma.sync operands.
  uint32_t value, offset;    ///< shfl.sync operands.
  uint32_t width, mode;
  uint64_t address; ///< ldmatrix's row address.
  uint32_t out[4]; ///< Results, written when the warp completes.
  uint32_t valid;
} Lane;

typedef struct Warp {
  uint32_t arrived, generation;
  int32_t op, kind; ///< The operation the first lane reached.
  Lane lanes[kWarp];
} Warp;

/// What a byte of shared memory saw since the block's last barrier: the
/// thread that wrote it and the one that read it (thread index + 1; 0: none,
/// kMany: several), valid while `epoch` is the launch's.
typedef struct Shadow {
  uint32_t epoch;
  uint16_t writer, reader;
} Shadow;

enum { kMany = 0xffff };

typedef struct Launch Launch;

struct NlEmuThread {
  ucontext_t context;
  Launch *launch;
  char *stack;
  uint32_t tid;
  bool done;
  /// fence.proxy.async.shared::cta so far, and so far as of the thread's
  /// last barrier (the fences another thread's wgmma may rely on).
  uint32_t proxy_fences, proxy_fences_released;
  /// A wgmma.fence since the last wgmma.wait_group (or the start).
  bool wgmma_fenced;
  /// wgmma.mma_async not yet committed; wgmma groups committed, and of
  /// them those a wgmma.wait_group has retired.
  uint32_t wgmma_uncommitted, wgmma_committed, wgmma_retired;
  /// For each mbarrier of the block, the phases this thread has seen
  /// completed (mbarrier.try_wait.parity); -1 while it waits on one.
  uint32_t observed[kMaxMbarriers];
  int32_t waiting_on;
};

/// The shared memory a group of wgmma operations (one wgmma.commit_group)
/// reads: spans [lo, hi) of bytes, each the bounds of an operand.
enum { kMaxSpans = 32, kMaxBatches = 8 };
typedef struct Batch {
  struct {
    size_t lo, hi;
  } span[kMaxSpans];
  uint32_t count;
} Batch;

/// A warpgroup (4 warps, 128 threads) at a wgmma.mma_async, and its wgmma
/// groups that may still read shared memory: batches `retired` (the fewest
/// any of its threads has retired) to `committed` (the most any has
/// committed: the one wgmma adds to now), in batch[i % kMaxBatches].
/// Batches `retired_from` to `retired` were retired since the last barrier
/// (epoch `retired_epoch`): until the next one, only the warpgroup's own
/// threads may write what they read.
typedef struct Group {
  uint32_t arrived, generation;
  int32_t kind, trans_b, n;
  uint64_t desc_a, desc_b;
  uint32_t *acc[4 * kWarp];
  uint32_t committed, retired;
  uint32_t retired_from;
  uint32_t retired_epoch;
  Batch batch[kMaxBatches];
} Group;

struct Launch {
  NlEmuKernel body;
  const char *name;
  void **params;
  uint32_t grid[3], block[3], threads;
  unsigned char *shared;
  uint32_t dynamic_shared;
  /// Bytes of static shared memory, before the dynamic: 48 KiB, less where
  /// the dynamic would leave the shared window (the kernel's static then
  /// is its arena's symbol, a few bytes).
  size_t static_shared;
  NlEmuThread *fibers;
  Warp *warps;
  ucontext_t scheduler;
  /// Counts arrivals and completions: unchanged over a round in which
  /// every live thread ran, nothing can go on.
  uint64_t progress;
  uint32_t barrier_arrived, barrier_generation, live;
  /// A thread trapped: the launch ends.
  bool trapped;
  /// One entry per byte of shared memory, and the current interval between
  /// barriers (a new one at each barrier and each block).
  Shadow *shadow;
  uint32_t epoch;
  Group *groups;
  /// For each byte of shared memory, the thread that last wrote it (index
  /// + 1; 0: none in this block) and its proxy_fences then: whether the
  /// write is visible to the async proxy (wgmma).
  uint16_t *last_writer;
  uint32_t *writer_fences;
  /// The block's mbarriers, in the order of their first mbarrier.init.
  Mbarrier mbarriers[kMaxMbarriers];
  uint32_t nmbarriers;
  /// For each byte of shared memory a TMA copy wrote: its mbarrier (index
  /// + 1; 0: none since the byte's last generic write) and the phases of it
  /// that must have completed (the copy's phase included) before a thread
  /// reads the byte.
  uint8_t *tma_mbarrier;
  uint32_t *tma_phases;
  /// During a wgmma: for each mbarrier, the fewest phases any thread of the
  /// warpgroup has seen completed.
  uint32_t group_observed[kMaxMbarriers];
};

static _Noreturn void fail(const Launch *l, const char *what) {
  nl_flush();
  fprintf(stderr, "error: emulated kernel '%s', block (%u, %u, %u): %s\n",
          l->name, l->block[0], l->block[1], l->block[2], what);
  exit(NL_PANIC_STATUS);
}

static void yield(NlEmuThread *t) {
  swapcontext(&t->context, &t->launch->scheduler);
}

/// The fiber being started (makecontext passes no pointer portably).
static _Thread_local NlEmuThread *current_fiber;

/// Thread `t` reaches its end: its wgmma operations must have been waited
/// for.
static void check_wgmma_waited(NlEmuThread *t, const char *where) {
  if (t->wgmma_uncommitted || t->wgmma_committed != t->wgmma_retired) {
    char what[160];
    snprintf(what, sizeof what,
             "thread %u reaches %s with wgmma operations not waited for "
             "(wgmma.commit_group and wgmma.wait_group 0)",
             t->tid, where);
    fail(t->launch, what);
  }
}

static void run_fiber(void) {
  NlEmuThread *t = current_fiber;
  Launch *l = t->launch;
  l->body(l->params, t);
  check_wgmma_waited(t, "its end");
  t->done = true;
  --l->live;
  ++l->progress;
  // A barrier waits for live threads only (as bar.sync counts the threads
  // that have not exited): this one may have been the last it waited for.
  if (l->barrier_arrived && l->barrier_arrived == l->live) {
    l->barrier_arrived = 0;
    ++l->barrier_generation;
    ++l->epoch;
  }
  // uc_link returns to the scheduler.
}

/// Runs every thread of block l->block to its end.
static void run_block(Launch *l) {
  size_t shared = l->static_shared + (size_t)l->dynamic_shared;
  memset(l->shared, 0xee, shared);
  memset(l->last_writer, 0, shared * sizeof *l->last_writer);
  memset(l->tma_mbarrier, 0, shared);
  l->nmbarriers = 0;
  ++l->epoch;
  memset(l->warps, 0, sizeof(Warp) * ((l->threads + kWarp - 1) / kWarp));
  memset(l->groups, 0,
         sizeof(Group) * ((l->threads + 4 * kWarp - 1) / (4 * kWarp)));
  l->barrier_arrived = 0;
  l->live = l->threads;
  for (uint32_t i = 0; i < l->threads; ++i) {
    NlEmuThread *t = &l->fibers[i];
    t->done = false;
    t->proxy_fences = t->proxy_fences_released = 0;
    t->wgmma_fenced = false;
    t->wgmma_uncommitted = t->wgmma_committed = t->wgmma_retired = 0;
    memset(t->observed, 0, sizeof t->observed);
    t->waiting_on = -1;
    getcontext(&t->context);
    t->context.uc_stack.ss_sp = t->stack;
    t->context.uc_stack.ss_size = kStackBytes;
    t->context.uc_link = &l->scheduler;
    makecontext(&t->context, run_fiber, 0);
  }
  while (l->live) {
    uint64_t before = l->progress;
    for (uint32_t i = 0; i < l->threads; ++i) {
      NlEmuThread *t = &l->fibers[i];
      if (t->done)
        continue;
      current_fiber = t;
      swapcontext(&l->scheduler, &t->context);
      if (l->trapped)
        return;
    }
    if (l->live && l->progress == before) {
      for (uint32_t i = 0; i < l->threads; ++i)
        if (!l->fibers[i].done && l->fibers[i].waiting_on >= 0) {
          char what[160];
          snprintf(what, sizeof what,
                   "thread %u waits on a phase of the mbarrier at byte %zu "
                   "of shared memory that never completes",
                   i, l->mbarriers[l->fibers[i].waiting_on].offset);
          fail(l, what);
        }
      fail(l, "threads wait at a barrier or a warp-wide operation that "
              "other threads of the block or warp never reach");
    }
  }
}

int32_t nl_gpu_emulate(NlEmuKernel body, const char *name, void **params,
                       uint32_t gx, uint32_t gy, uint32_t gz, uint32_t threads,
                       uint32_t dynamic_shared) {
  if (gx == 0 || gy == 0 || gz == 0 || threads == 0)
    return 0;
  Launch l = {.body = body,
              .name = name,
              .params = params,
              .threads = threads,
              .dynamic_shared = dynamic_shared,
              .grid = {gx, gy, gz}};
  l.static_shared = kStaticShared;
  if (dynamic_shared > kSharedWindow - kStaticShared)
    l.static_shared = dynamic_shared + 1024 > kSharedWindow
                          ? 1024
                          : (kSharedWindow - dynamic_shared) / 1024 * 1024;
  size_t stacks = (size_t)threads * kStackBytes;
  char *stack = mmap(NULL, stacks, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  l.fibers = calloc(threads, sizeof *l.fibers);
  l.warps = malloc(sizeof(Warp) * ((threads + kWarp - 1) / kWarp));
  // Aligned as the GPU's shared window, so that an address aligned for TMA
  // is an aligned offset.
  l.shared = aligned_alloc(
      1024, (l.static_shared + (size_t)dynamic_shared + 1023) / 1024 * 1024);
  l.shadow = calloc(l.static_shared + (size_t)dynamic_shared, sizeof(Shadow));
  l.groups = malloc(sizeof(Group) * ((threads + 4 * kWarp - 1) / (4 * kWarp)));
  l.last_writer =
      malloc((l.static_shared + (size_t)dynamic_shared) * sizeof(uint16_t));
  l.writer_fences =
      malloc((l.static_shared + (size_t)dynamic_shared) * sizeof(uint32_t));
  l.tma_mbarrier = malloc(l.static_shared + (size_t)dynamic_shared);
  l.tma_phases =
      malloc((l.static_shared + (size_t)dynamic_shared) * sizeof(uint32_t));
  if (stack == MAP_FAILED || !l.fibers || !l.warps || !l.shared || !l.shadow ||
      !l.groups || !l.last_writer || !l.writer_fences || !l.tma_mbarrier ||
      !l.tma_phases)
    fail(&l, "out of memory for the emulation");
  for (uint32_t i = 0; i < threads; ++i) {
    l.fibers[i].launch = &l;
    l.fibers[i].tid = i;
    l.fibers[i].stack = stack + (size_t)i * kStackBytes;
  }
  for (uint32_t z = 0; z < gz && !l.trapped; ++z)
    for (uint32_t y = 0; y < gy && !l.trapped; ++y)
      for (uint32_t x = 0; x < gx && !l.trapped; ++x) {
        l.block[0] = x, l.block[1] = y, l.block[2] = z;
        run_block(&l);
      }
  munmap(stack, stacks);
  free(l.fibers);
  free(l.warps);
  free(l.shared);
  free(l.shadow);
  free(l.groups);
  free(l.last_writer);
  free(l.writer_fences);
  free(l.tma_mbarrier);
  free(l.tma_phases);
  return l.trapped;
}

/// Thread `second` (index + 1) accesses byte `offset` of shared memory,
/// which thread `first` (index + 1; 0: several threads) wrote (`wrote`) or
/// read since the last barrier.
static _Noreturn void race(const Launch *l, uint32_t first, uint32_t second,
                           size_t offset, bool write, bool wrote) {
  char other[32] = "other threads";
  if (first)
    snprintf(other, sizeof other, "thread %u", first - 1);
  char what[256];
  snprintf(what, sizeof what,
           "data race in shared memory: thread %u %s byte %zu of the %s "
           "shared memory, which %s %s, with no barrier between them",
           second - 1, write ? "writes" : "reads",
           offset >= l->static_shared ? offset - l->static_shared : offset,
           offset >= l->static_shared ? "dynamic" : "static", other,
           wrote ? "wrote" : "read");
  fail(l, what);
}

/// `who` (thread `tid`, or a warpgroup's wgmma where `tid` is -1 - the
/// warpgroup) `does` byte `offset`, which a TMA copy writes, before waiting
/// for the copy's mbarrier phase.
static _Noreturn void tma_unwaited(const Launch *l, int64_t tid,
                                   const char *does, size_t offset) {
  char who[48], what[320];
  if (tid >= 0)
    snprintf(who, sizeof who, "thread %u", (unsigned)tid);
  else
    snprintf(who, sizeof who, "the wgmma of warpgroup %u",
             (unsigned)(-1 - tid));
  snprintf(what, sizeof what,
           "%s %s byte %zu of the %s shared memory, which a TMA copy "
           "writes, before the mbarrier phase that completes the copy "
           "(mbarrier.try_wait.parity)",
           who, does,
           offset >= l->static_shared ? offset - l->static_shared : offset,
           offset >= l->static_shared ? "dynamic" : "static");
  fail(l, what);
}

/// Whether one of `batch`'s operand spans holds byte `offset`.
static bool batch_reads(const Batch *batch, size_t offset) {
  for (uint32_t i = 0; i < batch->count; ++i)
    if (offset >= batch->span[i].lo && offset < batch->span[i].hi)
      return true;
  return false;
}

/// `who` writes byte `offset` of shared memory, which a wgmma group of
/// warpgroup `g` reads: still (not `retired`), or did, retired with no
/// barrier since.
static _Noreturn void wgmma_conflict(const Launch *l, size_t offset,
                                     const char *who, uint32_t g,
                                     bool retired) {
  char what[256];
  bool dynamic = offset >= l->static_shared;
  size_t byte = dynamic ? offset - l->static_shared : offset;
  const char *space = dynamic ? "dynamic" : "static";
  if (retired)
    snprintf(what, sizeof what,
             "data race in shared memory: %s byte %zu of the %s shared "
             "memory, which a wgmma of warpgroup %u read, with no barrier "
             "after the wgmma.wait_group that retired it",
             who, byte, space, g);
  else
    snprintf(what, sizeof what,
             "%s byte %zu of the %s shared memory, which a wgmma of "
             "warpgroup %u may still read (no wgmma.wait_group of every "
             "thread of the warpgroup has retired it)",
             who, byte, space, g);
  fail(l, what);
}

/// Fails if byte `offset` of shared memory, which `who` (thread `tid`, or
/// a TMA copy it issued) writes, may still be read by a wgmma committed
/// but not waited for by every thread of its warpgroup (or not yet
/// committed), or was read by one of another warpgroup retired since the
/// last barrier: the wait orders the read before the warpgroup's own
/// threads' next accesses only, and a barrier after it before the others'.
static void check_wgmma_reads(Launch *l, size_t offset, const char *who,
                              uint32_t tid) {
  uint32_t groups = l->threads / (4 * kWarp);
  for (uint32_t g = 0; g < groups; ++g) {
    Group *grp = &l->groups[g];
    if (grp->retired_epoch == l->epoch && g != tid / (4 * kWarp))
      for (uint32_t b = grp->retired_from; b < grp->retired; ++b)
        // (A batch reused since, in the ring, is not checked.)
        if (grp->committed - b < kMaxBatches &&
            batch_reads(&grp->batch[b % kMaxBatches], offset))
          wgmma_conflict(l, offset, who, g, /*retired=*/true);
    for (uint32_t b = grp->retired; b <= grp->committed; ++b)
      if (batch_reads(&grp->batch[b % kMaxBatches], offset))
        wgmma_conflict(l, offset, who, g, /*retired=*/false);
  }
}

void nl_emu_access(NlEmuThread *t, uint64_t address, uint32_t bytes,
                   int32_t write) {
  Launch *l = t->launch;
  uintptr_t base = (uintptr_t)l->shared;
  size_t size = l->static_shared + (size_t)l->dynamic_shared;
  if (address < base || address - base >= size)
    return; // not shared memory
  size_t offset = address - base;
  uint16_t me = (uint16_t)(t->tid + 1);
  for (size_t i = offset; i < offset + bytes && i < size; ++i) {
    Shadow *s = &l->shadow[i];
    if (s->epoch != l->epoch)
      *s = (Shadow){.epoch = l->epoch};
    if (s->writer && s->writer != me)
      race(l, s->writer, me, i, write, true);
    if (l->tma_mbarrier[i]) {
      if (t->observed[l->tma_mbarrier[i] - 1] < l->tma_phases[i])
        tma_unwaited(l, t->tid, write ? "writes" : "reads", i);
      if (write)
        l->tma_mbarrier[i] = 0;
    }
    if (write) {
      if (s->reader && s->reader != me)
        race(l, s->reader == kMany ? 0 : s->reader, me, i, true, false);
      check_wgmma_reads(l, i, "a thread writes", t->tid);
      s->writer = me;
      l->last_writer[i] = me;
      l->writer_fences[i] = t->proxy_fences;
    } else {
      s->reader = !s->reader || s->reader == me ? me : kMany;
    }
  }
}

void nl_emu_printf(NlEmuThread *t, const char *format, ...) {
  (void)t;
  nl_flush();
  va_list args;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  fflush(stdout);
}

void nl_emu_trap(NlEmuThread *t) {
  // The launch ends: the scheduler never resumes this block's threads.
  t->launch->trapped = true;
  swapcontext(&t->context, &t->launch->scheduler);
  __builtin_unreachable();
}

uint32_t nl_emu_thread_id(NlEmuThread *t, int32_t dim) {
  return dim == 0 ? t->tid : 0;
}

uint32_t nl_emu_block_id(NlEmuThread *t, int32_t dim) {
  return t->launch->block[dim];
}

uint32_t nl_emu_block_dim(NlEmuThread *t, int32_t dim) {
  return dim == 0 ? t->launch->threads : 1;
}

uint32_t nl_emu_grid_dim(NlEmuThread *t, int32_t dim) {
  return t->launch->grid[dim];
}

void *nl_emu_shared(NlEmuThread *t, int32_t dynamic) {
  return t->launch->shared + (dynamic ? t->launch->static_shared : 0);
}

void nl_emu_barrier(NlEmuThread *t) {
  t->proxy_fences_released = t->proxy_fences;
  Launch *l = t->launch;
  uint32_t generation = l->barrier_generation;
  ++l->progress;
  if (++l->barrier_arrived == l->live) {
    l->barrier_arrived = 0;
    ++l->barrier_generation;
    ++l->epoch;
    return;
  }
  while (l->barrier_generation == generation)
    yield(t);
}

/// The 16-bit float `h`, bf16 (`kind` kMmaBf16) or IEEE half (kMmaF16),
/// as f32 (exactly: both are subsets of f32).
static float half_to_float(uint32_t h, int32_t kind) {
  uint32_t bits;
  if (kind != kMmaF16) {
    bits = h << 16;
  } else {
    uint32_t sign = (h & 0x8000) << 16, exp = h >> 10 & 0x1f, man = h & 0x3ff;
    if (exp == 0x1f) {
      bits = sign | 0x7f800000 | man << 13; // inf, nan
    } else if (exp != 0) {
      bits = sign | (exp + 112) << 23 | man << 13;
    } else if (man == 0) {
      bits = sign;
    } else { // subnormal: man * 2^-24, normal in f32
      unsigned shift = 0;
      while (!(man & 0x400))
        man <<= 1, ++shift;
      bits = sign | (113 - shift) << 23 | (man & 0x3ff) << 13;
    }
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/// Element `i` of the bf16 or f16 pairs in 32-bit registers `regs` (the
/// first of a pair in the low bits), widened to f32.
static float half_at(const uint32_t *regs, unsigned i, int32_t kind) {
  return half_to_float((regs[i / 2] >> (16 * (i % 2))) & 0xffff, kind);
}

/// Element `i` of the s8 quadruples in `regs`, sign-extended.
static int32_t s8_at(const uint32_t *regs, unsigned i) {
  return (int8_t)((regs[i / 4] >> (8 * (i % 4))) & 0xff);
}

/// Computes D = A B + C of mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16
/// .f32 (kMmaBf16), the same with f16 (kMmaF16, the same fragments) or
/// m16n8k32.row.col.satfinite-less s32.s8.s8.s32 (kMmaS8, sums wrapping)
/// for the 32 lanes of `w`. Fragments, PTX ISA
/// 9.7.14.5.8 (m16n8k16) and 9.7.14.5.9 (m16n8k32), with groupID = lane / 4
/// and tig = lane % 4: A's element i of a lane is at row groupID (+8 for
/// the second and fourth quarter of its elements), column tig * E + i % E
/// (+8E for the second half), E = 2 (bf16) or 4 (s8) elements to a
/// register; B's element i at row tig * E + i % E (+8E for the second
/// half), column groupID; C and D's element i at row groupID (+8 for
/// i >= 2), column tig * 2 + i % 2.
static void mma(Warp *w, int32_t kind) {
  enum { M = 16, N = 8 };
  unsigned e = kind == kMmaS8 ? 4 : 2, k = 8 * e;
  float af[M][32], bf[32][N];
  int32_t ai[M][32], bi[32][N];
  for (unsigned lane = 0; lane < kWarp; ++lane) {
    unsigned group = lane / 4, tig = lane % 4;
    const Lane *x = &w->lanes[lane];
    for (unsigned i = 0; i < 4 * e; ++i) {
      unsigned quarter = i / e;
      unsigned row = group + (quarter % 2) * 8;
      unsigned col = tig * e + i % e + (quarter / 2) * 4 * e;
      if (kind == kMmaS8)
        ai[row][col] = s8_at(x->a, i);
      else
        af[row][col] = half_at(x->a, i, kind);
    }
    for (unsigned i = 0; i < 2 * e; ++i) {
      unsigned row = tig * e + i % e + (i / e) * 4 * e;
      if (kind == kMmaS8)
        bi[row][group] = s8_at(x->b, i);
      else
        bf[row][group] = half_at(x->b, i, kind);
    }
  }
  for (unsigned lane = 0; lane < kWarp; ++lane) {
    unsigned group = lane / 4, tig = lane % 4;
    Lane *x = &w->lanes[lane];
    for (unsigned i = 0; i < 4; ++i) {
      unsigned row = group + (i / 2) * 8, col = tig * 2 + i % 2;
      if (kind == kMmaS8) {
        uint32_t sum = x->c[i];
        for (unsigned kk = 0; kk < k; ++kk)
          sum += (uint32_t)(ai[row][kk] * bi[kk][col]);
        x->out[i] = sum;
      } else {
        float sum;
        memcpy(&sum, &x->c[i], sizeof sum);
        // A product of two bf16 is exact in f32 (8 significant bits
        // each; unless it underflows), and so is one of two f16 (11 bits
        // each, exponents well within f32's): one rounding, as an fma's,
        // without libm, which not every program that links the runtime
        // has.
        for (unsigned kk = 0; kk < k; ++kk)
          sum = af[row][kk] * bf[kk][col] + sum;
        memcpy(&x->out[i], &sum, sizeof sum);
      }
    }
  }
}

/// shfl.sync with a full mask, as CUDA's __shfl*_sync with `width`: lanes
/// in segments of `width`; mode 0 idx, 1 up, 2 down, 3 xor (gpu.shuffle's
/// order). A lane whose source lies outside its segment keeps its value,
/// and `valid` is 0.
static void shuffle(Warp *w, unsigned lanes) {
  for (unsigned lane = 0; lane < lanes; ++lane) {
    Lane *x = &w->lanes[lane];
    unsigned width = x->width, first = lane & ~(width - 1);
    int64_t src;
    switch (x->mode) {
    case 0:
      src = first + (x->offset & (width - 1));
      break;
    case 1:
      src = (int64_t)lane - x->offset;
      break;
    case 2:
      src = (int64_t)lane + x->offset;
      break;
    default:
      src = lane ^ x->offset;
      break;
    }
    bool valid = src >= first && src < first + width && src < lanes;
    x->valid = valid;
    x->out[0] = valid ? w->lanes[src].value : x->value;
  }
}

/// ldmatrix.sync.aligned.m8n8.x`count`.shared.b16 for the lanes of `w`, the
/// first of which is thread `first` of `l` (PTX ISA 9.7.14.5.15): the rows of
/// matrix i start at the addresses of lanes 8 i to 8 i + 7, 16 bytes each,
/// and lane l receives, of each matrix i, the 32-bit word at column 2 (l %
/// 4) of row l / 4 (two 16-bit elements). The rows' bytes are reads of the
/// threads that gave their addresses, for the race check.
static void ldmatrix(Launch *l, Warp *w, uint32_t first, int32_t count) {
  for (int32_t i = 0; i < 8 * count; ++i)
    nl_emu_access(&l->fibers[first + i], w->lanes[i].address, 16, 0);
  for (unsigned lane = 0; lane < kWarp; ++lane)
    for (int32_t i = 0; i < count; ++i) {
      uint64_t row = w->lanes[8 * i + lane / 4].address;
      memcpy(&w->lanes[lane].out[i],
             (const void *)(uintptr_t)(row + 4 * (lane % 4)), 4);
    }
}

/// Lane `t` reaches warp-wide operation `op`: waits for the other lanes of
/// its warp; the last to come computes every lane's results.
static void arrive(NlEmuThread *t, int32_t op, int32_t kind) {
  Launch *l = t->launch;
  Warp *w = &l->warps[t->tid / kWarp];
  uint32_t first = t->tid / kWarp * kWarp;
  uint32_t lanes = l->threads - first < kWarp ? l->threads - first : kWarp;
  if (op == kMma && lanes != kWarp)
    fail(l, "mma.sync in a warp of fewer than 32 threads");
  if (op == kLdmatrix && lanes != kWarp)
    fail(l, "ldmatrix in a warp of fewer than 32 threads");
  if (w->arrived == 0)
    w->op = op, w->kind = kind;
  else if (w->op != op || w->kind != kind)
    fail(l, "lanes of one warp at different warp-wide operations");
  uint32_t generation = w->generation;
  ++l->progress;
  if (++w->arrived == lanes) {
    if (op == kMma)
      mma(w, kind);
    else if (op == kLdmatrix)
      ldmatrix(l, w, first, kind);
    else
      shuffle(w, lanes);
    w->arrived = 0;
    ++w->generation;
    return;
  }
  while (w->generation == generation)
    yield(t);
}

uint64_t nl_emu_shuffle(NlEmuThread *t, uint32_t value, uint32_t offset,
                        uint32_t width, int32_t mode) {
  if (width == 0 || width > kWarp || (width & (width - 1)))
    fail(t->launch, "a shuffle's width is not a power of 2 up to 32");
  Lane *x = &t->launch->warps[t->tid / kWarp].lanes[t->tid % kWarp];
  x->value = value, x->offset = offset, x->width = width, x->mode = mode;
  arrive(t, kShuffle, 0);
  return x->out[0] | (uint64_t)x->valid << 32;
}

void nl_emu_mma(NlEmuThread *t, int32_t kind, uint32_t a0, uint32_t a1,
                uint32_t a2, uint32_t a3, uint32_t b0, uint32_t b1, uint32_t c0,
                uint32_t c1, uint32_t c2, uint32_t c3) {
  Lane *x = &t->launch->warps[t->tid / kWarp].lanes[t->tid % kWarp];
  uint32_t a[4] = {a0, a1, a2, a3}, b[2] = {b0, b1}, c[4] = {c0, c1, c2, c3};
  memcpy(x->a, a, sizeof a);
  memcpy(x->b, b, sizeof b);
  memcpy(x->c, c, sizeof c);
  arrive(t, kMma, kind);
}

void nl_emu_ldmatrix(NlEmuThread *t, int32_t count, uint64_t address) {
  if (count != 1 && count != 2 && count != 4)
    fail(t->launch, "ldmatrix of other than 1, 2 or 4 matrices");
  t->launch->warps[t->tid / kWarp].lanes[t->tid % kWarp].address = address;
  arrive(t, kLdmatrix, count);
}

uint32_t nl_emu_result(NlEmuThread *t, int32_t i) {
  return t->launch->warps[t->tid / kWarp].lanes[t->tid % kWarp].out[i];
}

/// Byte `offset` of shared memory, which warpgroup `group`'s wgmma reads
/// through the async proxy: the threads' writes of it must be behind a
/// barrier and, before that barrier, a fence.proxy.async of the thread
/// that wrote it. The read then counts as several threads' (a later write
/// before the next barrier is a race).
static void async_read(Launch *l, uint32_t group, size_t offset) {
  Shadow *s = &l->shadow[offset];
  if (s->epoch != l->epoch)
    *s = (Shadow){.epoch = l->epoch};
  char what[256];
  bool dynamic = offset >= l->static_shared;
  size_t byte = dynamic ? offset - l->static_shared : offset;
  const char *space = dynamic ? "dynamic" : "static";
  if (s->writer) {
    snprintf(what, sizeof what,
             "data race in shared memory: the wgmma of warpgroup %u reads "
             "byte %zu of the %s shared memory, which thread %u wrote, with "
             "no barrier between them",
             group, byte, space, s->writer - 1u);
    fail(l, what);
  }
  // The writer's fence must come after its write and before a barrier
  // (which then orders it before this read).
  uint16_t writer = l->last_writer[offset];
  if (writer &&
      l->fibers[writer - 1].proxy_fences_released <= l->writer_fences[offset]) {
    snprintf(what, sizeof what,
             "the wgmma of warpgroup %u reads byte %zu of the %s shared "
             "memory, which thread %u wrote with no fence.proxy.async and "
             "barrier after it",
             group, byte, space, writer - 1u);
    fail(l, what);
  }
  if (l->tma_mbarrier[offset] &&
      l->group_observed[l->tma_mbarrier[offset] - 1] < l->tma_phases[offset])
    tma_unwaited(l, -1 - (int64_t)group, "reads", offset);
  s->reader = kMany;
}

/// Where byte `offset` of shared memory lies under swizzle pattern `mode`
/// (CUtensorMapSwizzle, and wgmma's layout type 1 = 3, 2 = 2, 3 = 1): the
/// 16-byte chunk bits 4 .. 4 + B XORed with bits 7 .. 7 + B (B = 3, 2, 1
/// for 128, 64 and 32-byte rows: CUTLASS's Swizzle<B, 4, 3>, which TMA and
/// wgmma both apply to the address; the emulation's shared memory is on
/// 1024 bytes).
static size_t swizzled(size_t offset, uint32_t mode) {
  size_t bits = mode;
  return bits ? offset ^ ((offset >> 7 & ((1u << bits) - 1)) << 4) : offset;
}

/// Element `e` bytes wide at row `row` (of M or N), k `k` of the operand
/// that matrix descriptor `desc` describes, K-major or (`mn_major`) M- or
/// N-major (PTX ISA, "Matrix Descriptor Format" of wgmma: bits 0-13 the
/// start address, 16-29 the leading dimension byte offset (LBO), 32-45 the
/// stride dimension byte offset (SBO), each >> 4; bits 49-51 the base
/// offset, 0 here, and 62-63 the layout type). Without swizzle (type 0),
/// the operand is made of core matrices of 8 rows of 16 bytes (128
/// consecutive bytes, row after row): K-major, a row holds one row's k
/// values; M- or N-major, one k's row values ("Canonical Layouts": ((T, 1,
/// m), (8, k)) : ((1, T, SBO), (T, LBO)) elements, T = 16 / e). Either way
/// the next core matrix along K is LBO bytes on, the next along M or N SBO
/// bytes on. Swizzled (type 1, 2, 3: rows of S = 128, 64, 32 bytes), rows
/// of S bytes, 8 a pattern: K-major ((8, m), (T, 2)) : ((S / e, SBO), (1,
/// T)), a row's k values in one row (LBO unused); M- or N-major ((T, S / 16,
/// m), (8, k)) : ((1, T, LBO), (S / e, SBO)), one k's S bytes of rows in
/// one row, the next S bytes LBO on; then the pattern (swizzled) moves
/// each 16 bytes. The start must be where a pattern starts (the base
/// offset, which would say otherwise, is not emulated).
static const unsigned char *operand_at(Launch *l, uint32_t group, uint64_t desc,
                                       bool mn_major, unsigned row, unsigned k,
                                       unsigned e, size_t bounds[2]) {
  if (desc >> 49 & 7)
    fail(l, "a wgmma descriptor with a base offset, which the emulation "
            "does not know");
  size_t start = (desc & 0x3fff) << 4, lbo = (desc >> 16 & 0x3fff) << 4,
         sbo = (desc >> 32 & 0x3fff) << 4;
  unsigned type = (unsigned)(desc >> 62), bits = type ? 4 - type : 0;
  size_t span = type ? (size_t)16 << bits : 0;
  if (type && (start >> 7 & ((1u << bits) - 1)))
    fail(l, "a swizzled wgmma descriptor whose start is not where a pattern "
            "of 8 rows starts (a base offset), which the emulation does not "
            "know");
  size_t offset;
  if (mn_major && span) {
    size_t byte = (size_t)row * e;
    offset =
        start + byte / span * lbo + byte % span + k / 8 * sbo + k % 8 * span;
  } else if (span) {
    offset = start + row / 8 * sbo + row % 8 * span + (size_t)k * e;
  } else if (mn_major) {
    size_t byte = (size_t)row * e;
    offset = start + byte / 16 * sbo + k / 8 * lbo + k % 8 * 16 + byte % 16;
  } else {
    size_t byte = (size_t)k * e;
    offset = start + row / 8 * sbo + byte / 16 * lbo + row % 8 * 16 + byte % 16;
  }
  offset = swizzled(offset, bits);
  if (offset + e > l->static_shared + (size_t)l->dynamic_shared)
    fail(l, "a wgmma operand beyond the block's shared memory");
  for (unsigned i = 0; i < e; ++i)
    async_read(l, group, offset + i);
  if (offset < bounds[0])
    bounds[0] = offset;
  if (offset + e > bounds[1])
    bounds[1] = offset + e;
  return l->shared + offset;
}

/// wgmma.mma_async.sync.aligned.m64nNk16.f32.bf16.bf16 (kMmaBf16), the
/// same with f16 (kMmaF16) or m64nNk32.s32.s8.s8 (kMmaS8, sums wrapping)
/// with A K-major in shared memory (imm-trans-a 0), B K-major or
/// (trans_b, imm-trans-b 1) N-major, and scale-d 1: D = A B + D for the 128
/// threads of warpgroup `g`. Thread t (warp w = t / 32, lane l) holds D's
/// element i at row 16 w + l / 4 + 8 ((i / 2) % 2), column 8 (i / 4) + 2
/// (l % 4) + i % 2 (PTX ISA, wgmma's D register fragments).
static void wgmma(Launch *l, uint32_t g) {
  Group *grp = &l->groups[g];
  for (uint32_t m = 0; m < l->nmbarriers; ++m) {
    l->group_observed[m] = UINT32_MAX;
    for (uint32_t t = g * 4 * kWarp; t < (g + 1) * 4 * kWarp; ++t)
      if (l->fibers[t].observed[m] < l->group_observed[m])
        l->group_observed[m] = l->fibers[t].observed[m];
  }
  bool s8 = grp->kind == kMmaS8;
  unsigned n = (unsigned)grp->n, k = s8 ? 32 : 16, e = s8 ? 1 : 2;
  enum { M = 64, MaxN = 256 };
  static _Thread_local float af[M][16], bf[MaxN][16];
  static _Thread_local int32_t ai[M][32], bi[MaxN][32];
  // Row r of A (r < M) or B (r >= M: its row r - M), k at a time; the
  // bounds of the bytes each operand reads.
  size_t bounds[2][2] = {{SIZE_MAX, 0}, {SIZE_MAX, 0}};
  for (unsigned r = 0; r < M + n; ++r)
    for (unsigned kk = 0; kk < k; ++kk) {
      bool a = r < M;
      unsigned row = a ? r : r - M;
      const unsigned char *x =
          operand_at(l, g, a ? grp->desc_a : grp->desc_b, !a && grp->trans_b,
                     row, kk, e, bounds[!a]);
      if (s8)
        (a ? ai : bi)[row][kk] = (int8_t)x[0];
      else
        (a ? af : bf)[row][kk] =
            half_to_float((uint32_t)(x[0] | x[1] << 8), grp->kind);
    }
  // The operands' bytes are read until a wgmma.wait_group retires this
  // one's group: they join the open batch, merged with a span they touch.
  Batch *batch = &grp->batch[grp->committed % kMaxBatches];
  for (int o = 0; o < 2; ++o) {
    uint32_t i = 0;
    while (i < batch->count && (bounds[o][1] < batch->span[i].lo ||
                                bounds[o][0] > batch->span[i].hi))
      ++i;
    if (i == batch->count) {
      if (batch->count == kMaxSpans)
        fail(l, "more than 32 operands in one wgmma group in the emulation");
      batch->span[batch->count].lo = bounds[o][0];
      batch->span[batch->count++].hi = bounds[o][1];
    } else {
      if (bounds[o][0] < batch->span[i].lo)
        batch->span[i].lo = bounds[o][0];
      if (bounds[o][1] > batch->span[i].hi)
        batch->span[i].hi = bounds[o][1];
    }
  }
  for (unsigned t = 0; t < 4 * kWarp; ++t) {
    unsigned w = t / kWarp, lane = t % kWarp;
    for (unsigned i = 0; i < n / 2; ++i) {
      unsigned row = 16 * w + lane / 4 + 8 * ((i / 2) % 2);
      unsigned col = 8 * (i / 4) + 2 * (lane % 4) + i % 2;
      uint32_t *d = &grp->acc[t][i];
      if (s8) {
        uint32_t sum = *d;
        for (unsigned kk = 0; kk < k; ++kk)
          sum += (uint32_t)(ai[row][kk] * bi[col][kk]);
        *d = sum;
      } else {
        float sum;
        memcpy(&sum, d, sizeof sum);
        for (unsigned kk = 0; kk < k; ++kk)
          sum = af[row][kk] * bf[col][kk] + sum;
        memcpy(d, &sum, sizeof sum);
      }
    }
  }
}

void nl_emu_wgmma(NlEmuThread *t, int32_t kind, int32_t trans_b, int32_t n,
                  uint64_t desc_a, uint64_t desc_b, uint32_t *acc) {
  Launch *l = t->launch;
  uint32_t g = t->tid / (4 * kWarp);
  if (l->threads < (g + 1) * 4 * kWarp)
    fail(l, "wgmma in a warpgroup of fewer than 128 threads");
  if (!t->wgmma_fenced)
    fail(l, "wgmma.mma_async with no wgmma.fence before it since its "
            "accumulators were last accessed");
  if (kind < 0 || kind > 2 || n < 8 || n > 256 || n % 8 ||
      (trans_b != 0 && trans_b != 1) || (trans_b && kind == kMmaS8))
    fail(l, "a form of wgmma.mma_async the emulation does not know");
  Group *grp = &l->groups[g];
  if (grp->arrived == 0) {
    grp->kind = kind, grp->trans_b = trans_b, grp->n = n;
    grp->desc_a = desc_a, grp->desc_b = desc_b;
  } else if (grp->kind != kind || grp->trans_b != trans_b || grp->n != n ||
             grp->desc_a != desc_a || grp->desc_b != desc_b) {
    fail(l, "threads of one warpgroup at different wgmma operations or with "
            "different descriptors");
  }
  grp->acc[t->tid % (4 * kWarp)] = acc;
  ++t->wgmma_uncommitted;
  uint32_t generation = grp->generation;
  ++l->progress;
  if (++grp->arrived == 4 * kWarp) {
    wgmma(l, g);
    grp->arrived = 0;
    ++grp->generation;
    return;
  }
  while (grp->generation == generation)
    yield(t);
}

void nl_emu_wgmma_fence(NlEmuThread *t) { t->wgmma_fenced = true; }

void nl_emu_wgmma_commit(NlEmuThread *t) {
  Launch *l = t->launch;
  Group *grp = &l->groups[t->tid / (4 * kWarp)];
  t->wgmma_uncommitted = 0;
  // The first thread to commit opens the warpgroup's next batch.
  if (++t->wgmma_committed > grp->committed) {
    grp->committed = t->wgmma_committed;
    if (grp->committed - grp->retired >= kMaxBatches)
      fail(l, "more wgmma groups in flight than the emulation keeps (7)");
    grp->batch[grp->committed % kMaxBatches].count = 0;
  }
}

void nl_emu_wgmma_wait(NlEmuThread *t, int32_t pending) {
  Launch *l = t->launch;
  uint32_t g = t->tid / (4 * kWarp);
  if (pending < 0)
    pending = 0;
  if (t->wgmma_committed - t->wgmma_retired > (uint32_t)pending)
    t->wgmma_retired = t->wgmma_committed - (uint32_t)pending;
  // A batch is read until every thread of the warpgroup has retired it.
  uint32_t fewest = UINT32_MAX;
  for (uint32_t i = g * 4 * kWarp; i < (g + 1) * 4 * kWarp; ++i)
    if (l->fibers[i].wgmma_retired < fewest)
      fewest = l->fibers[i].wgmma_retired;
  Group *grp = &l->groups[g];
  if (fewest > grp->retired && grp->retired_epoch != l->epoch) {
    grp->retired_from = grp->retired;
    grp->retired_epoch = l->epoch;
  }
  grp->retired = fewest;
  // The accumulators are read next: another wgmma needs a fence first.
  t->wgmma_fenced = false;
}

void nl_emu_fence_proxy_async(NlEmuThread *t) { ++t->proxy_fences; }

uint64_t nl_emu_shared_offset(NlEmuThread *t, uint64_t address) {
  Launch *l = t->launch;
  uintptr_t base = (uintptr_t)l->shared;
  size_t size = l->static_shared + (size_t)l->dynamic_shared;
  if (address < base || address - base >= size)
    fail(l, "a shared-memory address of memory outside shared memory");
  // A wgmma descriptor holds 18 bits of an address.
  if (address - base >= kSharedWindow)
    fail(l, "a shared-memory address beyond 256 KiB in the emulation");
  return address - base;
}

//===----------------------------------------------------------------------===//
// mbarrier objects and TMA copies (sm_90). A copy completes when it is
// issued: it writes the box into shared memory (zeros where the box leaves
// the tensor), then performs complete-tx of its bytes on its mbarrier. Its
// writes race with other threads' accesses since the last barrier (a stage
// overwritten while another warpgroup still reads it). Its bytes are
// readable (by a thread, or by a warpgroup's wgmma: all 128 threads) only
// by a thread that has seen the copy's phase of the mbarrier complete
// (mbarrier.try_wait.parity); until then a read is an error, as on the GPU
// it would read whatever the copy had not yet written.
//===----------------------------------------------------------------------===//

/// The mbarrier at shared address `address` (generic): a new one where
/// `init`, else one mbarrier.init made valid.
static Mbarrier *mbarrier_at(NlEmuThread *t, uint64_t address, bool init) {
  Launch *l = t->launch;
  size_t offset = nl_emu_shared_offset(t, address);
  if (offset % 8)
    fail(l, "an mbarrier object not aligned to 8 bytes");
  for (uint32_t i = 0; i < l->nmbarriers; ++i) {
    Mbarrier *m = &l->mbarriers[i];
    if (m->offset != offset)
      continue;
    if (init && m->valid)
      fail(l, "mbarrier.init of a valid mbarrier object (mbarrier.inval "
              "first)");
    if (!init && !m->valid)
      fail(l, "an mbarrier operation on an invalidated mbarrier object");
    return m;
  }
  if (!init)
    fail(l, "an mbarrier operation on shared memory that holds no mbarrier "
            "object (mbarrier.init first)");
  if (l->nmbarriers == kMaxMbarriers)
    fail(l, "more mbarrier objects in a block than the emulation keeps (16)");
  Mbarrier *m = &l->mbarriers[l->nmbarriers++];
  *m = (Mbarrier){.offset = offset};
  return m;
}

/// Completes `m`'s current phase if nothing is pending.
static void mbarrier_progress(Launch *l, Mbarrier *m) {
  if (m->pending == 0 && m->tx == 0) {
    ++m->completed;
    m->pending = m->count;
    ++l->progress;
  }
}

void nl_emu_mbarrier_init(NlEmuThread *t, uint64_t address, int32_t count) {
  if (count < 1 || count >= 1 << 20)
    fail(t->launch, "mbarrier.init with a count outside [1, 2^20 - 1]");
  Mbarrier *m = mbarrier_at(t, address, true);
  m->valid = true;
  m->init_thread = t->tid;
  m->init_fences = t->proxy_fences;
  m->count = m->pending = (uint32_t)count;
  m->tx = 0;
  m->completed = 0;
}

void nl_emu_mbarrier_inval(NlEmuThread *t, uint64_t address) {
  mbarrier_at(t, address, false)->valid = false;
}

void nl_emu_mbarrier_arrive_expect_tx(NlEmuThread *t, uint64_t address,
                                      int32_t bytes) {
  Mbarrier *m = mbarrier_at(t, address, false);
  m->tx += bytes;
  --m->pending;
  mbarrier_progress(t->launch, m);
}

void nl_emu_mbarrier_wait(NlEmuThread *t, uint64_t address, int32_t parity) {
  Launch *l = t->launch;
  Mbarrier *m = mbarrier_at(t, address, false);
  int32_t index = (int32_t)(m - l->mbarriers);
  // The phase of that parity has completed once the current one's parity
  // differs.
  t->waiting_on = index;
  while ((m->completed & 1) == (uint32_t)(parity & 1))
    yield(t);
  t->waiting_on = -1;
  t->observed[index] = m->completed;
}

/// A tensor map as the emulated driver encodes it (cuTensorMapEncodeTiled:
/// 2-D, tiled, no interleave, swizzle or element strides), in the 128
/// bytes of a CUtensorMap.
typedef struct EmuTensorMap {
  uint64_t magic;
  const unsigned char *base;
  uint64_t dims[2]; ///< Elements, innermost first.
  uint64_t stride;  ///< Bytes from one row (dimension 1) to the next.
  uint32_t box[2];  ///< Elements, innermost first.
  uint32_t elem_bytes;
  /// CUtensorMapSwizzle: 0 none, 1, 2, 3 the 32, 64, 128-byte pattern.
  uint32_t swizzle;
} EmuTensorMap;

static const uint64_t kTensorMapMagic = 0x50414d54726c6e00; // "\0nlrTMAP"

/// A TMA copy that thread `t` issued writes `bytes` bytes at `offset`: a
/// race with an access of another thread since the last barrier, and an
/// error where an earlier copy's bytes are not yet known to be written
/// (its phase not seen by `t`). The bytes are the async proxy's: readable
/// once the copy's phase completes, whoever reads them, with no barrier
/// or proxy fence needed.
static void tma_write(NlEmuThread *t, size_t offset, size_t bytes) {
  Launch *l = t->launch;
  uint16_t me = (uint16_t)(t->tid + 1);
  for (size_t i = offset; i < offset + bytes; ++i) {
    Shadow *s = &l->shadow[i];
    if (s->epoch != l->epoch)
      *s = (Shadow){.epoch = l->epoch};
    if (s->writer && s->writer != me)
      race(l, s->writer, me, i, true, true);
    if (s->reader && s->reader != me)
      race(l, s->reader == kMany ? 0 : s->reader, me, i, true, false);
    if (l->tma_mbarrier[i] &&
        t->observed[l->tma_mbarrier[i] - 1] < l->tma_phases[i])
      tma_unwaited(l, t->tid, "writes (by a TMA copy)", i);
    check_wgmma_reads(l, i, "a TMA copy writes", t->tid);
    l->last_writer[i] = 0;
  }
}

void nl_emu_tma_load(NlEmuThread *t, uint64_t dst, const void *map, int32_t c0,
                     int32_t c1, uint64_t mbarrier) {
  Launch *l = t->launch;
  const EmuTensorMap *tm = map;
  if (tm->magic != kTensorMapMagic)
    fail(l, "a TMA copy through a tensor map the driver did not make");
  size_t offset = nl_emu_shared_offset(t, dst);
  size_t bytes = (size_t)tm->box[0] * tm->box[1] * tm->elem_bytes;
  if (offset % 128)
    fail(l, "a TMA copy into shared memory not aligned to 128 bytes");
  // The emulation places a swizzled box where the pattern starts, so that
  // the pattern of the address is the box's own.
  if (tm->swizzle && offset % (256u << (tm->swizzle - 1)))
    fail(l, "a swizzled TMA copy into shared memory not aligned to the "
            "pattern's 8 rows, which the emulation does not know");
  if (offset + bytes > l->static_shared + (size_t)l->dynamic_shared)
    fail(l, "a TMA copy beyond the block's shared memory");
  Mbarrier *m = mbarrier_at(t, mbarrier, false);
  if (l->fibers[m->init_thread].proxy_fences <= m->init_fences)
    fail(l, "a TMA copy completes on an mbarrier whose initialization no "
            "fence.proxy.async made visible to the async proxy");
  uint8_t index = (uint8_t)(m - l->mbarriers + 1);
  size_t e = tm->elem_bytes;
  for (uint32_t r = 0; r < tm->box[1]; ++r)
    for (uint32_t c = 0; c < tm->box[0]; ++c) {
      int64_t row = (int64_t)c1 + r, col = (int64_t)c0 + c;
      size_t at =
          swizzled(offset + ((size_t)r * tm->box[0] + c) * e, tm->swizzle);
      tma_write(t, at, e);
      if (row >= 0 && col >= 0 && (uint64_t)row < tm->dims[1] &&
          (uint64_t)col < tm->dims[0])
        memcpy(l->shared + at, tm->base + (uint64_t)row * tm->stride + col * e,
               e);
      else
        memset(l->shared + at, 0, e);
      for (size_t i = at; i < at + e; ++i) {
        l->tma_mbarrier[i] = index;
        l->tma_phases[i] = m->completed + 1;
      }
    }
  m->tx -= (int64_t)bytes;
  mbarrier_progress(l, m);
}

//===----------------------------------------------------------------------===//
// The emulated driver: the CUDA driver's entry points that runtime/hosted/
// gpu.c uses, on host memory, for a program built with --gpu-emulation
// (nl_gpu_emulated_driver). "Device" memory is malloc'd, filled with 0xee
// as a missing copy would show; a module is its image; kernel NAME is the
// program's `nl_emu.NAME` (exported: the executable is linked with
// -rdynamic), which runs on nl_gpu_emulate. Events are host clocks.
//
// A launch runs as late as CUDA allows: cuLaunchKernel copies the kernel's
// parameters (their sizes are `nl_emu_params.NAME`) and queues it; the
// queue runs, in order, at the next call that waits for the GPU
// (cuCtxSynchronize, cuEventSynchronize, cuEventRecord, a copy). Until then
// every block of managed memory is inaccessible to the host (mprotect), so
// that a host access the runtime has not waited for faults instead of
// reading what the kernel has not yet written. cuMemFree with launches
// queued is an error: the runtime waits first. A kernel that fails makes
// that wait, and every later one, fail (CUDA_ERROR_LAUNCH_FAILED), as the
// GPU's context does.
//===----------------------------------------------------------------------===//

#include "hosted/cuda_driver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

typedef struct EmulatedFunction {
  NlEmuKernel body;
  /// The number of parameter slots, then each one's size in bytes.
  const int32_t *param_bytes;
  char name[128];
} EmulatedFunction;

/// A queued launch, its parameters copied into `storage`.
typedef struct EmuLaunch {
  EmulatedFunction *fn;
  unsigned grid[3], threads, shared;
  void **params;
  unsigned char *storage;
} EmuLaunch;

/// The launches not yet run, and the blocks of managed memory.
enum { kMaxQueued = 256 };
static struct {
  pthread_mutex_t lock;
  EmuLaunch launch[kMaxQueued];
  int queued;
  bool failed; ///< A kernel failed: the context is lost.
  struct {
    uintptr_t lo;
    size_t bytes;
    bool closed; ///< PROT_NONE.
  } * managed;
  int nmanaged, managed_capacity;
} emu = {.lock = PTHREAD_MUTEX_INITIALIZER};

/// Closes the managed blocks to the host (\p close) or opens them; emu.lock
/// is held.
static void protect_managed(bool close) {
  for (int i = 0; i < emu.nmanaged; ++i) {
    if (emu.managed[i].closed == close)
      continue;
    if (mprotect((void *)emu.managed[i].lo, emu.managed[i].bytes,
                 close ? PROT_NONE : PROT_READ | PROT_WRITE) != 0) {
      perror("emulated GPU: mprotect");
      abort();
    }
    emu.managed[i].closed = close;
  }
}

/// Runs the queued launches in order; emu.lock is held. Returns
/// CUDA_ERROR_LAUNCH_FAILED once one has failed.
static CUresult run_queue(void) {
  protect_managed(false);
  for (int i = 0; i < emu.queued; ++i) {
    EmuLaunch *l = &emu.launch[i];
    if (!emu.failed &&
        nl_gpu_emulate(l->fn->body, l->fn->name, l->params, l->grid[0],
                       l->grid[1], l->grid[2], l->threads, l->shared))
      emu.failed = true;
    free(l->storage);
  }
  emu.queued = 0;
  return emu.failed ? CUDA_ERROR_LAUNCH_FAILED : CUDA_SUCCESS;
}

/// What a call that waits for the GPU does first.
static CUresult wait_for_queue(void) {
  pthread_mutex_lock(&emu.lock);
  CUresult r = run_queue();
  pthread_mutex_unlock(&emu.lock);
  return r;
}

static CUresult emu_cuGetErrorName(CUresult error, const char **str) {
  *str = error == CUDA_ERROR_LAUNCH_FAILED   ? "CUDA_ERROR_LAUNCH_FAILED"
         : error == CUDA_ERROR_OUT_OF_MEMORY ? "CUDA_ERROR_OUT_OF_MEMORY"
         : error == CUDA_ERROR_NOT_FOUND     ? "CUDA_ERROR_NOT_FOUND"
                                             : NULL;
  return *str ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

static CUresult emu_cuGetErrorString(CUresult error, const char **str) {
  *str = error == CUDA_ERROR_LAUNCH_FAILED   ? "a kernel trapped (emulated GPU)"
         : error == CUDA_ERROR_OUT_OF_MEMORY ? "out of memory (emulated GPU)"
         : error == CUDA_ERROR_NOT_FOUND
             ? "no emulated kernel of that name (built without "
               "--gpu-emulation?)"
             : NULL;
  return *str ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

static CUresult emu_cuInit(unsigned flags) {
  (void)flags;
  return CUDA_SUCCESS;
}

static CUresult emu_cuDeviceGet(CUdevice *device, int ordinal) {
  if (ordinal != 0)
    return CUDA_ERROR_INVALID_VALUE;
  *device = 0;
  return CUDA_SUCCESS;
}

static CUresult emu_cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice device) {
  (void)device;
  static int context;
  *ctx = (CUcontext)&context;
  return CUDA_SUCCESS;
}

static CUresult emu_cuCtxSetCurrent(CUcontext ctx) {
  (void)ctx;
  return CUDA_SUCCESS;
}

static CUresult emu_cuCtxSynchronize(void) { return wait_for_queue(); }

/// Concurrent managed access, as on Linux with a GPU since Pascal: the
/// runtime's launches on GPU memory do not wait.
static CUresult emu_cuDeviceGetAttribute(int *value, int attribute,
                                         CUdevice device) {
  if (device != 0 || attribute != CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS)
    return CUDA_ERROR_INVALID_VALUE;
  *value = 1;
  return CUDA_SUCCESS;
}

static CUresult emu_cuModuleLoadData(CUmodule *module, const void *image) {
  *module = (CUmodule)image;
  return CUDA_SUCCESS;
}

static CUresult emu_cuModuleGetFunction(CUfunction *function, CUmodule module,
                                        const char *name) {
  (void)module;
  EmulatedFunction *f = malloc(sizeof *f);
  if (!f)
    return CUDA_ERROR_OUT_OF_MEMORY;
  char symbol[160];
  snprintf(symbol, sizeof symbol, "nl_emu.%s", name);
  f->body = (NlEmuKernel)dlsym(RTLD_DEFAULT, symbol);
  if (!f->body) {
    free(f);
    return CUDA_ERROR_NOT_FOUND;
  }
  snprintf(symbol, sizeof symbol, "nl_emu_params.%s", name);
  f->param_bytes = dlsym(RTLD_DEFAULT, symbol);
  snprintf(f->name, sizeof f->name, "%s", name);
  *function = (CUfunction)f;
  return CUDA_SUCCESS;
}

static CUresult emu_alloc(CUdeviceptr *dptr, size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p)
    return CUDA_ERROR_OUT_OF_MEMORY;
  memset(p, 0xee, bytes);
  *dptr = (CUdeviceptr)(uintptr_t)p;
  return CUDA_SUCCESS;
}

static CUresult emu_cuMemAlloc(CUdeviceptr *dptr, size_t bytes) {
  return emu_alloc(dptr, bytes);
}

/// Managed memory: pages of their own, which protect_managed can close.
static CUresult emu_cuMemAllocManaged(CUdeviceptr *dptr, size_t bytes,
                                      unsigned flags) {
  (void)flags;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t len = (bytes ? bytes + page - 1 : page) / page * page;
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED)
    return CUDA_ERROR_OUT_OF_MEMORY;
  pthread_mutex_lock(&emu.lock);
  if (emu.nmanaged == emu.managed_capacity) {
    int capacity = emu.managed_capacity ? 2 * emu.managed_capacity : 64;
    void *grown = realloc(emu.managed, (size_t)capacity * sizeof *emu.managed);
    if (!grown) {
      pthread_mutex_unlock(&emu.lock);
      munmap(p, len);
      return CUDA_ERROR_OUT_OF_MEMORY;
    }
    emu.managed = grown;
    emu.managed_capacity = capacity;
  }
  emu.managed[emu.nmanaged].lo = (uintptr_t)p;
  emu.managed[emu.nmanaged].bytes = len;
  emu.managed[emu.nmanaged].closed = false;
  ++emu.nmanaged;
  pthread_mutex_unlock(&emu.lock);
  memset(p, 0xee, bytes);
  *dptr = (CUdeviceptr)(uintptr_t)p;
  return CUDA_SUCCESS;
}

static CUresult emu_cuMemFree(CUdeviceptr dptr) {
  pthread_mutex_lock(&emu.lock);
  if (emu.queued > 0) {
    fprintf(stderr,
            "emulated GPU: cuMemFree while %d launches are queued "
            "(the runtime must wait for them first)\n",
            emu.queued);
    pthread_mutex_unlock(&emu.lock);
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (int i = 0; i < emu.nmanaged; ++i) {
    if (emu.managed[i].lo != (uintptr_t)dptr)
      continue;
    munmap((void *)emu.managed[i].lo, emu.managed[i].bytes);
    emu.managed[i] = emu.managed[--emu.nmanaged];
    pthread_mutex_unlock(&emu.lock);
    return CUDA_SUCCESS;
  }
  pthread_mutex_unlock(&emu.lock);
  free((void *)(uintptr_t)dptr);
  return CUDA_SUCCESS;
}

static CUresult emu_cuMemcpyHtoD(CUdeviceptr dst, const void *src,
                                 size_t bytes) {
  CUresult r = wait_for_queue();
  if (r == CUDA_SUCCESS)
    memcpy((void *)(uintptr_t)dst, src, bytes);
  return r;
}

static CUresult emu_cuMemcpyDtoH(void *dst, CUdeviceptr src, size_t bytes) {
  CUresult r = wait_for_queue();
  if (r == CUDA_SUCCESS)
    memcpy(dst, (const void *)(uintptr_t)src, bytes);
  return r;
}

/// Any memory to any (unified addressing), once the queue has run.
static CUresult emu_cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  CUresult r = wait_for_queue();
  if (r == CUDA_SUCCESS)
    memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, bytes);
  return r;
}

/// Nothing moves; as the driver, only a range of managed memory to device
/// 0 is valid.
static CUresult emu_cuMemPrefetchAsync(CUdeviceptr ptr, size_t bytes,
                                       CUdevice device, CUstream stream) {
  (void)stream;
  if (device != 0)
    return CUDA_ERROR_INVALID_VALUE;
  pthread_mutex_lock(&emu.lock);
  bool managed = false;
  for (int i = 0; i < emu.nmanaged; ++i)
    managed = managed || (emu.managed[i].lo <= (uintptr_t)ptr &&
                          (uintptr_t)ptr + bytes <=
                              emu.managed[i].lo + emu.managed[i].bytes);
  pthread_mutex_unlock(&emu.lock);
  return managed ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

static CUresult emu_cuFuncSetAttribute(CUfunction f, int attribute, int value) {
  (void)f, (void)attribute, (void)value;
  return CUDA_SUCCESS;
}

static CUresult emu_cuLaunchKernel(CUfunction f, unsigned gridX, unsigned gridY,
                                   unsigned gridZ, unsigned blockX,
                                   unsigned blockY, unsigned blockZ,
                                   unsigned sharedBytes, CUstream stream,
                                   void **params, void **extra) {
  (void)stream, (void)extra;
  EmulatedFunction *fn = (EmulatedFunction *)f;
  if (!fn->param_bytes)
    return CUDA_ERROR_NOT_FOUND;
  // The parameters are copied now, as CUDA does: the caller's slots die
  // with its frame.
  int32_t n = fn->param_bytes[0];
  size_t bytes = 0;
  for (int32_t i = 0; i < n; ++i)
    bytes += (size_t)fn->param_bytes[1 + i];
  unsigned char *storage = malloc(n * sizeof(void *) + bytes + 1);
  if (!storage)
    return CUDA_ERROR_OUT_OF_MEMORY;
  void **copy = (void **)storage;
  unsigned char *at = storage + n * sizeof(void *);
  for (int32_t i = 0; i < n; ++i) {
    memcpy(at, params[i], (size_t)fn->param_bytes[1 + i]);
    copy[i] = at;
    at += fn->param_bytes[1 + i];
  }
  pthread_mutex_lock(&emu.lock);
  CUresult r = emu.failed ? CUDA_ERROR_LAUNCH_FAILED : CUDA_SUCCESS;
  if (r == CUDA_SUCCESS && emu.queued == kMaxQueued)
    r = run_queue();
  if (r != CUDA_SUCCESS) {
    pthread_mutex_unlock(&emu.lock);
    free(storage);
    return r;
  }
  emu.launch[emu.queued++] = (EmuLaunch){fn,
                                         {gridX, gridY, gridZ},
                                         blockX * blockY * blockZ,
                                         sharedBytes,
                                         copy,
                                         storage};
  protect_managed(true);
  pthread_mutex_unlock(&emu.lock);
  return CUDA_SUCCESS;
}

static CUresult emu_cuEventCreate(CUevent *event, unsigned flags) {
  (void)flags;
  double *at = malloc(sizeof *at);
  if (!at)
    return CUDA_ERROR_OUT_OF_MEMORY;
  *event = (CUevent)at;
  return CUDA_SUCCESS;
}

/// The event completes when the work before it has: its time is taken
/// once the queue has run.
static CUresult emu_cuEventRecord(CUevent event, CUstream stream) {
  (void)stream;
  CUresult r = wait_for_queue();
  if (r != CUDA_SUCCESS)
    return r;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  *(double *)event = now.tv_sec * 1e3 + now.tv_nsec * 1e-6;
  return CUDA_SUCCESS;
}

static CUresult emu_cuEventSynchronize(CUevent event) {
  (void)event;
  return wait_for_queue();
}

static CUresult emu_cuEventElapsedTime(float *ms, CUevent start, CUevent end) {
  *ms = (float)(*(double *)end - *(double *)start);
  return CUDA_SUCCESS;
}

/// Size in bytes of CUtensorMapDataType `type`'s elements, 0 if unknown.
static unsigned tensor_map_element_bytes(int type) {
  static const unsigned bytes[] = {1, 2, 4, 4, 8, 8, 2, 4, 8, 2};
  return type >= 0 && type < 10 ? bytes[type] : 0;
}

/// cuTensorMapEncodeTiled for the maps nlc makes (2-D; no interleave,
/// element strides or NaN fill), checking what the driver documents: a
/// global address on 16 bytes, sizes from 1 to 2^32, a row stride a
/// multiple of 16 below 2^40, box sizes from 1 to 256 with a multiple of 16
/// bytes innermost, at most the swizzle's 32, 64 or 128 bytes where there
/// is one.
static CUresult
emu_cuTensorMapEncodeTiled(CUtensorMap *map, int type, uint32_t rank,
                           void *address, const uint64_t *dims,
                           const uint64_t *strides, const uint32_t *box,
                           const uint32_t *element_strides, int interleave,
                           int swizzle, int l2_promotion, int oob_fill) {
  (void)l2_promotion;
  unsigned e = tensor_map_element_bytes(type);
  if (!map || !e || rank != 2 || (uintptr_t)address % 16 || interleave ||
      swizzle < 0 || swizzle > 3 || oob_fill)
    return CUDA_ERROR_INVALID_VALUE;
  // A swizzled box's rows fit in the pattern's (32, 64 or 128 bytes).
  if (swizzle && box[0] * e > 16u << swizzle)
    return CUDA_ERROR_INVALID_VALUE;
  for (int d = 0; d < 2; ++d)
    if (dims[d] < 1 || dims[d] > (uint64_t)1 << 32 || box[d] < 1 ||
        box[d] > 256 || element_strides[d] != 1)
      return CUDA_ERROR_INVALID_VALUE;
  if (strides[0] % 16 || strides[0] >= (uint64_t)1 << 40 || (box[0] * e) % 16)
    return CUDA_ERROR_INVALID_VALUE;
  EmuTensorMap tm = {.magic = kTensorMapMagic,
                     .base = address,
                     .dims = {dims[0], dims[1]},
                     .stride = strides[0],
                     .box = {box[0], box[1]},
                     .elem_bytes = e,
                     .swizzle = (uint32_t)swizzle};
  _Static_assert(sizeof tm <= sizeof(CUtensorMap), "a tensor map's bytes");
  memset(map, 0, sizeof *map);
  memcpy(map, &tm, sizeof tm);
  return CUDA_SUCCESS;
}

/// cuMemcpy2D: every memory type is host memory here.
static CUresult emu_cuMemcpy2D(const CUDA_MEMCPY2D *copy) {
  CUresult r = wait_for_queue();
  if (r != CUDA_SUCCESS)
    return r;
  const unsigned char *src =
      copy->srcMemoryType == CU_MEMORYTYPE_HOST
          ? copy->srcHost
          : (const unsigned char *)(uintptr_t)copy->srcDevice;
  unsigned char *dst = copy->dstMemoryType == CU_MEMORYTYPE_HOST
                           ? copy->dstHost
                           : (unsigned char *)(uintptr_t)copy->dstDevice;
  if (copy->srcMemoryType == CU_MEMORYTYPE_ARRAY ||
      copy->dstMemoryType == CU_MEMORYTYPE_ARRAY ||
      copy->WidthInBytes > copy->srcPitch ||
      copy->WidthInBytes > copy->dstPitch)
    return CUDA_ERROR_INVALID_VALUE;
  for (size_t y = 0; y < copy->Height; ++y)
    memcpy(dst + (copy->dstY + y) * copy->dstPitch + copy->dstXInBytes,
           src + (copy->srcY + y) * copy->srcPitch + copy->srcXInBytes,
           copy->WidthInBytes);
  return CUDA_SUCCESS;
}

CUresult nl_gpu_emulated_driver(const char *symbol, void **pfn, int version,
                                uint64_t flags, int *status) {
  (void)version, (void)flags;
  if (status)
    *status = 0;
  *pfn = NULL;
#define NL_EMU_ENTRY(name, params)                                             \
  if (!strcmp(symbol, #name))                                                  \
    *pfn = (void *)emu_##name;
  NL_CUDA_ERROR_FUNCTIONS(NL_EMU_ENTRY)
  NL_CUDA_FUNCTIONS(NL_EMU_ENTRY)
  NL_CUDA_OPTIONAL_FUNCTIONS(NL_EMU_ENTRY)
  NL_CUDA_COPY_FUNCTIONS(NL_EMU_ENTRY)
  NL_CUDA_TIMING_FUNCTIONS(NL_EMU_ENTRY)
  NL_CUDA_TMA_FUNCTIONS(NL_EMU_ENTRY)
#undef NL_EMU_ENTRY
  return *pfn ? CUDA_SUCCESS : CUDA_ERROR_NOT_FOUND;
}
