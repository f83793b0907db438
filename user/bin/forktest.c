/*
 * forktest: fork until the process table is full, then reap every child.
 *
 * Each child exits at once but stays a zombie until waited for, so fork
 * must fail after about KITE_NPROC processes exist. Then wait() must
 * return each child exactly once and fail with ECHILD afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kite.h"

#define LIMIT (4 * KITE_NPROC)   /* fork must fail long before this */

static int fail(const char *why)
{
  printf("forktest: FAIL %s\n", why);
  return 1;
}

int main(void)
{
  int n, status;

  fflush(stdout);
  for (n = 0; n < LIMIT; n++) {
    pid_t pid = fork();
    if (pid < 0)
      break;
    if (pid == 0)
      _exit(n % 100);
  }
  if (n == LIMIT)
    return fail("fork never failed");
  if (n == 0)
    return fail("no fork succeeded");
  if (n >= KITE_NPROC)
    return fail("more processes than KITE_NPROC");

  for (int i = 0; i < n; i++) {
    status = -2;
    if (wait(&status) < 0) {
      printf("forktest: FAIL wait %d of %d: %s\n", i + 1, n, strerror(errno));
      return 1;
    }
    if (status < 0 || status >= 100)
      return fail("wrong exit status");
  }
  if (wait(&status) != -1 || errno != ECHILD)
    return fail("wait found an extra child");

  printf("forktest: %d children\n", n);
  printf("forktest: OK\n");
  return 0;
}
