// Checks nl_grid_launch (runtime/hosted/grid.c) under load: every instance
// of every launch runs exactly once, whatever the grid's size, its bodies'
// cost (bodies that take under a microsecond, and so run on the calling
// thread once measured, and bodies that take longer, which are spread),
// a body whose cost changes between launches, workers that went to sleep,
// and more threads than CPUs (workers descheduled in the middle of a
// launch, then finding it over or replaced by the next one). A grid
// measured short runs on the calling thread alone.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -lpthread -o %t
// RUN: env NL_NUM_THREADS=2 %t | FileCheck %s
// RUN: env NL_NUM_THREADS=3 %t | FileCheck %s
// RUN: env NL_NUM_THREADS=8 %t | FileCheck %s
// RUN: env NL_NUM_THREADS=2 NL_GRID_INLINE_TICKS=0 %t \
// RUN:   | FileCheck %s --check-prefix=SPREAD
//
// CHECK: 20000 launches: 0 wrong
// CHECK-NEXT: after sleeps: 0 wrong
// CHECK-NEXT: short grid on the calling thread: yes
// SPREAD: 20000 launches: 0 wrong
// SPREAD-NEXT: after sleeps: 0 wrong

#include "nl_runtime.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_COUNT 512

typedef struct {
  int runs[MAX_COUNT];
  pthread_t thread[MAX_COUNT];
  int spin; // Work per instance, in loop iterations.
} Ctx;

static volatile int sink;

static void body(void *p, int64_t begin, int64_t end) {
  Ctx *ctx = p;
  for (int64_t i = begin; i < end; ++i) {
    for (int k = 0; k < ctx->spin; ++k)
      sink = k;
    __atomic_fetch_add(&ctx->runs[i], 1, __ATOMIC_RELAXED);
    ctx->thread[i] = pthread_self();
  }
}

// A second body, so that two costs are measured apart.
static void other(void *p, int64_t begin, int64_t end) { body(p, begin, end); }

static uint32_t state = 12345;
static uint32_t next_random(void) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

// Launches `count` instances and counts those that did not run exactly once.
static int launch(NlGridBody fn, Ctx *ctx, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    ctx->runs[i] = 0;
  nl_grid_launch(fn, ctx, count);
  int wrong = 0;
  for (int64_t i = 0; i < count; ++i)
    wrong += ctx->runs[i] != 1;
  return wrong;
}

int32_t nl_main(void) {
  static Ctx ctx;
  int wrong = 0;
  for (int n = 0; n < 20000; ++n) {
    uint32_t r = next_random();
    int64_t count = 2 + r % (MAX_COUNT - 1);
    // Mostly short instances; every 7th launch long ones (several us per
    // launch), every 13th the other body.
    ctx.spin = n % 7 == 0 ? 200 + (int)(r % 400) : (int)(r % 4);
    wrong += launch(n % 13 == 0 ? other : body, &ctx, count);
  }
  printf("20000 launches: %d wrong\n", wrong);

  wrong = 0;
  for (int n = 0; n < 20; ++n) {
    struct timespec pause = {0, 2000000}; // The workers fall asleep.
    nanosleep(&pause, NULL);
    ctx.spin = n % 2 ? 0 : 300;
    wrong += launch(body, &ctx, 3 + n * 20);
  }
  printf("after sleeps: %d wrong\n", wrong);

  // A short grid, measured once, then run on the calling thread: allow a
  // few launches that a preemption made look long.
  if (getenv("NL_GRID_INLINE_TICKS"))
    return 0;
  ctx.spin = 0;
  int here = 0;
  launch(other, &ctx, 4);
  for (int n = 0; n < 100; ++n) {
    wrong += launch(other, &ctx, 4);
    int all = 1;
    for (int i = 0; i < 4; ++i)
      all &= pthread_equal(ctx.thread[i], pthread_self()) != 0;
    here += all;
  }
  printf("short grid on the calling thread: %s\n",
         here >= 90 && wrong == 0 ? "yes" : "no");
  return 0;
}
