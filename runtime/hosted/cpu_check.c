//===- cpu_check.c - Startup check of the CPU features a program needs ----===//
//
// A program built with `nlc -mcpu=...` may use any instruction the CPU it was
// built for has. Started on a CPU without one of them it would die with
// SIGILL somewhere in the middle; instead, the hosted runtime compares the
// features nlc recorded in the program (nl_cpu_required) with what cpuid and
// XCR0 report, before constructors and main run (main_hosted.c calls it from
// .preinit_array), and stops with a message that names what is missing. This
// file is built for baseline x86-64 (runtime/CMakeLists.txt), whatever the
// program was built for.
//
//===----------------------------------------------------------------------===//

// syscall(2) is a GNU/BSD extension.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "../core/internal.h"
#include "../nl_runtime.h"
#include "../platform.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum {
  kStateNone = 0,
  kStateAvx = 1,
  kStateAvx512 = 2,
  kStateAmx = 3,
  kXcr0Avx = 0x6,             // SSE and upper YMM halves
  kXcr0Avx512 = 0xe6,         // plus opmask, ZMM_Hi256 and Hi16_ZMM
  kXcr0Amx = 0x60000,         // XTILECFG and XTILEDATA
  kArchReqXcompPerm = 0x1023, // arch_prctl: request an XSAVE component
  kXfeatureXtiledata = 18,
};

typedef struct Feature {
  const char *name;
  unsigned bit, leaf, subleaf, reg, reg_bit, state;
} Feature;

static const Feature features[] = {
#define NL_CPU_FEATURE_ROW(NAME, BIT, LLVM, LEAF, SUB, REG, REGBIT, STATE)     \
  {LLVM, BIT, LEAF, SUB, REG, REGBIT, STATE},
    NL_CPU_FEATURES(NL_CPU_FEATURE_ROW)
#undef NL_CPU_FEATURE_ROW
};

/// Whether cpuid reports the feature (leaves the CPU lacks read as zero).
static int cpu_has(const Feature *f) {
  unsigned regs[4] = {0, 0, 0, 0};
  unsigned top = __get_cpuid_max(f->leaf & 0x80000000u, 0);
  if (top < f->leaf)
    return 0;
  __cpuid_count(f->leaf, f->subleaf, regs[0], regs[1], regs[2], regs[3]);
  return (regs[f->reg] >> f->reg_bit) & 1;
}

/// The register state the operating system enabled (XCR0), 0 without XSAVE.
static uint64_t enabled_state(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27)))
    return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static int state_enabled(unsigned state, uint64_t xcr0) {
  switch (state) {
  case kStateAvx:
    return (xcr0 & kXcr0Avx) == kXcr0Avx;
  case kStateAvx512:
    return (xcr0 & kXcr0Avx512) == kXcr0Avx512;
  case kStateAmx:
    return (xcr0 & kXcr0Amx) == kXcr0Amx;
  }
  return 1;
}

void nl_cpu_check(uint64_t required, const char *built_for) {
  char buf[1024];
  NlWriter err = {buf, sizeof buf, 0, NL_PLAT_STDERR};
  uint64_t xcr0 = enabled_state();
  int missing = 0, amx = 0;
  for (size_t i = 0; i < sizeof features / sizeof features[0]; ++i) {
    const Feature *f = &features[i];
    if (!((required >> f->bit) & 1))
      continue;
    const char *why = NULL;
    if (!cpu_has(f))
      why = "";
    else if (!state_enabled(f->state, xcr0))
      why = " (its registers are not enabled by the operating system)";
    if (f->state == kStateAmx)
      amx = 1;
    if (!why)
      continue;
    nl_writer_put_cstr(&err,
                       missing ? ", " : "<runtime>: fatal: this CPU lacks ");
    nl_writer_put_cstr(&err, f->name);
    nl_writer_put_cstr(&err, why);
    ++missing;
  }
  // Linux hands out the AMX tile state only on request, once per process.
  if (!missing && amx &&
      syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) != 0) {
    nl_writer_put_cstr(
        &err, "<runtime>: fatal: Linux refused this process the AMX tile "
              "state (arch_prctl ARCH_REQ_XCOMP_PERM)");
    ++missing;
  }
  if (!missing)
    return;
  nl_writer_put_cstr(&err, "\n<runtime>: the program was built for ");
  nl_writer_put_cstr(&err, built_for && *built_for ? built_for : "another CPU");
  // A GPU target's host code is built for --host-cpu (-mcpu names the GPU).
  const char *option = built_for && strncmp(built_for, "--host-cpu=", 11) == 0
                           ? "--host-cpu"
                           : "-mcpu";
  nl_writer_put_cstr(&err,
                     "\n<runtime>: help: rebuild it for this CPU with `nlc ");
  nl_writer_put_cstr(&err, option);
  nl_writer_put_cstr(&err,
                     "=native`, or for any x86-64 CPU with AVX2 with `nlc ");
  nl_writer_put_cstr(&err, option);
  nl_writer_put_cstr(&err, "=x86-64-v3`\n");
  nl_writer_flush(&err);
  nl_plat_exit(NL_CPU_CHECK_STATUS);
}

#else

void nl_cpu_check(uint64_t required, const char *built_for) {
  (void)required;
  (void)built_for;
}

#endif
