/*
 * ktest: the runner of Kite's in-QEMU test suites (usertests, memtests,
 * uaccesstests). A suite is a table of tests and a main() that calls
 * ktest_main(); the runner does the rest.
 *
 * What the runner guarantees:
 *  - Each test runs in a child of its own, forked afresh by the runner, so
 *    a test that crashes, exits early, changes its working directory or
 *    leaves its address space in a mess cannot disturb the next one. A
 *    test passes when its child returns from the test function (or exits
 *    0) with no soft failure, and the page check below holds.
 *  - A failing check in the test child writes one fixed-size record,
 *    "line N: what went wrong", into a pipe to the runner and exits with
 *    KTEST_FAIL_STATUS; the runner prints the record as the reason.
 *    Processes the test forks in turn report through their exit status
 *    only: KTEST_CHILD_FAIL_BASE + the line of the failed check (wait()
 *    passes the whole int through). A test process the kernel killed
 *    exits with -1, and the runner says so.
 *  - A soft failure (ktest_soft_fail) lets the test go on; the test fails
 *    when it ends, with the first one and a count of them all.
 *  - Pages and processes are checked as the suite chooses (enum
 *    ktest_leakcheck): around every test, or for the suite as a whole. The
 *    runner first runs an empty test through the same path twice, so its
 *    own lazily-filled pages (stack, stdio) are in place before any count.
 *
 * Flags, as scripts/run-tests uses them:
 *   SUITE            run every test
 *   SUITE -q         quick: skip the tests marked KTEST_SLOW (tests may ask
 *                    ktest_quick() and use smaller counts)
 *   SUITE -L         long: also run the tests marked KTEST_LONG, which are
 *                    otherwise skipped (make test-long)
 *   SUITE -l         list the test names, one a line, " (slow)" or " (long)"
 *                    after those
 *   SUITE NAME...    run only the named tests, slow or not
 *   SUITE -a NAME    run the tests that come after NAME in the table (the
 *                    harness goes on this way after a test hung or
 *                    panicked the kernel); with NAMEs too, if the suite
 *                    allows it, the named tests that come after NAME
 * A bad flag or name, or NAMEs with -a where the suite does not allow it,
 * prints usage (or "SUITE: no test named NAME") and exits 2.
 *
 * Output protocol (scripts/run-tests parses it):
 *   first:          "SUITE: starting", or "SUITE: starting (quick)"
 *   for each test:  "test NAME: " then "OK" or "FAIL reason", newline
 *   at the end:     "ALL TESTS PASSED" if none failed (xv6's graders look
 *                   for it), then "SUITE: N passed, N failed"
 * The exit status is 0 iff every test passed.
 */
#ifndef KITE_KTEST_H
#define KITE_KTEST_H

#include <errno.h>
#include "kite.h"

#define KTEST_FAIL_STATUS     77      /* test child: a failure record is in the pipe */
#define KTEST_CHILD_FAIL_BASE 10000   /* a process the test forked: base + line of the check */
#define KTEST_REPORT_LEN      400     /* one failure record; far below a pipe's capacity */

enum ktest_speed {
  KTEST_NORMAL = 0,
  KTEST_SLOW = 1,       /* skipped by -q */
  KTEST_LONG = 2,       /* minutes: run only with -L (make test-long) or by name */
};

struct ktest {
  const char *name;
  void (*fn)(void);     /* runs in the test child; returning means passing */
  enum ktest_speed speed;
};

/*
 * A table entry with fn == ktest_leaks is run by the runner itself: the
 * free pages must be back to the baseline taken before the first test,
 * within the suite's leak_slack, and no process may be left over. On
 * failure it names the tests that lost the most pages. Put it last.
 */
void ktest_leaks(void);

enum ktest_leakcheck {
  /* Free pages are read just before the test child is forked and again
   * once it is reaped (and init has reaped its orphans): they must be
   * equal, with no slack, and no process may be left over. */
  KTEST_LEAKS_EACH,
  /* Tests may leave pages behind one by one (the runner's own lazily
   * faulted pages count there too); only the ktest_leaks entry checks. */
  KTEST_LEAKS_SUITE,
};

struct ktest_suite {
  const char *name;                   /* the program's name and the protocol's SUITE */
  const struct ktest *tests;          /* run in table order */
  int ntests;
  enum ktest_leakcheck leaks;
  long leak_slack;                    /* pages the ktest_leaks entry allows */
  int names_with_after;               /* NAME... may be combined with -a NAME */
  /* Not 0: unless argv[0] ends in name, exit at once with this status.
   * An exec a test expected to fail that went through runs the suite
   * with a strange argv; this keeps it from running the tests again. */
  int refuse_status;
  /* The suite's own exit statuses as text, NULL for the others. */
  const char *(*explain_status)(int st);
};

/* Parse the flags, run the selected tests, print the protocol; returns
 * main's exit status. */
int ktest_main(int argc, char **argv, const struct ktest_suite *suite);

/* -q was given. */
int ktest_quick(void);
/* The runner's pid (the test child's parent) and the test child's pid. */
long ktest_runner_pid(void);
long ktest_test_pid(void);

/*
 * Fail the current check. In the test child: write the record and exit
 * with KTEST_FAIL_STATUS. In any process the test forked: exit with
 * KTEST_CHILD_FAIL_BASE + line.
 */
void ktest_fail(int line, const char *fmt, ...)
  __attribute__((noreturn, format(printf, 2, 3)));

/* A wrong result that need not stop the test; see the top of this file. */
void ktest_soft_fail(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A raw system-call result is an error when it lies in [-4095, -1]. */
static inline int ktest_is_err(long r) { return r < 0 && r >= -4095; }

/* A raw result as text: an error's name, a large or negative value in hex
 * (an address, most likely), anything else in decimal. Four results may
 * be in use at once. */
const char *ktest_errname(long r);

/* An exit status as text: "was killed (-1)", "failed its check at line N",
 * "exited N", or the suite's own words. */
const char *ktest_status_text(int st);

/* fork, failing the check on error. */
long ktest_xfork(int line);
/* Wait until the child pid exits; returns its status. Other children
 * reaped meanwhile are kept for their own ktest_wait_for. */
int ktest_wait_for(int line, long pid);
/* Wait for pid and require exit status want. */
void ktest_check_exit(int line, long pid, int want);

/* SYS_sysinfo's counts; -1 if the call fails. */
long ktest_free_pages(void);
long ktest_nproc(void);

/* ------------------------------------------------------------------------ */
/* Checks. Each failure names the source line and what was expected.          */

#define CHECK(c) do { if (!(c)) ktest_fail(__LINE__, "%s", #c); } while (0)

#define CHECK_EQ(a, b) do {                                              \
    long _a = (long)(a), _b = (long)(b);                                  \
    if (_a != _b)                                                         \
      ktest_fail(__LINE__, "%s = %s, expected %s", #a,                    \
                 ktest_errname(_a), ktest_errname(_b));                   \
  } while (0)

/* The call must succeed (not a raw error); evaluates to its result. */
#define CHECK_OK(x) ({                                                   \
    long _r = (long)(x);                                                  \
    if (ktest_is_err(_r))                                                 \
      ktest_fail(__LINE__, "%s = %s", #x, ktest_errname(_r));             \
    _r; })

/* The call must fail with exactly -E. */
#define CHECK_ERR(x, E) do {                                             \
    long _r = (long)(x);                                                  \
    if (_r != -(E))                                                       \
      ktest_fail(__LINE__, "%s = %s, expected %s", #x,                    \
                 ktest_errname(_r), ktest_errname(-(E)));                 \
  } while (0)

/* The call must fail with -E1 or -E2 (where the contract allows either). */
#define CHECK_ERR2(x, E1, E2) do {                                       \
    long _r = (long)(x);                                                  \
    if (_r != -(E1) && _r != -(E2))                                       \
      ktest_fail(__LINE__, "%s = %s, expected %s or %s", #x,              \
                 ktest_errname(_r), ktest_errname(-(E1)), ktest_errname(-(E2))); \
  } while (0)

/* A C-library call must return -1 with errno E. */
#define CHECK_ERRNO(x, E) do {                                           \
    errno = 0;                                                            \
    long _r = (long)(x);                                                  \
    if (_r != -1 || errno != (E))                                         \
      ktest_fail(__LINE__, "%s = %ld errno %d, expected -1 errno %d", #x, \
                 _r, errno, (E));                                         \
  } while (0)

#define CHECK_EXIT(pid, want) ktest_check_exit(__LINE__, (pid), (want))
#define XFORK()               ktest_xfork(__LINE__)
#define WAIT_FOR(pid)         ktest_wait_for(__LINE__, (pid))

/* Short names for test code, so that a check stays on one line. */
#ifndef KTEST_NO_SHORT_NAMES
#define fail(...)             ktest_fail(__VA_ARGS__)
#define errname(r)            ktest_errname(r)
#define is_err(r)             ktest_is_err(r)
#define status_text(st)       ktest_status_text(st)
#define xfork(line)           ktest_xfork(line)
#define wait_for(line, pid)   ktest_wait_for((line), (pid))
#define free_pages()          ktest_free_pages()
#define nproc()               ktest_nproc()
#endif

#endif
