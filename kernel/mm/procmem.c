/*
 * Process memory: life cycle and the operations on the mapping list; see
 * procmem.h. Page faults and user-address translation are in pmfault.c.
 *
 * Each operation has the same shape:
 *   1. check the arguments (no lock needed: they are numbers);
 *   2. reserve: allocate nodes before taking pm->lock;
 *   3. under pm->lock, let vmlist check the change (the vmlist_*_check
 *      calls), reserve the views of shared objects it adds (W^X per
 *      object, which can refuse), and only then make it and bring the
 *      page table in line: nothing after the checks can fail;
 *   4. after unlocking, release what left the list (write back shared
 *      file pages, drop object references, free nodes and spares).
 */
#include "mm/procmem.h"
#include "mm/pmint.h"
#include "mm/kalloc.h"
#include "mm/shm.h"
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/random.h"
#include <kite/errno.h>

extern char trampoline[];

struct slab_cache vm_nodes_cache;

void procmem_init(void)
{
  slab_init(&vm_nodes_cache, "vm_mapping", sizeof(struct vm_mapping));
}

struct vm_mapping *node_alloc(void) { return slab_alloc(&vm_nodes_cache); }
void node_free(struct vm_mapping *m) { slab_free(&vm_nodes_cache, m); }

static void dup_object(void *object) { shm_get(object); }

/* Fill sp with VM_SPARES_MAX nodes; -ENOMEM if memory ran out. */
int spares_reserve(struct vm_spares *sp)
{
  vm_spares_init(sp);
  while (sp->count < VM_SPARES_MAX) {
    struct vm_mapping *m = node_alloc();
    if (m == NULL) {
      spares_release(sp);
      return -KITE_ENOMEM;
    }
    sp->n[sp->count++] = m;
  }
  return 0;
}

void spares_release(struct vm_spares *sp)
{
  while (sp->count > 0)
    node_free(sp->n[--sp->count]);
}

/* PTE permissions a mapping grants; private writable pages start
 * read-only when shared (copy-on-write), which the caller decides. */
int pm_pte_perm(uint32 prot)
{
  int perm = PT_USER;
  if (prot & VM_PROT_READ)  perm |= PT_READ;
  if (prot & VM_PROT_WRITE) perm |= PT_WRITE | PT_READ;
  if (prot & VM_PROT_EXEC)  perm |= PT_EXEC;
  return perm;
}

/* Drop the pages of [start, end) from the page table. Caller holds the
 * lock. A kernel window's pages are the kernel's: never touched here. */
void pm_unmap_pages_locked(struct procmem *pm, uint64 start, uint64 end, enum vm_type type)
{
  if (type == VM_KERNEL || type == VM_GUARD)
    return;
  pt_unmap(pm->pt, start, (end - start) / PGSIZE, type == VM_MMIO ? UNMAP_KEEP : UNMAP_FREE);
}

/* Step 4 for nodes that left the list: their pages are already unmapped. */
void pm_release_nodes(struct vm_nodes *nodes, int writeback)
{
  struct vm_mapping *m;
  while ((m = vm_nodes_pop(nodes)) != NULL) {
    struct shm *obj = m->object;
    if (obj) {
      if (writeback)
        shm_writeback(obj, m->offset, m->end - m->start);
      shm_put(obj);
    }
    node_free(m);
  }
}

/* ------------------------------------------------------------------ */
/* Views of shared objects: W^X per object across processes (mm/shm.h). */

/* A view appears (n = 1, a fork's copy) or goes (n = -1) without any
 * choice about it: neither can break W^X. Lock: pm->lock. */
static void view_change_locked(const struct vm_mapping *m, int n)
{
  if (!pm_is_view(m))
    return;
  shm_views_lock();
  shm_view_pend(m->object, m->prot, n);
  shm_view_settle(m->object, 1);
  shm_views_unlock();
}

void pm_object_dup_locked(const struct vm_mapping *copy)
{
  if (copy->object) {
    shm_get(copy->object);
    view_change_locked(copy, 1);
  }
}

/*
 * Pend, for every view meeting [a, b), what removing [a, b) (removing) or
 * giving it protection prot does to its object: the node's rights go,
 * each piece a cut leaves outside [a, b) keeps them (a cut makes one view
 * two), and a reprotected node's piece inside takes prot. vmlist_protect
 * does not cut a node whose protection stays: nothing changes for it.
 * Merges are not foreseen here: the caller drops the views merged away.
 * Lock: pm->lock and shm_views_lock.
 */
static void views_pend_range_locked(struct procmem *pm, uint64 a, uint64 b, int removing,
                                    uint32 prot)
{
  for (struct vm_mapping *m = vmlist_find_intersect(&pm->list, a, b); m && m->start < b;
       m = vmlist_next(m)) {
    if (!pm_is_view(m) || (!removing && m->prot == prot))
      continue;
    shm_view_pend(m->object, m->prot, (m->start < a) + (m->end > b) - 1);
    if (!removing)
      shm_view_pend(m->object, prot, 1);
  }
}

/* The pending views of the objects met in [a, b) (none if a == b) and of
 * extra (if not NULL): applied, all of them, if no object's views break W^X;
 * otherwise all dropped and -EACCES. Lock: pm->lock and shm_views_lock. */
static int views_settle_locked(struct procmem *pm, uint64 a, uint64 b, struct shm *extra)
{
  struct vm_mapping *first = a < b ? vmlist_find_intersect(&pm->list, a, b) : NULL, *m;
  int bad = extra && shm_view_conflict(extra);
  for (m = first; m && m->start < b && !bad; m = vmlist_next(m))
    bad = pm_is_view(m) && shm_view_conflict(m->object);
  if (extra)
    shm_view_settle(extra, !bad);
  for (m = first; m && m->start < b; m = vmlist_next(m))
    if (pm_is_view(m))
      shm_view_settle(m->object, !bad);
  return bad ? -KITE_EACCES : 0;
}

/* Reserve the views a change of [a, b) makes (removing, or protection
 * prot) plus one view of extra with protection extra_prot: 0 and counted,
 * or -EACCES and nothing counted. Lock: pm->lock. */
static int views_reserve_locked(struct procmem *pm, uint64 a, uint64 b, int removing, uint32 prot,
                                struct shm *extra, uint32 extra_prot)
{
  shm_views_lock();
  if (a < b)
    views_pend_range_locked(pm, a, b, removing, prot);
  if (extra)
    shm_view_pend(extra, extra_prot, 1);
  int err = views_settle_locked(pm, a, b, extra);
  shm_views_unlock();
  return err;
}

/* The kernel windows every address space carries (see memlayout.h). */
static int add_kernel_windows(struct procmem *pm)
{
  const uint64 win[2][2] = { { KWIN_RAM_LO, kwin_ram_hi }, { KWIN_STACK_LO, KSTACK_TOP } };
  for (int i = 0; i < 2; i++) {
    struct vm_mapping *m = node_alloc();
    if (m == NULL)
      return -KITE_ENOMEM;
    m->start = win[i][0];
    m->end = win[i][1];
    m->type = VM_KERNEL;
    safestrcpy(m->name, "[kernel]", sizeof m->name);
    if (vmlist_insert(&pm->list, m) < 0)
      panic("procmem: kernel window [%p, %p) does not fit", (void *)m->start, (void *)m->end);
  }
  pt_share_kernel(pm->pt);
  return 0;
}

struct procmem *procmem_create(uint64 trapframe_pa)
{
  struct procmem *pm = kzalloc();
  if (pm == NULL)
    return NULL;
  initlock(&pm->lock, "procmem");
  vmlist_init(&pm->list, USER_BASE, USER_TOP, PGSIZE);
  vmlist_set_limit(&pm->list, KITE_MAX_MAPPINGS);
  pm->list.dup_object = dup_object;
  pm->mmap_top = USER_TOP - USTACK_SIZE - USTACK_GUARD;
  pm->pt = pt_create();
  if (pm->pt == NULL)
    goto fail;
  if (pt_map(pm->pt, TRAMPOLINE, (uint64)trampoline, PGSIZE, PT_READ | PT_EXEC) < 0)
    goto fail;
  if (pt_map(pm->pt, TRAPFRAME, trapframe_pa, PGSIZE, PT_READ | PT_WRITE) < 0)
    goto fail;
  if (add_kernel_windows(pm) < 0)
    goto fail;
  return pm;
fail:
  procmem_destroy(pm);
  return NULL;
}

void procmem_destroy(struct procmem *pm)
{
  struct vm_nodes all;
  vm_nodes_init(&all);
  acquire(&pm->lock);
  if (pm->pt)
    pm_debug_check_all(pm);           /* as the process leaves it */
  for (struct vm_mapping *m = vmlist_first(&pm->list); m; m = vmlist_next(m))
    view_change_locked(m, -1);
  if (pm->pt) {
    for (struct vm_mapping *m = vmlist_first(&pm->list); m; m = vmlist_next(m))
      pm_unmap_pages_locked(pm, m->start, m->end, m->type);
    pt_unmap(pm->pt, TRAMPOLINE, 1, UNMAP_KEEP);
    pt_unmap(pm->pt, TRAPFRAME, 1, UNMAP_KEEP);
  }
  vmlist_take_all(&pm->list, &all);
  release(&pm->lock);
  pm_release_nodes(&all, 1);
  if (pm->pt)
    pt_destroy(pm->pt);
  kfree(pm);
}


#define ASLR_HEAP_PAGES  256        /* heap start moves by up to 1 MiB */
#define ASLR_MMAP_PAGES  65536      /* the mmap area's top by up to 256 MiB */

void procmem_set_layout(struct procmem *pm, uint64 image_end)
{
  uint64 heap_shift = 0, mmap_shift = 0;
  if (KITE_ASLR) {
    heap_shift = random_below(ASLR_HEAP_PAGES) * PGSIZE;
    mmap_shift = random_below(ASLR_MMAP_PAGES) * PGSIZE;
  }
  pm->heap_start = pm->brk = image_end + heap_shift;
  pm->mmap_top = USER_TOP - USTACK_SIZE - USTACK_GUARD - mmap_shift;
}

static int prot_ok(uint32 prot) { return (prot & ~VM_PROT_ALL) == 0; }

/* The types a MAP_FIXED or munmap may replace: never the brk heap, the
 * stack, a guard or a kernel window, whose bookkeeping Kite keeps. */
#define VM_TYPES_REPLACEABLE \
  (VM_TYPES_ALL & ~VM_TYPE_BIT(VM_HEAP) & ~VM_TYPE_BIT(VM_STACK) & ~VM_TYPE_BIT(VM_GUARD) & \
   ~VM_TYPE_BIT(VM_KERNEL))

/* Does [a, b) meet a mapping whose type is outside allowed? Lock held. */
static int range_has_other_types(struct procmem *pm, uint64 a, uint64 b, uint32 allowed)
{
  for (struct vm_mapping *m = vmlist_find_intersect(&pm->list, a, b); m && m->start < b;
       m = vmlist_next(m))
    if (!(VM_TYPE_BIT(m->type) & allowed))
      return 1;
  return 0;
}

/* Choose where a non-fixed mapping goes. Lock held. */
static int place_locked(struct procmem *pm, uint64 hint, uint64 len, uint64 *addr)
{
  uint64 end;
  if (hint && vr_aligned(hint) && vr_end(hint, len, &end) && hint >= USER_BASE &&
      end <= pm->mmap_top && vmlist_find_intersect(&pm->list, hint, end) == NULL) {
    *addr = hint;                     /* the hint is free: take it as asked */
    return 0;
  }
  return vmlist_find_free(&pm->list, len, 0, pm->mmap_top, addr);
}

static void fill_node(struct vm_mapping *m, const struct pm_map_req *req, uint64 addr)
{
  m->start = addr;
  m->end = addr + req->len;
  m->type = req->type;
  m->prot = req->prot;
  m->flags = req->flags | ((req->prot & VM_PROT_WRITE) ? VM_WASWRITABLE : 0);
  m->object = req->object;
  m->offset = req->object ? req->offset : 0;
  m->phys = req->phys;
  safestrcpy(m->name, req->name ? req->name : "", sizeof m->name);
}

/* Where the mapping goes (*addr) and whether it may go there; changes
 * nothing. Lock held. */
static int map_validate_locked(struct procmem *pm, const struct pm_map_req *req,
                               const struct vm_spares *sp, uint64 *addr)
{
  uint64 end = req->addr + req->len;
  int err = 0, grow = 1;
  switch (req->place) {
  case PM_PLACE_HINT:
    err = place_locked(pm, req->addr, req->len, addr);
    break;
  case PM_PLACE_FIXED_FREE:
    *addr = req->addr;
    if (vmlist_find_intersect(&pm->list, req->addr, end))
      err = -KITE_EEXIST;
    break;
  case PM_PLACE_FIXED:
    *addr = req->addr;
    grow = 2;                 /* the removal may split one more node off */
    if (range_has_other_types(pm, req->addr, end, VM_TYPES_REPLACEABLE))
      err = -KITE_EINVAL;
    else
      err = vmlist_remove_check(&pm->list, req->addr, end, sp);
    break;
  }
  if (err == 0 && vmlist_count(&pm->list) + grow > pm->list.max_count)
    err = -KITE_ENOMEM;
  return err;
}

/* The phase that cannot fail: replace, grow the object, insert. */
static void map_commit_locked(struct procmem *pm, const struct pm_map_req *req,
                              struct vm_mapping *m, uint64 addr, struct vm_spares *sp,
                              struct vm_nodes *removed)
{
  uint64 end = addr + req->len;
  if (req->place == PM_PLACE_FIXED) {
    if (vmlist_remove(&pm->list, addr, end, sp, removed) != 0)
      panic("procmem_map: removing [%p, %p) failed after its check", (void *)addr, (void *)end);
    for (struct vm_mapping *r = removed->head; r; r = r->chain)
      pm_unmap_pages_locked(pm, r->start, r->end, r->type);
  }
  if (req->staged)
    shm_adopt(req->object, req->staged, req->offset / PGSIZE, req->len / PGSIZE);
  fill_node(m, req, addr);
  int err = vmlist_insert(&pm->list, m);
  if (err)
    panic("procmem_map: insert at [%p, %p) failed (%d) after its checks", (void *)addr,
          (void *)end, err);
  if (removed->count > 0)
    pt_flush();
}

int procmem_map(struct procmem *pm, const struct pm_map_req *req, uint64 *addr_out)
{
  uint64 end = 0;
  int fixed = req->place != PM_PLACE_HINT;
  if (req->len == 0 || !vr_aligned(req->len) || !prot_ok(req->prot))
    return -KITE_EINVAL;
  if ((req->prot & VM_PROT_WRITE) && (req->prot & VM_PROT_EXEC))
    return -KITE_EACCES;
  if ((req->prot & VM_PROT_WRITE) && (req->flags & VM_NOWRITE))
    return -KITE_EACCES;
  if (fixed && !vr_aligned(req->addr))
    return -KITE_EINVAL;
  if (fixed && (!vr_end(req->addr, req->len, &end) || req->addr < USER_BASE ||
                end > USER_TOP))
    return -KITE_ENOMEM;                 /* not inside user space */

  struct vm_mapping *m = node_alloc();
  struct vm_spares sp;
  if (m == NULL)
    return -KITE_ENOMEM;
  if (spares_reserve(&sp) < 0) {
    node_free(m);
    return -KITE_ENOMEM;
  }
  struct vm_nodes removed;
  vm_nodes_init(&removed);
  struct shm *view = req->object && !(req->flags & VM_PRIVATE) ? req->object : NULL;
  int replacing = req->place == PM_PLACE_FIXED;
  uint64 addr = 0;

  acquire(&pm->lock);
  int err = map_validate_locked(pm, req, &sp, &addr);
  if (err == 0 && (view || replacing))
    err = views_reserve_locked(pm, addr, replacing ? end : addr, 1, 0, view, req->prot);
  if (err == 0) {
    map_commit_locked(pm, req, m, addr, &sp, &removed);
    pm_debug_check(pm, addr, addr + req->len);
  }
  release(&pm->lock);

  spares_release(&sp);
  pm_release_nodes(&removed, 1);
  if (err < 0) {
    node_free(m);
    return err;
  }
  *addr_out = addr;
  return 0;
}

/* A guard never replaces anything: it must land exactly on free space. */
int procmem_guard(struct procmem *pm, uint64 addr, uint64 len)
{
  struct pm_map_req req = { .addr = addr, .len = len, .place = PM_PLACE_FIXED_FREE,
                            .type = VM_GUARD, .prot = VM_PROT_NONE, .name = "[guard]" };
  uint64 end, got;
  if (!vr_aligned(addr) || !vr_end(addr, len, &end))
    return -KITE_EINVAL;
  return procmem_map(pm, &req, &got);
}

int procmem_unmap(struct procmem *pm, uint64 addr, uint64 len)
{
  uint64 end;
  if (!vr_aligned(addr) || len == 0 || !vr_end(addr, vr_round_up(len), &end) ||
      vr_round_up(len) == 0)
    return -KITE_EINVAL;
  if (addr < USER_BASE || end > USER_TOP)
    return -KITE_EINVAL;
  struct vm_spares sp;
  if (spares_reserve(&sp) < 0)
    return -KITE_ENOMEM;
  struct vm_nodes removed;
  vm_nodes_init(&removed);

  acquire(&pm->lock);
  int err = 0;
  if (range_has_other_types(pm, addr, end, VM_TYPES_REPLACEABLE))
    err = -KITE_EINVAL;
  else if ((err = vmlist_remove_check(&pm->list, addr, end, &sp)) == 0 &&
           (err = views_reserve_locked(pm, addr, end, 1, 0, NULL, 0)) == 0) {
    if (vmlist_remove(&pm->list, addr, end, &sp, &removed) != 0)
      panic("procmem_unmap: removing [%p, %p) failed after its check", (void *)addr,
            (void *)end);
    for (struct vm_mapping *r = removed.head; r; r = r->chain)
      pm_unmap_pages_locked(pm, r->start, r->end, r->type);
    pt_flush();
    pm_debug_check(pm, addr, end);
  }
  release(&pm->lock);

  spares_release(&sp);
  pm_release_nodes(&removed, 1);
  return err;
}

/* After a protect, bring the PTEs of [a, b) down (or up) to prot. Private
 * pages stay read-only until written: the write fault decides between
 * copying and making the page writable in place. */
struct reprot { struct procmem *pm; };

static int reprot_page(uint64 va, uint64 pa, int *perm, void *arg)
{
  struct procmem *pm = ((struct reprot *)arg)->pm;
  struct vm_mapping *m = vmlist_find(&pm->list, va);
  int want = pm_pte_perm(m->prot);
  if ((m->flags & VM_PRIVATE) && !(*perm & PT_WRITE))
    want &= ~PT_WRITE;
  if (*perm == want)
    return 0;
  *perm = want;
  return 1;
}

int procmem_protect(struct procmem *pm, uint64 addr, uint64 len, uint32 prot)
{
  uint64 end;
  if (!vr_aligned(addr) || !prot_ok(prot))
    return -KITE_EINVAL;
  if (len == 0)
    return 0;
  if (vr_round_up(len) == 0 || !vr_end(addr, vr_round_up(len), &end))
    return -KITE_ENOMEM;
  if (addr < USER_BASE || end > USER_TOP)
    return -KITE_ENOMEM;
  struct vm_spares sp;
  if (spares_reserve(&sp) < 0)
    return -KITE_ENOMEM;
  struct vm_nodes dead;
  vm_nodes_init(&dead);

  acquire(&pm->lock);
  int err = vmlist_protect_check(&pm->list, addr, end, prot, VM_TYPES_PROTECTABLE, &sp);
  if (err == 0)
    err = views_reserve_locked(pm, addr, end, 0, prot, NULL, 0);
  if (err == 0) {
    if (vmlist_protect(&pm->list, addr, end, prot, VM_TYPES_PROTECTABLE, &sp, &dead) != 0)
      panic("procmem_protect: [%p, %p) failed after its check", (void *)addr, (void *)end);
    for (struct vm_mapping *d = dead.head; d; d = d->chain)
      view_change_locked(d, -1);       /* merged into a neighbour: one view fewer */
    struct reprot r = { pm };
    pt_for_each(pm->pt, addr, end, reprot_page, &r);
    pt_flush();
    pm_debug_check(pm, addr, end);
  }
  release(&pm->lock);

  spares_release(&sp);
  pm_release_nodes(&dead, 0);      /* merged nodes: their pages live on */
  return err;
}

int procmem_check_range(struct procmem *pm, uint64 addr, uint64 len, uint32 type_mask,
                        uint32 prot)
{
  uint64 end;
  if (!vr_end(addr, len, &end))
    return -KITE_EFAULT;
  acquire(&pm->lock);
  int err = vmlist_check_range(&pm->list, vr_round_down(addr), vr_round_up(end), type_mask, prot);
  release(&pm->lock);
  return err;
}

int procmem_find_free(struct procmem *pm, uint64 len, uint64 *addr)
{
  acquire(&pm->lock);
  int err = vmlist_find_free(&pm->list, len, 0, pm->mmap_top, addr);
  release(&pm->lock);
  return err;
}

int procmem_count(struct procmem *pm)
{
  acquire(&pm->lock);
  int n = vmlist_count(&pm->list);
  release(&pm->lock);
  return n;
}
