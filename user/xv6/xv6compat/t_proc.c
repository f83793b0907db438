/*
 * Processes, with xv6's meanings: fork, exit, wait statuses, kill (a
 * killed process exits -1), getpid, exec and its arguments, pause and
 * uptime.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "runner.h"

#define SELF "/xv6compat"

/* exec'd as "xv6compat +NAME ...": what the exec tests run. */
int xt_helper(int argc, char **argv)
{
  if (strcmp(argv[1], "+args") == 0) {
    /* argc, then each argument and its length, to fd 1 */
    printf("%d", argc);
    for (int i = 0; i < argc; i++)
      printf(" [%s]%d", argv[i], strlen(argv[i]));
    printf(" %s\n", argv[argc] == 0 ? "end" : "NOEND");
    exit(0);
  }
  if (strcmp(argv[1], "+exit") == 0)
    exit(atoi(argv[2]));
  if (strcmp(argv[1], "+return") == 0)
    return atoi(argv[2]);
  if (strcmp(argv[1], "+heapgap") == 0) {
    /* Nothing malloc'd yet: the byte under the break must be memory. */
    volatile char *below = sbrk(0) - 1;
    *below = *below + 1;
    exit(0);
  }
  fprintf(2, "xv6compat: unknown helper %s\n", argv[1]);
  return 3;
}

static void t_fork_wait(void)
{
  static const int statuses[] = { 0, 1, 7, 255, 256, 747, -1, -5, 0x7fffffff };
  int pid, st;

  for (int i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
    if ((pid = XFORK()) == 0)
      exit(statuses[i]);
    st = 12345;
    CHECK_EQ(wait(&st), pid);
    CHECK_EQ(st, statuses[i]);
  }
  /* wait(0) is allowed; with no children left wait fails. */
  if ((pid = XFORK()) == 0)
    exit(3);
  CHECK_EQ(wait(0), pid);
  CHECK_EQ(wait(&st), -1);
  CHECK_EQ(wait(0), -1);
}

static void t_fork_memory(void)
{
  static int shared_before = 5;
  int pid;

  if ((pid = XFORK()) == 0) {
    CHILD_CHECK(shared_before == 5);
    shared_before = 6;            /* the parent must not see this */
    exit(0);
  }
  CHECK_EXIT(pid, 0);
  CHECK_EQ(shared_before, 5);
}

static void t_getpid(void)
{
  int me = getpid(), p[2], pid, child;

  CHECK(me > 0);
  CHECK_EQ(pipe(p), 0);
  if ((pid = XFORK()) == 0) {
    int self = getpid();
    write(p[1], &self, sizeof self);
    exit(0);
  }
  CHECK_EQ(read(p[0], &child, sizeof child), sizeof child);
  CHECK_EQ(child, pid);
  CHECK(child != me);
  CHECK_EQ(getpid(), me);
  CHECK_EXIT(pid, 0);
  close(p[0]);
  close(p[1]);
}

/* fork() until it fails: the processes Kite has room for are NPROC in all. */
static void t_fork_nproc(void)
{
  int pids[NPROC], n = 0, pid;
  long running = xt_nproc();

  for (;;) {
    pid = fork();
    if (pid == 0) {
      pause(1000);
      exit(0);
    }
    if (pid < 0)
      break;
    CHECK(n < NPROC);
    pids[n++] = pid;
  }
  CHECK_EQ(running + n, NPROC);
  for (int i = 0; i < n; i++)
    CHECK_EQ(kill(pids[i]), 0);
  for (int i = 0; i < n; i++)
    CHECK(wait(0) > 0);
  CHECK_EQ(wait(0), -1);
}

static void t_kill_status(void)
{
  int pid, st;

  for (int i = 0; i < 20; i++) {
    if ((pid = XFORK()) == 0)
      for (;;)
        getpid();
    if (i % 2)
      pause(1);
    CHECK_EQ(kill(pid), 0);
    CHECK_EQ(wait(&st), pid);
    CHECK_EQ(st, -1);
  }
  /* A child that computes without system calls is killed too. */
  if ((pid = XFORK()) == 0)
    for (volatile int x = 0;; x++)
      ;
  pause(2);
  CHECK_EQ(kill(pid), 0);
  CHECK_EQ(wait(&st), pid);
  CHECK_EQ(st, -1);
  /* One sleeping in pause, and one blocked reading a pipe. */
  int p[2];
  CHECK_EQ(pipe(p), 0);
  if ((pid = XFORK()) == 0) {
    char c;
    read(p[0], &c, 1);
    exit(0);
  }
  int sleeper = XFORK();
  if (sleeper == 0) {
    pause(100000);
    exit(0);
  }
  pause(2);
  CHECK_EQ(kill(pid), 0);
  CHECK_EQ(kill(sleeper), 0);
  CHECK_EXIT(pid, -1);
  CHECK_EXIT(sleeper, -1);
  close(p[0]);
  close(p[1]);
}

static void t_kill_bad(void)
{
  int pid, st;

  /* kill(0) names no process and must not mark anyone killed. */
  CHECK_EQ(kill(0), -1);
  CHECK_EQ(kill(-1), -1);
  CHECK_EQ(kill(0x7fffffff), -1);
  if ((pid = XFORK()) == 0)
    exit(7);
  CHECK_EQ(wait(&st), pid);
  CHECK_EQ(st, 7);
  /* A zombie is still a process until it is reaped (xv6, POSIX and Linux
   * agree): kill succeeds and changes nothing. */
  if ((pid = XFORK()) == 0)
    exit(9);
  pause(5);
  CHECK_EQ(kill(pid), 0);
  CHECK_EXIT(pid, 9);
  CHECK_EQ(kill(pid), -1);                          /* reaped: gone */
}

/* The arguments an exec'd program gets, as the +args helper prints them. */
static void exec_output(int line, const char *path, char **argv, const char *want)
{
  char got[512];
  int p[2], pid, n = 0, r;

  if (pipe(p) < 0)
    xt_fail(line, "pipe failed");
  if ((pid = XFORK()) == 0) {
    close(1);
    dup(p[1]);
    close(p[0]);
    close(p[1]);
    exec(path, argv);
    exit(XT_CHILD_FAIL + __LINE__);
  }
  close(p[1]);
  while (n < sizeof got - 1 && (r = read(p[0], got + n, sizeof got - 1 - n)) > 0)
    n += r;
  got[n] = 0;
  close(p[0]);
  if (WAIT_FOR(pid) != 0)
    xt_fail(line, "exec'd helper failed");
  if (strcmp(got, want) != 0)
    xt_fail(line, "exec passed \"%s\", expected \"%s\"", got, want);
}

static void t_exec_args(void)
{
  char *a1[] = { "xv6compat", "+args", 0 };
  char *a2[] = { "argv0 can be anything", "+args", "one", "two words", "", "x", 0 };

  char *a3[] = { "echo", "from", "a Kite program", 0 };

  exec_output(__LINE__, SELF, a1, "2 [xv6compat]9 [+args]5 end\n");
  exec_output(__LINE__, SELF, a2, "6 [argv0 can be anything]21 [+args]5 [one]3 [two words]9 []0 [x]1 end\n");
  /* xv6 programs and Kite's own exec each other (echo is Kite's). */
  exec_output(__LINE__, "/echo", a3, "from a Kite program\n");
}

/* MAXARG arguments fit (the NULL after them too); one more does not. */
static void t_exec_maxarg(void)
{
  static char *argv[MAXARG + 2];
  int pid;

  argv[0] = "xv6compat";
  argv[1] = "+exit";
  argv[2] = "42";
  for (int i = 3; i < MAXARG; i++)
    argv[i] = "pad";
  argv[MAXARG] = 0;
  if ((pid = XFORK()) == 0) {
    exec(SELF, argv);
    exit(1);
  }
  CHECK_EXIT(pid, 42);
  argv[MAXARG] = "one too many";
  argv[MAXARG + 1] = 0;
  CHECK_EQ(exec(SELF, argv), -1);
}

static void t_exec_status(void)
{
  char *ex[] = { "xv6compat", "+exit", "23", 0 };
  char *ret[] = { "xv6compat", "+return", "24", 0 };
  int pid;

  if ((pid = XFORK()) == 0) {
    exec(SELF, ex);
    exit(1);
  }
  CHECK_EXIT(pid, 23);
  /* Returning from main is exit(main's value). */
  if ((pid = XFORK()) == 0) {
    exec(SELF, ret);
    exit(1);
  }
  CHECK_EXIT(pid, 24);
}

/* exec failures return -1 to an intact caller. */
static void t_exec_bad(void)
{
  char *argv[] = { "x", 0 };
  char *badarg[] = { (char *)0xffffffffL, 0 };
  static char big[PGSIZE + 1];
  char *bigargv[] = { "x", big, 0 };
  int canary = 1234;

  CHECK_EQ(exec("/no-such-program", argv), -1);
  CHECK_EQ(exec("/", argv), -1);                      /* a directory */
  CHECK_EQ(exec("/README", argv), -1);                /* not an ELF file */
  CHECK_EQ(exec((char *)0xeaeb0b5b00002f5eL, argv), -1);
  CHECK_EQ(exec(SELF, (char **)0x4000000000L), -1);
  for (int i = 0; i < 1000; i++)
    CHECK_EQ(exec(SELF, badarg), -1);
  memset(big, 'b', sizeof big - 1);
  CHECK_EQ(exec(SELF, bigargv), -1);                  /* one argument too long */
  CHECK_EQ(canary, 1234);
}

/*
 * A program without global data: the linker still writes a program
 * header for the (empty) data segment, a PT_LOAD of 0 bytes at address
 * 0. It must run. The program is built here, byte by byte: an ELF header,
 * the text segment (this file from offset 0) and the empty one; its code
 * is exit(42).
 */
static void t_exec_empty_segment(void)
{
  static const uint32 code[] = {
    0x02a00513,                   /* li a0, 42 */
    0x00200893,                   /* li a7, SYS_exit */
    0x00000073,                   /* ecall */
  };
  struct { uint32 type, flags; uint64 off, vaddr, paddr, filesz, memsz, align; } ph[2];
  struct {
    uchar ident[16];
    ushort type, machine;
    uint version;
    uint64 entry, phoff, shoff;
    uint flags;
    ushort ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
  } eh;
  uint64 size = sizeof eh + sizeof ph + sizeof code;
  char *argv[] = { "empty-segment", 0 };
  int fd, pid;

  memset(&eh, 0, sizeof eh);
  memmove(eh.ident, "\x7f" "ELF\x02\x01\x01", 7);  /* 64-bit, little-endian */
  eh.type = 2;                                        /* ET_EXEC */
  eh.machine = 243;                                   /* RISC-V */
  eh.version = 1;
  eh.entry = 0x10000 + sizeof eh + sizeof ph;
  eh.phoff = sizeof eh;
  eh.ehsize = sizeof eh;
  eh.phentsize = sizeof ph[0];
  eh.phnum = 2;
  memset(ph, 0, sizeof ph);
  ph[0].type = ph[1].type = 1;                        /* PT_LOAD */
  ph[0].flags = 5;                                    /* R X */
  ph[0].vaddr = ph[0].paddr = 0x10000;
  ph[0].filesz = ph[0].memsz = size;
  ph[0].align = ph[1].align = PGSIZE;
  ph[1].flags = 6;                                    /* R W, and empty */
  fd = open("xempty", O_CREATE | O_WRONLY | O_TRUNC);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, &eh, sizeof eh), sizeof eh);
  CHECK_EQ(write(fd, ph, sizeof ph), sizeof ph);
  CHECK_EQ(write(fd, code, sizeof code), sizeof code);
  close(fd);
  if ((pid = XFORK()) == 0) {
    exec("xempty", argv);
    exit(1);
  }
  CHECK_EXIT(pid, 42);
  unlink("xempty");
}

static void t_pause_uptime(void)
{
  int t0 = uptime(), t1, t2;

  CHECK(t0 >= 0);
  CHECK_EQ(pause(0), 0);
  CHECK_EQ(pause(-5), 0);                             /* xv6: no wait at all */
  CHECK_EQ(pause(5), 0);
  t1 = uptime();
  CHECK(t1 - t0 >= 5);
  CHECK_EQ(sleep(3), 0);                              /* the older name */
  t2 = uptime();
  CHECK(t2 - t1 >= 3);
  CHECK(t2 - t0 < 500);                               /* ticks, not something else */
}

const struct xtest xt_proc_tests[] = {
  { "fork_wait",      t_fork_wait,      XT_NORMAL },
  { "fork_memory",    t_fork_memory,    XT_NORMAL },
  { "getpid",         t_getpid,         XT_NORMAL },
  { "fork_nproc",     t_fork_nproc,     XT_NORMAL },
  { "kill_status",    t_kill_status,    XT_NORMAL },
  { "kill_bad",       t_kill_bad,       XT_NORMAL },
  { "exec_args",      t_exec_args,      XT_NORMAL },
  { "exec_maxarg",    t_exec_maxarg,    XT_NORMAL },
  { "exec_status",    t_exec_status,    XT_NORMAL },
  { "exec_bad",       t_exec_bad,       XT_NORMAL },
  { "exec_empty_segment", t_exec_empty_segment, XT_NORMAL },
  { "pause_uptime",   t_pause_uptime,   XT_NORMAL },
  { 0, 0, 0 },
};
