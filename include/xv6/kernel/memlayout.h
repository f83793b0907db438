/*
 * xv6's "kernel/memlayout.h" on Kite: where things are, as Kite runs by
 * default (make qemu: QEMU virt with MEM=128M).
 *
 * Physical memory: RAM starts at 0x80000000; OpenSBI owns its first
 * 2 MiB and Kite is loaded at KERNBASE = 0x80200000, so the memory Kite
 * manages is [KERNBASE, PHYSTOP). Devices sit below RAM at QEMU's
 * addresses (Kite reads them from the device tree).
 *
 * A process's address space (every user page table):
 *
 *   MAXVA ------------------------------------------------
 *           TRAMPOLINE (kernel only)
 *           TRAPFRAME  (kernel only)
 *   USER_TOP ---------------------------------------------
 *           user stack (USERSTACK pages), a guard below it
 *           mmap area, and windows of kernel memory that user
 *           mode cannot touch (RAM from 0x80000000, devices)
 *           heap (sbrk), after the program's data
 *           program text, data, bss from USER_BASE = 0x10000
 *   0 ---------- never mapped: address 0 faults ------------
 *
 * Unlike xv6, user memory does not start at 0 and the kernel's RAM is
 * mapped (without user access) in every process; touching it kills the
 * process, as touching TRAMPOLINE or TRAPFRAME does.
 */
#ifndef XV6_KERNEL_MEMLAYOUT_H
#define XV6_KERNEL_MEMLAYOUT_H

#include "riscv.h"

/* QEMU virt devices (physical). */
#define UART0       0x10000000L
#define UART0_IRQ   10
#define VIRTIO0     0x10001000
#define VIRTIO0_IRQ 1
#define PLIC        0x0c000000L
#define PLIC_PRIORITY        (PLIC + 0x0)
#define PLIC_PENDING         (PLIC + 0x1000)
#define PLIC_SENABLE(hart)   (PLIC + 0x2080 + (hart) * 0x100)
#define PLIC_SPRIORITY(hart) (PLIC + 0x201000 + (hart) * 0x2000)
#define PLIC_SCLAIM(hart)    (PLIC + 0x201004 + (hart) * 0x2000)

/* Physical memory Kite manages. */
#define KERNBASE 0x80200000L
#define PHYSTOP  (0x80000000L + 128 * 1024 * 1024)

/* Top of every address space, kernel only. */
#define TRAMPOLINE (MAXVA - PGSIZE)
#define TRAPFRAME  (TRAMPOLINE - PGSIZE)

/* Kernel stacks (kernel virtual): 2 pages each, a guard page below
 * each, from 1 GiB under MAXVA down. */
#define KSTACK(p) ((MAXVA - (1L << 30)) - ((p) + 1) * 3 * PGSIZE)

/* Kite's own names: user memory is [USER_BASE, USER_TOP). */
#define USER_BASE 0x10000L
#define USER_TOP  0x3fffff0000L

#endif
