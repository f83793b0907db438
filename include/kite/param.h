/*
 * Kite limits visible to user programs: the user-kernel ABI.
 */
#ifndef KITE_PARAM_H
#define KITE_PARAM_H

#define KITE_NPROC        64    /* maximum number of processes */
#define KITE_NOFILE       16    /* open files per process */
#define KITE_NFILE        100   /* open files in the system */
#define KITE_MAXARG       32    /* max exec arguments */
#define KITE_MAXARGLEN    1024  /* max length of one exec argument, with NUL */
#define KITE_MAXPATH      128   /* max path length, with NUL */
#define KITE_DIRSIZ       30    /* max file-name length in a directory entry */
#define KITE_PGSIZE       4096
#define KITE_USTACK_PAGES 64    /* user stack size in pages (256 KiB) */
#define KITE_HZ           100   /* timer ticks per second */
#define KITE_HEAP_MAX     (1UL << 30)  /* largest brk heap (lazily backed) */
#define KITE_MAX_MAPPINGS 16384 /* mappings per process */

#endif
