/*
 * xv6's "kernel/fs.h" on Kite: the on-disk file system, as Kite lays it
 * out (<kite/fs.h>).
 *
 * Kite's inode has 11 direct blocks, one single-indirect and one
 * double-indirect block, so MAXFILE is 11 + 256 + 256 * 256 blocks
 * (64 MiB). A directory is a file of struct dirent; Kite's names are up to
 * DIRSIZ = 30 characters, NUL-padded and not terminated when full, and an
 * entry with inum 0 is free.
 */
#ifndef XV6_KERNEL_FS_H
#define XV6_KERNEL_FS_H

#include "types.h"

#define ROOTINO  1       /* root directory inode number */
#define BSIZE    1024    /* block size */

/* Disk layout:
 * [ boot block | super block | log | inode blocks | free bit map | data blocks ] */
struct superblock {
  uint magic;        /* FSMAGIC */
  uint size;         /* blocks in the image */
  uint nblocks;      /* data blocks */
  uint ninodes;      /* inodes */
  uint nlog;         /* log blocks, header included */
  uint logstart;     /* first log block */
  uint inodestart;   /* first inode block */
  uint bmapstart;    /* first free-bitmap block */
};

#define FSMAGIC 0x4b495445   /* "KITE" */

#define NDIRECT    11
#define NINDIRECT  (BSIZE / sizeof(uint))
#define NDINDIRECT (NINDIRECT * NINDIRECT)   /* Kite's own: the double-indirect block */
#define MAXFILE    (NDIRECT + NINDIRECT + NDINDIRECT)

/* On-disk inode: addrs[NDIRECT] is the single-indirect block,
 * addrs[NDIRECT+1] the double-indirect one. */
struct dinode {
  short type;        /* T_DIR, T_FILE, T_DEVICE; 0 = free */
  short major;       /* device files only */
  short minor;
  short nlink;       /* directory entries naming the inode */
  uint size;         /* bytes */
  uint addrs[NDIRECT + 2];
};

#define IPB           (BSIZE / sizeof(struct dinode))   /* inodes per block */
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)     /* block holding inode i */
#define BPB           (BSIZE * 8)                       /* bitmap bits per block */
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)      /* bitmap block of block b */

#define DIRSIZ 30

struct dirent {
  ushort inum;
  char name[DIRSIZ];
};

#endif
