//===- boot.S - Entry of the unikernel: PVH boot to 64-bit long mode ------===//
//
// QEMU (`-kernel image.elf`) finds the PVH entry point in the ELF note below
// and enters nl_bare_pvh_start in 32-bit protected mode, paging off, with %ebx
// pointing at the hvm_start_info structure. This stub checks that it was booted
// that way and (with cpuid) that the CPU has long mode, the x86-64-v3 features
// the code was compiled for and XSAVE support for the AVX state, identity-maps
// the first 4 GiB with 2 MiB pages, switches to long mode with a flat GDT,
// enables SSE and AVX (CR0, CR4, XCR0) and calls nl_bare_start (start.c) with
// the start-info address. On a failed check it prints the reason on COM1 and
// ends QEMU through isa-debug-exit with NL_BARE_EXIT_BOOT_FAILURE.
//
//===----------------------------------------------------------------------===//

#include "exit_status.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define XEN_HVM_START_MAGIC 0x336ec578

#define COM1 0x3f8

// cpuid bits the code generated for x86-64-v3 relies on.
// Leaf 1, ecx: SSE3, SSSE3, FMA, CX16, SSE4.1, SSE4.2, MOVBE, POPCNT, XSAVE,
// AVX, F16C.
#define LEAF1_ECX ((1 << 0) | (1 << 9) | (1 << 12) | (1 << 13) | (1 << 19) | \
                   (1 << 20) | (1 << 22) | (1 << 23) | (1 << 26) | (1 << 28) | \
                   (1 << 29))
// Leaf 7, ebx: BMI1, AVX2, BMI2.
#define LEAF7_EBX ((1 << 3) | (1 << 5) | (1 << 8))
// Leaf 0x80000001, ecx: LAHF/SAHF, LZCNT; edx: long mode.
#define EXT1_ECX ((1 << 0) | (1 << 5))
#define EXT1_EDX_LM (1 << 29)

// The PVH note. QEMU reads the descriptor as a 64-bit address in an ELF64
// image and aligns the name to the segment alignment, so the segment must be
// 4-byte aligned (this section is its only content).
        .section .note.Xen, "a", @note
        .balign 4
        .long 4                         // namesz: "Xen\0"
        .long 8                         // descsz
        .long XEN_ELFNOTE_PHYS32_ENTRY
        .asciz "Xen"
        .quad nl_bare_pvh_start

        .section .boot.text, "ax", @progbits
        .code32
        .globl nl_bare_pvh_start
        .type nl_bare_pvh_start, @function
nl_bare_pvh_start:
        cli
        cld
        // %ebp keeps the start-info address: cpuid clobbers %ebx.
        movl %ebx, %ebp
        movl $msg_not_pvh, %esi
        cmpl $XEN_HVM_START_MAGIC, (%ebp)
        jne boot_fail

        movl $msg_no_v3, %esi
        xorl %eax, %eax
        cpuid
        cmpl $0xd, %eax
        jb boot_fail
        movl $0x80000000, %eax
        cpuid
        cmpl $0x80000001, %eax
        jb boot_fail
        movl $0x80000001, %eax
        cpuid
        testl $EXT1_EDX_LM, %edx
        jz boot_fail
        andl $EXT1_ECX, %ecx
        cmpl $EXT1_ECX, %ecx
        jne boot_fail
        movl $1, %eax
        cpuid
        andl $LEAF1_ECX, %ecx
        cmpl $LEAF1_ECX, %ecx
        jne boot_fail
        movl $7, %eax
        xorl %ecx, %ecx
        cpuid
        andl $LEAF7_EBX, %ebx
        cmpl $LEAF7_EBX, %ebx
        jne boot_fail
        movl $0xd, %eax                 // XSAVE: x87, SSE and AVX state
        xorl %ecx, %ecx
        cpuid
        andl $7, %eax
        cmpl $7, %eax
        jne boot_fail

        // Zero .bss, which holds the page tables.
        movl $__bss_start, %edi
        movl $__bss_end, %ecx
        subl %edi, %ecx
        xorl %eax, %eax
        rep stosb

        // PML4[0] -> PDPT; PDPT[0..3] -> the four page directories; each
        // directory entry maps 2 MiB (present, writable, page size).
        movl $boot_pdpt, %eax
        orl $0x3, %eax
        movl %eax, boot_pml4
        movl $nl_bare_page_directories, %eax
        orl $0x3, %eax
        movl $boot_pdpt, %edi
        movl $4, %ecx
1:      movl %eax, (%edi)
        addl $4096, %eax
        addl $8, %edi
        loop 1b
        movl $nl_bare_page_directories, %edi
        movl $0x83, %eax                // address 0 | PS | RW | P
        xorl %edx, %edx                 // high half of the address
        movl $2048, %ecx
2:      movl %eax, (%edi)
        movl %edx, 4(%edi)
        addl $0x200000, %eax
        adcl $0, %edx
        addl $8, %edi
        loop 2b

        movl $boot_pml4, %eax
        movl %eax, %cr3
        movl %cr4, %eax
        orl $(1 << 5), %eax             // PAE
        movl %eax, %cr4
        movl $0xc0000080, %ecx          // EFER
        rdmsr
        orl $(1 << 8), %eax             // LME
        wrmsr
        movl %cr0, %eax
        orl $((1 << 31) | 1), %eax      // PG | PE
        movl %eax, %cr0
        lgdt gdt_pointer
        ljmp $0x08, $long_mode

// Prints the NUL-terminated message at %esi on COM1 (which QEMU emulates
// without any set-up) and ends QEMU.
boot_fail:
        movl $__stack_top, %esp
        movl $msg_prefix, %ebx
        call put_string
        movl %esi, %ebx
        call put_string
        movw $NL_BARE_DEBUG_EXIT_PORT, %dx
        movl $NL_BARE_EXIT_BOOT_FAILURE, %eax
        outl %eax, %dx
3:      cli
        hlt
        jmp 3b

// Writes the NUL-terminated string at %ebx to COM1.
put_string:
        movb (%ebx), %cl
        testb %cl, %cl
        jz 5f
        movw $(COM1 + 5), %dx
4:      inb %dx, %al
        testb $0x20, %al                // transmitter holding register empty
        jz 4b
        movw $COM1, %dx
        movb %cl, %al
        outb %al, %dx
        incl %ebx
        jmp put_string
5:      ret

        .code64
long_mode:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        xorl %eax, %eax
        movw %ax, %fs
        movw %ax, %gs
        movq $__stack_top, %rsp

        // x87/SSE: CR0.EM and CR0.TS off, CR0.MP on; CR4.OSFXSR,
        // CR4.OSXMMEXCPT and CR4.OSXSAVE on; then XCR0 = x87 | SSE | AVX.
        movq %cr0, %rax
        andq $~((1 << 2) | (1 << 3)), %rax
        orq $(1 << 1), %rax
        movq %rax, %cr0
        movq %cr4, %rax
        orq $((1 << 9) | (1 << 10) | (1 << 18)), %rax
        movq %rax, %cr4
        xorl %ecx, %ecx
        movl $7, %eax
        xorl %edx, %edx
        xsetbv
        fninit

        movl %ebp, %edi                 // zero-extends: start-info address
        xorl %ebp, %ebp
        call nl_bare_start
6:      cli
        hlt
        jmp 6b
        .size nl_bare_pvh_start, . - nl_bare_pvh_start

        .section .rodata.boot, "a", @progbits
msg_prefix:
        .asciz "<runtime>: cannot start: "
msg_not_pvh:
        .asciz "not booted through the PVH entry point (no hvm_start_info)\n"
msg_no_v3:
        .ascii "the CPU lacks long mode or x86-64-v3 features (AVX2, FMA, "
        .asciz "BMI2...); under QEMU use -cpu max\n"

        .section .data.boot, "aw", @progbits
        .balign 16
// Null, 64-bit code (0x08), data (0x10) and a TSS descriptor (0x18, two
// slots) that interrupts.c fills in.
        .globl nl_bare_gdt
nl_bare_gdt:
        .quad 0
        .quad 0x00af9a000000ffff
        .quad 0x00cf92000000ffff
        .quad 0
        .quad 0
gdt_end:
        .balign 8
gdt_pointer:
        .word gdt_end - nl_bare_gdt - 1
        .long nl_bare_gdt

        .section .bss.boot, "aw", @nobits
        .balign 4096
boot_pml4:
        .skip 4096
boot_pdpt:
        .skip 4096
        .globl nl_bare_page_directories
nl_bare_page_directories:
        .skip 4 * 4096

        .section .note.GNU-stack, "", @progbits
