/* procmem: the maps view (query, list, dump) and the invariant checker. */
#include "mm/pmint.h"
#include "mm/kalloc.h"
#include "mm/shm.h"
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "lib/printf.h"
#include "lib/string.h"
#include <kite/errno.h>

/* The user ABI numbers the types and flags as vmlist does. */
STATIC_ASSERT((int)KITE_VM_CODE == (int)VM_CODE && (int)KITE_VM_FILE == (int)VM_FILE &&
              (int)KITE_VM_KERNEL == (int)VM_KERNEL, "vm types");
STATIC_ASSERT(KITE_VMF_PRIVATE == VM_PRIVATE && KITE_VMF_LAZY == VM_LAZY &&
              KITE_VMF_GROWSDOWN == VM_GROWSDOWN, "vm flags");
STATIC_ASSERT(KITE_PROT_READ == VM_PROT_READ && KITE_PROT_WRITE == VM_PROT_WRITE &&
              KITE_PROT_EXEC == VM_PROT_EXEC, "prot bits");

static int count_page(uint64 va, uint64 pa, int *perm, void *arg)
{
  (*(uint32 *)arg)++;
  return 0;
}

static void fill_record(struct procmem *pm, struct vm_mapping *m, struct kite_mapping *out)
{
  memset(out, 0, sizeof *out);
  out->start = m->start;
  out->end = m->end;
  out->offset = m->offset;
  out->prot = m->prot;
  out->type = m->type;
  out->flags = m->flags & (VM_PRIVATE | VM_LAZY | VM_GROWSDOWN);
  if (m->object && !(m->flags & VM_PRIVATE))
    out->flags |= KITE_VMF_SHARED;
  struct shm *obj = m->object;
  if (m->type == VM_FILE && obj) {
    out->offset = obj->file_off + m->offset;
    out->inum = obj->inum;
  }
  if (vm_has_pages(m))
    pt_for_each(pm->pt, m->start, m->end, count_page, &out->resident);
  safestrcpy(out->name, m->name, sizeof out->name);
}

void procmem_query(struct procmem *pm, uint64 addr, struct kite_mapping *out)
{
  struct vm_query q;
  acquire(&pm->lock);
  if (addr >= USER_BASE && addr < USER_TOP && vmlist_query(&pm->list, addr, &q) == 0 &&
      q.mapping) {
    fill_record(pm, q.mapping, out);
  } else {
    memset(out, 0, sizeof *out);
    out->type = KITE_VM_FREE;
    if (addr >= USER_BASE && addr < USER_TOP) {
      out->start = q.start;
      out->end = q.end;
    } else {                                  /* outside user space: just that page */
      out->start = PGROUNDDOWN(addr);
      out->end = out->start + PGSIZE;
    }
  }
  release(&pm->lock);
}

int procmem_list(struct procmem *pm, uint64 from, struct kite_mapping *buf, int max)
{
  int n = 0;
  acquire(&pm->lock);
  struct vm_mapping *m = vmlist_find_intersect(&pm->list, MAX(from, (uint64)USER_BASE), USER_TOP);
  for (; m && n < max; m = vmlist_next(m))
    if (m->start >= from)
      fill_record(pm, m, &buf[n++]);
  release(&pm->lock);
  return n;
}

/* ------------------------------------------------------------------ */

struct check_ctx {
  struct procmem *pm;
  int bad;
  uint64 pages;
};

static int check_page(uint64 va, uint64 pa, int *perm, void *arg)
{
  struct check_ctx *c = arg;
  struct vm_mapping *m = vmlist_find(&c->pm->list, va);
  c->pages++;
  const char *what = NULL;
  int allowed = m ? pm_pte_perm(m->prot) : 0;
  if (m == NULL)
    what = "page outside every mapping";
  else if (m->type == VM_GUARD)
    what = "page inside a guard";
  else if (!(*perm & PT_USER))
    what = "user page without the U bit";
  else if (*perm & ~allowed)
    what = "page grants more than its mapping";
  else if (m->type != VM_MMIO && kref_count((void *)pa) < 1)
    what = "mapped page with no reference";
  else if ((m->flags & VM_PRIVATE) && (*perm & PT_WRITE) && kref_count((void *)pa) != 1)
    what = "writable private page shared with someone else";
  else if (m->object && !(m->flags & VM_PRIVATE) && kref_count((void *)pa) < 2)
    what = "shared-object page not held by its object";
  if (what) {
    printf("procmem_check: %s: va %p pa %p perm %x", what, (void *)va, (void *)pa, *perm);
    if (m)
      printf(" in mapping [%p, %p) type %d prot %x", (void *)m->start, (void *)m->end,
             m->type, m->prot);
    printf("\n");
    c->bad = 1;
  }
  return 0;
}

/* The heap is exactly [heap_start, PGROUNDUP(brk)): the VM_HEAP mappings
 * (one, or the pieces mprotect cut) cover it without a hole, and no
 * mapping outside it is VM_HEAP. */
static int check_heap(struct procmem *pm, uint64 *work)
{
  uint64 end = PGROUNDUP(pm->brk), pos = pm->heap_start;
  int bad = 0;
  for (struct vm_mapping *m = vmlist_first(&pm->list); m; m = vmlist_next(m)) {
    (*work)++;
    if (m->type != VM_HEAP)
      continue;
    if (m->start != pos || m->end > end) {
      printf("procmem_check: heap mapping [%p, %p) outside the heap [%p, %p) or not at %p\n",
             (void *)m->start, (void *)m->end, (void *)pm->heap_start, (void *)end,
             (void *)pos);
      bad = 1;
    }
    pos = m->end;
  }
  if (pos < end) {
    printf("procmem_check: the heap [%p, %p) is mapped only up to %p\n",
           (void *)pm->heap_start, (void *)end, (void *)pos);
    bad = 1;
  }
  return bad;
}

/* A view that grants write or exec must be counted so by its object. */
static int views_uncounted(struct procmem *pm, uint64 *work)
{
  int bad = 0;
  shm_views_lock();
  for (struct vm_mapping *m = vmlist_first(&pm->list); m && !bad; m = vmlist_next(m)) {
    struct shm *obj = m->object;
    (*work)++;
    if (pm_is_view(m) && (((m->prot & VM_PROT_WRITE) && obj->nwrite < 1) ||
                          ((m->prot & VM_PROT_EXEC) && obj->nexec < 1))) {
      printf("procmem_check: view [%p, %p) prot %x of object %p not counted (%d w, %d x)\n",
             (void *)m->start, (void *)m->end, m->prot, obj, obj->nwrite, obj->nexec);
      bad = 1;
    }
  }
  shm_views_unlock();
  return bad;
}

/* Caller holds pm->lock (or owns pm outright). */
int procmem_check(struct procmem *pm)
{
  uint64 work = 0;
  return procmem_check_work(pm, &work);
}

int procmem_check_work(struct procmem *pm, uint64 *work)
{
  *work += vmlist_count(&pm->list);
  if (vmlist_check(&pm->list) != 0)
    return -KITE_EINVAL;
  /* Every page outside the kernel windows (whose pages are the kernel's). */
  struct check_ctx c = { pm, 0, 0 };
  pt_for_each(pm->pt, 0, KWIN_RAM_LO, check_page, &c);
  pt_for_each(pm->pt, kwin_ram_hi, KWIN_STACK_LO, check_page, &c);
  pt_for_each(pm->pt, KSTACK_TOP, USER_TOP, check_page, &c);
  if (views_uncounted(pm, work))
    c.bad = 1;
  if (pm->brk < pm->heap_start || pm->brk - pm->heap_start > KITE_HEAP_MAX) {
    printf("procmem_check: break %p outside the heap at %p\n", (void *)pm->brk,
           (void *)pm->heap_start);
    c.bad = 1;
  } else if (check_heap(pm, work)) {
    c.bad = 1;
  }
  *work += c.pages;
  return c.bad ? -KITE_EINVAL : 0;
}

void procmem_dump(struct procmem *pm)
{
  static const char *types[] = { "code", "data", "heap", "stack", "guard", "shared",
                                 "mmio", "anon", "file", "kernel" };
  for (struct vm_mapping *m = vmlist_first(&pm->list); m; m = vmlist_next(m)) {
    uint32 resident = 0;
    if (vm_has_pages(m))
      pt_for_each(pm->pt, m->start, m->end, count_page, &resident);
    printf("%p-%p %c%c%c%c %s %d pages resident %s\n", (void *)m->start, (void *)m->end,
           m->prot & VM_PROT_READ ? 'r' : '-', m->prot & VM_PROT_WRITE ? 'w' : '-',
           m->prot & VM_PROT_EXEC ? 'x' : '-', m->object && !(m->flags & VM_PRIVATE) ? 's' : 'p',
           types[m->type], resident, m->name);
  }
}
