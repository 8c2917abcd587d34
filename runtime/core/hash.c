//===- hash.c - The `hash` builtin ----------------------------------------===//
//
// FNV-1a (64 bits) over a range of bytes: what `hash(x)` computes
// (docs/LangRef.md, section 30). Integers are hashed over their
// little-endian bytes, `bool` as one byte, a `str` over its bytes. And
// `==` on `str`, the other operation a hash map key needs.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"

uint64_t nl_hash_bytes(const void *p, int64_t n) {
  const unsigned char *bytes = (const unsigned char *)p;
  uint64_t h = 0xcbf29ce484222325ull;
  for (int64_t i = 0; i < n; ++i) {
    h ^= bytes[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

int64_t nl_str_equal(const char *a, int64_t a_len, const char *b,
                     int64_t b_len) {
  if (a_len != b_len)
    return 0;
  for (int64_t i = 0; i < a_len; ++i)
    if (a[i] != b[i])
      return 0;
  return 1;
}
