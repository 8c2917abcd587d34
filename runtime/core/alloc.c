//===- alloc.c - Checked aligned allocation -------------------------------===//
//
// nl_alloc and nl_free: validate the request, give zero-sized allocations a
// real (unique, freeable) pointer, and turn exhaustion into a runtime error,
// so that generated code never has to test for NULL. The memory itself comes
// from the platform.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"
#include "internal.h"

void *nl_alloc(int64_t size, int64_t align) {
  if (size < 0)
    nl_rt_fatal("invalid allocation size");
  if (align < 1 || (align & (align - 1)) != 0)
    nl_rt_fatal("invalid allocation alignment");
#if SIZE_MAX < INT64_MAX
  // On 32-bit targets a request may not even be expressible.
  if ((uint64_t)size > SIZE_MAX || (uint64_t)align > SIZE_MAX)
    nl_rt_fatal("out of memory");
#endif
  void *p = nl_plat_alloc(size == 0 ? 1 : (size_t)size, (size_t)align);
  if (p == NULL)
    nl_rt_fatal("out of memory");
  return p;
}

void nl_free(void *p) {
  if (p != NULL)
    nl_plat_free(p);
}
