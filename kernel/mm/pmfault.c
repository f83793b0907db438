/*
 * Page faults of user memory: lazy zero-fill, copy-on-write, shared-object
 * page-in and guard classification. Also the translation of user addresses
 * that the usercopy layer and exec use.
 */
#include "mm/pmint.h"
#include "mm/kalloc.h"
#include "mm/shm.h"
#include "arch/pagetable.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include <kite/errno.h>

static uint32 needed_prot(enum pm_access access)
{
  return access == ACCESS_WRITE ? VM_PROT_WRITE
       : access == ACCESS_EXEC  ? VM_PROT_EXEC : VM_PROT_READ;
}

static const char *denied(enum pm_access access)
{
  return access == ACCESS_WRITE ? "write to a mapping without write permission"
       : access == ACCESS_EXEC  ? "execute from a non-executable mapping"
                                : "read from a mapping without read permission";
}

/* Which guard was hit: the one right below the stack means the stack ran
 * over its end. */
static const char *guard_kind(struct vm_mapping *g)
{
  struct vm_mapping *above = vmlist_next(g);
  if (above && above->type == VM_STACK && above->start == g->end)
    return "stack overflow: hit the guard below the stack";
  return "hit a guard region";
}

/* A write to a present read-only page of a writable mapping: for a
 * private mapping, copy-on-write; a page nobody else holds (reference
 * count 1: only this PTE) is made writable in place, as is any page of a
 * shared mapping. */
static int break_cow_locked(struct procmem *pm, struct vm_mapping *m, uint64 page, uint64 pa)
{
  int perm = pm_pte_perm(m->prot);
  if (!(m->flags & VM_PRIVATE) || kref_count((void *)pa) == 1) {
    pt_remap(pm->pt, page, pa, perm);
    return 0;
  }
  void *copy = kalloc();
  if (copy == NULL)
    return -KITE_ENOMEM;
  memmove(copy, (void *)pa, PGSIZE);
  pt_remap(pm->pt, page, (uint64)copy, perm);
  kfree((void *)pa);                         /* this PTE's reference */
  return 0;
}

/* Map the page at `page` for the first time. */
static int fill_page_locked(struct procmem *pm, struct vm_mapping *m, uint64 page)
{
  int perm = pm_pte_perm(m->prot);
  uint64 pa;
  if (m->type == VM_MMIO) {
    pa = m->phys + (page - m->start);
  } else if (m->object) {
    pa = shm_page(m->object, (m->offset + (page - m->start)) / PGSIZE, 1);
    if (pa == 0)
      return -KITE_ENOMEM;
    kref_get((void *)pa);                    /* the PTE's own reference */
    if (m->flags & VM_PRIVATE)
      perm &= ~PT_WRITE;                     /* the object's page: copy on write */
  } else {
    void *mem = kzalloc();
    if (mem == NULL)
      return -KITE_ENOMEM;
    pa = (uint64)mem;
  }
  if (pt_map(pm->pt, page, pa, PGSIZE, perm) < 0) {
    if (m->type != VM_MMIO)
      kfree((void *)pa);
    return -KITE_ENOMEM;
  }
  return 0;
}

static int fault_locked(struct procmem *pm, uint64 va, enum pm_access access, const char **why)
{
  struct vm_mapping *m = vmlist_find(&pm->list, va);
  if (m == NULL) {
    *why = "no mapping at this address";
    return -KITE_EFAULT;
  }
  if (m->type == VM_GUARD) {
    *why = guard_kind(m);
    return -KITE_EFAULT;
  }
  if (m->type == VM_KERNEL) {
    *why = "kernel address";
    return -KITE_EFAULT;
  }
  if (!(m->prot & needed_prot(access))) {
    *why = denied(access);
    return -KITE_EFAULT;
  }
  uint64 page = PGROUNDDOWN(va);
  int perm;
  uint64 pa = pt_lookup(pm->pt, page, &perm);
  int err = 0;
  if (pa == 0)
    err = fill_page_locked(pm, m, page);
  else if (access == ACCESS_WRITE && !(perm & PT_WRITE))
    err = break_cow_locked(pm, m, page, pa);
  if (err < 0)
    *why = "out of memory";
  pt_flush_page(page);                     /* only this page's PTE changed */
  return err;
}

int procmem_fault(struct procmem *pm, uint64 va, enum pm_access access, const char **why)
{
  acquire(&pm->lock);
  int err = fault_locked(pm, va, access, why);
  release(&pm->lock);
  return err;
}

uint64 procmem_translate(struct procmem *pm, uint64 va, enum pm_access access)
{
  const char *why;
  int need = access == ACCESS_WRITE ? PT_WRITE : PT_READ;
  int perm;
  acquire(&pm->lock);
  uint64 pa = pt_lookup(pm->pt, va, &perm);
  if (!pa || !(perm & PT_USER) || !(perm & need)) {
    pa = 0;
    if (fault_locked(pm, va, access, &why) == 0)
      pa = pt_lookup(pm->pt, va, &perm);
  }
  release(&pm->lock);
  return pa ? pa + (va & (PGSIZE - 1)) : 0;
}

uint64 procmem_load_page(struct procmem *pm, uint64 va)
{
  acquire(&pm->lock);
  struct vm_mapping *m = vmlist_find(&pm->list, va);
  uint64 page = PGROUNDDOWN(va), pa = 0;
  if (m && vm_has_pages(m) && m->object == NULL && m->type != VM_MMIO) {
    pa = pt_lookup(pm->pt, page, NULL);
    if (pa == 0 && fill_page_locked(pm, m, page) == 0)
      pa = pt_lookup(pm->pt, page, NULL);
  }
  release(&pm->lock);
  return pa;
}
