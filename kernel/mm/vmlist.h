/*
 * The mapping list: the pure heart of a process's memory (procmem).
 *
 * A process's address space is an ordered set of mappings. This file knows
 * nothing about page tables or physical pages; it only keeps the set, answers
 * questions about it and changes it. procmem.c holds the lock, allocates
 * node memory, and turns the pieces this code hands back into page-table
 * work. The same source compiles in the kernel and in host unit tests.
 *
 * Invariants (vmlist_check() verifies every one of them):
 *  - every mapping is non-empty, page-aligned, and inside the user span
 *    [lo, hi) given to vmlist_init();
 *  - mappings are sorted by start and disjoint: m.end <= next(m).start;
 *  - W^X: no mapping is writable and executable at once; a mapping that
 *    has ever been writable carries VM_WASWRITABLE and can never become
 *    executable; a writable mapping always carries VM_WASWRITABLE;
 *  - a mapping that carries VM_NOWRITE is never writable (a shared
 *    mapping of a file not open for writing: Linux's missing VM_MAYWRITE);
 *  - a guard mapping has protection 0: it only reserves addresses;
 *  - count == number of mappings <= max_count;
 *  - the tree is an AVL tree keyed by start, and each node's max_gap is the
 *    largest free gap (m.start - prev(m).end, or m.start - lo for the first
 *    mapping) in its subtree; the free space above the last mapping is not
 *    in any node.
 *
 * The tree is intrusive: node memory belongs to the caller and the list
 * never allocates or frees. An operation that needs new nodes (a split)
 * takes them from a `struct vm_spares` the caller filled before taking the
 * lock ("reserve, then commit"); afterwards the caller frees the spares that
 * were not used. Nodes leaving the list are handed back on a `struct
 * vm_nodes` chain for the caller to release after dropping the lock.
 *
 * A split copies a mapping: both halves then name the same backing object.
 * If the list has a dup_object hook, it is called once for every copy the
 * list makes (splits, vmlist_clone) so that each node can own one reference
 * on its object; the caller drops the reference of every node handed back.
 *
 * Errors are negative KITE_E* values from <kite/errno.h>; nothing changes
 * when an operation fails. Each function in vmlist.c states the order in
 * which it checks; argument errors always come first. The meanings:
 *   -EINVAL  a bad argument: unaligned, empty, wrapping, outside the user
 *            span, an unknown type/prot/flag bit, a NULL node or list;
 *   -EEXIST  vmlist_insert() over an existing mapping;
 *   -EFAULT  vmlist_check_range(): a hole in the range;
 *   -EACCES  W^X refused, a type not allowed, protection bits missing;
 *   -ENOMEM  no room: a hole under vmlist_protect() (as Linux mprotect),
 *            no free range, heap growth that collides, too many mappings,
 *            or fewer spare nodes than the operation needs.
 *
 * Node pointers returned by lookups stay valid only until the next change
 * to the list: a protect may merge a node away. Look mappings up by address.
 *
 * Lock: the owning procmem's lock protects the whole list and every node in
 * it ([P] below). Nodes on a vm_spares or vm_nodes are private to the thread
 * holding them.
 */
#ifndef KITE_VMLIST_H
#define KITE_VMLIST_H

#include "mm/vrange.h"

enum vm_type {
  VM_CODE,    /* program text */
  VM_DATA,    /* program data and bss */
  VM_HEAP,    /* the brk heap */
  VM_STACK,   /* the user stack */
  VM_GUARD,   /* reserved, never accessible (below the stack, around areas) */
  VM_SHARED,  /* a shared memory object */
  VM_MMIO,    /* device memory at `phys` */
  VM_ANON,    /* anonymous mmap */
  VM_FILE,    /* file-backed mmap */
  VM_KERNEL,  /* a window the kernel maps for itself: never user-accessible */
  VM_NTYPES
};

#define VM_TYPE_BIT(t)    (1u << (t))
#define VM_TYPES_ALL      ((1u << VM_NTYPES) - 1)
/* Types mprotect may change; guard, device and kernel mappings keep their rights. */
#define VM_TYPES_PROTECTABLE (VM_TYPES_ALL & ~VM_TYPE_BIT(VM_GUARD) & ~VM_TYPE_BIT(VM_MMIO) & \
                              ~VM_TYPE_BIT(VM_KERNEL))

#define VM_PROT_NONE   0u
#define VM_PROT_READ   1u
#define VM_PROT_WRITE  2u
#define VM_PROT_EXEC   4u
#define VM_PROT_ALL    (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)

#define VM_PRIVATE      0x01u  /* copy-on-write on fork */
#define VM_LAZY         0x02u  /* pages are zero-filled on first touch */
#define VM_POPULATE     0x04u  /* pages are filled when the mapping is made */
#define VM_GROWSDOWN    0x08u  /* a stack that may grow into the gap below */
#define VM_WASWRITABLE  0x10u  /* has been writable: may never become exec */
#define VM_NOWRITE      0x20u  /* may never become writable */
#define VM_FLAGS_ALL    0x3fu

#define VM_NAME_MAX        32
#define VM_MAX_MAPPINGS    16384   /* default per-list limit */
#define VM_SPARES_MAX      2       /* the most spare nodes any operation uses */

struct vm_mapping {
  /* What the mapping is. [P] while in a list. */
  uint64 start, end;          /* [start, end), page-aligned */
  enum vm_type type;
  uint32 prot;                /* VM_PROT_* */
  uint32 flags;               /* VM_PRIVATE ... VM_WASWRITABLE */
  void *object;               /* backing object (shared memory, file), opaque here */
  uint64 offset;              /* byte offset in `object` of `start` */
  uint64 phys;                /* VM_MMIO: physical address of `start` */
  char name[VM_NAME_MAX];     /* shown in the maps view */

  /* Tree links, owned by the list. [P] */
  struct vm_mapping *left, *right, *parent;
  uint64 gap;                 /* start - end of the previous mapping (or - lo) */
  uint64 max_gap;             /* largest gap in this subtree */
  int height;                 /* AVL height, a leaf is 1 */

  /* Links the node on a vm_nodes chain while it is out of a list. */
  struct vm_mapping *chain;
};

struct vmlist {
  struct vm_mapping *root;    /* [P] */
  uint64 lo, hi;              /* the user span, fixed at init */
  uint64 guard;               /* free bytes find-free keeps around mappings */
  int count;                  /* [P] mappings in the list */
  int max_count;              /* [P] limit on count */
  void (*dup_object)(void *object);   /* optional; see above */
};

/* Spare nodes reserved by the caller; an operation pops what it needs. */
struct vm_spares {
  struct vm_mapping *n[VM_SPARES_MAX];
  int count;
};

/* A chain of nodes handed back to the caller, in address order. */
struct vm_nodes {
  struct vm_mapping *head, *tail;
  int count;
};

/* What lives at one address: a mapping, or the hole [start, end) around it. */
struct vm_query {
  struct vm_mapping *mapping; /* NULL for a hole */
  uint64 start, end;
};

/*
 * Setting up. A vmlist may be moved by plain struct assignment (no node
 * points at the list header), which is how exec swaps in a new image.
 *   vmlist_init       an empty list over the user span [lo, hi); guard is
 *                     the gap find-free keeps around mappings (page multiple)
 *   vmlist_set_limit  at most max_count mappings (>= the current count)
 *   vmlist_take_all   empty the list onto `out` (exit, dropping an image)
 */
int  vmlist_init(struct vmlist *l, uint64 lo, uint64 hi, uint64 guard);
int  vmlist_set_limit(struct vmlist *l, int max_count);
void vmlist_take_all(struct vmlist *l, struct vm_nodes *out);

/*
 * Lookups, O(log n); they change nothing.
 *   vmlist_find            the mapping containing addr, or NULL
 *   vmlist_find_intersect  the lowest mapping meeting [a, b), including one
 *                          that starts below a; NULL if [a, b) is all hole
 *   vmlist_query           the mapping at addr, or the hole around it
 *   vmlist_check_range     [a, b) fully mapped (-EFAULT), every type in
 *                          type_mask and every prot_required bit present
 *                          (-EACCES); the first offence in address order
 *   vmlist_find_free       len free bytes: the hint if it fits, else the
 *                          highest fit below ceiling (0: the span top)
 */
struct vm_mapping *vmlist_find(const struct vmlist *l, uint64 addr);
struct vm_mapping *vmlist_find_intersect(const struct vmlist *l, uint64 a, uint64 b);
int vmlist_query(const struct vmlist *l, uint64 addr, struct vm_query *q);
int vmlist_check_range(const struct vmlist *l, uint64 a, uint64 b,
                       uint32 type_mask, uint32 prot_required);
int vmlist_find_free(const struct vmlist *l, uint64 len, uint64 hint,
                     uint64 ceiling, uint64 *addr);

/*
 * Changes. Spare nodes each one may take (reserve VM_SPARES_MAX to be safe):
 *   vmlist_insert   0: the caller's node m itself is linked
 *   vmlist_remove   one per end of [a, b) that falls strictly inside a
 *                   mapping: 0, 1 or 2; removed pieces go to `removed`
 *   vmlist_protect  the same, counting only mappings whose protection
 *                   changes; nodes merged away go to `dead`
 *   vmlist_resize   0 to grow the heap, 1 to shrink it (tail to `removed`)
 *   vmlist_clone    src->count nodes from the caller's array, no spares
 * vmlist_remove_check and vmlist_protect_check make every check of
 * vmlist_remove and vmlist_protect and change nothing: when one returns 0,
 * the same change, made before anything else changes the list, succeeds.
 * A caller that must reserve something else between checking and changing
 * (procmem: the views of shared objects) relies on this.
 */
int vmlist_insert(struct vmlist *l, struct vm_mapping *m);
int vmlist_remove(struct vmlist *l, uint64 a, uint64 b,
                  struct vm_spares *sp, struct vm_nodes *removed);
int vmlist_remove_check(const struct vmlist *l, uint64 a, uint64 b, const struct vm_spares *sp);
int vmlist_protect(struct vmlist *l, uint64 a, uint64 b, uint32 prot,
                   uint32 type_mask, struct vm_spares *sp, struct vm_nodes *dead);
int vmlist_protect_check(const struct vmlist *l, uint64 a, uint64 b, uint32 prot,
                         uint32 type_mask, const struct vm_spares *sp);
int vmlist_resize(struct vmlist *l, uint64 start, uint64 new_end,
                  struct vm_spares *sp, struct vm_nodes *removed);
int vmlist_clone(struct vmlist *dst, const struct vmlist *src,
                 struct vm_mapping **nodes, int nnodes);

/* Walking, in address order; NULL past either end. */
struct vm_mapping *vmlist_first(const struct vmlist *l);
struct vm_mapping *vmlist_last(const struct vmlist *l);
struct vm_mapping *vmlist_next(const struct vm_mapping *m);
struct vm_mapping *vmlist_prev(const struct vm_mapping *m);
static inline int vmlist_count(const struct vmlist *l) { return l->count; }

/*
 * The whole-structure check, O(n): every invariant at the top of this
 * file. 0, or prints the mapping(s) that broke it and returns -EINVAL.
 * procmem runs it after every change in debug builds.
 */
int vmlist_check(const struct vmlist *l);
/*
 * The same near [a, b), O(k log n) for the k mappings met: each mapping
 * meeting [a, b) and the one on either side passes the checks of one
 * mapping and is sorted against the mapping before it, with the right gap;
 * it and every node on its path to the root have consistent links,
 * heights, balance and max_gap; the count is within the limit. *work grows
 * by the nodes looked at. procmem runs it after each change in debug
 * builds, and vmlist_check every so often.
 */
int vmlist_check_near(const struct vmlist *l, uint64 a, uint64 b, uint64 *work);

/* Spares and node chains. */
static inline void vm_spares_init(struct vm_spares *sp) { sp->count = 0; }
void vm_nodes_init(struct vm_nodes *c);
struct vm_mapping *vm_nodes_pop(struct vm_nodes *c);   /* NULL when empty */

#endif
