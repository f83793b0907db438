/* Kernel-wide sizes. User-visible limits come from <kite/param.h>. */
#ifndef KITE_KPARAM_H
#define KITE_KPARAM_H

#include <kite/param.h>

#define NCPU          8                 /* maximum harts Kite will start */
#define NPROC         KITE_NPROC
#define NOFILE        KITE_NOFILE
#define NFILE         KITE_NFILE
#define NINODE        50                /* in-memory inode cache entries */
#define NDEV          10                /* device-switch entries */
#define ROOTDEV       1                 /* device number of the root fs */
#define MAXARG        KITE_MAXARG
#define MAXARGLEN     KITE_MAXARGLEN
#define MAXPATH       KITE_MAXPATH
#define MAXOPBLOCKS   10                /* max blocks one fs operation writes */
#define LOGSIZE       (MAXOPBLOCKS * 3) /* max data blocks in the on-disk log */
#define NBUF          (MAXOPBLOCKS * 3) /* buffer cache size */
#define KSTACK_PAGES  2                 /* kernel stack per process */

#endif
