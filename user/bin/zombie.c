/*
 * zombie: leave a zombie behind. The child exits at once; the parent
 * sleeps without waiting for it and exits, so init inherits the zombie
 * and must reap it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
  pid_t pid = fork();

  if (pid < 0) {
    fprintf(stderr, "zombie: fork: %s\n", strerror(errno));
    return 1;
  }
  if (pid == 0)
    _exit(0);
  sleep(1);
  return 0;
}
