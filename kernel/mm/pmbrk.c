/*
 * procmem: the brk heap, [heap_start, PGROUNDUP(brk)).
 *
 * The heap is one VM_HEAP mapping, or several pieces side by side once
 * mprotect has changed part of it; together they cover exactly the heap.
 * Shrinking removes everything in [new end, old end), across pieces.
 * Growing extends the top piece when it is still as brk made it
 * (read-write, named "[heap]"), else starts a new read-write piece: grown
 * memory is always the heap's own, whatever mprotect did below it.
 *
 * A break change has the three steps of every procmem operation, but
 * what it must reserve depends on what the heap looks like, which only
 * pm->lock can tell. So the change is planned under the lock: the new
 * break, whether the list needs a new node (an empty heap, or a top piece
 * mprotect changed) or a spare (a shrink that cuts a piece in two), and
 * how many pages eager growth must back. If what the caller holds covers
 * the plan, the change is committed in that same critical section; if
 * not, the lock is dropped, the missing parts are reserved, and the plan
 * is made again. Only the process itself moves its break (Kite processes
 * have one thread), so the second plan is the first and commits. Lazy
 * growth that extends the top piece needs nothing: one critical section,
 * no allocation.
 *
 * Eager growth backs every page in [PGROUNDUP(old brk), PGROUNDUP(new
 * brk)) with a zeroed page taken before the lock. If memory or a
 * page-table page cannot be had, everything mapped is taken out again and
 * the call fails with -ENOMEM: the list, the page table and the break
 * are as they were (a page-table page made on the way stays in the table,
 * for the next growth, and is freed with it).
 */
#include "mm/pmint.h"
#include "mm/kalloc.h"
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "lib/string.h"
#include "lib/printf.h"
#include <kite/errno.h>

/* What the caller asked: a break, or a move of the break. */
struct brk_req {
  int relative;              /* incr, else addr */
  long incr;
  uint64 addr;
  enum pm_brk_fill fill;
};

/* What a change needs; made under pm->lock. */
struct brk_plan {
  uint64 oldbrk, newbrk;
  uint64 oldend, newend;     /* PGROUNDUP of each */
  int need_node;             /* growth inserts a new heap mapping */
  int need_spare;            /* a shrink cuts a mapping in two */
  uint64 npages;             /* pages eager growth backs */
};

/* What the caller holds, reserved with the lock dropped. */
struct brk_res {
  struct vm_mapping *node;
  struct vm_spares sp;
  void *pages;               /* zeroed pages, chained through their first word */
  uint64 npages;
};

static void res_init(struct brk_res *r)
{
  r->node = NULL;
  vm_spares_init(&r->sp);
  r->pages = NULL;
  r->npages = 0;
}

static void *res_take_page(struct brk_res *r)
{
  void *pg = r->pages;
  r->pages = *(void **)pg;
  *(void **)pg = NULL;        /* zeroed again */
  r->npages--;
  return pg;
}

static void res_give_page(struct brk_res *r, void *pg)
{
  *(void **)pg = r->pages;
  r->pages = pg;
  r->npages++;
}

/* Free whatever the reservation still holds. pm->lock not held. */
static void res_release(struct brk_res *r)
{
  if (r->node)
    node_free(r->node);
  spares_release(&r->sp);
  while (r->npages > 0)
    kfree(res_take_page(r));
  r->node = NULL;
}

static int res_covers(const struct brk_res *r, const struct brk_plan *p)
{
  return (!p->need_node || r->node) && (!p->need_spare || r->sp.count >= 1) &&
         r->npages >= p->npages;
}

/* Add what p needs and r lacks; -ENOMEM if memory ran out (r keeps what
 * it has; res_release frees it). */
static int res_fill(struct brk_res *r, const struct brk_plan *p)
{
  if (p->need_node && r->node == NULL && (r->node = node_alloc()) == NULL)
    return -KITE_ENOMEM;
  if (p->need_spare && r->sp.count == 0) {
    struct vm_mapping *m = node_alloc();
    if (m == NULL)
      return -KITE_ENOMEM;
    r->sp.n[r->sp.count++] = m;
  }
  /* More than is free cannot succeed: fail before taking any, so that
   * the attempt does not starve other processes even for a moment. */
  if (p->npages > r->npages && p->npages - r->npages > kfree_pages())
    return -KITE_ENOMEM;
  while (r->npages < p->npages) {
    void *pg = kzalloc();
    if (pg == NULL)
      return -KITE_ENOMEM;
    res_give_page(r, pg);
  }
  return 0;
}

/* ------------------------------------------------------------------ */

/* The break req asks for, given the break now; 0 if it is out of range. */
static int target_brk(const struct procmem *pm, const struct brk_req *req, uint64 *newbrk)
{
  uint64 brk = pm->brk, lo = pm->heap_start, hi = pm->heap_start + KITE_HEAP_MAX;
  uint64 want = req->addr;
  if (req->relative) {
    uint64 mag = req->incr < 0 ? -(uint64)req->incr : (uint64)req->incr;
    if (req->incr < 0 ? mag > brk - lo : mag > hi - brk)
      return 0;
    want = req->incr < 0 ? brk - mag : brk + mag;
  }
  if (want < lo || want > hi)
    return 0;
  *newbrk = want;
  return 1;
}

#define HEAP_FLAGS (VM_PRIVATE | VM_LAZY | VM_WASWRITABLE)
#define HEAP_PROT  (VM_PROT_READ | VM_PROT_WRITE)

/* Is m a piece of the heap as brk makes it (so growth may extend it)? */
static int heap_plain(const struct procmem *pm, const struct vm_mapping *m)
{
  return m->type == VM_HEAP && m->prot == HEAP_PROT && m->flags == HEAP_FLAGS &&
         m->object == NULL && m->offset == m->start - pm->heap_start &&
         strncmp(m->name, "[heap]", VM_NAME_MAX) == 0;
}

/* Lock held: the piece growth extends, or NULL if it needs a new one. */
static struct vm_mapping *top_piece(const struct procmem *pm, uint64 oldend)
{
  struct vm_mapping *m = oldend > pm->heap_start ? vmlist_find(&pm->list, oldend - PGSIZE) : NULL;
  return m && m->end == oldend && heap_plain(pm, m) ? m : NULL;
}

/* Lock held: what moving the break as req asks needs, or -ENOMEM. */
static int plan_locked(struct procmem *pm, const struct brk_req *req, struct brk_plan *p)
{
  memset(p, 0, sizeof *p);
  p->oldbrk = pm->brk;
  if (!target_brk(pm, req, &p->newbrk))
    return -KITE_ENOMEM;
  p->oldend = PGROUNDUP(p->oldbrk);
  p->newend = PGROUNDUP(p->newbrk);
  if (p->newend > p->oldend) {
    if (vmlist_find_intersect(&pm->list, p->oldend, p->newend))
      return -KITE_ENOMEM;            /* something is mapped above the heap */
    p->need_node = top_piece(pm, p->oldend) == NULL;
    if (p->need_node && vmlist_count(&pm->list) >= pm->list.max_count)
      return -KITE_ENOMEM;
    if (req->fill == BRK_EAGER)
      p->npages = (p->newend - p->oldend) / PGSIZE;
  } else if (p->newend < p->oldend) {
    struct vm_mapping *cut = vmlist_find(&pm->list, p->newend);
    p->need_spare = cut && cut->start < p->newend;
  }
  return 0;
}

/* Lock held: back [a, b) with reserved pages. On failure nothing stays
 * mapped and the pages are back in r. */
static int back_pages_locked(struct procmem *pm, uint64 a, uint64 b, struct brk_res *r)
{
  int perm = pm_pte_perm(VM_PROT_READ | VM_PROT_WRITE);
  for (uint64 va = a; va < b; va += PGSIZE) {
    void *pg = res_take_page(r);
    if (pt_map(pm->pt, va, (uint64)pg, PGSIZE, perm) < 0) {
      res_give_page(r, pg);
      for (uint64 undo = a; undo < va; undo += PGSIZE) {
        res_give_page(r, (void *)pt_lookup(pm->pt, undo, NULL));
        pt_unmap(pm->pt, undo, 1, UNMAP_KEEP);
      }
      return -KITE_ENOMEM;
    }
  }
  return 0;
}

static void fill_heap_node(struct procmem *pm, struct vm_mapping *m, uint64 start, uint64 end)
{
  m->start = start;
  m->end = end;
  m->type = VM_HEAP;
  m->prot = HEAP_PROT;
  m->flags = HEAP_FLAGS;
  m->offset = start - pm->heap_start;
  safestrcpy(m->name, "[heap]", sizeof m->name);
}

/* Grown memory is the heap's as brk makes it, read-write, even when
 * mprotect changed the piece below: a new piece then starts there. */
static int grow_locked(struct procmem *pm, const struct brk_plan *p, struct brk_res *r)
{
  if (p->npages && back_pages_locked(pm, p->oldend, p->newend, r) < 0)
    return -KITE_ENOMEM;
  struct vm_mapping *top = top_piece(pm, p->oldend);
  int err;
  if (top) {
    err = vmlist_resize(&pm->list, top->start, p->newend, NULL, NULL);
  } else {
    fill_heap_node(pm, r->node, p->oldend, p->newend);
    if ((err = vmlist_insert(&pm->list, r->node)) == 0)
      r->node = NULL;
  }
  if (err < 0)                          /* plan_locked ruled it out */
    panic("procmem_brk: cannot grow the heap [%p, %p) (%d)", (void *)p->oldend,
          (void *)p->newend, err);
  return 0;
}

/* Everything in [new end, old end) goes, across every piece of the heap. */
static void shrink_locked(struct procmem *pm, const struct brk_plan *p, struct brk_res *r,
                          struct vm_nodes *removed)
{
  int err = vmlist_remove(&pm->list, p->newend, p->oldend, &r->sp, removed);
  if (err < 0)                          /* plan_locked ruled it out */
    panic("procmem_brk: cannot shrink the heap to %p (%d)", (void *)p->newend, err);
  pm_unmap_pages_locked(pm, p->newend, p->oldend, VM_HEAP);
  pt_flush();
}

/* Lock held: make the planned change; fails (-ENOMEM, nothing changed)
 * only when a page-table page cannot be had. */
static int commit_locked(struct procmem *pm, const struct brk_plan *p, struct brk_res *r,
                         struct vm_nodes *removed)
{
  if (p->newend > p->oldend && grow_locked(pm, p, r) < 0)
    return -KITE_ENOMEM;
  if (p->newend < p->oldend)
    shrink_locked(pm, p, r, removed);
  if (p->newbrk != p->oldbrk) {
    pm->brk = p->newbrk;
    pm_debug_check(pm, MIN(p->oldend, p->newend), MAX(p->oldend, p->newend));
  }
  return 0;
}

static int brk_change(struct procmem *pm, const struct brk_req *req, uint64 *old)
{
  struct brk_res r;
  struct brk_plan p;
  struct vm_nodes removed;
  int err;

  res_init(&r);
  vm_nodes_init(&removed);
  for (;;) {
    acquire(&pm->lock);
    err = plan_locked(pm, req, &p);
    if (err == 0 && res_covers(&r, &p)) {
      err = commit_locked(pm, &p, &r, &removed);
      release(&pm->lock);
      break;
    }
    release(&pm->lock);
    if (err < 0 || (err = res_fill(&r, &p)) < 0)
      break;
  }
  res_release(&r);
  pm_release_nodes(&removed, 0);
  *old = p.oldbrk;
  return err;
}

int procmem_sbrk(struct procmem *pm, long incr, enum pm_brk_fill fill, uint64 *old)
{
  struct brk_req req = { .relative = 1, .incr = incr, .fill = fill };
  return brk_change(pm, &req, old);
}

uint64 procmem_brk(struct procmem *pm, uint64 newbrk)
{
  struct brk_req req = { .relative = 0, .addr = newbrk, .fill = BRK_LAZY };
  uint64 old;
  return brk_change(pm, &req, &old) == 0 ? req.addr : old;
}
