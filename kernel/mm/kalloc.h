/*
 * Physical page allocator.
 *
 * Invariants:
 *  - every page in [kernel end, top of RAM) is either on the free list with
 *    reference count 0, or allocated with reference count >= 1;
 *  - kfree() drops one reference and puts the page back on the free list
 *    only when the count reaches 0 (copy-on-write shares pages this way);
 *  - the pages kinit() was told to keep (the firmware's device tree) hold
 *    one reference for good and are never on the free list.
 * Lock: kmem.lock protects the free list, the counters and all counts.
 */
#ifndef KITE_KALLOC_H
#define KITE_KALLOC_H

#include "lib/types.h"

/* Manage [first_free, ram_end), except the pages meeting [keep_lo, keep_hi). */
void   kinit(uint64 first_free, uint64 ram_end, uint64 keep_lo, uint64 keep_hi);
void  *kalloc(void);              /* one junk-filled page, refcount 1; NULL when out */
void  *kzalloc(void);             /* one zero-filled page, refcount 1; NULL when out */
void   kfree(void *pa);           /* drop a reference; free at 0 */
void   kref_get(void *pa);        /* add a reference to an allocated page */
int    kref_count(void *pa);
uint64 kfree_pages(void);         /* pages on the free list */
uint64 ktotal_pages(void);

#endif
