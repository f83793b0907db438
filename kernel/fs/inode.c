/*
 * Inodes: the cache of in-memory inodes, their disk copies, and the
 * mapping from file offsets to disk blocks.
 *
 * An inode's life in the cache:
 *   iget()   finds or makes an entry, ref++ (no disk access, no lock);
 *   ilock()  reads the disk inode if the entry is not valid yet;
 *   iunlock(), iput() ref--; the last iput of an unlinked inode frees it.
 *
 * File block bn lives at (see <kite/fs.h>):
 *
 *   bn < 11           addrs[bn]
 *   bn < 11+256       indirect = addrs[11];  indirect[bn - 11]
 *   bn < 11+256+65536 dind = addrs[12];       dind[i / 256][i % 256],
 *                                             i = bn - 11 - 256
 *
 * A block number of 0 is a hole that reads as zeros.
 */
#include "lib/types.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "param.h"
#include "fs/buf.h"
#include "fs/log.h"
#include "fs/fs.h"
#include <kite/errno.h>

static struct {
  struct spinlock lock;
  struct inode inode[NINODE];
} icache;

void iinit(void)
{
  initlock(&icache.lock, "icache");
  for (int i = 0; i < NINODE; i++)
    initsleeplock(&icache.inode[i].lock, "inode");
}

int iget(uint dev, uint inum, struct inode **ipp)
{
  struct inode *empty = NULL;
  acquire(&icache.lock);
  for (struct inode *ip = icache.inode; ip < icache.inode + NINODE; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      release(&icache.lock);
      *ipp = ip;
      return 0;
    }
    if (!empty && ip->ref == 0)
      empty = ip;
  }
  if (!empty) {
    release(&icache.lock);
    return -KITE_ENFILE;
  }
  empty->dev = dev;
  empty->inum = inum;
  empty->ref = 1;
  empty->valid = 0;
  release(&icache.lock);
  *ipp = empty;
  return 0;
}

struct inode *idup(struct inode *ip)
{
  acquire(&icache.lock);
  ip->ref++;
  release(&icache.lock);
  return ip;
}

/* The on-disk copy of inode inum inside its (locked) inode block. */
static struct kite_dinode *dinode_in(struct buf *bp, uint inum)
{
  return (struct kite_dinode *)bp->data + inum % KITE_IPB;
}

static int inum_ok(uint inum)
{
  return inum >= 1 && inum < sb.ninodes;
}

int ialloc(uint dev, short type, struct inode **ipp)
{
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *bp = bread(dev, KITE_IBLOCK(inum, sb));
    if (!bp)
      return -KITE_EIO;
    struct kite_dinode *dip = dinode_in(bp, inum);
    if (dip->type == 0) {
      int err = iget(dev, inum, ipp);
      if (err == 0) {
        memset(dip, 0, sizeof *dip);
        dip->type = type;
        log_write(bp);
      }
      brelse(bp);
      return err;
    }
    brelse(bp);
  }
  return -KITE_ENOSPC;
}

int iupdate(struct inode *ip)
{
  ASSERT(holdingsleep(&ip->lock));
  struct buf *bp = bread(ip->dev, KITE_IBLOCK(ip->inum, sb));
  if (!bp)
    return -KITE_EIO;
  struct kite_dinode *dip = dinode_in(bp, ip->inum);
  dip->type = ip->type;
  dip->major = ip->major;
  dip->minor = ip->minor;
  dip->nlink = ip->nlink;
  dip->size = ip->size;
  memmove(dip->addrs, ip->addrs, sizeof ip->addrs);
  log_write(bp);
  brelse(bp);
  return 0;
}

/* A disk inode Kite is willing to use. Block numbers are checked later,
 * one at a time, by bmap(). */
static const char *dinode_problem(const struct kite_dinode *dip)
{
  if (dip->type != T_DIR && dip->type != T_FILE && dip->type != T_DEVICE)
    return dip->type == 0 ? "is free" : "has an unknown type";
  if (dip->nlink < 0)
    return "has a negative link count";
  if (dip->size > MAXFILE_BYTES)
    return "is larger than the largest file";
  return NULL;
}

/* Read and check the disk inode. On failure the type reads as 0, so a
 * caller that ignores ilock()'s result still sees "no such file". */
static int iload(struct inode *ip)
{
  ip->type = 0;
  ip->size = 0;
  ip->nlink = 0;
  if (!inum_ok(ip->inum)) {
    printf("kite: fs: inode number %d out of range (corrupt directory?)\n", ip->inum);
    return -KITE_EIO;
  }
  struct buf *bp = bread(ip->dev, KITE_IBLOCK(ip->inum, sb));
  if (!bp)
    return -KITE_EIO;
  struct kite_dinode *dip = dinode_in(bp, ip->inum);
  const char *why = dinode_problem(dip);
  if (why) {
    printf("kite: fs: inode %d %s (type %d): corrupt image?\n", ip->inum, why, dip->type);
    brelse(bp);
    return -KITE_EIO;
  }
  ip->type = dip->type;
  ip->major = dip->major;
  ip->minor = dip->minor;
  ip->nlink = dip->nlink;
  ip->size = dip->size;
  memmove(ip->addrs, dip->addrs, sizeof ip->addrs);
  brelse(bp);
  ip->valid = 1;
  return 0;
}

int ilock(struct inode *ip)
{
  ASSERT(ip && ip->ref > 0);
  acquiresleep(&ip->lock);
  if (ip->valid)
    return 0;
  return iload(ip);
}

void iunlock(struct inode *ip)
{
  if (!ip || !holdingsleep(&ip->lock) || ip->ref < 1)
    panic("iunlock: inode %d not locked by this process", ip ? (int)ip->inum : -1);
  releasesleep(&ip->lock);
}

void iput(struct inode *ip)
{
  acquire(&icache.lock);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    /* No one else can find this inode: no directory names it and ours is
     * the last reference, so taking its lock cannot block. */
    acquiresleep(&ip->lock);
    release(&icache.lock);
    itrunc(ip);
    ip->type = 0;
    iupdate(ip);
    ip->valid = 0;
    releasesleep(&ip->lock);
    acquire(&icache.lock);
  }
  ASSERT(ip->ref > 0);
  ip->ref--;
  release(&icache.lock);
}

void iunlockput(struct inode *ip)
{
  iunlock(ip);
  iput(ip);
}

/* ---- block map ---------------------------------------------------------- */

enum bmap_mode { BMAP_LOOKUP, BMAP_ALLOC };

/* Resolve one block pointer: check it, or fill a hole when allocating. */
static int resolve_slot(struct inode *ip, uint32 *slot, enum bmap_mode mode, uint32 *out)
{
  uint32 addr = *slot;
  if (addr == 0 && mode == BMAP_ALLOC) {
    int err = balloc(ip->dev, &addr);
    if (err)
      return err;
    *slot = addr;       /* the caller writes the inode or block back */
  } else if (addr != 0 && !fs_datablock_ok(addr)) {
    printf("kite: fs: inode %d points at block %d outside the data region\n", ip->inum, addr);
    return -KITE_EIO;
  }
  *out = addr;
  return 0;
}

/* Resolve entry i of indirect block ind. */
static int slot_in_block(struct inode *ip, uint32 ind, uint i, enum bmap_mode mode, uint32 *out)
{
  struct buf *bp = bread(ip->dev, ind);
  if (!bp)
    return -KITE_EIO;
  uint32 *slot = (uint32 *)bp->data + i;
  uint32 before = *slot;
  int err = resolve_slot(ip, slot, mode, out);
  if (err == 0 && *slot != before)
    log_write(bp);
  brelse(bp);
  return err;
}

/*
 * The disk block holding file block bn: 0 and *out (0 = hole, only when
 * looking up), or -EIO (corrupt pointer, disk error), -ENOSPC, -EFBIG.
 */
static int bmap(struct inode *ip, uint32 bn, enum bmap_mode mode, uint32 *out)
{
  uint32 ind, dind;
  int err;

  *out = 0;
  if (bn < NDIRECT)
    return resolve_slot(ip, &ip->addrs[bn], mode, out);
  bn -= NDIRECT;
  if (bn < NINDIRECT) {
    if ((err = resolve_slot(ip, &ip->addrs[NDIRECT], mode, &ind)) || ind == 0)
      return err;
    return slot_in_block(ip, ind, bn, mode, out);
  }
  bn -= NINDIRECT;
  if (bn < KITE_NDINDIRECT) {
    if ((err = resolve_slot(ip, &ip->addrs[NDIRECT + 1], mode, &dind)) || dind == 0)
      return err;
    if ((err = slot_in_block(ip, dind, bn / NINDIRECT, mode, &ind)) || ind == 0)
      return err;
    return slot_in_block(ip, ind, bn % NINDIRECT, mode, out);
  }
  return -KITE_EFBIG;
}

/* ---- truncation ---------------------------------------------------------- */

/* Free the blocks an indirect block lists (depth 1) or the indirect
 * blocks a double-indirect block lists (depth 2), then the block itself. */
static void free_tree(struct inode *ip, uint32 blockno, int depth)
{
  if (!fs_datablock_ok(blockno)) {
    printf("kite: fs: inode %d: skipping bad block %d while truncating\n", ip->inum, blockno);
    return;
  }
  struct buf *bp = bread(ip->dev, blockno);
  if (bp) {
    uint32 *a = (uint32 *)bp->data;
    for (uint i = 0; i < NINDIRECT; i++) {
      if (a[i] == 0)
        continue;
      if (depth > 1)
        free_tree(ip, a[i], depth - 1);
      else
        bfree(ip->dev, a[i]);
    }
    brelse(bp);
  } else {
    printf("kite: fs: inode %d: cannot read block %d; its blocks leak\n", ip->inum, blockno);
  }
  bfree(ip->dev, blockno);
}

void itrunc(struct inode *ip)
{
  ASSERT(holdingsleep(&ip->lock));
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i])
      bfree(ip->dev, ip->addrs[i]);
    ip->addrs[i] = 0;
  }
  if (ip->addrs[NDIRECT])
    free_tree(ip, ip->addrs[NDIRECT], 1);
  if (ip->addrs[NDIRECT + 1])
    free_tree(ip, ip->addrs[NDIRECT + 1], 2);
  ip->addrs[NDIRECT] = ip->addrs[NDIRECT + 1] = 0;
  ip->size = 0;
  iupdate(ip);
}

void stati(struct inode *ip, struct kite_stat *st)
{
  static const uint32 mode[] = {
    [T_DIR] = KITE_S_IFDIR, [T_FILE] = KITE_S_IFREG, [T_DEVICE] = KITE_S_IFCHR,
  };
  memset(st, 0, sizeof *st);
  st->st_dev = ip->dev;
  st->st_ino = ip->inum;
  if (ip->type > 0 && ip->type < (short)ARRAY_SIZE(mode))
    st->st_mode = mode[ip->type] | 0755;
  st->st_nlink = ip->nlink;
  st->st_size = ip->size;
  if (ip->type == T_DEVICE)
    st->st_rdev = (uint32)(uint16)ip->major << 16 | (uint16)ip->minor;
}

/* ---- reading and writing ------------------------------------------------ */

long readi(struct inode *ip, struct uwriter *w, uint32 off, uint32 n)
{
  ASSERT(holdingsleep(&ip->lock));
  if (!ip->valid)
    return -KITE_EIO;
  if (off >= ip->size)
    return 0;
  n = MIN(n, ip->size - off);

  uint32 done = 0;
  long err = 0;
  while (done < n) {
    uint32 addr, boff = off % KITE_BSIZE;
    uint32 m = MIN(n - done, KITE_BSIZE - boff);
    if ((err = bmap(ip, off / KITE_BSIZE, BMAP_LOOKUP, &addr)) < 0)
      break;
    size_t moved;
    if (addr == 0) {
      moved = uwriter_zero(w, m);
    } else {
      struct buf *bp = bread(ip->dev, addr);
      if (!bp) {
        err = -KITE_EIO;
        break;
      }
      moved = uwriter_write(w, bp->data + boff, m);
      brelse(bp);
    }
    done += moved;
    off += moved;
    if (moved < m) {          /* a fault, or the cursor is full */
      err = w->c.fault;
      break;
    }
  }
  return done > 0 ? (long)done : err;
}

/*
 * Copy m bytes from r into file block bn at offset boff. The bytes go
 * through a bounce buffer: a faulting copy-in zero-fills the rest of its
 * destination, which must not be the cached block's old contents.
 * Returns bytes written or a negative errno.
 */
static long write_block(struct inode *ip, struct ureader *r, uint32 bn, uint32 boff, uint32 m)
{
  uint8 bounce[KITE_BSIZE];
  uint32 addr;
  int err = bmap(ip, bn, BMAP_ALLOC, &addr);
  if (err)
    return err;
  size_t got = ureader_read(r, bounce, m);
  if (got == 0)
    return r->c.fault;
  struct buf *bp = bread(ip->dev, addr);
  if (!bp)
    return -KITE_EIO;
  memmove(bp->data + boff, bounce, got);
  log_write(bp);
  brelse(bp);
  return got;
}

long writei(struct inode *ip, struct ureader *r, uint32 off, uint32 n)
{
  ASSERT(holdingsleep(&ip->lock));
  if (!ip->valid)
    return -KITE_EIO;
  if (off >= MAXFILE_BYTES)
    return n == 0 ? 0 : -KITE_EFBIG;
  n = MIN(n, MAXFILE_BYTES - off);

  uint32 done = 0;
  long err = 0;
  while (done < n) {
    uint32 boff = off % KITE_BSIZE;
    uint32 m = MIN(n - done, KITE_BSIZE - boff);
    long moved = write_block(ip, r, off / KITE_BSIZE, boff, m);
    if (moved <= 0) {
      err = moved;
      break;
    }
    done += moved;
    off += moved;
    if ((uint32)moved < m) {
      err = r->c.fault;
      break;
    }
  }
  if (off > ip->size)
    ip->size = off;
  /* bmap may have added blocks even when no byte was written. */
  int uerr = iupdate(ip);
  if (done == 0 && err == 0)
    err = uerr;
  return done > 0 ? (long)done : err;
}
