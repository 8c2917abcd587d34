//===- alloc.c - Checked aligned allocation -------------------------------===//
//
// nl_alloc, nl_alloc_at, nl_free and nl_dealloc: validate the request, give
// zero-sized allocations a real (unique, freeable) pointer, and turn
// exhaustion into a runtime error, so that generated code never has to test
// for NULL. nl_alloc_at is what generated code calls for tensors and heap
// tile buffers: its errors carry the source location of the allocation. The
// memory itself comes from the platform.
//
// Scratch blocks (nl_scratch_take_at) are memory that generated code takes
// and gives back around one launch: the packed `dot` operands of
// tile-pack-dot-operands. A program that launches the same grid again and
// again would otherwise get fresh pages from the platform each time (glibc
// grows its heap for about ten launches before reusing freed blocks, and
// maps blocks from 4 MiB anew every time): every page written for the
// first time costs a fault and a clearing. The few most recent scratch
// blocks are kept instead and handed out again, for any request they are
// large enough for. (The hosted platform now also keeps recently freed
// blocks for a request of the same size, platform_hosted.c, which covers
// the same-size case of these too; the scratch slots remain for sizes that
// change between launches.)
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "../platform.h"
#include "format.h"
#include "internal.h"

/// Whether \p align is a power of two.
static bool valid_alignment(int64_t align) {
  return align >= 1 && (align & (align - 1)) == 0;
}

/// The platform's memory for a validated request, or NULL.
static void *platform_alloc(int64_t size, int64_t align) {
#if SIZE_MAX < INT64_MAX
  // On 32-bit targets a request may not even be expressible.
  if ((uint64_t)size > SIZE_MAX || (uint64_t)align > SIZE_MAX)
    return NULL;
#endif
  return nl_plat_alloc(size == 0 ? 1 : (size_t)size, (size_t)align);
}

void *nl_alloc(int64_t size, int64_t align) {
  if (size < 0)
    nl_rt_fatal("invalid allocation size");
  if (!valid_alignment(align))
    nl_rt_fatal("invalid allocation alignment");
  void *p = platform_alloc(size, align);
  if (p == NULL)
    nl_rt_fatal("out of memory");
  return p;
}

/// Ends the program with "MSG N bytes)" reported at the given location.
static _Noreturn void alloc_error(const char *msg, size_t msg_len,
                                  int64_t size, const char *file,
                                  int64_t file_len, int64_t line,
                                  int64_t col) {
  char text[96];
  size_t n = 0;
  for (; n < msg_len; ++n)
    text[n] = msg[n];
  n += nl_format_u64(text + n, (uint64_t)size);
  static const char unit[] = " bytes)";
  for (size_t i = 0; i + 1 < sizeof unit; ++i)
    text[n++] = unit[i];
  nl_panic(text, (int64_t)n, file, file_len, line, col);
}

void *nl_alloc_at(int64_t size, int64_t align, const char *file,
                  int64_t file_len, int64_t line, int64_t col) {
  static const char overflow[] =
      "allocation size overflows (more than 2^63 - 1 bytes)";
  if (size < 0)
    nl_panic(overflow, sizeof overflow - 1, file, file_len, line, col);
  if (!valid_alignment(align))
    nl_rt_fatal("invalid allocation alignment");
  void *p = platform_alloc(size, align);
  if (p == NULL) {
    static const char oom[] = "out of memory (allocating ";
    alloc_error(oom, sizeof oom - 1, size, file, file_len, line, col);
  }
  return p;
}

void nl_free(void *p) {
  if (p != NULL)
    nl_plat_free(p);
}

enum {
  /// How many scratch blocks are kept.
  kScratchSlots = 4,
  /// Their alignment (the widest vector loads, cache lines).
  kScratchAlign = 64,
};

/// A kept scratch block: its memory and size; `busy` while taken. Generated
/// code takes and gives scratch blocks on the host's one thread (launch
/// sites), never in a kernel, so the slots need no lock.
typedef struct ScratchSlot {
  void *mem;
  int64_t size;
  bool busy;
} ScratchSlot;

static ScratchSlot scratch[kScratchSlots];

void *nl_scratch_take_at(int64_t size, const char *file, int64_t file_len,
                         int64_t line, int64_t col) {
  // The smallest idle block large enough; else an empty slot, or the
  // smallest idle block, freed, takes a new one of this size.
  ScratchSlot *fit = NULL, *spare = NULL;
  for (int i = 0; i < kScratchSlots; ++i) {
    ScratchSlot *s = &scratch[i];
    if (s->busy)
      continue;
    if (s->mem != NULL && s->size >= size && size >= 0 &&
        (fit == NULL || s->size < fit->size))
      fit = s;
    if (spare == NULL || s->mem == NULL ||
        (spare->mem != NULL && s->size < spare->size))
      spare = s;
  }
  if (fit != NULL) {
    fit->busy = true;
    return fit->mem;
  }
  void *p = nl_alloc_at(size, kScratchAlign, file, file_len, line, col);
  if (spare != NULL) {
    nl_free(spare->mem);
    *spare = (ScratchSlot){p, size, true};
  }
  return p;
}

/// Whether \p p is a kept scratch block; if so it becomes idle again.
static bool give_scratch(void *p) {
  for (int i = 0; i < kScratchSlots; ++i)
    if (scratch[i].mem == p && p != NULL) {
      scratch[i].busy = false;
      return true;
    }
  return false;
}

void nl_scratch_release(void) {
  for (int i = 0; i < kScratchSlots; ++i)
    if (!scratch[i].busy) {
      nl_free(scratch[i].mem);
      scratch[i] = (ScratchSlot){NULL, 0, false};
    }
}

bool (*nl_rt_free_device_memory)(void *p);
void (*nl_rt_before_exit)(void);

void nl_dealloc(void *p) {
  if (give_scratch(p))
    return;
  bool (*device)(void *) =
      __atomic_load_n(&nl_rt_free_device_memory, __ATOMIC_ACQUIRE);
  if (device && device(p))
    return;
  nl_free(p);
}
