//===- arena.c - The unikernel's memory allocator -------------------------===//
//
// One arena over the RAM above the image (found in the PVH memory map). New
// memory comes from the top of the arena, so large and highly aligned
// regions for tensors cost nothing but their padding. Every block owns a
// span [start, end) of the arena: a header right below the block, the block
// and any padding. Freed spans go to a free list kept in address order and
// merged with free neighbours, and the span next to the top is given back to
// the top. Allocation takes the first free span that can hold the block
// (splitting off what it does not need) before it grows the top, so memory
// is reused whatever the order in which it is freed. The unikernel runs one
// thread: nothing here takes a lock.
//
//===----------------------------------------------------------------------===//

#include "bare.h"

/// Precedes every block; sized so that 16-byte alignment costs no padding.
typedef struct Header {
  uintptr_t start; ///< The first byte of the block's span.
  uintptr_t end;   ///< One past the last byte of the span.
  uint64_t magic;  ///< kLiveMagic while the block is allocated.
  uint64_t reserved;
} Header;

/// A free span, stored in its own first bytes.
typedef struct FreeSpan {
  struct FreeSpan *next; ///< The next free span at a higher address.
  uintptr_t end;         ///< One past the span's last byte.
} FreeSpan;

enum {
  kGranule = 16,
  /// Leftovers smaller than this stay in the block that they pad.
  kMinSpan = 64,
};
static const uint64_t kLiveMagic = 0x6b636f6c42656e4cull;

static uintptr_t arena_begin, arena_end, arena_top, arena_peak;
/// Free spans below the top, in address order, none adjacent to another.
static FreeSpan *free_spans;

void nl_bare_arena_init(uintptr_t begin, uintptr_t end) {
  begin = (begin + kGranule - 1) & ~(uintptr_t)(kGranule - 1);
  arena_begin = arena_top = arena_peak = begin;
  arena_end = end > begin ? end : begin;
  free_spans = NULL;
}

/// Where a block of \p size bytes aligned to \p align goes in the span
/// [start, end), or 0 when it does not fit.
static uintptr_t place(uintptr_t start, uintptr_t end, size_t size,
                       size_t align) {
  if (end - start < sizeof(Header) || align > end - start)
    return 0;
  uintptr_t block = (start + sizeof(Header) + align - 1) & ~(align - 1);
  if (block > end || size > end - block)
    return 0;
  return block;
}

/// Links the free span [start, end) after \p prev (NULL: first), merging it
/// with \p prev and with the span after it when they touch.
static void insert_free(FreeSpan *prev, uintptr_t start, uintptr_t end) {
  FreeSpan *next = prev ? prev->next : free_spans;
  if (prev != NULL && prev->end == start) {
    prev->end = end;
  } else {
    FreeSpan *s = (FreeSpan *)start;
    s->end = end;
    s->next = next;
    if (prev != NULL)
      prev->next = s;
    else
      free_spans = s;
    prev = s;
  }
  if (next != NULL && prev->end == (uintptr_t)next) {
    prev->end = next->end;
    prev->next = next->next;
  }
}

/// Returns the span [start, end) to the arena: to the top if it touches it
/// (taking a free span below along), to the free list otherwise.
static void release_span(uintptr_t start, uintptr_t end) {
  FreeSpan *prev = NULL;
  for (FreeSpan *s = free_spans; s != NULL && (uintptr_t)s < start;
       s = s->next)
    prev = s;
  if (end == arena_top) {
    if (prev != NULL && prev->end == start) {
      start = (uintptr_t)prev;
      FreeSpan **link = &free_spans;
      while (*link != prev)
        link = &(*link)->next;
      *link = NULL;
    }
    arena_top = start;
    return;
  }
  insert_free(prev, start, end);
}

/// Makes \p block (at \p block, \p size bytes) a live block whose span is
/// [start, end) less what is worth returning to the free list at either end.
static void *claim(uintptr_t start, uintptr_t end, uintptr_t block,
                   size_t size) {
  uintptr_t head = block - sizeof(Header);
  uintptr_t tail = (block + size + kGranule - 1) & ~(uintptr_t)(kGranule - 1);
  if (tail < block + size || tail > end)
    tail = end;
  Header *h = (Header *)head;
  h->start = head - start >= kMinSpan ? head : start;
  h->end = end - tail >= kMinSpan ? tail : end;
  h->magic = kLiveMagic;
  if (h->start != start)
    release_span(start, h->start);
  if (h->end != end)
    release_span(h->end, end);
  return (void *)block;
}

void *nl_bare_arena_alloc(size_t size, size_t align) {
  if (align < _Alignof(Header))
    align = _Alignof(Header);
  FreeSpan *prev = NULL;
  for (FreeSpan *s = free_spans; s != NULL; prev = s, s = s->next) {
    uintptr_t start = (uintptr_t)s, end = s->end;
    uintptr_t block = place(start, end, size, align);
    if (block == 0)
      continue;
    if (prev != NULL)
      prev->next = s->next;
    else
      free_spans = s->next;
    return claim(start, end, block, size);
  }
  uintptr_t start = arena_top;
  uintptr_t block = place(start, arena_end, size, align);
  if (block == 0)
    return NULL;
  uintptr_t end = (block + size + kGranule - 1) & ~(uintptr_t)(kGranule - 1);
  if (end < block + size || end > arena_end)
    end = arena_end;
  arena_top = end;
  if (arena_top > arena_peak)
    arena_peak = arena_top;
  // The padding below a highly aligned block becomes a free span.
  return claim(start, end, block, size);
}

void nl_bare_arena_free(void *p) {
  Header *h = (Header *)((uintptr_t)p - sizeof(Header));
  if (h->magic != kLiveMagic)
    return;
  h->magic = 0;
  release_span(h->start, h->end);
}

size_t nl_bare_arena_peak(void) { return arena_peak - arena_begin; }

size_t nl_bare_arena_capacity(void) { return arena_end - arena_begin; }
