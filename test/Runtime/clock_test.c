// Checks nl_clock_ns: readings never decrease and follow real time (a 20 ms
// sleep shows up as at least 20 ms and well under a second).
//
// RUN: %clang -O1 -I %nlrt_include %s %nlrt_lib -o %t && %t | FileCheck %s
// CHECK: clock: non-decreasing true, sleep measured true

#include "nl_runtime.h"

#include <time.h>

int32_t nl_main(void) {
  bool non_decreasing = true;
  int64_t previous = nl_clock_ns();
  for (int i = 0; i < 100000; ++i) {
    int64_t now = nl_clock_ns();
    non_decreasing = non_decreasing && now >= previous;
    previous = now;
  }

  int64_t before = nl_clock_ns();
  struct timespec pause = {0, 20 * 1000 * 1000};
  nanosleep(&pause, NULL);
  int64_t elapsed = nl_clock_ns() - before;

  nl_print_str("clock: non-decreasing ", 22);
  nl_print_bool(non_decreasing);
  nl_print_str(", sleep measured ", 17);
  nl_print_bool(elapsed >= 20 * 1000 * 1000 && elapsed < 1000 * 1000 * 1000);
  nl_print_newline();
  return 0;
}
