/*
 * Kite system-call numbers: the user-kernel ABI.
 *
 * Calling convention (RISC-V ecall from U-mode):
 *   a7 = system-call number, a0..a5 = arguments, result in a0.
 *   A result in [-4095, -1] is a negative KITE_E* error number.
 */
#ifndef KITE_SYSCALL_H
#define KITE_SYSCALL_H

#define SYS_fork        1   /* () -> child pid in parent, 0 in child */
#define SYS_exit        2   /* (int status) -> does not return */
#define SYS_wait        3   /* (int *status or NULL) -> pid */
#define SYS_pipe        4   /* (int fds[2]) -> 0 */
#define SYS_read        5   /* (fd, buf, n) -> bytes read */
#define SYS_kill        6   /* (pid) -> 0 */
#define SYS_exec        7   /* (path, argv[]) -> does not return on success */
#define SYS_fstat       8   /* (fd, struct kite_stat *) -> 0 */
#define SYS_chdir       9   /* (path) -> 0 */
#define SYS_dup        10   /* (fd) -> new fd */
#define SYS_getpid     11   /* () -> pid */
#define SYS_sbrk       12   /* (long increment) -> old break */
#define SYS_sleep      13   /* (ticks) -> 0 */
#define SYS_uptime     14   /* () -> ticks since boot */
#define SYS_open       15   /* (path, flags) -> fd */
#define SYS_write      16   /* (fd, buf, n) -> bytes written */
#define SYS_mknod      17   /* (path, major, minor) -> 0 */
#define SYS_unlink     18   /* (path) -> 0 */
#define SYS_link       19   /* (old, new) -> 0 */
#define SYS_mkdir      20   /* (path) -> 0 */
#define SYS_close      21   /* (fd) -> 0 */
#define SYS_lseek      22   /* (fd, off, whence) -> new offset */
#define SYS_brk        23   /* (addr) -> new break (old one on failure) */
#define SYS_poweroff   24   /* () -> does not return */
#define SYS_clock      25   /* (struct kite_time *) -> 0 */
#define SYS_sysinfo    26   /* (struct kite_sysinfo *) -> 0 */
#define SYS_getppid    27   /* () -> parent pid */
#define SYS_mmap       28   /* reserved for process memory */
#define SYS_munmap     29
#define SYS_mprotect   30
#define SYS_mquery     31
#define SYS_mmaps      32
#define SYS_faultinject 33  /* debug: make the next user copy fail after N bytes */

#define SYS_MAX        34

#endif
