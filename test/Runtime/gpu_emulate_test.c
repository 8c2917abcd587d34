// The GPU emulator of nlc --gpu-emulation (runtime/hosted/gpu_emulate.c),
// driven by hand-written kernel bodies: thread and block indices, barriers
// over shared memory, shared memory that nobody wrote (0xee), the four
// shuffle modes with segments narrower than a warp (checked against CUDA's
// definition of __shfl*_sync, computed here lane by lane), mma.sync
// m16n8k16 bf16 and f16 and m16n8k32 s8 against a plain matrix product
// (each lane's fragments written by the PTX ISA's figures; an f16
// subnormal), a printf and a trap (the launch stops: no later block runs),
// and the errors: threads that wait for others that never come, lanes of a
// warp at different warp-wide operations, data races in shared memory
// (accesses reported as the compiler reports them, nl_emu_access): a write
// and another thread's read or write of a byte with no barrier between
// them, whichever comes first, in this block or after another block's
// accesses of the same bytes. And warpgroup wgmma (m64nNk16 bf16 and f16,
// m64nNk32 s8) from shared memory through descriptors, against a plain
// product, and its errors: operands written without a proxy fence (or
// with it after the barrier) or without a barrier, a wgmma without
// wgmma.fence, a barrier before the wait, descriptors that differ within a
// warpgroup, a partial warpgroup, and the emulation's limits (swizzled
// descriptors, operands past shared memory, other widths). And sm_90's
// mbarriers and TMA tile loads through the emulated driver's tensor maps
// (cuTensorMapEncodeTiled, which rejects what the driver documents as
// invalid): a box partly outside the tensor (zeros there), and the errors:
// a read before waiting for the copy's phase, a destination not on 128
// bytes, a map the driver did not make, an mbarrier initialized twice or
// never, a phase that never completes (more bytes expected than copied),
// an mbarrier's init not made visible to the async proxy.
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -lm -o %t
// RUN: %t ids | FileCheck %s --check-prefix=IDS --match-full-lines
// RUN: %t barrier | FileCheck %s --check-prefix=BARRIER --match-full-lines
// RUN: %t shuffle | FileCheck %s --check-prefix=SHUFFLE --match-full-lines
// RUN: %t mma | FileCheck %s --check-prefix=MMA --match-full-lines
// RUN: %t ldmatrix | FileCheck %s --check-prefix=LDMATRIX --match-full-lines
// RUN: not %t deadlock 2>&1 | FileCheck %s --check-prefix=DEADLOCK
// RUN: %t deadlock > /dev/null 2>&1; test $? -eq 101
// RUN: not %t mixed 2>&1 | FileCheck %s --check-prefix=MIXED
// RUN: not %t partial 2>&1 | FileCheck %s --check-prefix=PARTIAL
// RUN: not %t partial-ldmatrix 2>&1 | FileCheck %s --check-prefix=PARTIAL-LD
// RUN: not %t bad-width 2>&1 | FileCheck %s --check-prefix=BAD-WIDTH
// RUN: not %t bad-count 2>&1 | FileCheck %s --check-prefix=BAD-COUNT
// RUN: %t trap | FileCheck %s --check-prefix=TRAP --match-full-lines
// RUN: %t ordered | FileCheck %s --check-prefix=ORDERED --match-full-lines
// RUN: not %t race-read 2>&1 | FileCheck %s --check-prefix=RACE-READ
// RUN: not %t race-write 2>&1 | FileCheck %s --check-prefix=RACE-WRITE
// RUN: not %t race-readers 2>&1 | FileCheck %s --check-prefix=RACE-READERS
// RUN: %t wgmma | FileCheck %s --check-prefix=WGMMA --match-full-lines
// RUN: not %t wgmma-no-proxy-fence 2>&1 | FileCheck %s --check-prefix=WG-PROXY
// RUN: not %t wgmma-no-barrier 2>&1 | FileCheck %s --check-prefix=WG-RACE
// RUN: not %t wgmma-no-fence 2>&1 | FileCheck %s --check-prefix=WG-FENCE
// RUN: not %t wgmma-no-wait 2>&1 | FileCheck %s --check-prefix=WG-WAIT
// RUN: not %t wgmma-in-flight 2>&1 | FileCheck %s --check-prefix=WG-FLIGHT
// RUN: not %t wgmma-retired-late 2>&1 | FileCheck %s --check-prefix=WG-RETIRE
// RUN: not %t wgmma-descriptors 2>&1 | FileCheck %s --check-prefix=WG-DESC
// RUN: not %t wgmma-late-fence 2>&1 | FileCheck %s --check-prefix=WG-LATE
// RUN: not %t wgmma-bad-0 2>&1 | FileCheck %s --check-prefix=WG-BAD0
// RUN: not %t wgmma-bad-1 2>&1 | FileCheck %s --check-prefix=WG-BAD1
// RUN: not %t wgmma-bad-2 2>&1 | FileCheck %s --check-prefix=WG-BAD2
// RUN: not %t wgmma-bad-3 2>&1 | FileCheck %s --check-prefix=WG-BAD3
// RUN: not %t wgmma-bad-4 2>&1 | FileCheck %s --check-prefix=WG-BAD4
// RUN: not %t wgmma-bad-5 2>&1 | FileCheck %s --check-prefix=WG-BAD5
// RUN: not %t wgmma-partial 2>&1 | FileCheck %s --check-prefix=WG-PARTIAL
// RUN: %t tma | FileCheck %s --check-prefix=TMA --match-full-lines
// RUN: not %t tma-1 2>&1 | FileCheck %s --check-prefix=TMA1
// RUN: not %t tma-2 2>&1 | FileCheck %s --check-prefix=TMA2
// RUN: not %t tma-3 2>&1 | FileCheck %s --check-prefix=TMA3
// RUN: not %t tma-4 2>&1 | FileCheck %s --check-prefix=TMA4
// RUN: not %t tma-5 2>&1 | FileCheck %s --check-prefix=TMA5
// RUN: not %t tma-6 2>&1 | FileCheck %s --check-prefix=TMA6
// RUN: not %t tma-7 2>&1 | FileCheck %s --check-prefix=TMA7

#include "hosted/cuda_driver.h"
#include "nl_runtime.h"

#include <stdio.h>
#include <string.h>

static unsigned seen[4][3][64];

static void ids(void **params, NlEmuThread *t) {
  (void)params;
  unsigned x = nl_emu_block_id(t, 0), y = nl_emu_block_id(t, 1);
  unsigned tid = nl_emu_thread_id(t, 0);
  seen[x][y][tid] += 1 + nl_emu_block_dim(t, 0) * 1000 +
                     nl_emu_grid_dim(t, 0) * 100000 +
                     nl_emu_grid_dim(t, 1) * 1000000 + nl_emu_thread_id(t, 1) +
                     nl_emu_block_id(t, 2);
}

// Each thread writes its slot of shared memory, and after a barrier reads
// its neighbour's; before, it reads what nobody wrote.
static unsigned barrier_out[2][96];

static void barrier(void **params, NlEmuThread *t) {
  (void)params;
  unsigned *shared = nl_emu_shared(t, 1);
  unsigned tid = nl_emu_thread_id(t, 0), n = nl_emu_block_dim(t, 0);
  unsigned before = shared[tid];
  nl_emu_barrier(t);
  shared[tid] = tid * 3 + nl_emu_block_id(t, 0) * 1000;
  nl_emu_barrier(t);
  barrier_out[nl_emu_block_id(t, 0)][tid] =
      shared[(tid + 1) % n] + (before == 0xeeeeeeeeu ? 0 : 1000000);
}

static unsigned shuffle_out[4][64], shuffle_valid[4][64];

static void shuffle(void **params, NlEmuThread *t) {
  (void)params;
  unsigned tid = nl_emu_thread_id(t, 0);
  // mode, offset, width: idx 5 in 8, up 3 in 8, down 2 in 16, xor 1 in 32.
  static const unsigned cases[4][3] = {
      {0, 5, 8}, {1, 3, 8}, {2, 2, 16}, {3, 1, 32}};
  for (int c = 0; c < 4; ++c) {
    uint64_t r = nl_emu_shuffle(t, tid * 10, cases[c][1], cases[c][2],
                                (int32_t)cases[c][0]);
    shuffle_out[c][tid] = (unsigned)r;
    shuffle_valid[c][tid] = (unsigned)(r >> 32);
  }
}

// mma.sync: A (16 x K) and B (K x 8) of small integers, exact in bf16 and
// in f32 sums; C = 0.5 (bf16) or 7 (s8).
enum { kK = 32 };
static int A[16][kK], B[kK][8];
static uint32_t mma_out[3][32][4];

static uint32_t bf16_bits(int v) {
  float f = (float)v;
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits >> 16; // exact: small integers
}

/// Whether result `got` of an mma or wgmma of `kind` (1: s32, else f32)
/// misses `sum` plus the accumulator's start (7, 0.5).
static unsigned wrong_result(uint32_t got, int kind, int sum) {
  if (kind == 1)
    return (int32_t)got != sum + 7;
  float f;
  memcpy(&f, &got, sizeof f);
  return f != (float)sum + 0.5f;
}

/// `v` (a small integer, exact) as bf16 (kind 0) or IEEE half (kind 2).
static uint32_t half_bits(int v, int kind) {
  if (kind != 2)
    return bf16_bits(v);
  _Float16 h = (_Float16)v;
  uint16_t bits;
  memcpy(&bits, &h, sizeof bits);
  return bits;
}

static void mma(void **params, NlEmuThread *t) {
  int kind = *(int *)params[0];
  if (kind == 3) {
    // f16 (kind 2): lane 0's first A and B elements are A[0][0] and
    // B[0][0], 2^-24 (a subnormal) and 1024; everything else 0.
    unsigned lane = nl_emu_thread_id(t, 0);
    float half = 0.5f;
    uint32_t c;
    memcpy(&c, &half, 4);
    nl_emu_mma(t, 2, lane ? 0 : 0x0001, 0, 0, 0, lane ? 0 : 0x6400, 0, c, c, c,
               c);
    for (int i = 0; i < 4; ++i)
      mma_out[2][lane][i] = nl_emu_result(t, i);
    return;
  }
  unsigned lane = nl_emu_thread_id(t, 0), g = lane / 4, q = lane % 4;
  unsigned e = kind == 1 ? 4 : 2; // elements to a register
  uint32_t a[4] = {0}, b[2] = {0}, c[4];
  // PTX ISA, mma.m16n8k16 .bf16 and mma.m16n8k32 .s8 fragments: register
  // r of A holds row g (r even) or g + 8 (r odd), columns q * e .. + e - 1,
  // plus 4e in registers 2 and 3; register r of B holds column g, rows
  // q * e .. + e - 1, plus 4e in register 1; the lowest index in the lowest
  // bits.
  for (unsigned r = 0; r < 4; ++r)
    for (unsigned i = 0; i < e; ++i) {
      int v = A[g + (r % 2) * 8][q * e + i + (r / 2) * 4 * e];
      uint32_t bits =
          kind == 1 ? (uint32_t)(uint8_t)(int8_t)v : half_bits(v, kind);
      a[r] |= bits << (i * (32 / e));
    }
  for (unsigned r = 0; r < 2; ++r)
    for (unsigned i = 0; i < e; ++i) {
      int v = B[q * e + i + r * 4 * e][g];
      uint32_t bits =
          kind == 1 ? (uint32_t)(uint8_t)(int8_t)v : half_bits(v, kind);
      b[r] |= bits << (i * (32 / e));
    }
  for (unsigned i = 0; i < 4; ++i) {
    float half = 0.5f;
    uint32_t seven = 7;
    memcpy(&c[i], kind == 1 ? (void *)&seven : (void *)&half, 4);
  }
  nl_emu_mma(t, kind, a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], c[2],
             c[3]);
  for (int i = 0; i < 4; ++i)
    mma_out[kind][lane][i] = nl_emu_result(t, i);
}

// ldmatrix .x4 of four 8 x 8 matrices of 16-bit values in shared memory,
// rows 20 values apart: matrix i's element (r, c) is 1000 i + 10 r + c;
// lane l gives the row of matrix l / 8, row l % 8, in reverse order of the
// matrices (lanes 0-7 matrix 3, ...) to show that the addresses, not the
// lanes' order, make the matrices.
static uint32_t ld_out[32][4];

static void ld(void **params, NlEmuThread *t) {
  (void)params;
  uint16_t *shared = nl_emu_shared(t, 0);
  unsigned lane = nl_emu_thread_id(t, 0);
  if (lane == 0)
    for (unsigned i = 0; i < 4; ++i)
      for (unsigned r = 0; r < 8; ++r)
        for (unsigned c = 0; c < 8; ++c)
          shared[(i * 8 + r) * 20 + c] = (uint16_t)(1000 * i + 10 * r + c);
  nl_emu_barrier(t);
  unsigned matrix = 3 - lane / 8, row = lane % 8;
  nl_emu_ldmatrix(t, 4,
                  (uint64_t)(uintptr_t)(shared + (matrix * 8 + row) * 20));
  for (int i = 0; i < 4; ++i)
    ld_out[lane][i] = nl_emu_result(t, i);
}

// Lane 0 waits at a barrier, the others at a shuffle that needs lane 0.
static void deadlock(void **params, NlEmuThread *t) {
  (void)params;
  if (nl_emu_thread_id(t, 0) == 0)
    nl_emu_barrier(t);
  else
    nl_emu_shuffle(t, 1, 1, 32, 3);
}

static void mixed(void **params, NlEmuThread *t) {
  (void)params;
  if (nl_emu_thread_id(t, 0) < 16)
    nl_emu_shuffle(t, 1, 1, 32, 3);
  else
    nl_emu_mma(t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

// Thread 3 of block 1 prints and traps; the others count themselves.
static unsigned ran;

static void trap(void **params, NlEmuThread *t) {
  (void)params;
  ++ran;
  if (nl_emu_block_id(t, 0) == 1 && nl_emu_thread_id(t, 0) == 3) {
    nl_emu_printf(t, "trap in block %u, thread %u\n", 1u, 3u);
    nl_emu_trap(t);
  }
  nl_emu_barrier(t);
  ++ran;
}

// Accesses of shared memory as an emulated kernel reports them: thread 0
// writes word 0, then (mode 0) every thread reads it after a barrier, each
// writes its own word and reads it back: no race; mode 1: thread 1 reads
// word 0 without the barrier; mode 2: thread 1 writes it; mode 3: threads 1
// and 2 read word 0 after the barrier and thread 3 then writes it.
static void access(NlEmuThread *t, unsigned word, int write) {
  nl_emu_access(t,
                (uint64_t)(uintptr_t)((unsigned *)nl_emu_shared(t, 0) + word),
                4, write);
}

static void races(void **params, NlEmuThread *t) {
  int mode = *(int *)params[0];
  unsigned tid = nl_emu_thread_id(t, 0);
  if (tid == 0)
    access(t, 0, 1);
  if (mode == 1 && tid == 1)
    access(t, 0, 0);
  if (mode == 2 && tid == 1)
    access(t, 0, 1);
  nl_emu_barrier(t);
  if (mode == 0) {
    access(t, 0, 0);
    access(t, 1 + tid, 1);
    access(t, 1 + tid, 0);
  }
  if (mode == 3 && (tid == 1 || tid == 2))
    access(t, 0, 0);
  if (mode == 3 && tid == 3)
    access(t, 0, 1);
}

static void partial_ldmatrix(void **params, NlEmuThread *t) {
  (void)params;
  nl_emu_ldmatrix(t, 1, (uint64_t)(uintptr_t)nl_emu_shared(t, 0));
}

static void bad_width(void **params, NlEmuThread *t) {
  (void)params;
  nl_emu_shuffle(t, 1, 1, 24, 3);
}

static void bad_count(void **params, NlEmuThread *t) {
  (void)params;
  nl_emu_ldmatrix(t, 3, (uint64_t)(uintptr_t)nl_emu_shared(t, 0));
}

static void partial(void **params, NlEmuThread *t) {
  (void)params;
  nl_emu_mma(t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

// wgmma: two warpgroups (256 threads) share A (64 x K) and take 24 columns
// each of B (48 x K, K-major), laid out in core matrices (8 rows of 16
// bytes, 128 bytes together) with the next one along K 128 bytes on (LBO)
// and the next 8 rows 2 x 128 + 16 bytes on (SBO: padded, so that the two
// fields differ from any default); every thread writes its share of the
// operands. Kind 3 is bf16 with B N-major (imm-trans-b 1): core matrices
// of 8 k rows of 16 bytes (8 columns), the same descriptor fields, the next
// 8 k 128 bytes on (LBO), the next 8 columns 2 x 128 + 16 (SBO).
// Accumulators start at 0.5 (bf16) or 7 (s8). `mode` leaves out
// one step (1: the proxy fence, 2: the barrier, 3: wgmma.fence, 4: the
// wait), gives warp 1 another descriptor (5), or fences after the barrier
// (6: too late, though every thread of the warpgroup has fenced when its
// wgmma runs).
enum { kWgN = 24, kSbo = 2 * 128 + 16 };
static int WA[64][32], WB[2 * kWgN][32];
static uint32_t wg_out[4][256][kWgN / 2];

static uint64_t descriptor(uint64_t offset) {
  return (offset >> 4 & 0x3fff) | (uint64_t)(128 >> 4) << 16 |
         (uint64_t)(kSbo >> 4) << 32;
}

static void wg(void **params, NlEmuThread *t) {
  int kind = *(int *)params[0], mode = *(int *)params[1];
  bool nMajor = kind == 3;
  if (nMajor)
    kind = 0;
  unsigned tid = nl_emu_thread_id(t, 0), k = kind == 1 ? 32 : 16,
           e = kind == 1 ? 1 : 2;
  unsigned char *shared = nl_emu_shared(t, 1);
  unsigned char *a = shared, *b = shared + 8 * kSbo;
  // Element (r, kk) of an operand at `base`.
  for (unsigned i = tid; i < (64 + 2 * kWgN) * k; i += 256) {
    unsigned r = i / k, kk = i % k;
    bool isA = r < 64;
    unsigned row = isA ? r : r - 64;
    int v = isA ? WA[row][kk] : WB[row][kk];
    unsigned byte = kk * e;
    unsigned char *at =
        !isA && nMajor
            ? b + row * e / 16 * kSbo + kk / 8 * 128 + kk % 8 * 16 + row * e % 16
            : (isA ? a : b) + row / 8 * kSbo + byte / 16 * 128 + row % 8 * 16 +
                  byte % 16;
    nl_emu_access(t, (uint64_t)(uintptr_t)at, e, 1);
    if (kind == 1) {
      *at = (uint8_t)(int8_t)v;
    } else {
      uint16_t bits = (uint16_t)half_bits(v, kind);
      memcpy(at, &bits, 2);
    }
  }
  if (mode != 1 && mode != 6)
    nl_emu_fence_proxy_async(t);
  if (mode != 2)
    nl_emu_barrier(t);
  if (mode == 6)
    nl_emu_fence_proxy_async(t);
  unsigned g = tid / 128;
  uint64_t da = descriptor(nl_emu_shared_offset(t, (uintptr_t)a));
  uint64_t db =
      descriptor(nl_emu_shared_offset(t, (uintptr_t)b) + g * (kWgN / 8) * kSbo);
  if (mode == 5 && tid / 32 == 1)
    da += 8;
  uint32_t acc[kWgN / 2];
  for (unsigned i = 0; i < kWgN / 2; ++i) {
    float half = 0.5f;
    uint32_t seven = 7;
    memcpy(&acc[i], kind == 1 ? (void *)&seven : (void *)&half, 4);
  }
  if (mode != 3)
    nl_emu_wgmma_fence(t);
  nl_emu_wgmma(t, kind, nMajor, kWgN, da, db, acc);
  nl_emu_wgmma_commit(t);
  // Mode 7: the group is left in flight over the barrier (allowed), and a
  // thread then writes what it reads (not). Mode 8: the groups are retired
  // after the barrier, and a thread of warpgroup 1 then writes what
  // warpgroup 0's group read (not: no barrier orders that retirement
  // before the write).
  if (mode != 4 && mode != 7 && mode != 8)
    nl_emu_wgmma_wait(t, 0);
  nl_emu_barrier(t);
  if (mode == 8)
    nl_emu_wgmma_wait(t, 0);
  // Once every thread has retired the group, its operands may be written.
  if (tid == (mode == 8 ? 128u : 0u))
    nl_emu_access(t, (uint64_t)(uintptr_t)(a + 16), 2, 1);
  if (mode == 7)
    nl_emu_wgmma_wait(t, 0);
  memcpy(wg_out[nMajor ? 3 : kind][tid], acc, sizeof acc);
}

// The emulation's limits, each an error: a descriptor with a base offset
// (mode 0), an operand past the block's shared memory (1), a shared address
// of other memory (2), a wgmma width it does not know (3), an s8 B N-major,
// which wgmma cannot read (4), a swizzled descriptor that starts inside a
// pattern (5).
static void wg_bad(void **params, NlEmuThread *t) {
  int mode = *(int *)params[0];
  uint32_t acc[8] = {0};
  uint64_t start = nl_emu_shared_offset(t, (uintptr_t)nl_emu_shared(t, 0));
  if (mode == 2)
    nl_emu_shared_offset(t, (uintptr_t)acc);
  uint64_t desc = descriptor(start);
  if (mode == 0)
    desc |= (uint64_t)1 << 49;
  // 128-byte swizzle from 128 bytes into a pattern of 8 rows.
  if (mode == 5)
    desc = descriptor(start + 128) | (uint64_t)1 << 62;
  if (mode == 1)
    desc = descriptor(47 << 10); // 1 KiB before the end of 48 KiB
  nl_emu_wgmma_fence(t);
  nl_emu_wgmma(t, mode == 4 ? 1 : 0, mode == 4, mode == 3 ? 12 : 16, desc,
               desc, acc);
  nl_emu_wgmma_commit(t);
  nl_emu_wgmma_wait(t, 0);
}

static void wg_partial(void **params, NlEmuThread *t) {
  (void)params;
  uint32_t acc[4] = {0};
  nl_emu_wgmma_fence(t);
  nl_emu_wgmma(t, 0, 0, 8, 0, 0, acc);
}

// Tile loads: a 20 x 24 tensor of 16-bit elements; thread 0 loads the box of 16
// rows x 8 columns at row 12, column 8 (rows 20 to 27 lie outside: zeros)
// into shared memory, 256 bytes completing on an mbarrier, and every
// thread reads its elements of it after waiting for the phase. `mode`
// breaks one thing: 1 a destination 16 bytes off 128, 2 a map the driver
// did not make, 3 no wait (thread 0 reads), 4 the mbarrier initialized twice, 5
// 512 bytes expected (the phase never completes), 6 a wait on memory that holds
// no mbarrier, 7 no fence.proxy.async after the init (the async proxy would
// not see the mbarrier).
CUresult nl_gpu_emulated_driver(const char *symbol, void **pfn, int version,
                                uint64_t flags, int *status);
static uint16_t tma_src[20][24] __attribute__((aligned(16)));
static uint16_t tma_seen[16][8];
static CUtensorMap tma_map;

static void tma(void **params, NlEmuThread *t) {
  int mode = *(int *)params[0];
  unsigned tid = nl_emu_thread_id(t, 0);
  unsigned char *shared = nl_emu_shared(t, 0);
  uint64_t bar = (uintptr_t)(shared + 1024);
  uint64_t dst = (uintptr_t)(shared + (mode == 1 ? 16 : 0));
  if (tid == 0 && mode != 6) {
    nl_emu_mbarrier_init(t, bar, 1);
    if (mode == 4)
      nl_emu_mbarrier_init(t, bar, 1);
    if (mode != 7)
      nl_emu_fence_proxy_async(t);
  }
  nl_emu_barrier(t);
  if (tid == 0 && mode != 6) {
    nl_emu_mbarrier_arrive_expect_tx(t, bar, mode == 5 ? 512 : 256);
    nl_emu_tma_load(t, dst, mode == 2 ? (void *)tma_src : (void *)&tma_map, 8,
                    12, bar);
  }
  if (mode != 3)
    nl_emu_mbarrier_wait(t, bar, 0);
  // Without the wait, thread 0 alone reads (after its copy).
  for (unsigned i = tid; i < 128 && (mode != 3 || tid == 0); i += 64) {
    nl_emu_access(t, dst + 2 * i, 2, 0);
    memcpy(&tma_seen[i / 8][i % 8], (void *)(uintptr_t)(dst + 2 * i), 2);
  }
  nl_emu_barrier(t);
  if (tid == 0)
    nl_emu_mbarrier_inval(t, bar);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strncmp(what, "tma", 3)) {
    NlCu_cuTensorMapEncodeTiled encode;
    nl_gpu_emulated_driver("cuTensorMapEncodeTiled", (void **)&encode,
                           NL_CUDA_API_VERSION, 0, NULL);
    for (int r = 0; r < 20; ++r)
      for (int c = 0; c < 24; ++c)
        tma_src[r][c] = (uint16_t)(1000 + 100 * r + c);
    uint64_t dims[2] = {24, 20}, strides[1] = {48};
    uint32_t box[2] = {8, 16}, unit[2] = {1, 1};
    CUresult r = encode(&tma_map, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 2, tma_src,
                        dims, strides, box, unit, 0, 0, 0, 0);
    // What the driver documents as invalid: a row stride not a multiple of
    // 16, an address not on 16 bytes, a box side beyond 256, an innermost
    // box side not a multiple of 16 bytes, an empty dimension.
    uint64_t odd[1] = {40}, empty[2] = {0, 20};
    uint32_t big[2] = {8, 300}, narrow[2] = {4, 16};
    CUtensorMap scratch;
    int rejected = (encode(&scratch, 9, 2, tma_src, dims, odd, box, unit, 0, 0,
                           0, 0) == CUDA_ERROR_INVALID_VALUE) +
                   (encode(&scratch, 9, 2, &tma_src[0][1], dims, strides, box,
                           unit, 0, 0, 0, 0) == CUDA_ERROR_INVALID_VALUE) +
                   (encode(&scratch, 9, 2, tma_src, dims, strides, big, unit, 0,
                           0, 0, 0) == CUDA_ERROR_INVALID_VALUE) +
                   (encode(&scratch, 9, 2, tma_src, dims, strides, narrow, unit,
                           0, 0, 0, 0) == CUDA_ERROR_INVALID_VALUE) +
                   (encode(&scratch, 9, 2, tma_src, empty, strides, box, unit,
                           0, 0, 0, 0) == CUDA_ERROR_INVALID_VALUE);
    int mode = what[3] == '-' ? what[4] - '0' : 0;
    void *params[] = {&mode};
    nl_gpu_emulate(tma, "tma", params, 1, 1, 1, 64, 0);
    unsigned wrong = 0;
    for (int row = 0; row < 16; ++row)
      for (int c = 0; c < 8; ++c)
        wrong +=
            tma_seen[row][c] != (12 + row < 20 ? tma_src[12 + row][8 + c] : 0);
    printf("encode: %d, %d of 5 invalid rejected\n", r, rejected);
    printf("tma: %u wrong of 128\n", wrong);
    // TMA: encode: 0, 5 of 5 invalid rejected
    // TMA-NEXT: tma: 0 wrong of 128
    // TMA1: a TMA copy into shared memory not aligned to 128 bytes
    // TMA2: a TMA copy through a tensor map the driver did not make
    // TMA3: thread 0 reads byte 0 of the static shared memory, which a
    // TMA3-SAME: TMA copy writes, before the mbarrier phase that completes
    // TMA3-SAME: the copy (mbarrier.try_wait.parity)
    // TMA4: mbarrier.init of a valid mbarrier object (mbarrier.inval first)
    // TMA5: thread 0 waits on a phase of the mbarrier at byte 1024 of shared
    // TMA5-SAME: memory that never completes
    // TMA6: an mbarrier operation on shared memory that holds no mbarrier
    // TMA6-SAME: object (mbarrier.init first)
    // TMA7: a TMA copy completes on an mbarrier whose initialization no
    // TMA7-SAME: fence.proxy.async made visible to the async proxy
    return 0;
  }
  if (!strcmp(what, "ids")) {
    // 4 x 3 blocks of 64 threads: each thread runs once; an empty grid
    // runs nothing.
    nl_gpu_emulate(ids, "ids", NULL, 4, 3, 1, 64, 0);
    nl_gpu_emulate(ids, "ids", NULL, 0, 3, 1, 64, 0);
    unsigned wrong = 0;
    for (int x = 0; x < 4; ++x)
      for (int y = 0; y < 3; ++y)
        for (int i = 0; i < 64; ++i)
          wrong += seen[x][y][i] != 1 + 64 * 1000 + 4 * 100000 + 3 * 1000000;
    printf("ids: %u wrong of 768\n", wrong);
    // IDS: ids: 0 wrong of 768
  } else if (!strcmp(what, "barrier")) {
    nl_gpu_emulate(barrier, "barrier", NULL, 2, 1, 1, 96, 96 * 4);
    unsigned wrong = 0;
    for (unsigned b = 0; b < 2; ++b)
      for (unsigned i = 0; i < 96; ++i)
        wrong += barrier_out[b][i] != (i + 1) % 96 * 3 + b * 1000;
    printf("barrier: %u wrong of 192\n", wrong);
    // BARRIER: barrier: 0 wrong of 192
  } else if (!strcmp(what, "shuffle")) {
    // 48 threads: a warp and a half warp.
    nl_gpu_emulate(shuffle, "shuffle", NULL, 1, 1, 1, 48, 0);
    unsigned wrong = 0;
    for (unsigned i = 0; i < 48; ++i) {
      unsigned lane = i % 32, base = i - lane, lanes = i < 32 ? 32 : 16;
      // __shfl_sync(v, 5, 8): lane 5 of the lane's group of 8.
      unsigned idx = base + (lane & ~7u) + 5;
      // __shfl_up_sync(v, 3, 8): lane - 3 within the group, else its own.
      bool up = lane % 8 >= 3;
      // __shfl_down_sync(v, 2, 16): lane + 2 within the group of 16.
      bool down = lane % 16 + 2 < 16 && lane + 2 < lanes;
      // __shfl_xor_sync(v, 1): the neighbour.
      bool xr = (lane ^ 1) < lanes;
      unsigned expect[4] = {idx * 10, (up ? i - 3 : i) * 10,
                            (down ? i + 2 : i) * 10,
                            (xr ? base + (lane ^ 1) : i) * 10};
      unsigned valid[4] = {1, up, down, xr};
      for (int c = 0; c < 4; ++c)
        wrong +=
            shuffle_out[c][i] != expect[c] || shuffle_valid[c][i] != valid[c];
    }
    printf("shuffle: %u wrong of 192\n", wrong);
    // SHUFFLE: shuffle: 0 wrong of 192
  } else if (!strcmp(what, "mma")) {
    for (int r = 0; r < 16; ++r)
      for (int k = 0; k < kK; ++k)
        A[r][k] = (r * 7 + k * 3) % 11 - 5;
    for (int k = 0; k < kK; ++k)
      for (int n = 0; n < 8; ++n)
        B[k][n] = (k * 5 + n * 13) % 9 - 4;
    for (int kind = 0; kind < 3; ++kind) {
      void *params[] = {&kind};
      nl_gpu_emulate(mma, "mma", params, 1, 1, 1, 32, 0);
      unsigned wrong = 0;
      int k = kind == 1 ? 32 : 16;
      for (unsigned lane = 0; lane < 32; ++lane)
        for (unsigned i = 0; i < 4; ++i) {
          unsigned row = lane / 4 + (i / 2) * 8, col = lane % 4 * 2 + i % 2;
          int sum = 0;
          for (int kk = 0; kk < k; ++kk)
            sum += A[row][kk] * B[kk][col];
          wrong += wrong_result(mma_out[kind][lane][i], kind, sum);
        }
      printf("%s: %u wrong of 128\n",
             (const char *[]){"bf16", "s8", "f16"}[kind], wrong);
    }
    // f16's smallest subnormal (2^-24) times 1024: 2^-14, plus 0.5.
    int subnormal = 3;
    void *params[] = {&subnormal};
    nl_gpu_emulate(mma, "mma", params, 1, 1, 1, 32, 0);
    float d;
    memcpy(&d, &mma_out[2][0][0], sizeof d);
    printf("f16 subnormal: %s\n", d == 0.5f + 0x1p-14f ? "exact" : "wrong");
    // MMA: bf16: 0 wrong of 128
    // MMA-NEXT: s8: 0 wrong of 128
    // MMA-NEXT: f16: 0 wrong of 128
    // MMA-NEXT: f16 subnormal: exact
  } else if (!strcmp(what, "ldmatrix")) {
    nl_gpu_emulate(ld, "ld", NULL, 1, 1, 1, 32, 0);
    // PTX ISA: lane l receives, of the matrix whose rows lanes 8 i to
    // 8 i + 7 gave, the elements (l / 4, 2 (l % 4)) and (l / 4, 2 (l % 4) +
    // 1), the first in the low half; here that matrix is 3 - i.
    unsigned wrong = 0;
    for (unsigned lane = 0; lane < 32; ++lane)
      for (unsigned i = 0; i < 4; ++i) {
        unsigned first = 1000 * (3 - i) + 10 * (lane / 4) + 2 * (lane % 4);
        wrong += ld_out[lane][i] != (first | (first + 1) << 16);
      }
    printf("ldmatrix: %u wrong of 128\n", wrong);
    // LDMATRIX: ldmatrix: 0 wrong of 128
  } else if (!strcmp(what, "deadlock")) {
    nl_gpu_emulate(deadlock, "deadlock", NULL, 2, 1, 1, 32, 0);
    // DEADLOCK: error: emulated kernel 'deadlock', block (0, 0, 0):
    // DEADLOCK-SAME: threads wait at a barrier or a warp-wide operation
    // DEADLOCK-SAME: that other threads of the block or warp never reach
  } else if (!strcmp(what, "mixed")) {
    nl_gpu_emulate(mixed, "mixed", NULL, 1, 1, 1, 32, 0);
    // MIXED: error: emulated kernel 'mixed', block (0, 0, 0):
    // MIXED-SAME: lanes of one warp at different warp-wide operations
  } else if (!strcmp(what, "trap")) {
    // Block 0 runs whole (64 x 2); in block 1, threads 0 to 3 start (the
    // first three wait at the barrier) and thread 3's trap ends the launch:
    // the rest of block 1 and block 2 never run.
    int trapped = nl_gpu_emulate(trap, "trap", NULL, 3, 1, 1, 64, 0);
    printf("trapped: %d, ran: %u\n", trapped, ran);
    // TRAP: trap in block 1, thread 3
    // TRAP-NEXT: trapped: 1, ran: 132
  } else if (!strcmp(what, "ordered") || !strncmp(what, "race-", 5)) {
    int mode = !strcmp(what, "ordered")      ? 0
               : !strcmp(what, "race-read")  ? 1
               : !strcmp(what, "race-write") ? 2
                                             : 3;
    void *params[] = {&mode};
    // Two blocks: the second's accesses of the same bytes do not race with
    // the first's.
    nl_gpu_emulate(races, "races", params, 2, 1, 1, 64, 0);
    printf("no race\n");
    // ORDERED: no race
    // RACE-READ: error: emulated kernel 'races', block (0, 0, 0): data race
    // RACE-READ-SAME: in shared memory: thread 1 reads byte 0 of the static
    // RACE-READ-SAME: shared memory, which thread 0 wrote, with no barrier
    // RACE-WRITE: thread 1 writes byte 0 of the static shared memory, which
    // RACE-WRITE-SAME: thread 0 wrote
    // RACE-READERS: thread 3 writes byte 0 of the static shared memory,
    // RACE-READERS-SAME: which other threads read
  } else if (!strcmp(what, "partial-ldmatrix")) {
    nl_gpu_emulate(partial_ldmatrix, "partial", NULL, 1, 1, 1, 48, 0);
    // PARTIAL-LD: error: emulated kernel 'partial', block (0, 0, 0):
    // PARTIAL-LD-SAME: ldmatrix in a warp of fewer than 32 threads
  } else if (!strcmp(what, "bad-width")) {
    nl_gpu_emulate(bad_width, "width", NULL, 1, 1, 1, 32, 0);
    // BAD-WIDTH: error: emulated kernel 'width', block (0, 0, 0): a
    // BAD-WIDTH-SAME: shuffle's width is not a power of 2 up to 32
  } else if (!strcmp(what, "bad-count")) {
    nl_gpu_emulate(bad_count, "count", NULL, 1, 1, 1, 32, 0);
    // BAD-COUNT: error: emulated kernel 'count', block (0, 0, 0): ldmatrix
    // BAD-COUNT-SAME: of other than 1, 2 or 4 matrices
  } else if (!strncmp(what, "wgmma", 5)) {
    for (int r = 0; r < 64; ++r)
      for (int k = 0; k < 32; ++k)
        WA[r][k] = (r * 7 + k * 3) % 11 - 5;
    for (int n = 0; n < 2 * kWgN; ++n)
      for (int k = 0; k < 32; ++k)
        WB[n][k] = (k * 5 + n * 13) % 9 - 4;
    int mode = !strcmp(what, "wgmma-no-proxy-fence") ? 1
               : !strcmp(what, "wgmma-no-barrier")   ? 2
               : !strcmp(what, "wgmma-no-fence")     ? 3
               : !strcmp(what, "wgmma-no-wait")      ? 4
               : !strcmp(what, "wgmma-descriptors")  ? 5
               : !strcmp(what, "wgmma-late-fence")   ? 6
               : !strcmp(what, "wgmma-in-flight")    ? 7
               : !strcmp(what, "wgmma-retired-late") ? 8
                                                     : 0;
    if (!strncmp(what, "wgmma-bad-", 10)) {
      int bad = what[10] - '0';
      void *params[] = {&bad};
      nl_gpu_emulate(wg_bad, "wgmma", params, 1, 1, 1, 128, 0);
      // WG-BAD0: a wgmma descriptor with a base offset, which the
      // WG-BAD0-SAME: emulation does not know
      // WG-BAD5: a swizzled wgmma descriptor whose start is not where a
      // WG-BAD5-SAME: pattern of 8 rows starts (a base offset), which the
      // WG-BAD5-SAME: emulation does not know
      // WG-BAD1: a wgmma operand beyond the block's shared memory
      // WG-BAD2: a shared-memory address of memory outside shared memory
      // WG-BAD3: a form of wgmma.mma_async the emulation does not know
      // WG-BAD4: a form of wgmma.mma_async the emulation does not know
    }
    if (!strcmp(what, "wgmma-partial")) {
      nl_gpu_emulate(wg_partial, "wgmma", NULL, 1, 1, 1, 96, 0);
      // WG-PARTIAL: error: emulated kernel 'wgmma', block (0, 0, 0): wgmma
      // WG-PARTIAL-SAME: in a warpgroup of fewer than 128 threads
    }
    for (int kind = 0; kind < 4; ++kind) {
      void *params[] = {&kind, &mode};
      nl_gpu_emulate(wg, "wgmma", params, 1, 1, 1, 256, 8 * kSbo * 2);
      // PTX ISA, wgmma's D fragments: thread t of warpgroup g (warp w =
      // t % 128 / 32, lane l) holds element i at row 16 w + l / 4 + 8 ((i
      // / 2) % 2), column 8 (i / 4) + 2 (l % 4) + i % 2 of g's 24 columns.
      unsigned wrong = 0, k = kind == 1 ? 32 : 16;
      for (unsigned tid = 0; tid < 256; ++tid)
        for (unsigned i = 0; i < kWgN / 2; ++i) {
          unsigned w = tid % 128 / 32, lane = tid % 32;
          unsigned row = 16 * w + lane / 4 + 8 * ((i / 2) % 2);
          unsigned col =
              tid / 128 * kWgN + 8 * (i / 4) + 2 * (lane % 4) + i % 2;
          int sum = 0;
          for (unsigned kk = 0; kk < k; ++kk)
            sum += WA[row][kk] * WB[col][kk];
          wrong += wrong_result(wg_out[kind][tid][i], kind % 3, sum);
        }
      printf("wgmma %s: %u wrong of 3072\n",
             (const char *[]){"bf16", "s8", "f16", "bf16 N-major B"}[kind],
             wrong);
    }
    // WGMMA: wgmma bf16: 0 wrong of 3072
    // WGMMA-NEXT: wgmma s8: 0 wrong of 3072
    // WGMMA-NEXT: wgmma f16: 0 wrong of 3072
    // WGMMA-NEXT: wgmma bf16 N-major B: 0 wrong of 3072
    // WG-PROXY: error: emulated kernel 'wgmma', block (0, 0, 0): the wgmma of
    // WG-PROXY-SAME: warpgroup 0 reads byte 0 of the dynamic shared memory,
    // WG-PROXY-SAME: which thread 0 wrote with no fence.proxy.async and
    // WG-PROXY-SAME: barrier after it
    // WG-LATE: which thread 0 wrote with no fence.proxy.async and barrier
    // WG-RACE: data race in shared memory: the wgmma of warpgroup 0 reads
    // WG-RACE-SAME: byte 0 of the dynamic shared memory, which thread 0
    // WG-RACE-SAME: wrote, with no barrier between them
    // WG-FENCE: wgmma.mma_async with no wgmma.fence before it
    // A barrier may pass with wgmma groups in flight; a thread's end not.
    // WG-WAIT: thread {{[0-9]+}} reaches its end with wgmma operations not
    // WG-WAIT-SAME: waited for (wgmma.commit_group and wgmma.wait_group 0)
    // WG-FLIGHT: error: emulated kernel 'wgmma', block (0, 0, 0): a thread
    // WG-FLIGHT-SAME: writes byte 16 of the dynamic shared memory, which a
    // WG-FLIGHT-SAME: wgmma of warpgroup 0 may still read (no
    // WG-FLIGHT-SAME: wgmma.wait_group of every thread of the warpgroup has
    // WG-FLIGHT-SAME: retired it)
    // WG-RETIRE: error: emulated kernel 'wgmma', block (0, 0, 0): data
    // WG-RETIRE-SAME: race in shared memory: a thread writes byte 16 of
    // WG-RETIRE-SAME: the dynamic shared memory, which a wgmma of
    // WG-RETIRE-SAME: warpgroup 0 read, with no barrier after the
    // WG-RETIRE-SAME: wgmma.wait_group that retired it
    // WG-DESC: threads of one warpgroup at different wgmma operations or
    // WG-DESC-SAME: with different descriptors
  } else if (!strcmp(what, "partial")) {
    nl_gpu_emulate(partial, "partial", NULL, 1, 1, 1, 48, 0);
    // PARTIAL: error: emulated kernel 'partial', block (0, 0, 0):
    // PARTIAL-SAME: mma.sync in a warp of fewer than 32 threads
  }
  return 0;
}
