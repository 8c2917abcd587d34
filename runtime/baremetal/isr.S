//===- isr.S - Entry stubs for the 32 CPU exceptions ----------------------===//
//
// One stub per exception vector. Each pushes a zero error code where the CPU
// pushes none, then the vector number, saves the general-purpose registers
// and calls nl_bare_exception (interrupts.c) with a pointer to the resulting
// NlBareFrame. The handler reports and never returns. nl_bare_isr_stubs lists
// the stubs for the IDT.
//
//===----------------------------------------------------------------------===//

        .section .text.nl_bare_isr, "ax", @progbits
        .code64

.macro STUB_NO_ERROR vector
stub_\vector:
        pushq $0
        pushq $\vector
        jmp common
.endm

.macro STUB_ERROR vector
stub_\vector:
        pushq $\vector
        jmp common
.endm

// Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code.
STUB_NO_ERROR 0
STUB_NO_ERROR 1
STUB_NO_ERROR 2
STUB_NO_ERROR 3
STUB_NO_ERROR 4
STUB_NO_ERROR 5
STUB_NO_ERROR 6
STUB_NO_ERROR 7
STUB_ERROR 8
STUB_NO_ERROR 9
STUB_ERROR 10
STUB_ERROR 11
STUB_ERROR 12
STUB_ERROR 13
STUB_ERROR 14
STUB_NO_ERROR 15
STUB_NO_ERROR 16
STUB_ERROR 17
STUB_NO_ERROR 18
STUB_NO_ERROR 19
STUB_NO_ERROR 20
STUB_ERROR 21
STUB_NO_ERROR 22
STUB_NO_ERROR 23
STUB_NO_ERROR 24
STUB_NO_ERROR 25
STUB_NO_ERROR 26
STUB_NO_ERROR 27
STUB_NO_ERROR 28
STUB_ERROR 29
STUB_ERROR 30
STUB_NO_ERROR 31

// The register order here is the field order of NlBareFrame, reversed.
common:
        pushq %rax
        pushq %rbx
        pushq %rcx
        pushq %rdx
        pushq %rsi
        pushq %rdi
        pushq %rbp
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        movq %rsp, %rdi
        andq $-16, %rsp
        cld
        call nl_bare_exception
1:      cli
        hlt
        jmp 1b

        .section .rodata.nl_bare_isr, "a", @progbits
        .balign 8
        .globl nl_bare_isr_stubs
nl_bare_isr_stubs:
        .irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        .quad stub_\vector
        .endr
        .irp vector, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad stub_\vector
        .endr

        .section .note.GNU-stack, "", @progbits
