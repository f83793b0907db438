/*
 * The heap: sbrk (eager: pages are backed when it returns, and it fails
 * cleanly when memory runs out), sbrklazy, sys_sbrk, and malloc/free on
 * top of them.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/vm.h"
#include "user/user.h"
#include "runner.h"

static void t_sbrk_basic(void)
{
  char *a = sbrk(0), *b;

  CHECK(a != SBRK_ERROR);
  CHECK_EQ(sbrk(3 * PGSIZE), a);
  CHECK_EQ(sbrk(0), a + 3 * PGSIZE);
  for (int i = 0; i < 3 * PGSIZE; i++) {
    if (a[i] != 0)
      xt_fail(__LINE__, "new heap byte %d is not zero", i);
    a[i] = (char)i;
  }
  /* Byte by byte, without holes. */
  b = sbrk(0);
  for (int i = 0; i < 5000; i++) {
    char *c = sbrk(1);
    if (c != b + i)
      xt_fail(__LINE__, "sbrk(1) #%d returned %p, expected %p", i, c, b + i);
    *c = 1;
  }
  /* Shrinking returns the old break; the memory is gone. */
  char *top = sbrk(0);
  CHECK_EQ(sbrk(-5000), top);
  CHECK_EQ(sbrk(0), b);
  CHECK_EQ(sbrk(-3 * PGSIZE), b);
  CHECK_EQ(sbrk(0), a);
  int pid = XFORK();
  if (pid == 0) {
    volatile char *gone = a + PGSIZE;
    *gone = 1;
    exit(0);
  }
  CHECK_EXIT(pid, -1);
  /* Grown again, it is zero again. */
  CHECK_EQ(sbrk(PGSIZE), a);
  CHECK_EQ(a[5], 0);
  CHECK_EQ(sbrk(-PGSIZE), a + PGSIZE);
}

/* sbrk backs its pages before it returns; sbrklazy does not. */
static void t_sbrk_eager(void)
{
  enum { N = 200 };
  long before = xt_free_pages(), after;
  char *a = sbrk(N * PGSIZE);

  CHECK(a != SBRK_ERROR);
  after = xt_free_pages();
  if (before - after < N)
    xt_fail(__LINE__, "sbrk(%d pages) took %ld pages: not backed", N, before - after);
  CHECK_EQ(sbrk(-N * PGSIZE), a + N * PGSIZE);
  CHECK(xt_free_pages() >= before);
  /* sys_sbrk(n, SBRK_EAGER) is sbrk(n). */
  before = xt_free_pages();
  CHECK_EQ(sys_sbrk(N * PGSIZE, SBRK_EAGER), a);
  CHECK(before - xt_free_pages() >= N);
  CHECK_EQ(sys_sbrk(-N * PGSIZE, SBRK_EAGER), a + N * PGSIZE);
  /* Lazily: the break moves, pages come on first touch. */
  before = xt_free_pages();
  CHECK_EQ(sbrklazy(N * PGSIZE), a);
  CHECK_EQ(sys_sbrk(0, SBRK_LAZY), a + N * PGSIZE);
  after = xt_free_pages();
  if (before - after > 8)
    xt_fail(__LINE__, "sbrklazy(%d pages) took %ld pages", N, before - after);
  a[7 * PGSIZE] = 1;
  CHECK(xt_free_pages() < after);
  CHECK_EQ(sbrklazy(-N * PGSIZE), a + N * PGSIZE);
}

/* Pages sbrk gives, 64 at a time and then one at a time, until it
 * fails; each step's pages are touched. -1 if it gave more pages than
 * there were free (then sbrk is not eager). */
static long grow_until_refused(long free_at_start)
{
  char *base = sbrk(0), *p;
  long n = 0;

  for (int step = 64; step > 0; step = step == 64 ? 1 : 0) {
    while ((p = sbrk(step * PGSIZE)) != SBRK_ERROR) {
      if (p != base + n * PGSIZE)
        xt_fail(__LINE__, "sbrk returned %p, expected %p", p, base + n * PGSIZE);
      for (int i = 0; i < step; i++)
        p[i * PGSIZE + PGSIZE - 1] = 1;
      n += step;
      if (n > free_at_start + 64)
        return -1;
    }
  }
  return n;
}

/* Grow until the kernel says no: that must come before memory runs out
 * (nobody is killed), change nothing, and once the heap is given back
 * every page is free again; then the same amount can be had again. */
static void t_sbrk_exhaust(void)
{
  long start = xt_free_pages(), n, again;
  char *base = sbrk(0);

  n = grow_until_refused(start);
  if (n < 0)
    xt_fail(__LINE__, "sbrk gave more pages than the %ld free: not eager", start);
  CHECK(n > 100);
  CHECK_EQ(sbrk(0), base + n * PGSIZE);           /* the failed calls changed nothing */
  CHECK(sbrk(1 << 30) == SBRK_ERROR);
  CHECK_EQ(sbrk(0), base + n * PGSIZE);
  CHECK_EQ(sbrk(-(int)(n * PGSIZE)), base + n * PGSIZE);
  CHECK_EQ(sbrk(0), base);
  /* The page-table pages of the heap may stay until exit (the runner
   * checks then that every page came back): one per 512 pages. */
  if (xt_free_pages() < start - (n / 512 + 8))
    xt_fail(__LINE__, "%ld pages free before, %ld after", start, xt_free_pages());
  again = grow_until_refused(start);
  if (again < n - 16 || again > n + 16)
    xt_fail(__LINE__, "%ld pages the first time, %ld the second", n, again);
  CHECK_EQ(sbrk(-(int)(again * PGSIZE)), base + again * PGSIZE);
}

/* One sbrk too big for memory fails whole: nothing taken, nothing lost. */
static void t_sbrk_toobig(void)
{
  long before = xt_free_pages();
  char *brk = sbrk(0);
  int big = (int)((before + 1000) * PGSIZE < 0x7fffffff ? (before + 1000) * PGSIZE : 0x7ffff000);

  CHECK(sbrk(big) == SBRK_ERROR);
  CHECK_EQ(sbrk(0), brk);
  CHECK(xt_free_pages() >= before);
  /* Several processes at once: some may fail, none is killed. */
  int pids[4];
  for (int i = 0; i < 4; i++) {
    if ((pids[i] = XFORK()) == 0) {
      char *p = sbrk((int)(before / 3) * PGSIZE);
      if (p != SBRK_ERROR)
        p[0] = 1;
      exit(p == SBRK_ERROR ? 1 : 0);
    }
  }
  for (int i = 0; i < 4; i++) {
    int st = WAIT_FOR(pids[i]);
    CHECK(st == 0 || st == 1);
  }
}

/* xv6's rules for a negative sbrk: below address 0 is no change (the
 * break comes back); below the heap Kite refuses. */
static void t_sbrk_negative(void)
{
  char *brk = sbrk(0);

  CHECK_EQ(sbrk(-(int)((uint64)brk + 1)), brk);     /* usertests' lazy_copy */
  CHECK_EQ(sbrk(0), brk);
  CHECK_EQ(sbrk(0x80000004), brk);                 /* an int: hugely negative */
  CHECK_EQ(sbrk(0), brk);
  volatile char *top = sbrk(0);
  *(top - 1) = *(top - 1) + 1;                     /* usertests' sbrk8000 */
  CHECK(sbrk(-(int)((uint64)brk - 4096)) == SBRK_ERROR);   /* into the program */
  CHECK_EQ(sbrk(0), brk);
}

/* With nothing on the heap, the byte under the break is memory (xv6's
 * processes are one piece; Kite's start code makes it so). */
static void t_sbrk_contiguous(void)
{
  char *argv[] = { "xv6compat", "+heapgap", 0 };
  int pid = XFORK();

  if (pid == 0) {
    exec("/xv6compat", argv);
    exit(1);
  }
  CHECK_EXIT(pid, 0);
}

static void t_sbrk_fork(void)
{
  char *a = sbrk(10 * PGSIZE);
  int pid;

  CHECK(a != SBRK_ERROR);
  for (int i = 0; i < 10; i++)
    a[i * PGSIZE] = (char)(i + 1);
  if ((pid = XFORK()) == 0) {
    for (int i = 0; i < 10; i++)
      CHILD_CHECK(a[i * PGSIZE] == i + 1);
    CHILD_CHECK(sbrk(0) == a + 10 * PGSIZE);
    a[0] = 100;
    CHILD_CHECK(sbrk(-10 * PGSIZE) == a + 10 * PGSIZE);
    exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_EQ(a[0], 1);
  CHECK_EQ(sbrk(0), a + 10 * PGSIZE);
}

/* Copy-on-write under pressure (the cow lab's tests, in our words):
 * with two thirds of free memory on the heap fork still works, since
 * nothing is copied until written; every page is freed afterwards. */
static void t_cow_big_fork(void)
{
  for (int round = 0; round < 2; round++) {
    long pages = xt_free_pages() * 2 / 3;
    char *p = sbrk((int)(pages * PGSIZE));
    int pid;

    int me = getpid();

    CHECK(p != SBRK_ERROR);
    for (long i = 0; i < pages; i++)
      *(int *)(p + i * PGSIZE) = me;
    if ((pid = XFORK()) == 0) {
      CHILD_CHECK(*(int *)(p + (pages / 2) * PGSIZE) == me);
      exit(0);
    }
    CHECK_EXIT(pid, 0);
    CHECK(sbrk(-(int)(pages * PGSIZE)) != SBRK_ERROR);
  }
}

/* Three processes write a quarter of memory shared copy-on-write: more
 * than there is, were the copies not freed as they go. */
static void t_cow_three(void)
{
  long pages = xt_free_pages() / 4;
  char *p = sbrk((int)(pages * PGSIZE));
  int pid1, me = getpid();

  CHECK(p != SBRK_ERROR);
  for (long i = 0; i < pages; i++)
    *(int *)(p + i * PGSIZE) = me;
  if ((pid1 = XFORK()) == 0) {
    int pid2 = fork();
    CHILD_CHECK(pid2 >= 0);
    if (pid2 == 0) {
      for (long i = 0; i < pages * 4 / 5; i++)
        *(int *)(p + i * PGSIZE) = getpid();
      for (long i = 0; i < pages * 4 / 5; i++)
        CHILD_CHECK(*(int *)(p + i * PGSIZE) == getpid());
      exit(0);
    }
    for (long i = 0; i < pages / 2; i++)
      *(int *)(p + i * PGSIZE) = 9999;
    CHILD_CHECK(wait(0) == pid2);
    exit(0);
  }
  for (long i = 0; i < pages; i++)
    *(int *)(p + i * PGSIZE) = me + 1;
  CHECK_EXIT(pid1, 0);
  for (long i = 0; i < pages; i++)
    if (*(int *)(p + i * PGSIZE) != me + 1)
      xt_fail(__LINE__, "page %ld changed under the parent", i);
  CHECK(sbrk(-(int)(pages * PGSIZE)) != SBRK_ERROR);
}

/* The kernel writing into a copy-on-write page (read() from a pipe)
 * copies it first: the child's read does not reach the parent. */
static void t_cow_copyout(void)
{
  static char buf[PGSIZE];
  int p[2];

  buf[0] = 99;
  for (int i = 0; i < 4; i++) {
    CHECK_EQ(pipe(p), 0);
    int pid = XFORK();
    if (pid == 0) {
      pause(1);
      CHILD_CHECK(read(p[0], buf, sizeof i) == sizeof i);
      CHILD_CHECK(*(int *)buf == i);
      exit(0);
    }
    CHECK_EQ(write(p[1], &i, sizeof i), sizeof i);
    CHECK_EXIT(pid, 0);
    close(p[0]);
    close(p[1]);
  }
  CHECK_EQ(buf[0], 99);
}

static void t_malloc_basic(void)
{
  enum { N = 100 };
  char *p[N];

  for (int i = 0; i < N; i++) {
    uint size = 1 + (i * 37) % 3000;
    p[i] = malloc(size);
    CHECK(p[i] != 0);
    CHECK_EQ((uint64)p[i] % 16, 0);
    memset(p[i], i, size);
  }
  for (int i = 0; i < N; i++) {
    uint size = 1 + (i * 37) % 3000;
    for (uint k = 0; k < size; k++)
      if (p[i][k] != (char)i)
        xt_fail(__LINE__, "block %d byte %d overwritten", i, k);
  }
  for (int i = 0; i < N; i += 2)
    free(p[i]);
  for (int i = 1; i < N; i += 2)
    free(p[i]);
  /* Everything is free again: the same requests fit without growing. */
  char *brk = sbrk(0);
  for (int i = 0; i < N; i++)
    p[i] = malloc(1 + (i * 37) % 3000);
  CHECK_EQ(sbrk(0), brk);
  for (int i = N - 1; i >= 0; i--)
    free(p[i]);
  char *zero = malloc(0);
  CHECK(zero != 0);
  free(zero);
  free(0);
  /* A block bigger than one step of growth. */
  char *big = malloc(300000);
  CHECK(big != 0);
  big[299999] = 1;
  free(big);
}

/* malloc until it returns 0 (usertests' mem): that happens, nobody is
 * killed, and after freeing everything big blocks are there again. */
static void t_malloc_exhaust(void)
{
  long start = xt_free_pages(), n = 0;
  void *list = 0, *m;

  while ((m = malloc(10001)) != 0) {
    *(void **)m = list;
    list = m;
    if (++n * 10001 / PGSIZE > start + 64)
      xt_fail(__LINE__, "malloc gave %ld blocks, more than memory: not eager", n);
  }
  CHECK(n > 100);
  while (list) {
    m = *(void **)list;
    free(list);
    list = m;
  }
  m = malloc(20 * 1024);
  CHECK(m != 0);
  free(m);
  m = malloc((uint)(n / 2) * 10001);
  CHECK(m != 0);
  free(m);
}

const struct xtest xt_mem_tests[] = {
  { "sbrk_basic",        t_sbrk_basic,        XT_NORMAL },
  { "sbrk_eager",        t_sbrk_eager,        XT_NORMAL },
  { "sbrk_exhaust",      t_sbrk_exhaust,      XT_NORMAL },
  { "sbrk_toobig",       t_sbrk_toobig,       XT_NORMAL },
  { "sbrk_negative",     t_sbrk_negative,     XT_NORMAL },
  { "sbrk_contiguous",   t_sbrk_contiguous,   XT_NORMAL },
  { "sbrk_fork",         t_sbrk_fork,         XT_NORMAL },
  { "cow_big_fork",      t_cow_big_fork,      XT_NORMAL },
  { "cow_three",         t_cow_three,         XT_NORMAL },
  { "cow_copyout",       t_cow_copyout,       XT_NORMAL },
  { "malloc_basic",      t_malloc_basic,      XT_NORMAL },
  { "malloc_exhaust",    t_malloc_exhaust,    XT_NORMAL },
  { 0, 0, 0 },
};
