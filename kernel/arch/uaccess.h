/*
 * The only code that touches user addresses: one assembly routine that
 * runs with sstatus.SUM set. Every load and store in it that may touch user
 * memory is listed in the exception table (__ex_table: pairs of faulting
 * instruction, fix-up address). On a fault there, kerneltrap() first asks
 * procmem to resolve it (lazy page, copy-on-write) and retries the
 * instruction; if procmem refuses, it resumes at the fix-up, which clears
 * SUM and returns how many bytes were left.
 *
 * The kernel runs on the current process's page table (memlayout.h), so
 * user addresses are mapped; with SUM clear, any other kernel access to
 * them faults, and kerneltrap() panics saying so.
 *
 * SUM is set only inside uaccess_copy() and cleared on every exit from it;
 * kernelvec clears it on trap entry (a trap in the middle of a copy may
 * switch threads) and the trap return restores it.
 */
#ifndef KITE_UACCESS_H
#define KITE_UACCESS_H

#include "lib/types.h"

/* Copy n bytes from src to dst, one of which is a user address of the
 * current process already checked to lie in user space (outside the kernel
 * windows). Returns the number of bytes NOT copied: 0 on success, else the
 * count from the first byte that faulted. */
size_t uaccess_copy(void *dst, const void *src, size_t n);

/* Set and clear SUM once: what every uaccess_copy() pays around its copy
 * (for SYS_bench: on QEMU a SUM change flushes the software TLB). */
void uaccess_sum_roundtrip(void);

struct ex_entry { uint64 insn, fixup; };

/* Fix-up address for a fault at pc, or 0 if pc is not in the table. */
uint64 uaccess_fixup(uint64 pc);

#endif
