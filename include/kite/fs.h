/*
 * Kite on-disk file system format: shared by the kernel, mkfs/fsck and
 * user programs that read directories (ls).
 *
 * Disk layout, in blocks of KITE_BSIZE bytes:
 *
 *   [ 0: boot | 1: super | log ... | inodes ... | free bitmap ... | data ... ]
 *
 * Invariants (checked by fsck):
 *  - block 1 holds the superblock; every region lies inside [0, size);
 *  - every block referenced by an inode is a data block marked used in the
 *    bitmap, and referenced once; every used data block is referenced;
 *  - inode 1 is the root directory; a directory's first two entries are
 *    "." and ".."; nlink counts the directory entries naming the inode.
 *
 * All integers are little-endian (RISC-V and x86 hosts agree).
 */
#ifndef KITE_FS_H
#define KITE_FS_H

#include <stdint.h>
#include <kite/param.h>

#define KITE_BSIZE      1024          /* block size */
#define KITE_FSMAGIC    0x4b495445u   /* "KITE" */
#define KITE_ROOTINO    1             /* root directory inode number */

struct kite_superblock {
  uint32_t magic;        /* KITE_FSMAGIC */
  uint32_t size;         /* total blocks in the image */
  uint32_t nblocks;      /* data blocks */
  uint32_t ninodes;      /* inodes */
  uint32_t nlog;         /* log blocks (header included) */
  uint32_t logstart;     /* first log block */
  uint32_t inodestart;   /* first inode block */
  uint32_t bmapstart;    /* first free-bitmap block */
};

/* Inode types. 0 means the on-disk inode is free. */
#define KITE_T_DIR     1
#define KITE_T_FILE    2
#define KITE_T_DEVICE  3

#define KITE_NDIRECT     11
#define KITE_NINDIRECT   (KITE_BSIZE / sizeof(uint32_t))            /* 256 */
#define KITE_NDINDIRECT  (KITE_NINDIRECT * KITE_NINDIRECT)          /* 65536 */
#define KITE_MAXFILE     (KITE_NDIRECT + KITE_NINDIRECT + KITE_NDINDIRECT)

/*
 * addrs[0 .. NDIRECT-1]  direct blocks
 * addrs[NDIRECT]         single-indirect block (256 block numbers)
 * addrs[NDIRECT+1]       double-indirect block (256 single-indirect blocks)
 * A block number of 0 means "not allocated" (reads as zeros).
 */
struct kite_dinode {
  int16_t  type;
  int16_t  major;        /* device files only */
  int16_t  minor;
  int16_t  nlink;
  uint32_t size;         /* bytes */
  uint32_t addrs[KITE_NDIRECT + 2];
};

#define KITE_IPB          (KITE_BSIZE / sizeof(struct kite_dinode))  /* inodes per block */
#define KITE_IBLOCK(i, sb) ((i) / KITE_IPB + (sb).inodestart)
#define KITE_BPB          (KITE_BSIZE * 8)                            /* bitmap bits per block */
#define KITE_BBLOCK(b, sb) ((b) / KITE_BPB + (sb).bmapstart)

/* A directory is a file of these; inum 0 marks a free slot. */
struct kite_dirent {
  uint16_t inum;
  char name[KITE_DIRSIZ];  /* NUL-padded; not terminated when full */
};

/* Device major numbers. */
#define KITE_CONSOLE_MAJOR 1

/* Blocks in the default fs.img (72 MiB): enough for a file of
 * KITE_MAXFILE blocks besides every program (xv6's tests write one);
 * mkfs refuses to build a default image that has not that much room. */
#define KITE_FSSIZE     73728
#define KITE_NINODES    400
#define KITE_LOGBLOCKS  31      /* header + LOGSIZE data blocks */

#endif
