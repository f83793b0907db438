/*
 * The buffer cache (see buf.h for its invariants).
 *
 * The buffers form one circular list through a dummy head: head.next is
 * the most recently released buffer, head.prev the least recently
 * released, which is where recycling starts.
 */
#include "lib/types.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "param.h"
#include "drivers/virtio_blk.h"
#include "fs/buf.h"
#include <kite/errno.h>

/*
 * The log may pin up to LOGSIZE buffers until its group commits, and the
 * operations of that group still need buffers to read with; a cache no
 * bigger than the log could leave them all waiting for each other.
 */
#define NBCACHE MAX(NBUF, LOGSIZE + 2 * MAXOPBLOCKS)

static struct {
  struct spinlock lock;
  struct buf buf[NBCACHE];
  struct buf head;           /* LRU list, bcache.lock */
} bcache;

static void lru_unlink(struct buf *b)
{
  b->next->prev = b->prev;
  b->prev->next = b->next;
}

static void lru_push_front(struct buf *b)
{
  b->next = bcache.head.next;
  b->prev = &bcache.head;
  bcache.head.next->prev = b;
  bcache.head.next = b;
}

void binit(void)
{
  initlock(&bcache.lock, "bcache");
  bcache.head.next = bcache.head.prev = &bcache.head;
  for (struct buf *b = bcache.buf; b < bcache.buf + NBCACHE; b++) {
    initsleeplock(&b->lock, "buffer");
    lru_push_front(b);
  }
}

/* The cached buffer for (dev, blockno), or NULL. Caller holds bcache.lock. */
static struct buf *lookup_locked(uint dev, uint blockno)
{
  for (struct buf *b = bcache.head.next; b != &bcache.head; b = b->next)
    if (b->dev == dev && b->blockno == blockno)
      return b;
  return NULL;
}

/* The least recently released unused buffer, or NULL. Caller holds bcache.lock. */
static struct buf *victim_locked(void)
{
  for (struct buf *b = bcache.head.prev; b != &bcache.head; b = b->prev)
    if (b->refcnt == 0)
      return b;
  return NULL;
}

/*
 * The buffer for (dev, blockno), locked, with a reference. When every
 * buffer is in use we wait for a brelse() instead of failing: buffers are
 * held only for the length of one file-system operation.
 */
static struct buf *bget(uint dev, uint blockno)
{
  struct buf *b;
  acquire(&bcache.lock);
  for (;;) {
    if ((b = lookup_locked(dev, blockno)) != NULL)
      break;
    if ((b = victim_locked()) != NULL) {
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0;
      break;
    }
    sleep(&bcache, &bcache.lock);
  }
  b->refcnt++;
  release(&bcache.lock);
  acquiresleep(&b->lock);
  return b;
}

struct buf *bread(uint dev, uint blockno)
{
  struct buf *b = bget(dev, blockno);
  if (!b->valid) {
    virtio_blk_rw(b, VBLK_READ);
    if (b->err) {
      brelse(b);
      return NULL;
    }
    b->valid = 1;
  }
  return b;
}

struct buf *bread_zeroed(uint dev, uint blockno)
{
  struct buf *b = bget(dev, blockno);
  memset(b->data, 0, KITE_BSIZE);
  b->valid = 1;
  return b;
}

int bwrite(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("bwrite: buffer for block %d not locked", b->blockno);
  virtio_blk_rw(b, VBLK_WRITE);
  return b->err;
}

void brelse(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("brelse: buffer for block %d not locked", b->blockno);
  releasesleep(&b->lock);
  acquire(&bcache.lock);
  ASSERT(b->refcnt > 0);
  b->refcnt--;
  if (b->refcnt == 0) {
    lru_unlink(b);
    lru_push_front(b);
    wakeup(&bcache);
  }
  release(&bcache.lock);
}

void bpin(struct buf *b)
{
  acquire(&bcache.lock);
  b->refcnt++;
  release(&bcache.lock);
}

void bunpin(struct buf *b)
{
  acquire(&bcache.lock);
  ASSERT(b->refcnt > 0);
  b->refcnt--;
  if (b->refcnt == 0)
    wakeup(&bcache);
  release(&bcache.lock);
}

int bio_raw(struct buf *b, enum bio_op op)
{
  virtio_blk_rw(b, op == BIO_WRITE ? VBLK_WRITE : VBLK_READ);
  return b->err;
}

int bio_write_batch(struct buf **bufs, const uint32 *blocknos, int n)
{
  int err = 0;
  for (int i = 0; i < n; i++)
    virtio_blk_submit(bufs[i], blocknos[i], VBLK_WRITE);
  for (int i = 0; i < n; i++) {
    virtio_blk_wait(bufs[i]);
    if (bufs[i]->err)
      err = bufs[i]->err;
  }
  return err;
}
