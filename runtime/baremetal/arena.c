//===- arena.c - The unikernel's memory allocator -------------------------===//
//
// One arena over the RAM above the image (found in the PVH memory map).
// Allocation bumps a pointer, so large and highly aligned regions for tensors
// cost nothing but their padding. Each block is preceded by a small header
// linking it to the previous block; nl_free marks a block free, and freed
// blocks at the top of the arena are given back at once, so memory freed in
// the reverse order of allocation (the usual pattern for temporaries) is
// reused. A freed block below a live one stays in use until everything
// above it is freed too.
//
//===----------------------------------------------------------------------===//

#include "bare.h"

/// Precedes every block; sized so that 16-byte alignment costs no padding.
typedef struct Header {
  struct Header *previous; ///< The block allocated before, or NULL.
  uintptr_t start;         ///< The arena top before this block.
  uint64_t freed;          ///< Nonzero once nl_free was called on it.
  uint64_t reserved;
} Header;

static uintptr_t arena_begin, arena_end, arena_top, arena_peak;
static Header *last;

void nl_bare_arena_init(uintptr_t begin, uintptr_t end) {
  arena_begin = arena_top = arena_peak = begin;
  arena_end = end > begin ? end : begin;
  last = NULL;
}

void *nl_bare_arena_alloc(size_t size, size_t align) {
  if (align < _Alignof(Header))
    align = _Alignof(Header);
  // The header goes right below the block, which starts at the first aligned
  // address that leaves room for it.
  uintptr_t room = arena_end - arena_top;
  if (room < sizeof(Header) || align > room)
    return NULL;
  uintptr_t block = (arena_top + sizeof(Header) + align - 1) & ~(align - 1);
  if (block - arena_top > room || size > arena_end - block)
    return NULL;
  Header *h = (Header *)(block - sizeof(Header));
  h->previous = last;
  h->start = arena_top;
  h->freed = 0;
  last = h;
  arena_top = block + size;
  if (arena_top > arena_peak)
    arena_peak = arena_top;
  return (void *)block;
}

void nl_bare_arena_free(void *p) {
  Header *h = (Header *)((uintptr_t)p - sizeof(Header));
  h->freed = 1;
  while (last != NULL && last->freed) {
    arena_top = last->start;
    last = last->previous;
  }
}

size_t nl_bare_arena_peak(void) { return arena_peak - arena_begin; }

size_t nl_bare_arena_capacity(void) { return arena_end - arena_begin; }
