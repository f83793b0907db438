/*
 * The mmap lab's calls: files mapped private and shared, PROT_* checks,
 * munmap of part of a mapping, mappings across fork, anonymous memory.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "runner.h"

#define FAILED ((char *)-1)

/* A file of one and a half pages of 'A'. */
static void make_mapfile(int line, const char *path)
{
  char block[BSIZE];
  int fd;

  unlink(path);
  fd = open(path, O_CREATE | O_WRONLY);
  memset(block, 'A', sizeof block);
  for (int i = 0; i < (PGSIZE + PGSIZE / 2) / BSIZE; i++)
    if (write(fd, block, BSIZE) != BSIZE)
      xt_fail(line, "cannot write %s", path);
  close(fd);
}

/* The first 1.5 pages are 'A', the rest of the second page zero. */
static void check_two_pages(int line, const char *p)
{
  for (int i = 0; i < 2 * PGSIZE; i++) {
    char want = i < PGSIZE + PGSIZE / 2 ? 'A' : 0;
    if (p[i] != want)
      xt_fail(line, "mapped byte %d is %d, expected %d", i, p[i], want);
  }
}

static void t_mmap_private(void)
{
  char buf[PGSIZE];
  int fd;
  char *p;

  make_mapfile(__LINE__, "xmap");
  fd = open("xmap", O_RDONLY);
  p = mmap(0, 2 * PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(p != FAILED);
  CHECK_EQ((uint64)p % PGSIZE, 0);
  check_two_pages(__LINE__, p);
  CHECK_EQ(munmap(p, 2 * PGSIZE), 0);
  /* Writable and private on a read-only file: writes stay in memory. */
  p = mmap(0, 2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  CHECK(p != FAILED);
  CHECK_EQ(close(fd), 0);
  check_two_pages(__LINE__, p);
  memset(p, 'Z', 2 * PGSIZE);
  CHECK_EQ(munmap(p, 2 * PGSIZE), 0);
  fd = open("xmap", O_RDONLY);
  CHECK_EQ(read(fd, buf, PGSIZE), PGSIZE);
  CHECK_EQ(buf[0], 'A');
  CHECK_EQ(read(fd, buf, PGSIZE), PGSIZE / 2);
  CHECK_EQ(buf[0], 'A');
  close(fd);
  unlink("xmap");
}

static void t_mmap_shared(void)
{
  char buf[PGSIZE];
  int fd;
  char *p;

  make_mapfile(__LINE__, "xmap");
  /* Shared and writable needs a file open for writing. */
  fd = open("xmap", O_RDONLY);
  CHECK(mmap(0, 2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == FAILED);
  close(fd);
  fd = open("xmap", O_RDWR);
  p = mmap(0, 3 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != FAILED);
  CHECK_EQ(close(fd), 0);                          /* the mapping outlives the descriptor */
  check_two_pages(__LINE__, p);
  memset(p, 'B', PGSIZE);
  memset(p + PGSIZE, 'C', PGSIZE);
  CHECK_EQ(munmap(p, 2 * PGSIZE), 0);              /* the first two pages of three */
  fd = open("xmap", O_RDONLY);
  CHECK_EQ(read(fd, buf, PGSIZE), PGSIZE);
  for (int i = 0; i < PGSIZE; i++)
    CHECK(buf[i] == 'B');
  CHECK_EQ(read(fd, buf, PGSIZE), PGSIZE / 2);     /* the file did not grow */
  for (int i = 0; i < PGSIZE / 2; i++)
    CHECK(buf[i] == 'C');
  close(fd);
  CHECK_EQ(munmap(p + 2 * PGSIZE, PGSIZE), 0);     /* the rest */
  unlink("xmap");
}

static void must_die(int line, char *p, int write_it)
{
  int pid = XFORK();

  if (pid == 0) {
    if (write_it)
      *(volatile char *)p = 'w';
    else
      printf("read %d ", *(volatile char *)p);
    exit(0);
  }
  int st = WAIT_FOR(pid);
  if (st != -1)
    xt_fail(line, "the access did not kill the child (status %d)", st);
}

static void t_mmap_prot(void)
{
  int fd;
  char *p;

  make_mapfile(__LINE__, "xmap");
  fd = open("xmap", O_RDWR);
  p = mmap(0, 2 * PGSIZE, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(p != FAILED);
  must_die(__LINE__, p, 1);                        /* PROT_READ: no writes */
  CHECK_EQ(p[0], 'A');
  CHECK_EQ(munmap(p, PGSIZE), 0);
  must_die(__LINE__, p, 0);                        /* unmapped: no reads */
  CHECK_EQ(p[PGSIZE], 'A');
  CHECK_EQ(munmap(p + PGSIZE, PGSIZE), 0);
  must_die(__LINE__, p + PGSIZE, 0);
  /* Bad arguments fail and map nothing. */
  CHECK(mmap(0, 0, PROT_READ, MAP_PRIVATE, fd, 0) == FAILED);
  CHECK(mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, 99, 0) == FAILED);
  CHECK(mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 100) == FAILED);
  CHECK(mmap(0, PGSIZE, PROT_READ, 0, fd, 0) == FAILED);
  CHECK(mmap(0, PGSIZE, PROT_READ, MAP_SHARED | MAP_PRIVATE, fd, 0) == FAILED);
  CHECK_EQ(munmap((char *)PGSIZE + 1, PGSIZE), -1);
  close(fd);
  unlink("xmap");
}

/* Mappings are inherited: the child sees the file, and its munmap
 * leaves the parent's mappings alone. */
static void t_mmap_fork(void)
{
  int fd, pid;
  char *p1, *p2;

  make_mapfile(__LINE__, "xmap");
  fd = open("xmap", O_RDONLY);
  CHECK_EQ(unlink("xmap"), 0);                     /* mapped files need no name */
  p1 = mmap(0, 2 * PGSIZE, PROT_READ, MAP_SHARED, fd, 0);
  p2 = mmap(0, 2 * PGSIZE, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(p1 != FAILED && p2 != FAILED && p1 != p2);
  CHECK_EQ(p1[PGSIZE], 'A');
  if ((pid = XFORK()) == 0) {
    for (int i = 0; i < PGSIZE + PGSIZE / 2; i++)
      CHILD_CHECK(p1[i] == 'A');
    CHILD_CHECK(munmap(p1, PGSIZE) == 0);
    exit(0);
  }
  CHECK_EXIT(pid, 0);
  check_two_pages(__LINE__, p1);
  check_two_pages(__LINE__, p2);
  close(fd);
  /* A shared writable mapping: the child's stores reach the parent. */
  char *s = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(s != FAILED);
  CHECK_EQ(s[0], 0);
  if ((pid = XFORK()) == 0) {
    s[0] = 'k';
    exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_EQ(s[0], 'k');
  munmap(s, PGSIZE);
}

static void t_mmap_two_files(void)
{
  int fd1, fd2;
  char *p1, *p2;

  fd1 = open("xmap1", O_RDWR | O_CREATE | O_TRUNC);
  CHECK_EQ(write(fd1, "12345", 5), 5);
  p1 = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd1, 0);
  CHECK(p1 != FAILED);
  close(fd1);
  CHECK_EQ(unlink("xmap1"), 0);
  fd2 = open("xmap2", O_RDWR | O_CREATE | O_TRUNC);
  CHECK_EQ(write(fd2, "67890", 5), 5);
  p2 = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd2, 0);
  CHECK(p2 != FAILED);
  close(fd2);
  CHECK_EQ(unlink("xmap2"), 0);
  CHECK_EQ(memcmp(p1, "12345", 5), 0);
  CHECK_EQ(memcmp(p2, "67890", 5), 0);
  CHECK_EQ(munmap(p1, PGSIZE), 0);
  CHECK_EQ(memcmp(p2, "67890", 5), 0);
  CHECK_EQ(munmap(p2, PGSIZE), 0);
}

static void t_mmap_anon(void)
{
  char *p = mmap(0, 10 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  CHECK(p != FAILED);
  for (int i = 0; i < 10 * PGSIZE; i += 511)
    CHECK(p[i] == 0);
  p[5 * PGSIZE] = 9;
  CHECK_EQ(munmap(p, 10 * PGSIZE), 0);
  char *q = mmap(p, PGSIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK_EQ(q, p);
  CHECK_EQ(q[0], 0);
  CHECK_EQ(munmap(q, PGSIZE), 0);
}

const struct xtest xt_mmap_tests[] = {
  { "mmap_private",   t_mmap_private,   XT_NORMAL },
  { "mmap_shared",    t_mmap_shared,    XT_NORMAL },
  { "mmap_prot",      t_mmap_prot,      XT_NORMAL },
  { "mmap_fork",      t_mmap_fork,      XT_NORMAL },
  { "mmap_two_files", t_mmap_two_files, XT_NORMAL },
  { "mmap_anon",      t_mmap_anon,      XT_NORMAL },
  { 0, 0, 0 },
};
