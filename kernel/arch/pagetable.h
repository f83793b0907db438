/*
 * Sv39 page tables behind an architecture-neutral interface: the rest of
 * the kernel speaks of PT_READ/PT_WRITE/PT_EXEC/PT_USER, never of PTE bits.
 *
 * Invariants:
 *  - a page-table page is owned by exactly one page table and freed with it;
 *  - leaf PTEs map whole 4 KiB pages (no superpages in user tables);
 *  - the kernel table identity-maps RAM and devices, plus the trampoline
 *    and the kernel stacks near MAXVA.
 * TLB: callers flush with pt_flush() after changing a live table. A process
 * runs on one hart at a time and satp switches flush, so a local flush is
 * enough for user tables.
 */
#ifndef KITE_PAGETABLE_H
#define KITE_PAGETABLE_H

#include "lib/types.h"

enum pt_perm {
  PT_READ  = 1 << 0,
  PT_WRITE = 1 << 1,
  PT_EXEC  = 1 << 2,
  PT_USER  = 1 << 3,
};

enum unmap_mode { UNMAP_KEEP, UNMAP_FREE };   /* UNMAP_FREE: kfree() each page */

extern pagetable_t kernel_pagetable;

void        kvm_init(void);        /* build the kernel table (boot hart) */
void        kvm_init_hart(void);   /* switch this hart to it */
/* Point platform.*_base at the device window, once the boot hart runs on
 * the kernel table: from then on devices are reachable from every table. */
void        kvm_use_device_window(void);
/* Make pt this hart's active table (no-op if it already is). */
void        pt_switch(pagetable_t pt);

pagetable_t pt_create(void);       /* empty table; NULL when out of memory */
/* Share the kernel windows (RAM, kernel stacks) into a user table: its
 * top-level entries point at the kernel's own lower tables. */
void        pt_share_kernel(pagetable_t pt);
void        pt_destroy(pagetable_t pt);   /* frees table pages (not shared ones); leaves must be gone */
/* Map [va, va+size) to [pa, pa+size); 0 or -ENOMEM (nothing left mapped). */
int         pt_map(pagetable_t pt, uint64 va, uint64 pa, uint64 size, int perm);
/* Unmap pages that are mapped in [va, va+npages*PGSIZE); holes are skipped. */
void        pt_unmap(pagetable_t pt, uint64 va, uint64 npages, enum unmap_mode mode);
/* Physical page mapped at va (0 if none), its permissions in *perm. */
uint64      pt_lookup(pagetable_t pt, uint64 va, int *perm);
/* Change the permissions of the page mapped at va; 0, or -1 if none. */
int         pt_protect(pagetable_t pt, uint64 va, int perm);
/* Point the (mapped) page at va to pa with perm; 0, or -1 if none. */
int         pt_remap(pagetable_t pt, uint64 va, uint64 pa, int perm);
/* Call fn for every mapped page in [start, end), in address order, skipping
 * absent page-table pages wholesale (cheap over huge lazy ranges). fn may
 * change the page's permissions through *perm (return 1 to store them).
 * Returns the number of entries looked at, what the walk cost. */
typedef int (*pt_visit_fn)(uint64 va, uint64 pa, int *perm, void *arg);
uint64      pt_for_each(pagetable_t pt, uint64 start, uint64 end, pt_visit_fn fn, void *arg);
void        pt_flush(void);
void        pt_flush_page(uint64 va);  /* only the translation of va */

#endif
