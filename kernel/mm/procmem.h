/*
 * Process memory: one per process, its page table plus an ordered list of
 * regions. The region list is the truth; the page table is a cache of it
 * that page faults fill in (lazy pages).
 *
 * Invariants:
 *  - regions are sorted by start, page-aligned, non-empty and disjoint, and
 *    lie inside [USER_BASE, USER_TOP);
 *  - every user PTE lies inside a region and has at most its permissions;
 *  - a GUARD region never has pages;
 *  - the heap is the region [heap_start, PGROUNDUP(brk)) (absent while
 *    brk == heap_start).
 * Lock: a procmem is private to its process (Kite processes have one
 * thread); only that process, or its parent during fork/exec set-up
 * before it runs, touches it.
 */
#ifndef KITE_PROCMEM_H
#define KITE_PROCMEM_H

#include "lib/types.h"

#define PM_MAX_REGIONS 32

enum pm_type { PM_CODE, PM_DATA, PM_HEAP, PM_STACK, PM_GUARD, PM_ANON };

enum pm_prot { PM_READ = 1, PM_WRITE = 2, PM_EXEC = 4 };

enum pm_access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

struct pm_region {
  uint64 start, end;
  enum pm_type type;
  int prot;                 /* PM_READ | PM_WRITE | PM_EXEC */
};

struct procmem {
  pagetable_t pt;
  struct pm_region r[PM_MAX_REGIONS];
  int nregions;
  uint64 heap_start;        /* page-aligned end of the loaded image */
  uint64 brk;               /* current break (byte granular) */
};

struct procmem *procmem_create(uint64 trapframe_pa);
void   procmem_destroy(struct procmem *pm);
/* Add a region of lazily zero-filled pages; 0 or a negative errno. */
int    procmem_map_anon(struct procmem *pm, uint64 start, uint64 len, enum pm_type type, int prot);
/* Copy every region of old into new (fork). */
int    procmem_fork(struct procmem *old, struct procmem *new);
/* Set the break; returns the new break, or the old one if that failed. */
uint64 procmem_brk(struct procmem *pm, uint64 newbrk);
/* Resolve a user fault at va; 0 or -EFAULT (then *why says what was hit). */
int    procmem_fault(struct procmem *pm, uint64 va, enum pm_access access, const char **why);
/* Kernel address of user byte va, faulting the page in for access. 0 if
 * the access is not allowed. */
uint64 procmem_translate(struct procmem *pm, uint64 va, enum pm_access access);
/* Kernel address of the page at va, allocated regardless of the region's
 * protection (exec fills read-only text this way before the program runs);
 * 0 if va is in no region, in a guard, or memory ran out. */
uint64 procmem_load_page(struct procmem *pm, uint64 va);
struct pm_region *procmem_find(struct procmem *pm, uint64 va);
uint64 procmem_satp(struct procmem *pm);
void   procmem_dump(struct procmem *pm);   /* for gdb: call procmem_dump(p->mem) */

#endif
