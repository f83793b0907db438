/*
 * usertests: Kite's in-QEMU test suite of the system-call interface.
 *
 *   usertests [-q] [-l] [-a NAME] [NAME...]
 *
 * The flags, the output protocol and how each test runs in a child of its
 * own are the test runner's: see user/lib/ktest.h. Here -q also makes a
 * few tests use smaller counts. The suite as a whole must give its pages
 * back (the "leaks" entry, last in the table), within LEAK_SLACK.
 *
 * Tests call the kernel through kite_syscall(), which returns the raw
 * result (a negative KITE_E* number on failure), so every error number is
 * checked exactly and no C-library wrapper can hide a kernel mistake.
 *
 * Every test works in the root directory with names that start with
 * "ut_", and removes what it created.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"

#define PG              KITE_PGSIZE
#define EXEC_FAIL_BASE  20000    /* exec helper child: EXEC_FAIL_BASE + errno of exec */
#define SELF            "/usertests"
#define ECHO_NAME       "ut-echo" /* argv[0] that makes this program echo its argv */
#define REFUSE_NAME     "ut-refuse" /* argv[0] that makes this program exit 3 */
#define REFUSED_STATUS  3

/*
 * Free pages the whole suite may leave behind (the "leaks" entry): pages
 * the runner itself faults in lazily as it goes (stack and stdio buffer
 * pages and the page-table pages that map them). The runner warms these
 * up before the baseline is taken, so real leaks of even one page per
 * test exceed the slack after a few tests.
 */
#define LEAK_SLACK      16
/* Free pages a single grow-then-release test may leave (page-table pages). */
#define PT_SLACK        8

static char buf[16384];
static char buf2[16384];

/* ------------------------------------------------------------------------ */
/* Raw system calls                                                          */

static long k_fork(void)                  { return KSYS0(SYS_fork); }
static __attribute__((noreturn)) void k_exit(long st) { KSYS1(SYS_exit, st); for (;;) ; }
static long k_wait(int *st)               { return KSYS1(SYS_wait, st); }
static long k_pipe(int *fds)              { return KSYS1(SYS_pipe, fds); }
static long k_read(long fd, void *p, long n)        { return KSYS3(SYS_read, fd, p, n); }
static long k_write(long fd, const void *p, long n) { return KSYS3(SYS_write, fd, p, n); }
static long k_kill(long pid)              { return KSYS1(SYS_kill, pid); }
static long k_exec(const char *path, char *const argv[]) { return KSYS2(SYS_exec, path, argv); }
static long k_fstat(long fd, struct kite_stat *st) { return KSYS2(SYS_fstat, fd, st); }
static long k_chdir(const char *path)     { return KSYS1(SYS_chdir, path); }
static long k_dup(long fd)                { return KSYS1(SYS_dup, fd); }
static long k_getpid(void)                { return KSYS0(SYS_getpid); }
static long k_getppid(void)               { return KSYS0(SYS_getppid); }
static long k_sbrk(long n)                { return KSYS2(SYS_sbrk, n, KITE_SBRK_LAZY); }
static long k_sleep(long ticks)           { return KSYS1(SYS_sleep, ticks); }
static long k_uptime(void)                { return KSYS0(SYS_uptime); }
static long k_open(const char *path, long flags) { return KSYS2(SYS_open, path, flags); }
static long k_unlink(const char *path)    { return KSYS1(SYS_unlink, path); }
static long k_link(const char *a, const char *b) { return KSYS2(SYS_link, a, b); }
static long k_mkdir(const char *path)     { return KSYS1(SYS_mkdir, path); }
static long k_close(long fd)              { return KSYS1(SYS_close, fd); }
static long k_lseek(long fd, long off, long whence) { return KSYS3(SYS_lseek, fd, off, whence); }
static long k_sysinfo(struct kite_sysinfo *si) { return KSYS1(SYS_sysinfo, si); }

#define O_RD     KITE_O_RDONLY
#define O_WR     KITE_O_WRONLY
#define O_RW     KITE_O_RDWR
#define O_NEW    (KITE_O_CREAT | KITE_O_TRUNC | KITE_O_RDWR)

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

/* Byte i of the standard test pattern, seeded so files differ. */
static char pat(long i, long seed) { return (char)((i * 7 + seed * 13 + (i >> 9)) & 0xff); }

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

/* Create name holding n bytes of data. */
static void make_file(int line, const char *name, const void *data, long n)
{
  long fd = k_open(name, O_NEW);
  if (is_err(fd))
    fail(line, "create %s = %s", name, errname(fd));
  long r = k_write(fd, data, n);
  if (r != n)
    fail(line, "write %s = %s, expected %ld", name, errname(r), n);
  k_close(fd);
}
#define MAKE_FILE(name, data, n) make_file(__LINE__, (name), (data), (n))

/* Read up to max bytes of name into p; returns the count. */
static long read_file(int line, const char *name, void *p, long max)
{
  long fd = k_open(name, O_RD);
  if (is_err(fd))
    fail(line, "open %s = %s", name, errname(fd));
  long got = 0, r;
  while (got < max && (r = k_read(fd, (char *)p + got, max - got)) > 0)
    got += r;
  k_close(fd);
  return got;
}
#define READ_FILE(name, p, max) read_file(__LINE__, (name), (p), (max))

static struct kite_stat fstat_of(int line, long fd)
{
  struct kite_stat st;
  long r = k_fstat(fd, &st);
  if (is_err(r))
    fail(line, "fstat(%ld) = %s", fd, errname(r));
  return st;
}
#define FSTAT(fd) fstat_of(__LINE__, (fd))

static struct kite_stat stat_path(int line, const char *path)
{
  long fd = k_open(path, O_RD);
  if (is_err(fd))
    fail(line, "open %s = %s", path, errname(fd));
  struct kite_stat st = fstat_of(line, fd);
  k_close(fd);
  return st;
}
#define STAT(path) stat_path(__LINE__, (path))

/* Count the live entries of directory path whose names start with prefix. */
static int dir_count(int line, const char *path, const char *prefix)
{
  struct kite_dirent de;
  char name[KITE_DIRSIZ + 1];
  long fd = k_open(path, O_RD), r;
  int n = 0;

  if (is_err(fd))
    fail(line, "open dir %s = %s", path, errname(fd));
  while ((r = k_read(fd, &de, sizeof de)) == (long)sizeof de) {
    if (de.inum == 0)
      continue;
    memcpy(name, de.name, KITE_DIRSIZ);
    name[KITE_DIRSIZ] = 0;
    if (strncmp(name, prefix, strlen(prefix)) == 0)
      n++;
  }
  if (r != 0)
    fail(line, "read dir %s = %s", path, errname(r));
  k_close(fd);
  return n;
}
#define DIR_COUNT(path, prefix) dir_count(__LINE__, (path), (prefix))

/* The lowest free file descriptor (dup of 0, closed again). */
static long lowest_free_fd(void)
{
  long fd = CHECK_OK(k_dup(0));
  k_close(fd);
  return fd;
}

/*
 * A heap page of our own that is followed by unmapped memory: the break is
 * moved to a page boundary, then one page is added and filled with 'a'.
 * Objects placed at its very end run into the hole above the break.
 */
static char *edge_page(void)
{
  long brk = CHECK_OK(k_sbrk(0));
  long pad = (-brk) & (PG - 1);
  if (pad)
    CHECK_OK(k_sbrk(pad));
  char *p = (char *)CHECK_OK(k_sbrk(PG));
  CHECK(((unsigned long)p & (PG - 1)) == 0);
  memset(p, 'a', PG);
  return p;
}

/*
 * sbrk(n) that must succeed and return the old break (read first with
 * sbrk(0)), so that a bogus success value is caught rather than used.
 */
static char *sbrk_ok(int line, long n)
{
  long old = k_sbrk(0);
  long r = k_sbrk(n);
  if (r != old || is_err(old))
    fail(line, "sbrk(%ld) = %s, the break was %s", n, errname(r), errname(old));
  return (char *)r;
}
#define SBRK_OK(n) sbrk_ok(__LINE__, (n))

/* An address well above the break that nothing maps. */
static unsigned long hole_addr(void)
{
  long brk = CHECK_OK(k_sbrk(0));
  return (((unsigned long)brk + PG - 1) & ~(unsigned long)(PG - 1)) + (64UL << 20);
}

/* Addresses no system call may read or write on a user's behalf. */
#define NBAD 5
static unsigned long bad_addrs[NBAD];

static void init_bad_addrs(void)
{
  bad_addrs[0] = 0;                      /* page 0 is never mapped */
  bad_addrs[1] = 0xffffffffffffffffUL;   /* not a canonical Sv39 address */
  bad_addrs[2] = 0x80000000UL;           /* kernel RAM */
  bad_addrs[3] = 1UL << 38;              /* first address beyond user space */
  bad_addrs[4] = hole_addr();            /* unmapped user address */
}

/* r is the result of what(bad address a): it must be -EFAULT. */
static void check_efault(int line, const char *what, unsigned long a, long r)
{
  if (r != -KITE_EFAULT)
    fail(line, "%s(%#lx) = %s, expected EFAULT", what, a, errname(r));
}
#define CHECK_EFAULT(what, a, r) check_efault(__LINE__, (what), (a), (r))

/* ------------------------------------------------------------------------ */
/* Bad pointers passed to system calls                                       */

static void t_badptr_read(void)
{
  long fd, r;
  int p[2];
  static const char ro[] = "read-only data";

  init_bad_addrs();
  MAKE_FILE("ut_bpr", "0123456789", 10);
  fd = CHECK_OK(k_open("ut_bpr", O_RD));
  for (int i = 0; i < NBAD; i++)
    CHECK_EFAULT("read file into", bad_addrs[i], k_read(fd, (void *)bad_addrs[i], 10));
  /* The kernel must not write into the program's text or read-only data. */
  r = k_read(fd, (void *)(unsigned long)&t_badptr_read, 10);
  CHECK_EFAULT("read file into text", (unsigned long)&t_badptr_read, r);
  r = k_read(fd, (void *)(unsigned long)ro, 10);
  CHECK_EFAULT("read file into rodata", (unsigned long)ro, r);
  CHECK(strcmp(ro, "read-only data") == 0);
  /* Nothing was delivered, so the offset has not moved. */
  CHECK_EQ(k_read(fd, buf, sizeof buf), 10);
  CHECK(memcmp(buf, "0123456789", 10) == 0);
  k_close(fd);
  CHECK_OK(k_unlink("ut_bpr"));

  /* A pipe keeps the data a faulting read did not deliver. */
  CHECK_OK(k_pipe(p));
  CHECK_EQ(k_write(p[1], "abc", 3), 3);
  for (int i = 0; i < NBAD; i++)
    CHECK_EFAULT("read pipe into", bad_addrs[i], k_read(p[0], (void *)bad_addrs[i], 3));
  CHECK_EQ(k_read(p[0], buf, sizeof buf), 3);
  CHECK(memcmp(buf, "abc", 3) == 0);
  k_close(p[0]);
  k_close(p[1]);
}

static void t_badptr_write(void)
{
  long fd;
  int p[2];

  init_bad_addrs();
  fd = CHECK_OK(k_open("ut_bpw", O_NEW));
  for (int i = 0; i < NBAD; i++)
    CHECK_EFAULT("write file from", bad_addrs[i], k_write(fd, (void *)bad_addrs[i], 10));
  CHECK_EQ(FSTAT(fd).st_size, 0);
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_CUR), 0);
  k_close(fd);
  CHECK_OK(k_unlink("ut_bpw"));

  CHECK_OK(k_pipe(p));
  for (int i = 0; i < NBAD; i++)
    CHECK_EFAULT("write pipe from", bad_addrs[i], k_write(p[1], (void *)bad_addrs[i], 10));
  CHECK_EQ(k_write(p[1], "xy", 2), 2);
  CHECK_EQ(k_read(p[0], buf, sizeof buf), 2);   /* nothing else got in */
  k_close(p[0]);
  k_close(p[1]);

  for (int i = 0; i < NBAD; i++)
    CHECK_EFAULT("write console from", bad_addrs[i], k_write(1, (void *)bad_addrs[i], 10));
}

/* Every system call that takes a path, given a bad path pointer. */
static void t_badptr_path(void)
{
  init_bad_addrs();
  MAKE_FILE("ut_bpp", "x", 1);
  for (int i = 0; i < NBAD; i++) {
    unsigned long a = bad_addrs[i];
    CHECK_EFAULT("open", a, k_open((char *)a, O_RD));
    CHECK_EFAULT("open O_CREAT", a, k_open((char *)a, O_NEW));
    CHECK_EFAULT("unlink", a, k_unlink((char *)a));
    CHECK_EFAULT("mkdir", a, k_mkdir((char *)a));
    CHECK_EFAULT("chdir", a, k_chdir((char *)a));
    CHECK_EFAULT("mknod", a, KSYS3(SYS_mknod, a, 1, 0));
    CHECK_EFAULT("link old=", a, k_link((char *)a, "ut_bpp2"));
    CHECK_EFAULT("link new=", a, k_link("ut_bpp", (char *)a));
  }
  CHECK_ERR(k_open("ut_bpp2", O_RD), KITE_ENOENT);
  long fd = CHECK_OK(k_open("ut_bpp", O_RD));
  CHECK_EQ(FSTAT(fd).st_nlink, 1);
  k_close(fd);
  CHECK_OK(k_unlink("ut_bpp"));
}

/* Strings and arrays that start in mapped memory and run off its end. */
static void t_badptr_edge(void)
{
  char *page = edge_page();
  char *end = page + PG;
  long fds_before = lowest_free_fd();

  /* A path with no NUL before the hole. */
  CHECK_ERR(k_open(end - 10, O_RD), KITE_EFAULT);
  CHECK_ERR(k_open(end - 10, O_NEW), KITE_EFAULT);
  CHECK_ERR(k_mkdir(end - 10), KITE_EFAULT);
  CHECK_ERR(k_unlink(end - 10), KITE_EFAULT);
  /* A whole page of name without a NUL is simply too long. */
  CHECK_ERR(k_open(page, O_RD), KITE_ENAMETOOLONG);

  /* pipe's int[2] straddling the hole: nothing may leak. */
  CHECK_ERR(k_pipe((int *)(end - sizeof(int))), KITE_EFAULT);
  CHECK_EQ(lowest_free_fd(), fds_before);

  /* An fstat record straddling the hole. */
  CHECK_ERR(k_fstat(1, (struct kite_stat *)(end - 8)), KITE_EFAULT);
  CHECK_ERR(KSYS1(SYS_sysinfo, end - 8), KITE_EFAULT);
}

static void t_badptr_pipe(void)
{
  long fds_before;

  init_bad_addrs();
  fds_before = lowest_free_fd();
  for (int i = 0; i < NBAD; i++)
    CHECK_EFAULT("pipe", bad_addrs[i], k_pipe((int *)bad_addrs[i]));
  CHECK_EFAULT("pipe", (unsigned long)&t_badptr_pipe, k_pipe((int *)(unsigned long)&t_badptr_pipe));
  CHECK_EQ(lowest_free_fd(), fds_before);     /* no descriptors left behind */
}

static void t_badptr_fstat(void)
{
  long fd;

  init_bad_addrs();
  MAKE_FILE("ut_bpf", "x", 1);
  fd = CHECK_OK(k_open("ut_bpf", O_RD));
  for (int i = 0; i < NBAD; i++) {
    CHECK_EFAULT("fstat file", bad_addrs[i], k_fstat(fd, (void *)bad_addrs[i]));
    CHECK_EFAULT("fstat console", bad_addrs[i], k_fstat(1, (void *)bad_addrs[i]));
    CHECK_EFAULT("sysinfo", bad_addrs[i], KSYS1(SYS_sysinfo, bad_addrs[i]));
    CHECK_EFAULT("clock", bad_addrs[i], KSYS1(SYS_clock, bad_addrs[i]));
  }
  k_close(fd);
  CHECK_OK(k_unlink("ut_bpf"));
}

/* wait() with a bad status pointer fails and must not lose the child. */
static void t_badptr_wait(void)
{
  int st;

  init_bad_addrs();
  for (int i = 1; i < NBAD + 1; i++) {
    unsigned long a = i < NBAD ? bad_addrs[i] : (unsigned long)&t_badptr_wait;
    long pid = XFORK();
    if (pid == 0)
      k_exit(7);
    CHECK_EFAULT("wait", a, k_wait((int *)a));
    st = 0;
    CHECK_EQ(k_wait(&st), pid);
    CHECK_EQ(st, 7);
  }
  /* NULL is not a bad pointer for wait: it means "no status wanted". */
  long pid = XFORK();
  if (pid == 0)
    k_exit(3);
  CHECK_EQ(k_wait(NULL), pid);
  CHECK_ERR(k_wait(&st), KITE_ECHILD);
}

/*
 * exec with a bad path, argv or argv element. Run in a child: were the
 * kernel to accept one, the child would turn into this program with a
 * strange argv, which main() refuses to run as a suite.
 */
static void t_badptr_exec(void)
{
  long pid = XFORK();
  if (pid == 0) {
    char *ok_argv[] = { REFUSE_NAME, NULL };
    char *page;

    init_bad_addrs();
    for (int i = 0; i < NBAD; i++) {
      unsigned long a = bad_addrs[i];
      char *bad_elem[] = { REFUSE_NAME, (char *)a, NULL };
      CHECK_EFAULT("exec path", a, k_exec((char *)a, ok_argv));
      CHECK_EFAULT("exec argv", a, k_exec(SELF, (char **)a));
      if (a != 0)      /* a NULL element just ends argv */
        CHECK_EFAULT("exec argv[1]", a, k_exec(SELF, bad_elem));
    }
    /* An argv array that runs into the hole before its NULL. */
    page = edge_page();
    char **tail = (char **)(page + PG - 2 * sizeof(char *));
    tail[0] = REFUSE_NAME;
    tail[1] = "x";
    CHECK_ERR(k_exec(SELF, tail), KITE_EFAULT);
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
}

/* ------------------------------------------------------------------------ */
/* exec                                                                      */

/*
 * Run this program as ECHO_NAME with argv, its stdout on a pipe; collect
 * what it writes (its argv, NUL-separated) in out. Returns the byte count;
 * *status gets the exit status (EXEC_FAIL_BASE + errno if exec failed).
 */
static long exec_echo(int line, char *const argv[], char *out, long max, int *status)
{
  int p[2];
  long pid, got = 0, r;

  if (is_err(k_pipe(p)))
    fail(line, "pipe failed");
  pid = xfork(line);
  if (pid == 0) {
    k_close(1);
    if (k_dup(p[1]) != 1)
      k_exit(KTEST_CHILD_FAIL_BASE + __LINE__);
    k_close(p[0]);
    k_close(p[1]);
    r = k_exec(SELF, argv);
    k_exit(EXEC_FAIL_BASE + (is_err(r) ? -r : 4095));
  }
  k_close(p[1]);
  while ((r = k_read(p[0], out + got, max - got)) > 0)
    got += r;
  k_close(p[0]);
  *status = wait_for(line, pid);
  return got;
}

/* Expected echo output for argv: each string with its NUL. */
static long echo_expect(char *const argv[], char *out)
{
  long n = 0;
  for (int i = 0; argv[i]; i++) {
    long len = (long)strlen(argv[i]) + 1;
    memcpy(out + n, argv[i], len);
    n += len;
  }
  return n;
}

static void check_echo(int line, char *const argv[])
{
  static char got[48 * 1024], want[48 * 1024];
  int st;
  long n = exec_echo(line, argv, got, sizeof got, &st);
  long m = echo_expect(argv, want);

  if (st != 0)
    fail(line, "echo child %s", status_text(st));
  if (n != m)
    fail(line, "echoed %ld bytes, expected %ld", n, m);
  if (memcmp(got, want, n) != 0)
    fail(line, "echoed arguments differ");
}

static long exec_error(int line, char *const argv[])
{
  int st;
  exec_echo(line, argv, buf2, sizeof buf2, &st);
  if (st < EXEC_FAIL_BASE || st >= EXEC_FAIL_BASE + 4096)
    fail(line, "exec did not fail: child %s", status_text(st));
  return -(long)(st - EXEC_FAIL_BASE);
}

static void t_exec_args(void)
{
  char *argv[] = { ECHO_NAME, "hello", "", "with space", "kite\tfly", NULL };
  char *one[] = { ECHO_NAME, NULL };
  check_echo(__LINE__, argv);
  check_echo(__LINE__, one);
}

static void t_exec_badpath(void)
{
  char *argv[] = { ECHO_NAME, NULL };
  long r;

  MAKE_FILE("ut_ebp", "x", 1);
  long pid = XFORK();
  if (pid == 0) {
    CHECK_ERR(k_exec("/ut_no_such_program", argv), KITE_ENOENT);
    CHECK_ERR(k_exec("", argv), KITE_ENOENT);
    CHECK_ERR(k_exec("ut_ebp/x", argv), KITE_ENOTDIR);
    r = k_exec("/", argv);      /* a directory */
    if (r != -KITE_EACCES && r != -KITE_ENOEXEC && r != -KITE_EISDIR)
      fail(__LINE__, "exec(\"/\") = %s, expected EACCES, ENOEXEC or EISDIR", errname(r));
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_OK(k_unlink("ut_ebp"));
}

/* Files that are not Kite executables; a failed exec leaves us intact. */
static void t_exec_notelf(void)
{
  static volatile long canary = 0x6b697465;
  char *argv[] = { ECHO_NAME, NULL };
  char hdr[64];
  long fd, pid;

  fd = CHECK_OK(k_open(SELF, O_RD));
  CHECK_EQ(k_read(fd, hdr, sizeof hdr), sizeof hdr);
  k_close(fd);
  CHECK(memcmp(hdr, "\177ELF", 4) == 0);
  int fd_before = (int)lowest_free_fd();

  pid = XFORK();
  if (pid == 0) {
    MAKE_FILE("ut_ne", "#!/bin/sh\necho hi\n", 18);
    CHECK_ERR(k_exec("ut_ne", argv), KITE_ENOEXEC);
    MAKE_FILE("ut_ne", "", 0);
    CHECK_ERR(k_exec("ut_ne", argv), KITE_ENOEXEC);
    /* Only the magic number is right. */
    memset(buf, 0, 64);
    memcpy(buf, "\177ELF", 4);
    MAKE_FILE("ut_ne", buf, 64);
    CHECK_ERR(k_exec("ut_ne", argv), KITE_ENOEXEC);
    /* A real header whose program headers lie beyond the end of the file. */
    MAKE_FILE("ut_ne", hdr, sizeof hdr);
    CHECK_ERR(k_exec("ut_ne", argv), KITE_ENOEXEC);
    /* A real header for another machine (x86-64). */
    memcpy(buf, hdr, sizeof hdr);
    buf[18] = 0x3e;
    buf[19] = 0;
    MAKE_FILE("ut_ne", buf, 64);
    CHECK_ERR(k_exec("ut_ne", argv), KITE_ENOEXEC);
    /* Still ourselves: data, stack and descriptors survived. */
    CHECK_EQ(canary, 0x6b697465);
    CHECK(memcmp(hdr, "\177ELF", 4) == 0);
    CHECK_EQ(lowest_free_fd(), fd_before);
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_OK(k_unlink("ut_ne"));
}

static void t_exec_maxargs(void)
{
  static char *argv[KITE_MAXARG + 4];
  static char names[KITE_MAXARG + 4][8];

  argv[0] = ECHO_NAME;
  for (int i = 1; i < KITE_MAXARG + 2; i++) {
    snprintf(names[i], sizeof names[i], "a%d", i);
    argv[i] = names[i];
  }
  /* KITE_MAXARG - 1 arguments fit whether or not the limit counts the NULL. */
  argv[KITE_MAXARG - 1] = NULL;
  check_echo(__LINE__, argv);
  /* KITE_MAXARG + 1 arguments are too many. */
  argv[KITE_MAXARG - 1] = names[KITE_MAXARG - 1];
  argv[KITE_MAXARG + 1] = NULL;
  CHECK_EQ(exec_error(__LINE__, argv), -KITE_E2BIG);
}

static void t_exec_longarg(void)
{
  static char big[KITE_MAXARGLEN + 8];
  char *argv[] = { ECHO_NAME, big, "after", NULL };
  long r;

  /* KITE_MAXARGLEN counts the NUL: this one just fits. */
  fill_pattern(big, KITE_MAXARGLEN - 1, 0, 1);
  for (int i = 0; i < KITE_MAXARGLEN - 1; i++)
    if (big[i] == 0)
      big[i] = 'z';
  big[KITE_MAXARGLEN - 1] = 0;
  check_echo(__LINE__, argv);
  /* One more byte is too long. */
  big[KITE_MAXARGLEN - 1] = 'y';
  big[KITE_MAXARGLEN] = 0;
  r = exec_error(__LINE__, argv);
  if (r != -KITE_E2BIG && r != -KITE_ENAMETOOLONG)
    fail(__LINE__, "exec with a %d-byte argument = %s, expected E2BIG or ENAMETOOLONG",
         KITE_MAXARGLEN, errname(r));
}

/* Many long arguments together: the new stack must hold all of them. */
static void t_exec_bigargs(void)
{
  static char strs[KITE_MAXARG - 2][KITE_MAXARGLEN];
  static char *argv[KITE_MAXARG];
  int n = KITE_MAXARG - 2;

  argv[0] = ECHO_NAME;
  for (int i = 0; i < n; i++) {
    memset(strs[i], 'A' + i % 26, KITE_MAXARGLEN - 1);
    strs[i][KITE_MAXARGLEN - 1] = 0;
    argv[i + 1] = strs[i];
  }
  argv[n + 1] = NULL;
  check_echo(__LINE__, argv);
}

/* ------------------------------------------------------------------------ */
/* Pipes                                                                     */

static void t_pipe_data(void)
{
  static const long wsizes[] = { 1, 7, 100, 511, 512, 513, 3000, 4096, 5000 };
  static const long rsizes[] = { 5, 600, 4096, 1, 8000 };
  const long total = 60000;
  int p[2];
  long pid, got = 0, r;

  CHECK_OK(k_pipe(p));
  pid = XFORK();
  if (pid == 0) {
    long sent = 0;
    k_close(p[0]);
    for (int i = 0; sent < total; i++) {
      long n = wsizes[i % 9];
      if (n > total - sent)
        n = total - sent;
      fill_pattern(buf, n, sent, 5);
      CHECK_EQ(k_write(p[1], buf, n), n);
      sent += n;
    }
    k_exit(0);
  }
  k_close(p[1]);
  for (int i = 0; (r = k_read(p[0], buf2, rsizes[i % 5])) > 0; i++) {
    long bad = check_pattern(buf2, r, got, 5);
    if (bad >= 0)
      fail(__LINE__, "byte %ld of the stream is wrong", got + bad);
    got += r;
  }
  CHECK_EQ(r, 0);
  CHECK_EQ(got, total);
  k_close(p[0]);
  CHECK_EXIT(pid, 0);
}

static void t_pipe_eof(void)
{
  int p[2];
  long pid;

  CHECK_OK(k_pipe(p));
  CHECK_EQ(k_write(p[1], buf, 100), 100);
  k_close(p[1]);
  CHECK_EQ(k_read(p[0], buf2, sizeof buf2), 100);
  CHECK_EQ(k_read(p[0], buf2, sizeof buf2), 0);
  CHECK_EQ(k_read(p[0], buf2, sizeof buf2), 0);
  k_close(p[0]);

  /* EOF only once every copy of the write end is closed. */
  CHECK_OK(k_pipe(p));
  pid = XFORK();
  if (pid == 0) {
    k_close(p[0]);
    k_sleep(5);
    CHECK_EQ(k_write(p[1], "z", 1), 1);
    k_exit(0);
  }
  k_close(p[1]);
  CHECK_EQ(k_read(p[0], buf2, sizeof buf2), 1);
  CHECK_EQ(buf2[0], 'z');
  CHECK_EQ(k_read(p[0], buf2, sizeof buf2), 0);
  k_close(p[0]);
  CHECK_EXIT(pid, 0);
}

static void t_pipe_epipe(void)
{
  int p[2];
  long pid;

  CHECK_OK(k_pipe(p));
  k_close(p[0]);
  CHECK_ERR(k_write(p[1], "x", 1), KITE_EPIPE);
  k_close(p[1]);

  /* A writer blocked on a full pipe wakes up when the reader goes away. */
  CHECK_OK(k_pipe(p));
  pid = XFORK();
  if (pid == 0) {
    long r;
    k_close(p[0]);
    memset(buf, 'w', 1024);
    while ((r = k_write(p[1], buf, 1024)) > 0)
      ;
    CHECK_EQ(r, -KITE_EPIPE);
    k_exit(0);
  }
  k_close(p[1]);
  CHECK_EQ(k_read(p[0], buf2, 100), 100);
  k_sleep(3);
  k_close(p[0]);
  CHECK_EXIT(pid, 0);
}

static void t_pipe_pingpong(void)
{
  int ab[2], ba[2];
  long pid;
  unsigned char c;
  int rounds = ktest_quick() ? 50 : 300;

  CHECK_OK(k_pipe(ab));
  CHECK_OK(k_pipe(ba));
  pid = XFORK();
  if (pid == 0) {
    k_close(ab[1]);
    k_close(ba[0]);
    for (int i = 0; i < rounds; i++) {
      CHECK_EQ(k_read(ab[0], &c, 1), 1);
      CHECK_EQ(c, (unsigned char)i);
      c++;
      CHECK_EQ(k_write(ba[1], &c, 1), 1);
    }
    k_exit(0);
  }
  k_close(ab[0]);
  k_close(ba[1]);
  for (int i = 0; i < rounds; i++) {
    c = (unsigned char)i;
    CHECK_EQ(k_write(ab[1], &c, 1), 1);
    CHECK_EQ(k_read(ba[0], &c, 1), 1);
    CHECK_EQ(c, (unsigned char)(i + 1));
  }
  k_close(ab[1]);
  k_close(ba[0]);
  CHECK_EXIT(pid, 0);
}

/* ------------------------------------------------------------------------ */
/* Processes: fork, exit, wait, kill                                         */

static void t_exit_status(void)
{
  static const int values[] = { 0, 1, 2, 42, 127, 255, 256, 1000, -2, 0x7fffffff };
  for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
    long pid = XFORK();
    if (pid == 0)
      k_exit(values[i]);
    int st = WAIT_FOR(pid);
    if (st != values[i])
      fail(__LINE__, "exit(%d) gave wait status %d", values[i], st);
  }
}

static void t_wait_nochild(void)
{
  int st = 12345;
  CHECK_ERR(k_wait(&st), KITE_ECHILD);
  CHECK_EQ(st, 12345);
  long pid = XFORK();
  if (pid == 0)
    k_exit(0);
  CHECK_EXIT(pid, 0);
  CHECK_ERR(k_wait(&st), KITE_ECHILD);
}

static void t_wait_many(void)
{
  enum { N = 40 };
  long pids[N];
  int seen[N] = { 0 };
  int st;

  for (int i = 0; i < N; i++) {
    pids[i] = XFORK();
    if (pids[i] == 0) {
      k_sleep(i % 3);
      k_exit(100 + i);
    }
  }
  for (int n = 0; n < N; n++) {
    long pid = CHECK_OK(k_wait(&st));
    int i;
    for (i = 0; i < N && pids[i] != pid; i++)
      ;
    if (i == N)
      fail(__LINE__, "wait returned %ld, not one of our children", pid);
    if (seen[i]++)
      fail(__LINE__, "wait returned child %ld twice", pid);
    if (st != 100 + i)
      fail(__LINE__, "child %d: status %d, expected %d", i, st, 100 + i);
  }
  CHECK_ERR(k_wait(&st), KITE_ECHILD);
}

/* fork until the process table is full: a clean error, then recovery. */
static void t_fork_limit(void)
{
  int p[2];
  long n = 0, r;

  CHECK_OK(k_pipe(p));
  for (;;) {
    r = k_fork();
    if (r == 0) {
      char c;
      k_close(p[1]);
      k_exit(k_read(p[0], &c, 1) == 0 ? 0 : KTEST_CHILD_FAIL_BASE + __LINE__);
    }
    if (is_err(r))
      break;
    if (++n > KITE_NPROC)
      fail(__LINE__, "forked %ld children, more than KITE_NPROC", n);
  }
  k_close(p[1]);
  k_close(p[0]);
  if (r != -KITE_EAGAIN && r != -KITE_ENOMEM)
    fail(__LINE__, "fork #%ld = %s, expected EAGAIN or ENOMEM", n + 1, errname(r));
  if (n < KITE_NPROC / 2)
    fail(__LINE__, "fork failed after only %ld children", n);
  for (long i = 0; i < n; i++) {
    int st;
    CHECK_OK(k_wait(&st));
    if (st != 0)
      fail(__LINE__, "a blocked child %s", status_text(st));
  }
  CHECK_ERR(k_wait(NULL), KITE_ECHILD);
  long pid = XFORK();
  if (pid == 0)
    k_exit(5);
  CHECK_EXIT(pid, 5);
}

/*
 * Orphans: the child exits at once, the grandchild waits to be adopted by
 * init (pid 1) and exits. Repeated, so a kernel that never reaps orphans
 * runs out of processes; then the process count must fall back.
 */
static void t_reparent(void)
{
  int rounds = ktest_quick() ? 10 : 60;
  int p[2];
  long base = nproc();

  CHECK(base > 0);
  CHECK_OK(k_pipe(p));
  for (int i = 0; i < rounds; i++) {
    long pid = XFORK();
    if (pid == 0) {
      long parent = k_getpid();
      if (k_fork() == 0) {
        char verdict = 'n';
        for (int t = 0; t < 500; t++) {
          long pp = k_getppid();
          if (pp != parent) {
            verdict = pp == 1 ? 'y' : 'p';
            break;
          }
          k_sleep(1);
        }
        k_write(p[1], &verdict, 1);
        k_exit(0);
      }
      k_exit(0);
    }
    CHECK_EXIT(pid, 0);
  }
  k_close(p[1]);
  for (int i = 0; i < rounds; i++) {
    char c;
    CHECK_EQ(k_read(p[0], &c, 1), 1);
    if (c == 'p')
      fail(__LINE__, "an orphan's new parent is not init (pid 1)");
    if (c != 'y')
      fail(__LINE__, "an orphan still saw its dead parent after 500 ticks");
  }
  k_close(p[0]);
  long now = 0;
  for (int t = 0; t < 300 && (now = nproc()) > base; t++)
    k_sleep(1);
  if (now > base)
    fail(__LINE__, "%ld processes before, %ld after: orphans not reaped", base, now);
  long pid = XFORK();
  if (pid == 0)
    k_exit(0);
  CHECK_EXIT(pid, 0);
}

static void t_kill_loop(void)
{
  long pid = XFORK();
  if (pid == 0)
    for (;;)
      ;
  k_sleep(2);
  CHECK_EQ(k_kill(pid), 0);
  int st = WAIT_FOR(pid);
  if (st != -1)
    fail(__LINE__, "killed child: status %d, expected -1", st);
  CHECK_ERR(k_kill(pid), KITE_ESRCH);          /* reaped: gone */
  CHECK_ERR(k_kill(99999), KITE_ESRCH);
}

/* A child asleep in the kernel (pipe read, sleep) is killed too. */
static void t_kill_blocked(void)
{
  int p[2];

  CHECK_OK(k_pipe(p));
  long reader = XFORK();
  if (reader == 0) {
    k_read(p[0], buf, 1);
    k_exit(0);
  }
  long sleeper = XFORK();
  if (sleeper == 0) {
    k_sleep(1000000);
    k_exit(0);
  }
  k_sleep(2);
  CHECK_EQ(k_kill(reader), 0);
  CHECK_EQ(k_kill(sleeper), 0);
  CHECK_EXIT(reader, -1);
  CHECK_EXIT(sleeper, -1);
  k_close(p[0]);
  k_close(p[1]);
}

static void t_getppid(void)
{
  long me = k_getpid();
  CHECK_EQ(me, ktest_test_pid());
  CHECK_EQ(k_getppid(), ktest_runner_pid());
  long pid = XFORK();
  if (pid == 0) {
    CHECK_EQ(k_getppid(), me);
    CHECK(k_getpid() != me);
    k_exit(0);
  }
  CHECK(pid != me);
  CHECK_EXIT(pid, 0);
}

/* After fork, parent and child memories are independent. */
static void t_fork_memory(void)
{
  static char data[64 * 1024];
  char stack[2048];
  long pid;

  fill_pattern(data, sizeof data, 0, 2);
  fill_pattern(stack, sizeof stack, 0, 3);
  pid = XFORK();
  if (pid == 0) {
    memset(data, 0, sizeof data);
    memset(stack, 0, sizeof stack);
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_EQ(check_pattern(data, sizeof data, 0, 2), -1);
  CHECK_EQ(check_pattern(stack, sizeof stack, 0, 3), -1);

  pid = XFORK();
  if (pid == 0) {
    k_sleep(3);           /* the parent scribbles meanwhile */
    CHECK_EQ(check_pattern(data, sizeof data, 0, 2), -1);
    CHECK_EQ(check_pattern(stack, sizeof stack, 0, 3), -1);
    k_exit(0);
  }
  memset(data, 1, sizeof data);
  memset(stack, 1, sizeof stack);
  CHECK_EXIT(pid, 0);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */

static void t_file_rw(void)
{
  const long total = 10000;
  long fd, got = 0, r;
  struct kite_stat st;

  k_unlink("ut_rw");
  fd = CHECK_OK(k_open("ut_rw", KITE_O_CREAT | KITE_O_WRONLY));
  for (long off = 0; off < total; off += 1000) {
    fill_pattern(buf, 1000, off, 7);
    CHECK_EQ(k_write(fd, buf, 1000), 1000);
  }
  k_close(fd);
  fd = CHECK_OK(k_open("ut_rw", O_RD));
  while ((r = k_read(fd, buf + got, 3000)) > 0)
    got += r;
  CHECK_EQ(r, 0);
  CHECK_EQ(got, total);
  CHECK_EQ(check_pattern(buf, total, 0, 7), -1);
  st = FSTAT(fd);
  CHECK_EQ(st.st_size, total);
  CHECK_EQ(st.st_mode & KITE_S_IFMT, KITE_S_IFREG);
  CHECK_EQ(st.st_nlink, 1);
  k_close(fd);
  CHECK_OK(k_unlink("ut_rw"));
  CHECK_ERR(k_open("ut_rw", O_RD), KITE_ENOENT);
  CHECK_ERR(k_unlink("ut_rw"), KITE_ENOENT);
}

static void t_file_trunc(void)
{
  long fd;

  fill_pattern(buf, 5000, 0, 9);
  MAKE_FILE("ut_tr", buf, 5000);
  CHECK_EQ(STAT("ut_tr").st_size, 5000);
  fd = CHECK_OK(k_open("ut_tr", KITE_O_WRONLY | KITE_O_TRUNC));
  CHECK_EQ(FSTAT(fd).st_size, 0);
  CHECK_EQ(k_write(fd, "0123456789", 10), 10);
  k_close(fd);
  CHECK_EQ(STAT("ut_tr").st_size, 10);
  CHECK_EQ(READ_FILE("ut_tr", buf2, sizeof buf2), 10);
  CHECK(memcmp(buf2, "0123456789", 10) == 0);
  /* Opening without O_TRUNC keeps the contents. */
  k_close(CHECK_OK(k_open("ut_tr", KITE_O_CREAT | KITE_O_RDWR)));
  CHECK_EQ(STAT("ut_tr").st_size, 10);
  CHECK_OK(k_unlink("ut_tr"));
}

static void t_file_append(void)
{
  long a, b;

  MAKE_FILE("ut_ap", "abc", 3);
  a = CHECK_OK(k_open("ut_ap", KITE_O_WRONLY | KITE_O_APPEND));
  b = CHECK_OK(k_open("ut_ap", KITE_O_WRONLY | KITE_O_APPEND));
  CHECK_EQ(k_lseek(a, 0, KITE_SEEK_SET), 0);
  CHECK_EQ(k_write(a, "de", 2), 2);
  CHECK_EQ(k_write(b, "fg", 2), 2);
  CHECK_EQ(k_write(a, "h", 1), 1);
  k_close(a);
  k_close(b);
  CHECK_EQ(READ_FILE("ut_ap", buf2, sizeof buf2), 8);
  CHECK(memcmp(buf2, "abcdefgh", 8) == 0);
  CHECK_OK(k_unlink("ut_ap"));
}

static void t_file_excl(void)
{
  long fd;

  k_unlink("ut_ex");
  fd = CHECK_OK(k_open("ut_ex", KITE_O_CREAT | KITE_O_EXCL | KITE_O_RDWR));
  CHECK_EQ(k_write(fd, "k", 1), 1);
  k_close(fd);
  CHECK_ERR(k_open("ut_ex", KITE_O_CREAT | KITE_O_EXCL | KITE_O_RDWR), KITE_EEXIST);
  CHECK_ERR(k_open(".", KITE_O_CREAT | KITE_O_EXCL | KITE_O_RDWR), KITE_EEXIST);
  CHECK_EQ(STAT("ut_ex").st_size, 1);          /* untouched by the failed open */
  CHECK_OK(k_unlink("ut_ex"));
  CHECK_ERR(k_open("ut_ex", O_RD), KITE_ENOENT);
}

static void t_file_lseek(void)
{
  long fd;
  int p[2];

  MAKE_FILE("ut_ls", "0123456789", 10);
  fd = CHECK_OK(k_open("ut_ls", O_RW));
  CHECK_EQ(k_lseek(fd, 3, KITE_SEEK_SET), 3);
  CHECK_EQ(k_read(fd, buf, 2), 2);
  CHECK(memcmp(buf, "34", 2) == 0);
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_CUR), 5);
  CHECK_EQ(k_lseek(fd, 2, KITE_SEEK_CUR), 7);
  CHECK_EQ(k_lseek(fd, -2, KITE_SEEK_END), 8);
  CHECK_EQ(k_read(fd, buf, 10), 2);
  CHECK(memcmp(buf, "89", 2) == 0);
  CHECK_EQ(k_read(fd, buf, 10), 0);
  CHECK_ERR(k_lseek(fd, -1, KITE_SEEK_SET), KITE_EINVAL);
  CHECK_ERR(k_lseek(fd, -11, KITE_SEEK_END), KITE_EINVAL);
  CHECK_ERR(k_lseek(fd, 0, 7), KITE_EINVAL);
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_CUR), 10);    /* failed seeks moved nothing */
  /* Writing past the end leaves a hole that reads as zeros. */
  CHECK_EQ(k_lseek(fd, 20, KITE_SEEK_SET), 20);
  CHECK_EQ(k_write(fd, "X", 1), 1);
  CHECK_EQ(FSTAT(fd).st_size, 21);
  CHECK_EQ(k_lseek(fd, 10, KITE_SEEK_SET), 10);
  memset(buf, 1, 16);
  CHECK_EQ(k_read(fd, buf, 16), 11);
  for (int i = 0; i < 10; i++)
    CHECK_EQ(buf[i], 0);
  CHECK_EQ(buf[10], 'X');
  k_close(fd);
  CHECK_OK(k_unlink("ut_ls"));

  CHECK_OK(k_pipe(p));
  CHECK_ERR(k_lseek(p[0], 0, KITE_SEEK_CUR), KITE_ESPIPE);
  CHECK_ERR(k_lseek(p[1], 0, KITE_SEEK_SET), KITE_ESPIPE);
  k_close(p[0]);
  k_close(p[1]);
}

/* An unlinked file lives on while a descriptor refers to it. */
static void t_unlink_open(void)
{
  long fd, fd2;

  fill_pattern(buf, 3000, 0, 11);
  MAKE_FILE("ut_uo", buf, 3000);
  fd = CHECK_OK(k_open("ut_uo", O_RD));
  CHECK_OK(k_unlink("ut_uo"));
  CHECK_ERR(k_open("ut_uo", O_RD), KITE_ENOENT);
  CHECK_EQ(FSTAT(fd).st_nlink, 0);
  /* A new file under the same name is a different file. */
  MAKE_FILE("ut_uo", "new", 3);
  CHECK(STAT("ut_uo").st_ino != FSTAT(fd).st_ino);
  CHECK_EQ(k_read(fd, buf2, sizeof buf2), 3000);
  CHECK_EQ(check_pattern(buf2, 3000, 0, 11), -1);
  fd2 = CHECK_OK(k_dup(fd));
  k_close(fd);
  CHECK_EQ(k_lseek(fd2, 0, KITE_SEEK_SET), 0);
  CHECK_EQ(k_read(fd2, buf2, 10), 10);
  k_close(fd2);
  CHECK_EQ(READ_FILE("ut_uo", buf2, sizeof buf2), 3);
  CHECK_OK(k_unlink("ut_uo"));
}

static void t_link_nlink(void)
{
  long fd;
  struct kite_stat a, b;

  k_unlink("ut_la");
  k_unlink("ut_lb");
  MAKE_FILE("ut_la", "linked", 6);
  fd = CHECK_OK(k_open("ut_la", O_RD));
  CHECK_EQ(FSTAT(fd).st_nlink, 1);
  CHECK_OK(k_link("ut_la", "ut_lb"));
  CHECK_EQ(FSTAT(fd).st_nlink, 2);
  a = STAT("ut_la");
  b = STAT("ut_lb");
  CHECK_EQ(a.st_ino, b.st_ino);
  CHECK_EQ(b.st_nlink, 2);
  CHECK_ERR(k_link("ut_la", "ut_lb"), KITE_EEXIST);
  CHECK_ERR(k_link("ut_none", "ut_lc"), KITE_ENOENT);
  CHECK_ERR(k_link("ut_la", "ut_none/lc"), KITE_ENOENT);
  CHECK_EQ(FSTAT(fd).st_nlink, 2);
  CHECK_OK(k_unlink("ut_la"));
  CHECK_EQ(FSTAT(fd).st_nlink, 1);
  CHECK_EQ(READ_FILE("ut_lb", buf2, sizeof buf2), 6);
  CHECK(memcmp(buf2, "linked", 6) == 0);
  CHECK_OK(k_unlink("ut_lb"));
  CHECK_EQ(FSTAT(fd).st_nlink, 0);
  k_close(fd);
}

static void t_fstat_types(void)
{
  struct kite_stat st = FSTAT(1);

  CHECK_EQ(st.st_mode & KITE_S_IFMT, KITE_S_IFCHR);
  CHECK_EQ(st.st_rdev >> 16, KITE_CONSOLE_MAJOR);
  CHECK_EQ(FSTAT(0).st_mode & KITE_S_IFMT, KITE_S_IFCHR);
  CHECK_EQ(STAT("/").st_mode & KITE_S_IFMT, KITE_S_IFDIR);
  CHECK_EQ(STAT("/").st_ino, KITE_ROOTINO);
  CHECK_EQ(STAT(SELF).st_mode & KITE_S_IFMT, KITE_S_IFREG);
  CHECK(STAT(SELF).st_size > 1000);
}

/* dup'd descriptors, also across fork, share one offset. */
static void t_dup_offset(void)
{
  long fd, fd2, pid;

  MAKE_FILE("ut_du", "abcdefghij", 10);
  fd = CHECK_OK(k_open("ut_du", O_RW));
  fd2 = CHECK_OK(k_dup(fd));
  CHECK(fd2 != fd);
  CHECK_EQ(k_read(fd, buf, 3), 3);
  CHECK_EQ(k_lseek(fd2, 0, KITE_SEEK_CUR), 3);
  CHECK_EQ(k_read(fd2, buf, 2), 2);
  CHECK(memcmp(buf, "de", 2) == 0);
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_CUR), 5);
  k_close(fd);
  CHECK_EQ(k_read(fd2, buf, 1), 1);               /* still open through the dup */
  CHECK_EQ(buf[0], 'f');

  pid = XFORK();
  if (pid == 0) {
    CHECK_EQ(k_read(fd2, buf, 2), 2);
    CHECK(memcmp(buf, "gh", 2) == 0);
    k_exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_EQ(k_lseek(fd2, 0, KITE_SEEK_CUR), 8);
  k_close(fd2);
  CHECK_OK(k_unlink("ut_du"));
}

/* Run out of descriptors: clean errors, nothing half-allocated. */
static void t_emfile(void)
{
  long fds[KITE_NOFILE + 1];
  long n = 0, r;
  int p[2];

  MAKE_FILE("ut_em", "x", 1);
  while ((r = k_open("ut_em", O_RD)) >= 0) {
    if (r >= KITE_NOFILE || n >= KITE_NOFILE)
      fail(__LINE__, "got descriptor %ld, KITE_NOFILE is %d", r, KITE_NOFILE);
    fds[n++] = r;
  }
  CHECK_EQ(r, -KITE_EMFILE);
  CHECK(n >= KITE_NOFILE - 5);
  CHECK_ERR(k_dup(0), KITE_EMFILE);
  CHECK_ERR(k_pipe(p), KITE_EMFILE);
  /* With one descriptor free, pipe needs two: it must take neither. */
  k_close(fds[--n]);
  CHECK_ERR(k_pipe(p), KITE_EMFILE);
  fds[n++] = CHECK_OK(k_open("ut_em", O_RD));
  CHECK_ERR(k_open("ut_em", O_RD), KITE_EMFILE);
  for (long i = 0; i < n; i++)
    CHECK_OK(k_close(fds[i]));
  CHECK_OK(k_pipe(p));
  k_close(p[0]);
  k_close(p[1]);
  CHECK_OK(k_unlink("ut_em"));
}

static void t_bad_fd(void)
{
  /* Descriptors are ints: only the low 32 bits of the register count. */
  static const long bad[] = { -1, KITE_NOFILE, KITE_NOFILE + 1, 1 << 20, -2147483647L - 1 };
  struct kite_stat st;
  long fd;

  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    long r[6], f = bad[i];
    r[0] = k_close(f);
    r[1] = k_read(f, buf, 1);
    r[2] = k_write(f, buf, 1);
    r[3] = k_fstat(f, &st);
    r[4] = k_dup(f);
    r[5] = k_lseek(f, 0, KITE_SEEK_SET);
    for (int k = 0; k < 6; k++)
      if (r[k] != -KITE_EBADF)
        fail(__LINE__, "%s(%ld) = %s, expected EBADF",
             (const char *[]){ "close", "read", "write", "fstat", "dup", "lseek" }[k], f,
             errname(r[k]));
  }
  fd = CHECK_OK(k_dup(1));
  CHECK_OK(k_close(fd));
  CHECK_ERR(k_close(fd), KITE_EBADF);
  CHECK_ERR(k_write(fd, "x", 1), KITE_EBADF);
}

/* Access modes: read needs a readable descriptor, write a writable one. */
static void t_rw_modes(void)
{
  long fd;
  int p[2];

  MAKE_FILE("ut_md", "mode", 4);
  fd = CHECK_OK(k_open("ut_md", KITE_O_WRONLY));
  CHECK_ERR(k_read(fd, buf, 4), KITE_EBADF);
  k_close(fd);
  fd = CHECK_OK(k_open("ut_md", O_RD));
  CHECK_ERR(k_write(fd, "x", 1), KITE_EBADF);
  k_close(fd);
  CHECK_EQ(READ_FILE("ut_md", buf, sizeof buf), 4);
  CHECK(memcmp(buf, "mode", 4) == 0);
  CHECK_OK(k_unlink("ut_md"));

  CHECK_OK(k_pipe(p));
  CHECK_ERR(k_write(p[0], "x", 1), KITE_EBADF);
  CHECK_ERR(k_read(p[1], buf, 1), KITE_EBADF);
  k_close(p[0]);
  k_close(p[1]);

  /* Directories are not written through descriptors. */
  CHECK_ERR(k_open("/", KITE_O_WRONLY), KITE_EISDIR);
  CHECK_ERR(k_open("/", O_RW), KITE_EISDIR);
  fd = CHECK_OK(k_open("/", O_RD));
  CHECK_ERR(k_write(fd, "x", 1), KITE_EBADF);
  k_close(fd);
}

/* ------------------------------------------------------------------------ */
/* Directories and paths                                                     */

static void t_dir_basic(void)
{
  long fd;

  k_unlink("ut_d/f");
  k_unlink("ut_d");
  CHECK_OK(k_mkdir("ut_d"));
  CHECK_ERR(k_mkdir("ut_d"), KITE_EEXIST);
  CHECK_EQ(STAT("ut_d").st_mode & KITE_S_IFMT, KITE_S_IFDIR);
  CHECK_ERR(k_mkdir("ut_none/x"), KITE_ENOENT);
  CHECK_OK(k_chdir("ut_d"));
  MAKE_FILE("f", "in dir", 6);
  CHECK_ERR(k_mkdir("f/sub"), KITE_ENOTDIR);
  CHECK_ERR(k_open("f/sub", O_RD), KITE_ENOTDIR);
  CHECK_ERR(k_chdir("f"), KITE_ENOTDIR);
  CHECK_OK(k_chdir(".."));
  CHECK_EQ(READ_FILE("ut_d/f", buf, sizeof buf), 6);
  CHECK_EQ(READ_FILE("/ut_d/./f", buf, sizeof buf), 6);
  CHECK_EQ(DIR_COUNT("ut_d", "f"), 1);
  CHECK_ERR(k_unlink("ut_d"), KITE_ENOTEMPTY);
  CHECK_OK(k_unlink("ut_d/f"));
  CHECK_EQ(DIR_COUNT("ut_d", "f"), 0);
  fd = CHECK_OK(k_open("ut_d", O_RD));
  CHECK_OK(k_unlink("ut_d"));
  CHECK_ERR(k_chdir("ut_d"), KITE_ENOENT);
  CHECK_ERR(k_open("ut_d", O_RD), KITE_ENOENT);
  CHECK_EQ(FSTAT(fd).st_mode & KITE_S_IFMT, KITE_S_IFDIR);  /* fd keeps it alive */
  k_close(fd);
  CHECK_EQ(DIR_COUNT("/", "ut_d"), 0);
}

static void t_dotdot(void)
{
  CHECK_OK(k_mkdir("ut_dd"));
  CHECK_OK(k_mkdir("ut_dd/a"));
  CHECK_OK(k_mkdir("ut_dd/a/b"));
  MAKE_FILE("ut_dd/marker", "m", 1);
  CHECK_OK(k_chdir("ut_dd/a/b"));
  CHECK_EQ(READ_FILE("../../marker", buf, 8), 1);
  CHECK_EQ(READ_FILE("../../a/b/../../marker", buf, 8), 1);
  CHECK_EQ(STAT("..").st_ino, STAT("/ut_dd/a").st_ino);
  CHECK_OK(k_chdir("../.."));
  CHECK_EQ(READ_FILE("marker", buf, 8), 1);
  CHECK_EQ(STAT(".").st_ino, STAT("/ut_dd").st_ino);
  /* The root is its own parent. */
  CHECK_OK(k_chdir("/../.."));
  CHECK_EQ(STAT(".").st_ino, KITE_ROOTINO);
  CHECK_EQ(STAT("/..").st_ino, KITE_ROOTINO);
  CHECK_EQ(READ_FILE("ut_dd/marker", buf, 8), 1);
  CHECK_ERR(k_unlink("ut_dd/a"), KITE_ENOTEMPTY);
  CHECK_OK(k_unlink("ut_dd/a/b"));
  CHECK_OK(k_unlink("ut_dd/a"));
  CHECK_OK(k_unlink("ut_dd/marker"));
  CHECK_OK(k_unlink("ut_dd"));
}

static void t_path_limits(void)
{
  char name[KITE_DIRSIZ + 8];
  static char path[2048];
  long fd;

  CHECK_OK(k_chdir("/"));
  /* A name of exactly KITE_DIRSIZ bytes fills its entry without a NUL. */
  memset(name, 'n', KITE_DIRSIZ);
  memcpy(name, "ut_", 3);
  name[KITE_DIRSIZ] = 0;
  MAKE_FILE(name, "full", 4);
  CHECK_EQ(READ_FILE(name, buf, 8), 4);
  CHECK_EQ(DIR_COUNT("/", name), 1);
  CHECK_OK(k_unlink(name));
  /* One byte more is too long: to create, to look up, as a directory. */
  name[KITE_DIRSIZ] = 'n';
  name[KITE_DIRSIZ + 1] = 0;
  CHECK_ERR(k_open(name, O_NEW), KITE_ENAMETOOLONG);
  CHECK_ERR(k_open(name, O_RD), KITE_ENAMETOOLONG);
  CHECK_ERR(k_mkdir(name), KITE_ENAMETOOLONG);
  CHECK_ERR(k_unlink(name), KITE_ENAMETOOLONG);
  snprintf(path, sizeof path, "%s/f", name);
  CHECK_ERR(k_open(path, O_NEW), KITE_ENAMETOOLONG);
  CHECK_EQ(DIR_COUNT("/", "ut_nnn"), 0);        /* not created truncated */

  /* KITE_MAXPATH counts the NUL: 127 bytes of path work, 128 do not. */
  MAKE_FILE("ut_pl", "pl", 2);
  path[0] = 0;
  for (int i = 0; i < (KITE_MAXPATH - 6) / 2; i++)
    strcat(path, "./");
  strcat(path, "ut_pl");
  CHECK_EQ((long)strlen(path), KITE_MAXPATH - 1);
  fd = CHECK_OK(k_open(path, O_RD));
  k_close(fd);
  memmove(path + 1, path, strlen(path) + 1);
  path[0] = '/';
  CHECK_EQ((long)strlen(path), KITE_MAXPATH);
  CHECK_ERR(k_open(path, O_RD), KITE_ENAMETOOLONG);
  CHECK_ERR(k_unlink(path), KITE_ENAMETOOLONG);
  CHECK_ERR(k_chdir(path), KITE_ENAMETOOLONG);
  CHECK_ERR(k_link("ut_pl", path), KITE_ENAMETOOLONG);
  memset(path, '/', sizeof path - 1);
  path[sizeof path - 1] = 0;
  CHECK_ERR(k_open(path, O_RD), KITE_ENAMETOOLONG);
  CHECK_OK(k_unlink("ut_pl"));
}

/* Processes creating and deleting the same names in one directory. */
static void t_concurrent_create(void)
{
  enum { NPROC = 4, NNAMES = 10 };
  int iters = ktest_quick() ? 20 : 40;
  long pids[NPROC];
  char name[24];

  for (int p = 0; p < NPROC; p++) {
    pids[p] = XFORK();
    if (pids[p] == 0) {
      for (int i = 0; i < iters; i++) {
        snprintf(name, sizeof name, "ut_cc%d", (i * 3 + p) % NNAMES);
        if ((i + p) % 3 == 0) {
          long r = k_unlink(name);
          if (r != 0 && r != -KITE_ENOENT)
            fail(__LINE__, "unlink %s = %s", name, errname(r));
        } else {
          long fd = k_open(name, KITE_O_CREAT | KITE_O_RDWR);
          if (is_err(fd))
            fail(__LINE__, "create %s = %s", name, errname(fd));
          CHECK_EQ(k_write(fd, "c", 1), 1);
          k_close(fd);
        }
      }
      k_exit(0);
    }
  }
  for (int p = 0; p < NPROC; p++)
    CHECK_EXIT(pids[p], 0);
  for (int i = 0; i < NNAMES; i++) {
    snprintf(name, sizeof name, "ut_cc%d", i);
    long fd = k_open(name, O_RD);
    if (fd >= 0) {
      struct kite_stat st = FSTAT(fd);
      CHECK_EQ(st.st_nlink, 1);
      CHECK(st.st_size >= 1);
      k_close(fd);
      CHECK_OK(k_unlink(name));
    } else {
      CHECK_EQ(fd, -KITE_ENOENT);
    }
  }
  CHECK_EQ(DIR_COUNT("/", "ut_cc"), 0);
}

static void t_many_files(void)
{
  int n = ktest_quick() ? 40 : 120;
  char name[24];

  CHECK_OK(k_mkdir("ut_many"));
  CHECK_OK(k_chdir("ut_many"));
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof name, "f%d", i);
    MAKE_FILE(name, name, (long)strlen(name));
  }
  CHECK_EQ(DIR_COUNT(".", "f"), n);
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof name, "f%d", i);
    long len = READ_FILE(name, buf, sizeof buf);
    if (len != (long)strlen(name) || memcmp(buf, name, len) != 0)
      fail(__LINE__, "file %s has the wrong contents", name);
  }
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof name, "f%d", i);
    CHECK_OK(k_unlink(name));
  }
  CHECK_EQ(DIR_COUNT(".", "f"), 0);
  CHECK_OK(k_chdir(".."));
  CHECK_OK(k_unlink("ut_many"));
}

/* 1 MiB: past the direct and single-indirect blocks into double-indirect. */
static void t_bigfile(void)
{
  const long chunk = 4096, total = 1L << 20;
  long fd, r;

  k_unlink("ut_big");
  fd = CHECK_OK(k_open("ut_big", O_NEW));
  for (long off = 0; off < total; off += chunk) {
    fill_pattern(buf, chunk, off, 17);
    r = k_write(fd, buf, chunk);
    if (r != chunk)
      fail(__LINE__, "write at %ld = %s", off, errname(r));
  }
  CHECK_EQ(FSTAT(fd).st_size, total);
  k_close(fd);
  fd = CHECK_OK(k_open("ut_big", O_RD));
  for (long off = 0; off < total; off += chunk) {
    r = k_read(fd, buf, chunk);
    if (r != chunk)
      fail(__LINE__, "read at %ld = %s", off, errname(r));
    long bad = check_pattern(buf, chunk, off, 17);
    if (bad >= 0)
      fail(__LINE__, "byte %ld of the file is wrong", off + bad);
  }
  CHECK_EQ(k_read(fd, buf, chunk), 0);
  /* Random access into the double-indirect range. */
  long off = (KITE_NDIRECT + KITE_NINDIRECT + 300) * (long)KITE_BSIZE + 123;
  CHECK_EQ(k_lseek(fd, off, KITE_SEEK_SET), off);
  CHECK_EQ(k_read(fd, buf, 1000), 1000);
  CHECK_EQ(check_pattern(buf, 1000, off, 17), -1);
  k_close(fd);
  CHECK_OK(k_unlink("ut_big"));
}

/*
 * Fill the disk: NFILLERS processes at once (their writes share log
 * commits, which is what makes filling 72 MiB affordable), each writing
 * files ut_fullK_N until a write gets ENOSPC; a file that reaches
 * KITE_MAXFILE blocks (EFBIG) is followed by the next one. Each filler
 * reports the bytes it wrote through the pipe; the total comes back.
 */
#define NFILLERS 3

static void filler(int k, int wfd)
{
  char name[24];
  long total = 0, r = 0;

  memset(buf, 'D', 8192);
  for (int n = 0; r != -KITE_ENOSPC; n++) {
    snprintf(name, sizeof name, "ut_full%d_%d", k, n);
    long fd = k_open(name, O_NEW);
    if (ktest_is_err(fd))
      k_exit(KTEST_CHILD_FAIL_BASE + __LINE__);
    while ((r = k_write(fd, buf, 8192)) > 0)
      total += r;
    k_close(fd);
    if (r != -KITE_ENOSPC && r != -KITE_EFBIG)
      k_exit(KTEST_CHILD_FAIL_BASE + __LINE__);
  }
  k_write(wfd, &total, sizeof total);
  k_exit(0);
}

static long fill_disk(int line)
{
  int p[2];
  long pids[NFILLERS], total = 0, got;

  CHECK_OK(k_pipe(p));
  for (int k = 0; k < NFILLERS; k++)
    if ((pids[k] = xfork(line)) == 0)
      filler(k, p[1]);
  for (int k = 0; k < NFILLERS; k++) {
    ktest_check_exit(line, pids[k], 0);
    if (k_read(p[0], &got, sizeof got) != sizeof got)
      fail(line, "a filler did not report");
    total += got;
  }
  k_close(p[0]);
  k_close(p[1]);
  return total;
}

static void remove_fillers(void)
{
  char name[24];

  for (int k = 0; k < NFILLERS; k++)
    for (int n = 0; n < 4; n++) {
      snprintf(name, sizeof name, "ut_full%d_%d", k, n);
      k_unlink(name);
    }
}

static void t_outofdisk(void)
{
  long fd, total, r;
  const long disk = (long)KITE_FSSIZE * KITE_BSIZE;

  remove_fillers();
  total = fill_disk(__LINE__);
  if (total >= disk || total < disk / 2)
    fail(__LINE__, "wrote %ld bytes to a %ld-byte disk", total, disk);
  /* The disk is full: a new block is refused, an old one still reads. */
  fd = CHECK_OK(k_open("ut_full0_0", KITE_O_RDWR));
  CHECK_EQ(k_lseek(fd, 0, KITE_SEEK_END), FSTAT(fd).st_size);
  CHECK_ERR(k_write(fd, buf, 1024), KITE_ENOSPC);
  CHECK_EQ(k_lseek(fd, 4000, KITE_SEEK_SET), 4000);
  CHECK_EQ(k_read(fd, buf2, 200), 200);
  CHECK(buf2[0] == 'D' && buf2[199] == 'D');
  k_close(fd);
  r = k_open("ut_full_new", O_NEW);
  if (!ktest_is_err(r)) {               /* the inode may fit; its data not */
    CHECK_ERR(k_write(r, buf, 1024), KITE_ENOSPC);
    k_close(r);
    CHECK_OK(k_unlink("ut_full_new"));
  }
  /* A full disk still deletes, and the space comes back (fsck checks
   * after the suite that no block was lost on the way). */
  remove_fillers();
  fd = CHECK_OK(k_open("ut_full", O_NEW));
  memset(buf, 'E', 8192);
  for (long done = 0; done < (2L << 20); done += 8192)
    CHECK_EQ(k_write(fd, buf, 8192), 8192);
  k_close(fd);
  CHECK_OK(k_unlink("ut_full"));
  MAKE_FILE("ut_full", "ok", 2);
  CHECK_OK(k_unlink("ut_full"));
}

/* ------------------------------------------------------------------------ */
/* Memory: sbrk, out of memory, faults                                       */

static void t_sbrk_basic(void)
{
  long a = CHECK_OK(k_sbrk(0));
  CHECK_EQ(k_sbrk(0), a);
  char *p = (char *)CHECK_OK(k_sbrk(3 * PG));
  CHECK_EQ((long)p, a);
  CHECK_EQ(k_sbrk(0), a + 3 * PG);
  /* Fresh heap is zeroed (from the first page wholly above the old break). */
  for (long i = ((a + PG - 1) & ~(long)(PG - 1)) - a; i < 3 * PG; i++)
    if (p[i] != 0)
      fail(__LINE__, "new heap byte %ld is %d, expected 0", i, p[i]);
  memset(p, 0x5a, 3 * PG);
  CHECK_EQ(k_sbrk(-PG), a + 3 * PG);
  CHECK_EQ(k_sbrk(0), a + 2 * PG);
  CHECK_EQ(p[2 * PG - 1], 0x5a);
  /* Growing again gives zeroed memory, not the old contents. */
  CHECK_EQ(k_sbrk(PG), a + 2 * PG);
  long fresh = ((a + 2 * PG + PG - 1) & ~(long)(PG - 1)) - a;
  for (long i = fresh; i < 3 * PG; i++)
    if (p[i] != 0)
      fail(__LINE__, "regrown heap byte %ld is %d, expected 0", i, p[i]);
  CHECK_EQ(k_sbrk(-3 * PG), a + 3 * PG);
  CHECK_EQ(k_sbrk(0), a);
  /* Impossible requests fail and leave the break alone. */
  long r = k_sbrk(1L << 40);
  CHECK(is_err(r));
  CHECK_EQ(k_sbrk(0), a);
  r = k_sbrk(-(a + 100 * PG));
  CHECK(is_err(r));
  CHECK_EQ(k_sbrk(0), a);
}

/* Memory given back by shrinking the break is gone: touching it kills. */
static void t_sbrk_shrink(void)
{
  long pid = XFORK();
  if (pid == 0) {
    char *p = SBRK_OK(4 * PG);
    memset(p, 1, 4 * PG);
    CHECK_OK(k_sbrk(-4 * PG));
    long top = ((long)p + PG - 1) & ~(long)(PG - 1);
    *(volatile char *)(top + PG) = 2;
    k_exit(0);
  }
  CHECK_EXIT(pid, -1);
}

/* Growing the heap takes pages, shrinking it gives them back. */
static void t_sbrk_free(void)
{
  const long n = 4L << 20;
  long before = free_pages(), mid, after;

  CHECK(before > 0);
  char *p = SBRK_OK(n);
  for (long i = 0; i < n; i += PG)
    p[i] = 1;
  mid = free_pages();
  if (before - mid < n / PG)
    fail(__LINE__, "touching %ld heap pages took only %ld free pages", n / PG, before - mid);
  CHECK_OK(k_sbrk(-n));
  after = free_pages();
  if (before - after > PT_SLACK)
    fail(__LINE__, "%ld free pages before, %ld after growing and shrinking", before, after);
}

/*
 * A child eats memory until the kernel says no: either sbrk fails with
 * ENOMEM, or (when the heap is grown lazily) the kernel kills the child
 * at a fault it cannot satisfy. Either way Kite survives and every page
 * comes back. The child reports how many pages it has touched through a
 * pipe, so a child killed early by some other fault is not taken for a
 * successful out-of-memory kill.
 */
static void t_oom(void)
{
  struct kite_sysinfo si;
  long before, after, pid, pages = 0, r;
  int p[2];

  CHECK_OK(k_sysinfo(&si));
  CHECK_OK(k_pipe(p));
  before = free_pages();
  pid = XFORK();
  if (pid == 0) {
    const long step = 64 * PG;
    long brk = CHECK_OK(k_sbrk(0));
    k_close(p[0]);
    for (;;) {
      r = k_sbrk(step);
      if (is_err(r)) {
        CHECK_EQ(r, -KITE_ENOMEM);
        CHECK_EQ(k_sbrk(0), brk);
        k_exit(0);
      }
      if (r != brk)        /* exits with the line: not mistaken for an OOM kill */
        fail(__LINE__, "sbrk returned %#lx, the break was %#lx", r, brk);
      brk = r + step;
      for (long i = 0; i < step; i += PG)
        ((volatile char *)r)[i] = 1;
      pages += step / PG;
      k_write(p[1], &pages, sizeof pages);
      if (pages > (long)si.total_pages)
        fail(__LINE__, "touched %ld pages, more than the %ld that exist",
             pages, (long)si.total_pages);
    }
  }
  k_close(p[1]);
  long got;
  while ((r = k_read(p[0], &got, sizeof got)) == (long)sizeof got)
    pages = got;
  k_close(p[0]);
  int st = WAIT_FOR(pid);
  if (st != 0 && st != -1)
    fail(__LINE__, "memory-eating child %s", status_text(st));
  /* Page tables and kernel bookkeeping take some; most must be usable. */
  if (pages < before / 2)
    fail(__LINE__, "child %s after using only %ld of %ld free pages",
         st == 0 ? "got ENOMEM" : "was killed", pages, before);
  after = free_pages();
  if (before - after > PT_SLACK)
    fail(__LINE__, "%ld free pages before, %ld after the child", before, after);
  /* Kite still works. */
  pid = XFORK();
  if (pid == 0)
    k_exit(0);
  CHECK_EXIT(pid, 0);
}

static int recurse(int depth)
{
  volatile char frame[1024];
  frame[0] = (char)depth;
  frame[1023] = 1;
  if (depth > 1000000)
    return 0;
  return recurse(depth + 1) + frame[0] + frame[1023];
}

static __attribute__((noinline)) int use_half_stack(void)
{
  volatile char big[KITE_USTACK_PAGES * PG / 2];
  for (unsigned long i = 0; i < sizeof big; i += PG)
    big[i] = 1;
  return big[0] == 1 ? 0 : 1;
}

static void t_stack_guard(void)
{
  long pid = XFORK();
  if (pid == 0) {
    recurse(0);
    k_exit(0);
  }
  CHECK_EXIT(pid, -1);

  pid = XFORK();
  if (pid == 0) {
    char here;
    unsigned long page = (unsigned long)&here & ~(unsigned long)(PG - 1);
    /* Below the bottom of the stack, whichever page 'here' is on. */
    *(volatile char *)(page - (KITE_USTACK_PAGES + 1) * (unsigned long)PG) = 1;
    k_exit(0);
  }
  CHECK_EXIT(pid, -1);

  /* Half the stack in one frame is fine, though. */
  pid = XFORK();
  if (pid == 0)
    k_exit(use_half_stack());
  CHECK_EXIT(pid, 0);
}

/* A function whose code the text_write test tries to overwrite. */
__attribute__((noinline, used)) int usertests_text_target(int x) { return x * 3 + 1; }

/* Each body must be killed by the kernel with status -1. */
static void expect_killed(int line, int what)
{
  static const char rodata[] = "constant";
  static unsigned int code[] = { 0x00008067 };   /* ret */
  long pid = xfork(line);

  if (pid == 0) {
    switch (what) {
    case 0: *(volatile unsigned char *)(unsigned long)&usertests_text_target = 0; break;
    case 1: *(volatile char *)(unsigned long)rodata = 'C'; break;
    case 2: (void)*(volatile int *)0; break;
    case 3: *(volatile int *)0 = 1; break;
    case 4: (void)*(volatile long *)0x80000000UL; break;
    case 5: *(volatile long *)0x80200000UL = 0; break;
    case 6: ((void (*)(void))(unsigned long)code)(); break;
    case 7: (void)*(volatile long *)(1UL << 38); break;
    }
    k_exit(0);
  }
  int st = wait_for(line, pid);
  if (st != -1)
    fail(line, "case %d: child %s, expected to be killed (-1)", what, status_text(st));
}

static void t_text_write(void)
{
  expect_killed(__LINE__, 0);
  expect_killed(__LINE__, 1);
  CHECK_EQ(usertests_text_target(2), 7);
}

static void t_null_deref(void)
{
  expect_killed(__LINE__, 2);
  expect_killed(__LINE__, 3);
}

static void t_kernel_access(void)
{
  expect_killed(__LINE__, 4);
  expect_killed(__LINE__, 5);
  expect_killed(__LINE__, 7);
}

static void t_exec_data(void)
{
  expect_killed(__LINE__, 6);
}

/* ------------------------------------------------------------------------ */
/* Time                                                                      */

static void t_uptime(void)
{
  struct kite_sysinfo si;
  struct kite_time c0, c1;
  long t0, t1;

  CHECK_OK(KSYS1(SYS_clock, &c0));
  t0 = CHECK_OK(k_uptime());
  CHECK_OK(k_sleep(10));
  t1 = CHECK_OK(k_uptime());
  CHECK_OK(KSYS1(SYS_clock, &c1));
  if (t1 - t0 < 10)
    fail(__LINE__, "slept 10 ticks but uptime went %ld -> %ld", t0, t1);
  /* A sanity bound only, far above anything an emulator needs. */
  if (t1 - t0 > 100 * 10)
    fail(__LINE__, "slept 10 ticks but uptime went %ld -> %ld", t0, t1);
  CHECK(c1.nsec < 1000000000UL);
  CHECK(c1.sec * 1000000000UL + c1.nsec >= c0.sec * 1000000000UL + c0.nsec + 90000000UL);
  CHECK_OK(k_sysinfo(&si));
  CHECK_EQ(si.ticks_per_sec, KITE_HZ);
  CHECK((long)si.uptime_ticks >= t1);
  CHECK_OK(k_sleep(0));
}

/*
 * Tickless idle. Kite takes no timer interrupt while it has nothing to
 * run, so these check that time is still kept, that sleeps still end on
 * time and that wake-ups still reach a hart asleep in wfi. In each, the
 * harts are idle while the test waits: the runner and init are blocked.
 * A tick is 1/KITE_HZ s. Checks of how late a sleep ends allow for the
 * emulator's host being busy (a hart's thread on the host may wait for a
 * host core): they try up to IDLE_TRIES times and fail only if every try
 * is late. A kernel that misses deadlines is late every time, by far more.
 */
#define IDLE_TRIES 5

static struct kite_sysinfo sysinfo_of(int line)
{
  struct kite_sysinfo si;
  long r = k_sysinfo(&si);
  if (is_err(r))
    fail(line, "sysinfo = %s", errname(r));
  return si;
}

/* SYS_clock in ticks, rounded down, and in nanoseconds. */
static long clock_ticks(int line, unsigned long *ns)
{
  struct kite_time t;
  long r = KSYS1(SYS_clock, &t);
  if (is_err(r))
    fail(line, "clock = %s", errname(r));
  if (ns)
    *ns = t.sec * 1000000000UL + t.nsec;
  return (long)(t.sec * KITE_HZ + t.nsec / (1000000000UL / KITE_HZ));
}

static unsigned long rdtime(void)
{
  unsigned long t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

/* uptime() read between two clock readings lies between their ticks:
 * ticks are the clock, not a count of interrupts. Returns the uptime. */
static long uptime_on_clock(int line)
{
  long c0 = clock_ticks(line, NULL);
  long u = CHECK_OK(k_uptime());
  long c1 = clock_ticks(line, NULL);
  if (u < c0 || u > c1)
    fail(line, "uptime() says %ld, but the clock said %ld then %ld ticks", u, c0, c1);
  return u;
}

/*
 * sleep(50) with every hart idle: 50 ticks by uptime() and by the clock
 * (49 to 51: the first tick is partial; one more for a late wake-up).
 * And idle means tickless: the harts take a timer interrupt for the
 * deadline and at most one more each (the end of the slice they were in
 * when they went idle), not one per tick.
 */
static const char *sleep_once(int n)
{
  static char why[120];
  unsigned long ns0, ns1;
  const unsigned long tick_ns = 1000000000UL / KITE_HZ;

  struct kite_sysinfo s0 = sysinfo_of(__LINE__);
  clock_ticks(__LINE__, &ns0);
  long u0 = CHECK_OK(k_uptime());
  CHECK_EQ(k_sleep(n), 0);
  long u1 = CHECK_OK(k_uptime());
  clock_ticks(__LINE__, &ns1);
  struct kite_sysinfo s1 = sysinfo_of(__LINE__);
  long intrs = (long)(s1.timer_intrs - s0.timer_intrs);
  if (intrs > (long)s0.harts + 2)
    fail(__LINE__, "%ld timer interrupts on %ld idle harts during sleep(%d): not tickless",
         intrs, (long)s0.harts, n);
  if (u1 - u0 < n || u1 - u0 > n + 1)
    snprintf(why, sizeof why, "sleep(%d) took %ld ticks by uptime()", n, u1 - u0);
  else if (ns1 - ns0 < (n - 1) * tick_ns || ns1 - ns0 > (n + 1) * tick_ns)
    snprintf(why, sizeof why, "sleep(%d) took %lu us by the clock", n, (ns1 - ns0) / 1000);
  else
    return NULL;
  return why;
}

static void t_sleep_idle(void)
{
  const char *why = NULL;
  for (int i = 0; i < IDLE_TRIES && (why = sleep_once(50)) != NULL; i++)
    ;
  if (why)
    fail(__LINE__, "%s (the last of %d tries)", why, IDLE_TRIES);
}

/* An idle second: uptime() goes up by 100 ticks, as the clock does, and
 * agrees with the clock before and after; sysinfo says the same. */
static void t_uptime_idle(void)
{
  long u0 = uptime_on_clock(__LINE__);
  long c0 = clock_ticks(__LINE__, NULL);
  CHECK_EQ(k_sleep(KITE_HZ), 0);
  long c1 = clock_ticks(__LINE__, NULL);
  long u1 = uptime_on_clock(__LINE__);
  if (u1 - u0 < KITE_HZ)
    fail(__LINE__, "an idle second: uptime %ld -> %ld", u0, u1);
  if (u1 - u0 < c1 - c0)
    fail(__LINE__, "an idle second: uptime went up %ld, the clock %ld ticks", u1 - u0, c1 - c0);
  struct kite_sysinfo si = sysinfo_of(__LINE__);
  long u2 = CHECK_OK(k_uptime());
  if ((long)si.uptime_ticks < u1 || (long)si.uptime_ticks > u2)
    fail(__LINE__, "sysinfo says %ld ticks between uptime %ld and %ld",
         (long)si.uptime_ticks, u1, u2);
}

/*
 * Sleepers with deadlines STAGGER ticks apart, the later ones asleep
 * first: each earlier deadline must still wake its sleeper on time, and a
 * later one must survive the wake-ups before it. A deadline no hart waits
 * for ends its sleep only at the next one (STAGGER ticks late) or never,
 * so a sleep here may end up to STAGGER_LATE ticks late (five processes
 * wake and run at once). Each child exits with the ticks it slept by
 * uptime().
 */
#define STAGGER       15
#define STAGGER_LATE  4

static const char *staggered_once(void)
{
  static const int naps[] = { 5 * STAGGER, 4 * STAGGER, 3 * STAGGER, STAGGER, 2 * STAGGER };
  static char why[120];
  enum { N = sizeof naps / sizeof naps[0] };
  long pids[N];

  for (int i = 0; i < N; i++) {
    pids[i] = XFORK();
    if (pids[i] == 0) {
      long u0 = k_uptime();
      k_sleep(naps[i]);
      k_exit((int)(k_uptime() - u0));
    }
  }
  why[0] = 0;
  for (int i = 0; i < N; i++) {
    int st = WAIT_FOR(pids[i]);
    if ((st < naps[i] || st > naps[i] + STAGGER_LATE) && !why[0])
      snprintf(why, sizeof why, "sleep(%d) in a child took %d ticks", naps[i], st);
  }
  return why[0] ? why : NULL;
}

static void t_sleep_staggered(void)
{
  const char *why = NULL;
  for (int i = 0; i < IDLE_TRIES && (why = staggered_once()) != NULL; i++)
    ;
  if (why)
    fail(__LINE__, "%s (the last of %d tries)", why, IDLE_TRIES);
}

/*
 * SYS_hartreenter stops a hart and starts it again (proc/hart.h). The
 * hart that waits for the earliest deadline may be the one that stops:
 * it must hand the deadline on, or the sleep would never end. Every hart
 * is sent through while a child sleeps HARTSTOP_NAP ticks; the child must
 * still wake on time (on one hart nothing can stop: it just sleeps).
 */
#define HARTSTOP_NAP 100

static const char *hart_stop_once(long harts)
{
  static char why[120];
  long pid = XFORK();
  if (pid == 0) {
    long u0 = k_uptime();
    k_sleep(HARTSTOP_NAP);
    k_exit((int)(k_uptime() - u0));
  }
  CHECK_EQ(k_sleep(2), 0);                   /* the child sleeps first */
  for (long h = 0; h < harts; h++) {
    long r = KSYS1(SYS_hartreenter, h);
    if (harts == 1)
      CHECK_ERR(r, KITE_ENODEV);
    else if (r != 0)
      fail(__LINE__, "hartreenter(%ld) = %s", h, errname(r));
  }
  int st = WAIT_FOR(pid);
  if (st < HARTSTOP_NAP || st > HARTSTOP_NAP + STAGGER_LATE) {
    snprintf(why, sizeof why, "sleep(%d) across hart re-entries took %d ticks",
             HARTSTOP_NAP, st);
    return why;
  }
  return NULL;
}

static void t_sleep_hart_stop(void)
{
  long harts = (long)sysinfo_of(__LINE__).harts;
  const char *why = NULL;
  for (int i = 0; i < IDLE_TRIES && (why = hart_stop_once(harts)) != NULL; i++)
    ;
  if (why)
    fail(__LINE__, "%s (the last of %d tries)", why, IDLE_TRIES);
}

/*
 * A reader asleep on a pipe, its hart in wfi, is woken by a writer on
 * another hart that then keeps its own hart busy for two ticks, so the
 * reader is not simply run by the writer's hart when the writer gives way.
 * Every hart but the writer's is idle with its timer off: only an IPI
 * reaches one. Each round must end with the reader awake, and (with more
 * than one hart) most rounds must have woken an idle hart by an IPI
 * (sysinfo's ipi_wakeups; a round may miss when the idle hart happened to
 * be awake already). On one hart the writer blocks at once instead.
 */
#define WAKE_ROUNDS 9

static void wake_reader(int in, int out)
{
  char c;
  for (;;) {
    long r = k_read(in, &c, 1);
    if (r == 0)
      k_exit(0);
    if (r != 1 || k_write(out, &c, 1) != 1)
      k_exit(KTEST_CHILD_FAIL_BASE + __LINE__);
  }
}

static void t_pipe_wake_remote(void)
{
  struct kite_sysinfo si = sysinfo_of(__LINE__);
  const unsigned long tick = si.timebase / KITE_HZ;
  int to[2], from[2], ipi_rounds = 0;
  char c;

  CHECK_OK(k_pipe(to));
  CHECK_OK(k_pipe(from));
  long pid = XFORK();
  if (pid == 0) {
    k_close(to[1]);
    k_close(from[0]);
    wake_reader(to[0], from[1]);
  }
  k_close(to[0]);
  k_close(from[1]);
  for (int i = 0; i < WAKE_ROUNDS; i++) {
    CHECK_EQ(k_sleep(3), 0);                 /* the reader blocks; every hart idles */
    unsigned long w0 = sysinfo_of(__LINE__).ipi_wakeups, sent = rdtime();
    CHECK_EQ(k_write(to[1], "w", 1), 1);
    if (si.harts > 1)
      while (rdtime() - sent < 2 * tick)     /* busy: this hart does not give way */
        ;
    CHECK_EQ(k_read(from[0], &c, 1), 1);
    CHECK_EQ(c, 'w');
    ipi_rounds += sysinfo_of(__LINE__).ipi_wakeups > w0;
  }
  k_close(to[1]);
  k_close(from[0]);
  CHECK_EXIT(pid, 0);
  if (si.harts > 1 && ipi_rounds <= WAKE_ROUNDS / 2)
    fail(__LINE__, "only %d of %d wake-ups of a reader on %ld harts woke an idle hart by an IPI",
         ipi_rounds, WAKE_ROUNDS, (long)si.harts);
}

/*
 * Preemption: one more CPU-bound process than there are harts, each
 * counting in a shared page. Only the timer ending time slices lets the
 * one left over run (on CPUS=1: two processes, both making progress), so
 * without it one of them stops counting for good (or the test itself
 * never runs again). Each must count in most windows of PREEMPT_WINDOW
 * ticks: a window may be missed when the host starves a hart's thread.
 */
#define PREEMPT_WINDOW  20
#define PREEMPT_WINDOWS 4
#define SPINNERS_MAX    17      /* harts + 1, for up to 16 harts */

static void t_preempt_spinners(void)
{
  struct kite_sysinfo si = sysinfo_of(__LINE__);
  long n = (long)si.harts + 1, pids[SPINNERS_MAX];
  volatile unsigned long *count;
  unsigned long before[SPINNERS_MAX];
  int ran[SPINNERS_MAX] = { 0 };

  CHECK(n >= 2 && n <= SPINNERS_MAX);
  count = (volatile unsigned long *)CHECK_OK(kite_syscall(SYS_mmap, 0, PG,
      KITE_PROT_READ | KITE_PROT_WRITE, KITE_MAP_SHARED | KITE_MAP_ANONYMOUS, -1, 0));
  for (long i = 0; i < n; i++) {
    pids[i] = XFORK();
    if (pids[i] == 0)
      for (;;)
        count[i]++;
  }
  CHECK_EQ(k_sleep(2), 0);
  for (int w = 0; w < PREEMPT_WINDOWS; w++) {
    for (long i = 0; i < n; i++)
      before[i] = count[i];
    CHECK_EQ(k_sleep(PREEMPT_WINDOW), 0);
    for (long i = 0; i < n; i++)
      ran[i] += count[i] != before[i];
  }
  for (long i = 0; i < n; i++)
    CHECK_EQ(k_kill(pids[i]), 0);
  for (long i = 0; i < n; i++)
    CHECK_EXIT(pids[i], -1);
  CHECK_OK(kite_syscall(SYS_munmap, (long)count, PG, 0, 0, 0, 0));
  for (long i = 0; i < n; i++)
    if (ran[i] <= PREEMPT_WINDOWS / 2)
      fail(__LINE__, "%ld CPU-bound processes on %ld harts: number %ld ran in %d of %d "
           "windows of %d ticks: it was not given a time slice", n, (long)si.harts, i,
           ran[i], PREEMPT_WINDOWS, PREEMPT_WINDOW);
}

/* ------------------------------------------------------------------------ */
/* The suite                                                                 */

static const struct ktest tests[] = {
  /* bad pointers */
  { "badptr_read",       t_badptr_read,       KTEST_NORMAL },
  { "badptr_write",      t_badptr_write,      KTEST_NORMAL },
  { "badptr_path",       t_badptr_path,       KTEST_NORMAL },
  { "badptr_edge",       t_badptr_edge,       KTEST_NORMAL },
  { "badptr_pipe",       t_badptr_pipe,       KTEST_NORMAL },
  { "badptr_fstat",      t_badptr_fstat,      KTEST_NORMAL },
  { "badptr_wait",       t_badptr_wait,       KTEST_NORMAL },
  { "badptr_exec",       t_badptr_exec,       KTEST_NORMAL },
  /* exec */
  { "exec_args",         t_exec_args,         KTEST_NORMAL },
  { "exec_badpath",      t_exec_badpath,      KTEST_NORMAL },
  { "exec_notelf",       t_exec_notelf,       KTEST_NORMAL },
  { "exec_maxargs",      t_exec_maxargs,      KTEST_NORMAL },
  { "exec_longarg",      t_exec_longarg,      KTEST_NORMAL },
  { "exec_bigargs",      t_exec_bigargs,      KTEST_NORMAL },
  /* pipes */
  { "pipe_data",         t_pipe_data,         KTEST_NORMAL },
  { "pipe_eof",          t_pipe_eof,          KTEST_NORMAL },
  { "pipe_epipe",        t_pipe_epipe,        KTEST_NORMAL },
  { "pipe_pingpong",     t_pipe_pingpong,     KTEST_NORMAL },
  /* processes */
  { "exit_status",       t_exit_status,       KTEST_NORMAL },
  { "wait_nochild",      t_wait_nochild,      KTEST_NORMAL },
  { "wait_many",         t_wait_many,         KTEST_NORMAL },
  { "fork_limit",        t_fork_limit,        KTEST_NORMAL },
  { "fork_memory",       t_fork_memory,       KTEST_NORMAL },
  { "reparent",          t_reparent,          KTEST_NORMAL },
  { "kill_loop",         t_kill_loop,         KTEST_NORMAL },
  { "kill_blocked",      t_kill_blocked,      KTEST_NORMAL },
  { "getppid",           t_getppid,           KTEST_NORMAL },
  /* files and descriptors */
  { "file_rw",           t_file_rw,           KTEST_NORMAL },
  { "file_trunc",        t_file_trunc,        KTEST_NORMAL },
  { "file_append",       t_file_append,       KTEST_NORMAL },
  { "file_excl",         t_file_excl,         KTEST_NORMAL },
  { "file_lseek",        t_file_lseek,        KTEST_NORMAL },
  { "unlink_open",       t_unlink_open,       KTEST_NORMAL },
  { "link_nlink",        t_link_nlink,        KTEST_NORMAL },
  { "fstat_types",       t_fstat_types,       KTEST_NORMAL },
  { "dup_offset",        t_dup_offset,        KTEST_NORMAL },
  { "emfile",            t_emfile,            KTEST_NORMAL },
  { "bad_fd",            t_bad_fd,            KTEST_NORMAL },
  { "rw_modes",          t_rw_modes,          KTEST_NORMAL },
  /* directories and paths */
  { "dir_basic",         t_dir_basic,         KTEST_NORMAL },
  { "dotdot",            t_dotdot,            KTEST_NORMAL },
  { "path_limits",       t_path_limits,       KTEST_NORMAL },
  { "concurrent_create", t_concurrent_create, KTEST_NORMAL },
  { "many_files",        t_many_files,        KTEST_NORMAL },
  { "bigfile",           t_bigfile,           KTEST_NORMAL },
  { "outofdisk",         t_outofdisk,         KTEST_LONG },
  /* memory */
  { "sbrk_basic",        t_sbrk_basic,        KTEST_NORMAL },
  { "sbrk_shrink",       t_sbrk_shrink,       KTEST_NORMAL },
  { "sbrk_free",         t_sbrk_free,         KTEST_NORMAL },
  { "oom",               t_oom,               KTEST_NORMAL },
  { "stack_guard",       t_stack_guard,       KTEST_NORMAL },
  { "text_write",        t_text_write,        KTEST_NORMAL },
  { "null_deref",        t_null_deref,        KTEST_NORMAL },
  { "kernel_access",     t_kernel_access,     KTEST_NORMAL },
  { "exec_data",         t_exec_data,         KTEST_NORMAL },
  /* time */
  { "uptime",            t_uptime,            KTEST_NORMAL },
  /* tickless idle */
  { "sleep_idle",        t_sleep_idle,        KTEST_NORMAL },
  { "uptime_idle",       t_uptime_idle,       KTEST_NORMAL },
  { "sleep_staggered",   t_sleep_staggered,   KTEST_NORMAL },
  { "sleep_hart_stop",   t_sleep_hart_stop,   KTEST_NORMAL },
  { "pipe_wake_remote",  t_pipe_wake_remote,  KTEST_NORMAL },
  { "preempt_spinners",  t_preempt_spinners,  KTEST_NORMAL },
  /* last: everything above must have given its memory back */
  { "leaks",             ktest_leaks,         KTEST_NORMAL },
};

/* The exec helper's statuses (see exec_echo). */
static const char *exec_status_text(int st)
{
  static char t[48];

  if (st < EXEC_FAIL_BASE || st >= EXEC_FAIL_BASE + 4096)
    return NULL;
  snprintf(t, sizeof t, "exec failed with %s", errname(-(st - EXEC_FAIL_BASE)));
  return t;
}

static const struct ktest_suite suite = {
  .name = "usertests",
  .tests = tests,
  .ntests = sizeof tests / sizeof tests[0],
  .leaks = KTEST_LEAKS_SUITE,
  .leak_slack = LEAK_SLACK,
  .refuse_status = REFUSED_STATUS,      /* see t_badptr_exec */
  .explain_status = exec_status_text,
};

/* Echo mode, for the exec tests: write argv, each string with its NUL. */
static int echo_args(int argc, char **argv)
{
  if (argv[argc] != NULL)
    return 4;
  for (int i = 0; i < argc; i++) {
    long n = (long)strlen(argv[i]) + 1;
    if (k_write(1, argv[i], n) != n)
      return 5;
  }
  return 0;
}

int main(int argc, char **argv)
{
  if (argc >= 1 && argv[0] && strcmp(argv[0], ECHO_NAME) == 0)
    return echo_args(argc, argv);
  return ktest_main(argc, argv, &suite);
}
