/* procmem: fork (copy-on-write). */
#include "mm/pmint.h"
#include "mm/kalloc.h"
#include "mm/shm.h"
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "lib/string.h"
#include "lib/printf.h"
#include <kite/errno.h>

struct fork_ctx {
  struct procmem *child;
  struct vm_mapping *m;
  int err;
};

/* Share one resident page with the child. Private writable pages become
 * read-only in both (copy-on-write); shared and device pages keep their
 * permissions. Returns 1 when the parent's PTE changed. */
static int fork_page(uint64 va, uint64 pa, int *perm, void *arg)
{
  struct fork_ctx *c = arg;
  int changed = 0;
  if (c->err)
    return 0;
  if (c->m->type != VM_MMIO)
    kref_get((void *)pa);
  if ((c->m->flags & VM_PRIVATE) && (*perm & PT_WRITE)) {
    *perm &= ~PT_WRITE;
    changed = 1;
  }
  if (pt_map(c->child->pt, va, pa, PGSIZE, *perm) < 0) {
    if (c->m->type != VM_MMIO)
      kfree((void *)pa);
    c->err = -KITE_ENOMEM;
  }
  return changed;
}

static void copy_mapping(struct vm_mapping *dst, const struct vm_mapping *src)
{
  dst->start = src->start;
  dst->end = src->end;
  dst->type = src->type;
  dst->prot = src->prot;
  dst->flags = src->flags;
  dst->object = src->object;
  dst->offset = src->offset;
  dst->phys = src->phys;
  memmove(dst->name, src->name, sizeof dst->name);
}

/* The child is new and private to the caller; on failure the caller
 * destroys it, which undoes whatever was copied. */
int procmem_fork(struct procmem *old, struct procmem *new)
{
  struct vm_mapping *chain = NULL;
  int n = procmem_count(old);           /* only this process changes its list */
  for (int i = 0; i < n; i++) {
    struct vm_mapping *m = node_alloc();
    if (m == NULL)
      goto nomem;
    m->chain = chain;
    chain = m;
  }

  struct fork_ctx c = { new, NULL, 0 };
  acquire(&old->lock);
  for (struct vm_mapping *m = vmlist_first(&old->list); m && c.err == 0; m = vmlist_next(m)) {
    if (m->type == VM_KERNEL)
      continue;                         /* the child was born with its windows */
    struct vm_mapping *copy = chain;
    if (copy == NULL) {                 /* the list grew after it was counted */
      c.err = -KITE_ENOMEM;
      break;
    }
    chain = chain->chain;
    copy_mapping(copy, m);
    pm_object_dup_locked(copy);
    if (vmlist_insert(&new->list, copy) < 0)
      panic("procmem_fork: cannot insert a copy of a valid mapping");
    c.m = m;
    if (vm_has_pages(m))
      pt_for_each(old->pt, m->start, m->end, fork_page, &c);
  }
  pt_flush();                           /* the parent's PTEs lost write access */
  new->heap_start = old->heap_start;
  new->brk = old->brk;
  new->mmap_top = old->mmap_top;
  if (c.err == 0)
    pm_debug_check_all(old);          /* fork's own work is of this size */
  release(&old->lock);
  if (c.err == 0)
    pm_debug_check_all(new);
  while (chain) {
    struct vm_mapping *m = chain;
    chain = m->chain;
    node_free(m);
  }
  return c.err;

nomem:
  while (chain) {
    struct vm_mapping *m = chain;
    chain = m->chain;
    node_free(m);
  }
  return -KITE_ENOMEM;
}
