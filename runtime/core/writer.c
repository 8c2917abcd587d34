//===- writer.c - Buffered output in front of the platform streams --------===//
//
// NlWriter collects small writes in a buffer and hands them to nl_plat_write
// in large chunks. stdout (print.c) keeps one for the whole run; panics use a
// short-lived one so that a message normally reaches stderr in a single write.
//
//===----------------------------------------------------------------------===//

#include "../platform.h"
#include "format.h"
#include "internal.h"

void nl_writer_flush(NlWriter *w) {
  if (w->len == 0)
    return;
  nl_plat_write(w->stream, w->buf, w->len);
  w->len = 0;
}

void nl_writer_put(NlWriter *w, const char *data, size_t n) {
  if (n > w->cap - w->len)
    nl_writer_flush(w);
  if (n >= w->cap) {
    // Copying would only split it into more writes.
    nl_plat_write(w->stream, data, n);
    return;
  }
  if (n == 0)
    return;
  __builtin_memcpy(w->buf + w->len, data, n);
  w->len += n;
}

void nl_writer_put_cstr(NlWriter *w, const char *s) {
  size_t n = 0;
  while (s[n])
    ++n;
  nl_writer_put(w, s, n);
}

void nl_writer_put_i64(NlWriter *w, int64_t v) {
  char text[NL_FORMAT_INT_MAX_LEN];
  nl_writer_put(w, text, nl_format_i64(text, v));
}
