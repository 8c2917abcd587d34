//===- vec.c - The memory of `Vec<T>` -------------------------------------===//
//
// nl_vec_grow, nl_vec_move and nl_vec_free: what generated code calls for the buffers of
// a `Vec<T>` (docs/LangRef.md, section 30; one buffer per leaf of T). The
// memory comes from nl_alloc, so the same code runs hosted and bare metal.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"

void *nl_vec_grow(void *old, int64_t old_bytes, int64_t new_bytes) {
  // A buffer is 16-byte aligned: enough for every scalar leaf.
  void *p = nl_alloc(new_bytes, 16);
  if (old != NULL) {
    __builtin_memcpy(p, old, (size_t)old_bytes);
    nl_free(old);
  }
  return p;
}

void nl_vec_free(void *buffer) { nl_free(buffer); }

void nl_vec_move(void *buffer, int64_t to, int64_t from, int64_t bytes) {
  if (bytes > 0)
    __builtin_memmove((char *)buffer + to, (char *)buffer + from,
                      (size_t)bytes);
}
