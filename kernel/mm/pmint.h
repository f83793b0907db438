/*
 * procmem's internal helpers, shared by its files (procmem.c: the list
 * operations, pmfault.c: faults, pmfork.c: fork, pmbrk.c: the brk heap,
 * pmview.c: the maps view and the invariant checker). Not for use
 * outside kernel/mm/.
 */
#ifndef KITE_PMINT_H
#define KITE_PMINT_H

#include "mm/procmem.h"
#include "mm/slab.h"

void procmem_init(void);                  /* once at boot: the node cache */
struct vm_mapping *node_alloc(void);      /* zeroed node, or NULL */
void node_free(struct vm_mapping *m);
int  spares_reserve(struct vm_spares *sp);
void spares_release(struct vm_spares *sp);

int  pm_pte_perm(uint32 prot);
/* Is the node a view of a shared object (mm/shm.h): MAP_SHARED? */
static inline int pm_is_view(const struct vm_mapping *m)
{
  return m->object && !(m->flags & VM_PRIVATE);
}
/* A node fork copied: take its object reference and count it as a view
 * of a shared object. Lock: the parent's pm->lock. */
void pm_object_dup_locked(const struct vm_mapping *copy);

/* Can the mapping have pages of its own in the page table? */
static inline int vm_has_pages(const struct vm_mapping *m)
{
  return m->type != VM_GUARD && m->type != VM_KERNEL;
}
void pm_unmap_pages_locked(struct procmem *pm, uint64 start, uint64 end, enum vm_type type);
/* Write back (if asked) shared file pages, drop object references and free
 * the nodes. Process context, pm->lock not held. */
void pm_release_nodes(struct vm_nodes *nodes, int writeback);
/* Debug builds (pmview.c), pm->lock held: after a change to [a, b), the
 * check near it, and now and then the whole check; the whole check now. */
void pm_debug_check(struct procmem *pm, uint64 a, uint64 b);
void pm_debug_check_all(struct procmem *pm);

#endif
