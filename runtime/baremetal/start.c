//===- start.c - From the boot stub to nl_main, and the memory report -----===//
//
// nl_bare_start is the first C code of the unikernel (boot.S calls it in long
// mode). It brings up the console and the exception handlers, reads the PVH
// start info (memory map for the arena, command line for the arguments),
// unmaps the guard pages, runs the constructors (profiling registers its
// counters from one), then runs the program like the hosted main does.
//
// The boot command line (QEMU's -append) holds the program arguments. When
// it contains a `--` token, the tokens before it are runtime options
// instead: `nl.memstats` prints the memory report at exit, and `NAME=VALUE`
// sets an environment variable. Tokens are separated by spaces; a token in
// double quotes may hold spaces and be empty, with `\"` and `\\` for a quote
// and a backslash inside (how `nlc --run` passes such arguments); argv[0]
// is "nl-bare". The first boot module (QEMU's -initrd), if any, holds the
// program's files (files_baremetal.c); the arena stays below it.
//
//===----------------------------------------------------------------------===//

#include "../nl_runtime.h"
#include "bare.h"

/// The PVH start info (xen/include/public/arch-x86/hvm/start_info.h).
typedef struct HvmStartInfo {
  uint32_t magic;
  uint32_t version;
  uint32_t flags;
  uint32_t nr_modules;
  uint64_t modlist_paddr;
  uint64_t cmdline_paddr;
  uint64_t rsdp_paddr;
  // Version 1 and later.
  uint64_t memmap_paddr;
  uint32_t memmap_entries;
  uint32_t reserved;
} HvmStartInfo;

typedef struct HvmModlistEntry {
  uint64_t paddr;
  uint64_t size;
  uint64_t cmdline_paddr;
  uint64_t reserved;
} HvmModlistEntry;

typedef struct HvmMemmapEntry {
  uint64_t addr;
  uint64_t size;
  uint32_t type;
  uint32_t reserved;
} HvmMemmapEntry;

enum {
  kMemmapRam = 1,
  kPageSize = 4096,
  kMaxCommandLine = 4096,
  kMaxArgs = 128,
};

bool nl_bare_memstats;

static char command_line[kMaxCommandLine];
static char program_name[] = "nl-bare";
static char *args[kMaxArgs + 1] = {program_name};

/// Splits the boot command line into runtime options and arguments.
static int32_t parse_command_line(const HvmStartInfo *info) {
  if (info->cmdline_paddr == 0)
    return 1;
  const char *src = (const char *)(uintptr_t)info->cmdline_paddr;
  size_t len = 0;
  while (len + 1 < kMaxCommandLine && src[len] != '\0') {
    command_line[len] = src[len];
    ++len;
  }
  // Tokens are unquoted in place: `out` never passes `i`.
  char *tokens[kMaxArgs];
  int n = 0;
  for (size_t i = 0; i < len && n < kMaxArgs;) {
    while (i < len && command_line[i] == ' ')
      command_line[i++] = '\0';
    if (i == len)
      break;
    char *out = &command_line[i];
    tokens[n++] = out;
    bool quoted = false;
    while (i < len && (quoted || command_line[i] != ' ')) {
      char c = command_line[i++];
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      if (quoted && c == '\\' && i < len &&
          (command_line[i] == '"' || command_line[i] == '\\'))
        c = command_line[i++];
      *out++ = c;
    }
    // The separator (or the end) becomes the token's terminator.
    if (i < len)
      ++i;
    *out = '\0';
  }
  int first_arg = 0;
  for (int i = 0; i < n; ++i) {
    if (tokens[i][0] == '-' && tokens[i][1] == '-' && tokens[i][2] == '\0') {
      first_arg = i + 1;
      break;
    }
  }
  for (int i = 0; i + 1 < first_arg; ++i) {
    bool assignment = false;
    for (const char *c = tokens[i]; *c != '\0'; ++c)
      assignment |= *c == '=' && c != tokens[i];
    if (assignment) {
      nl_bare_setenv(tokens[i]);
      continue;
    }
    const char *want = "nl.memstats";
    const char *t = tokens[i];
    while (*want != '\0' && *t == *want)
      ++t, ++want;
    if (*want == '\0' && *t == '\0') {
      nl_bare_memstats = true;
      continue;
    }
    nl_bare_console_puts("<runtime>: warning: unknown boot option `");
    nl_bare_console_puts(tokens[i]);
    nl_bare_console_puts("`\n");
  }
  int32_t argc = 1;
  for (int i = first_arg; i < n; ++i)
    args[argc++] = tokens[i];
  args[argc] = NULL;
  return argc;
}

/// Gives the arena the RAM above the image: the part of the memory-map
/// region holding the image end that lies below 4 GiB (the identity map).
static void init_arena(const HvmStartInfo *info) {
  uintptr_t begin =
      ((uintptr_t)__image_end + kPageSize - 1) & ~(uintptr_t)(kPageSize - 1);
  uintptr_t end = begin;
  if (info->version >= 1 && info->memmap_paddr != 0) {
    const HvmMemmapEntry *map =
        (const HvmMemmapEntry *)(uintptr_t)info->memmap_paddr;
    for (uint32_t i = 0; i < info->memmap_entries; ++i) {
      if (map[i].type != kMemmapRam)
        continue;
      uint64_t lo = map[i].addr, hi = map[i].addr + map[i].size;
      if (lo <= begin && begin < hi)
        end = hi < (4ull << 30) ? (uintptr_t)hi : (uintptr_t)(4ull << 30);
    }
  }
  // QEMU loads the boot module at the top of the RAM below 4 GiB.
  const HvmModlistEntry *mods =
      (const HvmModlistEntry *)(uintptr_t)info->modlist_paddr;
  for (uint32_t i = 0; i < info->nr_modules && mods != NULL; ++i)
    if (mods[i].size != 0 && begin <= mods[i].paddr && mods[i].paddr < end)
      end = (uintptr_t)mods[i].paddr;
  nl_bare_arena_init(begin, end);
}

/// Fills the stack below the current frame with zeros, so that the report
/// at exit can find how deep it was used. (QEMU's loader zeroes it already;
/// other loaders need not.)
static void clear_stack(void) {
  uintptr_t sp;
  __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
  for (volatile uint64_t *p = (volatile uint64_t *)__stack_bottom;
       (uintptr_t)p < sp - 256; ++p)
    *p = 0;
}

void nl_bare_report_memory(void) {
  size_t image = (size_t)(__bss_end - __image_start);
  size_t stack_size = (size_t)(__stack_top - __stack_bottom);
  const char *p = __stack_bottom;
  while (p < __stack_top && *p == 0)
    ++p;
  size_t stack = (size_t)(__stack_top - p);
  size_t arena = nl_bare_arena_peak();
  nl_bare_console_puts("memstats: image ");
  nl_bare_console_dec(image);
  nl_bare_console_puts(" bytes, stack peak ");
  nl_bare_console_dec(stack);
  nl_bare_console_puts(" of ");
  nl_bare_console_dec(stack_size);
  nl_bare_console_puts(" bytes, arena peak ");
  nl_bare_console_dec(arena);
  nl_bare_console_puts(" of ");
  nl_bare_console_dec(nl_bare_arena_capacity());
  nl_bare_console_puts(" bytes, total ");
  nl_bare_console_dec(image + stack + arena);
  nl_bare_console_puts(" bytes\n");
}

typedef void (*Constructor)(void);
extern Constructor __init_array_start[], __init_array_end[];

_Noreturn void nl_bare_start(const HvmStartInfo *info);

_Noreturn void nl_bare_start(const HvmStartInfo *info) {
  nl_bare_serial_init();
  nl_bare_vga_init();
  nl_bare_interrupts_init();
  int32_t argc = parse_command_line(info);
  init_arena(info);
  if (info->nr_modules > 0 && info->modlist_paddr != 0) {
    const HvmModlistEntry *mod =
        (const HvmModlistEntry *)(uintptr_t)info->modlist_paddr;
    nl_bare_files_init((uintptr_t)mod->paddr, mod->size);
  }
  if (nl_bare_memstats)
    clear_stack();
  nl_bare_unmap_page((uint64_t)__stack_guard);
  nl_bare_unmap_page(0);
  for (Constructor *c = __init_array_start; c < __init_array_end; ++c)
    (*c)();
  nl_set_args(argc, args);
  int32_t status = nl_main();
  nl_exit(status);
}
