/*
 * Kite's address spaces.
 *
 * Physical (QEMU virt): devices below 0x80000000, RAM from 0x80000000.
 * OpenSBI owns [0x80000000, 0x80200000); Kite is loaded at 0x80200000.
 *
 * Kernel virtual: RAM and devices are identity-mapped (va == pa), so a
 * physical page address is also a usable kernel pointer. Near the top of
 * Sv39 sit the trampoline and the per-process kernel stacks, each stack
 * with an unmapped guard page below it:
 *
 *   MAXVA ------------------------------------------------
 *           trampoline (R-X)
 *           kstack 0  (KSTACK_PAGES pages), guard page
 *           kstack 1  ...
 *
 * User virtual (every process):
 *
 *   MAXVA ------------------------------------------------
 *           trampoline (R-X, kernel only)
 *           trap frame (RW, kernel only)
 *           unused
 *   USER_TOP ---------------------------------------------
 *           user stack (KITE_USTACK_PAGES, grows down)
 *           stack guard (USTACK_GUARD bytes, no pages)
 *           mmap area (top-down)
 *           ...
 *           heap (brk, grows up)
 *           data, bss  (RW)
 *           rodata     (R)
 *           text       (R-X)  from USER_BASE = 0x10000
 *           page 0 .. USER_BASE: never mapped (NULL faults)
 *   0 ----------------------------------------------------
 */
#ifndef KITE_MEMLAYOUT_H
#define KITE_MEMLAYOUT_H

#include "arch/riscv.h"
#include "param.h"

#define KERNBASE     0x80200000L

#define TRAMPOLINE   (MAXVA - PGSIZE)
#define TRAPFRAME    (TRAMPOLINE - PGSIZE)
#define KSTACK(i)    (TRAMPOLINE - ((i) + 1) * (KSTACK_PAGES + 1) * PGSIZE)

#define USER_BASE    0x10000L
#define USER_TOP     0x3fffff0000L
#define USTACK_SIZE  (KITE_USTACK_PAGES * PGSIZE)
#define USTACK_GUARD (16 * PGSIZE)

#endif
