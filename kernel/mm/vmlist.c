/*
 * The mapping list: an AVL tree of mappings keyed by start, each node also
 * carrying the largest free gap in its subtree so that find-free costs
 * O(log n). See vmlist.h for the invariants and the error contract.
 *
 * Every public operation has the same two phases:
 *   check   - validate arguments, look at the list, count the nodes needed;
 *             may fail, changes nothing;
 *   commit  - cannot fail; splits, links, unlinks, hands nodes back.
 *
 * A split, pictured (removing or protecting [a, b) inside one mapping M):
 *
 *     before:  |-------------------- M --------------------|
 *              M.start          a              b          M.end
 *     after:   |---- M ----|--- piece ---|---- rest -------|
 *              M keeps its node; piece and rest are spare nodes, copies of
 *              M with start, end and offset adjusted.
 */
#ifdef KITE_HOST
/* Host unit tests: libc stands in for the kernel library. */
#include <stdio.h>
#include <string.h>
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#else
#include "lib/types.h"
#include "lib/string.h"
#include "lib/printf.h"
#endif
#include <kite/errno.h>
#include "mm/vmlist.h"

/* ------------------------------------------------------------------ */
/* Tree primitives: heights, gaps, rotations.                           */

static int height(const struct vm_mapping *n) { return n ? n->height : 0; }
static uint64 max_gap(const struct vm_mapping *n) { return n ? n->max_gap : 0; }
static uint64 max3(uint64 a, uint64 b, uint64 c) { return MAX(a, MAX(b, c)); }

/* Recompute n's height and max_gap from its children. */
static void update(struct vm_mapping *n)
{
  n->height = 1 + MAX(height(n->left), height(n->right));
  n->max_gap = max3(n->gap, max_gap(n->left), max_gap(n->right));
}

/* After n's gap changed, fix max_gap on the way to the root. */
static void propagate(struct vm_mapping *n)
{
  for (; n; n = n->parent)
    update(n);
}

static void replace_child(struct vmlist *l, struct vm_mapping *parent,
                          struct vm_mapping *old, struct vm_mapping *new)
{
  if (!parent)
    l->root = new;
  else if (parent->left == old)
    parent->left = new;
  else
    parent->right = new;
}

/*
 *     x                y
 *    / \              / \
 *   A   y     ->     x   C
 *      / \          / \
 *     B   C        A   B
 */
static struct vm_mapping *rotate_left(struct vmlist *l, struct vm_mapping *x)
{
  struct vm_mapping *y = x->right;

  x->right = y->left;
  if (y->left)
    y->left->parent = x;
  y->parent = x->parent;
  replace_child(l, x->parent, x, y);
  y->left = x;
  x->parent = y;
  update(x);
  update(y);
  return y;
}

/* The mirror image of rotate_left. */
static struct vm_mapping *rotate_right(struct vmlist *l, struct vm_mapping *x)
{
  struct vm_mapping *y = x->left;

  x->left = y->right;
  if (y->right)
    y->right->parent = x;
  y->parent = x->parent;
  replace_child(l, x->parent, x, y);
  y->right = x;
  x->parent = y;
  update(x);
  update(y);
  return y;
}

/* Restore the AVL property at n; returns the node now at n's place. */
static struct vm_mapping *rebalance_one(struct vmlist *l, struct vm_mapping *n)
{
  int bf;

  update(n);
  bf = height(n->left) - height(n->right);
  if (bf > 1) {
    if (height(n->left->left) < height(n->left->right))
      rotate_left(l, n->left);
    return rotate_right(l, n);
  }
  if (bf < -1) {
    if (height(n->right->right) < height(n->right->left))
      rotate_right(l, n->right);
    return rotate_left(l, n);
  }
  return n;
}

/* Rebalance and update every node from n up to the root. */
static void rebalance_up(struct vmlist *l, struct vm_mapping *n)
{
  while (n)
    n = rebalance_one(l, n)->parent;
}

/* ------------------------------------------------------------------ */
/* In-order walking.                                                    */

static struct vm_mapping *leftmost(struct vm_mapping *n)
{
  while (n && n->left)
    n = n->left;
  return n;
}

static struct vm_mapping *rightmost(struct vm_mapping *n)
{
  while (n && n->right)
    n = n->right;
  return n;
}

struct vm_mapping *vmlist_first(const struct vmlist *l) { return leftmost(l->root); }
struct vm_mapping *vmlist_last(const struct vmlist *l) { return rightmost(l->root); }

struct vm_mapping *vmlist_next(const struct vm_mapping *m)
{
  if (m->right)
    return leftmost(m->right);
  while (m->parent && m->parent->right == m)
    m = m->parent;
  return m->parent;
}

struct vm_mapping *vmlist_prev(const struct vm_mapping *m)
{
  if (m->left)
    return rightmost(m->left);
  while (m->parent && m->parent->left == m)
    m = m->parent;
  return m->parent;
}

/* The end of whatever lies below m: the previous mapping, or the span. */
static uint64 floor_below(const struct vmlist *l, const struct vm_mapping *m)
{
  struct vm_mapping *p = vmlist_prev(m);
  return p ? p->end : l->lo;
}

/* m's start or its predecessor's end changed: recompute its gap. */
static void refresh_gap(struct vmlist *l, struct vm_mapping *m)
{
  if (!m)
    return;
  m->gap = m->start - floor_below(l, m);
  propagate(m);
}

/* ------------------------------------------------------------------ */
/* Linking and unlinking nodes.                                         */

/* Put m (disjoint from every mapping in l) into the tree. */
static void tree_link(struct vmlist *l, struct vm_mapping *m)
{
  struct vm_mapping **link = &l->root, *parent = NULL, *next;

  while (*link) {
    parent = *link;
    link = m->start < parent->start ? &parent->left : &parent->right;
  }
  m->parent = parent;
  m->left = m->right = NULL;
  *link = m;
  m->gap = m->start - floor_below(l, m);
  update(m);
  next = vmlist_next(m);
  if (next)
    next->gap = next->start - m->end;
  rebalance_up(l, m);
  propagate(next);
  l->count++;
}

/* z has two children: its successor y takes z's place. Returns the
 * lowest node whose subtree changed. */
static struct vm_mapping *unlink_two(struct vmlist *l, struct vm_mapping *z)
{
  struct vm_mapping *y = leftmost(z->right), *fix = y;

  if (y->parent != z) {
    fix = y->parent;
    replace_child(l, y->parent, y, y->right);
    if (y->right)
      y->right->parent = y->parent;
    y->right = z->right;
    z->right->parent = y;
  }
  replace_child(l, z->parent, z, y);
  y->parent = z->parent;
  y->left = z->left;
  z->left->parent = y;
  return fix;
}

static void clear_links(struct vm_mapping *m)
{
  m->left = m->right = m->parent = NULL;
  m->chain = NULL;
  m->height = 1;
}

/* Take z out of the tree; the gap below its successor grows. */
static void tree_erase(struct vmlist *l, struct vm_mapping *z)
{
  struct vm_mapping *next = vmlist_next(z), *fix;
  uint64 below = floor_below(l, z);

  if (z->left && z->right) {
    fix = unlink_two(l, z);
  } else {
    struct vm_mapping *child = z->left ? z->left : z->right;
    fix = z->parent;
    replace_child(l, z->parent, z, child);
    if (child)
      child->parent = z->parent;
  }
  if (next)
    next->gap = next->start - below;
  rebalance_up(l, fix);
  propagate(next);
  clear_links(z);
  l->count--;
}

/* ------------------------------------------------------------------ */
/* Node chains and spares.                                              */

void vm_nodes_init(struct vm_nodes *c)
{
  c->head = c->tail = NULL;
  c->count = 0;
}

static void chain_push(struct vm_nodes *c, struct vm_mapping *m)
{
  m->chain = NULL;
  if (c->tail)
    c->tail->chain = m;
  else
    c->head = m;
  c->tail = m;
  c->count++;
}

struct vm_mapping *vm_nodes_pop(struct vm_nodes *c)
{
  struct vm_mapping *m = c->head;

  if (!m)
    return NULL;
  c->head = m->chain;
  if (!c->head)
    c->tail = NULL;
  c->count--;
  m->chain = NULL;
  return m;
}

static int spares_have(const struct vm_spares *sp, int need)
{
  int i;

  if (need == 0)
    return 1;
  if (!sp || sp->count < need || sp->count > VM_SPARES_MAX)
    return 0;
  for (i = sp->count - need; i < sp->count; i++)
    if (!sp->n[i])
      return 0;
  return 1;
}

static struct vm_mapping *spare_take(struct vm_spares *sp)
{
  struct vm_mapping *m = sp->n[--sp->count];

  sp->n[sp->count] = NULL;
  return m;
}

/* Make dst a copy of src covering [start, end), not linked anywhere. */
static void copy_piece(const struct vmlist *l, struct vm_mapping *dst,
                       const struct vm_mapping *src, uint64 start, uint64 end)
{
  *dst = *src;
  clear_links(dst);
  dst->offset = src->offset + (start - src->start);
  if (src->type == VM_MMIO)
    dst->phys = src->phys + (start - src->start);
  dst->start = start;
  dst->end = end;
  dst->max_gap = dst->gap;
  if (l->dup_object && dst->object)
    l->dup_object(dst->object);
}

/* Shrink m to end at `end`; the gap above it grows. */
static void set_end(struct vmlist *l, struct vm_mapping *m, uint64 end)
{
  m->end = end;
  refresh_gap(l, vmlist_next(m));
}

/* Move m's start up to `start`, keeping each page's backing. */
static void set_start(struct vmlist *l, struct vm_mapping *m, uint64 start)
{
  m->offset += start - m->start;
  if (m->type == VM_MMIO)
    m->phys += start - m->start;
  m->start = start;
  refresh_gap(l, m);
}

/* Cut m in two at addr: m keeps [start, addr), `spare` gets [addr, end). */
static struct vm_mapping *split_at(struct vmlist *l, struct vm_mapping *m,
                                   uint64 addr, struct vm_mapping *spare)
{
  copy_piece(l, spare, m, addr, m->end);
  m->end = addr;
  tree_link(l, spare);
  return spare;
}

/* ------------------------------------------------------------------ */
/* Set-up.                                                              */

int vmlist_init(struct vmlist *l, uint64 lo, uint64 hi, uint64 guard)
{
  if (!l || !vr_valid_in(lo, hi, 0, ~(uint64)0) || !vr_aligned(guard))
    return -KITE_EINVAL;
  l->root = NULL;
  l->lo = lo;
  l->hi = hi;
  l->guard = guard;
  l->count = 0;
  l->max_count = VM_MAX_MAPPINGS;
  l->dup_object = NULL;
  return 0;
}

int vmlist_set_limit(struct vmlist *l, int max_count)
{
  if (!l || max_count <= 0 || max_count < l->count)
    return -KITE_EINVAL;
  l->max_count = max_count;
  return 0;
}

/* Empty the list, handing every node to `out` (exit, failed exec). */
void vmlist_take_all(struct vmlist *l, struct vm_nodes *out)
{
  struct vm_mapping *m, *first = NULL;

  for (m = vmlist_first(l); m; m = vmlist_next(m)) {
    chain_push(out, m);
    if (!first)
      first = m;
  }
  for (m = first; m; m = m->chain) {
    m->left = m->right = m->parent = NULL;
    m->height = 1;
  }
  l->root = NULL;
  l->count = 0;
}

/* ------------------------------------------------------------------ */
/* Lookups.                                                             */

/* The lowest mapping ending above addr (ends are sorted like starts). */
static struct vm_mapping *first_ending_above(const struct vmlist *l, uint64 addr)
{
  struct vm_mapping *n = l->root, *best = NULL;

  while (n) {
    if (n->end > addr) {
      best = n;
      n = n->left;
    } else {
      n = n->right;
    }
  }
  return best;
}

/* The lowest mapping starting above addr. */
static struct vm_mapping *first_starting_above(const struct vmlist *l, uint64 addr)
{
  struct vm_mapping *n = l->root, *best = NULL;

  while (n) {
    if (n->start > addr) {
      best = n;
      n = n->left;
    } else {
      n = n->right;
    }
  }
  return best;
}

struct vm_mapping *vmlist_find(const struct vmlist *l, uint64 addr)
{
  struct vm_mapping *m = first_ending_above(l, addr);

  return m && m->start <= addr ? m : NULL;
}

/* The lowest mapping meeting [a, b), including one that starts below a. */
struct vm_mapping *vmlist_find_intersect(const struct vmlist *l, uint64 a, uint64 b)
{
  struct vm_mapping *m;

  if (a >= b)
    return NULL;
  m = first_ending_above(l, a);
  return m && m->start < b ? m : NULL;
}

int vmlist_query(const struct vmlist *l, uint64 addr, struct vm_query *q)
{
  struct vm_mapping *m, *prev;

  if (!l || !q || addr < l->lo || addr >= l->hi)
    return -KITE_EINVAL;
  m = first_ending_above(l, addr);
  if (m && m->start <= addr) {
    q->mapping = m;
    q->start = m->start;
    q->end = m->end;
    return 0;
  }
  prev = m ? vmlist_prev(m) : vmlist_last(l);
  q->mapping = NULL;
  q->start = prev ? prev->end : l->lo;
  q->end = m ? m->start : l->hi;
  return 0;
}

static int range_ok(const struct vmlist *l, uint64 a, uint64 b)
{
  return vr_valid_in(a, b, l->lo, l->hi);
}

/*
 * Walk [a, b) in address order: -EFAULT at the first hole, -EACCES at the
 * first mapping whose type is not in type_mask or that lacks a bit of
 * prot_required.
 */
int vmlist_check_range(const struct vmlist *l, uint64 a, uint64 b,
                       uint32 type_mask, uint32 prot_required)
{
  struct vm_mapping *m;
  uint64 pos = a;

  if (!l || !range_ok(l, a, b) || (prot_required & ~VM_PROT_ALL))
    return -KITE_EINVAL;
  for (m = vmlist_find_intersect(l, a, b); pos < b; m = vmlist_next(m)) {
    if (!m || m->start > pos)
      return -KITE_EFAULT;
    if (!(type_mask & VM_TYPE_BIT(m->type)))
      return -KITE_EACCES;
    if ((m->prot & prot_required) != prot_required)
      return -KITE_EACCES;
    pos = m->end;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Finding free space.                                                  */

/*
 * The rightmost node in n's subtree with start < limit whose gap is at
 * least `need`. Subtrees wholly below limit are entered only when their
 * max_gap promises a hit, so this costs O(log n).
 */
static struct vm_mapping *rightmost_fit(struct vm_mapping *n, uint64 limit, uint64 need)
{
  struct vm_mapping *r;

  while (n && n->max_gap >= need) {
    if (n->start >= limit) {
      n = n->left;
      continue;
    }
    r = rightmost_fit(n->right, limit, need);
    if (r)
      return r;
    if (n->gap >= need)
      return n;
    n = n->left;
  }
  return NULL;
}

/* [hint, hint+len) is in the span and at least `guard` from every mapping. */
static int hint_fits(const struct vmlist *l, uint64 hint, uint64 len)
{
  uint64 end;

  if (!vr_end(hint, len, &end) || hint < l->lo || end > l->hi)
    return 0;
  return !vmlist_find_intersect(l, vr_sat_sub(hint, l->guard), vr_sat_add(end, l->guard));
}

/*
 * Top-down search below ceiling c. A gap between two mappings must hold
 * guard + len + guard; the gap at the bottom of the span needs no guard
 * below, and the top of the span or the ceiling needs none above.
 *
 *   lo      first         P               S
 *   |.......[====]...  ...[====]....c.....[====]....| hi
 *                               ^ step 1: the gap holding c
 *           ^ step 3     ^ step 2: the highest big-enough gap below
 */
static int find_topdown(const struct vmlist *l, uint64 len, uint64 c, uint64 *addr)
{
  uint64 g = l->guard, floor, limit;
  struct vm_mapping *s, *p, *n, *first;

  s = first_starting_above(l, vr_sat_add(c, g));
  p = s ? vmlist_prev(s) : vmlist_last(l);
  floor = p ? vr_sat_add(p->end, g) : l->lo;
  if (floor <= c && c - floor >= len) {
    *addr = c - len;
    return 0;
  }
  limit = s ? s->start : ~(uint64)0;
  n = rightmost_fit(l->root, limit, vr_sat_add(len, 2 * g));
  if (n) {
    *addr = n->start - g - len;
    return 0;
  }
  first = vmlist_first(l);
  if (first && first->start < limit && first->gap >= vr_sat_add(len, g)) {
    *addr = first->start - g - len;
    return 0;
  }
  return -KITE_ENOMEM;
}

/*
 * Find len free bytes. A non-zero hint is taken as is when [hint,
 * hint+len) lies in the span with `guard` free bytes on both sides (the
 * ceiling does not bind a hint); otherwise the highest fit ending at or
 * below `ceiling` (0 means the top of the span) is returned.
 */
int vmlist_find_free(const struct vmlist *l, uint64 len, uint64 hint,
                     uint64 ceiling, uint64 *addr)
{
  if (!l || !addr || len == 0 || !vr_aligned(len) || !vr_aligned(hint) ||
      !vr_aligned(ceiling))
    return -KITE_EINVAL;
  if (ceiling == 0 || ceiling > l->hi)
    ceiling = l->hi;
  if (hint && hint_fits(l, hint, len)) {
    *addr = hint;
    return 0;
  }
  if (ceiling < l->lo)
    return -KITE_ENOMEM;
  return find_topdown(l, len, ceiling, addr);
}

/* ------------------------------------------------------------------ */
/* Inserting.                                                           */

static int prot_wx(uint32 prot)
{
  return (prot & VM_PROT_WRITE) && (prot & VM_PROT_EXEC);
}

/* The attributes of a new mapping, apart from where it goes. */
static int attrs_valid(const struct vm_mapping *m)
{
  if ((unsigned)m->type >= VM_NTYPES || (m->prot & ~VM_PROT_ALL) ||
      (m->flags & ~VM_FLAGS_ALL))
    return 0;
  if ((m->type == VM_GUARD || m->type == VM_KERNEL) && (m->prot != VM_PROT_NONE || m->object))
    return 0;
  if (m->type == VM_MMIO && !vr_aligned(m->phys))
    return 0;
  return 1;
}

/*
 * Link a caller-filled node m into the list. Checks, in order: -EINVAL
 * (range or attributes), -EACCES (W^X, or writable with VM_NOWRITE),
 * -EEXIST (overlap), -ENOMEM (limit).
 * A writable mapping gets VM_WASWRITABLE; the name is NUL-terminated.
 */
int vmlist_insert(struct vmlist *l, struct vm_mapping *m)
{
  if (!l || !m || !range_ok(l, m->start, m->end) || !attrs_valid(m))
    return -KITE_EINVAL;
  if (prot_wx(m->prot) || ((m->flags & VM_WASWRITABLE) && (m->prot & VM_PROT_EXEC)) ||
      ((m->flags & VM_NOWRITE) && (m->prot & VM_PROT_WRITE)))
    return -KITE_EACCES;
  if (vmlist_find_intersect(l, m->start, m->end))
    return -KITE_EEXIST;
  if (l->count >= l->max_count)
    return -KITE_ENOMEM;
  if (m->prot & VM_PROT_WRITE)
    m->flags |= VM_WASWRITABLE;
  m->name[VM_NAME_MAX - 1] = 0;
  clear_links(m);
  tree_link(l, m);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Removing.                                                            */

/* The mappings a range [a, b) cuts: one starting below a, one ending above b. */
struct cuts {
  struct vm_mapping *left;   /* start < a < end, or NULL */
  struct vm_mapping *right;  /* start < b < end, or NULL */
};

static void find_cuts(const struct vmlist *l, uint64 a, uint64 b, struct cuts *c)
{
  c->left = vmlist_find(l, a);
  if (c->left && c->left->start == a)
    c->left = NULL;
  c->right = vmlist_find(l, b - 1);
  if (c->right && c->right->end == b)
    c->right = NULL;
}

/* [a, b) lies strictly inside m: m keeps the left part, a spare the right. */
static void remove_inside(struct vmlist *l, struct vm_mapping *m, uint64 a, uint64 b,
                          struct vm_spares *sp, struct vm_nodes *removed)
{
  struct vm_mapping *rest = spare_take(sp), *piece = spare_take(sp);

  copy_piece(l, rest, m, b, m->end);
  copy_piece(l, piece, m, a, b);
  set_end(l, m, a);
  tree_link(l, rest);
  chain_push(removed, piece);
}

static void remove_across(struct vmlist *l, uint64 a, uint64 b, const struct cuts *c,
                          struct vm_spares *sp, struct vm_nodes *removed)
{
  struct vm_mapping *m, *next, *piece;

  if (c->left) {
    piece = spare_take(sp);
    copy_piece(l, piece, c->left, a, c->left->end);
    set_end(l, c->left, a);
    chain_push(removed, piece);
  }
  for (m = vmlist_find_intersect(l, a, b); m && m->end <= b; m = next) {
    next = vmlist_next(m);
    tree_erase(l, m);
    chain_push(removed, m);
  }
  if (c->right) {
    piece = spare_take(sp);
    copy_piece(l, piece, c->right, c->right->start, b);
    set_start(l, c->right, b);
    chain_push(removed, piece);
  }
}

/*
 * Unmap [a, b): holes are fine; every mapping cut at a or b is split, and
 * the pieces that were inside [a, b) are appended to `removed` in address
 * order with start, end, offset (and phys) describing exactly the removed
 * part. Spares used: one for each end of the range that falls strictly
 * inside a mapping, so 0, 1 or 2 (2 also when [a, b) is strictly inside one
 * mapping: one node for the removed middle, one for the right remainder).
 * Errors: -EINVAL; -ENOMEM when the split would exceed the limit or too few
 * spares were given. vmlist_remove_check() makes the same checks and
 * changes nothing.
 */
int vmlist_remove_check(const struct vmlist *l, uint64 a, uint64 b, const struct vm_spares *sp)
{
  struct cuts c;
  int need, grow;

  if (!l || !range_ok(l, a, b))
    return -KITE_EINVAL;
  find_cuts(l, a, b, &c);
  need = (c.left != NULL) + (c.right != NULL);
  grow = c.left && c.left == c.right;
  if (l->count + grow > l->max_count || !spares_have(sp, need))
    return -KITE_ENOMEM;
  return 0;
}

int vmlist_remove(struct vmlist *l, uint64 a, uint64 b,
                  struct vm_spares *sp, struct vm_nodes *removed)
{
  struct cuts c;
  int err;

  if (!removed)
    return -KITE_EINVAL;
  if ((err = vmlist_remove_check(l, a, b, sp)) != 0)
    return err;
  find_cuts(l, a, b, &c);
  if (c.left && c.left == c.right)
    remove_inside(l, c.left, a, b, sp, removed);
  else
    remove_across(l, a, b, &c, sp, removed);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Protecting.                                                          */

/* [a, b) is covered with no hole. */
static int fully_mapped(const struct vmlist *l, uint64 a, uint64 b)
{
  struct vm_mapping *m;
  uint64 pos = a;

  for (m = vmlist_find_intersect(l, a, b); pos < b; m = vmlist_next(m)) {
    if (!m || m->start > pos)
      return 0;
    pos = m->end;
  }
  return 1;
}

/* Every mapping in [a, b) may take `prot`. */
static int prot_allowed(const struct vmlist *l, uint64 a, uint64 b, uint32 prot,
                        uint32 type_mask)
{
  struct vm_mapping *m;

  for (m = vmlist_find_intersect(l, a, b); m && m->start < b; m = vmlist_next(m)) {
    if (!(type_mask & VM_TYPE_BIT(m->type)))
      return 0;
    if ((prot & VM_PROT_EXEC) && (m->flags & VM_WASWRITABLE))
      return 0;
    if ((prot & VM_PROT_WRITE) && (m->flags & VM_NOWRITE))
      return 0;
    if (m->type == VM_GUARD && prot != VM_PROT_NONE)
      return 0;
  }
  return 1;
}

/* Whether y can be folded into x: the two read as one mapping. */
static int mergeable(const struct vm_mapping *x, const struct vm_mapping *y)
{
  uint64 len = x->end - x->start;

  if (x->end != y->start || x->type != y->type || x->prot != y->prot ||
      x->flags != y->flags || x->object != y->object || y->offset != x->offset + len)
    return 0;
  if (x->type == VM_MMIO && y->phys != x->phys + len)
    return 0;
  return strncmp(x->name, y->name, VM_NAME_MAX) == 0;
}

/* Merge equal neighbours from the mapping below a through the one at b. */
static void merge_around(struct vmlist *l, uint64 a, uint64 b, struct vm_nodes *dead)
{
  struct vm_mapping *x = vmlist_find(l, a), *y, *p = vmlist_prev(x);

  if (p)
    x = p;
  for (y = vmlist_next(x); y && y->start <= b; y = vmlist_next(x)) {
    if (mergeable(x, y)) {
      x->end = y->end;      /* before the erase, so the gap above is right */
      tree_erase(l, y);
      chain_push(dead, y);
    } else {
      x = y;
    }
  }
}

/* Whether the mapping m would need to be split to change to prot. */
static struct vm_mapping *cut_if_changes(struct vm_mapping *m, uint32 prot)
{
  return m && m->prot != prot ? m : NULL;
}

static void protect_commit(struct vmlist *l, uint64 a, uint64 b, uint32 prot,
                           const struct cuts *c, struct vm_spares *sp)
{
  struct vm_mapping *m;

  if (c->left)
    split_at(l, c->left, a, spare_take(sp));
  if (c->right)
    split_at(l, vmlist_find(l, b - 1), b, spare_take(sp));
  for (m = vmlist_find(l, a); m && m->start < b; m = vmlist_next(m)) {
    m->prot = prot;
    if (prot & VM_PROT_WRITE)
      m->flags |= VM_WASWRITABLE;
  }
}

/* The cuts a protect of [a, b) to prot makes: only where prot changes. */
static void protect_cuts(const struct vmlist *l, uint64 a, uint64 b, uint32 prot,
                         struct cuts *c)
{
  find_cuts(l, a, b, c);
  c->left = cut_if_changes(c->left, prot);
  c->right = cut_if_changes(c->right, prot);
}

/*
 * Everything vmlist_protect() checks, in its order; nothing changes. When
 * this returns 0, vmlist_protect() with the same arguments (and the list
 * unchanged in between) succeeds.
 */
int vmlist_protect_check(const struct vmlist *l, uint64 a, uint64 b, uint32 prot,
                         uint32 type_mask, const struct vm_spares *sp)
{
  struct cuts c;
  int need;

  if (!l || !range_ok(l, a, b) || (prot & ~VM_PROT_ALL))
    return -KITE_EINVAL;
  if (prot_wx(prot))
    return -KITE_EACCES;
  if (!fully_mapped(l, a, b))
    return -KITE_ENOMEM;
  if (!prot_allowed(l, a, b, prot, type_mask))
    return -KITE_EACCES;
  protect_cuts(l, a, b, prot, &c);
  need = (c.left != NULL) + (c.right != NULL);
  if (l->count + need > l->max_count || !spares_have(sp, need))
    return -KITE_ENOMEM;
  return 0;
}

/*
 * Give every mapping in [a, b) protection `prot`, splitting mappings cut
 * at a or b (only when their protection actually changes), then merging
 * equal neighbours; nodes merged away go to `dead` (their range now
 * belongs to a neighbour: release the node and its object reference, not
 * pages). Checks, in order: -EINVAL (range, prot bits); -EACCES (prot is
 * writable and executable); -ENOMEM (a hole in the range); -EACCES (a type
 * outside type_mask, EXEC on a mapping that was ever writable, WRITE on a
 * VM_NOWRITE mapping, or any access for a guard mapping, even when
 * type_mask allows VM_GUARD); -ENOMEM (the limit, counting splits before
 * merges, or too few spares).
 */
int vmlist_protect(struct vmlist *l, uint64 a, uint64 b, uint32 prot,
                   uint32 type_mask, struct vm_spares *sp, struct vm_nodes *dead)
{
  struct cuts c;
  int err;

  if (!dead)
    return -KITE_EINVAL;
  if ((err = vmlist_protect_check(l, a, b, prot, type_mask, sp)) != 0)
    return err;
  protect_cuts(l, a, b, prot, &c);
  protect_commit(l, a, b, prot, &c, sp);
  merge_around(l, a, b, dead);
  return 0;
}

/* ------------------------------------------------------------------ */
/* The heap.                                                            */

/*
 * brk: move the end of the VM_HEAP mapping that starts at `start` to
 * new_end (> start; an empty heap is no mapping at all, which procmem
 * expresses with insert and remove). Growing needs [end, new_end) free
 * (-ENOMEM otherwise; the guard gap is not applied: the stack carries its
 * own guard mapping). Shrinking is vmlist_remove(new_end, end): one spare,
 * and the tail is appended to `removed`. -EINVAL for a bad new_end or when
 * no heap mapping starts at `start`.
 */
int vmlist_resize(struct vmlist *l, uint64 start, uint64 new_end,
                  struct vm_spares *sp, struct vm_nodes *removed)
{
  struct vm_mapping *m, *next;

  if (!l || !vr_aligned(new_end) || new_end <= start || new_end > l->hi)
    return -KITE_EINVAL;
  m = vmlist_find(l, start);
  if (!m || m->start != start || m->type != VM_HEAP)
    return -KITE_EINVAL;
  if (new_end < m->end)
    return vmlist_remove(l, new_end, m->end, sp, removed);
  next = vmlist_next(m);
  if (next && next->start < new_end)
    return -KITE_ENOMEM;
  m->end = new_end;
  refresh_gap(l, next);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Cloning (fork).                                                      */

/* A perfectly balanced tree over nodes[lo..hi], in order. */
static struct vm_mapping *build_balanced(struct vm_mapping **nodes, int lo, int hi,
                                         struct vm_mapping *parent)
{
  int mid;
  struct vm_mapping *n;

  if (lo > hi)
    return NULL;
  mid = lo + (hi - lo) / 2;
  n = nodes[mid];
  n->parent = parent;
  n->left = build_balanced(nodes, lo, mid - 1, n);
  n->right = build_balanced(nodes, mid + 1, hi, n);
  update(n);
  return n;
}

/*
 * Make the empty list dst a copy of src, using the first src->count nodes
 * of nodes[] (the caller frees the rest). Span, guard, limit and hook are
 * copied too; the hook is called for every copied object. -EINVAL for bad
 * arguments or a non-empty dst, -ENOMEM when nnodes < src->count.
 */
int vmlist_clone(struct vmlist *dst, const struct vmlist *src,
                 struct vm_mapping **nodes, int nnodes)
{
  struct vm_mapping *m;
  int i;

  if (!dst || !src || dst == src || dst->count != 0 || nnodes < 0 || (nnodes && !nodes))
    return -KITE_EINVAL;
  if (nnodes < src->count)
    return -KITE_ENOMEM;
  for (i = 0; i < src->count; i++)
    if (!nodes[i])
      return -KITE_EINVAL;
  *dst = *src;
  for (i = 0, m = vmlist_first(src); m; m = vmlist_next(m), i++)
    copy_piece(src, nodes[i], m, m->start, m->end);
  dst->root = build_balanced(nodes, 0, src->count - 1, NULL);
  return 0;
}

/* ------------------------------------------------------------------ */
/* The checker.                                                         */

struct check_state {
  const struct vmlist *l;
  const struct vm_mapping *prev;
  int count;
};

static int broken(const char *why, const struct vm_mapping *a, const struct vm_mapping *b)
{
  printf("vmlist: %s: [%p, %p) type %d prot %d flags %d", why,
         (void *)a->start, (void *)a->end, (int)a->type, (int)a->prot, (int)a->flags);
  if (b)
    printf(" / [%p, %p) type %d prot %d", (void *)b->start, (void *)b->end,
           (int)b->type, (int)b->prot);
  printf("\n");
  return -1;
}

/* The checks one mapping must pass on its own. */
static const char *mapping_fault(const struct vmlist *l, const struct vm_mapping *m)
{
  if (!vr_valid_in(m->start, m->end, l->lo, l->hi))
    return "empty, unaligned or outside the span";
  if (!attrs_valid(m))
    return "bad type, prot or flags";
  if (prot_wx(m->prot))
    return "writable and executable";
  if ((m->flags & VM_WASWRITABLE) && (m->prot & VM_PROT_EXEC))
    return "was writable, now executable";
  if ((m->prot & VM_PROT_WRITE) && !(m->flags & VM_WASWRITABLE))
    return "writable without VM_WASWRITABLE";
  if ((m->prot & VM_PROT_WRITE) && (m->flags & VM_NOWRITE))
    return "writable with VM_NOWRITE";
  return NULL;
}

/* m alone, then m against prev, the mapping before it (NULL: none). */
static int check_one(const struct vmlist *l, const struct vm_mapping *m,
                     const struct vm_mapping *prev)
{
  const char *why = mapping_fault(l, m);

  if (why)
    return broken(why, m, NULL);
  if (prev && prev->end > m->start)
    return broken("overlapping or unsorted", prev, m);
  if (m->gap != m->start - (prev ? prev->end : l->lo))
    return broken("wrong gap", m, prev);
  return 0;
}

/* n's balance, height and max_gap, given its children's heights. */
static int check_shape(const struct vm_mapping *n, int hl, int hr)
{
  if (hl - hr > 1 || hr - hl > 1)
    return broken("unbalanced", n, NULL);
  if (n->height != 1 + MAX(hl, hr))
    return broken("wrong height", n, NULL);
  if (n->max_gap != max3(n->gap, max_gap(n->left), max_gap(n->right)))
    return broken("wrong max_gap", n, NULL);
  return 0;
}

/* In-order visit: m alone, then m against the mapping before it. */
static int check_visit(struct check_state *cs, const struct vm_mapping *m)
{
  if (check_one(cs->l, m, cs->prev) < 0)
    return -1;
  cs->prev = m;
  cs->count++;
  return 0;
}

/* Returns the height of n's subtree, or -1 once something is broken. */
static int check_subtree(struct check_state *cs, const struct vm_mapping *n,
                         const struct vm_mapping *parent)
{
  int hl, hr;

  if (!n)
    return 0;
  if (n->parent != parent)
    return broken("bad parent link", n, parent);
  if ((hl = check_subtree(cs, n->left, n)) < 0 || check_visit(cs, n) < 0 ||
      (hr = check_subtree(cs, n->right, n)) < 0 || check_shape(n, hl, hr) < 0)
    return -1;
  return n->height;
}

int vmlist_check(const struct vmlist *l)
{
  struct check_state cs = { l, NULL, 0 };

  if (check_subtree(&cs, l->root, NULL) < 0)
    return -KITE_EINVAL;
  if (cs.count != l->count || l->count > l->max_count) {
    printf("vmlist: count %d, found %d, limit %d\n", l->count, cs.count, l->max_count);
    return -KITE_EINVAL;
  }
  return 0;
}

/* n's links, and its shape against its children's recorded heights. */
static int check_links(const struct vm_mapping *n)
{
  if ((n->left && n->left->parent != n) || (n->right && n->right->parent != n))
    return broken("bad parent link", n, NULL);
  if (n->parent && n->parent->left != n && n->parent->right != n)
    return broken("not a child of its parent", n, n->parent);
  return check_shape(n, height(n->left), height(n->right));
}

/* m on its own, against the mapping before it, and its links. */
static int check_near_one(const struct vmlist *l, const struct vm_mapping *m)
{
  if (check_one(l, m, vmlist_prev(m)) < 0)
    return -1;
  return check_links(m);
}

/* The nodes above m, up to the root. */
static int check_path(const struct vmlist *l, const struct vm_mapping *m, uint64 *work)
{
  for (; m->parent; m = m->parent) {
    (*work)++;
    if (check_links(m->parent) < 0)
      return -1;
  }
  return m == l->root ? 0 : broken("a top node that is not the root", m, NULL);
}

/*
 * Every node between the first and the last one checked is checked on its
 * own; the nodes above them that lie outside that run are all above the
 * first or above the last one (a node above x with x in its right subtree
 * has everything between itself and x there too), so two paths to the
 * root cover them.
 */
int vmlist_check_near(const struct vmlist *l, uint64 a, uint64 b, uint64 *work)
{
  const struct vm_mapping *m = first_ending_above(l, a), *below, *first, *last = NULL;

  if (l->count > l->max_count || l->count < 0 || (l->root == NULL) != (l->count == 0)) {
    printf("vmlist: count %d, limit %d, root %p\n", l->count, l->max_count, (void *)l->root);
    return -KITE_EINVAL;
  }
  below = m ? vmlist_prev(m) : vmlist_last(l);
  first = below ? below : m;
  for (m = first; m; m = vmlist_next(m)) {
    (*work)++;
    if (check_near_one(l, m) < 0)
      return -KITE_EINVAL;
    last = m;
    if (m->start >= b)
      break;                  /* the neighbour above: checked, and the last */
  }
  if (first && (check_path(l, first, work) < 0 || check_path(l, last, work) < 0))
    return -KITE_EINVAL;
  return 0;
}
