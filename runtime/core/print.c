//===- print.c - The print functions of the runtime ABI -------------------===//
//
// Implements nl_print_* and nl_flush on top of one 4 KiB stdout buffer. The
// buffer is flushed when full, by nl_flush, before panic output (panic.c) and
// at exit (nl_exit and the hosted main), never on a line feed: output stays
// cheap when it goes to a pipe or a serial console.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"
#include "format.h"
#include "internal.h"

static char stdout_storage[4096];

static NlWriter stdout_writer = {
    .buf = stdout_storage,
    .cap = sizeof stdout_storage,
    .len = 0,
    .stream = NL_PLAT_STDOUT,
};

void nl_print_str(const char *s, int64_t len) {
  if (len > 0)
    nl_writer_put(&stdout_writer, s, (size_t)len);
}

void nl_print_i64(int64_t v) { nl_writer_put_i64(&stdout_writer, v); }

void nl_print_u64(uint64_t v) {
  char text[NL_FORMAT_INT_MAX_LEN];
  nl_writer_put(&stdout_writer, text, nl_format_u64(text, v));
}

void nl_print_f64(double v) {
  char text[NL_FORMAT_FLOAT_MAX_LEN];
  nl_writer_put(&stdout_writer, text, nl_format_f64(text, v));
}

void nl_print_f32(float v) {
  char text[NL_FORMAT_FLOAT_MAX_LEN];
  nl_writer_put(&stdout_writer, text, nl_format_f32(text, v));
}

void nl_print_bool(bool v) {
  if (v)
    nl_writer_put(&stdout_writer, "true", 4);
  else
    nl_writer_put(&stdout_writer, "false", 5);
}

void nl_print_newline(void) { nl_writer_put(&stdout_writer, "\n", 1); }

void nl_flush(void) { nl_writer_flush(&stdout_writer); }
