/*
 * uaccesstests: hostile user pointers against every Kite system call that
 * takes one.
 *
 *   uaccesstests [-q] [-l] [-a NAME] [NAME...]
 *
 * The flags, the output protocol and how each test runs in a child of its
 * own are the test runner's: see user/lib/ktest.h.
 *
 * The contract under test (DESIGN.md, "User memory access"):
 *  - a user range that wraps, reaches past the top of user space or into
 *    one of the kernel's windows, is refused with -EFAULT before any
 *    memory is touched;
 *  - read()/write() that meet a bad page after k > 0 bytes return k, and
 *    -EFAULT when k = 0; nothing is lost: bytes a pipe did not deliver stay
 *    in it, a file offset advances by k only, a write whose source runs
 *    into a hole writes exactly k bytes;
 *  - values (fstat's record, pipe's two descriptors, wait's status, clock,
 *    sysinfo, the mapping records) are all-or-nothing: -EFAULT and no side
 *    effect (no descriptor leaks, the child stays waitable);
 *  - strings: -EFAULT when one runs into a bad page before its NUL,
 *    -ENAMETOOLONG when there is no NUL within the limit (exec arguments
 *    may say -E2BIG);
 *  - lazy and copy-on-write pages met by a copy are resolved and the copy
 *    goes on; what the kernel writes into a copy-on-write page is seen by
 *    the writing process only;
 *  - no hostile pointer panics the kernel, kills the caller or leaks a page.
 *
 * Hostile classes: NULL and page 0; kernel addresses (RAM, kernel text,
 * the upper Sv39 half, the trap frame and trampoline just above user
 * space, the kernel windows inside user page tables and ranges reaching
 * into them); ranges straddling the top of user space and 1 << 38; a hole
 * unmapped in the middle of a buffer; the stack guard; read-only text,
 * rodata and PROT_READ memory as write targets; PROT_NONE memory;
 * copy-on-write pages after fork; never-touched lazy pages; ranges whose
 * end wraps past 2^64; huge lengths. The fault-injection knob
 * (SYS_faultinject: the next user copy fails after n bytes) drives the
 * partial-copy paths without crafting page layouts.
 *
 * A wrong result of the hostile-call matrix is a soft failure
 * (ktest_soft_fail): the test goes on through the rest of the matrix. Around
 * every test the runner compares the free-page count taken before forking
 * the child with the count after reaping it (KTEST_LEAKS_EACH): a test
 * that leaks a page fails.
 *
 * Every call goes through kite_syscall(), which returns the kernel's raw
 * result, so each error number is checked exactly. Tests work in "/" with
 * names starting "ua_" and remove what they create.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include <kite/mman.h>

#define PG              KITE_PGSIZE
#define REFUSED_STATUS  3        /* this program, exec'd with a foreign argv[0] */
#define SELF            "/uaccesstests"
#define REFUSE_NAME     "ua-refuse"   /* argv[0] that makes this program exit 3 */

/* Kite's user address space (see kernel/arch/memlayout.h): user pages lie
 * below USER_TOP; the trap frame and the trampoline sit above it, mapped
 * for the kernel only; Sv39 addresses end at 1 << 38. */
#define USER_TOP        0x3fffff0000UL
#define SV39_TOP        (1UL << 38)
#define TRAMPOLINE      (SV39_TOP - PG)
#define TRAPFRAME       (TRAMPOLINE - PG)
#define GUARD_SIZE      (64UL << 10)

#define SRC             "ua_src"          /* SRC_LEN bytes of pattern seed 1 */
#define SRC_LEN         (2 * PG + 512)
#define DST             "ua_dst"
#define NEWNAME         "ua_new"          /* what a wrong link() would create */

int main(int argc, char **argv);

static char buf[16384];
static char buf2[16384];
static const char rodata_text[] = "uaccesstests read-only data: the kernel must never write here";

/* ------------------------------------------------------------------------ */
/* Raw system calls                                                          */

#define KSYS6(n, a, b, c, d, e, f) \
  kite_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static __attribute__((noreturn)) void k_exit(long st) { KSYS1(SYS_exit, st); for (;;) ; }
static long k_wait(void *st)              { return KSYS1(SYS_wait, st); }
static long k_pipe(void *fds)             { return KSYS1(SYS_pipe, fds); }
static long k_read(long fd, void *p, unsigned long n)        { return KSYS3(SYS_read, fd, p, n); }
static long k_write(long fd, const void *p, unsigned long n) { return KSYS3(SYS_write, fd, p, n); }
static long k_exec(const void *path, const void *argv) { return KSYS2(SYS_exec, path, argv); }
static long k_fstat(long fd, void *st)    { return KSYS2(SYS_fstat, fd, st); }
static long k_chdir(const void *path)     { return KSYS1(SYS_chdir, path); }
static long k_dup(long fd)                { return KSYS1(SYS_dup, fd); }
static long k_sbrk(long n)                { return KSYS2(SYS_sbrk, n, KITE_SBRK_LAZY); }
static long k_brk(unsigned long a)        { return KSYS1(SYS_brk, a); }
static long k_open(const void *path, long flags) { return KSYS2(SYS_open, path, flags); }
static long k_mknod(const void *path)     { return KSYS3(SYS_mknod, path, KITE_CONSOLE_MAJOR, 0); }
static long k_unlink(const void *path)    { return KSYS1(SYS_unlink, path); }
static long k_link(const void *a, const void *b) { return KSYS2(SYS_link, a, b); }
static long k_mkdir(const void *path)     { return KSYS1(SYS_mkdir, path); }
static long k_close(long fd)              { return KSYS1(SYS_close, fd); }
static long k_lseek(long fd, long off, long whence) { return KSYS3(SYS_lseek, fd, off, whence); }
static long k_clock(void *t)              { return KSYS1(SYS_clock, t); }
static long k_sysinfo(void *si)           { return KSYS1(SYS_sysinfo, si); }
static long k_mmap(unsigned long a, unsigned long len, long prot, long flags, long fd, long off)
{
  return KSYS6(SYS_mmap, a, len, prot, flags, fd, off);
}
static long k_munmap(unsigned long a, unsigned long len) { return KSYS2(SYS_munmap, a, len); }
static long k_mprotect(unsigned long a, unsigned long len, long prot)
{
  return KSYS3(SYS_mprotect, a, len, prot);
}
static long k_mquery(unsigned long a, void *out) { return KSYS2(SYS_mquery, a, out); }
static long k_mmaps(long pid, void *recs, unsigned long n) { return KSYS3(SYS_mmaps, pid, recs, n); }
static long k_inject(long n)              { return KSYS1(SYS_faultinject, n); }
static long k_bench(long op, const void *p, unsigned long size, long iters)
{
  return kite_syscall(SYS_bench, op, (long)p, (long)size, iters, 0, 0);
}

#define O_RD     KITE_O_RDONLY
#define O_NEW    (KITE_O_CREAT | KITE_O_TRUNC | KITE_O_RDWR)
#define PROT_RW  (KITE_PROT_READ | KITE_PROT_WRITE)
#define MAP_ANON_PRIV (KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS)

/* ------------------------------------------------------------------------ */
/* Reporting failures                                                        */

/* r, the result of `what` given hostile address a, must be -EFAULT.
 * line is the test's line, so a shared helper still says who called it. */
static void expect_efault(int line, const char *what, unsigned long a, long r)
{
  if (r != -KITE_EFAULT)
    ktest_soft_fail(line, "%s %#lx = %s, expected EFAULT", what, a, errname(r));
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

/* Wait for the only child, pid: no other may exit first. Require exit
 * status want. */
static void check_sole_exit(int line, long pid, int want)
{
  int st = 0;
  long r = k_wait(&st);
  if (r != pid)
    fail(line, "wait = %s, expected child %ld", errname(r), pid);
  if (st == want)
    return;
  if (st >= KTEST_CHILD_FAIL_BASE && st < KTEST_CHILD_FAIL_BASE + 100000)
    fail(line, "child failed its check at line %d", st - KTEST_CHILD_FAIL_BASE);
  if (st == -1)
    fail(line, "child killed by the kernel (-1), expected status %d", want);
  fail(line, "child exited %d, expected %d", st, want);
}
#define CHECK_SOLE_EXIT(pid, want) check_sole_exit(__LINE__, (pid), (want))

/* Byte i of the test pattern; seeds make different files differ. */
static char pat(long i, long seed) { return (char)((i * 7 + seed * 13 + (i >> 8)) & 0xff); }

static void fill_pattern(char *p, long n, long off, long seed)
{
  for (long i = 0; i < n; i++)
    p[i] = pat(off + i, seed);
}

/* Index of the first byte that differs from the pattern, or -1. */
static long check_pattern(const char *p, long n, long off, long seed)
{
  for (long i = 0; i < n; i++)
    if (p[i] != pat(off + i, seed))
      return i;
  return -1;
}
#define CHECK_PATTERN(p, n, off, seed) do {                              \
    long _i = check_pattern((p), (n), (off), (seed));                     \
    if (_i >= 0)                                                          \
      fail(__LINE__, "byte %ld of %s differs from the pattern", _i, #p);  \
  } while (0)

/* Index of the first byte of p[0..n) that is not c, or -1. */
static long first_not(const char *p, long n, char c)
{
  for (long i = 0; i < n; i++)
    if (p[i] != c)
      return i;
  return -1;
}
#define CHECK_ALL(p, n, c) do {                                          \
    long _i = first_not((p), (n), (c));                                   \
    if (_i >= 0)                                                          \
      fail(__LINE__, "%s[%ld] = %#x, expected %#x", #p, _i,               \
           (unsigned char)(p)[_i], (unsigned char)(c));                   \
  } while (0)

/* Create name holding n bytes of pattern seed. */
static void make_file(int line, const char *name, long n, long seed)
{
  static char chunk[1024];
  long fd = k_open(name, O_NEW);
  if (is_err(fd))
    fail(line, "create %s = %s", name, errname(fd));
  for (long off = 0; off < n; off += sizeof chunk) {
    long m = n - off < (long)sizeof chunk ? n - off : (long)sizeof chunk;
    fill_pattern(chunk, m, off, seed);
    long r = k_write(fd, chunk, m);
    if (r != m)
      fail(line, "write %s = %s, expected %ld", name, errname(r), m);
  }
  k_close(fd);
}
#define MAKE_FILE(name, n, seed) make_file(__LINE__, (name), (n), (seed))

static long xopen(int line, const char *name, long flags)
{
  long fd = k_open(name, flags);
  if (is_err(fd))
    fail(line, "open %s = %s", name, errname(fd));
  return fd;
}
#define XOPEN(name, flags) xopen(__LINE__, (name), (flags))

static long file_size(int line, long fd)
{
  struct kite_stat st;
  long r = k_fstat(fd, &st);
  if (is_err(r))
    fail(line, "fstat(%ld) = %s", fd, errname(r));
  return (long)st.st_size;
}
#define FILE_SIZE(fd) file_size(__LINE__, (fd))

#define OFFSET(fd) k_lseek((fd), 0, KITE_SEEK_CUR)

/* The lowest free file descriptor (dup of 0, closed again). */
static long lowest_free_fd(void)
{
  long fd = CHECK_OK(k_dup(0));
  k_close(fd);
  return fd;
}

/* Live entries of "/". */
static int root_entries(void)
{
  struct kite_dirent de;
  long fd = CHECK_OK(k_open("/", O_RD)), r;
  int n = 0;

  while ((r = k_read(fd, &de, sizeof de)) == (long)sizeof de)
    if (de.inum != 0)
      n++;
  CHECK_EQ(r, 0);
  k_close(fd);
  return n;
}

/* npages of fresh private anonymous memory; fails the test if mmap does. */
static char *map_anon(int line, long npages, long prot)
{
  long r = k_mmap(0, npages * PG, prot, MAP_ANON_PRIV, -1, 0);
  if (is_err(r) || r == 0 || (r & (PG - 1)) || (unsigned long)r >= USER_TOP)
    fail(line, "mmap(%ld pages, prot %ld) = %s", npages, prot, errname(r));
  return (char *)r;
}
#define MAP_ANON(npages, prot) map_anon(__LINE__, (npages), (prot))

/*
 * Three touched read-write pages with the middle one unmapped again:
 * returns p; [p, p+PG) and [p+2PG, p+3PG) are mapped, p+PG is the hole.
 */
static char *map_hole(int line)
{
  char *p = map_anon(line, 3, PROT_RW);
  memset(p, 'h', 3 * PG);
  long r = k_munmap((unsigned long)p + PG, PG);
  if (r != 0)
    fail(line, "munmap of the middle page = %s", errname(r));
  return p;
}
#define MAP_HOLE() map_hole(__LINE__)

static struct kite_mapping query(int line, unsigned long a)
{
  struct kite_mapping m;
  long r = k_mquery(a, &m);
  if (r != 0)
    fail(line, "mquery(%#lx) = %s", a, errname(r));
  return m;
}
#define QUERY(a) query(__LINE__, (a))

/*
 * The stack guard: the KITE_VM_GUARD mapping right below the stack, found
 * with mquery and confirmed in the mmaps listing.
 */
static struct kite_mapping find_guard(int line, struct kite_mapping *stack)
{
  static struct kite_mapping recs[64];
  int local = 0;
  struct kite_mapping g;
  long n;

  *stack = query(line, (unsigned long)&local);
  if (stack->type != KITE_VM_STACK || stack->end != USER_TOP)
    fail(line, "the mapping holding the stack: type %u, [%#lx, %#lx)", stack->type,
         (unsigned long)stack->start, (unsigned long)stack->end);
  g = query(line, stack->start - 1);
  if (g.type != KITE_VM_GUARD || g.end != stack->start || g.end - g.start != GUARD_SIZE)
    fail(line, "below the stack: type %u, [%#lx, %#lx), expected a 64 KiB guard", g.type,
         (unsigned long)g.start, (unsigned long)g.end);
  n = k_mmaps(0, recs, 64);
  if (is_err(n) || n < 3 || n > 64)
    fail(line, "mmaps(0, recs, 64) = %s", errname(n));
  for (long i = 0; i < n; i++)
    if (recs[i].type == KITE_VM_GUARD && recs[i].start == g.start && recs[i].end == g.end)
      return g;
  fail(line, "mmaps does not list the guard at %#lx", (unsigned long)g.start);
}

/* ------------------------------------------------------------------------ */
/* Victims: state a hostile call must leave exactly as it was                */

struct victims {
  long rfd;           /* SRC, read-only: its offset must stay 0 */
  long wfd;           /* DST, empty: must stay empty */
  int rpipe;          /* read end of a pipe holding "abc", write end closed: must keep it */
  int wp[2];          /* empty pipe: nothing may get in */
  long child;         /* exited child: must stay waitable */
  long free_fd;       /* lowest free descriptor */
  int nroot;          /* entries in "/" */
};

static void victims_setup(int line, struct victims *v)
{
  int p[2];

  make_file(line, SRC, SRC_LEN, 1);
  v->rfd = xopen(line, SRC, O_RD);
  v->wfd = xopen(line, DST, O_NEW);
  if (k_pipe(p) != 0 || k_pipe(v->wp) != 0)
    fail(line, "pipe failed");
  if (k_write(p[1], "abc", 3) != 3)
    fail(line, "write to a pipe failed");
  /* With the write end closed, a pipe a buggy kernel emptied reads as
   * end-of-file instead of blocking the test. */
  k_close(p[1]);
  v->rpipe = p[0];
  v->child = xfork(line);
  if (v->child == 0)
    k_exit(42);
  v->free_fd = lowest_free_fd();
  v->nroot = root_entries();
}

static void victims_check(int line, struct victims *v)
{
  char tmp[8];
  int st = 0;
  long r;

  if ((r = OFFSET(v->rfd)) != 0)
    fail(line, "hostile reads moved the file offset to %s", errname(r));
  if ((r = file_size(line, v->wfd)) != 0)
    fail(line, "hostile writes left %ld bytes in the file", r);
  if ((r = lowest_free_fd()) != v->free_fd)
    fail(line, "lowest free descriptor %ld, was %ld: a descriptor leaked", r, v->free_fd);
  if ((r = root_entries()) != v->nroot)
    fail(line, "\"/\" has %ld entries, had %d: a hostile call created or removed one", r, v->nroot);
  if ((r = k_open(SRC, O_RD)) < 0)
    fail(line, "open(%s) = %s: the working directory changed?", SRC, errname(r));
  k_close(r);
  if ((r = k_open(NEWNAME, O_RD)) != -KITE_ENOENT)
    fail(line, "open(%s) = %s: a hostile link() made it", NEWNAME, errname(r));
  k_close(v->wp[1]);
  if ((r = k_read(v->wp[0], tmp, sizeof tmp)) != 0)
    fail(line, "the empty pipe gave %s: hostile writes put bytes in", errname(r));
  if ((r = k_read(v->rpipe, tmp, sizeof tmp)) != 3 || memcmp(tmp, "abc", 3) != 0)
    fail(line, "the pipe holding \"abc\" gave %s bytes: hostile reads consumed some",
         errname(r));
  if ((r = k_wait(&st)) != v->child || st != 42)
    fail(line, "wait = %s (status %d), expected child %ld (42): lost after hostile waits",
         errname(r), st, v->child);
  k_close(v->rfd);
  k_close(v->wfd);
  k_close(v->rpipe);
  k_close(v->wp[0]);
  k_unlink(SRC);
  k_unlink(DST);
}
#define VICTIMS_SETUP(v) victims_setup(__LINE__, (v))
#define VICTIMS_CHECK(v) victims_check(__LINE__, (v))

/* ------------------------------------------------------------------------ */
/* The hostile calls                                                         */

/*
 * Every call that writes into user memory, given a whose first byte the
 * process may not write: each must say -EFAULT and change nothing.
 */
static void bad_outputs(int line, struct victims *v, unsigned long a)
{
  void *p = (void *)a;

  expect_efault(line, "read(file) into", a, k_read(v->rfd, p, 16));
  expect_efault(line, "read(pipe) into", a, k_read(v->rpipe, p, 3));
  expect_efault(line, "pipe", a, k_pipe(p));
  expect_efault(line, "fstat(file)", a, k_fstat(v->rfd, p));
  expect_efault(line, "fstat(console)", a, k_fstat(1, p));
  expect_efault(line, "fstat(pipe)", a, k_fstat(v->rpipe, p));
  if (a != 0)                           /* wait(NULL) means "no status wanted" */
    expect_efault(line, "wait", a, k_wait(p));
  expect_efault(line, "clock", a, k_clock(p));
  expect_efault(line, "sysinfo", a, k_sysinfo(p));
  expect_efault(line, "mquery into", a, k_mquery((unsigned long)&bad_outputs, p));
  expect_efault(line, "mmaps into", a, k_mmaps(0, p, 4));
  expect_efault(line, "bench(COPYOUT) into", a, k_bench(KITE_BENCH_COPYOUT, p, 64, 1));
}

/*
 * Every call that reads user memory, given a whose first byte the process
 * may not read: each must say -EFAULT and change nothing. A wrongly
 * successful exec turns the process into this program with argv[0]
 * REFUSE_NAME, which exits REFUSED_STATUS; the runner reports that.
 */
static void bad_inputs(int line, struct victims *v, unsigned long a)
{
  char *s = (char *)a;
  char *argv_ok[] = { REFUSE_NAME, NULL };
  char *argv_bad[] = { REFUSE_NAME, s, NULL };

  expect_efault(line, "write(file) from", a, k_write(v->wfd, s, 16));
  expect_efault(line, "write(pipe) from", a, k_write(v->wp[1], s, 16));
  expect_efault(line, "write(console) from", a, k_write(1, s, 16));
  expect_efault(line, "open", a, k_open(s, O_RD));
  expect_efault(line, "open(O_CREAT)", a, k_open(s, O_NEW));
  expect_efault(line, "mkdir", a, k_mkdir(s));
  expect_efault(line, "unlink", a, k_unlink(s));
  expect_efault(line, "chdir", a, k_chdir(s));
  expect_efault(line, "mknod", a, k_mknod(s));
  expect_efault(line, "link(old)", a, k_link(s, NEWNAME));
  expect_efault(line, "link(new)", a, k_link(SRC, s));
  expect_efault(line, "exec(path)", a, k_exec(s, argv_ok));
  expect_efault(line, "exec(argv)", a, k_exec(SELF, s));
  if (a != 0)                           /* a NULL element just ends argv */
    expect_efault(line, "exec(argv[1])", a, k_exec(SELF, argv_bad));
  expect_efault(line, "bench(COPYIN) from", a, k_bench(KITE_BENCH_COPYIN, s, 64, 1));
}

static void bad_both(int line, struct victims *v, unsigned long a)
{
  bad_outputs(line, v, a);
  bad_inputs(line, v, a);
}

/*
 * Values that start in good memory and run into bad memory at edge:
 * all-or-nothing copies, so each call fails whole.
 */
static void edge_values(int line, struct victims *v, unsigned long edge)
{
  expect_efault(line, "fstat(file) across", edge, k_fstat(v->rfd, (void *)(edge - 8)));
  expect_efault(line, "pipe across", edge, k_pipe((void *)(edge - 4)));
  expect_efault(line, "wait across", edge, k_wait((void *)(edge - 2)));
  expect_efault(line, "clock across", edge, k_clock((void *)(edge - 8)));
  expect_efault(line, "sysinfo across", edge, k_sysinfo((void *)(edge - 8)));
  expect_efault(line, "mquery across", edge, k_mquery((unsigned long)&edge_values, (void *)(edge - 8)));
  expect_efault(line, "mmaps across", edge, k_mmaps(0, (void *)(edge - 40), 1));
}

/*
 * Strings and argv arrays that start in good, writable memory and run
 * into bad memory at edge before their end. Writes [edge - 16, edge).
 */
static void edge_strings(int line, struct victims *v, unsigned long edge)
{
  char *s = (char *)edge - 8;
  char **av = (char **)(edge - 16);
  char *argv_ok[] = { REFUSE_NAME, NULL };
  char *argv_bad[] = { REFUSE_NAME, s, NULL };
  long r;

  memset(s, 'u', 8);
  expect_efault(line, "open of a path across", edge, k_open(s, O_RD));
  expect_efault(line, "open(O_CREAT) of a path across", edge, k_open(s, O_NEW));
  expect_efault(line, "mkdir of a path across", edge, k_mkdir(s));
  expect_efault(line, "unlink of a path across", edge, k_unlink(s));
  expect_efault(line, "chdir to a path across", edge, k_chdir(s));
  expect_efault(line, "mknod of a path across", edge, k_mknod(s));
  expect_efault(line, "link(old) of a path across", edge, k_link(s, NEWNAME));
  expect_efault(line, "link(new) of a path across", edge, k_link(SRC, s));
  expect_efault(line, "exec of a path across", edge, k_exec(s, argv_ok));
  expect_efault(line, "exec of an argv[1] across", edge, k_exec(SELF, argv_bad));
  /* An argv array whose NULL would lie beyond the edge. */
  av[0] = REFUSE_NAME;
  av[1] = "x";
  expect_efault(line, "exec of an argv array across", edge, k_exec(SELF, av));
  /* An argv pointer that itself straddles the edge. */
  expect_efault(line, "exec of an argv pointer across", edge, k_exec(SELF, (void *)(edge - 4)));
  /* A string whose NUL is the last good byte is fine. */
  memcpy(s + 1, "ua_edg", 7);
  if ((r = k_mkdir(s + 1)) != 0)
    fail(line, "mkdir of a path ending at the edge %#lx = %s", edge, errname(r));
  if ((r = k_unlink(s + 1)) != 0)
    fail(line, "unlink of a path ending at the edge %#lx = %s", edge, errname(r));
  (void)v;
}

enum edge_kind {
  EDGE_SHORT,       /* a bad page in user space: copies stop there, short counts */
  EDGE_REFUSED,     /* the top of user space: ranges across it are refused whole */
};

/*
 * read() and write() of 300 bytes starting 100 bytes below edge, through
 * a file and a pipe. With EDGE_SHORT each moves exactly 100 bytes and
 * nothing else is lost; with EDGE_REFUSED each says -EFAULT and moves
 * nothing.
 */
static void edge_rw(int line, unsigned long edge, enum edge_kind kind)
{
  char *p = (char *)edge - 100;
  char saved[100];
  long fd, r;
  int pp[2];
  int sh = kind == EDGE_SHORT;

  memcpy(saved, p, 100);
  /* read(file) */
  fd = xopen(line, SRC, O_RD);
  r = k_read(fd, p, 300);
  if (r != (sh ? 100 : -KITE_EFAULT))
    fail(line, "read(file) of 300 bytes into %#lx = %s, expected %s", (unsigned long)p,
         errname(r), sh ? "100" : "EFAULT");
  if ((r = OFFSET(fd)) != (sh ? 100 : 0))
    fail(line, "read(file) across %#lx left the offset at %s", edge, errname(r));
  if (sh ? check_pattern(p, 100, 0, 1) >= 0 : memcmp(p, saved, 100) != 0)
    fail(line, "read(file) across %#lx: wrong bytes below the edge", edge);
  if ((r = k_read(fd, buf, 200)) != 200 || check_pattern(buf, 200, sh ? 100 : 0, 1) >= 0)
    fail(line, "read(file) after the short read = %s or wrong bytes", errname(r));
  k_close(fd);

  /* read(pipe): what was not delivered stays in the pipe. (Write ends
   * are closed before the checking reads, so lost bytes mean a short
   * count or end-of-file, never a test that blocks.) */
  if (k_pipe(pp) != 0)
    fail(line, "pipe failed");
  fill_pattern(buf, 300, 0, 2);
  if (k_write(pp[1], buf, 300) != 300)
    fail(line, "write(pipe) of 300 bytes failed");
  k_close(pp[1]);
  memcpy(p, saved, 100);
  r = k_read(pp[0], p, 300);
  if (r != (sh ? 100 : -KITE_EFAULT))
    fail(line, "read(pipe) of 300 bytes into %#lx = %s, expected %s", (unsigned long)p,
         errname(r), sh ? "100" : "EFAULT");
  if (sh ? check_pattern(p, 100, 0, 2) >= 0 : memcmp(p, saved, 100) != 0)
    fail(line, "read(pipe) across %#lx: wrong bytes below the edge", edge);
  r = k_read(pp[0], buf2, 400);
  if (r != (sh ? 200 : 300) || check_pattern(buf2, r, sh ? 100 : 0, 2) >= 0)
    fail(line, "the pipe held %s bytes after a read across %#lx, expected %d", errname(r),
         edge, sh ? 200 : 300);
  k_close(pp[0]);

  /* write(file): exactly the bytes below the edge reach the file */
  memcpy(p, saved, 100);
  fd = xopen(line, "ua_edge", O_NEW);
  r = k_write(fd, p, 300);
  if (r != (sh ? 100 : -KITE_EFAULT))
    fail(line, "write(file) of 300 bytes from %#lx = %s, expected %s", (unsigned long)p,
         errname(r), sh ? "100" : "EFAULT");
  if ((r = file_size(line, fd)) != (sh ? 100 : 0) || OFFSET(fd) != r)
    fail(line, "write(file) across %#lx: size %ld, offset %ld", edge, r, OFFSET(fd));
  k_lseek(fd, 0, KITE_SEEK_SET);
  if (sh && (k_read(fd, buf2, 400) != 100 || memcmp(buf2, saved, 100) != 0))
    fail(line, "write(file) across %#lx: the file holds the wrong bytes", edge);
  /* Over older bytes: what the write did not deliver leaves them be. */
  k_lseek(fd, 0, KITE_SEEK_SET);
  memset(buf2, 'O', 300);
  if (k_write(fd, buf2, 300) != 300)
    fail(line, "write of 300 bytes failed");
  k_lseek(fd, 0, KITE_SEEK_SET);
  r = k_write(fd, p, 300);
  if (r != (sh ? 100 : -KITE_EFAULT))
    fail(line, "write(file) of 300 bytes from %#lx over older bytes = %s", (unsigned long)p,
         errname(r));
  k_lseek(fd, 0, KITE_SEEK_SET);
  if (k_read(fd, buf2, 400) != 300 || (sh && memcmp(buf2, saved, 100) != 0) ||
      first_not(buf2 + (sh ? 100 : 0), sh ? 200 : 300, 'O') >= 0)
    fail(line, "write(file) across %#lx over older bytes: the file holds the wrong bytes", edge);
  k_close(fd);
  k_unlink("ua_edge");

  /* write(pipe): exactly the bytes below the edge get in */
  if (k_pipe(pp) != 0)
    fail(line, "pipe failed");
  r = k_write(pp[1], p, 300);
  if (r != (sh ? 100 : -KITE_EFAULT))
    fail(line, "write(pipe) of 300 bytes from %#lx = %s, expected %s", (unsigned long)p,
         errname(r), sh ? "100" : "EFAULT");
  k_close(pp[1]);
  r = k_read(pp[0], buf2, 400);
  if (r != (sh ? 100 : 0) || (sh && memcmp(buf2, saved, 100) != 0))
    fail(line, "the pipe got %s bytes from a write across %#lx", errname(r), edge);
  if ((r = k_read(pp[0], buf2, 400)) != 0)
    fail(line, "the pipe got %s more bytes from a write across %#lx", errname(r), edge);
  k_close(pp[0]);
  if (memcmp(p, saved, 100) != 0)
    fail(line, "the bytes below %#lx changed", edge);
}

/* ------------------------------------------------------------------------ */
/* The hostile classes                                                       */

/* NULL and the rest of page 0 and the unmapped space below the program. */
static void t_null(void)
{
  static const unsigned long addrs[] = { 0, 8, PG - 2, PG, 0x8000 };
  struct victims v;

  VICTIMS_SETUP(&v);
  for (unsigned i = 0; i < sizeof addrs / sizeof addrs[0]; i++)
    bad_both(__LINE__, &v, addrs[i]);
  /* NULL is a bad buffer even for nothing-to-copy cases that must copy. */
  CHECK_ERR(k_read(v.rfd, NULL, 1), KITE_EFAULT);
  /* NULL with length 0 copies nothing: not an error. */
  CHECK_EQ(k_read(v.rfd, NULL, 0), 0);
  CHECK_EQ(k_write(v.wfd, NULL, 0), 0);
  VICTIMS_CHECK(&v);
}

/* Kernel RAM, kernel text, devices, the upper Sv39 half. */
static void t_kernel(void)
{
  static const unsigned long addrs[] = {
    0x80000000UL,            /* OpenSBI */
    0x80200000UL,            /* the kernel's first instruction */
    0x80201000UL,
    0x87fff000UL,            /* the last page of a 128 MiB machine */
    0x10000000UL,            /* the UART, were it mapped */
    0x0c000000UL,            /* the PLIC */
    0xffffffc000000000UL,    /* the bottom of the upper Sv39 half */
    0xffffffff80000000UL,
    0xfffffffffffff000UL,
    0x8000000000000000UL,    /* not canonical */
  };
  struct victims v;

  VICTIMS_SETUP(&v);
  for (unsigned i = 0; i < sizeof addrs / sizeof addrs[0]; i++)
    bad_both(__LINE__, &v, addrs[i]);
  VICTIMS_CHECK(&v);
}

/*
 * The top of user space. The stack's last bytes lie just below USER_TOP;
 * ranges reaching past it are refused whole, so those bytes never change.
 * Above it: the trap frame and trampoline, mapped for the kernel only, and
 * then the end of Sv39.
 */
static void t_top(void)
{
  static const unsigned long addrs[] = {
    USER_TOP - 2, USER_TOP, USER_TOP + PG, TRAPFRAME, TRAPFRAME + 8, TRAMPOLINE,
    SV39_TOP - 2, SV39_TOP, SV39_TOP + PG,
  };
  char *top = (char *)USER_TOP;
  static char saved[128];
  struct victims v;

  VICTIMS_SETUP(&v);
  if (QUERY(USER_TOP - 1).type != KITE_VM_STACK || !(QUERY(USER_TOP - 1).prot & KITE_PROT_WRITE))
    fail(__LINE__, "the page below USER_TOP is not the writable stack");
  memcpy(saved, top - 128, 128);
  top[-2] = top[-1] = 'x';          /* no NUL before the top */
  memcpy(saved + 126, "xx", 2);
  for (unsigned i = 0; i < sizeof addrs / sizeof addrs[0]; i++)
    bad_both(__LINE__, &v, addrs[i]);
  edge_values(__LINE__, &v, USER_TOP);
  edge_rw(__LINE__, USER_TOP, EDGE_REFUSED);
  if (memcmp(top - 128, saved, 128) != 0)
    fail(__LINE__, "the bytes below USER_TOP changed");
  edge_strings(__LINE__, &v, USER_TOP);
  /* Exactly up to the top is fine. */
  CHECK_EQ(k_read(v.rfd, top - 16, 16), 16);
  CHECK_PATTERN(top - 16, 16, 0, 1);
  k_lseek(v.rfd, 0, KITE_SEEK_SET);
  memcpy(top - 128, saved, 128);
  VICTIMS_CHECK(&v);
}

/* Ranges whose end wraps past 2^64. */
static void t_wrap(void)
{
  unsigned long a = (unsigned long)buf;
  unsigned long wrap = ~0UL - a + 2;     /* a + wrap == 1 */
  struct victims v;
  static struct kite_mapping recs[64];
  long n;

  VICTIMS_SETUP(&v);
  /* Lengths that make buf's range wrap are also negative as a long: the
   * kernel may refuse them as such. */
  CHECK_ERR2(k_read(v.rfd, buf, wrap), KITE_EFAULT, KITE_EINVAL);
  CHECK_ERR2(k_read(v.rpipe, buf, wrap), KITE_EFAULT, KITE_EINVAL);
  CHECK_ERR2(k_write(v.wfd, buf, wrap), KITE_EFAULT, KITE_EINVAL);
  CHECK_ERR2(k_write(v.wp[1], buf, wrap), KITE_EFAULT, KITE_EINVAL);
  /* A positive length that wraps from the top of the address space. */
  CHECK_ERR(k_read(v.rfd, (void *)0xfffffffffffff000UL, 0x2000), KITE_EFAULT);
  CHECK_ERR(k_read(v.rpipe, (void *)0xfffffffffffff000UL, 0x2000), KITE_EFAULT);
  CHECK_ERR(k_write(v.wfd, (void *)0xfffffffffffff000UL, 0x2000), KITE_EFAULT);
  CHECK_ERR(k_write(v.wp[1], (void *)0xfffffffffffff000UL, 0x2000), KITE_EFAULT);
  CHECK_ERR(k_bench(KITE_BENCH_COPYIN, (void *)0xfffffffffffff000UL, 0x2000, 1), KITE_EFAULT);
  CHECK_ERR(k_bench(KITE_BENCH_COPYOUT, (void *)0xfffffffffffff000UL, 0x2000, 1), KITE_EFAULT);
  /* Values and strings in the last bytes before 2^64. */
  bad_both(__LINE__, &v, 0xfffffffffffffffeUL);
  bad_both(__LINE__, &v, 0xfffffffffffffff8UL);
  /* A record count whose byte size wraps to one record (80 * (2^60 + 1)
   * == 80 mod 2^64): refused, or the listing copied whole into a buffer
   * that holds it; never a partial or a wild copy. */
  n = CHECK_OK(k_mmaps(0, NULL, 0));
  CHECK(n > 0 && n <= 64);
  long r = k_mmaps(0, recs, (1UL << 60) + 1);
  if (r != -KITE_EFAULT && r != n)
    fail(__LINE__, "mmaps with a wrapping count = %s, expected EFAULT or %ld", errname(r), n);
  VICTIMS_CHECK(&v);
}

/* Huge lengths: refused whole when they leave user space; inside user
 * space a copy goes as far as the memory does. */
static void t_huge(void)
{
  static struct kite_mapping recs[64];
  struct victims v;
  long fd, n, r;
  int pp[2];

  VICTIMS_SETUP(&v);
  CHECK_ERR(k_read(v.rfd, buf, 1UL << 40), KITE_EFAULT);
  CHECK_ERR(k_read(v.rpipe, buf, 1UL << 40), KITE_EFAULT);
  CHECK_ERR(k_write(v.wfd, buf, 1UL << 40), KITE_EFAULT);
  CHECK_ERR(k_write(v.wp[1], buf, 1UL << 40), KITE_EFAULT);
  CHECK_ERR(k_write(1, buf, 1UL << 40), KITE_EFAULT);
  CHECK_ERR(k_read(v.rfd, buf, USER_TOP), KITE_EFAULT);
  /* ~0 and 1 << 63 are negative as a long: EINVAL is allowed. */
  CHECK_ERR2(k_read(v.rfd, buf, ~0UL), KITE_EFAULT, KITE_EINVAL);
  CHECK_ERR2(k_read(v.rfd, buf, 1UL << 63), KITE_EFAULT, KITE_EINVAL);
  CHECK_ERR2(k_write(v.wfd, buf, ~0UL), KITE_EFAULT, KITE_EINVAL);
  CHECK_ERR2(k_write(v.wp[1], buf, 1UL << 63), KITE_EFAULT, KITE_EINVAL);
  CHECK_ERR(k_bench(KITE_BENCH_COPYIN, buf, 1UL << 40, 1), KITE_EINVAL);
  n = CHECK_OK(k_mmaps(0, NULL, 0));
  CHECK(n > 0 && n <= 64);
  r = k_mmaps(0, recs, 1UL << 40);
  if (r != -KITE_EFAULT && r != n)
    fail(__LINE__, "mmaps(0, recs, 1 << 40) = %s, expected EFAULT or %ld", errname(r), n);
  VICTIMS_CHECK(&v);

  /* Two mapped pages, then a hole: a length reaching exactly to the top
   * of user space is legal, and the copy stops at the hole. */
  char *p = MAP_ANON(3, PROT_RW);
  memset(p, 'p', 3 * PG);
  CHECK_EQ(k_munmap((unsigned long)p + 2 * PG, PG), 0);
  unsigned long len = USER_TOP - (unsigned long)p;
  make_file(__LINE__, "ua_huge", 3 * PG, 3);
  fd = XOPEN("ua_huge", KITE_O_RDWR);
  CHECK_EQ(k_read(fd, p, len), 2 * PG);
  CHECK_EQ(OFFSET(fd), 2 * PG);
  CHECK_PATTERN(p, 2 * PG, 0, 3);
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_SET), 0);
  memset(p, 'q', 2 * PG);
  CHECK_EQ(k_write(fd, p, len), 2 * PG);
  CHECK_EQ(OFFSET(fd), 2 * PG);
  CHECK_EQ(FILE_SIZE(fd), 3 * PG);
  CHECK_EQ(k_read(fd, buf, PG), PG);        /* the third page is untouched */
  CHECK_PATTERN(buf, PG, 2 * PG, 3);
  k_close(fd);
  CHECK_OK(k_unlink("ua_huge"));
  CHECK_OK(k_pipe(pp));
  CHECK_EQ(k_write(pp[1], "xyz", 3), 3);
  CHECK_EQ(k_read(pp[0], p, len), 3);
  CHECK(memcmp(p, "xyz", 3) == 0);
  k_close(pp[0]);
  k_close(pp[1]);
}

/* A hole unmapped in the middle of a buffer. */
static void t_hole(void)
{
  struct victims v;
  char *p, *hole;
  long fd;

  VICTIMS_SETUP(&v);
  p = MAP_HOLE();
  hole = p + PG;
  bad_both(__LINE__, &v, (unsigned long)hole);
  bad_both(__LINE__, &v, (unsigned long)hole + PG / 2);
  bad_both(__LINE__, &v, (unsigned long)hole + PG - 2);
  edge_values(__LINE__, &v, (unsigned long)hole);
  edge_strings(__LINE__, &v, (unsigned long)hole);
  edge_rw(__LINE__, (unsigned long)hole, EDGE_SHORT);
  /* One read over all three pages stops at the hole. */
  fd = XOPEN(SRC, O_RD);
  CHECK_EQ(k_read(fd, p, 3 * PG), PG);
  CHECK_EQ(OFFSET(fd), PG);
  CHECK_PATTERN(p, PG, 0, 1);
  CHECK_ALL(p + 2 * PG, PG, 'h');            /* nothing landed beyond the hole */
  k_close(fd);
  VICTIMS_CHECK(&v);
}

/*
 * Path and argument strings against their limits, next to a hole:
 * no NUL within KITE_MAXPATH is ENAMETOOLONG even when the hole lies
 * further on; reaching the hole first is EFAULT.
 */
static void t_strings(void)
{
  char *p = MAP_HOLE(), *hole = p + PG, *s;
  char *argv[] = { REFUSE_NAME, NULL, NULL };
  int n;

  memset(p, 'n', PG);
  /* KITE_MAXPATH bytes without a NUL, all mapped: too long. */
  s = hole - KITE_MAXPATH - 16;
  CHECK_ERR(k_open(s, O_RD), KITE_ENAMETOOLONG);
  CHECK_ERR(k_open(s, O_NEW), KITE_ENAMETOOLONG);
  CHECK_ERR(k_mkdir(s), KITE_ENAMETOOLONG);
  CHECK_ERR(k_unlink(s), KITE_ENAMETOOLONG);
  CHECK_ERR(k_chdir(s), KITE_ENAMETOOLONG);
  CHECK_ERR(k_mknod(s), KITE_ENAMETOOLONG);
  CHECK_ERR(k_link(s, NEWNAME), KITE_ENAMETOOLONG);
  CHECK_ERR(k_link(SELF, s), KITE_ENAMETOOLONG);
  CHECK_ERR(k_exec(s, argv), KITE_ENAMETOOLONG);
  /* The same string nearer the hole: the hole comes first. */
  s = hole - KITE_MAXPATH + 16;
  CHECK_ERR(k_open(s, O_RD), KITE_EFAULT);
  CHECK_ERR(k_mkdir(s), KITE_EFAULT);
  CHECK_ERR(k_link(SELF, s), KITE_EFAULT);
  CHECK_ERR(k_exec(s, argv), KITE_EFAULT);
  /* KITE_MAXPATH - 1 bytes and the NUL as the last byte before the hole. */
  s = hole - KITE_MAXPATH;
  for (n = 0; n < KITE_MAXPATH - 1 - 5; n += 2)
    memcpy(s + n, "./", 2);
  memcpy(s + n, "ua_s1", 5);
  CHECK_EQ(n + 5, KITE_MAXPATH - 1);
  hole[-1] = 0;
  long fd = CHECK_OK(k_open(s, O_NEW));
  k_close(fd);
  CHECK_OK(k_unlink("ua_s1"));
  /* An argument string that runs into the hole, and one too long for
   * KITE_MAXARGLEN that does not. */
  memset(p, 'a', PG);
  argv[1] = hole - 50;
  CHECK_ERR(k_exec(SELF, argv), KITE_EFAULT);
  argv[1] = hole - KITE_MAXARGLEN - 64;
  CHECK_ERR2(k_exec(SELF, argv), KITE_E2BIG, KITE_ENAMETOOLONG);
  /* The caller is intact after all these failed execs. */
  CHECK_ALL(p, PG, 'a');
  CHECK(strcmp(rodata_text, "uaccesstests read-only data: the kernel must never write here") == 0);
}

/* The guard below the stack: no copy may go into it, and meeting it is
 * EFAULT for the system call, not a stack overflow that kills. */
static void t_guard(void)
{
  struct kite_mapping stack, g, below, after;
  struct victims v;
  long r;

  VICTIMS_SETUP(&v);
  g = find_guard(__LINE__, &stack);
  bad_both(__LINE__, &v, g.start);
  bad_both(__LINE__, &v, g.start + GUARD_SIZE / 2);
  bad_both(__LINE__, &v, g.end - 2);                    /* runs on into the stack */
  CHECK_ERR(k_read(v.rfd, (void *)(g.end - PG), 2 * PG), KITE_EFAULT);
  /* A buffer below the guard that runs into it: put a page there. */
  below = QUERY(g.start - 1);
  if (below.type == KITE_VM_FREE) {
    r = k_mmap(g.start - PG, PG, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0);
    if (r != (long)(g.start - PG))
      fail(__LINE__, "mmap FIXED at %#lx (below the guard) = %s", g.start - PG, errname(r));
  } else if (below.prot != PROT_RW) {
    fail(__LINE__, "below the guard: a mapping of type %u, prot %u", below.type, below.prot);
  }
  memset((char *)g.start - PG, 'g', PG);
  edge_values(__LINE__, &v, g.start);
  edge_strings(__LINE__, &v, g.start);
  edge_rw(__LINE__, g.start, EDGE_SHORT);
  /* The guard is still a guard, with no pages, and the stack has not grown. */
  after = QUERY(g.start);
  CHECK_EQ(after.type, KITE_VM_GUARD);
  CHECK_EQ(after.start, g.start);
  CHECK_EQ(after.end, g.end);
  CHECK_EQ(after.resident, 0);
  CHECK_EQ(QUERY(stack.end - 1).start, stack.start);
  VICTIMS_CHECK(&v);
}

/*
 * Kernel windows: Kite maps its RAM and its kernel stacks into every user
 * page table, without the U bit, so the copy routine can run on the
 * process's own table; mquery and mmaps report each as a KITE_VM_KERNEL
 * mapping. Every address in a window is as bad as any kernel address, a
 * user range that reaches into one is refused whole (as one reaching past
 * USER_TOP is), and nothing can be mapped over one. A kernel without
 * windows has nothing to test here (t_kernel covers its addresses).
 */
static void kwindow_edge_below(int line, struct victims *v, const struct kite_mapping *w)
{
  unsigned long a = w->start - PG;
  struct kite_mapping below;
  long r;

  if (k_mquery(a, &below) != 0 || below.type != KITE_VM_FREE)
    return;                                  /* something else lives there */
  r = k_mmap(a, PG, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0);
  if (r != (long)a)
    fail(line, "mmap FIXED at %#lx, below a kernel window = %s", a, errname(r));
  memset((char *)a, 'w', PG);
  edge_values(line, v, w->start);
  edge_rw(line, w->start, EDGE_REFUSED);
  edge_strings(line, v, w->start);
  if ((r = k_munmap(a, PG)) != 0)
    fail(line, "munmap(%#lx) = %s", a, errname(r));
}

static void kwindow_check(int line, struct victims *v, const struct kite_mapping *w)
{
  /* The RAM window holds the kernel image from 0x200000 in, the stack
   * window its stacks near the top. */
  const unsigned long probes[] = {
    w->start, w->start + 8, w->start + 0x200000, w->start + 0x201000,
    w->start + (w->end - w->start) / 2, w->end - 3 * PG, w->end - 2 * PG, w->end - PG,
    w->end - 2,
  };
  long r;

  if (w->prot != KITE_PROT_NONE || (w->start & (PG - 1)) || w->end <= w->start)
    fail(line, "kernel window [%#lx, %#lx) has prot %u", (unsigned long)w->start,
         (unsigned long)w->end, w->prot);
  for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++)
    if (probes[i] < w->end)
      bad_both(line, v, probes[i]);
  r = k_mmap(w->start, PG, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0);
  if (r != -KITE_ENOMEM && r != -KITE_EINVAL)
    fail(line, "mmap FIXED over the kernel window at %#lx = %s", (unsigned long)w->start,
         errname(r));
  r = k_mmap(w->end - PG, 2 * PG, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0);
  if (r != -KITE_ENOMEM && r != -KITE_EINVAL)
    fail(line, "mmap FIXED across the end of the kernel window at %#lx = %s",
         (unsigned long)w->end, errname(r));
  if ((r = k_munmap(w->start, PG)) != -KITE_EINVAL)
    fail(line, "munmap of the kernel window at %#lx = %s, expected EINVAL",
         (unsigned long)w->start, errname(r));
  r = k_mprotect(w->start, PG, PROT_RW);
  if (!is_err(r))
    fail(line, "mprotect of the kernel window at %#lx succeeded", (unsigned long)w->start);
  kwindow_edge_below(line, v, w);
  /* The window is unchanged. */
  struct kite_mapping after = query(line, w->start);
  if (after.type != KITE_VM_KERNEL || after.start != w->start || after.end != w->end)
    fail(line, "the kernel window at %#lx changed: type %u, [%#lx, %#lx)",
         (unsigned long)w->start, after.type, (unsigned long)after.start,
         (unsigned long)after.end);
}

static void t_kwindow(void)
{
  static struct kite_mapping recs[64];
  struct victims v;
  long n;

  VICTIMS_SETUP(&v);
  n = CHECK_OK(k_mmaps(0, recs, 64));
  CHECK(n <= 64);
  for (long i = 0; i < n; i++)
    if (recs[i].type == KITE_VM_KERNEL)
      kwindow_check(__LINE__, &v, &recs[i]);
  VICTIMS_CHECK(&v);
}

/* Read-only memory (text, rodata, a PROT_READ mapping) is no write
 * target; reading it is fine. */
static void t_readonly(void)
{
  unsigned long text = (unsigned long)&t_readonly;
  unsigned long ro = (unsigned long)rodata_text;
  static char text_copy[256];
  struct kite_mapping m;
  struct victims v;
  char *rp;
  long fd;

  VICTIMS_SETUP(&v);
  m = QUERY(text);
  CHECK_EQ(m.type, KITE_VM_CODE);
  CHECK_EQ(m.prot, KITE_PROT_READ | KITE_PROT_EXEC);
  memcpy(text_copy, (void *)text, sizeof text_copy);
  bad_outputs(__LINE__, &v, text);
  bad_outputs(__LINE__, &v, (unsigned long)&main);
  bad_outputs(__LINE__, &v, (unsigned long)&bad_outputs);
  bad_outputs(__LINE__, &v, ro);
  rp = MAP_ANON(2, KITE_PROT_READ);
  bad_outputs(__LINE__, &v, (unsigned long)rp);
  bad_outputs(__LINE__, &v, (unsigned long)rp + PG + 100);
  CHECK(memcmp(text_copy, (void *)text, sizeof text_copy) == 0);
  CHECK(strcmp(rodata_text, "uaccesstests read-only data: the kernel must never write here") == 0);
  CHECK_ALL(rp, 2 * PG, 0);
  /* As a source, read-only memory works: text and rodata reach the file,
   * and an untouched PROT_READ page reads as zeros. */
  fd = XOPEN("ua_ro", O_NEW);
  CHECK_EQ(k_write(fd, (void *)text, sizeof text_copy), sizeof text_copy);
  CHECK_EQ(k_write(fd, rodata_text, sizeof rodata_text), sizeof rodata_text);
  CHECK_EQ(k_write(fd, rp, PG), PG);
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_SET), 0);
  CHECK_EQ(k_read(fd, buf, sizeof buf), sizeof text_copy + sizeof rodata_text + PG);
  CHECK(memcmp(buf, text_copy, sizeof text_copy) == 0);
  CHECK(memcmp(buf + sizeof text_copy, rodata_text, sizeof rodata_text) == 0);
  CHECK_ALL(buf + sizeof text_copy + sizeof rodata_text, PG, 0);
  k_close(fd);
  CHECK_OK(k_unlink("ua_ro"));
  VICTIMS_CHECK(&v);
}

/* PROT_NONE memory: neither read nor written, whole or in part. */
static void t_protnone(void)
{
  struct victims v;
  char *pn, *q;

  VICTIMS_SETUP(&v);
  pn = MAP_ANON(2, KITE_PROT_NONE);
  bad_both(__LINE__, &v, (unsigned long)pn);
  bad_both(__LINE__, &v, (unsigned long)pn + PG + 123);
  CHECK_EQ(QUERY((unsigned long)pn).resident, 0);
  /* A read-write page followed by a page made PROT_NONE. */
  q = MAP_ANON(2, PROT_RW);
  memset(q, 'q', 2 * PG);
  CHECK_EQ(k_mprotect((unsigned long)q + PG, PG, KITE_PROT_NONE), 0);
  edge_values(__LINE__, &v, (unsigned long)q + PG);
  edge_strings(__LINE__, &v, (unsigned long)q + PG);
  edge_rw(__LINE__, (unsigned long)q + PG, EDGE_SHORT);
  /* Nothing reached the protected page. */
  CHECK_EQ(k_mprotect((unsigned long)q + PG, PG, KITE_PROT_READ), 0);
  CHECK_ALL(q + PG, PG, 'q');
  VICTIMS_CHECK(&v);
}

/*
 * Copy-on-write pages as targets of the kernel's copies. Two areas: a page
 * of bss and a private anonymous mapping, both touched before the fork.
 * The child has the kernel write into its pages (read, pipe read, fstat,
 * wait, clock, sysinfo); the parent must not see it. Then the parent has
 * the kernel write into a page still shared; the child must not see that.
 */
static char cow_bss[3 * PG] __attribute__((aligned(PG)));

static void cow_child(char *area, int to_child, int to_parent, int data_pipe)
{
  struct kite_stat st;
  long fd, pid;
  char c;

  fd = XOPEN("ua_cowc", O_RD);
  CHECK_EQ(k_read(fd, area, PG), PG);
  CHECK_ALL(area, PG, 'C');
  CHECK_EQ(k_fstat(fd, area + 2 * PG), 0);
  memcpy(&st, area + 2 * PG, sizeof st);
  CHECK_EQ(st.st_size, PG);
  k_close(fd);
  CHECK_EQ(k_read(data_pipe, area + 2 * PG + 64, 5), 5);
  CHECK(memcmp(area + 2 * PG + 64, "pipe!", 5) == 0);
  pid = XFORK();
  if (pid == 0)
    k_exit(9);
  CHECK_EQ(k_wait(area + 2 * PG + 128), pid);
  CHECK_EQ(*(int *)(area + 2 * PG + 128), 9);
  CHECK_OK(k_clock(area + 2 * PG + 256));
  CHECK_OK(k_sysinfo(area + 2 * PG + 512));
  CHECK_EQ(k_write(to_parent, "1", 1), 1);
  CHECK_EQ(k_read(to_child, &c, 1), 1);
  /* The parent's read into the page we still shared is not ours. */
  CHECK_ALL(area + PG, PG, 'P');
  k_exit(0);
}

static void cow_round(char *area)
{
  int to_child[2], to_parent[2], data[2];
  long pid, fd;
  char c;

  memset(area, 'P', 3 * PG);
  CHECK_OK(k_pipe(to_child));
  CHECK_OK(k_pipe(to_parent));
  CHECK_OK(k_pipe(data));
  CHECK_EQ(k_write(data[1], "pipe!", 5), 5);
  pid = XFORK();
  if (pid == 0) {
    /* Each side keeps only its own ends, so a peer that dies is seen
     * as end-of-file rather than waited for forever. */
    k_close(to_child[1]);
    k_close(to_parent[0]);
    k_close(data[1]);
    cow_child(area, to_child[0], to_parent[1], data[0]);
  }
  k_close(to_child[0]);
  k_close(to_parent[1]);
  CHECK_EQ(k_read(to_parent[0], &c, 1), 1);
  /* The child's writes landed in its copies only. */
  CHECK_ALL(area, 3 * PG, 'P');
  fd = XOPEN("ua_cowp", O_RD);
  CHECK_EQ(k_read(fd, area + PG, PG), PG);
  CHECK_ALL(area + PG, PG, 'Q');
  k_close(fd);
  CHECK_EQ(k_write(to_child[1], "2", 1), 1);
  CHECK_SOLE_EXIT(pid, 0);
  CHECK_ALL(area, PG, 'P');
  CHECK_ALL(area + PG, PG, 'Q');
  CHECK_ALL(area + 2 * PG, PG, 'P');
  k_close(to_child[1]);
  k_close(to_parent[0]);
  k_close(data[0]);
  k_close(data[1]);
}

static void t_cow(void)
{
  long fd;

  memset(buf, 'C', PG);
  fd = XOPEN("ua_cowc", O_NEW);
  CHECK_EQ(k_write(fd, buf, PG), PG);
  k_close(fd);
  memset(buf, 'Q', PG);
  fd = XOPEN("ua_cowp", O_NEW);
  CHECK_EQ(k_write(fd, buf, PG), PG);
  k_close(fd);
  cow_round(cow_bss);
  cow_round(MAP_ANON(3, PROT_RW));
  CHECK_OK(k_unlink("ua_cowc"));
  CHECK_OK(k_unlink("ua_cowp"));
}

/*
 * Never-touched lazy pages: as a target the kernel materialises them and
 * the data is there; as a source they read as zeros. Both for an
 * anonymous mapping and for heap pages just added by sbrk.
 */
static void lazy_area(int line, char *p, long npages)
{
  struct kite_stat st;
  long fd, r;
  int fds[2];

  (void)npages;
  make_file(line, "ua_lazy", 2 * PG, 4);
  fd = xopen(line, "ua_lazy", KITE_O_RDWR);
  if ((r = k_read(fd, p, 2 * PG)) != 2 * PG)
    fail(line, "read(file) into never-touched pages = %s", errname(r));
  if (check_pattern(p, 2 * PG, 0, 4) >= 0)
    fail(line, "read(file) into never-touched pages: wrong data");
  /* A never-touched page as a write() source: zeros reach the file. */
  if ((r = k_write(fd, p + 2 * PG, PG)) != PG)
    fail(line, "write(file) from a never-touched page = %s", errname(r));
  k_lseek(fd, 2 * PG, KITE_SEEK_SET);
  if (k_read(fd, buf, PG) != PG || first_not(buf, PG, 0) >= 0)
    fail(line, "write(file) from a never-touched page did not write zeros");
  /* Values into a never-touched page. */
  if ((r = k_fstat(fd, p + 3 * PG)) != 0)
    fail(line, "fstat into a never-touched page = %s", errname(r));
  memcpy(&st, p + 3 * PG, sizeof st);
  if (st.st_size != 3 * PG)
    fail(line, "fstat into a never-touched page: size %ld", (long)st.st_size);
  k_close(fd);
  if ((r = k_pipe(p + 3 * PG + 64)) != 0)
    fail(line, "pipe into a never-touched page = %s", errname(r));
  memcpy(fds, p + 3 * PG + 64, sizeof fds);
  if (k_write(fds[1], "z", 1) != 1 || k_read(fds[0], buf, 1) != 1 || buf[0] != 'z')
    fail(line, "the pipe made into a never-touched page does not work");
  k_close(fds[0]);
  k_close(fds[1]);
  k_unlink("ua_lazy");
}

static void t_lazy(void)
{
  struct kite_mapping m;
  char *p, *h;
  long brk, pad;

  p = MAP_ANON(4, PROT_RW);
  m = QUERY((unsigned long)p);
  CHECK_EQ(m.resident, 0);
  CHECK(m.flags & KITE_VMF_LAZY);
  lazy_area(__LINE__, p, 4);
  CHECK(QUERY((unsigned long)p).resident >= 2);
  /* Heap pages just added by sbrk are lazy too. */
  brk = CHECK_OK(k_sbrk(0));
  pad = (-brk) & (PG - 1);
  CHECK_OK(k_sbrk(pad + 4 * PG));
  h = (char *)(brk + pad);
  lazy_area(__LINE__, h, 4);
}

/* ------------------------------------------------------------------------ */
/* The fault-injection knob                                                  */

/* Inject after 100 bytes, then read 4096 of a file: 100 arrive, the
 * offset is 100, the rest comes with the next read (the knob is
 * one-shot); nothing is written past the 100 bytes. */
static void t_inject_read(void)
{
  long fd;

  MAKE_FILE("ua_inj", 2 * PG, 5);
  fd = XOPEN("ua_inj", O_RD);
  memset(buf, 0x5a, 2 * PG);
  CHECK_EQ(k_inject(100), 0);
  CHECK_EQ(k_read(fd, buf, PG), 100);
  CHECK_EQ(OFFSET(fd), 100);
  CHECK_PATTERN(buf, 100, 0, 5);
  CHECK_ALL(buf + 100, PG - 100, 0x5a);
  CHECK_EQ(k_read(fd, buf + 100, PG), PG);
  CHECK_PATTERN(buf, PG + 100, 0, 5);
  /* Off again with -1: an armed knob can be disarmed. */
  CHECK_EQ(k_inject(10), 0);
  CHECK_EQ(k_inject(-1), 0);
  CHECK_EQ(k_read(fd, buf, PG), PG - 100);
  CHECK_PATTERN(buf, PG - 100, PG + 100, 5);
  /* A fault after the last byte of a short read changes nothing. */
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_SET), 0);
  CHECK_EQ(k_inject(1), 0);
  CHECK_EQ(k_read(fd, buf, 3 * PG), 1);
  CHECK_EQ(OFFSET(fd), 1);
  k_close(fd);
  CHECK_OK(k_unlink("ua_inj"));
}

/* Inject after 100 bytes, then write 4096: exactly 100 reach the file. */
static void t_inject_write(void)
{
  long fd;

  fill_pattern(buf, PG, 0, 6);
  fd = XOPEN("ua_inj", O_NEW);
  CHECK_EQ(k_inject(100), 0);
  CHECK_EQ(k_write(fd, buf, PG), 100);
  CHECK_EQ(FILE_SIZE(fd), 100);
  CHECK_EQ(OFFSET(fd), 100);
  CHECK_EQ(k_write(fd, buf + 100, PG - 100), PG - 100);
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_SET), 0);
  memset(buf2, 0, PG);
  CHECK_EQ(k_read(fd, buf2, 2 * PG), PG);
  CHECK_PATTERN(buf2, PG, 0, 6);
  /* A write past a block boundary, failing in the second block. */
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_SET), 0);
  CHECK_EQ(k_inject(1500), 0);
  CHECK_EQ(k_write(fd, buf2, PG), 1500);
  CHECK_EQ(OFFSET(fd), 1500);
  k_close(fd);
  CHECK_OK(k_unlink("ua_inj"));
}

/* Pipes: what a short read did not deliver stays; a short write puts in
 * exactly what it says. */
static void t_inject_pipe(void)
{
  int p[2];

  /* Write ends are closed before reading: lost bytes show as a short
   * count or end-of-file, not as a read that blocks. */
  CHECK_OK(k_pipe(p));
  fill_pattern(buf, 1000, 0, 7);
  CHECK_EQ(k_write(p[1], buf, 1000), 1000);
  k_close(p[1]);
  CHECK_EQ(k_inject(100), 0);
  CHECK_EQ(k_read(p[0], buf2, 1000), 100);
  CHECK_PATTERN(buf2, 100, 0, 7);
  CHECK_EQ(k_read(p[0], buf2, 2000), 900);
  CHECK_PATTERN(buf2, 900, 100, 7);
  CHECK_EQ(k_read(p[0], buf2, 2000), 0);
  k_close(p[0]);

  CHECK_OK(k_pipe(p));
  CHECK_EQ(k_inject(100), 0);
  CHECK_EQ(k_write(p[1], buf, 1000), 100);
  CHECK_EQ(k_write(p[1], "!", 1), 1);
  k_close(p[1]);
  CHECK_EQ(k_read(p[0], buf2, 2000), 101);
  CHECK_PATTERN(buf2, 100, 0, 7);
  CHECK_EQ(buf2[100], '!');
  CHECK_EQ(k_read(p[0], buf2, 2000), 0);
  k_close(p[0]);
}

/* Injecting at 0: nothing moves, -EFAULT, and all data stays. */
static void t_inject_zero(void)
{
  long fd;
  int p[2];

  MAKE_FILE("ua_inj", 500, 8);
  fd = XOPEN("ua_inj", KITE_O_RDWR);
  CHECK_EQ(k_inject(0), 0);
  CHECK_ERR(k_read(fd, buf, 500), KITE_EFAULT);
  CHECK_EQ(OFFSET(fd), 0);
  CHECK_EQ(k_read(fd, buf, 1000), 500);
  CHECK_PATTERN(buf, 500, 0, 8);
  CHECK_EQ(k_inject(0), 0);
  CHECK_ERR(k_write(fd, buf, 500), KITE_EFAULT);
  CHECK_EQ(FILE_SIZE(fd), 500);
  CHECK_EQ(OFFSET(fd), 500);
  k_close(fd);
  CHECK_OK(k_unlink("ua_inj"));

  CHECK_OK(k_pipe(p));
  CHECK_EQ(k_write(p[1], "hello", 5), 5);
  CHECK_EQ(k_inject(0), 0);
  CHECK_ERR(k_read(p[0], buf, 5), KITE_EFAULT);
  CHECK_EQ(k_inject(0), 0);
  CHECK_ERR(k_write(p[1], "world", 5), KITE_EFAULT);
  k_close(p[1]);
  CHECK_EQ(k_read(p[0], buf, 100), 5);
  CHECK(memcmp(buf, "hello", 5) == 0);
  CHECK_EQ(k_read(p[0], buf, 100), 0);
  k_close(p[0]);
}

/* Value copies failing part-way: all-or-nothing, no side effects. */
static void t_inject_values(void)
{
  struct kite_stat st;
  struct kite_time t;
  struct kite_sysinfo si;
  struct kite_mapping m;
  long fds_before = lowest_free_fd(), pid, fd;
  int fds[2], status = 0;

  CHECK_EQ(k_inject(4), 0);
  CHECK_ERR(k_fstat(1, &st), KITE_EFAULT);
  CHECK_EQ(k_fstat(1, &st), 0);
  /* pipe: the first descriptor copied, the second not: both undone. */
  CHECK_EQ(k_inject(4), 0);
  CHECK_ERR(k_pipe(fds), KITE_EFAULT);
  CHECK_EQ(lowest_free_fd(), fds_before);
  CHECK_EQ(k_inject(8), 0);
  CHECK_ERR(k_clock(&t), KITE_EFAULT);
  CHECK_EQ(k_inject(8), 0);
  CHECK_ERR(k_sysinfo(&si), KITE_EFAULT);
  CHECK_EQ(k_inject(0), 0);
  CHECK_ERR(k_mquery((unsigned long)&t_inject_values, &m), KITE_EFAULT);
  CHECK_EQ(k_inject(40), 0);
  CHECK_ERR(k_mmaps(0, &m, 1), KITE_EFAULT);
  /* wait: the status cannot be delivered, so the child stays a zombie. */
  pid = XFORK();
  if (pid == 0)
    k_exit(5);
  CHECK_EQ(k_inject(2), 0);
  CHECK_ERR(k_wait(&status), KITE_EFAULT);
  CHECK_EQ(k_wait(&status), pid);
  CHECK_EQ(status, 5);
  /* Paths: the string copy fails after two bytes. */
  MAKE_FILE("ua_inj", 1, 9);
  CHECK_EQ(k_inject(2), 0);
  CHECK_ERR(k_open("ua_inj", O_RD), KITE_EFAULT);
  CHECK_EQ(k_inject(2), 0);
  CHECK_ERR(k_unlink("ua_inj"), KITE_EFAULT);
  CHECK_EQ(k_inject(5), 0);
  CHECK_ERR(k_link("ua_inj", "ua_inj2"), KITE_EFAULT);
  CHECK_ERR(k_open("ua_inj2", O_RD), KITE_ENOENT);
  fd = CHECK_OK(k_open("ua_inj", O_RD));
  k_close(fd);
  CHECK_OK(k_unlink("ua_inj"));
  CHECK_EQ(lowest_free_fd(), fds_before);
}

/*
 * exec failing at every byte of its argument copies: inject n = 0, 1, 2,
 * ... and exec; each attempt fails with -EFAULT and leaves the caller
 * intact, until n covers every copy and the exec goes through (the new
 * image refuses its argv[0] and exits REFUSED_STATUS).
 */
static void t_inject_exec(void)
{
  static int sentinel = 1234;
  long pid = XFORK();

  if (pid == 0) {
    char *argv[] = { REFUSE_NAME, "some-argument", NULL };
    for (long n = 0; n < 400; n++) {
      CHECK_EQ(k_inject(n), 0);
      long r = k_exec(SELF, argv);
      k_inject(-1);
      if (r != -KITE_EFAULT)
        fail(__LINE__, "exec with a fault after %ld bytes = %s, expected EFAULT", n, errname(r));
      CHECK_EQ(sentinel, 1234);
      CHECK(strcmp(argv[1], "some-argument") == 0);
    }
    k_exit(4);        /* never got through */
  }
  CHECK_SOLE_EXIT(pid, REFUSED_STATUS);
}

/* ------------------------------------------------------------------------ */
/* Hostile addresses for the calls that take addresses, not buffers          */

/*
 * Kite's user space reaches up to USER_TOP (256 GiB), so the addresses
 * where the kernel lives in its own page table (RAM from 0x80000000) are
 * user addresses here: mmap there is either refused or gives ordinary
 * user memory, which the kernel's copies then treat like any other.
 */
static void kernel_range_mapping(int line, unsigned long a, long fd)
{
  long r = k_mmap(a, PG, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0);
  char *p = (char *)a;

  if (r == -KITE_ENOMEM || r == -KITE_EINVAL)
    return;
  if (r != (long)a)
    fail(line, "mmap FIXED at %#lx = %s, expected it or ENOMEM/EINVAL", a, errname(r));
  memset(p, 'k', PG);
  k_lseek(fd, 0, KITE_SEEK_SET);
  if ((r = k_read(fd, p, 100)) != 100 || check_pattern(p, 100, 0, 1) >= 0)
    fail(line, "read into a mapping at %#lx = %s", a, errname(r));
  if ((r = k_munmap(a, PG)) != 0)
    fail(line, "munmap(%#lx) = %s", a, errname(r));
  if ((r = k_read(fd, p, 1)) != -KITE_EFAULT)
    fail(line, "read into %#lx after munmap = %s, expected EFAULT", a, errname(r));
}

static void t_mman_args(void)
{
  static const unsigned long above[] = {
    USER_TOP, USER_TOP + PG, TRAPFRAME, TRAMPOLINE, SV39_TOP, 0xffffffc000000000UL,
  };
  static const unsigned long kernel_ram[] = { 0x80000000UL, 0x80200000UL, 0x80201000UL };
  struct kite_mapping m;
  long r, old, fd;
  char *p;

  MAKE_FILE(SRC, SRC_LEN, 1);
  fd = XOPEN(SRC, O_RD);
  for (unsigned i = 0; i < sizeof kernel_ram / sizeof kernel_ram[0]; i++)
    kernel_range_mapping(__LINE__, kernel_ram[i], fd);
  k_close(fd);
  for (unsigned i = 0; i < sizeof above / sizeof above[0]; i++) {
    unsigned long a = above[i];
    r = k_mmap(a, PG, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0);
    if (r != -KITE_ENOMEM)
      fail(__LINE__, "mmap FIXED at %#lx = %s, expected ENOMEM", a, errname(r));
    r = k_munmap(a, PG);
    if (r != -KITE_EINVAL)
      fail(__LINE__, "munmap(%#lx) = %s, expected EINVAL", a, errname(r));
    r = k_mprotect(a, PG, KITE_PROT_READ);
    if (r != -KITE_EINVAL && r != -KITE_ENOMEM)
      fail(__LINE__, "mprotect(%#lx) = %s, expected EINVAL or ENOMEM", a, errname(r));
    /* A hint is only a hint: Kite picks a user address instead. */
    r = k_mmap(a, PG, PROT_RW, MAP_ANON_PRIV, -1, 0);
    if (is_err(r) || (unsigned long)r >= USER_TOP || r == 0)
      fail(__LINE__, "mmap with hint %#lx = %s, expected a user address", a, errname(r));
    *(volatile char *)r = 1;
    CHECK_EQ(k_munmap(r, PG), 0);
    /* A query beyond user space finds a hole or an error; never a mapping. */
    r = k_mquery(a, &m);
    if (r == 0 && m.type != KITE_VM_FREE)
      fail(__LINE__, "mquery(%#lx) reports a mapping of type %u", a, m.type);
  }
  /* Ranges that straddle the top of user space or wrap (EINVAL allowed
   * for a range whose end wraps). */
  CHECK_ERR2(k_mmap(USER_TOP - PG, 2 * PG, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0),
             KITE_ENOMEM, KITE_EINVAL);
  CHECK_ERR2(k_mmap(0xfffffffffffff000UL, PG, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0),
             KITE_ENOMEM, KITE_EINVAL);
  CHECK_ERR2(k_mmap(0xfffffffffffff000UL, 0x2000, PROT_RW, MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0),
             KITE_ENOMEM, KITE_EINVAL);
  CHECK_ERR(k_munmap(0xfffffffffffff000UL, 0x2000), KITE_EINVAL);
  CHECK_ERR(k_munmap(USER_TOP - PG, 2 * PG), KITE_EINVAL);
  p = MAP_ANON(1, PROT_RW);
  CHECK_ERR2(k_mmap((unsigned long)p, ~0UL - (unsigned long)p + 2, PROT_RW,
                    MAP_ANON_PRIV | KITE_MAP_FIXED, -1, 0), KITE_ENOMEM, KITE_EINVAL);
  CHECK_ERR(k_munmap((unsigned long)p, ~0UL - (unsigned long)p + 2), KITE_EINVAL);
  CHECK_ERR2(k_mprotect((unsigned long)p, ~0UL - (unsigned long)p + 2, KITE_PROT_READ),
             KITE_ENOMEM, KITE_EINVAL);
  /* Huge lengths. */
  CHECK_ERR(k_mmap(0, 1UL << 40, PROT_RW, MAP_ANON_PRIV, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_mmap(0, ~0UL & ~(unsigned long)(PG - 1), PROT_RW, MAP_ANON_PRIV, -1, 0), KITE_ENOMEM);
  CHECK_ERR(k_munmap((unsigned long)p, 1UL << 40), KITE_EINVAL);
  CHECK_ERR2(k_mprotect((unsigned long)p, 1UL << 40, KITE_PROT_READ), KITE_ENOMEM, KITE_EINVAL);
  /* p is still there and still writable. */
  memset(p, 'p', PG);
  CHECK_EQ(k_munmap((unsigned long)p, PG), 0);
  /* mmaps of processes that do not exist. */
  CHECK_ERR(k_mmaps(-1, &m, 1), KITE_ESRCH);
  CHECK_ERR(k_mmaps(1000000, &m, 1), KITE_ESRCH);
  CHECK_OK(k_unlink(SRC));

  /* The break: a hostile target leaves it where it was. */
  old = CHECK_OK(k_sbrk(0));
  CHECK_EQ(k_brk(USER_TOP), old);
  CHECK_EQ(k_brk(SV39_TOP), old);
  CHECK_EQ(k_brk(~0UL), old);
  CHECK_EQ(k_brk(1UL << 63), old);
  CHECK_EQ(k_brk(0), old);
  CHECK_ERR(k_sbrk(1L << 40), KITE_ENOMEM);
  CHECK(is_err(k_sbrk(-(1L << 40))));
  CHECK(is_err(k_sbrk((long)(1UL << 63))));
  CHECK_EQ(k_sbrk(0), old);
}

/* SYS_bench's own argument checks; its hostile buffers are in the classes. */
static void t_bench_args(void)
{
  char *p = MAP_HOLE();

  CHECK_ERR(k_bench(KITE_BENCH_COPYIN, buf, 0, 1), KITE_EINVAL);
  CHECK_ERR(k_bench(KITE_BENCH_COPYIN, buf, KITE_BENCH_MAXSIZE + 1, 1), KITE_EINVAL);
  CHECK_ERR(k_bench(KITE_BENCH_COPYOUT, buf, 1UL << 40, 1), KITE_EINVAL);
  CHECK_ERR(k_bench(99, buf, 64, 1), KITE_EINVAL);
  CHECK_OK(k_bench(KITE_BENCH_MEMCPY, buf, 4096, 1));
  CHECK_OK(k_bench(KITE_BENCH_COPYIN, buf, sizeof buf, 2));
  CHECK_OK(k_bench(KITE_BENCH_COPYOUT, buf, sizeof buf, 2));
  /* Buffers that run into the hole part-way. */
  CHECK_ERR(k_bench(KITE_BENCH_COPYIN, p, 2 * PG, 1), KITE_EFAULT);
  CHECK_ERR(k_bench(KITE_BENCH_COPYOUT, p + 100, PG, 1), KITE_EFAULT);
  CHECK_OK(k_bench(KITE_BENCH_COPYOUT, p, PG, 1));
}

/* A process in a long SYS_bench can be killed: a million iterations of
 * 1 MiB would otherwise hold it (and the bench buffers) for hours. The
 * child says it is about to start; the kill comes once it is in the call.
 * Before the fix this test hung until the harness gave up on it. */
static void t_bench_kill(void)
{
  int fds[2];
  CHECK_OK(k_pipe(fds));
  long pid = XFORK();
  if (pid == 0) {
    k_write(fds[1], "b", 1);
    k_bench(KITE_BENCH_MEMCPY, buf, KITE_BENCH_MAXSIZE, 1000000);
    k_exit(7);                        /* the kill must not wait for this */
  }
  CHECK_EQ(k_read(fds[0], buf2, 1), 1);
  KSYS1(SYS_sleep, 10);
  CHECK_OK(KSYS1(SYS_kill, pid));
  CHECK_EXIT(pid, -1);
  k_close(fds[0]);
  k_close(fds[1]);
  CHECK_OK(k_bench(KITE_BENCH_MEMCPY, buf, 4096, 1));   /* not left busy */
}

/* ------------------------------------------------------------------------ */
/* The suite                                                                 */

static const struct ktest tests[] = {
  /* hostile classes */
  { "null",          t_null,          KTEST_NORMAL },
  { "kernel",        t_kernel,        KTEST_NORMAL },
  { "top",           t_top,           KTEST_NORMAL },
  { "wrap",          t_wrap,          KTEST_NORMAL },
  { "huge",          t_huge,          KTEST_NORMAL },
  { "hole",          t_hole,          KTEST_NORMAL },
  { "strings",       t_strings,       KTEST_NORMAL },
  { "guard",         t_guard,         KTEST_NORMAL },
  { "kwindow",       t_kwindow,       KTEST_NORMAL },
  { "readonly",      t_readonly,      KTEST_NORMAL },
  { "protnone",      t_protnone,      KTEST_NORMAL },
  { "cow",           t_cow,           KTEST_NORMAL },
  { "lazy",          t_lazy,          KTEST_NORMAL },
  /* the fault-injection knob */
  { "inject_read",   t_inject_read,   KTEST_NORMAL },
  { "inject_write",  t_inject_write,  KTEST_NORMAL },
  { "inject_pipe",   t_inject_pipe,   KTEST_NORMAL },
  { "inject_zero",   t_inject_zero,   KTEST_NORMAL },
  { "inject_values", t_inject_values, KTEST_NORMAL },
  { "inject_exec",   t_inject_exec,   KTEST_SLOW },
  /* address arguments */
  { "mman_args",     t_mman_args,     KTEST_NORMAL },
  { "bench_args",    t_bench_args,    KTEST_NORMAL },
  { "bench_kill",    t_bench_kill,    KTEST_NORMAL },
};

static const char *refused_text(int st)
{
  if (st == REFUSED_STATUS)
    return "exited 3: an exec that should have failed ran this program";
  return NULL;
}

static const struct ktest_suite suite = {
  .name = "uaccesstests",
  .tests = tests,
  .ntests = sizeof tests / sizeof tests[0],
  .leaks = KTEST_LEAKS_EACH,
  /* An exec a test expected to fail that went through has argv[0]
   * REFUSE_NAME or worse. */
  .refuse_status = REFUSED_STATUS,
  .explain_status = refused_text,
};

int main(int argc, char **argv)
{
  return ktest_main(argc, argv, &suite);
}
