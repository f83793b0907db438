/*
 * Host unit tests of the mapping list (kernel/mm/vmlist.c).
 *
 * The list is compiled straight into this program. Node memory comes from
 * malloc, as procmem would get it from its node allocator. The last test
 * runs thousands of random operations against a page-by-page model of the
 * address space and checks the whole structure after every one.
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "mm/vmlist.c"

#define PG     VM_PAGE_SIZE
#define LO     0x1000ul
#define HI     0x3fffff0000ul
#define EINVAL KITE_EINVAL
#define EEXIST KITE_EEXIST
#define ENOMEM KITE_ENOMEM
#define EACCES KITE_EACCES
#define EFAULT KITE_EFAULT

/* ------------------------------------------------------------------ */
/* Helpers.                                                             */

static int dup_calls;
static void count_dup(void *object) { (void)object; dup_calls++; }

static struct vm_mapping *node_new(uint64 start, uint64 end, enum vm_type type, uint32 prot)
{
  struct vm_mapping *m = calloc(1, sizeof *m);

  m->start = start;
  m->end = end;
  m->type = type;
  m->prot = prot;
  m->offset = 0;
  return m;
}

/* Insert a fresh node; on failure the node is freed. */
static int add(struct vmlist *l, uint64 start, uint64 end, enum vm_type type, uint32 prot)
{
  struct vm_mapping *m = node_new(start, end, type, prot);
  int r = vmlist_insert(l, m);

  if (r)
    free(m);
  return r;
}

static void spares_fill(struct vm_spares *sp, int n)
{
  while (sp->count < n)
    sp->n[sp->count++] = calloc(1, sizeof(struct vm_mapping));
}

static void spares_free(struct vm_spares *sp)
{
  while (sp->count > 0)
    free(sp->n[--sp->count]);
}

static void nodes_free(struct vm_nodes *c)
{
  struct vm_mapping *m;

  while ((m = vm_nodes_pop(c)))
    free(m);
}

static void list_free(struct vmlist *l)
{
  struct vm_nodes all;

  vm_nodes_init(&all);
  vmlist_take_all(l, &all);
  nodes_free(&all);
}

/* remove/protect with two fresh spares; the unused ones are freed. */
static int do_remove(struct vmlist *l, uint64 a, uint64 b, struct vm_nodes *removed)
{
  struct vm_spares sp = { { 0 }, 0 };
  int r;

  spares_fill(&sp, 2);
  r = vmlist_remove(l, a, b, &sp, removed);
  spares_free(&sp);
  return r;
}

static int do_protect(struct vmlist *l, uint64 a, uint64 b, uint32 prot, uint32 mask)
{
  struct vm_spares sp = { { 0 }, 0 };
  struct vm_nodes dead;
  int r;

  vm_nodes_init(&dead);
  spares_fill(&sp, 2);
  r = vmlist_protect(l, a, b, prot, mask, &sp, &dead);
  spares_free(&sp);
  nodes_free(&dead);
  return r;
}

/* A copy of everything visible about a list, to compare before/after. */
struct rec {
  uint64 start, end, offset, phys;
  int type;
  uint32 prot, flags;
  void *object;
  char name[VM_NAME_MAX];
};
struct snap {
  int n;
  struct rec r[128];
};

static void snap_take(const struct vmlist *l, struct snap *s)
{
  struct vm_mapping *m;

  memset(s, 0, sizeof *s);
  for (m = vmlist_first(l); m && s->n < 128; m = vmlist_next(m), s->n++) {
    struct rec *r = &s->r[s->n];
    r->start = m->start;
    r->end = m->end;
    r->offset = m->offset;
    r->phys = m->phys;
    r->type = m->type;
    r->prot = m->prot;
    r->flags = m->flags;
    r->object = m->object;
    memcpy(r->name, m->name, VM_NAME_MAX);
  }
}

static int snap_same(const struct vmlist *l, const struct snap *before)
{
  static struct snap now;

  snap_take(l, &now);
  return vmlist_count(l) == before->n && memcmp(&now, before, sizeof now) == 0;
}

static uint64 page(int i) { return 0x10000ul + (uint64)i * PG; }

/* ------------------------------------------------------------------ */
/* Basic lookups.                                                       */

TEST(insert_find_query)
{
  struct vmlist l;
  struct vm_query q;

  CHECK_EQ(vmlist_init(&l, LO, HI, PG), 0);
  CHECK_EQ(add(&l, 0x10000, 0x14000, VM_ANON, VM_PROT_READ), 0);
  CHECK_EQ(add(&l, 0x20000, 0x21000, VM_DATA, VM_PROT_READ | VM_PROT_WRITE), 0);
  CHECK_EQ(vmlist_count(&l), 2);
  CHECK(vmlist_find(&l, 0x10000) && vmlist_find(&l, 0x10000)->start == 0x10000);
  CHECK(vmlist_find(&l, 0x13fff) && vmlist_find(&l, 0x13fff)->end == 0x14000);
  CHECK(vmlist_find(&l, 0x14000) == NULL);
  CHECK(vmlist_find(&l, 0xffff) == NULL);
  CHECK(vmlist_find(&l, 0x20fff) && vmlist_find(&l, 0x20fff)->type == VM_DATA);
  CHECK(vmlist_find(&l, 0x21000) == NULL);
  CHECK(vmlist_find(&l, 0x20000)->flags & VM_WASWRITABLE);

  CHECK_EQ(vmlist_query(&l, 0x15000, &q), 0);
  CHECK(q.mapping == NULL);
  CHECK_EQ(q.start, 0x14000);
  CHECK_EQ(q.end, 0x20000);
  CHECK_EQ(vmlist_query(&l, 0x2000, &q), 0);
  CHECK(q.mapping == NULL && q.start == LO && q.end == 0x10000);
  CHECK_EQ(vmlist_query(&l, 0x30000, &q), 0);
  CHECK(q.mapping == NULL && q.start == 0x21000 && q.end == HI);
  CHECK_EQ(vmlist_query(&l, 0x12345, &q), 0);
  CHECK(q.mapping && q.start == 0x10000 && q.end == 0x14000);
  CHECK_EQ(vmlist_query(&l, 0x0, &q), -EINVAL);
  CHECK_EQ(vmlist_query(&l, HI, &q), -EINVAL);

  CHECK_EQ(add(&l, 0x13000, 0x15000, VM_ANON, VM_PROT_READ), -EEXIST);
  CHECK_EQ(add(&l, 0xf000, 0x25000, VM_ANON, VM_PROT_READ), -EEXIST);
  CHECK_EQ(add(&l, 0x14000, 0x20000, VM_ANON, VM_PROT_READ), 0);   /* exactly the hole */
  CHECK_EQ(add(&l, 0x30001, 0x31000, VM_ANON, VM_PROT_READ), -EINVAL);
  CHECK_EQ(add(&l, 0x30000, 0x30000, VM_ANON, VM_PROT_READ), -EINVAL);
  CHECK_EQ(add(&l, 0x31000, 0x30000, VM_ANON, VM_PROT_READ), -EINVAL);
  CHECK_EQ(add(&l, 0x0, 0x1000, VM_ANON, VM_PROT_READ), -EINVAL);
  CHECK_EQ(add(&l, HI - PG, HI + PG, VM_ANON, VM_PROT_READ), -EINVAL);
  CHECK_EQ(add(&l, ~0ul - 0xfff, 0x1000, VM_ANON, VM_PROT_READ), -EINVAL);
  CHECK_EQ(add(&l, 0x40000, 0x41000, VM_GUARD, VM_PROT_READ), -EINVAL);
  CHECK_EQ(add(&l, 0x40000, 0x41000, VM_NTYPES, VM_PROT_READ), -EINVAL);
  CHECK_EQ(add(&l, 0x40000, 0x41000, VM_ANON, 8), -EINVAL);
  CHECK_EQ(vmlist_insert(&l, NULL), -EINVAL);
  CHECK_EQ(vmlist_count(&l), 3);
  CHECK_EQ(vmlist_check(&l), 0);
  CHECK_EQ(vmlist_init(&l, 0x1001, HI, PG), -EINVAL);
  list_free(&l);
}

/* Sunrise's bug: a range query must see a mapping that starts below it. */
TEST(intersect_starts_below)
{
  struct vmlist l;
  struct vm_nodes rm;
  struct vm_mapping *m;

  vmlist_init(&l, LO, HI, PG);
  vm_nodes_init(&rm);
  add(&l, 0x10000, 0x20000, VM_ANON, VM_PROT_READ);
  m = vmlist_find_intersect(&l, 0x18000, 0x30000);
  CHECK(m && m->start == 0x10000);
  CHECK(vmlist_find_intersect(&l, 0x20000, 0x30000) == NULL);
  CHECK(vmlist_find_intersect(&l, 0x8000, 0x10000) == NULL);
  CHECK(vmlist_find_intersect(&l, 0x8000, 0x10001) != NULL);
  CHECK_EQ(add(&l, 0x18000, 0x30000, VM_ANON, VM_PROT_READ), -EEXIST);
  CHECK_EQ(vmlist_check_range(&l, 0x18000, 0x30000, VM_TYPES_ALL, 0), -EFAULT);
  CHECK_EQ(vmlist_check_range(&l, 0x18000, 0x20000, VM_TYPES_ALL, VM_PROT_READ), 0);

  CHECK_EQ(do_remove(&l, 0x18000, 0x30000, &rm), 0);
  CHECK_EQ(vmlist_count(&l), 1);
  CHECK(vmlist_first(&l)->start == 0x10000 && vmlist_first(&l)->end == 0x18000);
  CHECK_EQ(rm.count, 1);
  CHECK(rm.head && rm.head->start == 0x18000 && rm.head->end == 0x20000);
  CHECK(rm.head && rm.head->offset == 0x8000);
  CHECK_EQ(vmlist_check(&l), 0);
  nodes_free(&rm);
  list_free(&l);
}

TEST(remove_middle_splits)
{
  struct vmlist l;
  struct vm_nodes rm;
  struct vm_mapping *m = node_new(0x10000, 0x20000, VM_FILE, VM_PROT_READ), *a, *b;
  static int file;
  struct vm_spares sp = { { 0 }, 0 };

  vmlist_init(&l, LO, HI, PG);
  l.dup_object = count_dup;
  dup_calls = 0;
  vm_nodes_init(&rm);
  m->object = &file;
  m->offset = 0x5000;
  strcpy(m->name, "data.bin");
  CHECK_EQ(vmlist_insert(&l, m), 0);

  spares_fill(&sp, 1);
  CHECK_EQ(vmlist_remove(&l, 0x14000, 0x18000, &sp, &rm), -ENOMEM);   /* needs 2 */
  CHECK_EQ(sp.count, 1);
  spares_fill(&sp, 2);
  CHECK_EQ(vmlist_remove(&l, 0x14000, 0x18000, &sp, &rm), 0);
  CHECK_EQ(sp.count, 0);
  CHECK_EQ(dup_calls, 2);
  CHECK_EQ(vmlist_count(&l), 2);
  a = vmlist_first(&l);
  b = vmlist_next(a);
  CHECK(a->start == 0x10000 && a->end == 0x14000 && a->offset == 0x5000);
  CHECK(b->start == 0x18000 && b->end == 0x20000 && b->offset == 0xd000);
  CHECK(b->object == &file && strcmp(b->name, "data.bin") == 0);
  CHECK(rm.count == 1 && rm.head->start == 0x14000 && rm.head->end == 0x18000);
  CHECK(rm.head->offset == 0x9000 && rm.head->object == &file);
  CHECK(rm.head->left == NULL && rm.head->parent == NULL);
  CHECK_EQ(vmlist_check(&l), 0);
  nodes_free(&rm);
  list_free(&l);
}

TEST(remove_across_holes)
{
  struct vmlist l;
  struct vm_nodes rm;
  struct vm_mapping *m;
  uint64 want[3][2] = { { page(2), page(3) }, { page(5), page(6) }, { page(8), page(10) } };
  int i;

  vmlist_init(&l, LO, HI, PG);
  vm_nodes_init(&rm);
  add(&l, page(1), page(3), VM_ANON, VM_PROT_READ);
  add(&l, page(5), page(6), VM_ANON, VM_PROT_READ);
  add(&l, page(8), page(12), VM_ANON, VM_PROT_READ);
  add(&l, page(20), page(21), VM_ANON, VM_PROT_READ);
  CHECK_EQ(do_remove(&l, page(2), page(10), &rm), 0);
  CHECK_EQ(rm.count, 3);
  for (i = 0, m = rm.head; m && i < 3; m = m->chain, i++)
    CHECK(m->start == want[i][0] && m->end == want[i][1]);
  CHECK_EQ(vmlist_count(&l), 3);
  m = vmlist_first(&l);
  CHECK(m->start == page(1) && m->end == page(2));
  m = vmlist_next(m);
  CHECK(m->start == page(10) && m->end == page(12) && m->offset == 2 * PG);
  CHECK_EQ(vmlist_check(&l), 0);
  nodes_free(&rm);

  /* A range with nothing in it, and one covering mappings exactly. */
  CHECK_EQ(do_remove(&l, page(13), page(19), &rm), 0);
  CHECK_EQ(rm.count, 0);
  CHECK_EQ(do_remove(&l, page(0), page(30), &rm), 0);
  CHECK_EQ(rm.count, 3);
  CHECK_EQ(vmlist_count(&l), 0);
  CHECK_EQ(vmlist_check(&l), 0);
  CHECK_EQ(do_remove(&l, page(0), page(0), &rm), -EINVAL);
  CHECK_EQ(do_remove(&l, page(0) + 1, page(3), &rm), -EINVAL);
  nodes_free(&rm);
  list_free(&l);
}

TEST(protect_split_then_merge)
{
  struct vmlist l;
  struct vm_mapping *m;
  uint32 rw = VM_PROT_READ | VM_PROT_WRITE;

  vmlist_init(&l, LO, HI, PG);
  add(&l, page(0), page(16), VM_ANON, rw);
  add(&l, page(16), page(20), VM_HEAP, rw);    /* adjacent but another type */
  CHECK_EQ(do_protect(&l, page(4), page(8), VM_PROT_READ, VM_TYPES_PROTECTABLE), 0);
  CHECK_EQ(vmlist_count(&l), 4);
  m = vmlist_find(&l, page(5));
  CHECK(m && m->start == page(4) && m->end == page(8) && m->prot == VM_PROT_READ);
  CHECK(m && m->offset == 4 * PG);
  CHECK(vmlist_find(&l, page(3))->prot == rw && vmlist_find(&l, page(8))->prot == rw);
  CHECK_EQ(vmlist_check(&l), 0);

  CHECK_EQ(do_protect(&l, page(4), page(8), rw, VM_TYPES_PROTECTABLE), 0);
  CHECK_EQ(vmlist_count(&l), 2);
  m = vmlist_first(&l);
  CHECK(m->start == page(0) && m->end == page(16) && m->prot == rw);
  CHECK_EQ(vmlist_check(&l), 0);

  /* Protecting across the two splits only the part that changes. */
  CHECK_EQ(do_protect(&l, page(12), page(18), VM_PROT_READ, VM_TYPES_PROTECTABLE), 0);
  CHECK_EQ(vmlist_count(&l), 4);
  /* Unchanged protection: no split at all. */
  CHECK_EQ(do_protect(&l, page(1), page(2), rw, VM_TYPES_PROTECTABLE), 0);
  CHECK_EQ(vmlist_count(&l), 4);
  CHECK_EQ(do_protect(&l, page(0), page(20), rw, VM_TYPES_PROTECTABLE), 0);
  CHECK_EQ(vmlist_count(&l), 2);
  CHECK_EQ(vmlist_check(&l), 0);
  list_free(&l);
}

/* Neighbours merge only when they read as one mapping of one object. */
TEST(merge_needs_continuity)
{
  struct vmlist l;
  static int file, other;
  struct vm_mapping *m;
  uint64 offs[4] = { 0, 4 * PG, 9 * PG, 13 * PG };   /* a jump between 2 and 3 */
  int i;

  vmlist_init(&l, LO, HI, PG);
  for (i = 0; i < 4; i++) {
    m = node_new(page(4 * i), page(4 * i + 4), VM_FILE, VM_PROT_READ);
    m->object = &file;
    m->offset = offs[i];
    CHECK_EQ(vmlist_insert(&l, m), 0);
  }
  m = node_new(page(16), page(20), VM_FILE, VM_PROT_READ);
  m->object = &other;
  m->offset = 17 * PG;
  CHECK_EQ(vmlist_insert(&l, m), 0);
  m = node_new(page(20), page(24), VM_FILE, VM_PROT_READ);   /* continues, other name */
  m->object = &other;
  m->offset = 21 * PG;
  strcpy(m->name, "x");
  CHECK_EQ(vmlist_insert(&l, m), 0);
  CHECK_EQ(do_protect(&l, page(0), page(24), VM_PROT_READ | VM_PROT_WRITE, VM_TYPES_ALL), 0);
  CHECK_EQ(vmlist_count(&l), 4);
  m = vmlist_first(&l);
  CHECK(m && m->start == page(0) && m->end == page(8) && m->offset == 0);
  m = m ? vmlist_next(m) : NULL;
  CHECK(m && m->start == page(8) && m->end == page(16) && m->offset == 9 * PG);
  m = m ? vmlist_next(m) : NULL;
  CHECK(m && m->object == &other && m->end == page(20));
  CHECK_EQ(vmlist_check(&l), 0);

  /* Device memory: the physical addresses must continue too. */
  for (i = 0; i < 3; i++) {
    m = node_new(page(40 + i), page(41 + i), VM_MMIO, VM_PROT_READ);
    m->offset = (uint64)i * PG;
    m->phys = 0x10000000ul + (i == 2 ? 5 * PG : (uint64)i * PG);
    memset(m->name, 'u', VM_NAME_MAX);        /* not terminated: insert cuts it */
    CHECK_EQ(vmlist_insert(&l, m), 0);
    CHECK(strlen(m->name) == VM_NAME_MAX - 1);
  }
  CHECK_EQ(do_protect(&l, page(40), page(43), VM_PROT_READ | VM_PROT_WRITE, VM_TYPES_ALL), 0);
  CHECK_EQ(vmlist_count(&l), 6);
  CHECK(vmlist_find(&l, page(41))->end == page(42) && vmlist_find(&l, page(42))->start == page(42));
  CHECK_EQ(vmlist_check(&l), 0);
  list_free(&l);
}

TEST(wx_rules)
{
  struct vmlist l;
  uint32 r = VM_PROT_READ, rw = r | VM_PROT_WRITE, rx = r | VM_PROT_EXEC;
  struct vm_mapping *m;

  vmlist_init(&l, LO, HI, PG);
  CHECK_EQ(add(&l, page(0), page(1), VM_ANON, rw | VM_PROT_EXEC), -EACCES);
  m = node_new(page(0), page(1), VM_CODE, rx);
  m->flags = VM_WASWRITABLE;
  CHECK_EQ(vmlist_insert(&l, m), -EACCES);
  free(m);
  CHECK_EQ(add(&l, page(0), page(4), VM_CODE, rx), 0);
  CHECK_EQ(add(&l, page(4), page(8), VM_DATA, rw), 0);
  CHECK_EQ(add(&l, page(8), page(9), VM_GUARD, 0), 0);
  CHECK_EQ(add(&l, page(9), page(10), VM_ANON, r), 0);

  CHECK_EQ(do_protect(&l, page(0), page(4), rw | VM_PROT_EXEC, VM_TYPES_ALL), -EACCES);
  CHECK_EQ(do_protect(&l, page(4), page(8), rx, VM_TYPES_ALL), -EACCES);   /* was writable */
  CHECK_EQ(do_protect(&l, page(9), page(10), rx, VM_TYPES_ALL), 0);        /* never writable */
  CHECK_EQ(do_protect(&l, page(0), page(2), rw, VM_TYPES_ALL), 0);         /* code made writable */
  CHECK_EQ(do_protect(&l, page(0), page(2), rx, VM_TYPES_ALL), -EACCES);   /* and never exec again */
  CHECK_EQ(do_protect(&l, page(2), page(4), rx, VM_TYPES_ALL), 0);
  CHECK_EQ(do_protect(&l, page(8), page(9), r, VM_TYPES_PROTECTABLE), -EACCES);   /* guard */
  CHECK_EQ(do_protect(&l, page(7), page(9), r, VM_TYPES_PROTECTABLE), -EACCES);
  CHECK_EQ(do_protect(&l, page(9), page(12), r, VM_TYPES_ALL), -ENOMEM);   /* hole */
  CHECK_EQ(do_protect(&l, page(9), page(10), 8, VM_TYPES_ALL), -EINVAL);
  CHECK_EQ(vmlist_check_range(&l, page(0), page(2), VM_TYPE_BIT(VM_CODE), VM_PROT_WRITE), 0);
  CHECK_EQ(vmlist_check_range(&l, page(0), page(4), VM_TYPE_BIT(VM_CODE), VM_PROT_WRITE), -EACCES);
  CHECK_EQ(vmlist_check_range(&l, page(0), page(8), VM_TYPE_BIT(VM_CODE), VM_PROT_READ), -EACCES);
  CHECK_EQ(vmlist_check_range(&l, page(0), page(10), VM_TYPES_ALL, 0), 0);
  CHECK_EQ(vmlist_check_range(&l, page(0), page(11), VM_TYPES_ALL, 0), -EFAULT);
  CHECK_EQ(vmlist_check_range(&l, page(0), page(1) + 1, VM_TYPES_ALL, 0), -EINVAL);
  CHECK_EQ(vmlist_check(&l), 0);
  for (m = vmlist_first(&l); m; m = vmlist_next(m))
    CHECK(!((m->prot & VM_PROT_EXEC) && (m->flags & VM_WASWRITABLE)));
  list_free(&l);
}

/* A shared mapping of a file not open for writing never becomes writable. */
TEST(nowrite_rules)
{
  struct vmlist l;
  uint32 r = VM_PROT_READ, rw = r | VM_PROT_WRITE, rx = r | VM_PROT_EXEC;
  struct vm_mapping *m;
  struct vm_spares sp = { { 0 }, 0 };

  vmlist_init(&l, LO, HI, PG);
  m = node_new(page(0), page(1), VM_FILE, rw);
  m->flags = VM_NOWRITE;
  CHECK_EQ(vmlist_insert(&l, m), -EACCES);
  m->prot = r;
  CHECK_EQ(vmlist_insert(&l, m), 0);
  CHECK_EQ(add(&l, page(1), page(3), VM_FILE, r), 0);
  spares_fill(&sp, 2);
  CHECK_EQ(vmlist_protect_check(&l, page(0), page(1), rw, VM_TYPES_ALL, &sp), -EACCES);
  CHECK_EQ(do_protect(&l, page(0), page(1), rw, VM_TYPES_ALL), -EACCES);
  CHECK_EQ(do_protect(&l, page(0), page(2), rw, VM_TYPES_ALL), -EACCES);   /* nothing changed */
  CHECK_EQ(vmlist_find(&l, page(1))->prot, r);
  CHECK_EQ(vmlist_count(&l), 2);
  CHECK_EQ(vmlist_protect_check(&l, page(1), page(2), rw, VM_TYPES_ALL, &sp), 0);
  CHECK_EQ(do_protect(&l, page(1), page(2), rw, VM_TYPES_ALL), 0);          /* the other one may */
  CHECK_EQ(do_protect(&l, page(0), page(1), rx, VM_TYPES_ALL), 0);          /* exec is not write */
  CHECK_EQ(do_protect(&l, page(0), page(1), VM_PROT_NONE, VM_TYPES_ALL), 0);
  CHECK_EQ(do_protect(&l, page(0), page(1), rw, VM_TYPES_ALL), -EACCES);   /* still never */
  CHECK_EQ(vmlist_check(&l), 0);
  m = vmlist_find(&l, page(0));
  m->prot = rw;
  m->flags |= VM_WASWRITABLE;
  CHECK_EQ(vmlist_check(&l), -EINVAL);                                      /* the checker sees it */
  m->prot = r;
  spares_free(&sp);
  list_free(&l);
}

TEST(find_free_topdown)
{
  struct vmlist l;
  uint64 hi = page(256), a = 0;

  vmlist_init(&l, page(0), hi, PG);
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, 0, 0, &a), 0);
  CHECK_EQ(a, hi - 2 * PG);                          /* no guard against the span top */
  add(&l, hi - 4 * PG, hi, VM_STACK, VM_PROT_READ);
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, 0, 0, &a), 0);
  CHECK_EQ(a, hi - 4 * PG - PG - 2 * PG);
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, 0, page(100), &a), 0);
  CHECK_EQ(a, page(98));
  /* Ceiling inside a mapping: the first fit below it, with a guard. */
  add(&l, page(90), page(110), VM_ANON, VM_PROT_READ);
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, 0, page(100), &a), 0);
  CHECK_EQ(a, page(87));
  /* A gap of exactly guard + len + guard fits; one page less does not. */
  add(&l, page(80), page(84), VM_ANON, VM_PROT_READ);   /* gap 84..90 = 6 pages */
  CHECK_EQ(vmlist_find_free(&l, 4 * PG, 0, page(100), &a), 0);
  CHECK_EQ(a, page(85));
  CHECK_EQ(vmlist_find_free(&l, 5 * PG, 0, page(100), &a), 0);
  CHECK_EQ(a, page(80) - PG - 5 * PG);
  /* Hint: taken when free with guards, otherwise the search runs. */
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, page(20), 0, &a), 0);
  CHECK_EQ(a, page(20));
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, page(85), page(100), &a), 0);
  CHECK_EQ(a, page(85));
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, page(84), page(100), &a), 0);   /* touches: no */
  CHECK_EQ(a, page(87));
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, page(200), page(100), &a), 0); /* hint above ceiling */
  CHECK_EQ(a, page(200));
  /* The lowest gap needs no guard below it. */
  add(&l, page(3), page(80), VM_ANON, VM_PROT_READ);
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, 0, page(80), &a), 0);
  CHECK_EQ(a, page(0));
  CHECK_EQ(vmlist_find_free(&l, 3 * PG, 0, page(80), &a), -ENOMEM);
  CHECK_EQ(vmlist_find_free(&l, 300 * PG, 0, 0, &a), -ENOMEM);
  CHECK_EQ(vmlist_find_free(&l, 0, 0, 0, &a), -EINVAL);
  CHECK_EQ(vmlist_find_free(&l, PG + 1, 0, 0, &a), -EINVAL);
  CHECK_EQ(vmlist_find_free(&l, PG, 1, 0, &a), -EINVAL);
  CHECK_EQ(vmlist_find_free(&l, PG, 0, 1, &a), -EINVAL);
  list_free(&l);

  /* Exhaustion: fill with one-page mappings until nothing fits. */
  vmlist_init(&l, page(0), page(64), PG);
  while (vmlist_find_free(&l, PG, 0, 0, &a) == 0)
    CHECK_EQ(add(&l, a, a + PG, VM_ANON, VM_PROT_READ), 0);
  CHECK_EQ(vmlist_count(&l), 32);
  CHECK_EQ(vmlist_check(&l), 0);
  list_free(&l);
}

TEST(limits)
{
  struct vmlist l;
  struct vm_nodes rm;
  uint64 a;
  int i;

  vmlist_init(&l, LO, HI, PG);
  vm_nodes_init(&rm);
  CHECK_EQ(vmlist_set_limit(&l, 3), 0);
  CHECK_EQ(add(&l, page(0), page(8), VM_ANON, VM_PROT_READ), 0);
  CHECK_EQ(add(&l, page(10), page(18), VM_ANON, VM_PROT_READ), 0);
  CHECK_EQ(add(&l, page(20), page(28), VM_ANON, VM_PROT_READ), 0);
  CHECK_EQ(add(&l, page(30), page(38), VM_ANON, VM_PROT_READ), -ENOMEM);
  CHECK_EQ(do_remove(&l, page(2), page(4), &rm), -ENOMEM);      /* would make 4 */
  CHECK_EQ(do_protect(&l, page(2), page(4), 0, VM_TYPES_ALL), -ENOMEM);
  CHECK_EQ(do_protect(&l, page(0), page(4), 0, VM_TYPES_ALL), -ENOMEM);
  CHECK_EQ(do_remove(&l, page(0), page(4), &rm), 0);            /* a cut at one end is fine */
  CHECK_EQ(do_remove(&l, page(14), page(24), &rm), 0);
  CHECK_EQ(vmlist_count(&l), 3);
  CHECK_EQ(vmlist_set_limit(&l, 2), -EINVAL);
  CHECK_EQ(vmlist_set_limit(&l, 0), -EINVAL);
  CHECK_EQ(vmlist_check(&l), 0);
  nodes_free(&rm);
  list_free(&l);

  /* The default limit holds 10,000 mappings and refuses one past it. */
  vmlist_init(&l, page(0), HI, PG);
  for (i = 0; i < 10000; i++)
    if (add(&l, page(2 * i), page(2 * i + 1), VM_ANON, VM_PROT_READ))
      break;
  CHECK_EQ(vmlist_count(&l), 10000);
  CHECK_EQ(vmlist_check(&l), 0);
  CHECK(vmlist_find(&l, page(2 * 5000)) && !vmlist_find(&l, page(2 * 5000 + 1)));
  CHECK_EQ(vmlist_find_free(&l, 2 * PG, 0, page(20000), &a), -ENOMEM);
  CHECK_EQ(vmlist_find_free(&l, PG, 0, page(20000), &a), -ENOMEM);   /* no room for guards */
  CHECK_EQ(vmlist_set_limit(&l, 10000), 0);
  CHECK_EQ(add(&l, page(30000), page(30001), VM_ANON, VM_PROT_READ), -ENOMEM);
  list_free(&l);
}

/* Every failing call leaves the list exactly as it was. */
TEST(errors_change_nothing)
{
  static struct snap before;
  struct vmlist l, c;
  struct vm_nodes rm;
  struct vm_spares sp = { { 0 }, 0 };
  struct vm_mapping *n[4];
  uint32 rw = VM_PROT_READ | VM_PROT_WRITE;
  uint64 a;
  int i, errs = 0;

  for (i = 0; i < 4; i++)
    n[i] = NULL;
  vmlist_init(&l, LO, HI, PG);
  vm_nodes_init(&rm);
  add(&l, page(0), page(8), VM_CODE, VM_PROT_READ | VM_PROT_EXEC);
  add(&l, page(8), page(16), VM_DATA, rw);
  add(&l, page(20), page(24), VM_HEAP, rw);
  add(&l, page(30), page(31), VM_GUARD, 0);
  add(&l, page(31), page(40), VM_STACK, rw);
  snap_take(&l, &before);

#define FAILS(expr, err) do { CHECK_EQ((expr), (err)); CHECK(snap_same(&l, &before)); \
    CHECK_EQ(vmlist_check(&l), 0); CHECK_EQ(rm.count, 0); errs++; } while (0)
  FAILS(add(&l, page(7), page(9), VM_ANON, VM_PROT_READ), -EEXIST);
  FAILS(add(&l, page(16), page(21), VM_ANON, VM_PROT_READ), -EEXIST);
  FAILS(add(&l, page(50), page(51), VM_ANON, rw | VM_PROT_EXEC), -EACCES);
  FAILS(do_remove(&l, page(1), page(1) + 1, &rm), -EINVAL);
  FAILS(do_remove(&l, page(2), HI + PG, &rm), -EINVAL);
  FAILS(vmlist_remove(&l, page(2), page(4), NULL, &rm), -ENOMEM);
  FAILS(vmlist_remove(&l, page(2), page(4), &sp, NULL), -EINVAL);
  FAILS(do_protect(&l, page(2), page(12), VM_PROT_READ | VM_PROT_EXEC, VM_TYPES_ALL), -EACCES);
  FAILS(do_protect(&l, page(12), page(22), VM_PROT_READ, VM_TYPES_ALL), -ENOMEM);
  FAILS(do_protect(&l, page(29), page(32), VM_PROT_READ, VM_TYPES_PROTECTABLE), -ENOMEM);
  FAILS(do_protect(&l, page(30), page(32), VM_PROT_READ, VM_TYPES_PROTECTABLE), -EACCES);
  FAILS(do_protect(&l, page(9), page(12), rw | VM_PROT_EXEC, VM_TYPES_ALL), -EACCES);
  FAILS(do_protect(&l, page(9), page(12), VM_PROT_EXEC, VM_TYPES_ALL), -EACCES);
  FAILS(vmlist_protect(&l, page(9), page(12), VM_PROT_READ, VM_TYPES_ALL, NULL, &rm), -ENOMEM);
  FAILS(vmlist_resize(&l, page(20), page(31), NULL, &rm), -ENOMEM);
  FAILS(vmlist_resize(&l, page(8), page(18), NULL, &rm), -EINVAL);    /* not the heap */
  FAILS(vmlist_resize(&l, page(21), page(22), NULL, &rm), -EINVAL);   /* not its start */
  FAILS(vmlist_resize(&l, page(20), page(20), NULL, &rm), -EINVAL);
  FAILS(vmlist_resize(&l, page(20), page(22), NULL, &rm), -ENOMEM);   /* no spare */
  FAILS(vmlist_find_free(&l, 0, 0, 0, &a), -EINVAL);
  FAILS(vmlist_set_limit(&l, 4), -EINVAL);
  vmlist_init(&c, LO, HI, PG);
  FAILS(vmlist_clone(&c, &l, n, 4), -ENOMEM);
  FAILS(vmlist_clone(&l, &l, n, 4), -EINVAL);
#undef FAILS
  CHECK_EQ(errs, 23);
  CHECK_EQ(vmlist_count(&c), 0);

  /* And the same calls that succeed do change it. */
  spares_fill(&sp, 1);
  CHECK_EQ(vmlist_resize(&l, page(20), page(22), &sp, &rm), 0);
  CHECK_EQ(rm.count, 1);
  CHECK(rm.head->start == page(22) && rm.head->end == page(24));
  CHECK(!snap_same(&l, &before));
  nodes_free(&rm);
  list_free(&l);
}

TEST(resize_heap)
{
  struct vmlist l;
  struct vm_nodes rm;
  struct vm_spares sp = { { 0 }, 0 };
  struct vm_query q;

  vmlist_init(&l, LO, HI, PG);
  vm_nodes_init(&rm);
  add(&l, page(0), page(4), VM_DATA, VM_PROT_READ);
  add(&l, page(4), page(5), VM_HEAP, VM_PROT_READ | VM_PROT_WRITE);
  add(&l, page(20), page(21), VM_GUARD, 0);
  CHECK_EQ(vmlist_resize(&l, page(4), page(20), NULL, &rm), 0);
  CHECK_EQ(vmlist_find(&l, page(19))->type, VM_HEAP);
  CHECK_EQ(vmlist_resize(&l, page(4), page(21), NULL, &rm), -ENOMEM);
  CHECK_EQ(vmlist_query(&l, page(20) - 1, &q), 0);
  CHECK(q.mapping && q.end == page(20));
  spares_fill(&sp, 2);
  CHECK_EQ(vmlist_resize(&l, page(4), page(6), &sp, &rm), 0);
  CHECK_EQ(sp.count, 1);
  CHECK(rm.count == 1 && rm.head->start == page(6) && rm.head->end == page(20));
  CHECK_EQ(vmlist_query(&l, page(10), &q), 0);
  CHECK(!q.mapping && q.start == page(6) && q.end == page(20));
  CHECK_EQ(vmlist_check(&l), 0);
  spares_free(&sp);
  nodes_free(&rm);
  list_free(&l);
}

TEST(clone_copies)
{
  static struct snap before;
  struct vmlist l, c;
  struct vm_mapping *nodes[60];
  static int obj;
  struct vm_nodes rm;
  int i;

  vmlist_init(&l, LO, HI, 2 * PG);
  vm_nodes_init(&rm);
  l.dup_object = count_dup;
  for (i = 0; i < 50; i++) {
    struct vm_mapping *m = node_new(page(3 * i), page(3 * i + 2), VM_SHARED, VM_PROT_READ);
    m->object = &obj;
    vmlist_insert(&l, m);
  }
  snap_take(&l, &before);
  for (i = 0; i < 60; i++)
    nodes[i] = calloc(1, sizeof(struct vm_mapping));
  vmlist_init(&c, 0, PG, 0);
  dup_calls = 0;
  CHECK_EQ(vmlist_clone(&c, &l, nodes, 60), 0);
  CHECK_EQ(dup_calls, 50);
  CHECK_EQ(vmlist_check(&c), 0);
  CHECK(snap_same(&c, &before));
  CHECK(c.lo == LO && c.hi == HI && c.guard == 2 * PG);
  CHECK(vmlist_find(&c, page(3)) == nodes[1]);
  for (i = 50; i < 60; i++)
    free(nodes[i]);
  CHECK_EQ(do_remove(&c, page(0), page(60), &rm), 0);
  CHECK(snap_same(&l, &before));
  CHECK_EQ(vmlist_check(&l), 0);
  CHECK_EQ(vmlist_count(&c), 30);
  CHECK_EQ(vmlist_check(&c), 0);
  nodes_free(&rm);
  list_free(&c);
  list_free(&l);
}

/* The checker notices broken structures (it prints what it found). */
TEST(check_catches_damage)
{
  struct vmlist l;
  struct vm_mapping *m;
  int i;

  vmlist_init(&l, LO, HI, PG);
  for (i = 0; i < 20; i++)
    add(&l, page(2 * i), page(2 * i + 1), VM_ANON, VM_PROT_READ);
  CHECK_EQ(vmlist_check(&l), 0);
  printf("(the next lines are expected complaints)\n");
  m = vmlist_find(&l, page(10));
  m->end = page(13);                  /* overlaps the next one */
  CHECK_EQ(vmlist_check(&l), -EINVAL);
  m->end = page(11);
  m->gap++;
  CHECK_EQ(vmlist_check(&l), -EINVAL);
  m->gap--;
  m->prot = VM_PROT_WRITE | VM_PROT_EXEC;
  CHECK_EQ(vmlist_check(&l), -EINVAL);
  m->prot = VM_PROT_READ;
  l.count++;
  CHECK_EQ(vmlist_check(&l), -EINVAL);
  l.count--;
  l.root->height++;
  CHECK_EQ(vmlist_check(&l), -EINVAL);
  l.root->height--;
  CHECK_EQ(vmlist_check(&l), 0);
  list_free(&l);
}

/* ------------------------------------------------------------------ */
/* Randomized differential test against a page-by-page model.           */

#define NP 96                     /* pages in the model's span */
#define MLO 0x10000ul
#define MHI (MLO + NP * PG)

struct mpage {
  int mapped, type;
  uint32 prot, flags;
  void *object;
  uint64 offset, phys;         /* of this page */
  char name;
};

static struct mpage model[NP];
static int outcomes[4][2];      /* insert, remove, protect, find_free: ok, failed */
static int merges;
static uint64 rng_state;
static int objects[2];

static uint64 rnd(uint64 n)
{
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (rng_state >> 33) % n;
}

/* Mostly sensible protections, sometimes W^X violations or bad bits. */
static uint32 rnd_prot(void)
{
  static const uint32 p[] = { 0, 1, 1, 3, 3, 5, 5, 4, 7, 6, 8 };
  return p[rnd(sizeof p / sizeof p[0])];
}

static int pg_of(uint64 addr) { return (int)((addr - MLO) / PG); }

/* A random page boundary in or slightly outside the span, rarely unaligned. */
static uint64 rnd_addr(void)
{
  uint64 a = MLO - 2 * PG + rnd(NP + 5) * PG;
  return rnd(40) == 0 ? a + 8 : a;
}

static int model_same(const struct vmlist *l)
{
  int i;

  for (i = 0; i < NP; i++) {
    struct vm_mapping *m = vmlist_find(l, MLO + i * PG);
    struct mpage *p = &model[i];
    uint64 d;
    if (!m != !p->mapped)
      return 0;
    if (!m)
      continue;
    d = MLO + i * PG - m->start;
    if ((int)m->type != p->type || m->prot != p->prot || m->flags != p->flags ||
        m->object != p->object || m->offset + d != p->offset || m->name[0] != p->name)
      return 0;
    if (m->type == VM_MMIO && m->phys + d != p->phys)
      return 0;
  }
  return 1;
}

static int span_ok(uint64 a, uint64 b)
{
  return vr_aligned(a) && vr_aligned(b) && a < b && a >= MLO && b <= MHI;
}

static void rand_insert(struct vmlist *l, int *bad)
{
  static const int types[] = { VM_ANON, VM_FILE, VM_HEAP, VM_GUARD, VM_CODE, VM_MMIO, VM_SHARED };
  uint64 a = rnd_addr(), b = a + rnd(9) * PG;
  struct vm_mapping *m = node_new(a, b, types[rnd(7)], rnd_prot());
  int want, got, i, overlap = 0;

  m->object = rnd(3) ? NULL : &objects[rnd(2)];
  m->offset = rnd(4) * PG;
  m->phys = 0x80000000ul + rnd(16) * PG;
  m->flags = rnd(32) & (rnd(8) ? ~VM_WASWRITABLE : VM_FLAGS_ALL);
  if (rnd(4) == 0)
    m->flags |= VM_NOWRITE;
  m->name[0] = "ab"[rnd(2)];
  if (m->type == VM_GUARD && rnd(8)) {
    m->prot = 0;
    m->object = NULL;
  }
  for (i = 0; span_ok(a, b) && i < (int)((b - a) / PG); i++)
    overlap |= model[pg_of(a) + i].mapped;
  if (!span_ok(a, b) || (m->prot & ~VM_PROT_ALL) ||
      (m->type == VM_GUARD && (m->prot || m->object)))
    want = -EINVAL;
  else if (prot_wx(m->prot) || ((m->flags & VM_WASWRITABLE) && (m->prot & VM_PROT_EXEC)) ||
           ((m->flags & VM_NOWRITE) && (m->prot & VM_PROT_WRITE)))
    want = -EACCES;
  else if (overlap)
    want = -EEXIST;
  else if (vmlist_count(l) >= l->max_count)
    want = -ENOMEM;
  else
    want = 0;
  got = vmlist_insert(l, m);
  outcomes[0][got != 0]++;
  if (got != want) {
    printf("insert [%lx,%lx) got %d want %d\n", a, b, got, want);
    *bad = 1;
  }
  if (got) {
    free(m);
    return;
  }
  for (i = pg_of(a); i < pg_of(b); i++) {
    struct mpage *p = &model[i];
    p->mapped = 1;
    p->type = m->type;
    p->prot = m->prot;
    p->flags = m->flags;
    p->object = m->object;
    p->offset = m->offset + (uint64)(i - pg_of(a)) * PG;
    p->phys = m->phys + (uint64)(i - pg_of(a)) * PG;
    p->name = m->name[0];
  }
}

/* The spare nodes an operation on [a, b) needs, read off the list. */
static int cuts_needed(const struct vmlist *l, uint64 a, uint64 b, int only_if_prot, uint32 prot,
                       int *inside)
{
  struct vm_mapping *x = vmlist_find(l, a), *y = vmlist_find(l, b - 1);
  int left = x && x->start < a && (!only_if_prot || x->prot != prot);
  int right = y && y->end > b && (!only_if_prot || y->prot != prot);

  *inside = left && right && x == y;
  return left + right;
}

static void rand_spares(struct vm_spares *sp)
{
  spares_fill(sp, 2);
  if (rnd(12) == 0)
    while (sp->count > (int)rnd(2))
      free(sp->n[--sp->count]);
}

/* The removed pieces are exactly the mapped pages of [a, b), as they were. */
static int removed_match(struct vm_nodes *rm, uint64 a, uint64 b)
{
  struct vm_mapping *m;
  uint64 last = 0, pages = 0, x;
  int i;

  for (m = rm->head; m; m = m->chain) {
    if (m->start < a || m->end > b || m->start < last || m->start >= m->end)
      return 0;
    last = m->end;
    for (x = m->start; x < m->end; x += PG, pages++) {
      struct mpage *p = &model[pg_of(x)];
      if (!p->mapped || p->type != (int)m->type || p->prot != m->prot ||
          m->offset + (x - m->start) != p->offset)
        return 0;
    }
  }
  for (i = pg_of(a); i < pg_of(b); i++)
    pages -= model[i].mapped;
  return pages == 0;
}

static void rand_remove(struct vmlist *l, struct vm_spares *sp, int *bad)
{
  uint64 a = rnd_addr(), b = a + rnd(12) * PG;
  struct vm_nodes rm;
  int want, got, need = 0, inside = 0, i;

  vm_nodes_init(&rm);
  rand_spares(sp);
  if (span_ok(a, b))
    need = cuts_needed(l, a, b, 0, 0, &inside);
  if (!span_ok(a, b))
    want = -EINVAL;
  else if (vmlist_count(l) + inside > l->max_count || sp->count < need)
    want = -ENOMEM;
  else
    want = 0;
  got = vmlist_remove(l, a, b, sp, &rm);
  outcomes[1][got != 0]++;
  if (got != want || (got == 0 && !removed_match(&rm, a, b))) {
    printf("remove [%lx,%lx) got %d want %d\n", a, b, got, want);
    *bad = 1;
  }
  if (got == 0)
    for (i = pg_of(a); i < pg_of(b); i++)
      model[i].mapped = 0;
  nodes_free(&rm);
}

static int model_protect_err(uint64 a, uint64 b, uint32 prot, uint32 mask)
{
  int i;

  if (!span_ok(a, b) || (prot & ~VM_PROT_ALL))
    return -EINVAL;
  if (prot_wx(prot))
    return -EACCES;
  for (i = pg_of(a); i < pg_of(b); i++)
    if (!model[i].mapped)
      return -ENOMEM;
  for (i = pg_of(a); i < pg_of(b); i++)
    if (!(mask & VM_TYPE_BIT(model[i].type)) ||
        ((prot & VM_PROT_EXEC) && (model[i].flags & VM_WASWRITABLE)) ||
        ((prot & VM_PROT_WRITE) && (model[i].flags & VM_NOWRITE)) ||
        (model[i].type == VM_GUARD && prot != 0))
      return -EACCES;
  return 0;
}

static void rand_protect(struct vmlist *l, struct vm_spares *sp, int *bad)
{
  uint64 a = rnd_addr(), b;
  uint32 prot = rnd_prot(), mask = rnd(2) ? VM_TYPES_ALL : VM_TYPES_PROTECTABLE;
  struct vm_nodes dead;
  int want, got, checked, need, inside, i;

  vm_nodes_init(&dead);
  rand_spares(sp);
  for (i = 0; i < 8 && rnd(4); i++)         /* usually start on a mapped page */
    if (model[pg_of(a = MLO + rnd(NP) * PG)].mapped)
      break;
  b = a + (1 + rnd(4)) * PG;
  want = model_protect_err(a, b, prot, mask);
  if (want == 0) {
    need = cuts_needed(l, a, b, 1, prot, &inside);
    if (vmlist_count(l) + need > l->max_count || sp->count < need)
      want = -ENOMEM;
  }
  checked = vmlist_protect_check(l, a, b, prot, mask, sp);
  got = vmlist_protect(l, a, b, prot, mask, sp, &dead);
  outcomes[2][got != 0]++;
  if (checked != got) {
    printf("protect [%lx,%lx) %u: check said %d, protect did %d\n", a, b, prot, checked, got);
    *bad = 1;
  }
  merges += dead.count;
  if (got != want) {
    printf("protect [%lx,%lx) %u got %d want %d\n", a, b, prot, got, want);
    *bad = 1;
  }
  if (got == 0)
    for (i = pg_of(a); i < pg_of(b); i++) {
      model[i].prot = prot;
      if (prot & VM_PROT_WRITE)
        model[i].flags |= VM_WASWRITABLE;
    }
  nodes_free(&dead);
}

/* Pages [x - g, x + n + g) clipped to the span hold nothing. */
static int model_free_around(int x, int n, int g)
{
  int i;

  for (i = x - g; i < x + n + g; i++)
    if (i >= 0 && i < NP && model[i].mapped)
      return 0;
  return 1;
}

static void rand_find_free(struct vmlist *l, int *bad)
{
  int n = 1 + rnd(10), g = (int)(l->guard / PG), x, want_x = -1, hint_pg = 0;
  uint64 ceiling = rnd(3) ? 0 : MLO + rnd(NP + 3) * PG, hint = 0, got_a = 0;
  int cp = ceiling == 0 || ceiling > MHI ? NP : pg_of(ceiling), got;

  if (rnd(3) == 0) {
    hint_pg = rnd(NP + 4) - 2;
    hint = MLO + (uint64)hint_pg * PG;
  }
  if (hint && hint_pg >= 0 && hint_pg + n <= NP && model_free_around(hint_pg, n, g))
    want_x = hint_pg;
  for (x = cp - n; want_x < 0 && x >= 0; x--)
    if (model_free_around(x, n, g))
      want_x = x;
  got = vmlist_find_free(l, (uint64)n * PG, hint, ceiling, &got_a);
  outcomes[3][got != 0]++;
  if (want_x < 0 ? got != -ENOMEM : (got != 0 || got_a != MLO + (uint64)want_x * PG)) {
    printf("find_free %d pages ceiling %lx hint %lx: got %d %lx, want page %d\n",
           n, ceiling, hint, got, got_a, want_x);
    *bad = 1;
  }
}

static void rand_check_range(struct vmlist *l, int *bad)
{
  uint64 a = rnd_addr(), b = a + rnd(10) * PG;
  uint32 mask = rnd(2) ? VM_TYPES_ALL : (uint32)rnd(1u << VM_NTYPES), req = rnd(8);
  int want = 0, got, i;

  if (!span_ok(a, b))
    want = -EINVAL;
  for (i = want ? NP : pg_of(a); i < pg_of(b) && want == 0 && i < NP; i++) {
    if (!model[i].mapped)
      want = -EFAULT;
    else if (!(mask & VM_TYPE_BIT(model[i].type)) || (model[i].prot & req) != req)
      want = -EACCES;
  }
  got = vmlist_check_range(l, a, b, mask, req);
  if (got != want) {
    printf("check_range [%lx,%lx) got %d want %d\n", a, b, got, want);
    *bad = 1;
  }
}

static void rand_query(struct vmlist *l, int *bad)
{
  int i = rnd(NP), s = i, e = i;
  struct vm_query q;

  if (vmlist_query(l, MLO + i * PG, &q) != 0) {
    *bad = 1;
    return;
  }
  if (model[i].mapped) {
    if (q.mapping != vmlist_find(l, MLO + i * PG))
      *bad = 1;
    return;
  }
  while (s > 0 && !model[s - 1].mapped)
    s--;
  while (e < NP && !model[e].mapped)
    e++;
  if (q.mapping || q.start != MLO + s * PG || q.end != MLO + e * PG) {
    printf("query page %d: [%lx,%lx) want pages %d..%d\n", i, q.start, q.end, s, e);
    *bad = 1;
  }
}

static void rand_clone(struct vmlist *l, int *bad)
{
  struct vm_mapping *nodes[NP];
  struct vmlist c;
  int i, n = vmlist_count(l);

  for (i = 0; i < n; i++)
    nodes[i] = calloc(1, sizeof(struct vm_mapping));
  vmlist_init(&c, MLO, MHI, 0);
  if (vmlist_clone(&c, l, nodes, n) != 0 || vmlist_check(&c) != 0 || !model_same(&c))
    *bad = 1;
  list_free(&c);
}

static int random_run(uint64 seed, int guard_pages, int limit, int ops)
{
  struct vmlist l;
  struct vm_spares sp = { { 0 }, 0 };
  int i, bad = 0;

  rng_state = seed;
  memset(model, 0, sizeof model);
  vmlist_init(&l, MLO, MHI, (uint64)guard_pages * PG);
  vmlist_set_limit(&l, limit);
  for (i = 0; i < ops && !bad; i++) {
    switch (rnd(10)) {
    case 0: case 1: rand_insert(&l, &bad); break;
    case 2: case 3: rand_remove(&l, &sp, &bad); break;
    case 4: case 5: case 6: rand_protect(&l, &sp, &bad); break;
    case 7: rand_find_free(&l, &bad); break;
    case 8: rand_check_range(&l, &bad); rand_query(&l, &bad); break;
    default: if (rnd(10) == 0) rand_clone(&l, &bad); else rand_query(&l, &bad); break;
    }
    if (vmlist_check(&l) != 0 || !model_same(&l)) {
      printf("state differs from the model after op %d (seed %lu)\n", i, (unsigned long)seed);
      bad = 1;
    }
  }
  spares_free(&sp);
  list_free(&l);
  return bad;
}

TEST(random_vs_model)
{
  int k;

  CHECK_EQ(random_run(1, 1, 16384, 6000), 0);
  CHECK_EQ(random_run(2, 0, 16384, 6000), 0);
  CHECK_EQ(random_run(3, 2, 16384, 6000), 0);
  CHECK_EQ(random_run(4, 1, 12, 6000), 0);       /* the limit bites often */
  CHECK_EQ(random_run(5, 1, 40, 6000), 0);
  for (k = 0; k < 4; k++)          /* every kind both succeeded and failed often */
    CHECK(outcomes[k][0] > 500 && outcomes[k][1] > 100);
  CHECK(merges > 100);
  printf("random ops: insert %d/%d, remove %d/%d, protect %d/%d, find_free %d/%d "
         "(ok/failed), %d merges\n", outcomes[0][0], outcomes[0][1], outcomes[1][0],
         outcomes[1][1], outcomes[2][0], outcomes[2][1], outcomes[3][0], outcomes[3][1], merges);
}

/* The check near a range passes a sound list everywhere, and sees damage
 * to a mapping in or beside the range, or on its path to the root. */
TEST(check_near_catches_damage)
{
  struct vmlist l;
  struct vm_mapping *m, *leaf, *parent;
  uint64 work = 0;
  int i;

  vmlist_init(&l, LO, HI, PG);
  for (i = 0; i < 40; i++)
    add(&l, page(2 * i), page(2 * i + 1), VM_ANON, VM_PROT_READ);
  for (i = 0; i < 82; i++)
    CHECK_EQ(vmlist_check_near(&l, page(i), page(i + 1), &work), 0);
  CHECK_EQ(vmlist_check_near(&l, LO, HI, &work), 0);
  CHECK(work > 82);
  printf("(the next lines are expected complaints)\n");
  m = vmlist_find(&l, page(20));
  m->end = page(23);                  /* overlaps the next one */
  CHECK_EQ(vmlist_check_near(&l, page(20), page(21), &work), -EINVAL);
  CHECK_EQ(vmlist_check_near(&l, page(22), page(23), &work), -EINVAL);   /* the one above */
  CHECK_EQ(vmlist_check_near(&l, page(70), page(71), &work), 0);         /* out of reach */
  m->end = page(21);
  m->gap++;
  CHECK_EQ(vmlist_check_near(&l, page(20), page(21), &work), -EINVAL);
  m->gap--;
  m->max_gap++;
  CHECK_EQ(vmlist_check_near(&l, page(20), page(21), &work), -EINVAL);
  m->max_gap--;
  m->prot = VM_PROT_WRITE | VM_PROT_EXEC;
  CHECK_EQ(vmlist_check_near(&l, page(20), page(21), &work), -EINVAL);
  m->prot = VM_PROT_READ;
  for (leaf = l.root; leaf->left; leaf = leaf->left)
    ;
  l.root->height++;                   /* on every path */
  CHECK_EQ(vmlist_check_near(&l, leaf->start, leaf->end, &work), -EINVAL);
  l.root->height--;
  parent = leaf->parent;
  leaf->parent = NULL;
  CHECK_EQ(vmlist_check_near(&l, leaf->start, leaf->end, &work), -EINVAL);
  leaf->parent = parent;
  CHECK_EQ(vmlist_check(&l), 0);
  l.count = l.max_count + 1;
  CHECK_EQ(vmlist_check_near(&l, page(20), page(21), &work), -EINVAL);
  l.count = 40;
  CHECK_EQ(vmlist_check(&l), 0);
  CHECK_EQ(vmlist_check_near(&l, page(20), page(21), &work), 0);
  list_free(&l);
}

/* check.h's RUN puts two statements after an else on one line. */
#pragma GCC diagnostic ignored "-Wmisleading-indentation"

int main(void)
{
  RUN(insert_find_query);
  RUN(intersect_starts_below);
  RUN(remove_middle_splits);
  RUN(remove_across_holes);
  RUN(protect_split_then_merge);
  RUN(merge_needs_continuity);
  RUN(wx_rules);
  RUN(nowrite_rules);
  RUN(find_free_topdown);
  RUN(limits);
  RUN(errors_change_nothing);
  RUN(resize_heap);
  RUN(clone_copies);
  RUN(check_catches_damage);
  RUN(check_near_catches_damage);
  RUN(random_vs_model);
  return check_summary();
}
