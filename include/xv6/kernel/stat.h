/*
 * xv6's "kernel/stat.h" on Kite: the record fstat() and stat() fill.
 *
 * Kite's kernel reports a struct kite_stat (<kite/stat.h>, POSIX-style
 * st_mode); the compatibility library turns it into this xv6 record.
 * The type numbers are Kite's on-disk inode types (KITE_T_*).
 */
#ifndef XV6_KERNEL_STAT_H
#define XV6_KERNEL_STAT_H

#include "types.h"

#define T_DIR     1   /* directory */
#define T_FILE    2   /* regular file */
#define T_DEVICE  3   /* device (the console) */

struct stat {
  int dev;       /* device number of the file system */
  uint ino;      /* inode number */
  short type;    /* T_DIR, T_FILE or T_DEVICE */
  short nlink;   /* directory entries naming the inode */
  uint64 size;   /* bytes */
};

#endif
