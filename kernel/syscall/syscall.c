/* System-call dispatch and argument access; see syscall.h. */
#include "syscall/syscall.h"
#include "proc/proc.h"
#include "lib/printf.h"
#include <kite/syscall.h>
#include <kite/errno.h>

static long (*const syscalls[SYS_MAX])(void) = {
  [SYS_fork]     = sys_fork,     [SYS_exit]     = sys_exit,
  [SYS_wait]     = sys_wait,     [SYS_pipe]     = sys_pipe,
  [SYS_read]     = sys_read,     [SYS_kill]     = sys_kill,
  [SYS_exec]     = sys_exec,     [SYS_fstat]    = sys_fstat,
  [SYS_chdir]    = sys_chdir,    [SYS_dup]      = sys_dup,
  [SYS_getpid]   = sys_getpid,   [SYS_sbrk]     = sys_sbrk,
  [SYS_sleep]    = sys_sleep,    [SYS_uptime]   = sys_uptime,
  [SYS_open]     = sys_open,     [SYS_write]    = sys_write,
  [SYS_mknod]    = sys_mknod,    [SYS_unlink]   = sys_unlink,
  [SYS_link]     = sys_link,     [SYS_mkdir]    = sys_mkdir,
  [SYS_close]    = sys_close,    [SYS_lseek]    = sys_lseek,
  [SYS_brk]      = sys_brk,      [SYS_poweroff] = sys_poweroff,
  [SYS_clock]    = sys_clock,    [SYS_sysinfo]  = sys_sysinfo,
  [SYS_getppid]  = sys_getppid,  [SYS_faultinject] = sys_faultinject,
  [SYS_mmap]     = sys_mmap,     [SYS_munmap]   = sys_munmap,
  [SYS_mprotect] = sys_mprotect, [SYS_mquery]   = sys_mquery,
  [SYS_mmaps]    = sys_mmaps,    [SYS_bench]    = sys_bench,
  [SYS_hartreenter] = sys_hartreenter,
  [SYS_memcheck] = sys_memcheck,
  [SYS_panictest] = sys_panictest,
};

uint64 argraw(int n)
{
  struct trapframe *tf = myproc()->trapframe;
  switch (n) {
  case 0: return tf->a0;
  case 1: return tf->a1;
  case 2: return tf->a2;
  case 3: return tf->a3;
  case 4: return tf->a4;
  case 5: return tf->a5;
  }
  panic("argraw: bad argument index %d", n);
}

int argint(int n) { return (int)argraw(n); }
long arglong(int n) { return (long)argraw(n); }
uaddr_t arguaddr(int n) { return uaddr(argraw(n)); }

int argstr(int n, char *buf, int max)
{
  return copyin_string(buf, arguaddr(n), max);
}

void syscall(void)
{
  struct proc *p = myproc();
  uint64 num = p->trapframe->a7;
  if (num < SYS_MAX && syscalls[num])
    p->trapframe->a0 = syscalls[num]();
  else
    p->trapframe->a0 = -KITE_ENOSYS;
}
