/*
 * Physical page allocator with per-page reference counts; see kalloc.h.
 *
 * The count array sits in the first pages of free RAM, one uint32 per
 * managed page: refcnt[(pa - base) / PGSIZE].
 */
#include "mm/kalloc.h"
#include "arch/riscv.h"
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "lib/string.h"

struct run { struct run *next; };

static struct {
  struct spinlock lock;
  struct run *freelist;
  uint32 *refcnt;
  uint64 base, top;         /* managed pages: [base, top) */
  uint64 nfree, ntotal;
} kmem;

static uint32 *refp(void *pa)
{
  uint64 a = (uint64)pa;
  if ((a & (PGSIZE - 1)) || a < kmem.base || a >= kmem.top)
    panic("kalloc: %p is not a managed page", pa);
  return &kmem.refcnt[(a - kmem.base) / PGSIZE];
}

/* Does page pa meet [lo, hi)? */
static int page_meets(uint64 pa, uint64 lo, uint64 hi)
{
  return pa < hi && pa + PGSIZE > lo;
}

void kinit(uint64 first_free, uint64 ram_end, uint64 keep_lo, uint64 keep_hi)
{
  initlock(&kmem.lock, "kmem");
  uint64 npages = (ram_end - PGROUNDUP(first_free)) / PGSIZE;   /* an upper bound */
  uint64 array = PGROUNDUP(first_free);
  if (keep_lo < PGROUNDUP(array + npages * sizeof(uint32)) && keep_hi > array)
    array = PGROUNDUP(keep_hi);     /* the counts must not overwrite what is kept */
  kmem.refcnt = (uint32 *)array;
  kmem.base = PGROUNDUP((uint64)(kmem.refcnt + npages));
  kmem.top = PGROUNDDOWN(ram_end);
  memset(kmem.refcnt, 0, npages * sizeof(uint32));
  for (uint64 pa = kmem.top - PGSIZE; pa >= kmem.base; pa -= PGSIZE) {
    if (page_meets(pa, keep_lo, keep_hi)) {
      *refp((void *)pa) = 1;        /* allocated for good */
      continue;
    }
    struct run *r = (struct run *)pa;
    r->next = kmem.freelist;
    kmem.freelist = r;
    kmem.nfree++;
  }
  kmem.ntotal = kmem.nfree;
}

/* Take a page off the free list with reference count 1, or NULL. */
static void *take_page(void)
{
  acquire(&kmem.lock);
  struct run *r = kmem.freelist;
  if (r) {
    kmem.freelist = r->next;
    kmem.nfree--;
    *refp(r) = 1;
  }
  release(&kmem.lock);
  return r;
}

void *kalloc(void)
{
  void *pa = take_page();
  if (pa)
    memset(pa, 0x5a, PGSIZE);    /* junk: catches use of uninitialised pages */
  return pa;
}

/* Filled once, with zeros: every lazy page fault comes through here. */
void *kzalloc(void)
{
  void *pa = take_page();
  if (pa)
    memset(pa, 0, PGSIZE);
  return pa;
}

void kfree(void *pa)
{
  acquire(&kmem.lock);
  uint32 *ref = refp(pa);
  if (*ref == 0)
    panic("kfree: %p freed twice", pa);
  if (--*ref > 0) {
    release(&kmem.lock);
    return;
  }
#if KITE_DEBUG
  memset(pa, 0x6b, PGSIZE);      /* poison: a use after free reads junk */
#endif
  struct run *r = pa;
  r->next = kmem.freelist;
  kmem.freelist = r;
  kmem.nfree++;
  release(&kmem.lock);
}

void kref_get(void *pa)
{
  acquire(&kmem.lock);
  uint32 *ref = refp(pa);
  if (*ref == 0)
    panic("kref_get: %p is free", pa);
  (*ref)++;
  release(&kmem.lock);
}

int kref_count(void *pa)
{
  acquire(&kmem.lock);
  int n = *refp(pa);
  release(&kmem.lock);
  return n;
}

uint64 kfree_pages(void) { return kmem.nfree; }
uint64 ktotal_pages(void) { return kmem.ntotal; }
