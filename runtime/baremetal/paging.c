//===- paging.c - Guard pages in the identity map -------------------------===//
//
// boot.S identity-maps the first 4 GiB with 2 MiB pages. To catch a stack
// overflow or a null pointer the runtime unmaps single 4 KiB pages: the
// 2 MiB page around one is split into a page table of 512 small pages (the
// same translations), and the one page is marked not present.
//
//===----------------------------------------------------------------------===//

#include "bare.h"

enum {
  kPresent = 0x1,
  kWritable = 0x2,
  kPageSize = 0x80, ///< In a directory entry: a 2 MiB page.
  kMaxSplits = 2,
};

/// The four page directories of boot.S, one per GiB.
extern uint64_t nl_bare_page_directories[4 * 512];

static _Alignas(4096) uint64_t page_tables[kMaxSplits][512];
static unsigned splits;

bool nl_bare_unmap_page(uint64_t addr) {
  if (addr >= (4ull << 30))
    return false;
  uint64_t *pde = &nl_bare_page_directories[addr >> 21];
  uint64_t *table;
  if (*pde & kPageSize) {
    if (splits == kMaxSplits)
      return false;
    table = page_tables[splits++];
    uint64_t base = *pde & ~0x1fffffull;
    for (uint64_t i = 0; i < 512; ++i)
      table[i] = (base + i * 4096) | kPresent | kWritable;
    *pde = (uint64_t)table | kPresent | kWritable;
  } else {
    table = (uint64_t *)(*pde & ~0xfffull);
  }
  table[(addr >> 12) & 511] = 0;
  // Reloading CR3 drops every cached translation, the old 2 MiB one too.
  uint64_t cr3;
  __asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");
  return true;
}
