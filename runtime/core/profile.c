//===- profile.c - The table of `nlc --profile` ---------------------------===//
//
// Programs built with --profile count, per function, the calls that returned
// and the cycles they took, in NlProfileEntry records that a module
// constructor registers here. When the program ends, nl_profile_report sorts
// them (most total cycles first, then by name) and prints them to stderr: a
// header line, then one line per function, each starting with "profile: ".
// The name column is 30 bytes wide (longer names push the numbers right);
// calls, avg cycles and total cycles are right-aligned in 12, 14 and 16
// columns; avg cycles is total / calls rounded down (0 for functions never
// returned from). docs/BareMetal.md shows an example.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"
#include "format.h"
#include "internal.h"

static NlProfileEntry *entries;
static bool reported;

void nl_profile_register(NlProfileEntry *entry) {
  for (NlProfileEntry *e = entries; e != NULL; e = e->next)
    if (e == entry)
      return;
  entry->next = entries;
  entries = entry;
}

/// Whether \p a is listed before \p b.
static bool comes_first(const NlProfileEntry *a, const NlProfileEntry *b) {
  if (a->cycles != b->cycles)
    return a->cycles > b->cycles;
  int64_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
  for (int64_t i = 0; i < n; ++i)
    if (a->name[i] != b->name[i])
      return (unsigned char)a->name[i] < (unsigned char)b->name[i];
  return a->name_len < b->name_len;
}

static void put_padding(NlWriter *w, size_t n) {
  static const char spaces[] = "                                ";
  while (n > 0) {
    size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
    nl_writer_put(w, spaces, k);
    n -= k;
  }
}

/// Writes \p text left-aligned in \p width columns, or followed by one space
/// when it is wider.
static void put_left(NlWriter *w, const char *text, size_t len, size_t width) {
  nl_writer_put(w, text, len);
  put_padding(w, len < width ? width - len : 1);
}

/// Writes \p text right-aligned in \p width columns (at least one space
/// before it).
static void put_right(NlWriter *w, const char *text, size_t len, size_t width) {
  put_padding(w, len < width ? width - len : 1);
  nl_writer_put(w, text, len);
}

static void put_number(NlWriter *w, uint64_t v, size_t width) {
  char text[NL_FORMAT_INT_MAX_LEN];
  put_right(w, text, nl_format_u64(text, v), width);
}

enum { kNameWidth = 30, kCallsWidth = 12, kAvgWidth = 14, kTotalWidth = 16 };

void nl_profile_report(void) {
  if (entries == NULL || reported)
    return;
  reported = true;
  // Insertion sort into a new list: programs have few functions.
  NlProfileEntry *sorted = NULL;
  while (entries != NULL) {
    NlProfileEntry *e = entries;
    entries = e->next;
    NlProfileEntry **at = &sorted;
    while (*at != NULL && comes_first(*at, e))
      at = &(*at)->next;
    e->next = *at;
    *at = e;
  }
  entries = sorted;

  char storage[1024];
  NlWriter err = {storage, sizeof storage, 0, NL_PLAT_STDERR};
  static const char prefix[] = "profile: ";
  nl_writer_put(&err, prefix, sizeof prefix - 1);
  put_left(&err, "function", 8, kNameWidth);
  put_right(&err, "calls", 5, kCallsWidth);
  put_right(&err, "avg cycles", 10, kAvgWidth);
  put_right(&err, "total cycles", 12, kTotalWidth);
  nl_writer_put(&err, "\n", 1);
  for (NlProfileEntry *e = sorted; e != NULL; e = e->next) {
    nl_writer_put(&err, prefix, sizeof prefix - 1);
    put_left(&err, e->name, e->name_len > 0 ? (size_t)e->name_len : 0,
             kNameWidth);
    put_number(&err, e->calls, kCallsWidth);
    put_number(&err, e->calls ? e->cycles / e->calls : 0, kAvgWidth);
    put_number(&err, e->cycles, kTotalWidth);
    nl_writer_put(&err, "\n", 1);
  }
  nl_writer_flush(&err);
}
