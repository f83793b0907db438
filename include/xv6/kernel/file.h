/*
 * xv6's "kernel/file.h" on Kite, as far as user programs use it: the
 * console's device number (xv6's init makes /console with it) and the
 * device-number arithmetic. The kernel's own structures are not here.
 */
#ifndef XV6_KERNEL_FILE_H
#define XV6_KERNEL_FILE_H

#define major(dev)  ((dev) >> 16 & 0xFFFF)
#define minor(dev)  ((dev) & 0xFFFF)
#define mkdev(m, n) ((uint)((m) << 16 | (n)))

#define CONSOLE 1   /* major number of the console */

#endif
