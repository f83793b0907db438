# Traps taken while in S-mode (interrupts, kernel faults).
#
# Saves all general registers, sepc and sstatus in a struct kframe on the
# current kernel stack, clears sstatus.SUM (a trap in the middle of a user
# copy must not run, or switch threads, with user access on) and calls
# kerneltrap(frame). kerneltrap may change frame->epc (exception-table
# fix-ups), so sepc is reloaded from the frame; sstatus is restored from it
# too (it brings back SUM, and the SPP/SPIE bits a thread switch inside
# kerneltrap may have changed).
# Layout: x1..x31 at 8*(n-1), epc at 248, sstatus at 256; 272 bytes.
#
# Kernel stack overflow. Each kernel stack has an unmapped guard page below
# it (memlayout.h). A thread that runs off its stack faults in the guard;
# saving a frame there would fault again, and again, forever. So kernelvec
# first checks whether the frame it is about to push would reach a guard
# page of the kernel-stack window, and if so saves it on this hart's
# overflow stack instead and calls kstack_overflow() (trap.c), which
# reports and panics. The check uses only sp and t0; sscratch holds t0
# meanwhile (S-mode is free to: uservec uses sscratch only with interrupts
# off, in code that does not trap).

#include "arch/memlayout.h"

#define KFRAME        272
#define KSLOT         ((KSTACK_PAGES + 1) * PGSIZE)   /* one stack and its guard */
#define OVERFLOW_SHIFT 12                            /* 4 KiB overflow stack per hart */

# Save every register but sp (x2) and t0 (x5) at 0(sp), in struct kframe order.
.macro save_regs_but_sp_t0
        sd      x1, 0(sp)
        sd      x3, 16(sp)
        sd      x4, 24(sp)
        sd      x6, 40(sp)
        sd      x7, 48(sp)
        sd      x8, 56(sp)
        sd      x9, 64(sp)
        sd      x10, 72(sp)
        sd      x11, 80(sp)
        sd      x12, 88(sp)
        sd      x13, 96(sp)
        sd      x14, 104(sp)
        sd      x15, 112(sp)
        sd      x16, 120(sp)
        sd      x17, 128(sp)
        sd      x18, 136(sp)
        sd      x19, 144(sp)
        sd      x20, 152(sp)
        sd      x21, 160(sp)
        sd      x22, 168(sp)
        sd      x23, 176(sp)
        sd      x24, 184(sp)
        sd      x25, 192(sp)
        sd      x26, 200(sp)
        sd      x27, 208(sp)
        sd      x28, 216(sp)
        sd      x29, 224(sp)
        sd      x30, 232(sp)
        sd      x31, 240(sp)
.endm

# Save sepc and sstatus in the frame at sp, then clear sstatus.SUM.
.macro save_csrs_clear_sum
        csrr    t0, sepc
        sd      t0, 248(sp)
        csrr    t0, sstatus
        sd      t0, 256(sp)
        li      t1, 1 << 18             # SSTATUS_SUM
        csrc    sstatus, t1
.endm


.section .text
.globl kernelvec
.align 4
kernelvec:
        csrw    sscratch, t0
        li      t0, KSTACK_TOP + KFRAME - 1
        sub     t0, t0, sp              # t0 = KSTACK_TOP - 1 - the frame's lowest byte
        li      sp, NPROC * KSLOT + PGSIZE
        bgeu    t0, sp, 1f              # not in the stack window (unsigned: nor above it)
        li      sp, KSLOT
        remu    sp, t0, sp              # the guard is the top page of each slot,
        srli    sp, sp, 12              # counting down from KSTACK_TOP
        beqz    sp, kstack_overflow_entry
1:      li      sp, KSTACK_TOP + KFRAME - 1
        sub     sp, sp, t0              # sp as it was
        csrr    t0, sscratch

        addi    sp, sp, -KFRAME
        save_regs_but_sp_t0
        sd      x5, 32(sp)
        addi    t0, sp, 272
        sd      t0, 8(sp)               # sp before the trap
        save_csrs_clear_sum

        mv      a0, sp
        call    kerneltrap

        ld      t0, 256(sp)
        csrw    sstatus, t0
        ld      t0, 248(sp)
        csrw    sepc, t0
        ld      x1, 0(sp)
        ld      x3, 16(sp)
        # tp (x4) is not restored: it holds the hart id, and a thread that
        # yielded inside kerneltrap may have resumed on another hart.
        ld      x5, 32(sp)
        ld      x6, 40(sp)
        ld      x7, 48(sp)
        ld      x8, 56(sp)
        ld      x9, 64(sp)
        ld      x10, 72(sp)
        ld      x11, 80(sp)
        ld      x12, 88(sp)
        ld      x13, 96(sp)
        ld      x14, 104(sp)
        ld      x15, 112(sp)
        ld      x16, 120(sp)
        ld      x17, 128(sp)
        ld      x18, 136(sp)
        ld      x19, 144(sp)
        ld      x20, 152(sp)
        ld      x21, 160(sp)
        ld      x22, 168(sp)
        ld      x23, 176(sp)
        ld      x24, 184(sp)
        ld      x25, 192(sp)
        ld      x26, 200(sp)
        ld      x27, 208(sp)
        ld      x28, 216(sp)
        ld      x29, 224(sp)
        ld      x30, 232(sp)
        ld      x31, 240(sp)
        addi    sp, sp, 272
        sret

# The frame would reach a guard page: sp is gone, t0 says where it was.
kstack_overflow_entry:
        la      sp, overflow_stacks
        addi    tp, tp, 1               # this hart's stack ends (hartid + 1) stacks up
        slli    tp, tp, OVERFLOW_SHIFT
        add     sp, sp, tp
        srli    tp, tp, OVERFLOW_SHIFT
        addi    tp, tp, -1
        addi    sp, sp, -KFRAME
        save_regs_but_sp_t0
        li      t1, KSTACK_TOP + KFRAME - 1
        sub     t1, t1, t0
        sd      t1, 8(sp)               # sp on the stack that overflowed
        csrr    t0, sscratch
        sd      t0, 32(sp)
        save_csrs_clear_sum
        mv      a0, sp
        call    kstack_overflow         # reports and panics; never returns
1:      wfi
        j       1b
.globl kernelvec_end
kernelvec_end:

.section .bss
.balign 16
overflow_stacks:
        .space  (1 << OVERFLOW_SHIFT) * NCPU
