/*
 * xv6's "kernel/types.h" on Kite: the short integer names xv6 programs use.
 *
 * include/xv6/ holds Kite's xv6 compatibility headers: an xv6-riscv user
 * program that includes "kernel/types.h", "kernel/stat.h", ... and
 * "user/user.h" compiles against them unchanged and links with Kite's
 * compatibility library (user/xv6lib/). Every constant in them is Kite's
 * own value (test/host/test_xv6abi.c proves it against include/kite/ and
 * the kernel); where Kite behaves differently from xv6 the difference is
 * listed in docs/xv6-differences.md.
 *
 * Invariant: each header compiles on its own, in any order with the
 * others, and defines nothing beyond xv6's names except a few of Kite's
 * own, which say so.
 */
#ifndef XV6_KERNEL_TYPES_H
#define XV6_KERNEL_TYPES_H

typedef unsigned int   uint;
typedef unsigned short ushort;
typedef unsigned char  uchar;

typedef unsigned char  uint8;
typedef unsigned short uint16;
typedef unsigned int   uint32;
typedef unsigned long  uint64;

typedef uint64 pde_t;

#endif
