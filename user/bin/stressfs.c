/*
 * stressfs: several processes write files at the same time, then the
 * parent reads every file back and checks each byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD  4
#define NBLOCKS 20
#define BLOCK   512

/* Byte i of block b in file c: distinct per file and per block. */
static char pattern(int c, int b, int i)
{
  return (char)('a' + c + (b + i) % 7);
}

static void file_name(char *name, size_t size, int c)
{
  snprintf(name, size, "stressfs%d", c);
}

static int write_file(int c)
{
  char name[32], buf[BLOCK];
  int fd;

  file_name(name, sizeof(name), c);
  fd = open(name, O_CREAT | O_RDWR | O_TRUNC);
  if (fd < 0)
    return 1;
  for (int b = 0; b < NBLOCKS; b++) {
    for (int i = 0; i < BLOCK; i++)
      buf[i] = pattern(c, b, i);
    if (write(fd, buf, BLOCK) != BLOCK)
      return 1;
  }
  return close(fd) < 0;
}

static int check_file(int c)
{
  char name[32], buf[BLOCK];
  int fd, ok = 1;

  file_name(name, sizeof(name), c);
  fd = open(name, O_RDONLY);
  if (fd < 0) {
    printf("stressfs: FAIL open %s: %s\n", name, strerror(errno));
    return 0;
  }
  for (int b = 0; b < NBLOCKS && ok; b++) {
    if (read(fd, buf, BLOCK) != BLOCK) {
      printf("stressfs: FAIL short read in %s block %d\n", name, b);
      ok = 0;
      break;
    }
    for (int i = 0; i < BLOCK; i++) {
      if (buf[i] != pattern(c, b, i)) {
        printf("stressfs: FAIL %s block %d byte %d\n", name, b, i);
        ok = 0;
        break;
      }
    }
  }
  if (ok && read(fd, buf, 1) != 0) {
    printf("stressfs: FAIL %s is too long\n", name);
    ok = 0;
  }
  close(fd);
  unlink(name);
  return ok;
}

int main(void)
{
  int ok = 1;

  fflush(stdout);
  for (int c = 0; c < NCHILD; c++) {
    pid_t pid = fork();
    if (pid < 0) {
      printf("stressfs: FAIL fork: %s\n", strerror(errno));
      return 1;
    }
    if (pid == 0)
      _exit(write_file(c));
  }
  for (int c = 0; c < NCHILD; c++) {
    int status;
    if (wait(&status) < 0 || status != 0) {
      printf("stressfs: FAIL a writer failed\n");
      ok = 0;
    }
  }
  for (int c = 0; c < NCHILD; c++)
    ok &= check_file(c);
  if (!ok)
    return 1;
  printf("stressfs: OK\n");
  return 0;
}
