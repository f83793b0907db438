/*
 * mapdemo: build a small address space with every kind of mapping (heap,
 * stack, guard, a shared file mapping, a private file mapping, shared and
 * private anonymous memory, a PROT_NONE reservation), then show it with
 * `pmap PID` (the /proc/PID/maps format) and `pmap -x PID`.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kite.h"

static void *must(void *p, const char *what)
{
  if (p == MAP_FAILED) {
    perror(what);
    exit(1);
  }
  return p;
}

int main(void)
{
  const char *path = "mapdemo.dat";
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC);
  if (fd < 0) {
    perror(path);
    return 1;
  }
  static char block[8192];
  memset(block, 'k', sizeof block);
  if (write(fd, block, sizeof block) != sizeof block) {
    perror("write");
    return 1;
  }

  char *heap = sbrk(3 * 4096);                       /* [heap] */
  heap[0] = 1;
  char *file = must(mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), "mmap file");
  file[0] = 'K';                                     /* reaches the file at exit */
  must(mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 4096), "mmap private file");
  char *shared = must(mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
                      "mmap shared");
  shared[0] = 1;
  must(mmap(0, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), "mmap anon");
  must(mmap(0, 16 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), "mmap reserve");

  char pid[16];
  snprintf(pid, sizeof pid, "%d", getpid());
  for (int extended = 0; extended < 2; extended++) {
    if (fork() == 0) {
      char *plain[] = { "pmap", pid, NULL }, *x[] = { "pmap", "-x", pid, NULL };
      execv("/pmap", extended ? x : plain);
      perror("exec pmap");
      exit(1);
    }
    wait(NULL);
  }
  close(fd);
  unlink(path);
  return 0;
}
