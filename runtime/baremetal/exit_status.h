//===- exit_status.h - How a unikernel reports its exit status ------------===//
//
// The bare-metal runtime ends QEMU by writing a value V to the isa-debug-exit
// port (0xf4); QEMU then exits with status (V << 1) | 1. These are the values
// the runtime writes and, through NL_BARE_QEMU_STATUS, the statuses QEMU exits
// with, so that `nlc --run` (tools/nlc) can translate them back. Both C and
// C++ include this header; it defines only constants.
//
// QEMU itself exits with 1 when it cannot start and with 0 after a triple
// fault under -no-reboot, so neither 0 nor 1 may mean success: a program's
// status S in [0, NL_BARE_MAX_STATUS] is written as S + 1 (QEMU status
// 2 * S + 3), and the remaining values are reserved for the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef NL_BARE_EXIT_STATUS_H
#define NL_BARE_EXIT_STATUS_H

/// I/O port of QEMU's isa-debug-exit device (iobase=0xf4, iosize=0x04).
#define NL_BARE_DEBUG_EXIT_PORT 0xf4

/// The largest program exit status the unikernel can report. Larger or
/// negative statuses end the program with a runtime error instead.
#define NL_BARE_MAX_STATUS 123

/// Value written for program status S (0 <= S <= NL_BARE_MAX_STATUS).
#define NL_BARE_EXIT_VALUE(S) ((S) + 1)

/// Value written after a CPU exception was reported on the console.
#define NL_BARE_EXIT_FAULT 126

/// Value written when the image cannot start the program (wrong boot
/// protocol, CPU without the x86-64-v3 features the code was built for).
#define NL_BARE_EXIT_BOOT_FAILURE 127

/// QEMU's exit status after the runtime wrote \p V to the debug-exit port.
#define NL_BARE_QEMU_STATUS(V) ((((V) << 1) | 1) & 0xff)

#endif // NL_BARE_EXIT_STATUS_H
