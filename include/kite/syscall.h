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
#define SYS_sbrk       12   /* (long increment, type) -> old break; see mman.h */
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
#define SYS_mmap       28   /* (addr, len, prot, flags, fd, off) -> address */
#define SYS_munmap     29   /* (addr, len) -> 0 */
#define SYS_mprotect   30   /* (addr, len, prot) -> 0 */
#define SYS_mquery     31   /* (addr, struct kite_mapping *) -> 0 */
#define SYS_mmaps      32   /* (pid, struct kite_mapping *, count) -> mappings */
#define SYS_faultinject 33  /* (n) debug: the next user copy fails after n bytes; -1 off */
#define SYS_bench      34   /* (op, buf, size, iters) -> elapsed timer ticks */
#define SYS_hartreenter 35  /* (hart) debug: send it back through the cold-boot entry -> 0 */
#define SYS_memcheck   36   /* (op, addr) debug: the memory invariant checker; see below */
#define SYS_panictest  37   /* (what) test kernels only: panic on purpose; else -ENOSYS */

#define SYS_MAX        38

/* SYS_bench operations: each repeats a copy of `size` bytes `iters` times
 * and returns the time taken in rdtime ticks (kite_sysinfo.timebase per
 * second). -EINVAL for size 0 or above KITE_BENCH_MAXSIZE. */
#define KITE_BENCH_MEMCPY   0   /* kernel memcpy between two kernel buffers */
#define KITE_BENCH_COPYIN   1   /* user buf -> kernel buffer through a reader */
#define KITE_BENCH_COPYOUT  2   /* kernel buffer -> user buf through a writer */
#define KITE_BENCH_SUM      3   /* set and clear sstatus.SUM `iters` times (size: any) */
#define KITE_BENCH_MAXSIZE  (1 << 20)

/*
 * SYS_memcheck operations, for tests of the kernel's own checks of the
 * caller's memory. A kernel built without them (DEBUG=0) answers -ENOSYS.
 *   KITE_MEMCHECK_NOW        the whole check, now: 0, or -EINVAL (the
 *                            console says what is broken)
 *   KITE_MEMCHECK_BREAK_PTE  give the resident read-only page at addr write
 *                            permission behind its mapping's back, run the
 *                            checks, put the page right: which checks saw
 *                            it (KITE_MEMCHECK_SEEN_* bits), or -EINVAL if
 *                            addr is not such a page
 *   KITE_MEMCHECK_STRAY_PTE  the same with a page mapped at addr, a hole of
 *                            user space (-EINVAL if it is not one)
 *   KITE_MEMCHECK_BREAK_BRK  the same with the break a page past the heap
 *   KITE_MEMCHECK_COUNTS     copy KITE_MEMCHECK_NCOUNTS counters (uint64)
 *                            to addr: 0, or -EFAULT
 * Units of work are list nodes and page-table entries looked at, and
 * more for each resident page checked. The whole checks that follow
 * changes cost at most KITE_MEMCHECK_RATIO times the work of the changes,
 * plus KITE_MEMCHECK_PAGE_UNITS for each page and mapping the process
 * gained meanwhile, plus one whole check; more run at fork and exit.
 */
#define KITE_MEMCHECK_NOW         0
#define KITE_MEMCHECK_BREAK_PTE   1
#define KITE_MEMCHECK_STRAY_PTE   2
#define KITE_MEMCHECK_BREAK_BRK   3
#define KITE_MEMCHECK_COUNTS      4
#define KITE_MEMCHECK_SEEN_WHOLE  1   /* the whole check saw it */
#define KITE_MEMCHECK_SEEN_NEAR   2   /* the check after a change at addr saw it */
#define KITE_MEMCHECK_C_CHANGES      0   /* changes, each checked near what it touched */
#define KITE_MEMCHECK_C_WHOLES       1   /* whole checks */
#define KITE_MEMCHECK_C_CHANGE_WORK  2   /* work of the changes (their near checks) */
#define KITE_MEMCHECK_C_WHOLE_WORK   3   /* work of the whole checks */
#define KITE_MEMCHECK_C_LAST_WHOLE   4   /* work of the last whole check */
#define KITE_MEMCHECK_NCOUNTS        5
#define KITE_MEMCHECK_RATIO          1
#define KITE_MEMCHECK_PAGE_UNITS     66

/* SYS_panictest: what to break (kernel/syscall/sys_panictest.c). */
#define KITE_PANICTEST_NULL     1   /* a NULL load in a system call */
#define KITE_PANICTEST_RECURSE  2   /* unbounded recursion: kernel stack overflow */
#define KITE_PANICTEST_WINDOW   3   /* a store into kernel text (a kernel window) */
#define KITE_PANICTEST_CALL     4   /* a call through a pointer to data */
#define KITE_PANICTEST_ASSERT   5   /* a failed ASSERT (panic itself) */

#endif
