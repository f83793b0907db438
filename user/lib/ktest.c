/*
 * ktest: the runner of Kite's in-QEMU test suites (see ktest.h).
 *
 * The runner calls the kernel directly (kite_syscall), never through the
 * C library's fork/wait/exit: those keep state of their own (reaped
 * children, stdio buffers to flush) that a test must not share with it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KTEST_NO_SHORT_NAMES
#include "ktest.h"

#define WHY_LEN (KTEST_REPORT_LEN + 96)   /* a record plus the runner's own words */

static const struct ktest_suite *suite;
static int quick;                /* -q */
static int longtests;            /* -L */
static long runner_pid;
static long test_pid;            /* the current test child */
static int report_fd = -1;       /* in the test child: the write end of the pipe */

/* Soft failures of the current test: how many, and the first one. */
static int soft_count;
static char soft_first[KTEST_REPORT_LEN / 2];

static long base_free;           /* free pages after the warm-up */
static long base_nproc;          /* processes after the warm-up */

/* Per test of the table: chosen to run, and the free pages it left missing. */
static char *selected;
static long *pages_lost;

static long k_fork(void)                  { return KSYS0(SYS_fork); }
static __attribute__((noreturn)) void k_exit(long st) { KSYS1(SYS_exit, st); for (;;) ; }
static long k_wait(int *st)               { return KSYS1(SYS_wait, st); }
static long k_pipe(int *fds)              { return KSYS1(SYS_pipe, fds); }
static long k_read(long fd, void *p, long n)        { return KSYS3(SYS_read, fd, p, n); }
static long k_write(long fd, const void *p, long n) { return KSYS3(SYS_write, fd, p, n); }
static long k_close(long fd)              { return KSYS1(SYS_close, fd); }
static long k_getpid(void)                { return KSYS0(SYS_getpid); }
static long k_sleep(long ticks)           { return KSYS1(SYS_sleep, ticks); }

int ktest_quick(void)        { return quick; }
long ktest_runner_pid(void)  { return runner_pid; }
long ktest_test_pid(void)    { return test_pid; }

void ktest_leaks(void) { }       /* never called: the runner checks in its place */

/* ------------------------------------------------------------------------ */
/* Reporting failures                                                        */

const char *ktest_errname(long r)
{
  static const struct { int e; const char *name; } names[] = {
    { KITE_EPERM, "EPERM" }, { KITE_ENOENT, "ENOENT" }, { KITE_ESRCH, "ESRCH" },
    { KITE_EINTR, "EINTR" }, { KITE_EIO, "EIO" }, { KITE_ENXIO, "ENXIO" },
    { KITE_E2BIG, "E2BIG" }, { KITE_ENOEXEC, "ENOEXEC" }, { KITE_EBADF, "EBADF" },
    { KITE_ECHILD, "ECHILD" }, { KITE_EAGAIN, "EAGAIN" }, { KITE_ENOMEM, "ENOMEM" },
    { KITE_EACCES, "EACCES" }, { KITE_EFAULT, "EFAULT" }, { KITE_EBUSY, "EBUSY" },
    { KITE_EEXIST, "EEXIST" }, { KITE_EXDEV, "EXDEV" }, { KITE_ENODEV, "ENODEV" },
    { KITE_ENOTDIR, "ENOTDIR" }, { KITE_EISDIR, "EISDIR" }, { KITE_EINVAL, "EINVAL" },
    { KITE_ENFILE, "ENFILE" }, { KITE_EMFILE, "EMFILE" }, { KITE_ENOTTY, "ENOTTY" },
    { KITE_EFBIG, "EFBIG" }, { KITE_ENOSPC, "ENOSPC" }, { KITE_ESPIPE, "ESPIPE" },
    { KITE_EMLINK, "EMLINK" }, { KITE_EPIPE, "EPIPE" }, { KITE_ERANGE, "ERANGE" },
    { KITE_ENOSYS, "ENOSYS" }, { KITE_ENOTEMPTY, "ENOTEMPTY" },
    { KITE_ENAMETOOLONG, "ENAMETOOLONG" },
  };
  static char text[4][24];
  static int next;
  char *t = text[next++ % 4];

  if (ktest_is_err(r)) {
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
      if (names[i].e == -r)
        return names[i].name;
    snprintf(t, sizeof text[0], "error %ld", -r);
  } else if (r > 0xffff || r < 0) {
    snprintf(t, sizeof text[0], "%#lx", (unsigned long)r);
  } else {
    snprintf(t, sizeof text[0], "%ld", r);
  }
  return t;
}

/* Send a record to the runner; the test child then exits. */
static __attribute__((noreturn)) void report(char rec[KTEST_REPORT_LEN])
{
  k_write(report_fd, rec, KTEST_REPORT_LEN);
  k_exit(KTEST_FAIL_STATUS);
}

void ktest_fail(int line, const char *fmt, ...)
{
  char rec[KTEST_REPORT_LEN];
  va_list ap;
  int n = 0;

  if (report_fd < 0 || k_getpid() != test_pid)
    k_exit(KTEST_CHILD_FAIL_BASE + line);
  memset(rec, 0, sizeof rec);
  if (soft_count > 0)
    n = snprintf(rec, sizeof rec, "%s (%d wrong results in all); then ", soft_first, soft_count);
  n += snprintf(rec + n, sizeof rec - n, "line %d: ", line);
  va_start(ap, fmt);
  vsnprintf(rec + n, sizeof rec - n, fmt, ap);
  va_end(ap);
  report(rec);
}

void ktest_soft_fail(int line, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (soft_count++ > 0)
    return;
  n = snprintf(soft_first, sizeof soft_first, "line %d: ", line);
  va_start(ap, fmt);
  vsnprintf(soft_first + n, sizeof soft_first - n, fmt, ap);
  va_end(ap);
}

/* The test function returned: pass, unless it had soft failures. */
static __attribute__((noreturn)) void end_test(void)
{
  char rec[KTEST_REPORT_LEN];

  if (soft_count == 0)
    k_exit(0);
  memset(rec, 0, sizeof rec);
  snprintf(rec, sizeof rec, "%s (%d wrong results in all)", soft_first, soft_count);
  report(rec);
}

const char *ktest_status_text(int st)
{
  static char t[48];
  const char *own = suite && suite->explain_status ? suite->explain_status(st) : NULL;

  if (own)
    return own;
  if (st == -1)
    return "was killed (-1)";
  if (st >= KTEST_CHILD_FAIL_BASE && st < KTEST_CHILD_FAIL_BASE + 100000)
    snprintf(t, sizeof t, "failed its check at line %d", st - KTEST_CHILD_FAIL_BASE);
  else
    snprintf(t, sizeof t, "exited %d", st);
  return t;
}

/* ------------------------------------------------------------------------ */
/* Processes and counts                                                      */

long ktest_xfork(int line)
{
  long pid = k_fork();
  if (ktest_is_err(pid))
    ktest_fail(line, "fork = %s", ktest_errname(pid));
  return pid;
}

/* Children ktest_wait_for reaped while waiting for another one. */
static struct { long pid; int status; } reaped[KITE_NPROC];

int ktest_wait_for(int line, long pid)
{
  int st = 0;

  for (int i = 0; i < KITE_NPROC; i++)
    if (reaped[i].pid == pid) {
      reaped[i].pid = 0;
      return reaped[i].status;
    }
  for (;;) {
    long r = k_wait(&st);
    if (r == pid)
      return st;
    if (ktest_is_err(r))
      ktest_fail(line, "wait for %ld = %s", pid, ktest_errname(r));
    for (int i = 0; i < KITE_NPROC; i++)
      if (reaped[i].pid == 0) {
        reaped[i].pid = r;
        reaped[i].status = st;
        break;
      }
  }
}

void ktest_check_exit(int line, long pid, int want)
{
  int st = ktest_wait_for(line, pid);
  if (st != want)
    ktest_fail(line, "child %s, expected status %d", ktest_status_text(st), want);
}

static long sysinfo_field(int nproc)
{
  struct kite_sysinfo si;
  if (ktest_is_err(KSYS1(SYS_sysinfo, &si)))
    return -1;
  return (long)(nproc ? si.nproc : si.free_pages);
}

long ktest_free_pages(void) { return sysinfo_field(0); }
long ktest_nproc(void)      { return sysinfo_field(1); }

/* ------------------------------------------------------------------------ */
/* Running one test                                                          */

/* Wait (up to 3 s) for init to reap the orphans a test left. */
static void settle(void)
{
  for (int t = 0; t < 300 && ktest_nproc() > base_nproc; t++)
    k_sleep(1);
}

/*
 * Free pages once a test is over. Memory is given back when a process is
 * reaped, so this is normally exact at once; give a slow reaper up to half
 * a second before calling it a leak.
 */
static long settled_free(long want)
{
  long now = ktest_free_pages();

  for (int t = 0; t < 50 && now < want; t++) {
    k_sleep(1);
    now = ktest_free_pages();
  }
  return now;
}

/* Why the test child that exited with st failed. */
static void child_failure(int st, int rfd, char *why, int len)
{
  char rec[KTEST_REPORT_LEN + 1];

  if (st == KTEST_FAIL_STATUS) {
    memset(rec, 0, sizeof rec);
    if (k_read(rfd, rec, KTEST_REPORT_LEN) > 0)
      snprintf(why, len, "%s", rec);
    else
      snprintf(why, len, "test exited %d without a report", st);
  } else if (st == -1) {
    snprintf(why, len, "test process killed by the kernel (-1)");
  } else {
    snprintf(why, len, "test process %s", ktest_status_text(st));
  }
}

/* Run fn (NULL: an empty test) in a child; 1 if it passed, else 0 and why. */
static int run_in_child(void (*fn)(void), char *why, int len)
{
  int p[2], st = 0;
  long pid, r;

  if (ktest_is_err(k_pipe(p))) {
    snprintf(why, len, "runner: pipe failed");
    return 0;
  }
  pid = k_fork();
  if (pid == 0) {
    k_close(p[0]);
    report_fd = p[1];
    test_pid = k_getpid();
    if (fn)
      fn();
    end_test();
  }
  k_close(p[1]);
  if (ktest_is_err(pid)) {
    k_close(p[0]);
    snprintf(why, len, "runner: fork = %s", ktest_errname(pid));
    return 0;
  }
  while ((r = k_wait(&st)) != pid) {
    if (ktest_is_err(r)) {
      k_close(p[0]);
      snprintf(why, len, "runner: wait = %s", ktest_errname(r));
      return 0;
    }
  }
  if (st != 0)
    child_failure(st, p[0], why, len);
  k_close(p[0]);
  return st == 0;
}

/* Put a reason in why: the first one, or after the reasons already there. */
static void add_reason(int first, char *why, int len, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
static void add_reason(int first, char *why, int len, const char *fmt, ...)
{
  int n = first ? 0 : (int)strlen(why);
  va_list ap;

  if (n > 0 && n < len)
    n += snprintf(why + n, len - n, "; ");
  va_start(ap, fmt);
  if (n < len)
    vsnprintf(why + n, len - n, fmt, ap);
  va_end(ap);
}

/* The ktest_leaks entry: the suite as a whole gave back what it took. */
static int suite_leaks_ok(char *why, int len)
{
  long now, lost, n;
  int worst[3] = { -1, -1, -1 };

  settle();
  n = ktest_nproc();
  if (n > base_nproc) {
    snprintf(why, len, "%ld processes at the start, %ld now (zombies?)", base_nproc, n);
    return 0;
  }
  now = ktest_free_pages();
  lost = base_free - now;
  if (lost <= suite->leak_slack)
    return 1;
  for (int i = 0; i < suite->ntests; i++)
    for (int k = 0; k < 3; k++)
      if (pages_lost[i] > 0 && (worst[k] < 0 || pages_lost[i] > pages_lost[worst[k]])) {
        for (int j = 2; j > k; j--)
          worst[j] = worst[j - 1];
        worst[k] = i;
        break;
      }
  int m = snprintf(why, len, "%ld free pages at the start, %ld now (lost %ld)", base_free, now, lost);
  for (int k = 0; k < 3 && worst[k] >= 0 && m < len; k++)
    m += snprintf(why + m, len - m, "%s %s -%ld", k ? "," : "; most after",
                  suite->tests[worst[k]].name, pages_lost[worst[k]]);
  return 0;
}

/*
 * Run fn (NULL: an empty test) with the page and process counts around
 * it; 1 if it passed, else 0 and why. *lost: the free pages it left missing.
 */
static int run_counted(void (*fn)(void), char *why, int len, long *lost)
{
  long before = ktest_free_pages(), after, n;
  int ok;

  if (fn == ktest_leaks)
    ok = suite_leaks_ok(why, len);
  else
    ok = run_in_child(fn, why, len);
  settle();
  if (suite->leaks == KTEST_LEAKS_SUITE) {
    *lost = before - ktest_free_pages();
    return ok;
  }
  after = settled_free(before);
  *lost = before - after;
  if ((n = ktest_nproc()) > base_nproc) {
    add_reason(ok, why, len, "%ld processes left behind", n - base_nproc);
    ok = 0;
  }
  if (after < before) {
    add_reason(ok, why, len, "leaked %ld pages (%ld free before, %ld after)",
               before - after, before, after);
    ok = 0;
  }
  return ok;
}

static int run_test(int i)
{
  char why[WHY_LEN];
  int ok;

  printf("test %s: ", suite->tests[i].name);
  fflush(stdout);
  ok = run_counted(suite->tests[i].fn, why, sizeof why, &pages_lost[i]);
  if (ok)
    printf("OK\n");
  else
    printf("FAIL %s\n", why);
  fflush(stdout);
  return ok;
}

/* Fault in what the runner touches on its way through a test, then take
 * the baseline the counts are compared with. */
static void warm_up(void)
{
  char why[WHY_LEN];
  long lost;

  base_nproc = ktest_nproc();
  run_counted(NULL, why, sizeof why, &lost);
  run_counted(NULL, why, sizeof why, &lost);
  k_sleep(1);
  base_free = ktest_free_pages();
}

/* ------------------------------------------------------------------------ */
/* Flags                                                                     */

static int find_test(const char *name)
{
  for (int i = 0; i < suite->ntests; i++)
    if (strcmp(suite->tests[i].name, name) == 0)
      return i;
  return -1;
}

static int usage(void)
{
  fprintf(stderr, "usage: %s [-q] [-L] [-l] [-a NAME] [NAME...]\n", suite->name);
  return 2;
}

/* Started by a shell, argv[0] names the suite. */
static int started_as_suite(int argc, char **argv)
{
  size_t n = strlen(suite->name), m;

  if (argc < 1 || argv == NULL || argv[0] == NULL)
    return 0;
  m = strlen(argv[0]);
  return m >= n && strcmp(argv[0] + m - n, suite->name) == 0;
}

static void list_tests(void)
{
  for (int i = 0; i < suite->ntests; i++)
    printf("%s%s\n", suite->tests[i].name, suite->tests[i].speed == KTEST_SLOW ? " (slow)"
                                          : suite->tests[i].speed == KTEST_LONG ? " (long)" : "");
}

/* Mark the tests to run; returns main's exit status, or -1 to go on. */
static int select_tests(int argc, char **argv)
{
  int named = 0, list = 0, after = -1;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-q") == 0) {
      quick = 1;
    } else if (strcmp(argv[i], "-L") == 0) {
      longtests = 1;
    } else if (strcmp(argv[i], "-l") == 0) {
      list = 1;
    } else if (strcmp(argv[i], "-a") == 0) {
      if (++i >= argc || (after = find_test(argv[i])) < 0)
        return usage();
    } else if (argv[i][0] == '-') {
      return usage();
    } else {
      int t = find_test(argv[i]);
      if (t < 0) {
        fprintf(stderr, "%s: no test named %s\n", suite->name, argv[i]);
        return 2;
      }
      selected[t] = 1;
      named = 1;
    }
  }
  if (list) {
    list_tests();
    return 0;
  }
  if (named && after >= 0 && !suite->names_with_after)
    return usage();
  for (int i = 0; !named && i < suite->ntests; i++)
    selected[i] = suite->tests[i].speed == KTEST_LONG ? longtests && !quick
                : !(quick && suite->tests[i].speed == KTEST_SLOW);
  for (int i = 0; i <= after; i++)
    selected[i] = 0;
  return -1;
}

int ktest_main(int argc, char **argv, const struct ktest_suite *s)
{
  int passed = 0, failed = 0, status;

  suite = s;
  if (suite->refuse_status && !started_as_suite(argc, argv))
    return suite->refuse_status;
  selected = calloc(suite->ntests, sizeof selected[0]);
  pages_lost = calloc(suite->ntests, sizeof pages_lost[0]);
  if (!selected || !pages_lost) {
    fprintf(stderr, "%s: out of memory\n", suite->name);
    return 2;
  }
  if ((status = select_tests(argc, argv)) >= 0)
    return status;

  printf("%s: starting%s\n", suite->name, quick ? " (quick)" : "");
  fflush(stdout);
  runner_pid = k_getpid();
  warm_up();
  for (int i = 0; i < suite->ntests; i++) {
    if (!selected[i])
      continue;
    if (run_test(i))
      passed++;
    else
      failed++;
  }
  /* xv6's grading scripts look for this line (xv6's usertests prints it). */
  if (failed == 0)
    printf("ALL TESTS PASSED\n");
  printf("%s: %d passed, %d failed\n", suite->name, passed, failed);
  fflush(stdout);
  return failed ? 1 : 0;
}
