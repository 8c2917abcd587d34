//===- hash.c - The `hash` builtin ----------------------------------------===//
//
// FNV-1a (64 bits) over a range of bytes: what `hash(x)` computes
// (docs/LangRef.md, section 30). Integers are hashed over their
// little-endian bytes, `bool` as one byte, a `str` or `String` over its
// bytes (also `s.hash()`, section 15).
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
