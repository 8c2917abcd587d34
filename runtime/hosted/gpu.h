//===- gpu.h - Internals of GPU launches (hosted) -------------------------===//
//
// What runtime/hosted/gpu.c exposes besides nl_gpu_launch (nl_runtime.h),
// for its tests: the merging of the host ranges a launch copies to the
// device. Not part of the ABI that generated code calls.
//
//===----------------------------------------------------------------------===//

#ifndef NL_HOSTED_GPU_H
#define NL_HOSTED_GPU_H

#include <stdint.h>

/// The host addresses [lo, hi); empty when hi <= lo.
typedef struct NlGpuRange {
  uintptr_t lo, hi;
} NlGpuRange;

/// Rewrites the first \p n entries of \p ranges in place as the fewest
/// disjoint ranges that cover the same addresses: empty ranges are dropped,
/// and ranges that overlap, nest or touch (one ends where the next begins)
/// become one. Returns how many are left; they are sorted by address, and
/// any two are separated by at least one address that none covered. One
/// device block per result serves every view inside it, so two views of one
/// tensor see each other's writes as they would on the host.
int32_t nl_gpu_merge_ranges(NlGpuRange *ranges, int32_t n);

#endif // NL_HOSTED_GPU_H
