/*
 * xv6's "kernel/fcntl.h" on Kite: open() flags, and the mmap lab's
 * protection and mapping flags.
 *
 * The values are Kite's (<kite/fcntl.h>, <kite/mman.h>), which are also
 * xv6's and Linux's. MAP_FAILED is left to programs: the mmap lab's test
 * defines it itself.
 */
#ifndef XV6_KERNEL_FCNTL_H
#define XV6_KERNEL_FCNTL_H

#define O_RDONLY  0x000
#define O_WRONLY  0x001
#define O_RDWR    0x002
#define O_CREATE  0x200
#define O_TRUNC   0x400

#define PROT_NONE       0x0
#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define PROT_EXEC       0x4

#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
/* Kite's own, beyond the lab's: exactly at addr; zero-filled, no file. */
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20

#endif
