/*
 * xv6's "kernel/spinlock.h" on Kite. xv6's init.c includes it before
 * "kernel/file.h"; it holds nothing a user program can use (locks are
 * the kernel's), so on Kite it is empty.
 */
#ifndef XV6_KERNEL_SPINLOCK_H
#define XV6_KERNEL_SPINLOCK_H
#endif
