/*
 * Private header of Kite's xv6 compatibility library (not for programs).
 *
 * The library gives xv6 programs xv6's user API (include/xv6/user/user.h)
 * on Kite's system calls. It is linked before Kite's own library and
 * newlib, and the build weakens every name it defines in its copies of
 * those two (user/user.mk), so xv6's printf, exit, malloc, memset, ...
 * always win and newlib's buffered stdio is never picked up by accident.
 *
 * Rule of every call: the kernel returns a value in [-4095, -1] only as a
 * negative error number; xv6's calls then return -1 (there is no errno).
 */
#ifndef KITE_XV6LIB_H
#define KITE_XV6LIB_H

#include "kernel/types.h"
#include <kite/syscall.h>
#include <kite/mman.h>

/* The raw Kite system call (user/lib/syscall.S). */
long kite_syscall(long num, long a0, long a1, long a2, long a3, long a4, long a5);

#define XSYS0(n)          kite_syscall((n), 0, 0, 0, 0, 0, 0)
#define XSYS1(n, a)       kite_syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define XSYS2(n, a, b)    kite_syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define XSYS3(n, a, b, c) kite_syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

static inline int xv6_is_error(long r)
{
  return r < 0 && r >= -4095;
}

/* A raw result as xv6 returns it: -1 for any error. */
static inline int xv6_result(long r)
{
  return xv6_is_error(r) ? -1 : (int)r;
}

/* May the program write [p, p + n)? Asked of Kite's mapping list, so a
 * library call that fills a caller's record can fail as xv6's kernel
 * does (-1) instead of faulting in the program. */
int xv6_writable(const void *p, uint64 n);

#endif
