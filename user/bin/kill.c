/* kill: kill processes by pid (Kite has no signals: the process dies). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
  int status = 0;

  if (argc < 2) {
    fprintf(stderr, "usage: kill pid...\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (*argv[i] == '\0' || *end != '\0' || pid <= 0) {
      fprintf(stderr, "kill: %s: not a pid\n", argv[i]);
      status = 1;
      continue;
    }
    if (kill((pid_t)pid, SIGKILL) < 0) {
      fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
      status = 1;
    }
  }
  return status;
}
