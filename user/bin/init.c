/*
 * init: the first user process. Opens the console as fds 0, 1 and 2, then
 * keeps a shell running: whenever sh exits it starts a new one. Orphaned
 * processes are reparented to init, so its wait() also reaps them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kite.h"

static int open_console(void)
{
  int fd = open("console", O_RDWR);

  if (fd < 0 && errno == ENOENT) {
    if (kite_mknod("console", KITE_CONSOLE_MAJOR, 0) < 0)
      return -1;
    fd = open("console", O_RDWR);
  }
  return fd;
}

static pid_t start_sh(void)
{
  char *argv[] = { "sh", NULL };
  pid_t pid;

  printf("init: starting sh\n");
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    execv("/sh", argv);
    fprintf(stderr, "init: exec sh: %s\n", strerror(errno));
    _exit(1);
  }
  if (pid < 0)
    fprintf(stderr, "init: fork: %s\n", strerror(errno));
  return pid;
}

int main(void)
{
  if (open_console() != 0)
    return 1;   /* nowhere to report it */
  dup(0);       /* stdout */
  dup(0);       /* stderr */

  for (;;) {
    pid_t sh = start_sh();
    if (sh < 0) {
      sleep(1);
      continue;
    }
    /* Reap orphans until the shell itself exits. */
    for (;;) {
      pid_t pid = wait(NULL);
      if (pid == sh)
        break;
      if (pid < 0) {
        fprintf(stderr, "init: wait: %s\n", strerror(errno));
        break;
      }
    }
  }
}
