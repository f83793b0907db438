/*
 * The write-ahead log (see log.h for the protocol and its invariants).
 *
 * On disk the log is a header block followed by LOGSIZE data blocks:
 *
 *   [ header: n, block[0..n-1] | copy of block[0] | copy of block[1] | ... ]
 *
 * A commit writes the logged blocks straight from their pinned cache
 * buffers, all in flight at once (bio_write_batch), first into the log
 * area and then home. It does so without taking the buffers' locks: a
 * logged buffer's data changes only inside an operation, none runs
 * during a commit, and pinning keeps the buffer valid and in place.
 * The header goes through a staging buffer that is not part of the
 * cache, so a commit never competes with anyone for cache entries. Only
 * the committing process uses it (log.committing says who that is).
 */
#include "lib/types.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "param.h"
#include "fs/buf.h"
#include "fs/log.h"
#include "fs/fs.h"
#include <kite/fs.h>

struct logheader {
  uint32 n;
  uint32 block[LOGSIZE];
};

STATIC_ASSERT(sizeof(struct logheader) <= KITE_BSIZE, "log header must fit one block");

static struct {
  struct spinlock lock;
  uint32 start;              /* header block; read-only after initlog */
  uint32 fsend;              /* blocks in the file system; read-only */
  uint32 firsthome;          /* lowest block the log may write home */
  int dev;                   /* read-only after initlog */
  int outstanding;           /* log.lock: operations in progress */
  int committing;            /* log.lock: a commit is running */
  struct logheader lh;       /* log.lock: the group being built */
  struct buf *lbuf[LOGSIZE]; /* log.lock: pinned buffer of lh.block[i] */
  uint32 logpos[LOGSIZE];    /* committer: log-area block of entry i */
  struct buf staging;        /* the committer's private buffer */
} log;

/* The staging buffer as block `blockno`: read or write it, or panic. The
 * log cannot continue past a failed disk access without losing
 * operations it already promised were done. */
static void staging_io(uint32 blockno, enum bio_op op)
{
  log.staging.dev = log.dev;
  log.staging.blockno = blockno;
  if (bio_raw(&log.staging, op) < 0)
    panic("kite: log: disk %s of block %d failed", op == BIO_WRITE ? "write" : "read", blockno);
}

static void read_head(void)
{
  staging_io(log.start, BIO_READ);
  memmove(&log.lh, log.staging.data, sizeof log.lh);
}

/* Writing the header is the commit point (n > 0) or its end (n == 0). */
static void write_head(void)
{
  memset(log.staging.data, 0, KITE_BSIZE);
  memmove(log.staging.data, &log.lh, sizeof log.lh);
  staging_io(log.start, BIO_WRITE);
}

/* A header read from disk at mount is data like any other: check it. */
static void check_head(void)
{
  if (log.lh.n > LOGSIZE) {
    printf("kite: fs: bad log header: %d blocks, the log holds %d\n", log.lh.n, LOGSIZE);
    fs_cannot_mount();
  }
  for (uint32 i = 0; i < log.lh.n; i++) {
    if (log.lh.block[i] < log.firsthome || log.lh.block[i] >= log.fsend) {
      printf("kite: fs: bad log header: entry %d names block %d outside [%d, %d)\n",
             i, log.lh.block[i], log.firsthome, log.fsend);
      fs_cannot_mount();
    }
  }
}

/* Copy the logged blocks into the log area. */
static void write_log(void)
{
  for (uint32 i = 0; i < log.lh.n; i++)
    log.logpos[i] = log.start + 1 + i;
  if (bio_write_batch(log.lbuf, log.logpos, log.lh.n) < 0)
    panic("kite: log: writing the log area failed");
}

/* Copy the committed blocks home from the cache, and unpin them. */
static void install_from_cache(void)
{
  if (bio_write_batch(log.lbuf, log.lh.block, log.lh.n) < 0)
    panic("kite: log: installing committed blocks failed");
  for (uint32 i = 0; i < log.lh.n; i++)
    bunpin(log.lbuf[i]);
}

/* After a crash: copy the committed blocks home from the log area. */
static void install_from_disk(void)
{
  for (uint32 i = 0; i < log.lh.n; i++) {
    staging_io(log.start + 1 + i, BIO_READ);
    struct buf *b = bread(log.dev, log.lh.block[i]);
    if (!b)
      panic("kite: log: recovery cannot read block %d", log.lh.block[i]);
    memmove(b->data, log.staging.data, KITE_BSIZE);
    if (bwrite(b) < 0)
      panic("kite: log: recovery cannot write block %d", log.lh.block[i]);
    brelse(b);
  }
}

void initlog(int dev, const struct kite_superblock *sb)
{
  initlock(&log.lock, "log");
  initsleeplock(&log.staging.lock, "log staging");
  log.dev = dev;
  log.start = sb->logstart;
  log.fsend = sb->size;
  log.firsthome = sb->logstart + sb->nlog;
  read_head();
  check_head();
  if (log.lh.n > 0)
    printf("kite: fs: replaying %d logged blocks\n", log.lh.n);
  install_from_disk();
  log.lh.n = 0;
  write_head();
}

void begin_op(void)
{
  acquire(&log.lock);
  for (;;) {
    if (log.committing)
      sleep(&log, &log.lock);
    else if (log.lh.n + (log.outstanding + 1) * MAXOPBLOCKS > LOGSIZE)
      sleep(&log, &log.lock);   /* wait for this group to commit */
    else
      break;
  }
  log.outstanding++;
  release(&log.lock);
}

static void commit(void)
{
  if (log.lh.n == 0)
    return;
  write_log();
  write_head();
  install_from_cache();
  log.lh.n = 0;
  write_head();
}

void end_op(void)
{
  int do_commit = 0;
  acquire(&log.lock);
  ASSERT(log.outstanding > 0);
  ASSERT(!log.committing);
  log.outstanding--;
  if (log.outstanding == 0) {
    do_commit = 1;
    log.committing = 1;
  } else {
    wakeup(&log);   /* this operation's reservation is free again */
  }
  release(&log.lock);

  if (do_commit) {
    /* No operation is in progress and none can start: the group's
     * buffers are stable while we copy them. */
    commit();
    acquire(&log.lock);
    log.committing = 0;
    wakeup(&log);
    release(&log.lock);
  }
}

void log_write(struct buf *b)
{
  ASSERT(holdingsleep(&b->lock));
  acquire(&log.lock);
  if (log.outstanding < 1)
    panic("log_write: block %d written outside begin_op/end_op", b->blockno);
  uint32 i;
  for (i = 0; i < log.lh.n; i++)
    if (log.lh.block[i] == b->blockno)
      break;
  if (i == log.lh.n) {
    if (log.lh.n >= LOGSIZE)
      panic("log_write: transaction group exceeds %d blocks", LOGSIZE);
    log.lh.block[i] = b->blockno;
    log.lbuf[i] = b;
    log.lh.n++;
    bpin(b);
  }
  release(&log.lock);
}
