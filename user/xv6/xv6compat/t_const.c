/*
 * The constants of the compatibility headers tell the truth about Kite
 * at run time too (test/host/test_xv6abi.c checks their values against
 * Kite's headers): the SYS_* numbers reach the calls they name, NOFILE,
 * NFILE, MAXPATH and MAXFILE are where Kite's limits are, r_sp() and
 * r_fp() read the stack and frame pointers.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/riscv.h"
#include "kernel/syscall.h"
#include "kernel/vm.h"
#include "user/user.h"
#include <kite/errno.h>
#include <kite/fcntl.h>
#include "runner.h"

long kite_syscall(long num, long a0, long a1, long a2, long a3, long a4, long a5);

/* A raw system call by the number in kernel/syscall.h. */
static long sys(long num, long a0, long a1, long a2)
{
  return kite_syscall(num, a0, a1, a2, 0, 0, 0);
}

static void t_syscall_numbers(void)
{
  int p[2], st, pid;
  char c;

  CHECK_EQ(sys(SYS_getpid, 0, 0, 0), getpid());
  long t = sys(SYS_uptime, 0, 0, 0);
  CHECK(t >= 0 && t <= uptime());
  CHECK_EQ(sys(SYS_pause, 0, 0, 0), 0);
  CHECK_EQ(sys(SYS_sleep, 1, 0, 0), 0);
  CHECK_EQ(sys(SYS_sbrk, 0, SBRK_EAGER, 0), (long)sbrk(0));
  CHECK_EQ(sys(SYS_pipe, (long)p, 0, 0), 0);
  CHECK_EQ(sys(SYS_write, p[1], (long)"s", 1), 1);
  CHECK_EQ(sys(SYS_read, p[0], (long)&c, 1), 1);
  CHECK_EQ(c, 's');
  long d = sys(SYS_dup, p[0], 0, 0);
  CHECK(d > p[1]);
  CHECK_EQ(sys(SYS_close, d, 0, 0), 0);
  CHECK_EQ(sys(SYS_close, p[0], 0, 0), 0);
  CHECK_EQ(sys(SYS_close, p[1], 0, 0), 0);
  CHECK_EQ(sys(SYS_mkdir, (long)"xsysd", 0, 0), 0);
  CHECK_EQ(sys(SYS_chdir, (long)"xsysd", 0, 0), 0);
  long fd = sys(SYS_open, (long)"f", O_CREATE | O_RDWR, 0);
  CHECK(fd >= 0);
  struct kite_stat_bytes { char b[64]; } kst;
  CHECK_EQ(sys(SYS_fstat, fd, (long)&kst, 0), 0);
  CHECK_EQ(sys(SYS_close, fd, 0, 0), 0);
  CHECK_EQ(sys(SYS_link, (long)"f", (long)"g", 0), 0);
  CHECK_EQ(sys(SYS_unlink, (long)"f", 0, 0), 0);
  CHECK_EQ(sys(SYS_unlink, (long)"g", 0, 0), 0);
  CHECK_EQ(sys(SYS_mknod, (long)"n", 1, 0), 0);
  CHECK_EQ(sys(SYS_unlink, (long)"n", 0, 0), 0);
  CHECK_EQ(sys(SYS_chdir, (long)"..", 0, 0), 0);
  CHECK_EQ(sys(SYS_unlink, (long)"xsysd", 0, 0), 0);
  CHECK_EQ(sys(SYS_kill, 0, 0, 0), -KITE_ESRCH);
  CHECK_EQ(sys(SYS_wait, 0, 0, 0), -KITE_ECHILD);
  CHECK_EQ(sys(SYS_exec, (long)"/no-such", (long)(char *[]){ 0 }, 0), -KITE_ENOENT);
  pid = sys(SYS_fork, 0, 0, 0);
  if (pid == 0)
    sys(SYS_exit, 5, 0, 0);
  CHECK(pid > 0);
  CHECK_EQ(sys(SYS_wait, (long)&st, 0, 0), pid);
  CHECK_EQ(st, 5);
}

/* A process has NOFILE descriptors; the system NFILE open files. */
static void t_nofile_nfile(void)
{
  int fds[NOFILE], n = 0, fd;

  while ((fd = open("/README", O_RDONLY)) >= 0) {
    CHECK(fd < NOFILE);
    fds[n++] = fd;
  }
  /* 0, 1, 2 and the runner's report pipe were open already. */
  CHECK(n >= NOFILE - 4 && n <= NOFILE - 3);
  CHECK_EQ(dup(0), -1);
  for (int i = 0; i < n; i++)
    close(fds[i]);
  /* Children fill the file table: it ends before NFILE descriptors. */
  enum { KIDS = NFILE / (NOFILE - 4) + 2 };
  int p[2], pids[KIDS], total = 0, got;
  CHECK_EQ(pipe(p), 0);
  for (int k = 0; k < KIDS; k++) {
    if ((pids[k] = XFORK()) == 0) {
      int mine = 0;
      close(p[0]);
      while (open("/README", O_RDONLY) >= 0)
        mine++;
      write(p[1], &mine, sizeof mine);
      pause(100000);
      exit(0);
    }
  }
  for (int k = 0; k < KIDS; k++) {
    CHECK_EQ(read(p[0], &got, sizeof got), sizeof got);
    total += got;
  }
  for (int k = 0; k < KIDS; k++)
    kill(pids[k]);
  for (int k = 0; k < KIDS; k++)
    WAIT_FOR(pids[k]);
  close(p[0]);
  close(p[1]);
  /* The files open elsewhere (the console, pipes) are a handful. */
  if (total > NFILE || total < NFILE - 10)
    xt_fail(__LINE__, "the children opened %d files; NFILE is %d", total, NFILE);
}

/* MAXPATH counts the NUL: a path of MAXPATH - 1 characters is a path
 * (made of short names, "p/p/p/...", so that only its length matters). */
static void t_maxpath(void)
{
  char path[MAXPATH + 1];

  for (int i = 0; i < MAXPATH; i++)
    path[i] = i % 2 ? '/' : 'p';
  path[MAXPATH - 1] = 0;
  CHECK_EQ(sys(SYS_open, (long)path, O_RDONLY, 0), -KITE_ENOENT);
  path[MAXPATH - 1] = 'p';
  path[MAXPATH] = 0;
  CHECK_EQ(sys(SYS_open, (long)path, O_RDONLY, 0), -KITE_ENAMETOOLONG);
  CHECK_EQ(unlink(path), -1);
  CHECK_EQ(open(path, O_CREATE | O_WRONLY), -1);
  CHECK_EQ(link(path, path), -1);
}

/* A file holds MAXFILE blocks of BSIZE bytes, not one byte more (Kite's
 * lseek and its holes make this quick to check). */
static void t_maxfile(void)
{
  long max = (long)MAXFILE * BSIZE;
  struct stat st;
  int fd = open("xmaxf", O_CREATE | O_RDWR | O_TRUNC);

  CHECK(fd >= 0);
  CHECK_EQ(sys(SYS_lseek, fd, max - 1, KITE_SEEK_SET), max - 1);
  CHECK_EQ(write(fd, "e", 1), 1);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.size, max);
  CHECK_EQ(write(fd, "f", 1), -1);
  CHECK_EQ(sys(SYS_lseek, fd, max, KITE_SEEK_SET), max);
  CHECK_EQ(sys(SYS_write, fd, (long)"f", 1), -KITE_EFBIG);
  close(fd);
  CHECK_EQ(unlink("xmaxf"), 0);
}

/* Not a leaf (it calls uptime), so it saves ra in its frame. */
static __attribute__((noinline)) uint64 saved_ra(void)
{
  uint64 ra = *(uint64 *)(r_fp() - 8);

  return uptime() >= 0 ? ra : 0;
}

static void t_sp_fp(void)
{
  uint64 sp = r_sp(), top = PGROUNDUP(sp);

  CHECK(sp > top - USERSTACK * PGSIZE && sp < top);
  CHECK((sp & 15) == 0);
  /* With frame pointers (xv6's flags), fp - 8 holds the return address. */
  uint64 here = saved_ra();
  CHECK(here > (uint64)t_sp_fp && here < (uint64)t_sp_fp + 4096);
  CHECK_EQ(PGROUNDDOWN(4097), 4096);
  CHECK_EQ(PGROUNDUP(4097), 8192);
  CHECK_EQ(PGROUNDUP(4096), 4096);
}

const struct xtest xt_const_tests[] = {
  { "syscall_numbers", t_syscall_numbers, XT_NORMAL },
  { "nofile_nfile",    t_nofile_nfile,    XT_NORMAL },
  { "maxpath",         t_maxpath,         XT_NORMAL },
  { "maxfile",         t_maxfile,         XT_NORMAL },
  { "sp_fp",           t_sp_fp,           XT_NORMAL },
  { 0, 0, 0 },
};
