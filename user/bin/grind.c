/*
 * grind [iterations [seed]]: a bounded, repeatable system-call stress.
 *
 * Performs random operations (files, links, directories, fork, pipes, the
 * break, bad arguments) chosen by a fixed-seed generator, inside a scratch
 * directory "grindtmp.PID". Each result is checked against the outcomes the
 * operation may legitimately have; anything else is reported. Prints
 * "grind: OK" when every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kite.h"

/* "grindtmp.PID": several grinds can run side by side in one directory. */
static char scratch[32];
#define NFILES  8
#define NDIRS   4

static unsigned long long rng_state;
static long iteration;
static int failures;

static unsigned rnd(unsigned n)
{
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)(rng_state >> 33) % n;
}

static void check(int ok, const char *what)
{
  if (ok)
    return;
  failures++;
  if (failures <= 10)
    printf("grind: FAIL iteration %ld: %s (errno %d: %s)\n", iteration, what, errno,
           strerror(errno));
}

/* ret is 0 (success) or -1 with errno one of the allowed values. */
static int allowed(long ret, int e1, int e2)
{
  return ret >= 0 || errno == e1 || errno == e2;
}

static const char *file_name(unsigned k)
{
  static char names[NFILES][8];
  snprintf(names[k], sizeof(names[k]), "f%u", k);
  return names[k];
}

static const char *dir_name(unsigned k)
{
  static char names[NDIRS][8];
  snprintf(names[k], sizeof(names[k]), "d%u", k);
  return names[k];
}

/* ---- Operations ------------------------------------------------------ */

static char buf[2048], buf2[2048];

/* Create or truncate a file, write to it, read it back. */
static void op_write_file(void)
{
  int fd = open(file_name(rnd(NFILES)), O_CREAT | O_RDWR | O_TRUNC);
  int n = 1 + rnd(sizeof(buf));

  check(allowed(fd, ENOSPC, ENFILE), "create");
  if (fd < 0)
    return;
  for (int i = 0; i < n; i++)
    buf[i] = (char)rnd(256);
  int w = write(fd, buf, n);
  check(w == n || (w < 0 && errno == ENOSPC), "write");
  if (w == n) {
    check(lseek(fd, 0, SEEK_SET) == 0, "lseek");
    check(read(fd, buf2, n) == n && memcmp(buf, buf2, n) == 0, "read back");
    check(read(fd, buf2, 1) == 0, "read at end of file");
  }
  check(close(fd) == 0, "close");
}

static void op_unlink(void)
{
  check(allowed(unlink(file_name(rnd(NFILES))), ENOENT, ENOENT), "unlink");
}

static void op_link(void)
{
  unsigned a = rnd(NFILES), b = rnd(NFILES);
  int ret = link(file_name(a), file_name(b));

  check(allowed(ret, ENOENT, EEXIST), "link");
}

static void op_mkdir(void)
{
  check(allowed(mkdir(dir_name(rnd(NDIRS)), 0755), EEXIST, ENOSPC), "mkdir");
}

static void op_rmdir(void)
{
  /* Directories stay empty, so removing one works unless it is absent. */
  check(allowed(unlink(dir_name(rnd(NDIRS))), ENOENT, ENOENT), "unlink directory");
}

static void op_chdir(void)
{
  struct stat st;

  if (chdir(dir_name(rnd(NDIRS))) < 0) {
    check(errno == ENOENT, "chdir");
    return;
  }
  check(stat(".", &st) == 0 && S_ISDIR(st.st_mode), "stat . after chdir");
  if (chdir("..") < 0) {
    check(0, "chdir ..");
    exit(1);   /* every later path would be wrong */
  }
}

static void op_fork(void)
{
  int status = -2;
  pid_t pid;

  fflush(stdout);
  pid = fork();
  check(allowed(pid, EAGAIN, ENOMEM), "fork");
  if (pid < 0)
    return;
  if (pid == 0) {
    /* The child does a little work of its own, then exits. */
    for (int i = 0; i < 3; i++)
      op_write_file();
    _exit(failures ? 1 : 42);
  }
  check(waitpid(pid, &status, 0) == pid, "wait");
  check(status == 42, "child exit status");
}

static void op_pipe(void)
{
  int p[2], n = 1 + rnd(512);

  if (pipe(p) < 0) {
    check(errno == ENFILE || errno == EMFILE, "pipe");
    return;
  }
  for (int i = 0; i < n; i++)
    buf[i] = (char)rnd(256);
  check(write(p[1], buf, n) == n, "pipe write");
  check(read(p[0], buf2, n) == n && memcmp(buf, buf2, n) == 0, "pipe read");
  check(close(p[1]) == 0, "pipe close");
  check(read(p[0], buf2, 1) == 0, "pipe end of file");
  check(close(p[0]) == 0, "pipe close");
}

/* Grow the break, use the memory, give it back (no malloc in between). */
static void op_sbrk(void)
{
  long n = 1 + rnd(64 * 1024);
  char *old = sbrk(n);

  if (old == (char *)-1) {
    check(errno == ENOMEM, "sbrk up");
    return;
  }
  memset(old, 0x5a, n);
  check(old[0] == 0x5a && old[n - 1] == 0x5a, "sbrk memory");
  check(sbrk(-n) == old + n, "sbrk down");
  check(sbrk(0) == old, "break restored");
}

/* Calls that must fail cleanly. */
static void op_bad_args(void)
{
  static char long_path[KITE_MAXPATH * 3];
  char *volatile bad = (char *)8;   /* in the never-mapped first page */
  int fd;

  memset(long_path, 'x', sizeof(long_path) - 1);
  switch (rnd(8)) {
  case 0:
    check(open("", O_RDONLY) < 0, "open empty path");
    break;
  case 1:
    check(open("nonexistent/x", O_RDONLY) < 0 && errno == ENOENT, "open missing dir");
    break;
  case 2:
    check(open(long_path, O_RDONLY) < 0, "open long path");
    break;
  case 3:
    check(read(-1, buf, 1) < 0 && errno == EBADF, "read bad fd");
    check(write(KITE_NOFILE, buf, 1) < 0 && errno == EBADF, "write bad fd");
    check(close(KITE_NOFILE + 5) < 0 && errno == EBADF, "close bad fd");
    break;
  case 4:
    check(open(bad, O_RDONLY) < 0 && errno == EFAULT, "open bad pointer");
    break;
  case 5:
    fd = open(file_name(rnd(NFILES)), O_CREAT | O_WRONLY);
    if (fd >= 0) {
      check(write(fd, bad, 16) < 0 && errno == EFAULT, "write from bad pointer");
      close(fd);
    }
    break;
  case 6:
    snprintf(buf, sizeof(buf), "%s/x", file_name(rnd(NFILES)));
    check(open(buf, O_CREAT | O_RDWR) < 0, "create under a file");
    break;
  case 7:
    check(chdir("no-such-dir") < 0 && errno == ENOENT, "chdir missing");
    check(link("no-such-file", "f0") < 0, "link missing");
    break;
  }
}

static void (*const ops[])(void) = {
  op_write_file, op_write_file, op_unlink, op_link, op_mkdir, op_rmdir,
  op_chdir, op_fork, op_pipe, op_sbrk, op_bad_args,
};

/* ---- Setup and cleanup ----------------------------------------------- */

static void remove_scratch(void)
{
  if (chdir(scratch) < 0)
    return;
  for (unsigned k = 0; k < NFILES; k++)
    unlink(file_name(k));
  for (unsigned k = 0; k < NDIRS; k++)
    unlink(dir_name(k));
  chdir("..");
  unlink(scratch);
}

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 2000;
  int fd;

  rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 12345;
  snprintf(scratch, sizeof scratch, "grindtmp.%d", getpid());
  remove_scratch();
  if (mkdir(scratch, 0755) < 0 || chdir(scratch) < 0) {
    printf("grind: FAIL cannot use %s: %s\n", scratch, strerror(errno));
    return 1;
  }
  for (iteration = 0; iteration < n; iteration++)
    ops[rnd(sizeof(ops) / sizeof(ops[0]))]();
  chdir("..");

  /* Every descriptor grind opened is closed again: the next is fd 3. */
  fd = open(".", O_RDONLY);
  check(fd == 3, "file descriptors leaked");
  close(fd);
  remove_scratch();

  if (failures) {
    printf("grind: FAIL %d checks failed\n", failures);
    return 1;
  }
  printf("grind: OK\n");
  return 0;
}
