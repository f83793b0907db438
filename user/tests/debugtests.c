/*
 * debugtests: what Kite tells a student when something breaks.
 *
 *   shell_status     the shell reports a failed command's status, "[exit N]",
 *                    and is quiet with -q or after "status off"
 *   user_fault       a program the kernel kills for a NULL load exits with
 *                    -1; the harness adds the faulting function and line
 *                    to the kernel's console line (scripts/kitesym.py)
 *   null_syscall     a NULL load inside a system call panics the kernel
 *   kernel_window    a store into kernel text: the panic names the kernel's
 *                    RAM window, never "a user address", though user page
 *                    tables put it in the user address range
 *   assert_fails     a failed ASSERT: the panic's message names the condition
 *                    and line, its backtrace starts at the function that
 *                    called panic
 *   wild_call        a call through a function pointer to data: frame #0 is
 *                    "?" (outside kernel text), the frames under it found
 *                    all the same
 *   kstack_overflow  an unbounded recursion in the kernel runs into the
 *                    guard page below its kernel stack
 *
 * The last five need a kernel built with -DKITE_PANICTEST=1 (make
 * panictest-kernel) and end in a panic, not in "OK": scripts/run-tests
 * hands each test's console output to scripts/check-debugtests, which
 * checks the lines a panic must print (hart, pid and name, the cause by
 * name, file:line in every frame, "kernel stack overflow in pid N (name)",
 * the collapsed recursion) and decides the test. Run by make test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kite/syscall.h>
#include "ktest.h"

/* Run "/sh ARGS" with `script` on its standard input; its standard output
 * and error, at most size - 1 bytes, go to out. Returns sh's status. */
static int run_shell(char *const args[], const char *script, char *out, int size)
{
  int in[2], res[2];
  CHECK_OK(pipe(in));
  CHECK_OK(pipe(res));
  long pid = XFORK();
  if (pid == 0) {
    close(in[1]);
    close(res[0]);
    close(0);
    CHECK_EQ(dup(in[0]), 0);
    close(1);
    CHECK_EQ(dup(res[1]), 1);
    close(2);
    CHECK_EQ(dup(res[1]), 2);
    close(in[0]);
    close(res[1]);
    execv("/sh", args);
    _exit(126);
  }
  close(in[0]);
  close(res[1]);
  CHECK_EQ(write(in[1], script, strlen(script)), (long)strlen(script));
  close(in[1]);
  int n = 0;
  long r;
  while (n < size - 1 && (r = read(res[0], out + n, size - 1 - n)) > 0)
    n += r;
  out[n] = '\0';
  close(res[0]);
  return WAIT_FOR(pid);
}

static void t_shell_status(void)
{
  static char out[1024];
  char *interactive[] = { "sh", "-i", NULL };
  char *quiet[] = { "sh", "-i", "-q", NULL };
  const char *script =
      "sh -c 'exit 3'\n"            /* a failure: reported */
      "echo fine\n"                 /* success: nothing */
      "no-such-program\n"           /* not found: 127 */
      "status off\n"
      "sh -c 'exit 4'\n"            /* not reported */
      "status on\n"
      "sh -c 'exit 300'\n";         /* 300 & 0xff = 44 */

  CHECK_EQ(run_shell(interactive, script, out, sizeof out), 0);
  if (!strstr(out, "$ [exit 3]\n"))
    fail(__LINE__, "no \"[exit 3]\" after a prompt in: %s", out);
  if (!strstr(out, "fine\n$ ") || strstr(out, "[exit 0]"))
    fail(__LINE__, "a command that succeeded was reported: %s", out);
  if (!strstr(out, "[exit 127]\n"))
    fail(__LINE__, "no \"[exit 127]\" for a missing program: %s", out);
  if (strstr(out, "[exit 4]"))
    fail(__LINE__, "\"status off\" did not silence the report: %s", out);
  if (!strstr(out, "[exit 44]\n"))
    fail(__LINE__, "\"status on\" did not bring the report back: %s", out);

  CHECK_EQ(run_shell(quiet, "sh -c 'exit 3'\n", out, sizeof out), 0);
  if (strstr(out, "[exit"))
    fail(__LINE__, "sh -q reported a status: %s", out);
  if (strcmp(out, "$ $ ") != 0)
    fail(__LINE__, "sh -q -i printed \"%s\", expected two prompts", out);
}

/* The function and line the kernel's kill line must be resolved to. */
static void __attribute__((noinline)) fault_here(void)
{
  volatile int *volatile nowhere = NULL;
  *nowhere = 1;                       /* debugtests: the user NULL store */
}

static void t_user_fault(void)
{
  long pid = XFORK();
  if (pid == 0) {
    fault_here();
    _exit(0);
  }
  CHECK_EXIT(pid, -1);
}

/* Ask a test kernel to panic; returning at all is the failure. */
static void panic_on_purpose(int what)
{
  long r = kite_syscall(SYS_panictest, what, 0, 0, 0, 0, 0);
  if (r == -ENOSYS)
    fail(__LINE__, "this kernel has no SYS_panictest (build it with make panictest-kernel)");
  fail(__LINE__, "SYS_panictest(%d) returned %s instead of panicking", what, errname(r));
}

static void t_null_syscall(void)
{
  panic_on_purpose(KITE_PANICTEST_NULL);
}

static void t_kernel_window(void)
{
  panic_on_purpose(KITE_PANICTEST_WINDOW);
}

static void t_assert_fails(void)
{
  panic_on_purpose(KITE_PANICTEST_ASSERT);
}

static void t_wild_call(void)
{
  panic_on_purpose(KITE_PANICTEST_CALL);
}

static void t_kstack_overflow(void)
{
  panic_on_purpose(KITE_PANICTEST_RECURSE);
}

static const struct ktest tests[] = {
  { "shell_status",    t_shell_status,    KTEST_NORMAL },
  { "user_fault",      t_user_fault,      KTEST_NORMAL },
  /* These panic the kernel: the harness reboots after each. */
  { "null_syscall",    t_null_syscall,    KTEST_NORMAL },
  { "kernel_window",   t_kernel_window,   KTEST_NORMAL },
  { "assert_fails",    t_assert_fails,    KTEST_NORMAL },
  { "wild_call",       t_wild_call,       KTEST_NORMAL },
  { "kstack_overflow", t_kstack_overflow, KTEST_NORMAL },
};

static const struct ktest_suite suite = {
  .name = "debugtests",
  .tests = tests,
  .ntests = sizeof tests / sizeof tests[0],
  .leaks = KTEST_LEAKS_EACH,
  .names_with_after = 1,
};

int main(int argc, char **argv)
{
  return ktest_main(argc, argv, &suite);
}
