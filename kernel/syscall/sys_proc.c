/* Process, time and memory system calls. */
#include "syscall/syscall.h"
#include "proc/proc.h"
#include "proc/exec.h"
#include "mm/procmem.h"
#include "mm/kalloc.h"
#include "arch/trap.h"
#include "arch/timer.h"
#include "arch/sbi.h"
#include "drivers/platform.h"
#include "lib/string.h"
#include "lib/printf.h"
#include <kite/errno.h>
#include <kite/stat.h>
#include <kite/mman.h>
#include <kite/syscall.h>

long sys_fork(void) { return kfork(); }
long sys_exit(void) { kexit(argint(0)); }
long sys_wait(void) { return kwait(arguaddr(0)); }
long sys_kill(void) { return kkill(argint(0)); }
long sys_getpid(void) { return myproc()->pid; }
long sys_getppid(void) { return kgetppid(); }

/* sbrk(increment, type): the contract is in <kite/mman.h>. */
long sys_sbrk(void)
{
  long incr = arglong(0), type = arglong(1);
  enum pm_brk_fill fill;
  uint64 old;
  if (type == KITE_SBRK_EAGER)
    fill = BRK_EAGER;
  else if (type == KITE_SBRK_LAZY)
    fill = BRK_LAZY;
  else
    return -KITE_EINVAL;
  int err = procmem_sbrk(myproc()->mem, incr, fill, &old);
  return err < 0 ? err : (long)old;
}

/* brk(addr): the break now in force (the old one if addr is impossible;
 * brk(0) asks). */
long sys_brk(void)
{
  return procmem_brk(myproc()->mem, argraw(0));
}

/* memcheck(op, addr): see <kite/syscall.h>. */
long sys_memcheck(void)
{
  uint64 counts[KITE_MEMCHECK_NCOUNTS];
  int op = argint(0);
  long r = procmem_memcheck(myproc()->mem, op, argraw(1), counts);
  if (r == 0 && op == KITE_MEMCHECK_COUNTS)
    r = copyout_user(arguaddr(1), counts, sizeof counts);
  return r;
}

/* sleep(n): until n tick boundaries have passed (so uptime() then reads
 * at least n more), by the timer's clock, not by counting interrupts. */
long sys_sleep(void)
{
  int n = argint(0);
  if (n < 0)
    return -KITE_EINVAL;
  return timer_sleep_until(timer_tick_start(timer_ticks() + n));
}

long sys_uptime(void)
{
  return timer_ticks();
}

/* The same clock as uptime(): time since boot. */
long sys_clock(void)
{
  uint64 t = timer_since_boot();
  struct kite_time kt = {
    .sec = t / platform.timebase,
    .nsec = (t % platform.timebase) * 1000000000ull / platform.timebase,
  };
  return copyout_user(arguaddr(0), &kt, sizeof kt);
}

long sys_sysinfo(void)
{
  struct kite_sysinfo info = {
    .free_pages = kfree_pages(),
    .total_pages = ktotal_pages(),
    .nproc = nproc_used(),
    .uptime_ticks = sys_uptime(),
    .ticks_per_sec = KITE_HZ,
    .timebase = platform.timebase,
    .harts = MIN(platform.nharts, NCPU),
    .timer_intrs = timer_interrupts(),
    .ipi_wakeups = sched_ipi_wakeups(),
  };
  return copyout_user(arguaddr(0), &info, sizeof info);
}

long sys_poweroff(void)
{
  printf("kite: power off\n");
  sbi_shutdown();
}

long sys_faultinject(void)
{
  usercopy_inject_fault(arglong(0));
  return 0;
}

/* exec(path, argv): arguments are copied into kernel pages first, so a
 * bad pointer is found before the old image is touched. */
long sys_exec(void)
{
  char path[MAXPATH];
  char *argv[MAXARG + 1] = { 0 };
  long err = argstr(0, path, sizeof path);
  uaddr_t uargv = arguaddr(1);
  int argc = 0;
  if (err < 0)
    return err;
  for (;; argc++) {
    uint64 uarg;
    if ((err = copyin_user(&uarg, uaddr_add(uargv, argc * sizeof(uint64)), sizeof uarg)) < 0)
      goto out;
    if (uarg == 0)
      break;
    if (argc == MAXARG) {
      err = -KITE_E2BIG;
      goto out;
    }
    if ((argv[argc] = kalloc()) == NULL) {
      err = -KITE_ENOMEM;
      goto out;
    }
    err = copyin_string(argv[argc], uaddr(uarg), MAXARGLEN);
    if (err < 0) {
      err = err == -KITE_ENAMETOOLONG ? -KITE_E2BIG : err;
      argc++;
      goto out;
    }
  }
  err = kexec(path, argv);
out:
  for (int i = 0; i < MAXARG && argv[i]; i++)
    kfree(argv[i]);
  return err;
}
