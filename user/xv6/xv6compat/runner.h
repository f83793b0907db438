/*
 * xv6compat's test runner: a small runner written against xv6's API, in
 * the protocol of Kite's suites (user/lib/ktest.h, scripts/run-tests):
 *
 *   xv6compat: starting [(quick)]
 *   test NAME: OK | FAIL reason       one line per test
 *   xv6compat: N passed, N failed
 *
 * Flags: -q (skip slow tests), -L (also run the long ones, which take
 * minutes: make test-long), -l (list the tests), -a NAME (run the tests
 * after NAME: the harness resumes there after a crash), NAME... (run
 * only those, whatever their speed).
 *
 * Each test runs in a child of its own. A failed check in the test child
 * writes "line N: what" into a pipe to the runner and exits with
 * XT_FAIL_STATUS; a process the test forked in turn reports through its
 * exit status, XT_CHILD_FAIL + line. After each test the runner requires
 * the free pages and the process count (Kite's SYS_sysinfo) to be back
 * where they were: nothing leaked, nobody left behind.
 */
#ifndef XV6COMPAT_RUNNER_H
#define XV6COMPAT_RUNNER_H

#include "kernel/types.h"

#define XT_FAIL_STATUS  77        /* test child: a reason is in the pipe */
#define XT_CHILD_FAIL   10000     /* + line: a process a test forked failed a check */

enum xt_speed { XT_NORMAL, XT_SLOW, XT_LONG };

struct xtest {
  const char *name;
  void (*fn)(void);
  enum xt_speed speed;
};

/* The tables of the test files, each ended by a null entry, in the
 * order the tests run. */
extern const struct xtest xt_proc_tests[], xt_fault_tests[], xt_file_tests[],
                          xt_mem_tests[], xt_lib_tests[], xt_mmap_tests[], xt_const_tests[];

/* Fail the current check (never returns). */
void xt_fail(int line, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* Free pages and live processes, from Kite's SYS_sysinfo. */
long xt_free_pages(void);
long xt_nproc(void);
/* -q was given. */
int xt_quick(void);

/* fork, failing the check if it fails. */
int xt_fork(int line);
/* Wait for child pid (others reaped meanwhile are kept); its status. */
int xt_wait(int line, int pid);

#define CHECK(c) do { if (!(c)) xt_fail(__LINE__, "%s", #c); } while (0)
#define CHECK_EQ(a, b) do {                                                    \
    long _a = (long)(a), _b = (long)(b);                                        \
    if (_a != _b)                                                               \
      xt_fail(__LINE__, "%s = %ld, expected %ld", #a, _a, _b);                  \
  } while (0)
#define XFORK()          xt_fork(__LINE__)
#define WAIT_FOR(pid)    xt_wait(__LINE__, (pid))
/* In a process a test forked: exit with the line of the failed check. */
#define CHILD_CHECK(c)   do { if (!(c)) exit(XT_CHILD_FAIL + __LINE__); } while (0)
#define CHECK_EXIT(pid, want) do {                                             \
    int _st = WAIT_FOR(pid);                                                    \
    if (_st != (want))                                                          \
      xt_fail(__LINE__, "child exited %d, expected %d%s", _st, (want),          \
              _st > XT_CHILD_FAIL ? " (a check failed in it)" : "");            \
  } while (0)

#endif
