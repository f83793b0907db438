/*
 * xv6compat's runner (see runner.h). It is an xv6 program like the tests:
 * xv6's fork, wait, pipe and unbuffered printf; only the page and process
 * counts come from Kite's own SYS_sysinfo.
 */
#include <stdarg.h>
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"
#include <kite/syscall.h>
#include <kite/stat.h>
#include "runner.h"

long kite_syscall(long num, long a0, long a1, long a2, long a3, long a4, long a5);
void vprintf(int fd, const char *fmt, va_list ap);    /* xv6's, not in user.h */

#define REASON_LEN 400

static const struct xtest *const groups[] = {
  xt_lib_tests, xt_proc_tests, xt_fault_tests, xt_file_tests, xt_mem_tests,
  xt_mmap_tests, xt_const_tests,
};

static const struct xtest **xt_tests;   /* every test, in order */
static int xt_ntests;

static int quick;
static int longtests;              /* -L */
static int report_fd = -1;       /* in a test child: the pipe's write end */
static int test_pid;             /* the current test child */
static long base_nproc;

int xt_quick(void) { return quick; }

static long sysinfo_field(int nproc)
{
  struct kite_sysinfo si;

  if (kite_syscall(SYS_sysinfo, (long)&si, 0, 0, 0, 0, 0) < 0)
    return -1;
  return nproc ? (long)si.nproc : (long)si.free_pages;
}

long xt_free_pages(void) { return sysinfo_field(0); }
long xt_nproc(void) { return sysinfo_field(1); }

void xt_fail(int line, const char *fmt, ...)
{
  va_list ap;

  if (report_fd < 0 || getpid() != test_pid)
    exit(XT_CHILD_FAIL + line);
  fprintf(report_fd, "line %d: ", line);
  va_start(ap, fmt);
  vprintf(report_fd, fmt, ap);
  va_end(ap);
  exit(XT_FAIL_STATUS);
}

int xt_fork(int line)
{
  int pid = fork();

  if (pid < 0)
    xt_fail(line, "fork failed");
  return pid;
}

/* Children xt_wait reaped while waiting for another one. */
static struct { int pid, status; } kept[NPROC];

int xt_wait(int line, int pid)
{
  int st, got;

  for (int i = 0; i < NPROC; i++)
    if (kept[i].pid == pid) {
      kept[i].pid = 0;
      return kept[i].status;
    }
  while ((got = wait(&st)) != pid) {
    if (got < 0)
      xt_fail(line, "wait for %d failed", pid);
    for (int i = 0; i < NPROC; i++)
      if (kept[i].pid == 0) {
        kept[i].pid = got;
        kept[i].status = st;
        break;
      }
  }
  return st;
}

/* ------------------------------------------------------------------------ */

/* Wait (up to 3 s) for init to reap what a test left, then for the free
 * pages to come back (up to 0.5 s). */
static long settled_free(long want)
{
  long now;

  for (int t = 0; t < 300 && xt_nproc() > base_nproc; t++)
    pause(1);
  now = xt_free_pages();
  for (int t = 0; t < 50 && now < want; t++) {
    pause(1);
    now = xt_free_pages();
  }
  return now;
}

static void print_status(int st)
{
  if (st == -1)
    printf("test process killed by the kernel (-1)");
  else if (st > XT_CHILD_FAIL)
    printf("a process of the test failed its check at line %d", st - XT_CHILD_FAIL);
  else
    printf("test process exited %d", st);
}

/* Run fn (0: an empty test) in a child; 1 if it passed. With report,
 * print OK or FAIL and why. */
static int run_one(void (*fn)(void), int report)
{
  char why[REASON_LEN + 1];
  int p[2], pid, st = 0, n, ok;
  long before = xt_free_pages(), after, left;

  if (pipe(p) < 0) {
    if (report)
      printf("FAIL runner: pipe failed\n");
    return 0;
  }
  pid = fork();
  if (pid == 0) {
    close(p[0]);
    report_fd = p[1];
    test_pid = getpid();
    if (fn)
      fn();
    exit(0);
  }
  close(p[1]);
  if (pid < 0) {
    close(p[0]);
    if (report)
      printf("FAIL runner: fork failed\n");
    return 0;
  }
  while (wait(&st) != pid)
    ;
  n = 0;
  if (st == XT_FAIL_STATUS && (n = read(p[0], why, REASON_LEN)) < 0)
    n = 0;
  why[n] = 0;
  close(p[0]);
  after = settled_free(before);
  left = xt_nproc() - base_nproc;
  ok = st == 0 && after == before && left <= 0;
  if (!report)
    return ok;
  if (ok) {
    printf("OK\n");
    return 1;
  }
  printf("FAIL ");
  if (st == XT_FAIL_STATUS && n > 0)
    printf("%s", why);
  else if (st != 0)
    print_status(st);
  if (left > 0)
    printf("%s%ld processes left behind", st ? "; " : "", left);
  if (after != before)
    printf("%s%ld pages leaked (%ld free before, %ld after)", st || left > 0 ? "; " : "",
           before - after, before, after);
  printf("\n");
  return 0;
}

static int find(const char *name)
{
  for (int i = 0; i < xt_ntests; i++)
    if (strcmp(xt_tests[i]->name, name) == 0)
      return i;
  return -1;
}

static int usage(void)
{
  fprintf(2, "usage: xv6compat [-q] [-L] [-l] [-a NAME] [NAME...]\n");
  return 2;
}

/* Mark the tests to run; main's exit status, or -1 to go on. */
static int select_tests(int argc, char **argv, char *selected)
{
  int named = 0, after = -1;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-q") == 0) {
      quick = 1;
    } else if (strcmp(argv[i], "-L") == 0) {
      longtests = 1;
    } else if (strcmp(argv[i], "-l") == 0) {
      for (int t = 0; t < xt_ntests; t++)
        printf("%s%s\n", xt_tests[t]->name, xt_tests[t]->speed == XT_SLOW ? " (slow)"
                                           : xt_tests[t]->speed == XT_LONG ? " (long)" : "");
      return 0;
    } else if (strcmp(argv[i], "-a") == 0) {
      if (++i >= argc || (after = find(argv[i])) < 0)
        return usage();
    } else if (argv[i][0] == '-') {
      return usage();
    } else if (find(argv[i]) < 0) {
      fprintf(2, "xv6compat: no test named %s\n", argv[i]);
      return 2;
    } else {
      selected[find(argv[i])] = 1;
      named = 1;
    }
  }
  for (int t = 0; !named && t < xt_ntests; t++)
    selected[t] = xt_tests[t]->speed == XT_LONG ? longtests && !quick
                : !(quick && xt_tests[t]->speed == XT_SLOW);
  for (int t = 0; t <= after; t++)
    selected[t] = 0;
  return -1;
}

int xt_helper(int argc, char **argv);   /* tests.c: exec'd helpers */

int main(int argc, char **argv)
{
  int passed = 0, failed = 0, status;
  char *selected;

  if (argc >= 2 && argv[1][0] == '+')
    return xt_helper(argc, argv);
  for (int g = 0; g < sizeof groups / sizeof groups[0]; g++)
    for (const struct xtest *t = groups[g]; t->name; t++)
      xt_ntests++;
  xt_tests = malloc(xt_ntests * sizeof xt_tests[0]);
  if (xt_tests == 0 || (selected = malloc(xt_ntests)) == 0)
    return 2;
  xt_ntests = 0;
  for (int g = 0; g < sizeof groups / sizeof groups[0]; g++)
    for (const struct xtest *t = groups[g]; t->name; t++)
      xt_tests[xt_ntests++] = t;
  memset(selected, 0, xt_ntests);
  if ((status = select_tests(argc, argv, selected)) >= 0)
    return status;
  printf("xv6compat: starting%s\n", quick ? " (quick)" : "");
  base_nproc = xt_nproc();
  run_one(0, 0);                 /* fault in the runner's own pages first */
  run_one(0, 0);
  for (int t = 0; t < xt_ntests; t++) {
    if (!selected[t])
      continue;
    printf("test %s: ", xt_tests[t]->name);
    if (run_one(xt_tests[t]->fn, 1))
      passed++;
    else
      failed++;
  }
  if (failed == 0)
    printf("ALL TESTS PASSED\n");
  printf("xv6compat: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
