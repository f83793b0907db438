/*
 * memtests: Kite's in-QEMU suite of process memory: mmap, munmap,
 * mprotect, the mapping queries, brk and sbrk's eager and lazy growth,
 * copy-on-write fork, lazy pages, shared and file-backed mappings, guard
 * regions, exec failure, limits, and the debug kernel's memory checker.
 *
 *   memtests [-q] [-l] [-a NAME] [NAME...]
 *
 * The flags, the output protocol and how each test runs in a child of its
 * own are the test runner's: see user/lib/ktest.h. Here NAMEs may be
 * combined with -a NAME (the named tests that come after it), and -q also
 * makes fork_cow_cost use a smaller count. A process the kernel kills
 * exits with -1, which is how the tests see a fault.
 *
 * No leaked pages: the runner compares the free-page count taken just
 * before it forks each test child with the count once it has reaped it
 * (KTEST_LEAKS_EACH), with no slack. Everything the test allocated
 * belonged to the test child or its children, so the two must be equal.
 *
 * Inside a test, free-page counts are compared with a small slack
 * (IN_TEST_SLACK): the test child's first write to each of its own stack
 * and data pages after fork is a copy-on-write copy, and the kernel may
 * take a page for its own bookkeeping. The amounts tested (tens to
 * thousands of pages) are far above the slack.
 *
 * Tests call the kernel through kite_syscall(), which returns the raw
 * result (a negative KITE_E* number on failure), so every error number is
 * checked exactly against the contract in <kite/mman.h>; one test checks
 * the C-library wrappers of <sys/mman.h>. Tests that need fixed addresses
 * use their own area, AREA(n), far from the heap, the stack and the
 * top-down mmap area. Files are created in the root directory with names
 * that start with "mt_", and removed again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "ktest.h"

#define PG              ((unsigned long)KITE_PGSIZE)
#define IN_TEST_SLACK   8        /* see the top of this file */
#define SELF            "/memtests"

/* The user address-space layout Kite documents (kernel/arch/memlayout.h). */
#define USER_BASE       0x10000UL
#define USER_TOP        0x3fffff0000UL
#define STACK_SIZE      ((unsigned long)KITE_USTACK_PAGES * PG)

/* Private playgrounds for fixed-address tests: 256 MiB each from 64 GiB. */
#define AREA(n)         (0x1000000000UL + (unsigned long)(n) * 0x10000000UL)

#define R       KITE_PROT_READ
#define W       KITE_PROT_WRITE
#define X       KITE_PROT_EXEC
#define RW      (KITE_PROT_READ | KITE_PROT_WRITE)
#define NONE    KITE_PROT_NONE
#define PRIV    KITE_MAP_PRIVATE
#define SHARED  KITE_MAP_SHARED
#define FIXED   KITE_MAP_FIXED
#define ANON    KITE_MAP_ANONYMOUS

#define O_RD    KITE_O_RDONLY
#define O_WR    KITE_O_WRONLY
#define O_RW    KITE_O_RDWR
#define O_NEW   (KITE_O_CREAT | KITE_O_TRUNC | KITE_O_RDWR)

/* ------------------------------------------------------------------------ */
/* Raw system calls                                                          */

static __attribute__((noreturn)) void k_exit(long st) { KSYS1(SYS_exit, st); for (;;) ; }
static long k_pipe(int *fds)              { return KSYS1(SYS_pipe, fds); }
static long k_read(long fd, void *p, long n)        { return KSYS3(SYS_read, fd, p, n); }
static long k_write(long fd, const void *p, long n) { return KSYS3(SYS_write, fd, p, n); }
static long k_exec(const char *path, char *const argv[]) { return KSYS2(SYS_exec, path, argv); }
static long k_fstat(long fd, struct kite_stat *st) { return KSYS2(SYS_fstat, fd, st); }
static long k_getpid(void)                { return KSYS0(SYS_getpid); }
static long k_sbrk(long n)                { return KSYS2(SYS_sbrk, n, KITE_SBRK_LAZY); }
static long k_brk(unsigned long a)        { return KSYS1(SYS_brk, a); }
static long k_open(const char *path, long flags) { return KSYS2(SYS_open, path, flags); }
static long k_close(long fd)              { return KSYS1(SYS_close, fd); }
static long k_unlink(const char *path)    { return KSYS1(SYS_unlink, path); }
static long k_sysinfo(struct kite_sysinfo *si) { return KSYS1(SYS_sysinfo, si); }

static long k_mmap(unsigned long addr, unsigned long len, long prot, long flags, long fd, long off)
{
  return kite_syscall(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}
static long k_munmap(unsigned long addr, unsigned long len) { return KSYS2(SYS_munmap, addr, len); }
static long k_mprotect(unsigned long addr, unsigned long len, long prot)
{
  return KSYS3(SYS_mprotect, addr, len, prot);
}
static long k_mquery(unsigned long addr, struct kite_mapping *m) { return KSYS2(SYS_mquery, addr, m); }
static long k_mmaps(long pid, struct kite_mapping *buf, long n) { return KSYS3(SYS_mmaps, pid, buf, n); }

static unsigned long pg_down(unsigned long a) { return a & ~(PG - 1); }
static unsigned long pg_up(unsigned long a)   { return (a + PG - 1) & ~(PG - 1); }

/* ------------------------------------------------------------------------ */
/* Processes                                                                 */

/* Run fn(arg) in a child that then exits 0; returns the child's pid. */
typedef void (*child_fn)(unsigned long arg);

static long spawn(int line, child_fn fn, unsigned long arg)
{
  long pid = xfork(line);
  if (pid == 0) {
    fn(arg);
    k_exit(0);
  }
  return pid;
}

static void do_read(unsigned long a)  { (void)*(volatile char *)a; }
static void do_write(unsigned long a) { *(volatile char *)a = 1; }
static void do_call(unsigned long a)  { ((void (*)(void))a)(); }

/* A child doing fn(arg) must be killed by the kernel (status -1). */
static void expect_killed(int line, child_fn fn, unsigned long arg, const char *what)
{
  int st = wait_for(line, spawn(line, fn, arg));
  if (st != -1)
    fail(line, "%s %#lx: child %s, expected to be killed (-1)", what, arg, status_text(st));
}
#define KILLED_READ(a)  expect_killed(__LINE__, do_read, (unsigned long)(a), "read of")
#define KILLED_WRITE(a) expect_killed(__LINE__, do_write, (unsigned long)(a), "write to")
#define KILLED_CALL(a)  expect_killed(__LINE__, do_call, (unsigned long)(a), "call of")

/* A child doing fn(arg) must survive it (status 0). */
static void expect_survives(int line, child_fn fn, unsigned long arg, const char *what)
{
  int st = wait_for(line, spawn(line, fn, arg));
  if (st != 0)
    fail(line, "%s %#lx: child %s, expected status 0", what, arg, status_text(st));
}
#define SURVIVES_WRITE(a) expect_survives(__LINE__, do_write, (unsigned long)(a), "write to")

/*
 * Two pipes between a test and one child, for lock-step tests. Each side
 * closes the ends it does not use, so a side that dies shows as end of file.
 */
struct chan {
  int down[2];   /* parent -> child */
  int up[2];     /* child -> parent */
  int child;     /* this process is the child */
  long pid;      /* in the parent: the child's pid */
};

static void chan_open(int line, struct chan *c)
{
  if (is_err(k_pipe(c->down)) || is_err(k_pipe(c->up)))
    fail(line, "pipe failed");
  c->child = 0;
}

/* After fork: keep this side's ends. */
static void chan_side(struct chan *c, long pid)
{
  c->child = pid == 0;
  c->pid = pid;
  if (c->child) {
    k_close(c->down[1]);
    k_close(c->up[0]);
  } else {
    k_close(c->down[0]);
    k_close(c->up[1]);
  }
}

static void chan_send(struct chan *c)
{
  char b = 's';
  k_write(c->child ? c->up[1] : c->down[1], &b, 1);
}

/* Wait for the other side; if it died instead, say how. */
static void chan_recv(int line, struct chan *c)
{
  char b;
  if (k_read(c->child ? c->down[0] : c->up[0], &b, 1) == 1)
    return;
  if (c->child)
    fail(line, "the parent went away");
  fail(line, "child %s before it answered", status_text(wait_for(line, c->pid)));
}
#define CHAN_RECV(c) chan_recv(__LINE__, (c))

static void chan_close(struct chan *c)
{
  if (c->child) {
    k_close(c->down[0]);
    k_close(c->up[1]);
  } else {
    k_close(c->down[1]);
    k_close(c->up[0]);
  }
}

/* ------------------------------------------------------------------------ */
/* Memory helpers                                                            */

/* Map anonymous memory; the call must succeed (at addr, if MAP_FIXED). */
static unsigned long map_ok(int line, unsigned long addr, unsigned long len, long prot, long flags)
{
  long r = k_mmap(addr, len, prot, flags, -1, 0);

  if (is_err(r))
    fail(line, "mmap(%#lx, %#lx, prot %ld, flags %#lx) = %s", addr, len, prot, flags, errname(r));
  if ((r & (PG - 1)) || (unsigned long)r < USER_BASE || (unsigned long)r + pg_up(len) > USER_TOP)
    fail(line, "mmap(%#lx, %#lx) = %#lx: not a page-aligned user range", addr, len, r);
  if ((flags & FIXED) && (unsigned long)r != addr)
    fail(line, "mmap(%#lx, MAP_FIXED) = %#lx", addr, r);
  return (unsigned long)r;
}
#define MAP(a, len, prot, flags) map_ok(__LINE__, (a), (len), (prot), (flags))

/* Map len bytes of the file open on fd; the call must succeed. */
static unsigned long fmap_ok(int line, unsigned long len, long prot, long flags, long fd, long off)
{
  long r = k_mmap(0, len, prot, flags, fd, off);

  if (is_err(r))
    fail(line, "mmap of fd %ld (len %#lx, prot %ld, flags %#lx, off %#lx) = %s",
         fd, len, prot, flags, off, errname(r));
  if ((r & (PG - 1)) || (unsigned long)r < USER_BASE || (unsigned long)r + pg_up(len) > USER_TOP)
    fail(line, "file mmap = %#lx: not a page-aligned user range", r);
  return (unsigned long)r;
}
#define FMAP(len, prot, flags, fd, off) fmap_ok(__LINE__, (len), (prot), (flags), (fd), (off))

static void query(int line, unsigned long addr, struct kite_mapping *m)
{
  long r;

  memset(m, 0xa5, sizeof *m);
  r = k_mquery(addr, m);
  if (r != 0)
    fail(line, "mquery(%#lx) = %s", addr, errname(r));
}

static const char *type_text(unsigned type)
{
  static const char *const names[] = {
    [KITE_VM_CODE] = "code",   [KITE_VM_DATA] = "data",     [KITE_VM_HEAP] = "heap",
    [KITE_VM_STACK] = "stack", [KITE_VM_GUARD] = "guard",   [KITE_VM_SHARED] = "shared",
    [KITE_VM_MMIO] = "mmio",   [KITE_VM_ANON] = "anon",     [KITE_VM_FILE] = "file",
    [KITE_VM_KERNEL] = "kernel", [KITE_VM_FREE] = "free",
  };
  return type < sizeof names / sizeof names[0] && names[type] ? names[type] : "bad type";
}

/* addr must lie in a mapping [start, end) of the given prot and type. */
static void expect_map(int line, unsigned long addr, unsigned long start, unsigned long end,
                       unsigned prot, unsigned type)
{
  struct kite_mapping m;

  query(line, addr, &m);
  if (m.start != start || m.end != end || m.prot != prot || m.type != type)
    fail(line, "mquery(%#lx) = [%#lx, %#lx) prot %u %s; expected [%#lx, %#lx) prot %u %s",
         addr, (unsigned long)m.start, (unsigned long)m.end, m.prot, type_text(m.type),
         start, end, prot, type_text(type));
}
#define EXPECT_MAP(a, s, e, prot, type) expect_map(__LINE__, (a), (s), (e), (prot), (type))

/* addr must lie in a hole; start/end, unless 0, are its exact bounds. */
static void expect_free(int line, unsigned long addr, unsigned long start, unsigned long end)
{
  struct kite_mapping m;

  query(line, addr, &m);
  if (m.type != KITE_VM_FREE)
    fail(line, "mquery(%#lx) = [%#lx, %#lx) %s, expected a hole", addr,
         (unsigned long)m.start, (unsigned long)m.end, type_text(m.type));
  if (m.start > addr || m.end <= addr || (start && m.start != start) || (end && m.end != end))
    fail(line, "mquery(%#lx) = hole [%#lx, %#lx), expected [%#lx, %#lx)", addr,
         (unsigned long)m.start, (unsigned long)m.end, start, end);
}
#define EXPECT_FREE(a, s, e) expect_free(__LINE__, (a), (s), (e))

/* Every byte of [a, a + n) must be v. */
static void expect_bytes(int line, unsigned long a, unsigned long n, int v)
{
  const volatile unsigned char *p = (const volatile unsigned char *)a;

  for (unsigned long i = 0; i < n; i++)
    if (p[i] != (unsigned char)v)
      fail(line, "byte at %#lx is %d, expected %d", a + i, p[i], v & 0xff);
}
#define EXPECT_BYTES(a, n, v) expect_bytes(__LINE__, (unsigned long)(a), (n), (v))

static void fill(unsigned long a, unsigned long n, int v)
{
  memset((void *)a, v, n);
}

/* Write one byte in each page of [a, a + n). */
static void touch_pages(unsigned long a, unsigned long n)
{
  for (unsigned long off = 0; off < n; off += PG)
    ((volatile char *)a)[off] = 1;
}

/* The whole mapping list of pid; at most max records. */
static long maps_of(int line, long pid, struct kite_mapping *buf, long max)
{
  long n = k_mmaps(pid, buf, max);
  if (is_err(n))
    fail(line, "mmaps(%ld) = %s", pid, errname(n));
  if (n > max)
    fail(line, "mmaps(%ld): %ld mappings, more than the %ld expected", pid, n, max);
  return n;
}

/* Two mapping records agree on everything but the resident count. */
static int same_mapping(const struct kite_mapping *a, const struct kite_mapping *b)
{
  return a->start == b->start && a->end == b->end && a->offset == b->offset &&
         a->prot == b->prot && a->type == b->type && a->flags == b->flags &&
         a->inum == b->inum && memcmp(a->name, b->name, sizeof a->name) == 0;
}

#define MAXMAPS 256
static struct kite_mapping maps_a[MAXMAPS], maps_b[MAXMAPS];

/* The caller's mapping of the given type (heap, stack, guard ...). */
static void find_type(int line, unsigned type, struct kite_mapping *out)
{
  long n = maps_of(line, 0, maps_b, MAXMAPS);

  for (long i = 0; i < n; i++)
    if (maps_b[i].type == type) {
      *out = maps_b[i];
      return;
    }
  fail(line, "no %s mapping in this process", type_text(type));
}

/* Grow the heap by n bytes; returns the old break. */
static unsigned long sbrk_ok(int line, long n)
{
  long r = k_sbrk(n);
  if (is_err(r))
    fail(line, "sbrk(%ld) = %s", n, errname(r));
  return (unsigned long)r;
}
#define SBRK(n) sbrk_ok(__LINE__, (n))

/* ------------------------------------------------------------------------ */
/* File helpers                                                              */

#define FILE_MAX (4 * PG + 512)
static unsigned char fbuf[FILE_MAX];

/* Byte i of test file number seed: never 0, so zero-fill stands out. */
static unsigned char fpat(long i, int seed)
{
  return (unsigned char)((i * 7 + (i >> 8) * 3 + seed * 41) % 251 + 1);
}

static void make_file(int line, const char *name, long size, int seed)
{
  long fd = k_open(name, O_NEW), r;

  if (is_err(fd))
    fail(line, "create %s = %s", name, errname(fd));
  for (long i = 0; i < size; i++)
    fbuf[i] = fpat(i, seed);
  r = k_write(fd, fbuf, size);
  if (r != size)
    fail(line, "write %s = %s, expected %ld", name, errname(r), size);
  k_close(fd);
}
#define MAKE_FILE(name, size, seed) make_file(__LINE__, (name), (size), (seed))

/* Read the whole file into fbuf; returns its size. */
static long read_file(int line, const char *name)
{
  long fd = k_open(name, O_RD), n = 0, r;

  if (is_err(fd))
    fail(line, "open %s = %s", name, errname(fd));
  while ((r = k_read(fd, fbuf + n, FILE_MAX - n)) > 0)
    n += r;
  k_close(fd);
  if (is_err(r))
    fail(line, "read %s = %s", name, errname(r));
  return n;
}
#define READ_FILE(name) read_file(__LINE__, (name))

static long open_ok(int line, const char *name, long flags)
{
  long fd = k_open(name, flags);
  if (is_err(fd))
    fail(line, "open %s = %s", name, errname(fd));
  return fd;
}
#define OPEN(name, flags) open_ok(__LINE__, (name), (flags))

/* fbuf[from, to) must still be the pattern of seed. */
static void expect_pattern(int line, long from, long to, int seed)
{
  for (long i = from; i < to; i++)
    if (fbuf[i] != fpat(i, seed))
      fail(line, "file byte %ld is %d, expected %d", i, fbuf[i], fpat(i, seed));
}
#define EXPECT_PATTERN(from, to, seed) expect_pattern(__LINE__, (from), (to), (seed))

/* Mapped bytes [a, a + n) must be the file's bytes [off, off + n). */
static void expect_mapped_pattern(int line, unsigned long a, long off, long n, int seed)
{
  const volatile unsigned char *p = (const volatile unsigned char *)a;

  for (long i = 0; i < n; i++)
    if (p[i] != fpat(off + i, seed))
      fail(line, "mapped byte %#lx (file offset %ld) is %d, expected %d",
           a + i, off + i, p[i], fpat(off + i, seed));
}
#define EXPECT_MAPPED(a, off, n, seed) expect_mapped_pattern(__LINE__, (a), (off), (n), (seed))

/* ------------------------------------------------------------------------ */
/* Queries: mquery and mmaps                                                 */

static int layout_data = 42;                 /* .data */
static char layout_bss[100];                 /* .bss */
static const char layout_ro[] = "rodata";    /* .rodata */

/* The program's own mappings are what the layout says they are. */
static void t_mquery_layout(void)
{
  struct kite_mapping m, stack, guard;
  unsigned long code = (unsigned long)&t_mquery_layout;
  char here = 0;

  query(__LINE__, code, &m);
  CHECK_EQ(m.type, KITE_VM_CODE);
  CHECK_EQ(m.prot, R | X);
  CHECK(m.start <= code && code < m.end);
  CHECK(m.start >= USER_BASE && (m.start & (PG - 1)) == 0 && (m.end & (PG - 1)) == 0);
  CHECK_EQ(m.flags & KITE_VMF_SHARED, 0);

  query(__LINE__, (unsigned long)layout_ro, &m);
  CHECK_EQ(m.prot, R);
  CHECK(m.type == KITE_VM_CODE || m.type == KITE_VM_DATA);

  query(__LINE__, (unsigned long)&layout_data, &m);
  CHECK_EQ(m.type, KITE_VM_DATA);
  CHECK_EQ(m.prot, RW);
  CHECK(m.flags & KITE_VMF_PRIVATE);
  query(__LINE__, (unsigned long)&layout_bss[99], &m);
  CHECK_EQ(m.type, KITE_VM_DATA);
  CHECK_EQ(m.prot, RW);

  /* The heap: [start, page after the break), named [heap]. */
  unsigned long old = SBRK(3 * PG), brk = old + 3 * PG;
  query(__LINE__, brk - 1, &m);
  CHECK_EQ(m.type, KITE_VM_HEAP);
  CHECK_EQ(m.prot, RW);
  CHECK_EQ(m.end, pg_up(brk));
  CHECK(m.start <= old);
  CHECK_EQ(strcmp(m.name, "[heap]"), 0);
  EXPECT_FREE(pg_up(brk), pg_up(brk), 0);
  SBRK(-3 * (long)PG);

  /* The stack ends at USER_TOP, with the guard right below it. */
  query(__LINE__, (unsigned long)&here, &stack);
  CHECK_EQ(stack.type, KITE_VM_STACK);
  CHECK_EQ(stack.prot, RW);
  CHECK_EQ(stack.end, USER_TOP);
  CHECK_EQ(stack.end - stack.start, STACK_SIZE);
  CHECK(stack.flags & KITE_VMF_GROWSDOWN);
  CHECK_EQ(strcmp(stack.name, "[stack]"), 0);
  query(__LINE__, stack.start - 1, &guard);
  CHECK_EQ(guard.type, KITE_VM_GUARD);
  CHECK_EQ(guard.prot, NONE);
  CHECK_EQ(guard.end, stack.start);
  CHECK(guard.end - guard.start >= PG);
  CHECK_EQ(guard.resident, 0);
  CHECK_EQ(strcmp(guard.name, "[guard]"), 0);
  EXPECT_FREE(guard.start - 1, 0, guard.start);

  /* The record must go to writable user memory. */
  CHECK_ERR(k_mquery(code, (struct kite_mapping *)8), KITE_EFAULT);
  CHECK_ERR(k_mquery(code, (struct kite_mapping *)0x80200000UL), KITE_EFAULT);
  CHECK_ERR(k_mquery(code, (struct kite_mapping *)code), KITE_EFAULT);
  CHECK_ERR(k_mquery(code, (struct kite_mapping *)(guard.start + 8)), KITE_EFAULT);
  CHECK_EQ(layout_data, 42);
}

/* mmaps lists the same mappings mquery finds, sorted, with the count. */
static void t_mmaps_self(void)
{
  long n = maps_of(__LINE__, 0, maps_a, MAXMAPS), m2;
  struct kite_mapping q;

  CHECK(n >= 5);
  for (long i = 0; i < n; i++) {
    struct kite_mapping *m = &maps_a[i];
    if ((m->start & (PG - 1)) || (m->end & (PG - 1)) || m->start >= m->end ||
        m->start < USER_BASE || m->end > USER_TOP)
      fail(__LINE__, "mapping %ld is [%#lx, %#lx)", i, (unsigned long)m->start,
           (unsigned long)m->end);
    if (i > 0 && maps_a[i - 1].end > m->start)
      fail(__LINE__, "mappings %ld and %ld overlap or are out of order", i - 1, i);
    if (m->type == KITE_VM_FREE || m->type > KITE_VM_FREE)
      fail(__LINE__, "mapping %ld has type %u", i, m->type);
    if ((m->prot & W) && (m->prot & X))
      fail(__LINE__, "mapping %ld at %#lx is writable and executable", i, (unsigned long)m->start);
    query(__LINE__, m->start, &q);
    if (!same_mapping(&q, m))
      fail(__LINE__, "mquery(%#lx) does not match mmaps record %ld", (unsigned long)m->start, i);
  }

  /* Counting, and a buffer shorter than the list. */
  CHECK_EQ(k_mmaps(0, NULL, 0), n);
  memset(maps_b, 0x5c, sizeof maps_b);
  CHECK_EQ(k_mmaps(0, maps_b, 2), n);
  CHECK(same_mapping(&maps_b[0], &maps_a[0]));
  CHECK(same_mapping(&maps_b[1], &maps_a[1]));
  CHECK_EQ(maps_b[2].start, 0x5c5c5c5c5c5c5c5cUL);
  CHECK_EQ(k_mmaps(k_getpid(), maps_b, MAXMAPS), n);
  for (long i = 0; i < n; i++)
    CHECK(same_mapping(&maps_b[i], &maps_a[i]));

  /* A new mapping shows up in the list, in its place. */
  unsigned long a = MAP(AREA(1), 2 * PG, R, PRIV | ANON | FIXED);
  m2 = maps_of(__LINE__, 0, maps_b, MAXMAPS);
  CHECK_EQ(m2, n + 1);
  int found = 0;
  for (long i = 0; i < m2; i++)
    if (maps_b[i].start == a) {
      CHECK_EQ(maps_b[i].end, a + 2 * PG);
      CHECK_EQ(maps_b[i].type, KITE_VM_ANON);
      found = 1;
    }
  CHECK(found);
  CHECK_OK(k_munmap(a, 2 * PG));
  CHECK_EQ(k_mmaps(0, NULL, 0), n);

  CHECK_ERR(k_mmaps(0, (struct kite_mapping *)8, 4), KITE_EFAULT);
}

/* A hole reports the free span around the address. */
static void t_mquery_hole(void)
{
  unsigned long a = AREA(2);
  struct kite_mapping m;

  EXPECT_FREE(a, 0, 0);
  MAP(a, PG, R, PRIV | ANON | FIXED);
  MAP(a + 5 * PG, PG, R, PRIV | ANON | FIXED);
  EXPECT_FREE(a + PG, a + PG, a + 5 * PG);
  EXPECT_FREE(a + 4 * PG + 123, a + PG, a + 5 * PG);
  EXPECT_FREE(a - 1, 0, a);
  EXPECT_FREE(a + 6 * PG, a + 6 * PG, 0);
  query(__LINE__, a + 2 * PG, &m);
  CHECK_EQ(m.type, KITE_VM_FREE);
  CHECK_EQ(m.prot, NONE);
  CHECK_EQ(m.resident, 0);
  CHECK_EQ(m.name[0], 0);
  CHECK_OK(k_munmap(a, 6 * PG));
  EXPECT_FREE(a + 2 * PG, 0, 0);
}

/* mmaps of a child works while it lives, and -ESRCH once it is gone. */
static void t_mmaps_other(void)
{
  const unsigned long a = AREA(3);
  struct chan c;
  long pid, n;
  int found = 0;

  chan_open(__LINE__, &c);
  pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    MAP(a, 3 * PG, R, PRIV | ANON | FIXED);
    chan_send(&c);
    CHAN_RECV(&c);
    k_exit(0);
  }
  CHAN_RECV(&c);
  n = maps_of(__LINE__, pid, maps_a, MAXMAPS);
  for (long i = 0; i < n; i++)
    if (maps_a[i].start == a) {
      CHECK_EQ(maps_a[i].end, a + 3 * PG);
      CHECK_EQ(maps_a[i].prot, R);
      CHECK_EQ(maps_a[i].type, KITE_VM_ANON);
      found = 1;
    }
  CHECK(found);
  CHECK_EQ(k_mmaps(pid, NULL, 0), n);
  EXPECT_FREE(a, 0, 0);           /* the child's mapping, not ours */
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);
  CHECK_ERR(k_mmaps(pid, maps_a, MAXMAPS), KITE_ESRCH);
  CHECK_ERR(k_mmaps(pid, NULL, 0), KITE_ESRCH);
  CHECK_ERR(k_mmaps(99999, maps_a, MAXMAPS), KITE_ESRCH);
}

/* ------------------------------------------------------------------------ */
/* mmap                                                                      */

/* Anonymous private memory is zeroed and lazy: pages come when touched. */
static void t_mmap_lazy(void)
{
  const unsigned long n = 64;
  struct kite_mapping m;
  long f0, f1, f2, f3;

  free_pages();
  f0 = free_pages();
  unsigned long a = MAP(0, n * PG, RW, PRIV | ANON);
  f1 = free_pages();
  if (f0 - f1 > IN_TEST_SLACK)
    fail(__LINE__, "mapping %lu untouched pages took %ld free pages", n, f0 - f1);
  query(__LINE__, a, &m);
  CHECK_EQ(m.start, a);
  CHECK_EQ(m.end, a + n * PG);
  CHECK_EQ(m.prot, RW);
  CHECK_EQ(m.type, KITE_VM_ANON);
  CHECK(m.flags & KITE_VMF_PRIVATE);
  CHECK_EQ(m.flags & KITE_VMF_SHARED, 0);
  CHECK_EQ(m.resident, 0);
  CHECK_EQ(m.offset, 0);
  CHECK_EQ(m.inum, 0);
  CHECK_EQ(m.name[0], 0);

  /* Placed below the stack's guard region. */
  struct kite_mapping guard;
  find_type(__LINE__, KITE_VM_GUARD, &guard);
  CHECK(a + n * PG <= guard.start);

  ((volatile char *)a)[0] = 1;
  ((volatile char *)a)[7 * PG + 5] = 2;
  query(__LINE__, a, &m);
  CHECK_EQ(m.resident, 2);
  EXPECT_BYTES(a + 3 * PG, PG, 0);            /* a read of an untouched page */
  query(__LINE__, a, &m);
  CHECK(m.resident == 2 || m.resident == 3);
  EXPECT_BYTES(a + 1, 7 * PG + 4, 0);
  EXPECT_BYTES(a + 7 * PG + 6, PG - 6, 0);

  touch_pages(a, n * PG);
  query(__LINE__, a, &m);
  CHECK_EQ(m.resident, n);
  f2 = free_pages();
  if (f1 - f2 < (long)n)
    fail(__LINE__, "touching %lu pages took only %ld free pages", n, f1 - f2);

  /* munmap gives the pages back at once. */
  CHECK_OK(k_munmap(a, n * PG));
  f3 = free_pages();
  if (f0 - f3 > IN_TEST_SLACK)
    fail(__LINE__, "%ld free pages before mmap, %ld after munmap", f0, f3);

  /* A length is rounded up to whole pages. */
  unsigned long b = MAP(0, 100, R, PRIV | ANON);
  EXPECT_MAP(b, b, b + PG, R, KITE_VM_ANON);
  unsigned long c = MAP(0, PG + 1, RW, PRIV | ANON);
  EXPECT_MAP(c, c, c + 2 * PG, RW, KITE_VM_ANON);
  CHECK_OK(k_munmap(b, PG));
  CHECK_OK(k_munmap(c, 2 * PG));
}

/* A free hint is taken as it is; an unusable one is only a hint. */
static void t_mmap_hint(void)
{
  const unsigned long a = AREA(4);
  struct kite_mapping stack, guard;
  long r;

  EXPECT_FREE(a, 0, 0);
  CHECK_EQ(k_mmap(a, 2 * PG, RW, PRIV | ANON, -1, 0), a);
  EXPECT_MAP(a, a, a + 2 * PG, RW, KITE_VM_ANON);

  /* An unaligned hint without MAP_FIXED is fine. */
  r = CHECK_OK(k_mmap(a + 8 * PG + 123, PG, R, PRIV | ANON, -1, 0));
  CHECK_EQ(r & (PG - 1), 0);
  CHECK_OK(k_munmap(r, PG));

  /* Hints outside user space, in the stack, or below USER_BASE. */
  find_type(__LINE__, KITE_VM_STACK, &stack);
  find_type(__LINE__, KITE_VM_GUARD, &guard);
  unsigned long hints[] = { 1UL << 40, 1UL << 38, USER_TOP, stack.start, 0x1000,
                            ~0UL & ~(PG - 1), 0x80000000UL, 0x80200000UL };
  for (unsigned i = 0; i < sizeof hints / sizeof hints[0]; i++) {
    r = k_mmap(hints[i], 2 * PG, RW, PRIV | ANON, -1, 0);
    if (is_err(r))
      fail(__LINE__, "mmap with hint %#lx = %s", hints[i], errname(r));
    if ((unsigned long)r < USER_BASE || (unsigned long)r + 2 * PG > guard.start)
      fail(__LINE__, "mmap with hint %#lx = %#lx", hints[i], r);
    EXPECT_MAP(r, r, r + 2 * PG, RW, KITE_VM_ANON);
    CHECK_OK(k_munmap(r, 2 * PG));
  }
  struct kite_mapping win;
  query(__LINE__, 0x80000000UL, &win);
  CHECK_EQ(win.type, KITE_VM_KERNEL);
  EXPECT_MAP((unsigned long)&stack, stack.start, stack.end, RW, KITE_VM_STACK);
  CHECK_OK(k_munmap(a, 2 * PG));
}

/* An occupied hint is moved: the old mapping is never clobbered. */
static void t_mmap_hint_occupied(void)
{
  const unsigned long a = AREA(5);
  long b, c;

  MAP(a, 2 * PG, RW, PRIV | ANON | FIXED);
  fill(a, 2 * PG, 'a');
  b = CHECK_OK(k_mmap(a, 2 * PG, RW, PRIV | ANON, -1, 0));
  if ((unsigned long)b < a + 2 * PG && (unsigned long)b + 2 * PG > a)
    fail(__LINE__, "hint %#lx taken: got %#lx over the existing mapping", a, b);
  EXPECT_BYTES(b, 2 * PG, 0);
  c = CHECK_OK(k_mmap(a + PG, 2 * PG, R, PRIV | ANON, -1, 0));
  if ((unsigned long)c < a + 2 * PG && (unsigned long)c + 2 * PG > a)
    fail(__LINE__, "hint %#lx taken: got %#lx over the existing mapping", a + PG, c);
  if (c < b + 2 * (long)PG && c + 2 * (long)PG > b)
    fail(__LINE__, "second mapping %#lx overlaps the first %#lx", c, b);
  EXPECT_BYTES(a, 2 * PG, 'a');
  struct kite_mapping m;
  query(__LINE__, a, &m);
  CHECK_EQ(m.start, a);
  CHECK(m.end >= a + 2 * PG);
  CHECK_EQ(m.prot, RW);
  CHECK_OK(k_munmap(a, 2 * PG));
  CHECK_OK(k_munmap(b, 2 * PG));
  CHECK_OK(k_munmap(c, 2 * PG));
}

/* MAP_FIXED replaces what is there, splitting what it cuts. */
static void t_mmap_fixed_replace(void)
{
  const unsigned long a = AREA(6);

  MAP(a, 4 * PG, RW, PRIV | ANON | FIXED);
  for (int i = 0; i < 4; i++)
    fill(a + i * PG, PG, 'A' + i);
  CHECK_EQ(k_mmap(a + PG, 2 * PG, R, PRIV | ANON | FIXED, -1, 0), a + PG);
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  EXPECT_MAP(a + PG, a + PG, a + 3 * PG, R, KITE_VM_ANON);
  EXPECT_MAP(a + 3 * PG, a + 3 * PG, a + 4 * PG, RW, KITE_VM_ANON);
  EXPECT_BYTES(a, PG, 'A');
  EXPECT_BYTES(a + PG, 2 * PG, 0);
  EXPECT_BYTES(a + 3 * PG, PG, 'D');
  KILLED_WRITE(a + PG);

  /* Over a hole, three mappings and another hole, in one call. */
  CHECK_EQ(k_mmap(a - PG, 6 * PG, RW, PRIV | ANON | FIXED, -1, 0), a - PG);
  EXPECT_MAP(a + 2 * PG, a - PG, a + 5 * PG, RW, KITE_VM_ANON);
  EXPECT_BYTES(a - PG, 6 * PG, 0);

  /* A shared mapping replaced by a private one (and back). */
  MAP(a + PG, PG, RW, SHARED | ANON | FIXED);
  EXPECT_MAP(a + PG, a + PG, a + 2 * PG, RW, KITE_VM_SHARED);
  MAP(a + PG, PG, RW, PRIV | ANON | FIXED);
  struct kite_mapping m;
  query(__LINE__, a + PG, &m);
  CHECK_EQ(m.type, KITE_VM_ANON);
  CHECK_OK(k_munmap(a - PG, 6 * PG));
  EXPECT_FREE(a, 0, 0);
}

/* Unaligned addresses and offsets. */
static void t_mmap_align(void)
{
  const unsigned long a = AREA(7);
  long fd;

  CHECK_ERR(k_mmap(a + 1, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(a + PG / 2, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(a + PG - 1, PG, RW, SHARED | ANON | FIXED, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, RW, PRIV | ANON, -1, PG), KITE_EINVAL);   /* anonymous: off 0 */
  MAKE_FILE("mt_align", 2 * PG, 1);
  fd = OPEN("mt_align", O_RW);
  CHECK_ERR(k_mmap(0, PG, R, PRIV, fd, 100), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, R, SHARED, fd, PG + 1), KITE_EINVAL);
  CHECK_ERR(k_mmap(a + 8, PG, R, PRIV | FIXED, fd, 0), KITE_EINVAL);
  k_close(fd);
  CHECK_OK(k_unlink("mt_align"));
  EXPECT_FREE(a, 0, 0);
}

/* Zero lengths. */
static void t_mmap_zero_len(void)
{
  const unsigned long a = AREA(8);
  long fd, r;

  CHECK_ERR(k_mmap(0, 0, RW, PRIV | ANON, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(a, 0, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, 0, RW, SHARED | ANON, -1, 0), KITE_EINVAL);
  fd = OPEN(SELF, O_RD);
  CHECK_ERR(k_mmap(0, 0, R, PRIV, fd, 0), KITE_EINVAL);
  k_close(fd);
  MAP(a, PG, RW, PRIV | ANON | FIXED);
  CHECK_ERR(k_munmap(a, 0), KITE_EINVAL);
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  /* Linux answers 0 to an empty mprotect; the contract does not say. */
  r = k_mprotect(a, 0, R);
  if (r != 0 && r != -KITE_EINVAL)
    fail(__LINE__, "mprotect(len 0) = %s, expected 0 or EINVAL", errname(r));
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  CHECK_OK(k_munmap(a, PG));
}

/* Lengths and ranges that overflow or leave user space. */
static void t_mmap_overflow(void)
{
  const unsigned long a = AREA(9);
  long n0 = CHECK_OK(k_mmaps(0, NULL, 0));

  CHECK_ERR(k_mmap(0, ~0UL, RW, PRIV | ANON, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(0, ~0UL & ~(PG - 1), RW, PRIV | ANON, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(0, 1UL << 63, RW, PRIV | ANON, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(0, 1UL << 38, RW, PRIV | ANON, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(a, -a, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);        /* end wraps to 0 */
  CHECK_ERR(k_mmap(a, -a + 2 * PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM); /* end wraps past 0 */
  CHECK_ERR(k_mmap(a, ~0UL - 10, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);  /* rounding wraps */
  CHECK_ERR(k_mmap(1UL << 38, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(USER_TOP, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(~0UL & ~(PG - 1), PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(0x80000000UL << 8, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(0, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);          /* page 0 */
  CHECK_ERR(k_mmap(USER_BASE - PG, 2 * PG, R, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(a, 1UL << 38, RW, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);  /* past USER_TOP */

  CHECK_ERR(k_munmap(a, -a), KITE_EINVAL);
  CHECK_ERR(k_munmap(a, ~0UL & ~(PG - 1)), KITE_EINVAL);
  CHECK_ERR(k_munmap(a, ~0UL - 10), KITE_EINVAL);
  CHECK_ERR(k_munmap(1UL << 38, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(USER_TOP, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(0, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(~0UL & ~(PG - 1), PG), KITE_EINVAL);

  /* mprotect: the contract names no error for these; either will do. */
  MAP(a, PG, RW, PRIV | ANON | FIXED);
  CHECK_ERR2(k_mprotect(a, -a, R), KITE_EINVAL, KITE_ENOMEM);
  CHECK_ERR2(k_mprotect(a, ~0UL - 10, R), KITE_EINVAL, KITE_ENOMEM);
  CHECK_ERR2(k_mprotect(1UL << 38, PG, R), KITE_EINVAL, KITE_ENOMEM);
  CHECK_ERR2(k_mprotect(~0UL & ~(PG - 1), PG, R), KITE_EINVAL, KITE_ENOMEM);
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  ((volatile char *)a)[0] = 1;
  CHECK_OK(k_munmap(a, PG));

  /* Nothing above left a mapping anywhere. */
  CHECK_EQ(k_mmaps(0, NULL, 0), n0);
  EXPECT_FREE(a, 0, 0);
}

/* Unknown bits, and not exactly one of MAP_SHARED / MAP_PRIVATE. */
static void t_mmap_bad_flags(void)
{
  long n0 = CHECK_OK(k_mmaps(0, NULL, 0)), fd;

  CHECK_ERR(k_mmap(0, PG, RW, PRIV | ANON | 0x40000, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, RW, PRIV | ANON | 0x100, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, RW, PRIV | ANON | 0x80000000L, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, RW, PRIV | ANON | (1L << 40), -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, 0x8, PRIV | ANON, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, R | 0x10, PRIV | ANON, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, R | (1L << 33), PRIV | ANON, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, RW, ANON, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, RW, SHARED | PRIV | ANON, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(AREA(10), PG, RW, ANON | FIXED, -1, 0), KITE_EINVAL);
  fd = OPEN(SELF, O_RD);
  CHECK_ERR(k_mmap(0, PG, R, 0, fd, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(0, PG, R, SHARED | PRIV, fd, 0), KITE_EINVAL);
  k_close(fd);
  CHECK_EQ(k_mmaps(0, NULL, 0), n0);
}

/* W^X: never writable and executable, never executable after writable. */
static void t_wx(void)
{
  long n0 = CHECK_OK(k_mmaps(0, NULL, 0));

  CHECK_ERR(k_mmap(0, PG, R | W | X, PRIV | ANON, -1, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, PG, W | X, PRIV | ANON, -1, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, PG, W | X, SHARED | ANON, -1, 0), KITE_EACCES);
  CHECK_EQ(k_mmaps(0, NULL, 0), n0);

  unsigned long a = MAP(0, PG, RW, PRIV | ANON);
  ((volatile char *)a)[0] = 5;
  CHECK_ERR(k_mprotect(a, PG, R | X), KITE_EACCES);
  CHECK_ERR(k_mprotect(a, PG, R | W | X), KITE_EACCES);
  CHECK_ERR(k_mprotect(a, PG, X), KITE_EACCES);
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  CHECK_OK(k_mprotect(a, PG, R));
  CHECK_ERR(k_mprotect(a, PG, R | X), KITE_EACCES);     /* once writable, never exec */
  CHECK_OK(k_mprotect(a, PG, NONE));
  CHECK_ERR(k_mprotect(a, PG, X), KITE_EACCES);
  EXPECT_MAP(a, a, a + PG, NONE, KITE_VM_ANON);

  /* Never writable: exec is fine, but then writable and exec is not. */
  unsigned long b = MAP(0, PG, R, PRIV | ANON);
  CHECK_OK(k_mprotect(b, PG, R | X));
  EXPECT_MAP(b, b, b + PG, R | X, KITE_VM_ANON);
  CHECK_ERR(k_mprotect(b, PG, R | W | X), KITE_EACCES);
  CHECK_OK(k_mprotect(b, PG, RW));
  CHECK_ERR(k_mprotect(b, PG, R | X), KITE_EACCES);

  /* The program's own data was writable from the start. */
  unsigned long d = pg_down((unsigned long)&layout_data);
  CHECK_ERR(k_mprotect(d, PG, R | X), KITE_EACCES);
  CHECK_ERR(k_mprotect(d, PG, RW | X), KITE_EACCES);
  layout_data++;
  layout_data--;
  CHECK_OK(k_munmap(a, PG));
  CHECK_OK(k_munmap(b, PG));
}

/* ------------------------------------------------------------------------ */
/* mprotect                                                                  */

/* A hole in the range: ENOMEM, and nothing changes. */
static void t_mprotect_errors(void)
{
  const unsigned long a = AREA(11);
  struct kite_mapping guard;

  MAP(a, PG, RW, PRIV | ANON | FIXED);
  ((volatile char *)a)[0] = 7;
  CHECK_ERR(k_mprotect(a + PG, PG, R), KITE_ENOMEM);
  CHECK_ERR(k_mprotect(a, 2 * PG, R), KITE_ENOMEM);
  CHECK_ERR(k_mprotect(a - PG, 2 * PG, R), KITE_ENOMEM);
  CHECK_ERR(k_mprotect(a - PG, 3 * PG, R), KITE_ENOMEM);
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  ((volatile char *)a)[1] = 8;                 /* still writable: not killed */

  /* A hole between two mappings. */
  MAP(a + 2 * PG, PG, RW, PRIV | ANON | FIXED);
  CHECK_ERR(k_mprotect(a, 3 * PG, R), KITE_ENOMEM);
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  EXPECT_MAP(a + 2 * PG, a + 2 * PG, a + 3 * PG, RW, KITE_VM_ANON);

  CHECK_ERR(k_mprotect(a + 1, PG, R), KITE_EINVAL);
  CHECK_ERR(k_mprotect(a + PG / 2, PG, R), KITE_EINVAL);
  CHECK_ERR(k_mprotect(a, PG, 0x8), KITE_EINVAL);
  CHECK_ERR(k_mprotect(a, PG, R | 0x100), KITE_EINVAL);
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);

  /* Guard regions keep their (lack of) rights. */
  find_type(__LINE__, KITE_VM_GUARD, &guard);
  CHECK_ERR(k_mprotect(guard.start, PG, R), KITE_EACCES);
  CHECK_ERR(k_mprotect(guard.start, guard.end - guard.start, RW), KITE_EACCES);
  CHECK_ERR(k_mprotect(guard.start, PG, NONE), KITE_EACCES);
  EXPECT_MAP(guard.start, guard.start, guard.end, NONE, KITE_VM_GUARD);

  /* Across two adjacent mappings of different kinds; length rounds up. */
  MAP(a + PG, PG, R, SHARED | ANON | FIXED);
  CHECK_OK(k_mprotect(a, 2 * PG + 1, R));
  EXPECT_MAP(a, a, a + PG, R, KITE_VM_ANON);
  EXPECT_MAP(a + PG, a + PG, a + 2 * PG, R, KITE_VM_SHARED);
  EXPECT_MAP(a + 2 * PG, a + 2 * PG, a + 3 * PG, R, KITE_VM_ANON);
  CHECK_EQ(((volatile char *)a)[1], 8);
  CHECK_OK(k_munmap(a, 3 * PG));
}

/* Read-only memory: reads work, a write kills; back to writable works. */
static void t_mprotect_readonly(void)
{
  const unsigned long a = AREA(12);

  MAP(a, 3 * PG, RW, PRIV | ANON | FIXED);
  for (int i = 0; i < 3; i++)
    fill(a + i * PG, PG, 0x11 * (i + 1));
  CHECK_OK(k_mprotect(a + PG, PG, R));
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  EXPECT_MAP(a + PG, a + PG, a + 2 * PG, R, KITE_VM_ANON);
  EXPECT_MAP(a + 2 * PG, a + 2 * PG, a + 3 * PG, RW, KITE_VM_ANON);
  EXPECT_BYTES(a + PG, PG, 0x22);
  KILLED_WRITE(a + PG);
  KILLED_WRITE(a + 2 * PG - 1);
  SURVIVES_WRITE(a);
  SURVIVES_WRITE(a + 2 * PG);
  /* The children's writes were to their own copies. */
  EXPECT_BYTES(a, PG, 0x11);
  EXPECT_BYTES(a + 2 * PG, PG, 0x33);

  /* A read-only page that was never touched reads as zero. */
  MAP(a + 4 * PG, PG, R, PRIV | ANON | FIXED);
  EXPECT_BYTES(a + 4 * PG, PG, 0);
  KILLED_WRITE(a + 4 * PG);

  /* Writable again: the contents were kept. */
  CHECK_OK(k_mprotect(a + PG, PG, RW));
  EXPECT_BYTES(a + PG, PG, 0x22);
  ((volatile char *)a)[PG + 9] = 0x44;
  CHECK_EQ(((volatile char *)a)[PG + 9], 0x44);
  CHECK_OK(k_munmap(a, 5 * PG));
}

/* PROT_NONE reserves addresses: any touch kills, until mprotect opens it. */
static void t_prot_none(void)
{
  const unsigned long a = AREA(13);
  struct kite_mapping m;
  long f0, f1;

  MAP(a, 4 * PG, NONE, PRIV | ANON | FIXED);
  query(__LINE__, a, &m);
  CHECK_EQ(m.prot, NONE);
  CHECK_EQ(m.type, KITE_VM_ANON);
  CHECK_EQ(m.resident, 0);
  KILLED_READ(a);
  KILLED_WRITE(a + PG);
  KILLED_READ(a + 4 * PG - 1);
  KILLED_CALL(a + 2 * PG);

  CHECK_OK(k_mprotect(a + PG, 2 * PG, RW));
  EXPECT_MAP(a, a, a + PG, NONE, KITE_VM_ANON);
  EXPECT_MAP(a + PG, a + PG, a + 3 * PG, RW, KITE_VM_ANON);
  EXPECT_MAP(a + 3 * PG, a + 3 * PG, a + 4 * PG, NONE, KITE_VM_ANON);
  EXPECT_BYTES(a + PG, 2 * PG, 0);
  fill(a + PG, 2 * PG, 'n');
  KILLED_READ(a);
  KILLED_READ(a + 3 * PG);
  query(__LINE__, a, &m);
  CHECK_EQ(m.resident, 0);
  CHECK_OK(k_munmap(a, 4 * PG));

  /* A large reservation costs no pages. */
  free_pages();
  f0 = free_pages();
  unsigned long big = MAP(0, 1UL << 30, NONE, PRIV | ANON);
  f1 = free_pages();
  if (f0 - f1 > IN_TEST_SLACK)
    fail(__LINE__, "reserving 1 GiB took %ld free pages", f0 - f1);
  KILLED_READ(big + (1UL << 29));
  CHECK_OK(k_munmap(big, 1UL << 30));
}

/* ------------------------------------------------------------------------ */
/* munmap                                                                    */

static void t_munmap_unaligned(void)
{
  const unsigned long a = AREA(14);

  MAP(a, 2 * PG, RW, PRIV | ANON | FIXED);
  fill(a, 2 * PG, 'u');
  CHECK_ERR(k_munmap(a + 1, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(a + PG / 2, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(a + PG - 1, 1), KITE_EINVAL);
  EXPECT_MAP(a, a, a + 2 * PG, RW, KITE_VM_ANON);
  EXPECT_BYTES(a, 2 * PG, 'u');
  CHECK_OK(k_munmap(a, 1));                    /* the length rounds up */
  EXPECT_FREE(a, 0, a + PG);
  EXPECT_MAP(a + PG, a + PG, a + 2 * PG, RW, KITE_VM_ANON);
  EXPECT_BYTES(a + PG, PG, 'u');
  CHECK_OK(k_munmap(a + PG, PG));
}

/* Unmapping the middle of a mapping splits it around a hole. */
static void t_munmap_split(void)
{
  const unsigned long a = AREA(15);
  struct kite_mapping m;

  MAP(a, 3 * PG, RW, PRIV | ANON | FIXED);
  fill(a, PG, 'a');
  fill(a + PG, PG, 'b');
  fill(a + 2 * PG, PG, 'c');
  CHECK_OK(k_munmap(a + PG, PG));
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  EXPECT_MAP(a + 2 * PG, a + 2 * PG, a + 3 * PG, RW, KITE_VM_ANON);
  EXPECT_FREE(a + PG, a + PG, a + 2 * PG);
  EXPECT_FREE(a + 2 * PG - 1, a + PG, a + 2 * PG);
  query(__LINE__, a, &m);
  CHECK_EQ(m.resident, 1);
  CHECK(m.flags & KITE_VMF_PRIVATE);
  query(__LINE__, a + 2 * PG, &m);
  CHECK_EQ(m.resident, 1);
  EXPECT_BYTES(a, PG, 'a');
  EXPECT_BYTES(a + 2 * PG, PG, 'c');
  KILLED_READ(a + PG);
  KILLED_WRITE(a + PG + 100);

  /* Mapping the hole again gives fresh zeroes, not the old page. */
  MAP(a + PG, PG, RW, PRIV | ANON | FIXED);
  EXPECT_BYTES(a + PG, PG, 0);
  EXPECT_BYTES(a, PG, 'a');
  EXPECT_BYTES(a + 2 * PG, PG, 'c');
  CHECK_OK(k_munmap(a, 3 * PG));
}

/* One munmap across several mappings and holes. */
static void t_munmap_multi(void)
{
  const unsigned long a = AREA(16);
  long n0 = CHECK_OK(k_mmaps(0, NULL, 0));

  MAP(a, 2 * PG, RW, PRIV | ANON | FIXED);
  MAP(a + 3 * PG, 2 * PG, RW, SHARED | ANON | FIXED);
  MAP(a + 6 * PG, 2 * PG, R, PRIV | ANON | FIXED);
  fill(a, 2 * PG, 'x');
  fill(a + 3 * PG, 2 * PG, 'y');
  CHECK_EQ(k_mmaps(0, NULL, 0), n0 + 3);

  CHECK_OK(k_munmap(a + PG, 6 * PG));
  EXPECT_MAP(a, a, a + PG, RW, KITE_VM_ANON);
  EXPECT_FREE(a + PG, a + PG, a + 7 * PG);
  EXPECT_FREE(a + 4 * PG, a + PG, a + 7 * PG);
  EXPECT_MAP(a + 7 * PG, a + 7 * PG, a + 8 * PG, R, KITE_VM_ANON);
  EXPECT_BYTES(a, PG, 'x');
  EXPECT_BYTES(a + 7 * PG, PG, 0);
  CHECK_EQ(k_mmaps(0, NULL, 0), n0 + 2);

  CHECK_OK(k_munmap(a + 20 * PG, 10 * PG));   /* all hole: fine */
  CHECK_OK(k_munmap(a - 4 * PG, 16 * PG));
  EXPECT_FREE(a, 0, 0);
  EXPECT_FREE(a + 7 * PG, 0, 0);
  CHECK_EQ(k_mmaps(0, NULL, 0), n0);
}

/* The heap, the stack and guard regions cannot be unmapped or replaced. */
static void t_munmap_special(void)
{
  struct kite_mapping heap, stack, guard;
  long n;

  SBRK(PG);
  find_type(__LINE__, KITE_VM_HEAP, &heap);
  find_type(__LINE__, KITE_VM_STACK, &stack);
  find_type(__LINE__, KITE_VM_GUARD, &guard);
  n = maps_of(__LINE__, 0, maps_a, MAXMAPS);

  CHECK_ERR(k_munmap(heap.start, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(heap.end - PG, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(stack.start, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(stack.end - PG, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(guard.start, PG), KITE_EINVAL);
  CHECK_ERR(k_munmap(guard.start, guard.end - guard.start + STACK_SIZE), KITE_EINVAL);
  CHECK_ERR(k_mmap(heap.start, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(stack.start, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(guard.start, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
  CHECK_ERR(k_mmap(guard.end - PG, 2 * PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);

  /* A range that covers a mapping and the guard: refused as a whole. */
  unsigned long b = MAP(guard.start - PG, PG, RW, PRIV | ANON | FIXED);
  fill(b, PG, 'g');
  CHECK_ERR(k_munmap(b, 2 * PG), KITE_EINVAL);
  CHECK_ERR(k_mmap(b, 2 * PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
  EXPECT_MAP(b, b, b + PG, RW, KITE_VM_ANON);
  EXPECT_BYTES(b, PG, 'g');
  CHECK_OK(k_munmap(b, PG));

  /* ... and one that covers a mapping and the heap. */
  unsigned long top = pg_up(heap.end);
  unsigned long c = MAP(top + 4 * PG, PG, RW, PRIV | ANON | FIXED);
  fill(c, PG, 'h');
  CHECK_ERR(k_munmap(heap.end - PG, c + PG - (heap.end - PG)), KITE_EINVAL);
  EXPECT_MAP(c, c, c + PG, RW, KITE_VM_ANON);
  EXPECT_BYTES(c, PG, 'h');
  CHECK_OK(k_munmap(c, PG));

  CHECK_EQ(maps_of(__LINE__, 0, maps_b, MAXMAPS), n);
  for (long i = 0; i < n; i++)
    if (!same_mapping(&maps_a[i], &maps_b[i]))
      fail(__LINE__, "mapping %ld at %#lx changed", i, (unsigned long)maps_a[i].start);
}

/*
 * Every address space reserves windows of kernel addresses (RAM from
 * 0x80000000 and the kernel stacks) as [kernel] mappings: listed, never
 * accessible, and never replaced, unmapped or reprotected.
 */
static void t_kernel_window(void)
{
  struct kite_mapping win[4], m;
  long n = maps_of(__LINE__, 0, maps_a, MAXMAPS);
  int nwin = 0;

  for (long i = 0; i < n && nwin < 4; i++)
    if (maps_a[i].type == KITE_VM_KERNEL)
      win[nwin++] = maps_a[i];
  CHECK(nwin >= 1);
  query(__LINE__, 0x80200000UL, &m);
  CHECK_EQ(m.type, KITE_VM_KERNEL);
  CHECK(m.start <= 0x80000000UL);
  for (int i = 0; i < nwin; i++) {
    unsigned long s0 = win[i].start, e0 = win[i].end;
    CHECK_EQ(win[i].prot, NONE);
    CHECK_EQ(win[i].resident, 0);
    CHECK_EQ(strcmp(win[i].name, "[kernel]"), 0);
    CHECK_ERR(k_mmap(s0, PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
    CHECK_ERR(k_mmap(e0 - PG, PG, R, SHARED | ANON | FIXED, -1, 0), KITE_EINVAL);
    CHECK_ERR(k_munmap(s0, PG), KITE_EINVAL);
    CHECK_ERR(k_munmap(s0, e0 - s0), KITE_EINVAL);
    CHECK_ERR(k_mprotect(s0, PG, R), KITE_EACCES);
    KILLED_READ(s0);
    KILLED_WRITE(e0 - 3 * PG);
    KILLED_CALL(s0 + PG);

    /* A fixed mapping reaching into the window from below: refused whole. */
    unsigned long b = MAP(s0 - PG, PG, RW, PRIV | ANON | FIXED);
    fill(b, PG, 'k');
    CHECK_ERR(k_mmap(b, 2 * PG, RW, PRIV | ANON | FIXED, -1, 0), KITE_EINVAL);
    CHECK_ERR(k_munmap(b, 2 * PG), KITE_EINVAL);
    EXPECT_BYTES(b, PG, 'k');
    CHECK_OK(k_munmap(b, PG));
    EXPECT_MAP(s0, s0, e0, NONE, KITE_VM_KERNEL);
  }
  /* Kernel addresses stay unreadable through system calls too. */
  CHECK_ERR(k_write(1, (void *)0x80200000UL, 8), KITE_EFAULT);
}

/* ------------------------------------------------------------------------ */
/* fork: copy-on-write, lazy pages, shared memory                            */

static int cow_data = 'D';          /* .data */
static char cow_bss[2 * 4096];      /* .bss */

/* One byte in each kind of private memory. */
struct cow_set {
  volatile char *p[5];
};

static const char *const cow_names[5] = { "heap", "data", "bss", "stack", "mmap" };

static void cow_fill(struct cow_set *s, char v)
{
  for (int i = 0; i < 5; i++)
    *s->p[i] = v;
}

static void cow_expect(int line, struct cow_set *s, char v, const char *who)
{
  for (int i = 0; i < 5; i++)
    if (*s->p[i] != v)
      fail(line, "%s sees %s byte %d, expected %d", who, cow_names[i], *s->p[i], v);
}

/*
 * Parent and child each write their own value into heap, data, bss, stack
 * and mmap'd private memory, and must never see the other's. first says
 * who writes first: the first writer gets the copy, the second may write
 * in place, and both orders must isolate.
 */
static void cow_round(int parent_first)
{
  volatile char stack_bytes[64];
  struct cow_set s;
  struct chan c;
  long pid;

  unsigned long heap = SBRK(PG);
  unsigned long anon = MAP(0, 4 * PG, RW, PRIV | ANON);
  s.p[0] = (volatile char *)heap;
  s.p[1] = (volatile char *)&cow_data;
  s.p[2] = (volatile char *)&cow_bss[PG + 7];
  s.p[3] = &stack_bytes[13];
  s.p[4] = (volatile char *)anon + PG;
  cow_fill(&s, 'A');
  ((volatile char *)anon)[0] = 'A';            /* pages 2 and 3 stay untouched */

  chan_open(__LINE__, &c);
  pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    if (parent_first) {
      CHAN_RECV(&c);
      cow_expect(__LINE__, &s, 'A', "child after the parent wrote");
      cow_fill(&s, 'C');
    } else {
      cow_fill(&s, 'C');
      chan_send(&c);
      CHAN_RECV(&c);
    }
    cow_expect(__LINE__, &s, 'C', "child");
    ((volatile char *)anon)[2 * PG] = 'C';     /* a lazy page, first touched here */
    chan_send(&c);
    CHAN_RECV(&c);
    CHECK_EQ(((volatile char *)anon)[3 * PG], 0);
    CHECK_EQ(((volatile char *)anon)[0], 'A');
    k_exit(0);
  }
  if (parent_first) {
    cow_fill(&s, 'P');
    chan_send(&c);
  } else {
    CHAN_RECV(&c);
    cow_expect(__LINE__, &s, 'A', "parent after the child wrote");
    cow_fill(&s, 'P');
    chan_send(&c);
  }
  CHAN_RECV(&c);
  cow_expect(__LINE__, &s, 'P', "parent");
  CHECK_EQ(((volatile char *)anon)[2 * PG], 0);
  ((volatile char *)anon)[3 * PG] = 'P';
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);
  cow_expect(__LINE__, &s, 'P', "parent after the child exited");
  CHECK_OK(k_munmap(anon, 4 * PG));
  SBRK(-(long)PG);
}

static void t_cow_parent_first(void) { cow_round(1); }
static void t_cow_child_first(void)  { cow_round(0); }

/* Untouched lazy pages stay lazy in the child. */
static void t_fork_lazy(void)
{
  struct kite_mapping m;
  struct chan c;
  long pid;

  unsigned long a = MAP(0, 32 * PG, RW, PRIV | ANON);
  ((volatile char *)a)[0] = 1;
  ((volatile char *)a)[5 * PG] = 2;
  query(__LINE__, a, &m);
  CHECK_EQ(m.resident, 2);
  unsigned long h = SBRK(64 * PG);
  struct kite_mapping heap0;
  query(__LINE__, h + 63 * PG, &heap0);

  chan_open(__LINE__, &c);
  pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    struct kite_mapping cm;
    query(__LINE__, a, &cm);
    if (cm.start != a || cm.end != a + 32 * PG || cm.prot != RW || cm.type != KITE_VM_ANON)
      fail(__LINE__, "child's mapping differs from the parent's");
    if (cm.resident > 2)
      fail(__LINE__, "child has %u resident pages of 2 touched", cm.resident);
    query(__LINE__, h + 63 * PG, &cm);
    if (cm.resident > heap0.resident)
      fail(__LINE__, "child's heap has %u resident pages, the parent's %u",
           cm.resident, heap0.resident);
    CHECK_EQ(((volatile char *)a)[0], 1);
    CHECK_EQ(((volatile char *)a)[5 * PG], 2);
    CHECK_EQ(((volatile char *)a)[9 * PG], 0);
    chan_send(&c);
    CHAN_RECV(&c);
    k_exit(0);
  }
  CHAN_RECV(&c);
  query(__LINE__, a, &m);
  CHECK_EQ(m.resident, 2);                     /* the child's touch is its own */
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);
  CHECK_OK(k_munmap(a, 32 * PG));
  SBRK(-64 * (long)PG);
}

/*
 * fork of a process with a large touched heap costs page tables, not
 * copies; writes after fork copy one page each; once the child is gone the
 * parent's pages are its own again.
 */
static void t_fork_cow_cost(void)
{
  const long n = ktest_quick() ? 512 : 2048;
  long f0, f1, f2, f3, f4, pid;
  struct chan c;

  unsigned long h = pg_up(SBRK(n * PG + PG));
  touch_pages(h, n * PG);
  chan_open(__LINE__, &c);
  free_pages();
  f0 = free_pages();
  pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    CHAN_RECV(&c);
    for (long i = 0; i < 16; i++)
      ((volatile char *)h)[i * (n / 16) * PG] = 'c';
    chan_send(&c);
    CHAN_RECV(&c);
    k_exit(0);
  }
  f1 = free_pages();
  if (f0 - f1 > n / 8)
    fail(__LINE__, "fork of a %ld-page heap took %ld pages", n, f0 - f1);
  chan_send(&c);
  CHAN_RECV(&c);
  f2 = free_pages();
  if (f1 - f2 < 16)
    fail(__LINE__, "child wrote 16 shared pages, but only %ld pages were taken", f1 - f2);
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);
  f3 = free_pages();
  touch_pages(h, n * PG);
  f4 = free_pages();
  if (f3 - f4 > IN_TEST_SLACK)
    fail(__LINE__, "writing my own pages after the child exited took %ld pages", f3 - f4);
  SBRK(-(n * (long)PG + (long)PG));
}

/* Shared anonymous memory is one memory for parent and child. */
static void t_shared_anon(void)
{
  struct kite_mapping m;
  struct chan c;
  long pid;

  unsigned long s = MAP(0, 3 * PG, RW, SHARED | ANON);
  query(__LINE__, s, &m);
  CHECK_EQ(m.type, KITE_VM_SHARED);
  CHECK(m.flags & KITE_VMF_SHARED);
  CHECK_EQ(m.flags & KITE_VMF_PRIVATE, 0);
  CHECK_EQ(m.prot, RW);
  EXPECT_BYTES(s, PG, 0);
  ((volatile char *)s)[0] = 'A';               /* pages 1 and 2 untouched before fork */

  chan_open(__LINE__, &c);
  pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    volatile char *p = (volatile char *)s;
    CHECK_EQ(p[0], 'A');
    p[0] = 'C';
    p[PG] = 'D';                               /* first touch, in the child */
    chan_send(&c);
    CHAN_RECV(&c);
    CHECK_EQ(p[2 * PG], 'P');
    CHECK_EQ(p[PG + 1], 'Q');
    k_exit(0);
  }
  CHAN_RECV(&c);
  CHECK_EQ(((volatile char *)s)[0], 'C');
  CHECK_EQ(((volatile char *)s)[PG], 'D');
  ((volatile char *)s)[2 * PG] = 'P';
  ((volatile char *)s)[PG + 1] = 'Q';
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);

  /*
   * The parent cuts the middle page out; its right piece still maps the
   * object at offset 2 pages. The child keeps all three pages, sees the
   * parent's writes, and keeps the memory after the parent has let go.
   */
  chan_open(__LINE__, &c);
  pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    volatile char *p = (volatile char *)s;
    CHAN_RECV(&c);
    CHECK_EQ(p[2 * PG + 5], 'Z');
    CHECK_EQ(p[PG], 'D');
    p[2 * PG + 6] = 'Y';
    chan_send(&c);
    CHAN_RECV(&c);
    CHECK_EQ(p[PG + 1], 'Q');
    CHECK_EQ(p[2 * PG + 5], 'Z');
    p[0] = 'L';
    k_exit(0);
  }
  CHECK_OK(k_munmap(s + PG, PG));
  query(__LINE__, s + 2 * PG, &m);
  CHECK_EQ(m.start, s + 2 * PG);
  CHECK_EQ(m.end, s + 3 * PG);
  CHECK_EQ(m.offset, 2 * PG);
  CHECK_EQ(m.type, KITE_VM_SHARED);
  EXPECT_FREE(s + PG, s + PG, s + 2 * PG);
  ((volatile char *)s)[2 * PG + 5] = 'Z';
  chan_send(&c);
  CHAN_RECV(&c);
  CHECK_EQ(((volatile char *)s)[2 * PG + 6], 'Y');
  CHECK_OK(k_munmap(s, 3 * PG));
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);
  KILLED_READ(s);
}

/* ------------------------------------------------------------------------ */
/* File mappings                                                             */

/* MAP_SHARED: writes reach the file when the mapping goes. */
static void t_file_shared(void)
{
  const long size = 2 * PG + 100;
  struct kite_stat st;
  struct kite_mapping m;
  long fd;

  MAKE_FILE("mt_shared", size, 2);
  fd = OPEN("mt_shared", O_RW);
  CHECK_OK(k_fstat(fd, &st));
  unsigned long a = FMAP(3 * PG, RW, SHARED, fd, 0);
  k_close(fd);                                 /* the mapping keeps the file */
  query(__LINE__, a, &m);
  CHECK_EQ(m.start, a);
  CHECK_EQ(m.end, a + 3 * PG);
  CHECK_EQ(m.type, KITE_VM_FILE);
  CHECK_EQ(m.prot, RW);
  CHECK(m.flags & KITE_VMF_SHARED);
  CHECK_EQ(m.offset, 0);
  CHECK_EQ(m.inum, st.st_ino);
  if (strstr(m.name, "mt_shared") == NULL)     /* the maps view names the file */
    fail(__LINE__, "file mapping named \"%.32s\"", m.name);
  EXPECT_MAPPED(a, 0, size, 2);
  EXPECT_BYTES(a + size, PG - 100, 0);         /* the rest of the last page */

  fill(a, 10, 'X');
  ((volatile char *)a)[PG + 5] = 'Y';
  ((volatile char *)a)[size - 1] = 'Z';
  CHECK_OK(k_munmap(a, 3 * PG));

  CHECK_EQ(READ_FILE("mt_shared"), size);      /* never grows the file */
  for (int i = 0; i < 10; i++)
    CHECK_EQ(fbuf[i], 'X');
  EXPECT_PATTERN(10, PG + 5, 2);
  CHECK_EQ(fbuf[PG + 5], 'Y');
  EXPECT_PATTERN(PG + 6, size - 1, 2);
  CHECK_EQ(fbuf[size - 1], 'Z');

  /* After fork, parent and child share the one mapping both ways. */
  fd = OPEN("mt_shared", O_RW);
  unsigned long b = FMAP(2 * PG, RW, SHARED, fd, 0);
  k_close(fd);
  struct chan c;
  chan_open(__LINE__, &c);
  long pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    CHECK_EQ(((volatile char *)b)[0], 'X');
    ((volatile char *)b)[1] = 'c';
    chan_send(&c);
    CHAN_RECV(&c);
    CHECK_EQ(((volatile char *)b)[PG], 'p');
    k_exit(0);
  }
  CHAN_RECV(&c);
  CHECK_EQ(((volatile char *)b)[1], 'c');
  ((volatile char *)b)[PG] = 'p';
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);
  CHECK_OK(k_munmap(b, 2 * PG));
  CHECK_EQ(READ_FILE("mt_shared"), size);
  CHECK_EQ(fbuf[1], 'c');
  CHECK_EQ(fbuf[PG], 'p');
  CHECK_OK(k_unlink("mt_shared"));
}

/*
 * Two shared mappings of one file: a write through one reaches the file
 * and is not undone when the other, never written, goes away later.
 */
static void t_file_shared_two_maps(void)
{
  const long size = 2 * PG;
  long fd;

  MAKE_FILE("mt_twice", size, 8);
  fd = OPEN("mt_twice", O_RW);
  unsigned long b = FMAP(size, RW, SHARED, fd, 0);
  unsigned long c = FMAP(size, R, SHARED, fd, 0);
  k_close(fd);
  EXPECT_MAPPED(c, 0, size, 8);
  ((volatile char *)b)[0] = 'V';
  ((volatile char *)b)[PG + 2] = 'W';
  CHECK_OK(k_munmap(b, size));
  CHECK_OK(k_munmap(c, size));
  CHECK_EQ(READ_FILE("mt_twice"), size);
  CHECK_EQ(fbuf[0], 'V');
  CHECK_EQ(fbuf[PG + 2], 'W');
  EXPECT_PATTERN(1, PG + 2, 8);

  /* The same with the unwritten mapping in a child that exits last. */
  fd = OPEN("mt_twice", O_RW);
  c = FMAP(size, R, SHARED, fd, 0);
  struct chan ch;
  chan_open(__LINE__, &ch);
  long pid = XFORK();
  chan_side(&ch, pid);
  if (pid == 0) {
    CHAN_RECV(&ch);
    k_exit(0);
  }
  k_close(fd);
  CHECK_OK(k_munmap(c, size));
  fd = OPEN("mt_twice", O_RW);
  b = FMAP(size, RW, SHARED, fd, 0);
  k_close(fd);
  ((volatile char *)b)[3] = 'T';
  CHECK_OK(k_munmap(b, size));
  chan_send(&ch);
  CHECK_EXIT(pid, 0);
  chan_close(&ch);
  CHECK_EQ(READ_FILE("mt_twice"), size);
  CHECK_EQ(fbuf[3], 'T');
  CHECK_EQ(fbuf[0], 'V');
  CHECK_OK(k_unlink("mt_twice"));
}

static void write_and_exit(unsigned long mode)
{
  long fd = OPEN("mt_exit", O_RW);
  unsigned long a = FMAP(2 * PG, RW, SHARED, fd, 0);
  k_close(fd);
  ((volatile char *)a)[0] = 'E';
  ((volatile char *)a)[PG + 1] = (char)('E' + mode);
  if (mode == 1)
    *(volatile char *)0 = 0;                   /* killed, not exited */
}

/* MAP_SHARED: writes reach the file when the process exits or is killed. */
static void t_file_shared_exit(void)
{
  const long size = 2 * PG;

  MAKE_FILE("mt_exit", size, 3);
  CHECK_EXIT(spawn(__LINE__, write_and_exit, 0), 0);
  CHECK_EQ(READ_FILE("mt_exit"), size);
  CHECK_EQ(fbuf[0], 'E');
  EXPECT_PATTERN(1, PG + 1, 3);
  CHECK_EQ(fbuf[PG + 1], 'E');
  EXPECT_PATTERN(PG + 2, size, 3);

  CHECK_EXIT(spawn(__LINE__, write_and_exit, 1), -1);
  CHECK_EQ(READ_FILE("mt_exit"), size);
  CHECK_EQ(fbuf[PG + 1], 'F');
  CHECK_OK(k_unlink("mt_exit"));
}

static void private_write_and_exit(unsigned long unused)
{
  long fd = OPEN("mt_private", O_RW);
  unsigned long a = FMAP(2 * PG, RW, PRIV, fd, 0);
  k_close(fd);
  fill(a, 2 * PG, 'Q');
  (void)unused;
}

/* MAP_PRIVATE: writes stay in the process; the file never sees them. */
static void t_file_private(void)
{
  const long size = 2 * PG;
  struct kite_mapping m;
  long fd;

  MAKE_FILE("mt_private", size, 4);
  fd = OPEN("mt_private", O_RD);               /* private + write: O_RDONLY is enough */
  unsigned long a = FMAP(size, RW, PRIV, fd, 0);
  unsigned long b = FMAP(size, R, PRIV, fd, 0);
  k_close(fd);
  query(__LINE__, a, &m);
  CHECK_EQ(m.type, KITE_VM_FILE);
  CHECK(m.flags & KITE_VMF_PRIVATE);
  CHECK_EQ(m.flags & KITE_VMF_SHARED, 0);
  EXPECT_MAPPED(a, 0, size, 4);
  fill(a, 8, 'P');
  ((volatile char *)a)[PG + 3] = 'P';
  EXPECT_BYTES(a, 8, 'P');
  EXPECT_MAPPED(b, 0, size, 4);                /* the other mapping: unchanged */

  /* A child inherits the private copy and cannot change the parent's. */
  long pid = XFORK();
  if (pid == 0) {
    EXPECT_BYTES(a, 8, 'P');
    fill(a, 8, 'K');
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
  EXPECT_BYTES(a, 8, 'P');
  CHECK_OK(k_munmap(a, size));
  CHECK_OK(k_munmap(b, size));
  CHECK_EQ(READ_FILE("mt_private"), size);
  EXPECT_PATTERN(0, size, 4);

  CHECK_EXIT(spawn(__LINE__, private_write_and_exit, 0), 0);
  CHECK_EQ(READ_FILE("mt_private"), size);
  EXPECT_PATTERN(0, size, 4);
  CHECK_OK(k_unlink("mt_private"));
}

/* Offsets into the file, and splits that must keep them. */
static void t_file_offset(void)
{
  const long size = 4 * PG;
  struct kite_mapping m;
  long fd;

  MAKE_FILE("mt_offset", size, 5);
  fd = OPEN("mt_offset", O_RW);
  unsigned long a = FMAP(2 * PG, R, PRIV, fd, PG);
  query(__LINE__, a, &m);
  CHECK_EQ(m.offset, PG);
  CHECK_EQ(m.end - m.start, 2 * PG);
  EXPECT_MAPPED(a, PG, 2 * PG, 5);
  CHECK_OK(k_munmap(a, 2 * PG));

  /* Shared at offset 2 pages: a write lands at file offset 2 pages + i. */
  unsigned long b = FMAP(PG, RW, SHARED, fd, 2 * PG);
  ((volatile char *)b)[5] = 'O';
  CHECK_OK(k_munmap(b, PG));

  /* Split by munmap: the right piece maps from offset 2 pages. */
  unsigned long c = FMAP(size, RW, SHARED, fd, 0);
  EXPECT_MAPPED(c + 3 * PG, 3 * PG, PG, 5);
  CHECK_OK(k_munmap(c + PG, PG));
  query(__LINE__, c + 2 * PG, &m);
  CHECK_EQ(m.start, c + 2 * PG);
  CHECK_EQ(m.offset, 2 * PG);
  CHECK_EQ(m.type, KITE_VM_FILE);
  CHECK_EQ(((volatile char *)c)[2 * PG + 5], 'O');
  ((volatile char *)c)[3 * PG + 1] = 'S';

  /* Split by mprotect: each piece keeps its offset. */
  CHECK_OK(k_mprotect(c + 2 * PG, PG, R));
  query(__LINE__, c + 2 * PG, &m);
  CHECK_EQ(m.offset, 2 * PG);
  CHECK_EQ(m.prot, R);
  query(__LINE__, c + 3 * PG, &m);
  CHECK_EQ(m.offset, 3 * PG);
  CHECK_EQ(m.prot, RW);
  CHECK_OK(k_munmap(c, size));
  k_close(fd);

  CHECK_EQ(READ_FILE("mt_offset"), size);
  EXPECT_PATTERN(0, 2 * PG + 5, 5);
  CHECK_EQ(fbuf[2 * PG + 5], 'O');
  EXPECT_PATTERN(2 * PG + 6, 3 * PG + 1, 5);
  CHECK_EQ(fbuf[3 * PG + 1], 'S');
  EXPECT_PATTERN(3 * PG + 2, size, 5);
  CHECK_OK(k_unlink("mt_offset"));
}

static void expect_zero_page(unsigned long a)
{
  for (unsigned long i = 0; i < PG; i++)
    if (((volatile char *)a)[i] != 0)
      k_exit(2);
}

/* A mapping that reaches past the end of the file reads zeroes there. */
static void t_file_eof(void)
{
  const long size = PG + 100;
  long fd;

  MAKE_FILE("mt_eof", size, 6);
  fd = OPEN("mt_eof", O_RW);
  unsigned long a = FMAP(3 * PG, R, PRIV, fd, 0);
  EXPECT_MAPPED(a, 0, size, 6);
  EXPECT_BYTES(a + size, PG - 100, 0);
  CHECK_EXIT(spawn(__LINE__, expect_zero_page, a + 2 * PG), 0);   /* wholly past EOF */
  CHECK_OK(k_munmap(a, 3 * PG));

  /* A shared write past EOF does not make the file longer. */
  unsigned long b = FMAP(2 * PG, RW, SHARED, fd, 0);
  ((volatile char *)b)[size + 50] = 'L';
  ((volatile char *)b)[size - 1] = 'l';
  CHECK_OK(k_munmap(b, 2 * PG));
  k_close(fd);
  CHECK_EQ(READ_FILE("mt_eof"), size);
  EXPECT_PATTERN(0, size - 1, 6);
  CHECK_EQ(fbuf[size - 1], 'l');

  /* An offset at the end of the file: all zeroes. */
  fd = OPEN("mt_eof", O_RD);
  unsigned long c = FMAP(PG, R, PRIV, fd, 2 * PG);
  CHECK_EXIT(spawn(__LINE__, expect_zero_page, c), 0);
  CHECK_OK(k_munmap(c, PG));
  k_close(fd);
  CHECK_OK(k_unlink("mt_eof"));
}

/* File descriptors that cannot be mapped, or not that way. */
static void t_file_errors(void)
{
  long n0 = CHECK_OK(k_mmaps(0, NULL, 0)), fd;
  int p[2];

  k_close(12);
  CHECK_ERR(k_mmap(0, PG, R, PRIV, 12, 0), KITE_EBADF);
  CHECK_ERR(k_mmap(0, PG, R, PRIV, -1, 0), KITE_EBADF);
  CHECK_ERR(k_mmap(0, PG, R, SHARED, 99, 0), KITE_EBADF);

  MAKE_FILE("mt_modes", PG, 7);
  fd = OPEN("mt_modes", O_WR);
  CHECK_ERR(k_mmap(0, PG, R, PRIV, fd, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, PG, RW, SHARED, fd, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, PG, W, SHARED, fd, 0), KITE_EACCES);
  k_close(fd);
  fd = OPEN("mt_modes", O_RD);
  CHECK_ERR(k_mmap(0, PG, RW, SHARED, fd, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, PG, R | W | X, PRIV, fd, 0), KITE_EACCES);
  CHECK_EQ(k_mmaps(0, NULL, 0), n0);
  unsigned long a = FMAP(PG, R, SHARED, fd, 0);    /* read-only shared: fine */
  CHECK_OK(k_munmap(a, PG));
  k_close(fd);

  /* Not regular files: a directory, a pipe. */
  fd = OPEN("/", O_RD);
  CHECK_ERR(k_mmap(0, PG, R, PRIV, fd, 0), KITE_EACCES);
  k_close(fd);
  CHECK_OK(k_pipe(p));
  CHECK_ERR(k_mmap(0, PG, R, PRIV, p[0], 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, PG, R, SHARED, p[0], 0), KITE_EACCES);
  k_close(p[0]);
  k_close(p[1]);

  /* With MAP_ANONYMOUS the descriptor is ignored. */
  a = MAP(0, PG, RW, PRIV | ANON);
  CHECK_OK(k_munmap(a, PG));
  long r = CHECK_OK(k_mmap(0, PG, RW, PRIV | ANON, 12, 0));
  CHECK_OK(k_munmap(r, PG));
  CHECK_EQ(k_mmaps(0, NULL, 0), n0);
  CHECK_OK(k_unlink("mt_modes"));
}

/* Code mapped from a file runs; code written into writable memory does not. */
static void t_file_exec(void)
{
  static const unsigned int code[] = {
    0x02a00513,   /* li   a0, 42 */
    0x00008067,   /* ret */
  };
  long fd = k_open("mt_code", O_NEW);

  CHECK_OK(fd);
  CHECK_EQ(k_write(fd, code, sizeof code), sizeof code);
  k_close(fd);
  fd = OPEN("mt_code", O_RD);
  unsigned long f = FMAP(PG, R | X, PRIV, fd, 0);
  k_close(fd);
  EXPECT_MAP(f, f, f + PG, R | X, KITE_VM_FILE);
  CHECK_EQ(((int (*)(void))f)(), 42);
  CHECK_ERR(k_mprotect(f, PG, R | W | X), KITE_EACCES);
  CHECK_OK(k_munmap(f, PG));

  unsigned long a = MAP(0, PG, RW, PRIV | ANON);
  memcpy((void *)a, code, sizeof code);
  KILLED_CALL(a);
  CHECK_OK(k_munmap(a, PG));
  CHECK_OK(k_unlink("mt_code"));
}

/* ------------------------------------------------------------------------ */
/* brk and sbrk                                                              */

/* Growing is lazy; touching takes pages; shrinking gives them back. */
static void t_brk_lazy(void)
{
  const long n = 256;
  struct kite_mapping m;
  long f0, f1, f2, f3;

  unsigned long b0 = SBRK(0);
  free_pages();
  f0 = free_pages();
  CHECK_EQ(k_sbrk(n * PG), b0);
  f1 = free_pages();
  if (f0 - f1 > IN_TEST_SLACK)
    fail(__LINE__, "growing the heap by %ld pages took %ld free pages", n, f0 - f1);
  query(__LINE__, b0 + n * PG - 1, &m);
  CHECK_EQ(m.type, KITE_VM_HEAP);
  CHECK_EQ(m.end, pg_up(b0 + n * PG));
  if (m.resident > 2)
    fail(__LINE__, "heap has %u resident pages before any touch", m.resident);

  touch_pages(pg_up(b0), n * PG);
  f2 = free_pages();
  if (f1 - f2 < n)
    fail(__LINE__, "touching %ld heap pages took only %ld free pages", n, f1 - f2);
  CHECK_EQ(k_sbrk(-n * (long)PG), b0 + n * PG);
  f3 = free_pages();
  if (f0 - f3 > IN_TEST_SLACK)
    fail(__LINE__, "%ld free pages before growing, %ld after shrinking", f0, f3);
  query(__LINE__, b0 - 1, &m);
  CHECK_EQ(m.end, pg_up(b0));

  /* The same through brk: exact breaks, not only page multiples. */
  CHECK_EQ(k_brk(b0 + 3 * PG + 17), b0 + 3 * PG + 17);
  CHECK_EQ(k_sbrk(0), b0 + 3 * PG + 17);
  EXPECT_BYTES(pg_up(b0), 3 * PG, 0);          /* regrown memory is fresh */
  CHECK_EQ(k_brk(b0), b0);
  CHECK_EQ(k_sbrk(0), b0);
}

static void shrink_then_touch(unsigned long how)
{
  unsigned long b0 = SBRK(0), top = pg_up(b0);
  SBRK(8 * PG);
  touch_pages(top, 8 * PG);
  if (how == 0) {
    SBRK(-8 * (long)PG);
    *(volatile char *)(top + 3 * PG) = 1;
  } else {
    k_brk(b0);
    (void)*(volatile char *)top;
  }
}

/* Memory given back by shrinking the break is gone: touching it kills. */
static void t_brk_shrink_kill(void)
{
  CHECK_EXIT(spawn(__LINE__, shrink_then_touch, 0), -1);
  CHECK_EXIT(spawn(__LINE__, shrink_then_touch, 1), -1);
}

/* Impossible breaks: brk answers the old break, sbrk ENOMEM. */
static void t_brk_limits(void)
{
  unsigned long b0 = SBRK(0), top = pg_up(b0);
  struct kite_mapping stack;

  find_type(__LINE__, KITE_VM_STACK, &stack);
  CHECK_EQ(k_brk(1UL << 40), b0);
  CHECK_EQ(k_brk(1UL << 38), b0);
  CHECK_EQ(k_brk(USER_TOP), b0);
  CHECK_EQ(k_brk(stack.start + PG), b0);
  CHECK_EQ(k_brk(~0UL), b0);
  CHECK_EQ(k_brk(0x1000), b0);
  CHECK_EQ(k_brk(0), b0);
  CHECK_EQ(k_sbrk(0), b0);

  CHECK_ERR(k_sbrk(KITE_HEAP_MAX + PG), KITE_ENOMEM);
  CHECK_ERR(k_sbrk(1L << 37), KITE_ENOMEM);
  CHECK_ERR(k_sbrk(1L << 40), KITE_ENOMEM);
  CHECK_ERR(k_sbrk(1L << 62), KITE_ENOMEM);
  CHECK_ERR(k_sbrk(0x7ffffffffffff000L), KITE_ENOMEM);
  CHECK_EQ(k_sbrk(0), b0);

  /* The C library's view of the same. */
  errno = 0;
  CHECK(sbrk(KITE_HEAP_MAX + PG) == (void *)-1 && errno == ENOMEM);
  CHECK_ERRNO(brk((void *)(1UL << 40)), ENOMEM);
  CHECK((unsigned long)sbrk(0) == b0);

  /* The heap cannot grow into a mapping above it. */
  unsigned long m = MAP(top + 4 * PG, PG, R, PRIV | ANON | FIXED);
  CHECK_ERR(k_sbrk(8 * PG), KITE_ENOMEM);
  CHECK_EQ(k_sbrk(0), b0);
  CHECK_EQ(k_brk(top + 8 * PG), b0);
  EXPECT_MAP(m, m, m + PG, R, KITE_VM_ANON);
  CHECK_EQ(k_sbrk(2 * PG), b0);                /* growing short of it is fine */
  CHECK_EQ(k_sbrk(-2 * (long)PG), b0 + 2 * PG);
  CHECK_OK(k_munmap(m, PG));
  CHECK_EQ(k_sbrk(0), b0);
}

/* ------------------------------------------------------------------------ */
/* sbrk's type: eager growth, lazy growth, bad types                         */

static long k_sbrk_type(long n, long type) { return KSYS2(SYS_sbrk, n, type); }

/* Pages of the mapping that holds a, resident in the page table. */
static long resident_at(int line, unsigned long a)
{
  struct kite_mapping m;
  query(line, a, &m);
  return m.resident;
}

/* Put the break on a page boundary (lazily); returns it. */
static unsigned long brk_to_page(int line)
{
  unsigned long b = sbrk_ok(line, 0);
  if (b != pg_up(b))
    sbrk_ok(line, (long)(pg_up(b) - b));
  return pg_up(b);
}

/* A touched heap page below a page-aligned break, so that the heap's
 * resident pages can be counted at the break; *resident gets their number.
 * Returns the break. */
static unsigned long heap_to_count(int line, long *resident)
{
  unsigned long top = brk_to_page(line);
  CHECK_EQ(k_sbrk_type(PG, KITE_SBRK_LAZY), top);
  touch_pages(top, PG);
  *resident = resident_at(line, top);
  return top + PG;
}

/* Eager growth backs every new page at once, zeroed; shrinking frees
 * them whatever the type. */
static void t_sbrk_eager(void)
{
  const long n = 64;
  long r0, f0, f1;
  unsigned long top = heap_to_count(__LINE__, &r0);

  free_pages();
  f0 = free_pages();
  CHECK_EQ(k_sbrk_type(n * PG, KITE_SBRK_EAGER), top);
  f1 = free_pages();
  CHECK_EQ(k_sbrk(0), top + n * PG);
  CHECK_EQ(resident_at(__LINE__, top), r0 + n);
  if (f0 - f1 < n)
    fail(__LINE__, "eager growth by %ld pages took only %ld free pages", n, f0 - f1);
  EXPECT_BYTES(top, n * PG, 0);
  fill(top, n * PG, 'e');                        /* no faults: the pages are there */
  if (f1 - free_pages() > IN_TEST_SLACK)
    fail(__LINE__, "writing eagerly grown pages took %ld more free pages", f1 - free_pages());
  EXPECT_BYTES(top + (n - 1) * PG, PG, 'e');

  /* Shrinking frees pages whatever the type. */
  CHECK_EQ(k_sbrk_type(-(n / 2) * (long)PG, KITE_SBRK_EAGER), top + n * PG);
  CHECK_EQ(resident_at(__LINE__, top), r0 + n / 2);
  CHECK_EQ(k_sbrk_type(-(n / 2) * (long)PG, KITE_SBRK_LAZY), top + n / 2 * PG);
  CHECK_EQ(resident_at(__LINE__, top - 1), r0);
  if (f0 - free_pages() > IN_TEST_SLACK)
    fail(__LINE__, "%ld free pages before growing, %ld after shrinking", f0, free_pages());

  /* Regrown memory is fresh. */
  CHECK_EQ(k_sbrk_type(2 * PG, KITE_SBRK_EAGER), top);
  EXPECT_BYTES(top, 2 * PG, 0);
  /* An unaligned break: the page holding it is already the heap's; only
   * the pages past it are new, and backed. */
  CHECK_EQ(k_sbrk_type(100, KITE_SBRK_LAZY), top + 2 * PG);
  CHECK_EQ(k_sbrk_type(PG, KITE_SBRK_EAGER), top + 2 * PG + 100);
  CHECK_EQ(resident_at(__LINE__, top), r0 + 3);
  EXPECT_BYTES(top + 3 * PG, PG - 100, 0);
  CHECK_EQ(k_sbrk_type(-(3 * (long)PG + 100), KITE_SBRK_LAZY), top + 3 * PG + 100);
  CHECK_EQ(k_sbrk(0), top);
  CHECK_EQ(resident_at(__LINE__, top - 1), r0);
}

/* A lazy sbrk allocates nothing until touched, even when large. */
static void t_sbrk_lazy_type(void)
{
  const long n = 4096;
  long r0, f0, f1;
  unsigned long top = heap_to_count(__LINE__, &r0);

  free_pages();
  f0 = free_pages();
  CHECK_EQ(k_sbrk_type(n * PG, KITE_SBRK_LAZY), top);
  f1 = free_pages();
  if (f0 - f1 > IN_TEST_SLACK)
    fail(__LINE__, "a lazy sbrk of %ld pages took %ld free pages", n, f0 - f1);
  struct kite_mapping m;
  query(__LINE__, top + n * PG - 1, &m);
  CHECK_EQ(m.type, KITE_VM_HEAP);
  CHECK_EQ(m.prot, RW);
  CHECK_EQ(m.end, top + n * PG);
  CHECK_EQ(resident_at(__LINE__, top), r0);
  touch_pages(top + 7 * PG, PG);
  CHECK_EQ(resident_at(__LINE__, top), r0 + 1);
  /* The C library's sbrk is the lazy one. */
  CHECK((unsigned long)sbrk((long)n * PG) == top + n * PG);
  CHECK_EQ(resident_at(__LINE__, top), r0 + 1);
  if (f0 - free_pages() > IN_TEST_SLACK + 1)
    fail(__LINE__, "sbrk() of %ld more pages: %ld free pages gone", n, f0 - free_pages());
  CHECK_EQ(k_sbrk(-2 * n * (long)PG), top + 2 * n * PG);
}

/* Only KITE_SBRK_EAGER and KITE_SBRK_LAZY are types: any other is EINVAL,
 * checked before anything else, and changes nothing. */
static void t_sbrk_type_invalid(void)
{
  static const long types[] = { 0, 3, 4, -1, -2, 0x100000001L, 0x100000002L, 1L << 62,
                                (long)(1UL << 63) };
  static const long incrs[] = { 0, 1, (long)PG, -(long)PG, 1L << 40, -(1L << 40) };
  unsigned long b0 = SBRK(0);
  long f0 = free_pages();

  for (unsigned i = 0; i < sizeof types / sizeof types[0]; i++)
    for (unsigned j = 0; j < sizeof incrs / sizeof incrs[0]; j++) {
      long r = k_sbrk_type(incrs[j], types[i]);
      if (r != -KITE_EINVAL)
        fail(__LINE__, "sbrk(%ld, type %#lx) = %s, expected EINVAL", incrs[j], types[i],
             errname(r));
    }
  CHECK_EQ(k_sbrk(0), b0);
  if (f0 - free_pages() > IN_TEST_SLACK)
    fail(__LINE__, "bad sbrk types took %ld free pages", f0 - free_pages());
}

/*
 * A heap that mprotect has cut into pieces still moves as one: shrinking
 * removes everything past the new break, across pieces, and growing works
 * afterwards, giving read-write memory even above a read-only piece.
 */
static void t_brk_split_heap(void)
{
  unsigned long top = brk_to_page(__LINE__);
  struct kite_mapping m;
  long f0;

  free_pages();
  f0 = free_pages();
  /* Three pages, the middle one read-only; shrink to the end of the first. */
  CHECK_EQ(k_sbrk(3 * PG), top);
  fill(top, 3 * PG, 's');
  CHECK_OK(k_mprotect(top + PG, PG, R));
  EXPECT_MAP(top + PG, top + PG, top + 2 * PG, R, KITE_VM_HEAP);
  CHECK_EQ(k_brk(top + PG), top + PG);
  CHECK_EQ(k_sbrk(0), top + PG);
  query(__LINE__, top + PG, &m);
  if (m.type != KITE_VM_FREE || m.start != top + PG)
    fail(__LINE__, "after shrinking to %#lx, %#lx is still %s [%#lx, %#lx)", top + PG, top + PG,
         type_text(m.type), (unsigned long)m.start, (unsigned long)m.end);
  query(__LINE__, top + 2 * PG, &m);
  CHECK_EQ(m.type, KITE_VM_FREE);
  query(__LINE__, top, &m);
  CHECK_EQ(m.type, KITE_VM_HEAP);
  CHECK_EQ(m.end, top + PG);
  unsigned long heap_start = m.start;
  KILLED_READ(top + PG);
  KILLED_READ(top + 2 * PG);
  EXPECT_BYTES(top, PG, 's');

  /* Growth works again, read-write, and the memory is fresh. */
  CHECK_EQ(k_sbrk(2 * PG), top + PG);
  EXPECT_MAP(top + 2 * PG, heap_start, top + 3 * PG, RW, KITE_VM_HEAP);
  EXPECT_BYTES(top + PG, 2 * PG, 0);
  fill(top + PG, 2 * PG, 'g');

  /* Above a read-only top piece, growth starts a read-write piece. */
  CHECK_OK(k_mprotect(top + 2 * PG, PG, R));
  CHECK_EQ(k_sbrk(2 * PG), top + 3 * PG);
  EXPECT_MAP(top + 3 * PG, top + 3 * PG, top + 5 * PG, RW, KITE_VM_HEAP);
  EXPECT_MAP(top + 2 * PG, top + 2 * PG, top + 3 * PG, R, KITE_VM_HEAP);
  fill(top + 3 * PG, 2 * PG, 'h');
  KILLED_WRITE(top + 2 * PG);
  EXPECT_BYTES(top + 2 * PG, PG, 'g');
  CHECK_EQ(k_sbrk(2 * PG), top + 5 * PG);          /* extends the new piece */
  EXPECT_MAP(top + 6 * PG, top + 3 * PG, top + 7 * PG, RW, KITE_VM_HEAP);

  /* Shrinking into the middle of a piece, then through all of them. */
  CHECK_OK(k_mprotect(top + 4 * PG, PG, R));
  CHECK_EQ(k_sbrk(-(long)PG - 100), top + 7 * PG);
  query(__LINE__, top + 6 * PG, &m);
  CHECK_EQ(m.type, KITE_VM_FREE);
  EXPECT_MAP(top + 5 * PG, top + 5 * PG, top + 6 * PG, RW, KITE_VM_HEAP);
  CHECK_EQ(k_brk(top), top);
  query(__LINE__, top, &m);
  CHECK_EQ(m.type, KITE_VM_FREE);
  CHECK_EQ(k_sbrk(PG), top);
  EXPECT_BYTES(top, PG, 0);
  CHECK_EQ(k_sbrk(-(long)PG), top + PG);
  if (f0 - free_pages() > IN_TEST_SLACK)
    fail(__LINE__, "%ld free pages before, %ld after", f0, free_pages());
}

/* Waits for a byte on a pipe (fds: read end | write end << 8), then shows
 * it can still get memory and fork. */
static void oom_bystander(unsigned long fds)
{
  char c;
  k_close((long)(fds >> 8));
  CHECK_EQ(k_read((long)(fds & 0xff), &c, 1), 1);
  unsigned long a = SBRK(16 * PG);
  touch_pages(pg_up(a), 15 * PG);
  long pid = XFORK();
  if (pid == 0)
    k_exit(0);
  CHECK_EXIT(pid, 0);
}

static __attribute__((noinline)) void prefault_stack(unsigned long bytes)
{
  volatile char below[8 * 4096];
  for (unsigned long i = 0; i < bytes && i < sizeof below; i += 512)
    below[i] = 0;
}

/*
 * Eager growth until memory runs out, the way xv6's tests count free
 * memory: each call either backs all its pages or fails with ENOMEM and
 * changes nothing. Nobody is killed (the grower carries on, a process
 * that was waiting carries on), and shrinking gives the pages back; the
 * page-table pages the heap needed stay with the process until it exits
 * (the runner checks that every page is back after the test).
 */
static void t_sbrk_eager_oom(void)
{
  const long chunk = 64;
  unsigned long top = brk_to_page(__LINE__), brk;
  long f0, f1, n = 0, r;
  int p[2];

  CHECK_OK(k_pipe(p));
  long bystander = spawn(__LINE__, oom_bystander, (unsigned long)(p[0] | p[1] << 8));
  /* Once memory is full, a first write to a page we share copy-on-write
   * with the bystander (errno, the stack) would kill us: copy them now. */
  errno = 0;
  prefault_stack(8 * PG);
  free_pages();
  f0 = free_pages();

  /* More than there is, in one call: fails at once, nothing left over. */
  CHECK_ERR(k_sbrk_type((f0 + 64) * (long)PG, KITE_SBRK_EAGER), KITE_ENOMEM);
  CHECK_EQ(k_sbrk(0), top);
  f1 = free_pages();
  if (f0 - f1 > IN_TEST_SLACK)
    fail(__LINE__, "a failed eager sbrk kept %ld pages", f0 - f1);

  /* Fill memory: big steps, then page by page. */
  for (long step = chunk; step >= 1; step = step == chunk ? 1 : 0) {
    while ((r = k_sbrk_type(step * (long)PG, KITE_SBRK_EAGER)) >= 0) {
      CHECK_EQ(r, top + n * PG);
      n += step;
      if (n > f0)
        fail(__LINE__, "eager sbrk backed %ld pages with %ld free", n, f0);
    }
    CHECK_EQ(r, -KITE_ENOMEM);
    CHECK_EQ(k_sbrk(0), top + n * PG);
  }
  brk = top + n * PG;
  if (n < f0 - f0 / 256 - IN_TEST_SLACK)
    fail(__LINE__, "eager sbrk stopped at %ld pages with %ld free at the start", n, f0);
  CHECK_ERRNO((long)kite_sbrk_eager(PG), ENOMEM);
  CHECK_EQ(k_sbrk(0), brk);
  /* The pages are there: no fault needs memory. */
  CHECK_EQ(((volatile char *)top)[0], 0);
  CHECK_EQ(((volatile char *)brk)[-1], 0);
  ((volatile char *)top)[0] = 1;
  ((volatile char *)brk)[-1] = 1;
  CHECK_EQ(resident_at(__LINE__, brk - 1) >= n, 1);

  /* Shrinking gives them back (bar the page-table pages). */
  CHECK_EQ(k_sbrk_type(-n * (long)PG, KITE_SBRK_EAGER), brk);
  CHECK_EQ(k_sbrk(0), top);
  f1 = free_pages();
  if (f0 - f1 > n / 512 + 4 + IN_TEST_SLACK)
    fail(__LINE__, "%ld free pages before filling memory, %ld after giving %ld back", f0, f1, n);

  /* The bystander was not harmed and can work now. */
  CHECK_EQ(k_write(p[1], "g", 1), 1);
  CHECK_EXIT(bystander, 0);
  k_close(p[0]);
  k_close(p[1]);
}

/* Takes all free memory but `keep` pages, says so on fds (read end | write
 * end << 8, the pipe it also waits on), waits, gives it back. */
static void memory_hog(unsigned long fds)
{
  long rfd = (long)(fds & 0xff), wfd = (long)(fds >> 8);
  unsigned long top = brk_to_page(__LINE__);
  long n = 0, step;
  char c;

  errno = 0;
  prefault_stack(8 * PG);
  for (step = 64; step >= 1; step = step == 64 ? 1 : 0)
    while (k_sbrk_type(step * (long)PG, KITE_SBRK_EAGER) >= 0)
      n += step;
  CHECK_EQ(k_sbrk_type(-8 * (long)PG, KITE_SBRK_LAZY), top + n * PG);
  CHECK_EQ(k_write(wfd, "r", 1), 1);
  CHECK_EQ(k_read(rfd, &c, 1), 1);                   /* the test's "done" */
}

/*
 * Eager growth that gets its pages but not a page-table page: the break
 * sits one page below a 2 MiB boundary the heap never reached, so the
 * page above needs a new page-table page, and a hog has left exactly as
 * many free pages as the call asks for. The call must fail with ENOMEM
 * and undo the page it had mapped below the boundary.
 */
static void t_sbrk_eager_undo(void)
{
  const unsigned long two_mib = 2UL << 20;
  unsigned long top = brk_to_page(__LINE__);
  unsigned long edge = (top + 2 * two_mib) & ~(two_mib - 1);
  long f, r0, hog;
  int p[2];

  CHECK_EQ(k_sbrk_type((long)(edge - PG - top), KITE_SBRK_LAZY), top);
  touch_pages(edge - 2 * PG, PG);                    /* the page table below edge */
  r0 = resident_at(__LINE__, edge - 2 * PG);
  CHECK_OK(k_pipe(p));
  hog = spawn(__LINE__, memory_hog, (unsigned long)(p[0] | p[1] << 8));
  errno = 0;
  prefault_stack(8 * PG);
  char c;
  CHECK_EQ(k_read(p[0], &c, 1), 1);
  f = free_pages();
  if (f < 2 || f > 64)
    fail(__LINE__, "the hog left %ld free pages, expected a few", f);
  CHECK_ERR(k_sbrk_type(f * (long)PG, KITE_SBRK_EAGER), KITE_ENOMEM);
  CHECK_EQ(k_sbrk(0), edge - PG);
  CHECK_EQ(free_pages(), f);
  CHECK_EQ(resident_at(__LINE__, edge - 2 * PG), r0);  /* the page below edge went */
  CHECK_EQ(k_sbrk_type(PG, KITE_SBRK_EAGER), edge - PG);    /* no new table: fine */
  CHECK_EQ(resident_at(__LINE__, edge - 2 * PG), r0 + 1);
  CHECK_EQ(k_write(p[1], "d", 1), 1);
  CHECK_EXIT(hog, 0);
  k_close(p[0]);
  k_close(p[1]);
  CHECK_EQ(k_sbrk(-(long)(edge - top)), edge);
}

/* ------------------------------------------------------------------------ */
/* The kernel's memory checker (debug kernels)                               */

static long k_memcheck(long op, unsigned long addr) { return KSYS2(SYS_memcheck, op, addr); }

#define SEEN_BOTH (KITE_MEMCHECK_SEEN_WHOLE | KITE_MEMCHECK_SEEN_NEAR)

/*
 * Damage planted on purpose is seen by both the whole check and the check
 * that runs after a change there; afterwards everything is sound again. A
 * kernel built without the checks must say ENOSYS to every operation.
 */
static void t_checker_catches(void)
{
  unsigned long counts[KITE_MEMCHECK_NCOUNTS];
  long r = k_memcheck(KITE_MEMCHECK_NOW, 0);

  if (r == -KITE_ENOSYS) {
    for (long op = 0; op <= KITE_MEMCHECK_COUNTS + 1; op++)
      CHECK_ERR(k_memcheck(op, (unsigned long)counts), KITE_ENOSYS);
    printf("(a kernel without debug checks: nothing more to test) ");
    return;
  }
  CHECK_EQ(r, 0);
  unsigned long ro = MAP(0, 2 * PG, R, PRIV | ANON);
  CHECK_EQ(((volatile char *)ro)[0], 0);             /* resident, read-only */
  CHECK_EQ(k_memcheck(KITE_MEMCHECK_BREAK_PTE, ro), SEEN_BOTH);
  CHECK_EQ(k_memcheck(KITE_MEMCHECK_NOW, 0), 0);
  KILLED_WRITE(ro);                                  /* put right, not left writable */
  CHECK_EQ(k_memcheck(KITE_MEMCHECK_STRAY_PTE, AREA(23)), SEEN_BOTH);
  EXPECT_FREE(AREA(23), 0, 0);
  KILLED_READ(AREA(23));
  CHECK_EQ(k_memcheck(KITE_MEMCHECK_BREAK_BRK, 0), SEEN_BOTH);
  CHECK_EQ(k_memcheck(KITE_MEMCHECK_NOW, 0), 0);

  /* Operations on what is not there to damage change nothing. */
  unsigned long rw = MAP(0, PG, RW, PRIV | ANON);
  ((volatile char *)rw)[0] = 1;
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_BREAK_PTE, rw), KITE_EINVAL);      /* writable */
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_BREAK_PTE, ro + PG), KITE_EINVAL); /* not resident */
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_BREAK_PTE, AREA(23)), KITE_EINVAL);
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_STRAY_PTE, ro), KITE_EINVAL);      /* mapped */
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_STRAY_PTE, 0x80000000UL), KITE_EINVAL);
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_STRAY_PTE, USER_TOP), KITE_EINVAL);
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_STRAY_PTE, 0), KITE_EINVAL);
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_COUNTS + 1, 0), KITE_EINVAL);
  CHECK_ERR(k_memcheck(-1, 0), KITE_EINVAL);
  CHECK_ERR(k_memcheck(KITE_MEMCHECK_COUNTS, 8), KITE_EFAULT);
  CHECK_EQ(k_memcheck(KITE_MEMCHECK_NOW, 0), 0);
  CHECK_OK(k_munmap(ro, 2 * PG));
  CHECK_OK(k_munmap(rw, PG));
}

/*
 * Every change is checked near what it touched, and whole checks run now
 * and then, costing no more than the contract in <kite/syscall.h> allows:
 * KITE_MEMCHECK_RATIO times the work of the changes, plus the pages the
 * process gained, plus one whole check. Counted, not timed.
 */
static void t_checker_amortised(void)
{
  const long steps = ktest_quick() ? 1500 : 6000;
  unsigned long c0[KITE_MEMCHECK_NCOUNTS], c1[KITE_MEMCHECK_NCOUNTS];
  unsigned long top = brk_to_page(__LINE__);
  long r = k_memcheck(KITE_MEMCHECK_COUNTS, (unsigned long)c0);

  if (r == -KITE_ENOSYS) {
    printf("(a kernel without debug checks: nothing to count) ");
    return;
  }
  CHECK_EQ(r, 0);
  for (long i = 0; i < steps; i++) {
    CHECK_EQ(k_sbrk(PG), top + i * PG);
    ((volatile char *)top)[i * PG] = 1;
  }
  CHECK_EQ(k_memcheck(KITE_MEMCHECK_COUNTS, (unsigned long)c1), 0);
  unsigned long changes = c1[KITE_MEMCHECK_C_CHANGES] - c0[KITE_MEMCHECK_C_CHANGES];
  unsigned long wholes = c1[KITE_MEMCHECK_C_WHOLES] - c0[KITE_MEMCHECK_C_WHOLES];
  unsigned long change_work = c1[KITE_MEMCHECK_C_CHANGE_WORK] - c0[KITE_MEMCHECK_C_CHANGE_WORK];
  unsigned long whole_work = c1[KITE_MEMCHECK_C_WHOLE_WORK] - c0[KITE_MEMCHECK_C_WHOLE_WORK];
  unsigned long allowed = KITE_MEMCHECK_RATIO * change_work +
                          KITE_MEMCHECK_PAGE_UNITS * (steps + 1) + c0[KITE_MEMCHECK_C_LAST_WHOLE];
  if (changes != (unsigned long)steps)
    fail(__LINE__, "%ld changes, %lu checked", steps, changes);
  if (wholes < 2)
    fail(__LINE__, "%ld changes and only %lu whole checks", steps, wholes);
  if (whole_work > allowed)
    fail(__LINE__, "whole checks cost %lu units after changes of %lu units (%lu allowed)",
         whole_work, change_work, allowed);
  /* The near checks stay small, a few pages' worth each: no O(size). */
  if (change_work > (unsigned long)steps * 4 * KITE_MEMCHECK_PAGE_UNITS)
    fail(__LINE__, "%lu units of near checks for %ld one-page changes", change_work, steps);
  CHECK_EQ(k_sbrk(-steps * (long)PG), top + steps * PG);
  CHECK_EQ(k_memcheck(KITE_MEMCHECK_NOW, 0), 0);
}

/* ------------------------------------------------------------------------ */
/* Limits                                                                    */

/*
 * Map one-page mappings with gaps (so that none can merge) until the
 * kernel says ENOMEM, near KITE_MAX_MAPPINGS. MAP_FIXED may stop a mapping
 * or two early (it may have to split what it replaces); mappings Kite
 * places itself then fill the list to the limit. Untouched, they cost no
 * pages, only list nodes, which must all come back.
 */
static void t_map_limit(void)
{
  const unsigned long base = AREA(20);
  long n0 = CHECK_OK(k_mmaps(0, NULL, 0)), n = 0, extra = 0, r;
  unsigned long placed[4];

  for (;;) {
    r = k_mmap(base + 2 * n * PG, PG, R, PRIV | ANON | FIXED, -1, 0);
    if (r == -KITE_ENOMEM)
      break;
    if (r != (long)(base + 2 * n * PG))
      fail(__LINE__, "mmap number %ld = %s", n, errname(r));
    if (++n > KITE_MAX_MAPPINGS)
      fail(__LINE__, "%ld mappings, more than KITE_MAX_MAPPINGS", n0 + n);
  }
  while ((r = k_mmap(0, PG, RW, PRIV | ANON, -1, 0)) != -KITE_ENOMEM) {
    if (is_err(r) || extra == 4)
      fail(__LINE__, "at %ld mappings: mmap = %s", n0 + n + extra, errname(r));
    placed[extra++] = (unsigned long)r;
  }
  if (n0 + n + extra != KITE_MAX_MAPPINGS)
    fail(__LINE__, "ENOMEM at %ld mappings (%ld fixed, %ld placed), limit %d",
         n0 + n + extra, n, extra, KITE_MAX_MAPPINGS);
  CHECK_EQ(k_mmaps(0, NULL, 0), n0 + n + extra);
  CHECK_ERR(k_mmap(0, PG, R, PRIV | ANON, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(0, PG, RW, SHARED | ANON, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(base + 2 * n * PG, PG, R, PRIV | ANON | FIXED, -1, 0), KITE_ENOMEM);

  /* Everything is still there and still works. */
  EXPECT_MAP(base + 2 * (n - 1) * PG, base + 2 * (n - 1) * PG, base + (2 * n - 1) * PG, R,
             KITE_VM_ANON);
  CHECK_EQ(((volatile char *)base)[100], 0);
  for (long i = 0; i < extra; i++) {
    ((volatile char *)placed[i])[0] = 1;
    CHECK_OK(k_munmap(placed[i], PG));
  }
  /* One munmap across all of them. */
  CHECK_OK(k_munmap(base, 2 * n * PG));
  CHECK_EQ(k_mmaps(0, NULL, 0), n0);
  EXPECT_FREE(base + n * PG, 0, 0);
  unsigned long a = MAP(0, PG, RW, PRIV | ANON);
  CHECK_OK(k_munmap(a, PG));
}

/* Touching more memory than exists kills the toucher, and only it. */
static void t_oom_mmap(void)
{
  const unsigned long len = 1UL << 30;
  struct kite_sysinfo si;
  long pid, got = 0, pages = 0;
  int p[2];

  CHECK_OK(k_sysinfo(&si));
  CHECK(len / PG > si.total_pages);
  CHECK_OK(k_pipe(p));
  pid = XFORK();
  if (pid == 0) {
    unsigned long a = MAP(0, len, RW, PRIV | ANON);
    k_close(p[0]);
    for (unsigned long off = 0; off < len; off += 64 * PG) {
      for (unsigned long i = 0; i < 64 * PG; i += PG)
        ((volatile char *)a)[off + i] = 1;
      pages += 64;
      k_write(p[1], &pages, sizeof pages);
    }
    k_exit(0);                                 /* should never get here */
  }
  k_close(p[1]);
  while (k_read(p[0], &got, sizeof got) == (long)sizeof got)
    pages = got;
  k_close(p[0]);
  int st = wait_for(__LINE__, pid);
  if (st != -1)
    fail(__LINE__, "child touching 1 GiB %s, expected to be killed", status_text(st));
  if (pages < (long)si.free_pages / 2)
    fail(__LINE__, "child was killed after touching only %ld pages", pages);
  /* Kite goes on. */
  pid = XFORK();
  if (pid == 0)
    k_exit(0);
  CHECK_EXIT(pid, 0);
}

/* ------------------------------------------------------------------------ */
/* The stack and its guard                                                   */

static int recurse(int depth)
{
  volatile char frame[1024];

  frame[0] = (char)depth;
  frame[1023] = 1;
  if (depth > 1000000)
    return 0;
  return recurse(depth + 1) + frame[0] + frame[1023];
}

static void overflow(unsigned long unused)
{
  (void)unused;
  recurse(0);
}

/* Touching the guard kills the toucher only. */
static void t_guard_hit(void)
{
  static volatile int still_here;
  struct kite_mapping guard;

  find_type(__LINE__, KITE_VM_GUARD, &guard);
  still_here = 1;
  KILLED_WRITE(guard.start);
  KILLED_READ(guard.end - 1);
  KILLED_WRITE(guard.start + (guard.end - guard.start) / 2);
  KILLED_CALL(guard.start);
  CHECK_EXIT(spawn(__LINE__, overflow, 0), -1);
  CHECK_EQ(still_here, 1);
  EXPECT_MAP(guard.start, guard.start, guard.end, NONE, KITE_VM_GUARD);
  CHECK_EQ(guard.resident, 0);
}

static __attribute__((noinline)) void use_stack(unsigned long bytes)
{
  volatile char big[KITE_USTACK_PAGES * 4096 * 3 / 4];

  for (long i = (long)sizeof big - 1; i >= 0 && (unsigned long)(sizeof big - i) <= bytes; i -= PG)
    big[i] = 1;
  big[0] = 1;
}

/* The whole stack mapping is usable, page by page downwards. */
static void t_stack_use(void)
{
  struct kite_mapping before, after;
  char here;

  query(__LINE__, (unsigned long)&here, &before);
  long pid = XFORK();
  if (pid == 0) {
    use_stack(STACK_SIZE * 3 / 4);
    query(__LINE__, (unsigned long)&here, &after);
    if (after.resident < KITE_USTACK_PAGES * 3 / 4)
      fail(__LINE__, "stack has %u resident pages after using 3/4 of it", after.resident);
    CHECK_EQ(after.start, before.start);      /* the stack never moves */
    CHECK_EQ(after.end, before.end);
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
}

/* ------------------------------------------------------------------------ */
/* exec                                                                      */

static int exec_marker = 0x1234;

/* Try to exec path; must fail with want (0: any error), leaving us intact. */
static void exec_fails(int line, const char *path, long want)
{
  char *argv[] = { (char *)path, "x", NULL };
  long n = maps_of(line, 0, maps_a, MAXMAPS), r, n2;

  r = k_exec(path, argv);
  if (!is_err(r) || (want && r != -want))
    fail(line, "exec %s = %s, expected %s", path, errname(r), want ? errname(-want) : "an error");
  n2 = maps_of(line, 0, maps_b, MAXMAPS);
  if (n2 != n)
    fail(line, "exec %s failed, but I now have %ld mappings, not %ld", path, n2, n);
  for (long i = 0; i < n; i++)
    if (!same_mapping(&maps_a[i], &maps_b[i]))
      fail(line, "exec %s failed, but mapping %ld at %#lx changed", path, i,
           (unsigned long)maps_a[i].start);
  if (exec_marker != 0x1234)
    fail(line, "exec %s failed, but my data changed", path);
}

static void exec_truncated(unsigned long unused)
{
  (void)unused;
  exec_fails(__LINE__, "mt_trunc", 0);
}

/* A failed exec returns to a caller whose memory is exactly as it was. */
static void t_exec_fail(void)
{
  static const char script[] = "#!/bin/sh\necho this is not an ELF file\n";
  long fd, n;

  unsigned long a = MAP(0, 2 * PG, RW, PRIV | ANON);
  fill(a, PG, 'e');
  unsigned long heap = SBRK(PG);
  ((volatile char *)heap)[0] = 'h';

  exec_fails(__LINE__, "/mt_nonexistent", KITE_ENOENT);

  fd = k_open("mt_notelf", O_NEW);
  CHECK_OK(fd);
  CHECK_EQ(k_write(fd, script, sizeof script - 1), sizeof script - 1);
  k_close(fd);
  exec_fails(__LINE__, "mt_notelf", KITE_ENOEXEC);

  /* An ELF file whose segments lie past its end: the loader gets part way. */
  fd = OPEN(SELF, O_RD);
  n = k_read(fd, fbuf, 3000);
  k_close(fd);
  CHECK_EQ(n, 3000);
  CHECK(fbuf[0] == 0x7f && fbuf[1] == 'E' && fbuf[2] == 'L' && fbuf[3] == 'F');
  fd = k_open("mt_trunc", O_NEW);
  CHECK_OK(fd);
  CHECK_EQ(k_write(fd, fbuf, n), n);
  k_close(fd);
  CHECK_EXIT(spawn(__LINE__, exec_truncated, 0), 0);
  exec_fails(__LINE__, "mt_trunc", 0);

  EXPECT_BYTES(a, PG, 'e');
  CHECK_EQ(((volatile char *)heap)[0], 'h');
  CHECK_OK(k_unlink("mt_notelf"));
  CHECK_OK(k_unlink("mt_trunc"));
  CHECK_OK(k_munmap(a, 2 * PG));
  SBRK(-(long)PG);
}

/* ------------------------------------------------------------------------ */
/* System calls on mapped memory                                             */

static void t_syscall_io(void)
{
  static const char msg[] = "through the kernel";
  char got[32];
  int p[2];
  long pid;

  CHECK_OK(k_pipe(p));
  /* Into lazy pages, across a page boundary: the kernel faults them in. */
  unsigned long a = MAP(0, 4 * PG, RW, PRIV | ANON);
  CHECK_EQ(k_write(p[1], msg, sizeof msg), sizeof msg);
  CHECK_EQ(k_read(p[0], (void *)(a + PG - 5), sizeof msg), sizeof msg);
  CHECK_EQ(memcmp((void *)(a + PG - 5), msg, sizeof msg), 0);
  /* Out of lazy pages never touched: zeroes. */
  CHECK_EQ(k_write(p[1], (void *)(a + 3 * PG), 16), 16);
  memset(got, 1, sizeof got);
  CHECK_EQ(k_read(p[0], got, 16), 16);
  EXPECT_BYTES(got, 16, 0);

  /* PROT_NONE and read-only memory: EFAULT, and nothing is lost. */
  unsigned long none = MAP(0, PG, NONE, PRIV | ANON);
  unsigned long ro = MAP(0, PG, R, PRIV | ANON);
  CHECK_ERR(k_write(p[1], (void *)none, 10), KITE_EFAULT);
  CHECK_EQ(k_write(p[1], "abc", 3), 3);
  CHECK_ERR(k_read(p[0], (void *)ro, 3), KITE_EFAULT);
  CHECK_ERR(k_read(p[0], (void *)none, 3), KITE_EFAULT);
  CHECK_EQ(k_read(p[0], got, 3), 3);
  CHECK_EQ(memcmp(got, "abc", 3), 0);

  /* Into a copy-on-write page in a child: the parent's copy is untouched. */
  ((volatile char *)a)[0] = 'p';
  pid = XFORK();
  if (pid == 0) {
    CHECK_EQ(k_write(p[1], "kid", 3), 3);
    CHECK_EQ(k_read(p[0], (void *)a, 3), 3);
    CHECK_EQ(memcmp((void *)a, "kid", 3), 0);
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_EQ(((volatile char *)a)[0], 'p');
  k_close(p[0]);
  k_close(p[1]);
  CHECK_OK(k_munmap(a, 4 * PG));
  CHECK_OK(k_munmap(none, PG));
  CHECK_OK(k_munmap(ro, PG));
}

/* ------------------------------------------------------------------------ */
/* The C library                                                             */

_Static_assert(MAP_ANON == MAP_ANONYMOUS, "MAP_ANON");
_Static_assert(PROT_READ == KITE_PROT_READ && PROT_WRITE == KITE_PROT_WRITE &&
               PROT_EXEC == KITE_PROT_EXEC && PROT_NONE == KITE_PROT_NONE, "PROT_*");
_Static_assert(MAP_SHARED == KITE_MAP_SHARED && MAP_PRIVATE == KITE_MAP_PRIVATE &&
               MAP_FIXED == KITE_MAP_FIXED && MAP_ANONYMOUS == KITE_MAP_ANONYMOUS, "MAP_*");

/* <sys/mman.h> and kite_mquery/kite_mmaps: -1 (MAP_FAILED) and errno. */
static void t_libc_mman(void)
{
  struct kite_mapping m;
  char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);

  CHECK(p != MAP_FAILED);
  p[0] = 'l';
  p[PG] = 'm';
  CHECK_EQ(kite_mquery(p, &m), 0);
  CHECK_EQ(m.start, (unsigned long)p);
  CHECK_EQ(m.end, (unsigned long)p + 2 * PG);
  CHECK_EQ(m.resident, 2);
  CHECK(kite_mmaps(0, NULL, 0) >= 5);
  CHECK_EQ(mprotect(p, PG, PROT_READ), 0);
  CHECK_EQ(p[0], 'l');
  CHECK_ERRNO(mprotect(p, PG, PROT_WRITE | PROT_EXEC), EACCES);
  CHECK_ERRNO(mprotect(p + 1, PG, PROT_READ), EINVAL);
  CHECK_ERRNO(mprotect((void *)AREA(22), PG, PROT_READ), ENOMEM);     /* a hole */
  CHECK_ERRNO(munmap(p + 1, PG), EINVAL);
  CHECK_ERRNO(munmap(p, 0), EINVAL);
  CHECK_EQ(munmap(p, 2 * PG), 0);

  errno = 0;
  CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0) == MAP_FAILED && errno == EINVAL);
  errno = 0;
  CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0) == MAP_FAILED && errno == EBADF);
  errno = 0;
  CHECK(mmap(NULL, PG, PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANON, -1, 0) == MAP_FAILED &&
        errno == EACCES);
  errno = 0;
  CHECK(mmap(NULL, ~(size_t)0, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0) == MAP_FAILED &&
        errno == ENOMEM);
  CHECK_ERRNO(kite_mquery(p, (struct kite_mapping *)8), EFAULT);
  CHECK_ERRNO(kite_mmaps(99999, NULL, 0), ESRCH);

  /* A fixed mapping comes back exactly where it was asked for. */
  void *f = mmap((void *)AREA(21), PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(f == (void *)AREA(21));
  CHECK_EQ(kite_mquery(f, &m), 0);
  CHECK_EQ(m.type, KITE_VM_SHARED);
  CHECK_EQ(munmap(f, PG), 0);
}

/* ------------------------------------------------------------------------ */
/* Reliability: a hart sent back to the boot entry, what a file's open mode  */
/* allows, W^X per shared object, and failed calls that change nothing.      */

static long k_hartreenter(long hart) { return KSYS1(SYS_hartreenter, hart); }
static long k_lseek(long fd, long off, long whence) { return KSYS3(SYS_lseek, fd, off, whence); }

#define MAX_HARTS 16                 /* above Kite's NCPU: the rest say ENODEV */

/* Send every hart back through the cold-boot entry; returns how many came back. */
static int reenter_all(int line)
{
  long got[MAX_HARTS];
  int harts = 0, back = 0;

  for (int h = 0; h < MAX_HARTS; h++) {
    got[h] = k_hartreenter(h);
    harts += got[h] != -KITE_ENODEV;
    back += got[h] == 0;
  }
  for (int h = 0; h < MAX_HARTS; h++) {
    if (got[h] == 0 || got[h] == -KITE_ENODEV)
      continue;
    if (got[h] == -KITE_EBUSY && harts == 1)
      continue;                        /* the only hart cannot stop */
    fail(line, "hartreenter(%d) = %s with %d harts", h, errname(got[h]), harts);
  }
  return back;
}

static void count_to(unsigned long n)
{
  volatile unsigned long i = 0;
  while (i < n)
    i++;
}

/*
 * OpenSBI 1.1 may send a hart Kite starts to the cold-boot entry, with
 * the device tree in a1, while Kite runs. SYS_hartreenter does exactly
 * that to each hart in turn: each must join the running kernel (not boot
 * it again), and the device tree the firmware hands over must still be
 * intact, although this test has written to nearly every free page.
 */
static void t_boot_reenter(void)
{
  long free0 = free_pages();
  long n = free0 - free0 / 256 - 128;        /* leave room for page tables */
  CHECK(n > 1000);
  unsigned long a = MAP(0, n * PG, RW, PRIV | ANON);
  for (long i = 0; i < n; i++)
    *(volatile unsigned long *)(a + i * PG) = 0x5eed0000UL + i;

  int back = reenter_all(__LINE__);
  CHECK_EQ(reenter_all(__LINE__), back);     /* and again */
  for (long i = 0; i < n; i += 97)
    CHECK_EQ(*(volatile unsigned long *)(a + i * PG), 0x5eed0000UL + i);
  CHECK_OK(k_munmap(a, n * PG));

  /* Every hart schedules again: more busy children than harts finish. */
  long pids[8];
  for (int i = 0; i < 8; i++) {
    pids[i] = XFORK();
    if (pids[i] == 0) {
      count_to(2000000);
      k_exit(0);
    }
  }
  for (int i = 0; i < 8; i++)
    CHECK_EXIT(pids[i], 0);
}

/* MAP_SHARED at a fixed address; the call must succeed. */
static unsigned long fmap_at(int line, unsigned long addr, unsigned long len, long prot, long fd,
                             long off)
{
  long r = k_mmap(addr, len, prot, SHARED | FIXED, fd, off);
  if (r != (long)addr)
    fail(line, "mmap(%#lx, %#lx, prot %ld, MAP_SHARED|MAP_FIXED, fd %ld) = %s", addr, len,
         prot, fd, errname(r));
  return addr;
}
#define FMAP_AT(a, len, prot, fd, off) fmap_at(__LINE__, (a), (len), (prot), (fd), (off))

/*
 * A shared mapping of a file not open for writing can never be made
 * writable (Linux's VM_MAYWRITE); a private one can (copy-on-write).
 * mmap itself wants the file open for writing for MAP_SHARED + PROT_WRITE
 * and open for reading for any mapping.
 */
static void t_mprotect_open_mode(void)
{
  const long size = 2 * PG;
  const unsigned long a = AREA(40);
  long fd, pid;

  MAKE_FILE("mt_rdonly", size, 11);
  fd = OPEN("mt_rdonly", O_RD);
  CHECK_ERR(k_mmap(0, size, RW, SHARED, fd, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, size, W, SHARED, fd, 0), KITE_EACCES);
  FMAP_AT(a, size, R, fd, 0);
  CHECK_ERR(k_mprotect(a, size, RW), KITE_EACCES);
  CHECK_ERR(k_mprotect(a, PG, RW), KITE_EACCES);
  CHECK_ERR(k_mprotect(a + PG, PG, W), KITE_EACCES);
  EXPECT_MAP(a, a, a + size, R, KITE_VM_FILE);     /* not even split */
  KILLED_WRITE(a + 5);

  /* Other changes are fine; split and merged again, it still remembers. */
  CHECK_OK(k_mprotect(a, PG, NONE));
  CHECK_OK(k_mprotect(a, PG, R));
  EXPECT_MAP(a, a, a + size, R, KITE_VM_FILE);
  CHECK_ERR(k_mprotect(a, size, RW), KITE_EACCES);
  k_close(fd);                                      /* the mode at mmap time counts */
  CHECK_ERR(k_mprotect(a, size, RW), KITE_EACCES);
  pid = XFORK();
  if (pid == 0) {                                   /* inherited with the mapping */
    CHECK_ERR(k_mprotect(a, size, RW), KITE_EACCES);
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);

  /* A range that also covers memory that may be writable: nothing changes. */
  MAP(a + size, PG, R, PRIV | ANON | FIXED);
  CHECK_ERR(k_mprotect(a, size + PG, RW), KITE_EACCES);
  EXPECT_MAP(a, a, a + size, R, KITE_VM_FILE);
  EXPECT_MAP(a + size, a + size, a + size + PG, R, KITE_VM_ANON);
  CHECK_OK(k_munmap(a, size + PG));

  /* Opened for writing too: the same mapping may become writable. */
  fd = OPEN("mt_rdonly", O_RW);
  FMAP_AT(a, size, R, fd, 0);
  CHECK_OK(k_mprotect(a, size, RW));
  ((volatile char *)a)[3] = 'w';
  CHECK_OK(k_munmap(a, size));
  k_close(fd);

  /* Private, read-only file: writable by copy-on-write; the file never sees it. */
  fd = OPEN("mt_rdonly", O_RD);
  unsigned long p = FMAP(size, R, PRIV, fd, 0);
  CHECK_OK(k_mprotect(p, size, RW));
  ((volatile char *)p)[PG + 4] = 'p';
  CHECK_OK(k_munmap(p, size));
  k_close(fd);

  /* Write-only: nothing can be mapped at all. */
  fd = OPEN("mt_rdonly", O_WR);
  CHECK_ERR(k_mmap(0, size, R, SHARED, fd, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, size, R, PRIV, fd, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, size, NONE, SHARED, fd, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, size, W, SHARED, fd, 0), KITE_EACCES);
  k_close(fd);

  CHECK_EQ(READ_FILE("mt_rdonly"), size);
  EXPECT_PATTERN(0, 3, 11);
  CHECK_EQ(fbuf[3], 'w');
  EXPECT_PATTERN(4, size, 11);
  CHECK_OK(k_unlink("mt_rdonly"));
}

/*
 * W^X per shared object in one process: a file's pages may not be
 * writable through one view and executable through another, by mmap or by
 * mprotect, in either order. MAP_PRIVATE mappings are snapshots and do
 * not count.
 */
static void t_wx_object(void)
{
  const unsigned long a = AREA(41);
  long fd, fd2;

  MAKE_FILE("mt_wxobj", PG, 12);
  fd = OPEN("mt_wxobj", O_RW);
  unsigned long w = FMAP(PG, RW, SHARED, fd, 0);
  CHECK_ERR(k_mmap(0, PG, R | X, SHARED, fd, 0), KITE_EACCES);
  CHECK_ERR(k_mmap(0, PG, X, SHARED, fd, 0), KITE_EACCES);
  unsigned long r = FMAP(PG, R, SHARED, fd, 0);
  CHECK_ERR(k_mprotect(r, PG, R | X), KITE_EACCES);
  EXPECT_MAP(r, r, r + PG, R, KITE_VM_FILE);
  unsigned long p = FMAP(PG, R | X, PRIV, fd, 0);      /* a snapshot: fine */
  CHECK_OK(k_munmap(p, PG));

  /* Nobody may write any more: exec is fine, and then writing is not. */
  CHECK_OK(k_mprotect(w, PG, R));
  CHECK_OK(k_mprotect(r, PG, R | X));
  CHECK_ERR(k_mprotect(w, PG, RW), KITE_EACCES);
  CHECK_ERR(k_mmap(0, PG, RW, SHARED, fd, 0), KITE_EACCES);
  EXPECT_MAP(w, w, w + PG, R, KITE_VM_FILE);
  CHECK_OK(k_munmap(r, PG));
  CHECK_OK(k_mprotect(w, PG, RW));                     /* the exec view is gone */

  /* MAP_FIXED over the only writable view replaces it: no conflict left. */
  FMAP_AT(w, PG, R | X, fd, 0);
  EXPECT_MAP(w, w, w + PG, R | X, KITE_VM_FILE);
  CHECK_ERR(k_mmap(0, PG, RW, SHARED, fd, 0), KITE_EACCES);
  CHECK_OK(k_munmap(w, PG));

  /* Views are counted through splits and merges, and none is left over. */
  FMAP_AT(a, 3 * PG, R | X, fd, 0);
  CHECK_ERR(k_mmap(0, PG, RW, SHARED, fd, 0), KITE_EACCES);
  CHECK_OK(k_mprotect(a + PG, PG, R));                 /* three views */
  CHECK_ERR(k_mmap(0, PG, RW, SHARED, fd, 0), KITE_EACCES);
  CHECK_OK(k_mprotect(a + PG, PG, R | X));             /* merged back into one */
  EXPECT_MAP(a, a, a + 3 * PG, R | X, KITE_VM_FILE);
  CHECK_OK(k_munmap(a + PG, PG));                      /* two */
  CHECK_OK(k_mprotect(a, PG, R));
  CHECK_ERR(k_mmap(0, PG, RW, SHARED, fd, 0), KITE_EACCES);   /* one is left */
  CHECK_OK(k_munmap(a, 3 * PG));
  w = FMAP(PG, RW, SHARED, fd, 0);                     /* none is */
  CHECK_OK(k_munmap(w, PG));
  FMAP_AT(a, 3 * PG, R, fd, 0);                        /* the same with writers */
  CHECK_OK(k_mprotect(a + PG, PG, RW));
  CHECK_ERR(k_mmap(0, PG, R | X, SHARED, fd, 0), KITE_EACCES);
  CHECK_OK(k_mprotect(a + PG, PG, R));
  unsigned long x = FMAP(PG, R | X, SHARED, fd, 0);
  CHECK_OK(k_munmap(x, PG));
  CHECK_OK(k_munmap(a, 3 * PG));

  /* One mprotect over views of two files, one of which may not: neither changes. */
  MAKE_FILE("mt_wxobj2", PG, 13);
  fd2 = OPEN("mt_wxobj2", O_RW);
  FMAP_AT(a, PG, R, fd, 0);
  FMAP_AT(a + PG, PG, R, fd2, 0);
  x = FMAP(PG, R | X, SHARED, fd2, 0);
  CHECK_ERR(k_mprotect(a, 2 * PG, RW), KITE_EACCES);
  EXPECT_MAP(a, a, a + PG, R, KITE_VM_FILE);
  EXPECT_MAP(a + PG, a + PG, a + 2 * PG, R, KITE_VM_FILE);
  p = FMAP(PG, R | X, SHARED, fd, 0);                 /* the first file gained no writer */
  CHECK_OK(k_munmap(p, PG));
  CHECK_OK(k_munmap(x, PG));
  CHECK_OK(k_mprotect(a, 2 * PG, RW));
  CHECK_OK(k_munmap(a, 2 * PG));
  k_close(fd);
  k_close(fd2);
  CHECK_OK(k_unlink("mt_wxobj"));
  CHECK_OK(k_unlink("mt_wxobj2"));
}

/* W^X per object across two processes that map one file each on its own. */
static void t_wx_object_procs(void)
{
  struct chan c;
  long fd, pid;

  MAKE_FILE("mt_wxproc", PG, 14);
  chan_open(__LINE__, &c);
  pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    fd = OPEN("mt_wxproc", O_RW);
    CHAN_RECV(&c);                                     /* the parent writes */
    CHECK_ERR(k_mmap(0, PG, R | X, SHARED, fd, 0), KITE_EACCES);
    unsigned long r = FMAP(PG, R, SHARED, fd, 0);
    CHECK_ERR(k_mprotect(r, PG, R | X), KITE_EACCES);
    chan_send(&c);
    CHAN_RECV(&c);                                     /* the parent stopped */
    CHECK_OK(k_mprotect(r, PG, R | X));
    chan_send(&c);
    CHAN_RECV(&c);
    k_exit(0);                                         /* its view goes with it */
  }
  fd = OPEN("mt_wxproc", O_RW);
  unsigned long w = FMAP(PG, RW, SHARED, fd, 0);
  chan_send(&c);
  CHAN_RECV(&c);
  CHECK_OK(k_munmap(w, PG));
  chan_send(&c);
  CHAN_RECV(&c);                                       /* the child executes */
  CHECK_ERR(k_mmap(0, PG, RW, SHARED, fd, 0), KITE_EACCES);
  unsigned long r = FMAP(PG, R, SHARED, fd, 0);
  CHECK_ERR(k_mprotect(r, PG, RW), KITE_EACCES);
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);
  CHECK_OK(k_mprotect(r, PG, RW));
  CHECK_OK(k_munmap(r, PG));
  k_close(fd);
  CHECK_OK(k_unlink("mt_wxproc"));
}

/*
 * W^X per object between a parent and a child that inherited the view.
 * A file's object may be executable once nobody writes it; an anonymous
 * object that was ever writable never is.
 */
static void t_wx_object_fork(void)
{
  struct chan c;
  long fd, pid;

  MAKE_FILE("mt_wxfork", PG, 15);
  fd = OPEN("mt_wxfork", O_RW);
  unsigned long a = FMAP(PG, R, SHARED, fd, 0);
  k_close(fd);
  chan_open(__LINE__, &c);
  pid = XFORK();
  chan_side(&c, pid);
  if (pid == 0) {
    CHECK_OK(k_mprotect(a, PG, RW));
    chan_send(&c);
    CHAN_RECV(&c);
    CHECK_OK(k_mprotect(a, PG, R));
    chan_send(&c);
    CHAN_RECV(&c);                                     /* the parent executes */
    CHECK_ERR(k_mprotect(a, PG, RW), KITE_EACCES);
    k_exit(0);
  }
  CHAN_RECV(&c);
  CHECK_ERR(k_mprotect(a, PG, R | X), KITE_EACCES);   /* the child writes */
  chan_send(&c);
  CHAN_RECV(&c);
  CHECK_OK(k_mprotect(a, PG, R | X));
  chan_send(&c);
  CHECK_EXIT(pid, 0);
  chan_close(&c);
  CHECK_OK(k_munmap(a, PG));
  CHECK_OK(k_unlink("mt_wxfork"));

  /* Anonymous, written by the child only: never executable afterwards. */
  unsigned long s = MAP(0, PG, R, SHARED | ANON);
  pid = XFORK();
  if (pid == 0) {
    CHECK_OK(k_mprotect(s, PG, RW));
    ((volatile char *)s)[0] = 'c';
    CHECK_OK(k_mprotect(s, PG, R));
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_EQ(((volatile char *)s)[0], 'c');
  CHECK_ERR(k_mprotect(s, PG, R | X), KITE_EACCES);
  CHECK_OK(k_munmap(s, PG));

  /* Executable in the parent first: the child may not make it writable. */
  unsigned long t = MAP(0, PG, R, SHARED | ANON);
  CHECK_OK(k_mprotect(t, PG, R | X));
  pid = XFORK();
  if (pid == 0) {
    CHECK_OK(k_mprotect(t, PG, R));
    CHECK_ERR(k_mprotect(t, PG, RW), KITE_EACCES);
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_OK(k_munmap(t, PG));
}

/*
 * A failed mmap of a file leaves the file's shared object as it was: no
 * pages read into it (that stay allocated while another mapping keeps the
 * object), and no stale copy of file bytes that a later mapping would see.
 */
static void t_mmap_fail_keeps_object(void)
{
  const long n = 256;
  struct kite_mapping stack;
  long fd, before, lost;

  MAKE_FILE("mt_failmap", 4 * PG, 16);
  fd = OPEN("mt_failmap", O_RW);
  unsigned long keep = FMAP(PG, RW, SHARED, fd, 0);    /* keeps the object alive */
  find_type(__LINE__, KITE_VM_STACK, &stack);
  before = free_pages();
  CHECK_ERR(k_mmap(stack.end - n * PG, n * PG, R, SHARED | FIXED, fd, PG), KITE_EINVAL);
  lost = before - free_pages();
  if (lost > IN_TEST_SLACK)
    fail(__LINE__, "%ld pages gone after a failed mmap of %ld pages", lost, n);
  CHECK_ERR(k_mmap(0, n * PG, R | X, SHARED, fd, PG), KITE_EACCES);   /* W^X */
  lost = before - free_pages();
  if (lost > IN_TEST_SLACK)
    fail(__LINE__, "%ld pages gone after a refused mmap of %ld pages", lost, n);

  /* The file changes; a new mapping must read it now. */
  CHECK_EQ(k_lseek(fd, 2 * PG + 7, KITE_SEEK_SET), 2 * PG + 7);
  CHECK_EQ(k_write(fd, "N", 1), 1);
  unsigned long m = FMAP(PG, R, SHARED, fd, 2 * PG);
  CHECK_EQ(((volatile char *)m)[7], 'N');
  EXPECT_MAPPED(m, 2 * PG, 7, 16);
  CHECK_OK(k_munmap(m, PG));
  CHECK_OK(k_munmap(keep, PG));
  k_close(fd);
  CHECK_OK(k_unlink("mt_failmap"));
}

/* ------------------------------------------------------------------------ */
/* The suite                                                                 */

static const struct ktest tests[] = {
  /* queries */
  { "mquery_layout",       t_mquery_layout,          KTEST_NORMAL },
  { "mmaps_self",          t_mmaps_self,             KTEST_NORMAL },
  { "mquery_hole",         t_mquery_hole,            KTEST_NORMAL },
  { "mmaps_other",         t_mmaps_other,            KTEST_NORMAL },
  /* mmap */
  { "mmap_lazy",           t_mmap_lazy,              KTEST_NORMAL },
  { "mmap_hint",           t_mmap_hint,              KTEST_NORMAL },
  { "mmap_hint_occupied",  t_mmap_hint_occupied,     KTEST_NORMAL },
  { "mmap_fixed_replace",  t_mmap_fixed_replace,     KTEST_NORMAL },
  { "mmap_align",          t_mmap_align,             KTEST_NORMAL },
  { "mmap_zero_len",       t_mmap_zero_len,          KTEST_NORMAL },
  { "mmap_overflow",       t_mmap_overflow,          KTEST_NORMAL },
  { "mmap_bad_flags",      t_mmap_bad_flags,         KTEST_NORMAL },
  { "wx",                  t_wx,                     KTEST_NORMAL },
  /* mprotect */
  { "mprotect_errors",     t_mprotect_errors,        KTEST_NORMAL },
  { "mprotect_readonly",   t_mprotect_readonly,      KTEST_NORMAL },
  { "prot_none",           t_prot_none,              KTEST_NORMAL },
  /* munmap */
  { "munmap_unaligned",    t_munmap_unaligned,       KTEST_NORMAL },
  { "munmap_split",        t_munmap_split,           KTEST_NORMAL },
  { "munmap_multi",        t_munmap_multi,           KTEST_NORMAL },
  { "munmap_special",      t_munmap_special,         KTEST_NORMAL },
  { "kernel_window",       t_kernel_window,          KTEST_NORMAL },
  /* fork */
  { "cow_parent_first",    t_cow_parent_first,       KTEST_NORMAL },
  { "cow_child_first",     t_cow_child_first,        KTEST_NORMAL },
  { "fork_lazy",           t_fork_lazy,              KTEST_NORMAL },
  { "fork_cow_cost",       t_fork_cow_cost,          KTEST_NORMAL },
  { "shared_anon",         t_shared_anon,            KTEST_NORMAL },
  /* files */
  { "file_shared",         t_file_shared,            KTEST_NORMAL },
  { "file_shared_exit",    t_file_shared_exit,       KTEST_NORMAL },
  { "file_shared_two_maps", t_file_shared_two_maps,  KTEST_NORMAL },
  { "file_private",        t_file_private,           KTEST_NORMAL },
  { "file_offset",         t_file_offset,            KTEST_NORMAL },
  { "file_eof",            t_file_eof,               KTEST_NORMAL },
  { "file_errors",         t_file_errors,            KTEST_NORMAL },
  { "file_exec",           t_file_exec,              KTEST_NORMAL },
  /* brk */
  { "brk_lazy",            t_brk_lazy,               KTEST_NORMAL },
  { "brk_shrink_kill",     t_brk_shrink_kill,        KTEST_NORMAL },
  { "brk_limits",          t_brk_limits,             KTEST_NORMAL },
  { "sbrk_eager",          t_sbrk_eager,             KTEST_NORMAL },
  { "sbrk_lazy_type",      t_sbrk_lazy_type,         KTEST_NORMAL },
  { "sbrk_type_invalid",   t_sbrk_type_invalid,      KTEST_NORMAL },
  { "sbrk_eager_oom",      t_sbrk_eager_oom,         KTEST_NORMAL },
  { "sbrk_eager_undo",     t_sbrk_eager_undo,        KTEST_NORMAL },
  { "brk_split_heap",      t_brk_split_heap,         KTEST_NORMAL },
  { "checker_catches",     t_checker_catches,        KTEST_NORMAL },
  { "checker_amortised",   t_checker_amortised,      KTEST_NORMAL },
  /* stack */
  { "guard_hit",           t_guard_hit,              KTEST_NORMAL },
  { "stack_use",           t_stack_use,              KTEST_NORMAL },
  /* exec, system calls, the C library */
  { "exec_fail",           t_exec_fail,              KTEST_NORMAL },
  { "syscall_io",          t_syscall_io,             KTEST_NORMAL },
  { "libc_mman",           t_libc_mman,              KTEST_NORMAL },
  /* reliability */
  { "boot_reenter",        t_boot_reenter,           KTEST_NORMAL },
  { "mprotect_open_mode",  t_mprotect_open_mode,     KTEST_NORMAL },
  { "wx_object",           t_wx_object,              KTEST_NORMAL },
  { "wx_object_procs",     t_wx_object_procs,        KTEST_NORMAL },
  { "wx_object_fork",      t_wx_object_fork,         KTEST_NORMAL },
  { "mmap_fail_keeps_object", t_mmap_fail_keeps_object, KTEST_NORMAL },
  /* limits */
  { "map_limit",           t_map_limit,              KTEST_NORMAL },
  { "oom_mmap",            t_oom_mmap,               KTEST_SLOW },
};

static const struct ktest_suite suite = {
  .name = "memtests",
  .tests = tests,
  .ntests = sizeof tests / sizeof tests[0],
  .leaks = KTEST_LEAKS_EACH,
  .names_with_after = 1,
};

int main(int argc, char **argv)
{
  return ktest_main(argc, argv, &suite);
}
