//===- format.h - Number to text conversion used by the runtime -----------===//
//
// The formatting functions behind nl_print_i64, nl_print_u64, nl_print_f64 and
// nl_print_f32, exposed (to the runtime and its tests, not to generated code)
// so that the exact text can be checked without capturing stdout. Each writes
// the text to a caller buffer without a terminating NUL and returns its length.
//
//===----------------------------------------------------------------------===//

#ifndef NL_CORE_FORMAT_H
#define NL_CORE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/// Longest text nl_format_i64 or nl_format_u64 can produce
/// ("-9223372036854775808", "18446744073709551615").
#define NL_FORMAT_INT_MAX_LEN 20

/// Longest text nl_format_f64 or nl_format_f32 can produce: sign, 17 digits,
/// point, and "e-308" ("-2.2250738585072014e-308").
#define NL_FORMAT_FLOAT_MAX_LEN 24

/// Writes \p v in decimal to \p buf (at least NL_FORMAT_INT_MAX_LEN bytes).
size_t nl_format_i64(char *buf, int64_t v);

/// Writes \p v in decimal to \p buf (at least NL_FORMAT_INT_MAX_LEN bytes).
size_t nl_format_u64(char *buf, uint64_t v);

/// Writes the shortest round-tripping decimal form of \p v to \p buf (at least
/// NL_FORMAT_FLOAT_MAX_LEN bytes), laid out as documented for nl_print_f64.
size_t nl_format_f64(char *buf, double v);

/// Like nl_format_f64 for a float: the digits are the shortest that read back
/// as exactly \p v in single precision.
size_t nl_format_f32(char *buf, float v);

#endif // NL_CORE_FORMAT_H
