/*
 * System-call plumbing: argument access and the handlers' prototypes.
 *
 * Every handler takes no parameters, fetches its arguments from the
 * current process's trap frame with the arg*() helpers below, and returns
 * a long: >= 0 on success, a negative KITE_E* number on failure.
 * Arguments that are user pointers are fetched as uaddr_t and only ever
 * handed to the usercopy cursors.
 */
#ifndef KITE_SYSCALL_KERNEL_H
#define KITE_SYSCALL_KERNEL_H

#include "lib/types.h"
#include "mm/usercopy.h"

uint64  argraw(int n);
int     argint(int n);
long    arglong(int n);
uaddr_t arguaddr(int n);
/* Copy string argument n into buf (max bytes with NUL):
 * length, -EFAULT or -ENAMETOOLONG. */
int     argstr(int n, char *buf, int max);

void syscall(void);

/* process (syscall/sys_proc.c) */
long sys_fork(void);
long sys_exit(void);
long sys_wait(void);
long sys_kill(void);
long sys_getpid(void);
long sys_getppid(void);
long sys_sbrk(void);
long sys_brk(void);
long sys_memcheck(void);
long sys_sleep(void);
long sys_uptime(void);
long sys_poweroff(void);
long sys_clock(void);
long sys_sysinfo(void);
long sys_faultinject(void);
long sys_exec(void);

/* harts (syscall/sys_hart.c) */
long sys_hartreenter(void);

/* crashing on purpose, in test kernels (syscall/sys_panictest.c) */
long sys_panictest(void);

/* memory (syscall/sys_mem.c) */
long sys_mmap(void);
long sys_munmap(void);
long sys_mprotect(void);
long sys_mquery(void);
long sys_mmaps(void);
long sys_bench(void);

/* files (syscall/sys_file.c) */
long sys_pipe(void);
long sys_read(void);
long sys_write(void);
long sys_close(void);
long sys_dup(void);
long sys_fstat(void);
long sys_open(void);
long sys_mknod(void);
long sys_unlink(void);
long sys_link(void);
long sys_mkdir(void);
long sys_chdir(void);
long sys_lseek(void);

#endif
