/*
 * Bad accesses kill the process, which then exits with status -1, and
 * the rest of the system goes on: address 0, program text, the kernel's
 * memory, TRAMPOLINE and TRAPFRAME, MAXVA and above, the page under the
 * stack, privileged instructions.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "runner.h"

enum access { READ, WRITE };

/* A child touches addr; it must be killed (-1). */
static void must_kill(int line, uint64 addr, enum access how)
{
  int pid = XFORK();

  if (pid == 0) {
    volatile char *p = (volatile char *)addr;
    if (how == WRITE)
      *p = 99;
    else
      printf("read %p = %d ", (void *)addr, *p);
    exit(0);
  }
  int st = WAIT_FOR(pid);
  if (st != -1)
    xt_fail(line, "%s of %p: child exited %d, not killed (-1)",
            how == WRITE ? "write" : "read", (void *)addr, st);
}

static void t_kill_null(void)
{
  must_kill(__LINE__, 0, WRITE);
  must_kill(__LINE__, 0, READ);
  must_kill(__LINE__, 4095, READ);
}

static void t_kill_text(void)
{
  must_kill(__LINE__, (uint64)t_kill_text, WRITE);
  must_kill(__LINE__, (uint64)printf, WRITE);        /* the library's text */
}

static void t_kill_kernel(void)
{
  for (uint64 a = KERNBASE; a < KERNBASE + 2000000; a += 500000)
    must_kill(__LINE__, a, READ);
  must_kill(__LINE__, KERNBASE, WRITE);
  must_kill(__LINE__, 0x80000000L, READ);             /* the firmware's memory */
  must_kill(__LINE__, PHYSTOP - 1, READ);
  must_kill(__LINE__, PHYSTOP - PGSIZE, WRITE);
}

static void t_kill_trampoline(void)
{
  must_kill(__LINE__, TRAMPOLINE, READ);
  must_kill(__LINE__, TRAMPOLINE, WRITE);
  must_kill(__LINE__, TRAPFRAME, READ);
  must_kill(__LINE__, TRAPFRAME, WRITE);
  must_kill(__LINE__, USER_TOP, READ);                /* just above user memory */
}

static void t_kill_maxva(void)
{
  for (uint64 a = MAXVA; a != 0; a <<= 1)
    must_kill(__LINE__, a, WRITE);
  must_kill(__LINE__, MAXVA - 1, READ);
  must_kill(__LINE__, 0xffffffffffffffffUL, READ);
}

/* The stack is USERSTACK pages: its lowest byte can be used, the byte
 * under it kills. */
static void t_kill_below_stack(void)
{
  uint64 top = PGROUNDUP(r_sp()), bottom = top - USERSTACK * PGSIZE;
  int pid;

  if ((pid = XFORK()) == 0) {
    volatile char *p = (volatile char *)bottom;
    *p = 1;
    exit(*p == 1 ? 0 : 1);
  }
  CHECK_EXIT(pid, 0);
  must_kill(__LINE__, bottom - 1, READ);
  must_kill(__LINE__, r_sp() - USERSTACK * PGSIZE, READ);   /* usertests' stacktest */
}

static int deep(int n)
{
  volatile char pad[512];

  pad[0] = (char)n;
  if (n < 0)                    /* never: n only grows; keeps gcc from warning */
    return 0;
  return deep(n + 1) + pad[0];
}

static void t_kill_stack_overflow(void)
{
  int pid = XFORK();

  if (pid == 0)
    exit(deep(0));
  CHECK_EXIT(pid, -1);
}

static void t_kill_privileged(void)
{
  int pid = XFORK();

  if (pid == 0) {
    printf("sstatus %p ", (void *)r_sstatus());    /* a supervisor CSR: traps */
    exit(0);
  }
  CHECK_EXIT(pid, -1);
}

/* Code cannot run from data. */
static void t_kill_exec_data(void)
{
  static uint32 code[4] = { 0x00008067 };           /* ret */
  int pid = XFORK();

  if (pid == 0) {
    ((void (*)(void))code)();
    exit(0);
  }
  CHECK_EXIT(pid, -1);
}

const struct xtest xt_fault_tests[] = {
  { "kill_null",           t_kill_null,           XT_NORMAL },
  { "kill_text",           t_kill_text,           XT_NORMAL },
  { "kill_kernel",         t_kill_kernel,         XT_NORMAL },
  { "kill_trampoline",     t_kill_trampoline,     XT_NORMAL },
  { "kill_maxva",          t_kill_maxva,          XT_NORMAL },
  { "kill_below_stack",    t_kill_below_stack,    XT_NORMAL },
  { "kill_stack_overflow", t_kill_stack_overflow, XT_NORMAL },
  { "kill_privileged",     t_kill_privileged,     XT_NORMAL },
  { "kill_exec_data",      t_kill_exec_data,      XT_NORMAL },
  { 0, 0, 0 },
};
