// REQUIRES: qemu
// The exception handlers of the unikernel runtime, from C: each CPU
// exception is reported on the console with its vector and name, error
// code and rip, after the program's buffered output, and QEMU exits with
// 253 (NL_BARE_EXIT_FAULT). The boot command line selects the fault.
//
// RUN: %bare_cc -O1 -c %s -o %t.o
// RUN: %bare_ld %t.o %nlrt_bare_lib -o %t.elf
// RUN: %qemu -kernel %t.elf -append "-- divide" < /dev/null > %t.de; test $? -eq 253
// RUN: FileCheck %s --check-prefix=DE --match-full-lines < %t.de
// DE:before divide
// DE-NEXT:<runtime>: fatal: CPU exception 0 (#DE divide error) at rip=0x{{[0-9a-f]+}}, error code 0x0000000000000000
// DE-NEXT:<runtime>: registers: {{.*}}
// RUN: %qemu -kernel %t.elf -append "-- breakpoint" < /dev/null > %t.bp; test $? -eq 253
// RUN: FileCheck %s --check-prefix=BP --match-full-lines < %t.bp
// BP:before breakpoint
// BP-NEXT:<runtime>: fatal: CPU exception 3 (#BP breakpoint) at rip=0x{{[0-9a-f]+}}, error code 0x0000000000000000
// RUN: %qemu -kernel %t.elf -append "-- invalid-opcode" < /dev/null > %t.ud; test $? -eq 253
// RUN: FileCheck %s --check-prefix=UD --match-full-lines < %t.ud
// UD:before invalid-opcode
// UD-NEXT:<runtime>: fatal: CPU exception 6 (#UD invalid opcode) at rip=0x{{[0-9a-f]+}}, error code 0x0000000000000000
// RUN: %qemu -kernel %t.elf -append "-- null" < /dev/null > %t.null; test $? -eq 253
// RUN: FileCheck %s --check-prefix=NULL --match-full-lines < %t.null
// NULL:before null
// NULL-NEXT:<runtime>: fatal: CPU exception 14 (#PF page fault) at rip=0x{{[0-9a-f]+}}, error code 0x0000000000000000
// NULL-NEXT:<runtime>: the faulting address is cr2=0x0000000000000010
// NULL-NEXT:<runtime>: null pointer: the address is in page 0
// RUN: %qemu -kernel %t.elf -append "-- general-protection" < /dev/null > %t.gp; test $? -eq 253
// RUN: FileCheck %s --check-prefix=GP --match-full-lines < %t.gp
// GP:before general-protection
// GP-NEXT:<runtime>: fatal: CPU exception 13 (#GP general protection) at rip=0x{{[0-9a-f]+}}, error code 0x0000000000000000
// An AVX2 instruction runs (the boot stub enabled AVX): no fault.
// RUN: %qemu -kernel %t.elf -append "-- avx2" < /dev/null > %t.avx; test $? -eq 3
// RUN: FileCheck %s --check-prefix=AVX --match-full-lines < %t.avx
// AVX:before avx2
// AVX-NEXT:avx2 sum 36
//
// A CPU without the x86-64-v3 features stops the boot stub with a message and
// status 255 (NL_BARE_EXIT_BOOT_FAILURE), before any of that code runs.
// RUN: %qemu -cpu qemu64 -kernel %t.elf < /dev/null > %t.cpu; test $? -eq 255
// RUN: FileCheck %s --check-prefix=CPU --match-full-lines < %t.cpu
// CPU:<runtime>: cannot start: the CPU lacks long mode or x86-64-v3 features (AVX2, FMA, BMI2...); under QEMU use -cpu max

#include "nl_runtime.h"

#include <immintrin.h>

static bool is(const char *a, const char *b) {
  while (*a != '\0' && *a == *b)
    ++a, ++b;
  return *a == *b;
}

static void say(const char *what) {
  nl_print_str("before ", 7);
  int64_t n = 0;
  while (what[n] != '\0')
    ++n;
  nl_print_str(what, n);
  nl_print_newline();
}

int32_t nl_main(void) {
  if (nl_argc() != 2)
    return 0;
  const char *mode = nl_arg_ptr(1);
  say(mode);
  if (is(mode, "divide")) {
    volatile int zero = 0;
    nl_print_i64(1000 / zero);
  } else if (is(mode, "breakpoint")) {
    __asm__ volatile("int3");
  } else if (is(mode, "invalid-opcode")) {
    __asm__ volatile("ud2");
  } else if (is(mode, "null")) {
    nl_print_i64(*(volatile int64_t *)16);
  } else if (is(mode, "general-protection")) {
    // A non-canonical address.
    nl_print_i64(*(volatile int64_t *)0x8000000000000000ull);
  } else if (is(mode, "avx2")) {
    __m256i v = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8);
    volatile __m256i w = _mm256_add_epi32(v, _mm256_setzero_si256());
    __m256i x = w;
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, x);
    int64_t sum = 0;
    for (int i = 0; i < 8; ++i)
      sum += lanes[i];
    nl_print_str("avx2 sum ", 9);
    nl_print_i64(sum);
    nl_print_newline();
  }
  return 0;
}
