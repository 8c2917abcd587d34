//===- bare.h - Internals of the bare-metal platform layer ----------------===//
//
// Declarations shared by the files of runtime/baremetal: port I/O and rdtsc as
// inline functions (cpuid is used by the boot stub, boot.S), the console
// drivers (COM1 serial and VGA text), the CPU tables (GDT/TSS/IDT), guard
// pages, the arena allocator and the symbols the linker script (nlrt_bare.ld)
// defines. Nothing here is part of the runtime's public ABI: generated code
// sees only nl_runtime.h.
//
//===----------------------------------------------------------------------===//

#ifndef NL_BARE_BARE_H
#define NL_BARE_BARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//===----------------------------------------------------------------------===//
// CPU instructions
//===----------------------------------------------------------------------===//

static inline void nl_bare_outb(uint16_t port, uint8_t v) {
  __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void nl_bare_outl(uint16_t port, uint32_t v) {
  __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t nl_bare_inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

/// The time-stamp counter. Under QEMU's TCG it follows the host's TSC.
static inline uint64_t nl_bare_rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

/// Stops the CPU for good (interrupts stay disabled).
static inline _Noreturn void nl_bare_halt(void) {
  for (;;)
    __asm__ volatile("cli; hlt");
}

//===----------------------------------------------------------------------===//
// Console (serial.c, vga.c)
//===----------------------------------------------------------------------===//

/// Programs COM1 for 115200 baud, 8N1, FIFOs on.
void nl_bare_serial_init(void);
void nl_bare_serial_write(const char *buf, size_t len);

/// Clears the VGA text screen if a VGA adapter is present; without one (QEMU
/// with -nodefaults) VGA output is switched off.
void nl_bare_vga_init(void);
void nl_bare_vga_write(const char *buf, size_t len);

/// Writes to every console (serial and VGA), unbuffered.
void nl_bare_console_write(const char *buf, size_t len);
/// Writes a NUL-terminated string to every console.
void nl_bare_console_puts(const char *s);
/// Writes \p v as "0x" and 16 hexadecimal digits.
void nl_bare_console_hex(uint64_t v);
/// Writes \p v in decimal.
void nl_bare_console_dec(uint64_t v);

//===----------------------------------------------------------------------===//
// CPU tables and memory (interrupts.c, paging.c, arena.c)
//===----------------------------------------------------------------------===//

/// Loads the TSS (with a separate stack for exceptions) and the IDT whose
/// handlers report every CPU exception on the console.
void nl_bare_interrupts_init(void);

/// Makes the 4 KiB page at \p addr (below 4 GiB) inaccessible, so that any
/// access faults. Returns false when no page table is left to split the
/// 2 MiB page that holds it.
bool nl_bare_unmap_page(uint64_t addr);

/// Hands the memory [\p begin, \p end) to the arena allocator.
void nl_bare_arena_init(uintptr_t begin, uintptr_t end);
void *nl_bare_arena_alloc(size_t size, size_t align);
void nl_bare_arena_free(void *p);
/// The most memory the arena ever had in use, headers and padding included.
size_t nl_bare_arena_peak(void);
/// The size of the memory given to nl_bare_arena_init.
size_t nl_bare_arena_capacity(void);

/// Makes the file archive of \p size bytes at \p addr (the boot module)
/// the program's files (files_baremetal.c); a bad archive is reported and
/// ignored.
void nl_bare_files_init(uintptr_t addr, uint64_t size);
/// Whether \p p points into the file archive (memory nl_plat_free keeps).
bool nl_bare_files_contains(const void *p);
/// Adds the environment variable assignment `NAME=VALUE` (kept, not copied).
void nl_bare_setenv(const char *assignment);

/// Set when the boot command line asks for a memory report at exit
/// (`nl.memstats`); see start.c.
extern bool nl_bare_memstats;

/// Writes the memory report: image, stack and arena use.
void nl_bare_report_memory(void);

//===----------------------------------------------------------------------===//
// Linker script symbols (nlrt_bare.ld). Only their addresses matter.
//===----------------------------------------------------------------------===//

extern char __image_start[], __image_end[];
extern char __bss_start[], __bss_end[];
extern char __stack_guard[], __stack_bottom[], __stack_top[];

#endif // NL_BARE_BARE_H
