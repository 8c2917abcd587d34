//===- clock.c - Monotonic clock ------------------------------------------===//
//
// nl_clock_ns, a thin signed view of the platform's monotonic nanosecond
// clock (signed so generated code can subtract readings freely; it would take
// 292 years of uptime to overflow).
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"

int64_t nl_clock_ns(void) { return (int64_t)nl_plat_clock_ns(); }
