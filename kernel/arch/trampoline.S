# The trampoline: the page, mapped at TRAMPOLINE in every page table, that
# user traps enter and leave through. The process's page table stays active
# across the boundary (it maps the kernel's windows, see memlayout.h), so no
# satp switch and no TLB flush happens on a system call.
#
# uservec: stvec points here while in user mode. Saves every user register
#   into the trap frame (mapped at TRAPFRAME, kernel-only), loads the kernel
#   stack and hart id from it, and jumps to usertrap().
# userret(): restores the user registers from the trap frame and returns to
#   user mode with sret.
#
# Offsets below match struct trapframe in proc/proc.h.

#include "arch/memlayout.h"

.section trampsec
.globl trampoline
trampoline:
.align 4
.globl uservec
uservec:
        csrw    sscratch, a0
        li      a0, TRAPFRAME
        sd      ra, 32(a0)
        sd      sp, 40(a0)
        sd      gp, 48(a0)
        sd      tp, 56(a0)
        sd      t0, 64(a0)
        sd      t1, 72(a0)
        sd      t2, 80(a0)
        sd      s0, 88(a0)
        sd      s1, 96(a0)
        sd      a1, 112(a0)
        sd      a2, 120(a0)
        sd      a3, 128(a0)
        sd      a4, 136(a0)
        sd      a5, 144(a0)
        sd      a6, 152(a0)
        sd      a7, 160(a0)
        sd      s2, 168(a0)
        sd      s3, 176(a0)
        sd      s4, 184(a0)
        sd      s5, 192(a0)
        sd      s6, 200(a0)
        sd      s7, 208(a0)
        sd      s8, 216(a0)
        sd      s9, 224(a0)
        sd      s10, 232(a0)
        sd      s11, 240(a0)
        sd      t3, 248(a0)
        sd      t4, 256(a0)
        sd      t5, 264(a0)
        sd      t6, 272(a0)
        csrr    t0, sscratch
        sd      t0, 104(a0)

        ld      sp, 0(a0)               # kernel stack
        ld      tp, 24(a0)              # hart id
        ld      t0, 8(a0)               # usertrap()
        li      s0, 0                   # backtraces stop at the user boundary
        jr      t0

.globl userret
userret:
        li      a0, TRAPFRAME
        ld      ra, 32(a0)
        ld      sp, 40(a0)
        ld      gp, 48(a0)
        ld      tp, 56(a0)
        ld      t0, 64(a0)
        ld      t1, 72(a0)
        ld      t2, 80(a0)
        ld      s0, 88(a0)
        ld      s1, 96(a0)
        ld      a1, 112(a0)
        ld      a2, 120(a0)
        ld      a3, 128(a0)
        ld      a4, 136(a0)
        ld      a5, 144(a0)
        ld      a6, 152(a0)
        ld      a7, 160(a0)
        ld      s2, 168(a0)
        ld      s3, 176(a0)
        ld      s4, 184(a0)
        ld      s5, 192(a0)
        ld      s6, 200(a0)
        ld      s7, 208(a0)
        ld      s8, 216(a0)
        ld      s9, 224(a0)
        ld      s10, 232(a0)
        ld      s11, 240(a0)
        ld      t3, 248(a0)
        ld      t4, 256(a0)
        ld      t5, 264(a0)
        ld      t6, 272(a0)
        ld      a0, 104(a0)
        sret
