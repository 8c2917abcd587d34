//===- interrupts.c - TSS, IDT and the CPU exception report ---------------===//
//
// Without an interrupt table any CPU exception ends a QEMU guest silently
// (triple fault). Here every exception vector gets a handler (isr.S) that
// runs on its own stack (IST1 of the TSS, so that even a stack overflow can
// be reported), flushes the program's output, prints the exception, error
// code, faulting address and registers on the console and ends QEMU with
// NL_BARE_EXIT_FAULT.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "bare.h"
#include "exit_status.h"

/// The registers saved by isr.S, lowest address first.
typedef struct NlBareFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error;
  // Pushed by the CPU.
  uint64_t rip, cs, rflags, rsp, ss;
} NlBareFrame;

/// The 64-bit task-state segment: only the interrupt stack table is used.
typedef struct __attribute__((packed)) NlBareTss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
} NlBareTss;

/// An interrupt gate.
typedef struct __attribute__((packed)) NlBareGate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type_attr;
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
} NlBareGate;

enum {
  kNumVectors = 32,
  kCodeSelector = 0x08,
  kTssSelector = 0x18,
  kExceptionStackSize = 16384,
};

extern uint64_t nl_bare_gdt[];
extern const uint64_t nl_bare_isr_stubs[kNumVectors];

static NlBareTss tss;
static NlBareGate idt[kNumVectors];
static _Alignas(16) char exception_stack[kExceptionStackSize];

void nl_bare_interrupts_init(void) {
  tss.ist[0] = (uint64_t)(exception_stack + sizeof exception_stack);
  tss.iomap_base = sizeof tss;
  uint64_t base = (uint64_t)&tss;
  uint64_t limit = sizeof tss - 1;
  // Available 64-bit TSS (type 9), present.
  nl_bare_gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                   (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
                   (((base >> 24) & 0xff) << 56);
  nl_bare_gdt[4] = base >> 32;
  __asm__ volatile("ltr %w0" : : "r"(kTssSelector));

  for (int v = 0; v < kNumVectors; ++v) {
    uint64_t stub = nl_bare_isr_stubs[v];
    idt[v] = (NlBareGate){
        .offset_low = (uint16_t)stub,
        .selector = kCodeSelector,
        .ist = 1,
        .type_attr = 0x8e, // present, ring 0, 64-bit interrupt gate
        .offset_mid = (uint16_t)(stub >> 16),
        .offset_high = (uint32_t)(stub >> 32),
        .reserved = 0,
    };
  }
  struct __attribute__((packed)) {
    uint16_t limit;
    uint64_t base;
  } pointer = {sizeof idt - 1, (uint64_t)idt};
  __asm__ volatile("lidt %0" : : "m"(pointer));
}

static const char *const exception_names[kNumVectors] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range exceeded",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor segment overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack-segment fault",
    "#GP general protection",
    "#PF page fault",
    "reserved",
    "#MF x87 floating-point error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD floating-point exception",
    "#VE virtualization exception",
    "#CP control protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security exception",
    "reserved",
};

static void put_register(const char *name, uint64_t value) {
  nl_bare_console_puts(" ");
  nl_bare_console_puts(name);
  nl_bare_console_puts("=");
  nl_bare_console_hex(value);
}

/// Called by isr.S on every CPU exception; never returns.
_Noreturn void nl_bare_exception(const NlBareFrame *f);

_Noreturn void nl_bare_exception(const NlBareFrame *f) {
  static volatile int depth;
  uint64_t cr2;
  __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
  // What the program printed before the fault is flushed first, so that the
  // report follows it. A fault during the flush (or the report) re-enters
  // here with depth > 1 and ends at once.
  if (++depth == 1)
    nl_flush();
  nl_bare_console_puts("<runtime>: fatal: CPU exception ");
  nl_bare_console_dec(f->vector);
  nl_bare_console_puts(" (");
  nl_bare_console_puts(f->vector < kNumVectors ? exception_names[f->vector]
                                               : "unknown");
  nl_bare_console_puts(")");
  if (depth > 1) {
    nl_bare_console_puts(" while reporting an exception\n");
    nl_bare_outl(NL_BARE_DEBUG_EXIT_PORT, NL_BARE_EXIT_FAULT);
    nl_bare_halt();
  }
  nl_bare_console_puts(" at rip=");
  nl_bare_console_hex(f->rip);
  nl_bare_console_puts(", error code ");
  nl_bare_console_hex(f->error);
  nl_bare_console_puts("\n");
  if (f->vector == 14) {
    nl_bare_console_puts("<runtime>: the faulting address is cr2=");
    nl_bare_console_hex(cr2);
    nl_bare_console_puts("\n");
    uint64_t guard = (uint64_t)__stack_guard;
    if (cr2 >= guard && cr2 < guard + 4096)
      nl_bare_console_puts("<runtime>: stack overflow: the address is in the "
                           "guard page below the stack\n");
    else if (cr2 < 4096)
      nl_bare_console_puts(
          "<runtime>: null pointer: the address is in page 0\n");
  }
  nl_bare_console_puts("<runtime>: registers:");
  put_register("rax", f->rax);
  put_register("rbx", f->rbx);
  put_register("rcx", f->rcx);
  put_register("rdx", f->rdx);
  nl_bare_console_puts("\n<runtime>:           ");
  put_register("rsi", f->rsi);
  put_register("rdi", f->rdi);
  put_register("rbp", f->rbp);
  put_register("rsp", f->rsp);
  nl_bare_console_puts("\n<runtime>:           ");
  put_register("r8 ", f->r8);
  put_register("r9 ", f->r9);
  put_register("r10", f->r10);
  put_register("r11", f->r11);
  nl_bare_console_puts("\n<runtime>:           ");
  put_register("r12", f->r12);
  put_register("r13", f->r13);
  put_register("r14", f->r14);
  put_register("r15", f->r15);
  nl_bare_console_puts("\n<runtime>:           ");
  put_register("rflags", f->rflags);
  put_register("cs", f->cs);
  put_register("ss", f->ss);
  nl_bare_console_puts("\n");
  nl_bare_outl(NL_BARE_DEBUG_EXIT_PORT, NL_BARE_EXIT_FAULT);
  nl_bare_halt();
}
