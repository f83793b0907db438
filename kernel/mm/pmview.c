/* procmem: the maps view (query, list, dump) and the invariant checker. */
#include "mm/pmint.h"
#include "mm/kalloc.h"
#include "mm/shm.h"
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "lib/printf.h"
#include "lib/string.h"
#include <kite/errno.h>
#include <kite/syscall.h>

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

/*
 * The invariant checker (the invariants are listed in procmem.h), and
 * what debug builds run of it. Costs are counted in units: one per list
 * node or page-table entry looked at, LEAF_UNITS per resident page checked
 * (its reference count is read under kmem.lock).
 *
 *  - The whole check, procmem_check(): the mapping list (vmlist_check),
 *    every PTE of user space against the mapping it lies in, the break and
 *    the heap. O(mappings + page-table entries).
 *  - The check near a change to [a, b), after every change: the mappings
 *    meeting [a - 1 page, b + 1 page) and one on each side, with their
 *    paths to the root of the list (vmlist_check_near); the PTEs in that
 *    range; the break; the heap's two ends and its pieces in that range.
 *    O(what the change touched, times log mappings).
 *
 * The whole check is amortised against the process's own work, and
 * spread out so that no one change pays for all of it. Each change earns
 * a budget: CHECK_BASE units (what its system call costs) plus the cost of
 * its near check (about what the change itself touched), times
 * KITE_MEMCHECK_RATIO. Once it reaches SWEEP_PIECE (so that walking down
 * to where the sweep stopped is paid for many times over), it is spent by
 * the sweep, which does the whole check a piece at a time: it goes up through user space
 * from where it stopped, a hole or a piece of a mapping (as many pages as
 * the budget pays for) at a time, and at the top it checks the list as a
 * whole, the break and the heap, and starts again from the bottom. What
 * a piece costs beyond the budget is owed by the next change. So the
 * sweep costs at most KITE_MEMCHECK_RATIO times what the changes earned,
 * plus one piece, and a pass over a process comes round as often as its
 * size allows: growing the heap a page at a time to 30,000 pages costs
 * the same per step at the end as at the start, with no step paying for
 * a whole pass. The whole check also runs in one go at fork (for parent
 * and child: fork's own work is of that size), at exit, and on demand:
 * procmem_check() from gdb, SYS_memcheck from a test.
 *
 * Nothing here changes a process's memory, except the SYS_memcheck
 * operations that damage it on purpose, run both checks, and repair it,
 * to show that the checks see the damage.
 */
/* Measured under QEMU: an entry looked at costs about 40 ns, a resident
 * page checked about 3 us (its reference count is read under kmem.lock). */
#define LEAF_UNITS  64    /* a resident page checked, against an entry looked at */
#define CHECK_BASE  32    /* a change's system call, in units */
#define SWEEP_PIECE 8192  /* the sweep waits for a budget this big (~128 pages) */
/* What a page gained adds to the whole check: its check, its entry and
 * its share of a page-table page; see SYS_memcheck. */
STATIC_ASSERT(LEAF_UNITS + 2 <= KITE_MEMCHECK_PAGE_UNITS, "page units");

struct check_ctx {
  const struct vm_mapping *m;   /* the mapping being walked; NULL in a hole */
  int bad;
  uint64 work;                  /* units so far */
};

/* One PTE against c->m, the mapping it lies in (NULL: none). */
static int check_page(uint64 va, uint64 pa, int *perm, void *arg)
{
  struct check_ctx *c = arg;
  const struct vm_mapping *m = c->m;
  c->work += LEAF_UNITS;
  const char *what = NULL;
  int allowed = m ? pm_pte_perm(m->prot) : 0;
  int refs = m && m->type != VM_MMIO ? kref_count((void *)pa) : 0;
  if (m == NULL)
    what = "page outside every mapping";
  else if (m->type == VM_GUARD)
    what = "page inside a guard";
  else if (!(*perm & PT_USER))
    what = "user page without the U bit";
  else if (*perm & ~allowed)
    what = "page grants more than its mapping";
  else if (m->type == VM_MMIO)
    what = NULL;                         /* device memory has no reference counts */
  else if (refs < 1)
    what = "mapped page with no reference";
  else if ((m->flags & VM_PRIVATE) && (*perm & PT_WRITE) && refs != 1)
    what = "writable private page shared with someone else";
  else if (m->object && !(m->flags & VM_PRIVATE) && refs < 2)
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

/* Every PTE in [a, b) (user space), each against its mapping, holes too;
 * kernel windows hold the kernel's pages and are skipped. */
static void check_ptes(struct procmem *pm, uint64 a, uint64 b, struct check_ctx *c)
{
  struct vm_mapping *m = vmlist_find_intersect(&pm->list, a, b);
  uint64 pos = a;
  while (pos < b) {
    uint64 hole_end = m && m->start < b ? m->start : b;
    if (pos < hole_end) {
      c->m = NULL;
      c->work += pt_for_each(pm->pt, pos, hole_end, check_page, c);
    }
    if (hole_end == b)
      break;
    uint64 end = MIN(m->end, b);
    if (m->type != VM_KERNEL) {
      c->m = m;
      c->work += pt_for_each(pm->pt, MAX(m->start, pos), end, check_page, c);
    }
    pos = end;
    m = vmlist_next(m);
  }
}

static int check_break(struct procmem *pm)
{
  if (pm->brk >= pm->heap_start && pm->brk - pm->heap_start <= KITE_HEAP_MAX)
    return 0;
  printf("procmem_check: break %p outside the heap at %p\n", (void *)pm->brk,
         (void *)pm->heap_start);
  return 1;
}

static void heap_broken(const char *why, struct procmem *pm, const struct vm_mapping *m)
{
  printf("procmem_check: %s: heap [%p, %p)", why, (void *)pm->heap_start,
         (void *)PGROUNDUP(pm->brk));
  if (m)
    printf(", mapping [%p, %p) type %d", (void *)m->start, (void *)m->end, m->type);
  printf("\n");
}

/* The heap is exactly [heap_start, PGROUNDUP(brk)): the VM_HEAP mappings
 * (one, or the pieces mprotect cut) cover it without a hole, and no
 * mapping outside it is VM_HEAP. */
static int check_heap(struct procmem *pm, uint64 *work)
{
  uint64 end = PGROUNDUP(pm->brk), pos = pm->heap_start;
  for (struct vm_mapping *m = vmlist_first(&pm->list); m; m = vmlist_next(m)) {
    (*work)++;
    if (m->type != VM_HEAP)
      continue;
    if (m->start != pos || m->end > end) {
      heap_broken("heap mapping out of place", pm, m);
      return 1;
    }
    pos = m->end;
  }
  if (pos < end) {
    heap_broken("the heap mappings stop short", pm, NULL);
    return 1;
  }
  return 0;
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
  struct check_ctx c = { NULL, 0, 0 };
  check_ptes(pm, 0, USER_TOP, &c);
  *work += c.work;
  if (c.bad || views_uncounted(pm, work) || check_break(pm) || check_heap(pm, work))
    return -KITE_EINVAL;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Debug builds: the near check and when the whole check runs.          */

#if KITE_DEBUG

/* check_heap seen from [a, b): the heap's two ends, and every mapping and
 * hole in [a, b). */
static int check_heap_near(struct procmem *pm, uint64 a, uint64 b, uint64 *work)
{
  uint64 hs = pm->heap_start, end = PGROUNDUP(pm->brk);
  struct vm_mapping *lo = vmlist_find(&pm->list, hs), *hi = NULL, *p, *n;
  *work += 4;
  if (end > hs) {
    hi = vmlist_find(&pm->list, end - PGSIZE);
    if (!lo || lo->type != VM_HEAP || lo->start != hs || !hi || hi->type != VM_HEAP ||
        hi->end != end) {
      heap_broken("the heap's ends are not heap mappings", pm, lo);
      return 1;
    }
  } else if (lo && lo->type == VM_HEAP) {
    heap_broken("a heap mapping where the heap is empty", pm, lo);
    return 1;
  }
  p = lo ? vmlist_prev(lo) : NULL;
  n = hi ? vmlist_next(hi) : NULL;
  if ((p && p->type == VM_HEAP) || (n && n->type == VM_HEAP)) {
    heap_broken("a heap mapping next to the heap", pm, p && p->type == VM_HEAP ? p : n);
    return 1;
  }
  uint64 pos = MAX(a, hs);
  for (struct vm_mapping *m = vmlist_find_intersect(&pm->list, a, b); m && m->start < b;
       m = vmlist_next(m)) {
    (*work)++;
    int inside = m->start >= hs && m->end <= end;
    if ((m->type == VM_HEAP) != inside) {
      heap_broken(inside ? "a mapping inside the heap that is not the heap's"
                         : "a heap mapping outside the heap", pm, m);
      return 1;
    }
    if (inside && m->start > pos) {
      heap_broken("a hole in the heap", pm, m);
      return 1;
    }
    if (inside)
      pos = m->end;
  }
  if (pos < MIN(b, end)) {
    heap_broken("a hole in the heap", pm, NULL);
    return 1;
  }
  return 0;
}

/* The check near a change to [a, b); see the top of this file. */
static int check_near(struct procmem *pm, uint64 a, uint64 b, uint64 *work)
{
  uint64 lo = a > PGSIZE ? a - PGSIZE : 0, hi = MIN(b + PGSIZE, (uint64)USER_TOP);
  if (vmlist_check_near(&pm->list, lo, hi, work) != 0)
    return -KITE_EINVAL;
  struct check_ctx c = { NULL, 0, 0 };
  check_ptes(pm, lo, hi, &c);
  *work += c.work;
  if (c.bad || check_break(pm))
    return -KITE_EINVAL;
  /* Only a change at the heap or next to it can have moved its pieces. */
  if (hi + PGSIZE >= pm->heap_start && lo <= PGROUNDUP(pm->brk) + PGSIZE &&
      check_heap_near(pm, lo, hi, work))
    return -KITE_EINVAL;
  return 0;
}

static void whole_done(struct pm_checks *k, uint64 work)
{
  k->wholes++;
  k->last_whole = work;
}

/* The end of the part of user space the sweep checks next: a hole, or a
 * piece of one mapping of about as many pages as the budget pays for. */
static uint64 sweep_piece_end(struct procmem *pm, uint64 pos, int64 budget)
{
  struct vm_mapping *m = vmlist_find_intersect(&pm->list, pos, USER_TOP);
  if (m == NULL || m->start > pos)
    return m ? m->start : USER_TOP;
  uint64 pages = MAX(1, (uint64)budget / KITE_MEMCHECK_PAGE_UNITS);
  return m->type == VM_KERNEL || m->end - pos <= pages * PGSIZE ? m->end : pos + pages * PGSIZE;
}

/* The whole check a piece at a time, while the budget lasts; see the top
 * of this file. */
static void sweep(struct procmem *pm)
{
  struct pm_checks *k = &pm->checks;
  while (k->budget > 0) {
    struct check_ctx c = { NULL, 0, 1 };
    if (k->sweep_pos >= USER_TOP) {           /* a pass is over: the rest */
      c.work += vmlist_count(&pm->list);
      if (vmlist_check(&pm->list) != 0 || views_uncounted(pm, &c.work) || check_break(pm) ||
          check_heap(pm, &c.work))
        panic("procmem: invariants broken (see above)");
      whole_done(k, k->sweep_work + c.work);
      k->sweep_pos = 0;
      k->sweep_work = 0;
    } else {
      uint64 end = sweep_piece_end(pm, k->sweep_pos, k->budget);
      check_ptes(pm, k->sweep_pos, end, &c);
      if (c.bad)
        panic("procmem: invariants broken in [%p, %p) (see above)", (void *)k->sweep_pos,
              (void *)end);
      k->sweep_pos = end;
      k->sweep_work += c.work;
    }
    k->budget -= (int64)c.work;
    k->whole_work += c.work;
  }
}

void pm_debug_check(struct procmem *pm, uint64 a, uint64 b)
{
  struct pm_checks *k = &pm->checks;
  uint64 work = CHECK_BASE;
  if (check_near(pm, a, b, &work) != 0)
    panic("procmem: invariants broken near [%p, %p) (see above)", (void *)a, (void *)b);
  k->changes++;
  k->change_work += work;
  k->budget += (int64)(work * KITE_MEMCHECK_RATIO);
  if (k->budget >= SWEEP_PIECE)
    sweep(pm);
}

void pm_debug_check_all(struct procmem *pm)
{
  uint64 work = 0;
  if (procmem_check_work(pm, &work) != 0)
    panic("procmem: invariants broken (see above)");
  pm->checks.whole_work += work;
  whole_done(&pm->checks, work);
}

/* ------------------------------------------------------------------ */
/* SYS_memcheck: damage on purpose, check, repair.                      */

/* Which checks see the damage just done near [a, b). */
static long seen_by(struct procmem *pm, uint64 a, uint64 b)
{
  uint64 work = 0;
  long seen = 0;
  printf("procmem: memcheck: damaged on purpose near %p; the checks must say so:\n", (void *)a);
  if (procmem_check_work(pm, &work) != 0)
    seen |= KITE_MEMCHECK_SEEN_WHOLE;
  if (check_near(pm, a, b, &work) != 0)
    seen |= KITE_MEMCHECK_SEEN_NEAR;
  return seen;
}

/* A resident, read-only, private page at va gets write permission. */
static long break_pte_locked(struct procmem *pm, uint64 va)
{
  struct vm_mapping *m = vmlist_find(&pm->list, va);
  int perm;
  uint64 pa = pt_lookup(pm->pt, va, &perm);
  if (!m || !pa || !vm_has_pages(m) || m->type == VM_MMIO || (m->prot & VM_PROT_WRITE) ||
      (perm & PT_WRITE))
    return -KITE_EINVAL;
  pt_protect(pm->pt, va, perm | PT_WRITE);
  long seen = seen_by(pm, va, va + PGSIZE);
  pt_protect(pm->pt, va, perm);
  pt_flush_page(va);
  return seen;
}

/* A page appears at va, in a hole of user space. */
static long stray_pte_locked(struct procmem *pm, uint64 va, void *page)
{
  if (va < USER_BASE || va >= USER_TOP || vmlist_find(&pm->list, va) ||
      pt_lookup(pm->pt, va, NULL) ||
      pt_map(pm->pt, va, (uint64)page, PGSIZE, PT_USER | PT_READ) < 0)
    return -KITE_EINVAL;
  long seen = seen_by(pm, va, va + PGSIZE);
  pt_unmap(pm->pt, va, 1, UNMAP_KEEP);
  pt_flush_page(va);
  return seen;
}

/* The break moves a page past the heap's mappings. */
static long break_brk_locked(struct procmem *pm)
{
  uint64 end = PGROUNDUP(pm->brk);
  if (pm->brk + PGSIZE - pm->heap_start > KITE_HEAP_MAX)
    return -KITE_EINVAL;
  pm->brk += PGSIZE;
  long seen = seen_by(pm, end, end + PGSIZE);
  pm->brk -= PGSIZE;
  return seen;
}

long procmem_memcheck(struct procmem *pm, int op, uint64 addr, uint64 counts[])
{
  void *page = NULL;
  long r;
  addr = PGROUNDDOWN(addr);
  if (op == KITE_MEMCHECK_STRAY_PTE && (page = kzalloc()) == NULL)
    return -KITE_ENOMEM;
  acquire(&pm->lock);
  switch (op) {
  case KITE_MEMCHECK_NOW:       r = procmem_check(pm); break;
  case KITE_MEMCHECK_BREAK_PTE: r = break_pte_locked(pm, addr); break;
  case KITE_MEMCHECK_STRAY_PTE: r = stray_pte_locked(pm, addr, page); break;
  case KITE_MEMCHECK_BREAK_BRK: r = break_brk_locked(pm); break;
  case KITE_MEMCHECK_COUNTS:
    counts[KITE_MEMCHECK_C_CHANGES] = pm->checks.changes;
    counts[KITE_MEMCHECK_C_WHOLES] = pm->checks.wholes;
    counts[KITE_MEMCHECK_C_CHANGE_WORK] = pm->checks.change_work;
    counts[KITE_MEMCHECK_C_WHOLE_WORK] = pm->checks.whole_work;
    counts[KITE_MEMCHECK_C_LAST_WHOLE] = pm->checks.last_whole;
    r = 0;
    break;
  default:                      r = -KITE_EINVAL; break;
  }
  if (op != KITE_MEMCHECK_NOW && op != KITE_MEMCHECK_COUNTS && r >= 0 && procmem_check(pm))
    panic("procmem: memcheck did not repair what it damaged");
  release(&pm->lock);
  if (page)
    kfree(page);
  return r;
}

#else /* !KITE_DEBUG: no checks, and SYS_memcheck says so */

void pm_debug_check(struct procmem *pm, uint64 a, uint64 b) { (void)pm, (void)a, (void)b; }
void pm_debug_check_all(struct procmem *pm) { (void)pm; }

long procmem_memcheck(struct procmem *pm, int op, uint64 addr, uint64 counts[])
{
  (void)pm, (void)op, (void)addr, (void)counts;
  return -KITE_ENOSYS;
}

#endif

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
