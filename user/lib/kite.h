/*
 * Kite's user-program interface beyond the C library.
 *
 * Programs use newlib's ordinary POSIX calls (read, write, open, fork,
 * execv, wait, pipe, sbrk, ...), which user/lib implements on Kite's system
 * calls, setting errno from the kernel's negative return. This header adds
 * the calls that are Kite's own, and the raw system-call entry used by test
 * suites that check exact error numbers.
 *
 * Exit status: wait() stores the value passed to exit() unchanged (as xv6
 * does); a process the kernel killed (bad access, kill()) exits with -1.
 */
#ifndef KITE_USER_H
#define KITE_USER_H

#include <stddef.h>
#include <kite/syscall.h>
#include <kite/errno.h>
#include <kite/fcntl.h>
#include <kite/stat.h>
#include <kite/param.h>
#include <kite/fs.h>

/* Raw system call: returns exactly what the kernel returned (a negative
 * KITE_E* number on failure), errno untouched. */
long kite_syscall(long num, long a0, long a1, long a2, long a3, long a4, long a5);

#define KSYS0(n)                kite_syscall((n), 0, 0, 0, 0, 0, 0)
#define KSYS1(n, a)             kite_syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define KSYS2(n, a, b)          kite_syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define KSYS3(n, a, b, c)       kite_syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* Kite's own calls; -1 and errno on failure unless noted. */
int   kite_exec(const char *path, char *const argv[]);   /* = execv */
int   kite_sleep_ticks(int ticks);                       /* 1 tick = 1/KITE_HZ s */
long  kite_uptime(void);                                 /* ticks since boot */
void  kite_poweroff(void) __attribute__((noreturn));
int   kite_sysinfo(struct kite_sysinfo *info);
int   kite_mknod(const char *path, int major, int minor);
int   kite_faultinject(long nbytes);                     /* debug knob */

/*
 * POSIX calls the user library adds and newlib does not declare.
 * brk(addr) sets the break to addr exactly: 0, or -1 and ENOMEM.
 *
 * Notes on the POSIX calls (see user/lib/sys_*.c):
 *  - waitpid(pid, status, 0) with pid > 0 or -1; other children reaped
 *    while waiting are kept for later wait() calls. No WNOHANG.
 *  - execvp searches "/" only; exec passes no environment.
 *  - stat() is open + fstat + close; st_rdev is major << 8 | minor.
 *  - times() and clock() count CLOCKS_PER_SEC units since boot.
 */
int   brk(void *addr);

/*
 * sbrk() grows the heap lazily (pages appear on first touch), as malloc
 * wants. kite_sbrk_eager(incr) backs every new page before it returns and
 * fails cleanly instead: the old break, or (void *)-1 with errno ENOMEM
 * and nothing changed when the memory cannot be had (see SYS_sbrk in
 * <kite/mman.h>). Shrinking frees pages either way.
 */
void *kite_sbrk_eager(ptrdiff_t incr);

/*
 * Kite's view of a process's memory (see <kite/mman.h> for the record).
 *  - kite_mquery: the mapping holding addr, or a KITE_VM_FREE record of the
 *    hole around it; 0, or -1 and errno.
 *  - kite_mmaps: the mappings of process pid (0: the caller) in address
 *    order; copies the first min(count, n) records into buf and returns n
 *    (so kite_mmaps(pid, NULL, 0) counts them), or -1 and errno (ESRCH).
 * mmap, munmap and mprotect are in <sys/mman.h>.
 */
#include <kite/mman.h>

int   kite_mquery(void *addr, struct kite_mapping *out);
long  kite_mmaps(int pid, struct kite_mapping *buf, long count);

#endif
