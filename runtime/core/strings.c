//===- strings.c - Owned strings and string operations --------------------===//
//
// The run-time half of `String` and of the operations on `str` and `String`
// (docs/LangRef.md, section 15). A `String` is an NlString: a heap buffer of
// `cap` bytes from nl_alloc (NULL when `cap` is 0) of which the first `len`
// hold the text. Generated code keeps the three fields in its own storage and
// passes their address to the functions that grow a string; everything else
// takes (pointer, length) pairs, so `str` and `String` share them. Like the
// rest of runtime/core this uses no libc: it runs hosted and on bare metal.
// Decimal to double (nl_string_parse_f64) is exact: it compares the decimal
// with candidate doubles in big-integer arithmetic (bigint.h).
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"

#include "bigint.h"
#include "format.h"

static void copy_bytes(char *dst, const char *src, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = src[i];
}

/// Makes room for \p extra more bytes, at least doubling the capacity.
/// Returns the old buffer when the text moved, for the caller to free once
/// it has copied what it appends (which may come from that buffer).
static char *reserve(NlString *s, int64_t extra) {
  if (s->cap - s->len >= extra)
    return NULL;
  int64_t need = s->len + extra;
  int64_t cap = s->cap < 8 ? 16 : s->cap;
  while (cap < need)
    cap = cap > INT64_MAX / 2 ? need : cap * 2;
  char *p = (char *)nl_alloc(cap, 1);
  copy_bytes(p, s->ptr, s->len);
  char *old = s->ptr;
  s->ptr = p;
  s->cap = cap;
  return old;
}

void nl_string_push(NlString *s, const char *p, int64_t n) {
  if (n <= 0)
    return;
  char *old = reserve(s, n);
  copy_bytes(s->ptr + s->len, p, n);
  s->len += n;
  nl_free(old);
}

void nl_string_push_byte(NlString *s, int64_t b) {
  char c = (char)(uint8_t)b;
  nl_string_push(s, &c, 1);
}

void nl_string_push_char(NlString *s, int64_t c) {
  char buf[4];
  int64_t n;
  if (c < 0x80) {
    buf[0] = (char)c;
    n = 1;
  } else if (c < 0x800) {
    buf[0] = (char)(0xC0 | (c >> 6));
    buf[1] = (char)(0x80 | (c & 0x3F));
    n = 2;
  } else if (c < 0x10000) {
    buf[0] = (char)(0xE0 | (c >> 12));
    buf[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (c & 0x3F));
    n = 3;
  } else {
    buf[0] = (char)(0xF0 | (c >> 18));
    buf[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (c & 0x3F));
    n = 4;
  }
  nl_string_push(s, buf, n);
}

void nl_string_push_i64(NlString *s, int64_t v) {
  char buf[NL_FORMAT_INT_MAX_LEN];
  nl_string_push(s, buf, (int64_t)nl_format_i64(buf, v));
}

void nl_string_push_u64(NlString *s, uint64_t v) {
  char buf[NL_FORMAT_INT_MAX_LEN];
  nl_string_push(s, buf, (int64_t)nl_format_u64(buf, v));
}

void nl_string_push_f64(NlString *s, double v) {
  char buf[NL_FORMAT_FLOAT_MAX_LEN];
  nl_string_push(s, buf, (int64_t)nl_format_f64(buf, v));
}

void nl_string_push_f32(NlString *s, float v) {
  char buf[NL_FORMAT_FLOAT_MAX_LEN];
  nl_string_push(s, buf, (int64_t)nl_format_f32(buf, v));
}

void nl_string_push_bool(NlString *s, int32_t v) {
  if (v)
    nl_string_push(s, "true", 4);
  else
    nl_string_push(s, "false", 5);
}

void nl_string_free(char *ptr) { nl_free(ptr); }

int64_t nl_string_compare(const char *a, int64_t an, const char *b,
                          int64_t bn) {
  int64_t n = an < bn ? an : bn;
  for (int64_t i = 0; i < n; ++i) {
    uint8_t x = (uint8_t)a[i], y = (uint8_t)b[i];
    if (x != y)
      return x < y ? -1 : 1;
  }
  return an < bn ? -1 : an > bn ? 1 : 0;
}

static bool same_bytes(const char *a, const char *b, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (a[i] != b[i])
      return false;
  return true;
}

int64_t nl_string_starts_with(const char *s, int64_t n, const char *p,
                              int64_t pn) {
  return pn <= n && same_bytes(s, p, pn);
}

int64_t nl_string_ends_with(const char *s, int64_t n, const char *p,
                            int64_t pn) {
  return pn <= n && same_bytes(s + n - pn, p, pn);
}

int64_t nl_string_find(const char *s, int64_t n, const char *p, int64_t pn,
                       int64_t start) {
  for (int64_t i = start; i + pn <= n; ++i)
    if (same_bytes(s + i, p, pn))
      return i;
  return -1;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

int64_t nl_string_trim_start(const char *s, int64_t n) {
  int64_t i = 0;
  while (i < n && is_space(s[i]))
    ++i;
  return i;
}

int64_t nl_string_trim_end(const char *s, int64_t n) {
  while (n > 0 && is_space(s[n - 1]))
    --n;
  return n;
}

//===----------------------------------------------------------------------===//
// UTF-8
//===----------------------------------------------------------------------===//

/// Decodes the sequence at byte \p i (0 <= i < n): its code point, and its
/// length in *len. An invalid or truncated sequence, an overlong form, a
/// surrogate or a value above U+10FFFF is U+FFFD of length 1.
static uint32_t decode(const char *s, int64_t n, int64_t i, int64_t *len) {
  uint8_t b = (uint8_t)s[i];
  *len = 1;
  if (b < 0x80)
    return b;
  int64_t k;
  uint32_t c, min;
  if ((b & 0xE0) == 0xC0) {
    k = 2, c = b & 0x1F, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    k = 3, c = b & 0x0F, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    k = 4, c = b & 0x07, min = 0x10000;
  } else {
    return 0xFFFD;
  }
  if (i + k > n)
    return 0xFFFD;
  for (int64_t j = 1; j < k; ++j) {
    uint8_t t = (uint8_t)s[i + j];
    if ((t & 0xC0) != 0x80)
      return 0xFFFD;
    c = (c << 6) | (t & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0xFFFD;
  *len = k;
  return c;
}

int64_t nl_string_char_at(const char *s, int64_t n, int64_t i) {
  int64_t len;
  return decode(s, n, i, &len);
}

int64_t nl_string_char_len_at(const char *s, int64_t n, int64_t i) {
  int64_t len;
  decode(s, n, i, &len);
  return len;
}

int64_t nl_string_char_count(const char *s, int64_t n) {
  int64_t count = 0;
  for (int64_t i = 0, len; i < n; i += len, ++count)
    decode(s, n, i, &len);
  return count;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

enum { PARSE_OK, PARSE_EMPTY, PARSE_INVALID, PARSE_OVERFLOW };

int32_t nl_string_parse_i64(const char *s, int64_t n, int64_t *out) {
  if (n <= 0)
    return PARSE_EMPTY;
  int64_t i = 0;
  bool neg = s[0] == '-';
  if (s[0] == '-' || s[0] == '+')
    ++i;
  if (i == n)
    return PARSE_INVALID;
  // Accumulate the magnitude as unsigned; the limit is 2^63 for negatives.
  uint64_t limit = neg ? (uint64_t)1 << 63 : INT64_MAX;
  uint64_t v = 0;
  bool overflow = false;
  for (; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return PARSE_INVALID;
    uint64_t d = (uint64_t)(s[i] - '0');
    if (v > (limit - d) / 10)
      overflow = true;
    else
      v = v * 10 + d;
  }
  if (overflow)
    return PARSE_OVERFLOW;
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return PARSE_OK;
}

/// Significant decimal digits kept exactly; beyond them a nonzero tail
/// counts as one more nonzero digit (see nl_string_parse_f64).
#define MAX_SIG_DIGITS 40

/// The decimal digits * 10^exp10 being converted.
typedef struct {
  NlBigInt digits;
  int32_t exp10;
} Decimal;

/// Sign of (digits * 10^exp10) - (m * 2^e2), exactly.
static int compare(const Decimal *d, uint64_t m, int32_t e2) {
  NlBigInt a = d->digits, b;
  nl_big_set_u64(&b, m);
  if (d->exp10 >= 0)
    nl_big_mul_pow5(&a, (uint32_t)d->exp10);
  else
    nl_big_mul_pow5(&b, (uint32_t)-d->exp10);
  // The powers of two: a * 2^exp10 against b * 2^e2.
  int32_t shift = d->exp10 - e2;
  if (shift >= 0)
    nl_big_shl(&a, (uint32_t)shift);
  else
    nl_big_shl(&b, (uint32_t)-shift);
  return nl_big_cmp(&a, &b);
}

/// Appends one decimal digit to \p a.
static void push_digit(NlBigInt *a, uint32_t digit) {
  nl_big_mul_u32(a, 10);
  uint64_t carry = digit;
  for (uint32_t i = 0; carry != 0; ++i) {
    if (i == a->len)
      a->limbs[a->len++] = 0;
    uint64_t t = (uint64_t)a->limbs[i] + carry;
    a->limbs[i] = (uint32_t)t;
    carry = t >> 32;
  }
}

/// The double nearest to the positive decimal \p d (ties to even), or
/// +infinity when it rounds above the largest double. \p digitCount is its
/// number of significant digits, \p top its decimal magnitude: 10^(top-1)
/// <= d < 10^top.
static double nearest(const Decimal *d, int32_t top) {
  if (top < -324)
    return 0.0;
  if (top > 310)
    return __builtin_inf();
  // floor(log2(d)) is within one of (top - 1) * log2(10); find it exactly:
  // the largest k with 2^k <= d.
  int32_t k = (int32_t)(((int64_t)(top - 1) * 108853) >> 15) - 2;
  while (compare(d, 1, k + 1) >= 0)
    ++k;
  // The unit of the last mantissa bit: 53 bits, or fewer for subnormals.
  int32_t e2 = k - 52 < -1074 ? -1074 : k - 52;
  // The largest m with m * 2^e2 <= d, bit by bit (m < 2^53).
  uint64_t m = 0;
  for (int bit = 53; bit-- > 0;)
    if (compare(d, m | (uint64_t)1 << bit, e2) >= 0)
      m |= (uint64_t)1 << bit;
  // Round to nearest, ties to even: compare with the midpoint (2m+1)/2.
  int c = compare(d, 2 * m + 1, e2 - 1);
  if (c > 0 || (c == 0 && (m & 1)))
    ++m;
  if (m == (uint64_t)1 << 53) {
    m >>= 1;
    ++e2;
  }
  if (e2 > 971)
    return __builtin_inf();
  // m * 2^e2 exactly: m < 2^53 converts exactly, then scale by powers of 2.
  double v = (double)m;
  for (; e2 > 0; --e2)
    v *= 2.0;
  // Scaling down in two steps keeps subnormal results exact (the mantissa
  // already has the right number of bits).
  for (; e2 < 0; ++e2)
    v *= 0.5;
  return v;
}

int32_t nl_string_parse_f64(const char *s, int64_t n, double *out) {
  if (n <= 0)
    return PARSE_EMPTY;
  int64_t i = 0;
  bool neg = s[0] == '-';
  if (s[0] == '-' || s[0] == '+')
    ++i;
  // The spellings print uses for the special values.
  int64_t rest = n - i;
  if (rest == 3 && s[i] == 'i' && s[i + 1] == 'n' && s[i + 2] == 'f') {
    *out = neg ? -__builtin_inf() : __builtin_inf();
    return PARSE_OK;
  }
  if (rest == 3 && s[i] == 'n' && s[i + 1] == 'a' && s[i + 2] == 'n') {
    *out = __builtin_nan("");
    return PARSE_OK;
  }
  Decimal d;
  nl_big_set_u64(&d.digits, 0);
  int32_t sig = 0, dropped = 0, exp10 = 0;
  bool sticky = false, seenDigit = false, seenPoint = false;
  for (; i < n; ++i) {
    char c = s[i];
    if (c == '.' && !seenPoint) {
      seenPoint = true;
      continue;
    }
    if (c < '0' || c > '9')
      break;
    seenDigit = true;
    if (sig == 0 && c == '0') {
      exp10 -= seenPoint; // Leading zeros: only the point's position.
      continue;
    }
    if (sig < MAX_SIG_DIGITS) {
      push_digit(&d.digits, (uint32_t)(c - '0'));
      ++sig;
      exp10 -= seenPoint;
    } else {
      sticky |= c != '0';
      dropped += !seenPoint;
    }
  }
  if (!seenDigit)
    return PARSE_INVALID;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = i < n && s[i] == '-';
    if (i < n && (s[i] == '-' || s[i] == '+'))
      ++i;
    if (i == n)
      return PARSE_INVALID;
    int32_t e = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i)
      if (e < 100000)
        e = e * 10 + (s[i] - '0');
    exp10 += eneg ? -e : e;
  }
  if (i != n)
    return PARSE_INVALID;
  double v = 0.0;
  if (sig > 0) {
    exp10 += dropped;
    if (sticky) {
      // A nonzero tail past the kept digits: one more digit 1 (documented).
      push_digit(&d.digits, 1);
      --exp10;
      ++sig;
    }
    d.exp10 = exp10;
    v = nearest(&d, exp10 + sig);
    if (v == __builtin_inf())
      return PARSE_OVERFLOW;
  }
  *out = neg ? -v : v;
  return PARSE_OK;
}
