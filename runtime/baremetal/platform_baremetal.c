//===- platform_baremetal.c - The runtime platform layer for the unikernel ===//
//
// Implements platform.h on bare x86-64 under QEMU: both output streams go to
// the console (COM1 and VGA), exit writes the status to QEMU's isa-debug-exit
// port, memory comes from the arena (arena.c), files from the boot module
// (files_baremetal.c) and the clock is the TSC,
// calibrated against the PIT the first time it is read.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"
#include "bare.h"
#include "exit_status.h"

void nl_plat_write(int stream, const char *buf, size_t len) {
  (void)stream;
  nl_bare_console_write(buf, len);
}

_Noreturn void nl_plat_exit(int status) {
  if (status < 0 || status > NL_BARE_MAX_STATUS) {
    // Only 7 bits reach the host through isa-debug-exit, some reserved.
    nl_bare_console_puts("<runtime>: runtime error: exit status ");
    if (status < 0)
      nl_bare_console_puts("-");
    nl_bare_console_dec(status < 0 ? -(uint64_t)status : (uint64_t)status);
    nl_bare_console_puts(" is outside 0 to 123, the statuses a unikernel "
                         "can report\n");
    status = NL_PANIC_STATUS;
  }
  if (nl_bare_memstats)
    nl_bare_report_memory();
  nl_bare_outl(NL_BARE_DEBUG_EXIT_PORT, NL_BARE_EXIT_VALUE(status));
  // Still running: QEMU has no isa-debug-exit device.
  nl_bare_console_puts("<runtime>: exit status ");
  nl_bare_console_dec((uint64_t)status);
  nl_bare_console_puts(" (no isa-debug-exit device: halting)\n");
  nl_bare_halt();
}

void nl_plat_wait_forever(void) { nl_bare_halt(); }

void *nl_plat_alloc(size_t size, size_t align) {
  return nl_bare_arena_alloc(size, align);
}

void nl_plat_free(void *p) {
  // A mapped file is memory of the boot module, not of the arena.
  if (!nl_bare_files_contains(p))
    nl_bare_arena_free(p);
}

//===----------------------------------------------------------------------===//
// Clock
//===----------------------------------------------------------------------===//

enum {
  kPitHz = 1193182,
  kPitChannel2 = 0x42,
  kPitCommand = 0x43,
  kPitGate = 0x61,
  kCalibrationMs = 10,
};

static uint64_t tsc_origin;
/// Nanoseconds per TSC tick, as a 32.32 fixed-point number.
static uint64_t ns_per_tick;

/// Counts TSC ticks during kCalibrationMs of PIT channel 2 (mode 0, one
/// shot, polled through the gate port).
static void calibrate(void) {
  uint16_t count = kPitHz * kCalibrationMs / 1000;
  uint8_t gate = nl_bare_inb(kPitGate);
  nl_bare_outb(kPitGate, (uint8_t)((gate & ~0x02) | 0x01)); // speaker off
  nl_bare_outb(kPitCommand, 0xb0); // channel 2, low then high byte, mode 0
  nl_bare_outb(kPitChannel2, (uint8_t)count);
  nl_bare_outb(kPitChannel2, (uint8_t)(count >> 8));
  uint64_t start = nl_bare_rdtsc();
  while ((nl_bare_inb(kPitGate) & 0x20) == 0)
    ;
  uint64_t ticks = nl_bare_rdtsc() - start;
  nl_bare_outb(kPitGate, gate);
  if (ticks == 0)
    ticks = 1;
  ns_per_tick = ((uint64_t)kCalibrationMs * 1000000u << 32) / ticks;
  tsc_origin = start;
}

uint64_t nl_plat_clock_ns(void) {
  if (ns_per_tick == 0)
    calibrate();
  uint64_t ticks = nl_bare_rdtsc() - tsc_origin;
  return (uint64_t)(((unsigned __int128)ticks * ns_per_tick) >> 32);
}
