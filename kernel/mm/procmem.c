/* Process memory; see procmem.h. */
#include "mm/procmem.h"
#include "mm/kalloc.h"
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "lib/printf.h"
#include "lib/string.h"
#include <kite/errno.h>

extern char trampoline[];

static int pt_perm_of(int prot)
{
  int perm = PT_USER;
  if (prot & PM_READ)  perm |= PT_READ;
  if (prot & PM_WRITE) perm |= PT_WRITE | PT_READ;
  if (prot & PM_EXEC)  perm |= PT_EXEC;
  return perm;
}

struct procmem *procmem_create(uint64 trapframe_pa)
{
  struct procmem *pm = kzalloc();
  if (pm == NULL)
    return NULL;
  pm->pt = pt_create();
  if (pm->pt == NULL)
    goto fail;
  if (pt_map(pm->pt, TRAMPOLINE, (uint64)trampoline, PGSIZE, PT_READ | PT_EXEC) < 0)
    goto fail;
  if (pt_map(pm->pt, TRAPFRAME, trapframe_pa, PGSIZE, PT_READ | PT_WRITE) < 0)
    goto fail;
  return pm;
fail:
  procmem_destroy(pm);
  return NULL;
}

void procmem_destroy(struct procmem *pm)
{
  if (pm->pt) {
    for (int i = 0; i < pm->nregions; i++)
      pt_unmap(pm->pt, pm->r[i].start, (pm->r[i].end - pm->r[i].start) / PGSIZE, UNMAP_FREE);
    pt_unmap(pm->pt, TRAMPOLINE, 1, UNMAP_KEEP);
    pt_unmap(pm->pt, TRAPFRAME, 1, UNMAP_KEEP);
    pt_destroy(pm->pt);
  }
  kfree(pm);
}

uint64 procmem_satp(struct procmem *pm) { return pt_satp(pm->pt); }

struct pm_region *procmem_find(struct procmem *pm, uint64 va)
{
  for (int i = 0; i < pm->nregions; i++)
    if (va >= pm->r[i].start && va < pm->r[i].end)
      return &pm->r[i];
  return NULL;
}

/* Index of the first region ending above va. */
static int first_after(struct procmem *pm, uint64 va)
{
  int i = 0;
  while (i < pm->nregions && pm->r[i].end <= va)
    i++;
  return i;
}

int procmem_map_anon(struct procmem *pm, uint64 start, uint64 len, enum pm_type type, int prot)
{
  uint64 end = start + len;
  if ((start | len) & (PGSIZE - 1) || len == 0 || end < start)
    return -KITE_EINVAL;
  if (start < USER_BASE || end > USER_TOP)
    return -KITE_EINVAL;
  if ((prot & PM_WRITE) && (prot & PM_EXEC))
    return -KITE_EACCES;
  if (pm->nregions == PM_MAX_REGIONS)
    return -KITE_ENOMEM;
  int i = first_after(pm, start);
  if (i < pm->nregions && pm->r[i].start < end)
    return -KITE_EEXIST;
  memmove(&pm->r[i + 1], &pm->r[i], (pm->nregions - i) * sizeof pm->r[0]);
  pm->r[i] = (struct pm_region){ start, end, type, prot };
  pm->nregions++;
  return 0;
}

static void remove_region(struct procmem *pm, struct pm_region *r)
{
  int i = r - pm->r;
  memmove(&pm->r[i], &pm->r[i + 1], (pm->nregions - i - 1) * sizeof pm->r[0]);
  pm->nregions--;
}

static int access_allowed(const struct pm_region *r, enum pm_access access)
{
  switch (access) {
  case ACCESS_READ:  return (r->prot & PM_READ) != 0;
  case ACCESS_WRITE: return (r->prot & PM_WRITE) != 0;
  case ACCESS_EXEC:  return (r->prot & PM_EXEC) != 0;
  }
  return 0;
}

int procmem_fault(struct procmem *pm, uint64 va, enum pm_access access, const char **why)
{
  struct pm_region *r = procmem_find(pm, va);
  if (r == NULL) {
    *why = "unmapped address";
    return -KITE_EFAULT;
  }
  if (r->type == PM_GUARD) {
    *why = (r + 1 < pm->r + pm->nregions && r[1].type == PM_STACK && r[1].start == r->end)
               ? "stack overflow (guard below the stack)" : "guard region";
    return -KITE_EFAULT;
  }
  if (!access_allowed(r, access)) {
    *why = access == ACCESS_WRITE ? "write to a read-only mapping"
         : access == ACCESS_EXEC  ? "execute from a non-executable mapping"
                                  : "read from an unreadable mapping";
    return -KITE_EFAULT;
  }
  uint64 page = PGROUNDDOWN(va);
  if (pt_lookup(pm->pt, page, NULL))
    return 0;                              /* already there (another path) */
  void *pa = kzalloc();
  if (pa == NULL) {
    *why = "out of memory";
    return -KITE_ENOMEM;
  }
  if (pt_map(pm->pt, page, (uint64)pa, PGSIZE, pt_perm_of(r->prot)) < 0) {
    kfree(pa);
    *why = "out of memory";
    return -KITE_ENOMEM;
  }
  return 0;
}

uint64 procmem_translate(struct procmem *pm, uint64 va, enum pm_access access)
{
  int perm = 0;
  uint64 pa = pt_lookup(pm->pt, va, &perm);
  int need = access == ACCESS_WRITE ? PT_WRITE : PT_READ;
  if (pa && (perm & PT_USER) && (perm & need))
    return pa + (va & (PGSIZE - 1));
  const char *why;
  if (procmem_fault(pm, va, access, &why) < 0)
    return 0;
  pa = pt_lookup(pm->pt, va, &perm);
  return pa ? pa + (va & (PGSIZE - 1)) : 0;
}

uint64 procmem_load_page(struct procmem *pm, uint64 va)
{
  struct pm_region *r = procmem_find(pm, va);
  if (r == NULL || r->type == PM_GUARD)
    return 0;
  uint64 page = PGROUNDDOWN(va);
  uint64 pa = pt_lookup(pm->pt, page, NULL);
  if (pa)
    return pa;
  void *mem = kzalloc();
  if (mem == NULL)
    return 0;
  if (pt_map(pm->pt, page, (uint64)mem, PGSIZE, pt_perm_of(r->prot)) < 0) {
    kfree(mem);
    return 0;
  }
  return (uint64)mem;
}

/* Eager copy of every resident page (copy-on-write comes with the process
 * memory work); lazy pages stay lazy in the child. */
int procmem_fork(struct procmem *old, struct procmem *new)
{
  memmove(new->r, old->r, sizeof old->r);
  new->nregions = old->nregions;
  new->heap_start = old->heap_start;
  new->brk = old->brk;
  for (int i = 0; i < old->nregions; i++) {
    for (uint64 va = old->r[i].start; va < old->r[i].end; va += PGSIZE) {
      int perm;
      uint64 pa = pt_lookup(old->pt, va, &perm);
      if (pa == 0)
        continue;
      void *copy = kalloc();
      if (copy == NULL)
        return -KITE_ENOMEM;
      memmove(copy, (void *)pa, PGSIZE);
      if (pt_map(new->pt, va, (uint64)copy, PGSIZE, perm) < 0) {
        kfree(copy);
        return -KITE_ENOMEM;
      }
    }
  }
  return 0;
}

static struct pm_region *heap_region(struct procmem *pm)
{
  struct pm_region *r = procmem_find(pm, pm->heap_start);
  return (r && r->type == PM_HEAP) ? r : NULL;
}

uint64 procmem_brk(struct procmem *pm, uint64 newbrk)
{
  if (newbrk < pm->heap_start)
    return pm->brk;
  uint64 oldend = PGROUNDUP(pm->brk), newend = PGROUNDUP(newbrk);
  if (newend < newbrk)                           /* wrapped */
    return pm->brk;
  struct pm_region *h = heap_region(pm);
  if (newend > oldend) {
    int i = first_after(pm, oldend);
    if (newend > USER_TOP || (i < pm->nregions && pm->r[i].start < newend))
      return pm->brk;
    if (h)
      h->end = newend;
    else if (procmem_map_anon(pm, pm->heap_start, newend - pm->heap_start, PM_HEAP,
                              PM_READ | PM_WRITE) < 0)
      return pm->brk;
  } else if (newend < oldend) {
    pt_unmap(pm->pt, newend, (oldend - newend) / PGSIZE, UNMAP_FREE);
    pt_flush();
    if (newend == pm->heap_start)
      remove_region(pm, h);
    else
      h->end = newend;
  }
  pm->brk = newbrk;
  return newbrk;
}

void procmem_dump(struct procmem *pm)
{
  static const char *names[] = { "code", "data", "heap", "stack", "guard", "anon" };
  for (int i = 0; i < pm->nregions; i++) {
    struct pm_region *r = &pm->r[i];
    printf("%lx-%lx %c%c%c %s\n", r->start, r->end,
           r->prot & PM_READ ? 'r' : '-', r->prot & PM_WRITE ? 'w' : '-',
           r->prot & PM_EXEC ? 'x' : '-', names[r->type]);
  }
}
