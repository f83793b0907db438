/*
 * The only code that touches user addresses: one assembly routine that
 * runs with sstatus.SUM set. Every load and store in it that may touch user
 * memory is listed in the exception table (__ex_table: pairs of faulting
 * instruction, fix-up address). On a fault there, kerneltrap() first asks
 * procmem to resolve it (lazy page, copy-on-write) and retries the
 * instruction; if procmem refuses, it resumes at the fix-up, which clears
 * SUM and returns how many bytes were left.
 *
 * The kernel runs on its own page table, which does not map user memory,
 * so the routine switches satp to the process's table (which shares the
 * kernel's RAM and kernel-stack windows, see memlayout.h) and back.
 *
 * SUM and the process satp are set only inside uaccess_copy() and undone
 * on every exit from it; kernelvec clears SUM and switches to the kernel
 * table on trap entry (a trap in the middle of a copy may switch threads
 * or touch devices) and the trap return restores both.
 */
#ifndef KITE_UACCESS_H
#define KITE_UACCESS_H

#include "lib/types.h"

/* Copy n bytes from src to dst, one of which is a user address already
 * checked to lie in user space (outside the kernel windows), with the
 * process page table `satp` active for the duration. Returns the number
 * of bytes NOT copied: 0 on success, else the count from the first byte
 * that faulted. */
size_t uaccess_copy(void *dst, const void *src, size_t n, uint64 satp);

struct ex_entry { uint64 insn, fixup; };

/* Fix-up address for a fault at pc, or 0 if pc is not in the table. */
uint64 uaccess_fixup(uint64 pc);

#endif
