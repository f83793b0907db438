/*
 * How the mapping list scales: lookups, find-free and insert/remove on
 * lists of 10 to 100,000 mappings. A benchmark, not a test: it prints
 * nanoseconds per operation and never fails on timing.
 *
 *   gcc -std=gnu11 -O2 -Iinclude -Ikernel -DKITE_HOST=1 \
 *       -o build/host/bench_vmlist test/host/bench_vmlist.c && build/host/bench_vmlist
 */
#include <stdlib.h>
#include <time.h>
#include "mm/vmlist.c"

#define PG    VM_PAGE_SIZE
#define BASE  0x100000ul
#define ROUNDS 200000

static uint64 rng = 88172645463325252ull;
static uint64 rnd(uint64 n)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng % n;
}

static double now_ns(void)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

/*
 * n one-page mappings, each followed by a one-page hole, except one big
 * hole near the bottom: find-free must skip every small gap, which only
 * the subtree gaps make cheap.
 */
static void build(struct vmlist *l, int n)
{
  int i;

  vmlist_init(l, BASE, BASE + (uint64)(2 * n + 64) * PG, PG);
  vmlist_set_limit(l, n + 16);
  for (i = 0; i < n; i++) {
    struct vm_mapping *m = calloc(1, sizeof *m);
    m->start = BASE + (uint64)(2 * i + (i ? 32 : 0)) * PG;
    m->end = m->start + PG;
    m->type = VM_ANON;
    m->prot = VM_PROT_READ;
    vmlist_insert(l, m);
  }
}

static void destroy(struct vmlist *l)
{
  struct vm_nodes all;
  struct vm_mapping *m;

  vm_nodes_init(&all);
  vmlist_take_all(l, &all);
  while ((m = vm_nodes_pop(&all)))
    free(m);
}

static double bench_find(struct vmlist *l, int n)
{
  volatile uint64 sink = 0;
  double t0 = now_ns();
  int i;

  for (i = 0; i < ROUNDS; i++) {
    struct vm_mapping *m = vmlist_find(l, BASE + rnd(2 * (uint64)n + 32) * PG);
    sink += m ? m->start : 0;
  }
  return (now_ns() - t0) / ROUNDS;
}

static double bench_find_free(struct vmlist *l)
{
  volatile uint64 sink = 0;
  double t0 = now_ns();
  uint64 a;
  int i;

  for (i = 0; i < ROUNDS; i++)
    if (vmlist_find_free(l, 4 * PG, 0, l->hi - 64 * PG, &a) == 0)
      sink += a;
  return (now_ns() - t0) / ROUNDS;
}

static double bench_insert_remove(struct vmlist *l, int n)
{
  struct vm_spares sp = { { 0 }, 0 };
  struct vm_nodes rm;
  struct vm_mapping *m = calloc(1, sizeof *m), *x;
  double t0 = now_ns();
  int i;

  vm_nodes_init(&rm);
  for (i = 0; i < ROUNDS / 4; i++) {
    m->start = BASE + (uint64)(2 * rnd(n) + 33) * PG;    /* a hole */
    m->end = m->start + PG;
    m->type = VM_ANON;
    m->prot = VM_PROT_READ;
    m->flags = 0;
    if (vmlist_insert(l, m) == 0 && vmlist_remove(l, m->start, m->end, &sp, &rm) == 0)
      while ((x = vm_nodes_pop(&rm)) != NULL)
        ;
  }
  free(m);
  return (now_ns() - t0) / (ROUNDS / 4);
}

int main(void)
{
  static const int sizes[] = { 10, 100, 1000, 10000, 100000 };
  double base[3] = { 0 };
  unsigned k;

  printf("%8s %6s %12s %12s %16s\n", "mappings", "height", "find ns", "find_free ns",
         "insert+remove ns");
  for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    struct vmlist l;
    double t[3];
    build(&l, sizes[k]);
    if (vmlist_check(&l) != 0)
      return 1;
    t[0] = bench_find(&l, sizes[k]);
    t[1] = bench_find_free(&l);
    t[2] = bench_insert_remove(&l, sizes[k]);
    if (k == 0)
      for (int j = 0; j < 3; j++)
        base[j] = t[j];
    printf("%8d %6d %12.1f %12.1f %16.1f   (x%.1f x%.1f x%.1f of 10)\n", sizes[k],
           l.root->height, t[0], t[1], t[2], t[0] / base[0], t[1] / base[1], t[2] / base[2]);
    destroy(&l);
  }
  return 0;
}
