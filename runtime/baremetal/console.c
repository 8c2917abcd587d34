//===- console.c - The console: COM1 serial port and VGA text mode --------===//
//
// The unikernel's output devices: the first serial port (which QEMU's
// `-serial stdio` forwards to its standard output) and the VGA text screen
// (80x25, scrolling). Everything the runtime writes goes to both; the
// serial port carries the bytes unchanged (no "\r\n" translation), so the
// output of a program is byte-for-byte what it prints on a hosted system.
//
//===----------------------------------------------------------------------===//

#include "../core/format.h"
#include "bare.h"

//===----------------------------------------------------------------------===//
// Serial
//===----------------------------------------------------------------------===//

enum {
  kCom1 = 0x3f8,
  kLineStatus = kCom1 + 5,
  kTransmitEmpty = 0x20,
};

void nl_bare_serial_init(void) {
  nl_bare_outb(kCom1 + 1, 0x00); // no interrupts
  nl_bare_outb(kCom1 + 3, 0x80); // divisor latch access
  nl_bare_outb(kCom1 + 0, 0x01); // divisor 1: 115200 baud
  nl_bare_outb(kCom1 + 1, 0x00);
  nl_bare_outb(kCom1 + 3, 0x03); // 8 data bits, no parity, 1 stop bit
  nl_bare_outb(kCom1 + 2, 0xc7); // FIFOs on and cleared
  nl_bare_outb(kCom1 + 4, 0x03); // DTR, RTS
}

void nl_bare_serial_write(const char *buf, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    while ((nl_bare_inb(kLineStatus) & kTransmitEmpty) == 0)
      ;
    nl_bare_outb(kCom1, (uint8_t)buf[i]);
  }
}

//===----------------------------------------------------------------------===//
// VGA text mode
//===----------------------------------------------------------------------===//

enum { kColumns = 80, kRows = 25, kAttribute = 0x07 };

static volatile uint16_t *const vga = (volatile uint16_t *)0xb8000;
static bool vga_present;
static unsigned row, column;

static uint16_t cell(char c) {
  return (uint16_t)(kAttribute << 8 | (uint8_t)c);
}

void nl_bare_vga_init(void) {
  // Without a VGA adapter the text buffer does not keep what is written.
  vga[0] = cell('A');
  bool first = vga[0] == cell('A');
  vga[0] = cell('B');
  vga_present = first && vga[0] == cell('B');
  if (!vga_present)
    return;
  for (unsigned i = 0; i < kColumns * kRows; ++i)
    vga[i] = cell(' ');
  row = column = 0;
}

static void vga_newline(void) {
  column = 0;
  if (++row < kRows)
    return;
  for (unsigned i = 0; i < kColumns * (kRows - 1); ++i)
    vga[i] = vga[i + kColumns];
  for (unsigned i = 0; i < kColumns; ++i)
    vga[kColumns * (kRows - 1) + i] = cell(' ');
  row = kRows - 1;
}

void nl_bare_vga_write(const char *buf, size_t len) {
  if (!vga_present)
    return;
  for (size_t i = 0; i < len; ++i) {
    char c = buf[i];
    if (c == '\n') {
      vga_newline();
      continue;
    }
    if (c == '\r') {
      column = 0;
      continue;
    }
    vga[row * kColumns + column] = cell(c);
    if (++column == kColumns)
      vga_newline();
  }
}

//===----------------------------------------------------------------------===//
// Both
//===----------------------------------------------------------------------===//

void nl_bare_console_write(const char *buf, size_t len) {
  nl_bare_serial_write(buf, len);
  nl_bare_vga_write(buf, len);
}

void nl_bare_console_puts(const char *s) {
  size_t len = 0;
  while (s[len] != '\0')
    ++len;
  nl_bare_console_write(s, len);
}

void nl_bare_console_hex(uint64_t v) {
  char text[18] = {'0', 'x'};
  for (int i = 0; i < 16; ++i)
    text[17 - i] = "0123456789abcdef"[(v >> (4 * i)) & 0xf];
  nl_bare_console_write(text, sizeof text);
}

void nl_bare_console_dec(uint64_t v) {
  char text[NL_FORMAT_INT_MAX_LEN];
  nl_bare_console_write(text, nl_format_u64(text, v));
}
