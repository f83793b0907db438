/*
 * The buffer cache: NBUF (or more, see bio.c) in-memory copies of disk
 * blocks.
 *
 * Invariants:
 *  - at most one buffer caches a given (dev, blockno), so every process
 *    sees the same copy and updates are never lost between two copies;
 *  - a buffer is used by one process at a time: bread() returns it with
 *    its sleep lock held, brelse() gives it back;
 *  - a buffer with refcnt > 0 is never recycled; the log pins (bpin) the
 *    blocks of an uncommitted transaction so they stay until installed;
 *  - refcnt == 0 buffers are recycled least recently released first.
 *
 * Locks: bcache.lock (spinlock) protects dev, blockno, refcnt and the LRU
 *   links of every buffer; b->lock (sleeplock) protects valid and data;
 *   b->disk and b->err belong to the disk driver while a request is in
 *   flight (see virtio_blk.h).
 */
#ifndef KITE_BUF_H
#define KITE_BUF_H

#include "lib/types.h"
#include "lib/sleeplock.h"
#include <kite/fs.h>

struct buf {
  int valid;                /* b->lock: data holds the block's contents */
  int disk;                 /* driver: 1 while the device owns the request */
  int err;                  /* driver: 0 or -EIO from the last request */
  uint dev;                 /* bcache.lock */
  uint blockno;             /* bcache.lock */
  uint refcnt;              /* bcache.lock */
  struct buf *prev, *next;  /* bcache.lock: LRU list, most recent first */
  struct sleeplock lock;
  uint8 data[KITE_BSIZE];   /* b->lock */
};

void binit(void);
/* The block, locked; NULL (nothing held) if the disk failed to read it. */
struct buf *bread(uint dev, uint blockno);
/* The block, locked, zero-filled without reading the disk: for a block
 * just allocated, whose old contents must not be seen anyway. */
struct buf *bread_zeroed(uint dev, uint blockno);
/* Write a locked buffer to disk: 0 or -EIO. */
int  bwrite(struct buf *b);
void brelse(struct buf *b);
void bpin(struct buf *b);
void bunpin(struct buf *b);

enum bio_op { BIO_READ, BIO_WRITE };
/* Uncached I/O on a buffer the caller owns outright (not one of the
 * cache's): the log stages copies into the log area with one, so a commit
 * never needs a free cache entry. 0 or -EIO. */
int  bio_raw(struct buf *b, enum bio_op op);
/* Write bufs[i]->data to block blocknos[i] for i < n, all in flight at
 * once, and wait for them: 0 or -EIO. The caller guarantees the data
 * cannot change meanwhile (the log commits pinned buffers this way). */
int  bio_write_batch(struct buf **bufs, const uint32 *blocknos, int n);

#endif
