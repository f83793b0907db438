/*
 * xv6's "kernel/syscall.h" on Kite: system-call numbers, Kite's
 * (<kite/syscall.h>). The first 21 are xv6's own numbers; SYS_pause is
 * xv6's newer name for SYS_sleep. The rest are Kite's own calls.
 *
 * Convention: a7 = number, a0..a5 = arguments, ecall; a0 = result, where
 * a value in [-4095, -1] is a negative error number.
 */
#ifndef XV6_KERNEL_SYSCALL_H
#define XV6_KERNEL_SYSCALL_H

#define SYS_fork     1
#define SYS_exit     2
#define SYS_wait     3
#define SYS_pipe     4
#define SYS_read     5
#define SYS_kill     6
#define SYS_exec     7
#define SYS_fstat    8
#define SYS_chdir    9
#define SYS_dup     10
#define SYS_getpid  11
#define SYS_sbrk    12
#define SYS_sleep   13
#define SYS_pause   13
#define SYS_uptime  14
#define SYS_open    15
#define SYS_write   16
#define SYS_mknod   17
#define SYS_unlink  18
#define SYS_link    19
#define SYS_mkdir   20
#define SYS_close   21

/* Kite's own. */
#define SYS_lseek       22
#define SYS_brk         23
#define SYS_poweroff    24
#define SYS_clock       25
#define SYS_sysinfo     26
#define SYS_getppid     27
#define SYS_mmap        28
#define SYS_munmap      29
#define SYS_mprotect    30
#define SYS_mquery      31
#define SYS_mmaps       32
#define SYS_faultinject 33
#define SYS_bench       34
#define SYS_hartreenter 35
#define SYS_memcheck    36
#define SYS_panictest   37

#endif
