/*
 * Kite's address spaces.
 *
 * Physical (QEMU virt): devices below 0x80000000, RAM from 0x80000000.
 * OpenSBI owns [0x80000000, 0x80200000); Kite is loaded at 0x80200000.
 *
 * Kernel virtual: RAM is identity-mapped (va == pa), so a physical page
 * address is also a usable kernel pointer. Devices are mapped again in a
 * device window, and the per-process kernel stacks (each with an unmapped
 * guard page below it) sit in the slot above it; the trampoline is the
 * top page:
 *
 *   MAXVA ------------------------------------------------
 *           trampoline (R-X)
 *   KSTACK_TOP (0x3fc0000000) ----------------------------
 *           kstack 0  (KSTACK_PAGES pages), guard page
 *           kstack 1  ...
 *   KSTACK_LO / KDEV_TOP (0x3f80000000) ------------------
 *           UART, PLIC, virtio, ... (platform.*_base point here)
 *   KDEV_BASE (0x3f40000000) -----------------------------
 *
 * Kernel windows in user page tables: while a process runs, in user mode
 * or in the kernel on its behalf, its own page table is active. So every
 * user table shares the kernel's top-level entries (1 GiB slots) for RAM
 * ([0x80000000, kwin_ram_hi)) and for the device and kernel-stack window
 * ([KDEV_BASE, KSTACK_TOP)); their PTEs lack the U bit, and the mapping list
 * holds a VM_KERNEL mapping over each window so nothing else goes there.
 * System calls and user copies then need no page-table switch; only the
 * scheduler switches satp (to the process it runs, and back to the kernel
 * table, kernel_pagetable, when the process gives up the hart).
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
 *           [kernel] window: devices and kernel stacks
 *           mmap area (top-down)
 *           ...
 *           [kernel] window: RAM, from 0x80000000
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

#define SLOT_SIZE     (1L << 30)            /* what one top-level PTE maps */
#define KSTACK_TOP    (MAXVA - SLOT_SIZE)
#define KSTACK(i)     (KSTACK_TOP - ((i) + 1) * (KSTACK_PAGES + 1) * PGSIZE)
#define KDEV_TOP      (KSTACK_TOP - SLOT_SIZE)
#define KDEV_BASE     (KDEV_TOP - SLOT_SIZE)
#define KWIN_STACK_LO KDEV_BASE             /* the device + stack window */
#define KBENCH_BASE   (KDEV_TOP - 0x400000) /* top 4 MiB: SYS_bench's buffers */
#define KWIN_RAM_LO   0x80000000L

#ifndef __ASSEMBLY__
extern uint64 kwin_ram_hi;                  /* RAM's end rounded up to a slot */

/* Does [a, b) meet a kernel window? */
static inline int in_kernel_window(uint64 a, uint64 b)
{
  return (a < kwin_ram_hi && b > KWIN_RAM_LO) || (a < KSTACK_TOP && b > KWIN_STACK_LO);
}
#endif

#define USER_BASE    0x10000L
#define USER_TOP     0x3fffff0000L
#define USTACK_SIZE  (KITE_USTACK_PAGES * PGSIZE)
#define USTACK_GUARD (16 * PGSIZE)

#endif
