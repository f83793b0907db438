/*
 * xv6's "kernel/param.h" on Kite: the system's limits, as Kite has them.
 *
 * Several differ from xv6's: the user stack is USERSTACK = 64 pages, the
 * default file system is FSSIZE blocks so that it holds a file of
 * MAXFILE blocks (kernel/fs.h) besides everything else.
 */
#ifndef XV6_KERNEL_PARAM_H
#define XV6_KERNEL_PARAM_H

#define NPROC        64     /* maximum number of processes */
#define NCPU          8     /* maximum number of harts Kite starts */
#define NOFILE       16     /* open files per process */
#define NFILE       100     /* open files in the system */
#define NINODE       50     /* in-memory inodes */
#define NDEV         10     /* device major numbers */
#define ROOTDEV       1     /* device number of the root file system */
#define MAXARG       32     /* exec arguments */
#define MAXOPBLOCKS  10     /* blocks one file-system operation may write */
#define LOGBLOCKS    (MAXOPBLOCKS * 3)   /* data blocks in the on-disk log */
#define LOGSIZE      LOGBLOCKS           /* the same, by its older name */
#define NBUF         (MAXOPBLOCKS * 3)   /* buffer cache blocks */
#define FSSIZE       73728  /* blocks in the default file system (72 MiB) */
#define MAXPATH      128    /* path length, with the NUL */
#define USERSTACK    64     /* user stack pages (256 KiB) */

#endif
