// Checks nl_grid_launch (runtime/hosted/grid.c) under load: every instance
// of every launch runs exactly once, with its own launch's arguments
// (copied by the runtime, or not where they are large), whatever the
// grid's size, its bodies' cost (bodies that take under a microsecond, and so
// run on the calling thread once measured, and bodies that take longer, which
// are spread), a body whose cost changes between launches, workers that went to
// sleep, and more threads than CPUs (workers descheduled in the middle of a
// launch, then finding it over or replaced by the next one). A grid
// measured short runs on the calling thread alone.
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -lpthread -o %t
// RUN: env NL_NUM_THREADS=2 NL_TEST_INLINE=1 %t \
// RUN:   | FileCheck %s --check-prefixes=CHECK,INLINE
// RUN: env NL_NUM_THREADS=3 %t | FileCheck %s
// RUN: env NL_NUM_THREADS=8 %t | FileCheck %s
// RUN: env NL_NUM_THREADS=2 NL_GRID_INLINE_TICKS=0 %t | FileCheck %s
//
// CHECK: 20000 launches: 0 wrong
// CHECK-NEXT: after sleeps: 0 wrong
// INLINE-NEXT: short grid on the calling thread: yes

#include "nl_runtime.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_COUNT 512

typedef struct {
  int runs[MAX_COUNT];
  pthread_t thread[MAX_COUNT];
} Marks;

// The argument block: small (the runtime copies it where the workers read
// it, when it changed) or, with `pad`, larger than the runtime copies.
typedef struct {
  Marks *marks;
  int spin; // Work per instance, in loop iterations.
} Args;

typedef struct {
  Args args;
  char pad[1024];
} BigArgs;

static volatile int sink;

static void body(void *p, int64_t begin, int64_t end) {
  const Args *args = p;
  for (int64_t i = begin; i < end; ++i) {
    for (int k = 0; k < args->spin; ++k)
      sink = k;
    __atomic_fetch_add(&args->marks->runs[i], 1, __ATOMIC_RELAXED);
    args->marks->thread[i] = pthread_self();
  }
}

// A second body, so that two costs are measured apart.
static void other(void *p, int64_t begin, int64_t end) { body(p, begin, end); }

static uint32_t state = 12345;
static uint32_t next_random(void) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

static Marks marks[2];

// Launches `count` instances marking marks[m] with a small or a large
// argument block and counts the instances that did not run exactly once
// there, or ran in the other marks.
static int launch(NlGridBody fn, int m, int spin, int64_t count, int big) {
  for (int64_t i = 0; i < count; ++i)
    marks[0].runs[i] = marks[1].runs[i] = 0;
  BigArgs block = {{&marks[m], spin}, {0}};
  nl_grid_launch(fn, &block,
                 big ? (int64_t)sizeof block : (int64_t)sizeof(Args), count);
  int wrong = 0;
  for (int64_t i = 0; i < count; ++i)
    wrong += marks[m].runs[i] != 1 || marks[1 - m].runs[i] != 0;
  return wrong;
}

int32_t nl_main(void) {
  int wrong = 0;
  for (int n = 0; n < 20000; ++n) {
    uint32_t r = next_random();
    int64_t count = 2 + r % (MAX_COUNT - 1);
    // Mostly short instances; every 7th launch long ones (several us per
    // launch), every 13th the other body; the arguments change every 3rd
    // launch, every 5th is larger than the runtime copies.
    int spin = n % 7 == 0 ? 200 + (int)(r % 400) : (int)(r % 4);
    wrong +=
        launch(n % 13 == 0 ? other : body, n / 3 % 2, spin, count, n % 5 == 0);
  }
  printf("20000 launches: %d wrong\n", wrong);

  wrong = 0;
  for (int n = 0; n < 20; ++n) {
    struct timespec pause = {0, 2000000}; // The workers fall asleep.
    nanosleep(&pause, NULL);
    wrong += launch(body, n % 2, n % 2 ? 0 : 300, 3 + n * 20, 0);
  }
  printf("after sleeps: %d wrong\n", wrong);

  // A short grid, measured once, then run on the calling thread: allow
  // launches that a preemption made look long (then spread once or more:
  // with more threads than CPUs, spread launches are preempted often).
  if (!getenv("NL_TEST_INLINE"))
    return 0;
  int here = 0;
  launch(other, 0, 0, 4, 0);
  for (int n = 0; n < 100; ++n) {
    wrong += launch(other, 0, 0, 4, 0);
    int all = 1;
    for (int i = 0; i < 4; ++i)
      all &= pthread_equal(marks[0].thread[i], pthread_self()) != 0;
    here += all;
  }
  printf("short grid on the calling thread: %s\n",
         here >= 80 && wrong == 0 ? "yes" : "no");
  return 0;
}
