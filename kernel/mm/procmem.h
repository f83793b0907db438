/*
 * Process memory: one per process, its Sv39 page table plus the ordered
 * list of mappings (mm/vmlist.h). The mapping list is the truth; the page
 * table is a cache of it that page faults fill in.
 *
 * Invariants (debug builds check them near every change, and whole every
 * so often, at fork and at exit: see mm/pmview.c):
 *  - every user PTE lies inside a mapping, never inside a guard, and grants
 *    no more than the mapping's protection;
 *  - every user PTE holds one reference on its physical page (MMIO pages
 *    are not counted); a private page mapped writable has exactly one
 *    reference, so copy-on-write can never leak a write to another process;
 *  - the heap is exactly [heap_start, PGROUNDUP(brk)): the VM_HEAP mappings
 *    (one, or the pieces mprotect cut it into) cover it without a hole and
 *    nothing else is VM_HEAP; none while brk == heap_start;
 *    heap_start <= brk <= heap_start + HEAP_MAX;
 *  - a mapping's object (a struct shm) holds one reference per node;
 *  - a MAP_SHARED node (object, not VM_PRIVATE) is one of its object's
 *    views and counts in its nwrite/nexec (mm/shm.h): W^X holds per object
 *    across every process, not only per mapping.
 *
 * Every operation validates all of its arguments and reserves what it
 * needs (nodes, pages) before changing anything: a failed call leaves the
 * list and the page table as they were.
 *
 * Lock: pm->lock (a spinlock) protects the fields marked [L] below. Faults
 * take it too and never sleep: file pages are read when the mapping is
 * made, not at fault time. Lock order: p->lock -> pm->lock ->
 * shm_views_lock -> shm->lock -> kmem.lock. Disk I/O (write-back of shared file mappings) happens after
 * pm->lock is released. Fields marked "fixed by exec" are set before the
 * procmem is published in p->mem and never change after.
 */
#ifndef KITE_PROCMEM_H
#define KITE_PROCMEM_H

#include "lib/spinlock.h"
#include "mm/vmlist.h"
#include <kite/mman.h>

struct shm;

enum pm_access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

/* What the debug-build checker did and owes (mm/pmview.c), in units of
 * nodes and PTEs looked at. */
struct pm_checks {
  int64 budget;             /* what the sweep may still spend (< 0: overspent) */
  uint64 sweep_pos;         /* where the sweep goes on; USER_TOP: at the end */
  uint64 sweep_work;        /* what this pass of the sweep cost so far */
  uint64 last_whole;        /* what the last whole check (or pass) cost */
  uint64 changes, wholes;   /* changes checked near what they touched; whole checks */
  uint64 change_work, whole_work;
};

struct procmem {
  struct spinlock lock;
  pagetable_t pt;           /* [L] */
  struct vmlist list;       /* [L] */
  uint64 heap_start;        /* fixed by exec */
  uint64 brk;               /* [L] current break, byte granular */
  uint64 mmap_top;          /* fixed by exec: kernel-chosen mmaps go below */
  struct pm_checks checks;  /* [L] debug builds */
};

/* Where procmem_map() puts a mapping. */
enum pm_place {
  PM_PLACE_HINT,            /* addr is a hint (0: none); never replaces anything */
  PM_PLACE_FIXED,           /* exactly at addr, replacing what is there (MAP_FIXED) */
  PM_PLACE_FIXED_FREE,      /* exactly at addr, which must be free (-EEXIST) */
};

/* What to map: the arguments of procmem_map(). */
struct pm_map_req {
  uint64 addr, len;
  enum pm_place place;
  enum vm_type type;
  uint32 prot;              /* VM_PROT_* */
  uint32 flags;             /* VM_PRIVATE, VM_LAZY, VM_GROWSDOWN, VM_NOWRITE */
  struct shm *object;       /* reference handed over to the mapping */
  uint64 offset;            /* into object */
  struct shm *staged;       /* if set: pages for object (shm_adopt) when committed */
  uint64 phys;              /* VM_MMIO */
  const char *name;
};

struct procmem *procmem_create(uint64 trapframe_pa);
void   procmem_destroy(struct procmem *pm);   /* process context: may write back files */

/* Map; *addr_out gets the address. On failure the request's object
 * reference is still the caller's, and the object is as it was; staged
 * stays the caller's either way. */
int    procmem_map(struct procmem *pm, const struct pm_map_req *req, uint64 *addr_out);
int    procmem_guard(struct procmem *pm, uint64 addr, uint64 len);
int    procmem_unmap(struct procmem *pm, uint64 addr, uint64 len);
int    procmem_protect(struct procmem *pm, uint64 addr, uint64 len, uint32 prot);
int    procmem_check_range(struct procmem *pm, uint64 addr, uint64 len, uint32 type_mask,
                           uint32 prot);
int    procmem_find_free(struct procmem *pm, uint64 len, uint64 *addr);
void   procmem_query(struct procmem *pm, uint64 addr, struct kite_mapping *out);
/* Up to max records of mappings starting at or above from; returns how
 * many were written. */
int    procmem_list(struct procmem *pm, uint64 from, struct kite_mapping *buf, int max);
int    procmem_count(struct procmem *pm);

/* How heap growth gets its pages (mm/pmbrk.c). */
enum pm_brk_fill {
  BRK_LAZY,                 /* on first touch */
  BRK_EAGER,                /* every new page now, or -ENOMEM */
};
/* Move the break by incr bytes; *old gets the break before the call.
 * 0, or -ENOMEM with nothing changed. */
int    procmem_sbrk(struct procmem *pm, long incr, enum pm_brk_fill fill, uint64 *old);
/* Set the break (lazily); returns the break now in force: the new one, or
 * the old one if that failed (so procmem_brk(pm, 0) just reads it). */
uint64 procmem_brk(struct procmem *pm, uint64 newbrk);
int    procmem_fork(struct procmem *old, struct procmem *new);

/* Resolve a user fault at va: 0, or -EFAULT/-ENOMEM with *why saying
 * what was hit (for the console). */
int    procmem_fault(struct procmem *pm, uint64 va, enum pm_access access, const char **why);
/* Kernel address of user byte va, faulting the page in for access; 0 if
 * the access is not allowed. */
uint64 procmem_translate(struct procmem *pm, uint64 va, enum pm_access access);
/* Kernel address of the page at va regardless of protection (exec fills
 * read-only text with it before the program runs); 0 if impossible. */
uint64 procmem_load_page(struct procmem *pm, uint64 va);
/* exec's last step: place the heap after the image and the top of the
 * mmap area, each moved by a random number of pages unless KITE_ASLR is 0. */
void   procmem_set_layout(struct procmem *pm, uint64 image_end);

int    procmem_check(struct procmem *pm);     /* 0, or prints what broke (lock held) */
/* The same, adding the mappings and pages it looked at to *work. */
int    procmem_check_work(struct procmem *pm, uint64 *work);
void   procmem_dump(struct procmem *pm);      /* for gdb: call procmem_dump(p->mem) */
/* SYS_memcheck's operations (<kite/syscall.h>); -ENOSYS unless debug. */
long   procmem_memcheck(struct procmem *pm, int op, uint64 addr, uint64 counts[]);

#endif
