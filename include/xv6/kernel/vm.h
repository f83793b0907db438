/*
 * xv6's "kernel/vm.h" on Kite: the kinds of growth sys_sbrk(n, type)
 * takes (Kite's KITE_SBRK_EAGER and KITE_SBRK_LAZY, <kite/mman.h>).
 * sbrk(n) is sys_sbrk(n, SBRK_EAGER): every page is backed before it
 * returns, or it fails with nothing changed. sbrklazy(n) is
 * sys_sbrk(n, SBRK_LAZY): pages appear on first touch.
 */
#ifndef XV6_KERNEL_VM_H
#define XV6_KERNEL_VM_H

#define SBRK_EAGER 1
#define SBRK_LAZY  2

#endif
