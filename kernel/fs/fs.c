/*
 * Mounting (superblock check, log recovery) and the free-block bitmap.
 *
 * Bit b of the bitmap is 1 when block b is in use. mkfs marks every
 * block before the data region used; the allocator only ever searches
 * the data region, so metadata can never be handed out.
 */
#include "lib/types.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "param.h"
#include "drivers/virtio_blk.h"
#include "fs/buf.h"
#include "fs/log.h"
#include "fs/fs.h"
#include "fs/sbcheck.h"
#include "mm/kalloc.h"
#include "mm/usercopy.h"
#include "arch/riscv.h"
#include "arch/sbi.h"
#include <kite/errno.h>

struct kite_superblock sb;

/* The log must hold LOGSIZE blocks, and freeing a whole file must fit one
 * transaction: the inode plus every bitmap block. */
static void check_mountable(void)
{
  const char *why = sb_check(&sb, virtio_blk_nblocks(), LOGSIZE + 1);
  if (!why && sb_nbitmapblocks(&sb) + 1 > MAXOPBLOCKS)
    why = "bitmap too large for one transaction (file system too big)";
  if (why) {
    printf("kite: fs: bad superblock: %s "
           "(magic %x size %d nblocks %d ninodes %d nlog %d logstart %d inodestart %d bmapstart %d)\n",
           why, sb.magic, sb.size, sb.nblocks, sb.ninodes, sb.nlog, sb.logstart,
           sb.inodestart, sb.bmapstart);
    fs_cannot_mount();
  }
}

/* A root file system Kite cannot mount is bad input, not a kernel bug: say
 * so plainly and power off instead of panicking. */
void fs_cannot_mount(void)
{
  printf("kite: cannot mount the root file system; check the image with build/fsck,\n"
         "kite: or rebuild it (rm build/fs.img; make). Powering off.\n");
  sbi_shutdown();
}

/* Free one orphan: iput() of an unlinked inode frees it and its blocks. */
static void reclaim(int dev, uint inum)
{
  struct inode *ip;
  if (iget(dev, inum, &ip) < 0)
    return;
  begin_op();
  if (ilock(ip) == 0 && ip->nlink == 0)
    printf("kite: fs: freeing orphan inode %d (%d bytes)\n", inum, ip->size);
  iunlock(ip);
  iput(ip);
  end_op();
}

/* Strike from `cand` every inode that directory inum names. Returns -1 if
 * the directory cannot be read whole (then it might name anything). */
static int strike_named(int dev, uint inum, uint8 *cand)
{
  struct inode *dp;
  if (iget(dev, inum, &dp) < 0)
    return -1;
  int err = ilock(dp);
  if (err == 0 && dp->nlink == 0) {
    dp->valid = 0;             /* so putting it back cannot free it */
    err = -1;
  }
  for (uint32 off = 0; err == 0 && off < dp->size; off += sizeof(struct kite_dirent)) {
    struct kite_dirent de;
    struct uwriter w;
    uwriter_init_kernel(&w, &de, sizeof de);
    if (readi(dp, &w, off, sizeof de) != sizeof de)
      err = -1;
    else if (de.inum > 0 && de.inum < sb.ninodes)
      cand[de.inum / 8] &= ~(1 << (de.inum % 8));
  }
  iunlockput(dp);              /* a directory with links: never freed here */
  return err;
}

/*
 * An allocated inode with no links on disk was open but unlinked when the
 * system stopped: nothing will ever free it, so mount frees it. Only
 * inodes that no directory names are freed: on a corrupt image an inode
 * may be named yet have no links, and freeing it would lose a file and
 * leave its name pointing at whatever reuses the inode. If a directory
 * cannot be read, or one has no links itself (what it names is unknown),
 * nothing is freed this time.
 */
static void reclaim_orphans(int dev)
{
  if (sb.ninodes > 8 * PGSIZE)
    return;                                 /* the candidate map is one page */
  uint8 *cand = kzalloc();
  if (!cand)
    return;
  int orphans = 0, dirs_ok = 1;
  for (uint inum = ROOTINO + 1; inum < sb.ninodes; inum++) {
    struct buf *bp = bread(dev, KITE_IBLOCK(inum, sb));
    if (!bp) {
      dirs_ok = 0;
      continue;
    }
    struct kite_dinode *dip = (struct kite_dinode *)bp->data + inum % KITE_IPB;
    if (dip->type != 0 && dip->nlink == 0) {
      cand[inum / 8] |= 1 << (inum % 8);
      orphans++;
      if (dip->type == T_DIR)
        dirs_ok = 0;
    }
    brelse(bp);
  }
  begin_op();
  for (uint inum = ROOTINO; orphans && dirs_ok && inum < sb.ninodes; inum++) {
    struct buf *bp = bread(dev, KITE_IBLOCK(inum, sb));
    int is_dir = bp && ((struct kite_dinode *)bp->data + inum % KITE_IPB)->type == T_DIR;
    if (bp)
      brelse(bp);
    if (is_dir && strike_named(dev, inum, cand) < 0)
      dirs_ok = 0;
  }
  end_op();
  for (uint inum = ROOTINO + 1; orphans && dirs_ok && inum < sb.ninodes; inum++)
    if (cand[inum / 8] & (1 << (inum % 8)))
      reclaim(dev, inum);
  if (orphans && !dirs_ok)
    printf("kite: fs: %d inodes without links left alone: the image needs fsck\n", orphans);
  kfree(cand);
}

void fsinit(int dev)
{
  struct buf *b = bread(dev, 1);
  if (!b) {
    printf("kite: fs: cannot read the superblock\n");
    fs_cannot_mount();
  }
  memmove(&sb, b->data, sizeof sb);
  brelse(b);
  check_mountable();
  initlog(dev, &sb);
  reclaim_orphans(dev);
  printf("kite: fs: %d blocks, %d inodes, %d data blocks from %d\n",
         sb.size, sb.ninodes, sb.nblocks, sb_datastart(&sb));
}

int fs_datablock_ok(uint32 blockno)
{
  return blockno >= sb_datastart(&sb) && blockno < sb.size;
}

/* Zero a freshly allocated block through the log, so a crash can never
 * leave a file pointing at a block with someone else's old contents. */
static void bzero(uint dev, uint32 blockno)
{
  struct buf *b = bread_zeroed(dev, blockno);
  log_write(b);
  brelse(b);
}

/* Claim the first free bit for a block in [from, to), all of which the
 * bitmap block bp covers; returns the block number or 0. Whole bytes of
 * used blocks are skipped at once: a nearly full disk is the slow case. */
static uint32 claim_bit(struct buf *bp, uint32 from, uint32 to)
{
  uint32 blk = from;
  while (blk < to) {
    uint32 bit = blk % KITE_BPB;
    uint8 *byte = &bp->data[bit / 8];
    if (*byte == 0xff && bit % 8 == 0) {
      blk += 8;
      continue;
    }
    uint8 mask = 1 << (bit % 8);
    if (!(*byte & mask)) {
      *byte |= mask;
      log_write(bp);
      return blk;
    }
    blk++;
  }
  return 0;
}

int balloc(uint dev, uint32 *blockno)
{
  for (uint32 base = 0; base < sb.size; base += KITE_BPB) {
    uint32 from = MAX(base, sb_datastart(&sb));
    uint32 to = MIN(base + KITE_BPB, sb.size);
    if (from >= to)
      continue;
    struct buf *bp = bread(dev, KITE_BBLOCK(base, sb));
    if (!bp)
      return -KITE_EIO;
    uint32 blk = claim_bit(bp, from, to);
    brelse(bp);
    if (blk) {
      bzero(dev, blk);
      *blockno = blk;
      return 0;
    }
  }
  return -KITE_ENOSPC;
}

/* A block number that is not a data block, or a block already free,
 * means the image is corrupt: say so and leave the bitmap alone rather
 * than make things worse. */
void bfree(uint dev, uint32 blockno)
{
  if (!fs_datablock_ok(blockno)) {
    printf("kite: fs: not freeing block %d: outside the data region\n", blockno);
    return;
  }
  struct buf *bp = bread(dev, KITE_BBLOCK(blockno, sb));
  if (!bp) {
    printf("kite: fs: cannot read the bitmap to free block %d\n", blockno);
    return;
  }
  uint32 bit = blockno % KITE_BPB;
  uint8 mask = 1 << (bit % 8);
  if (bp->data[bit / 8] & mask) {
    bp->data[bit / 8] &= ~mask;
    log_write(bp);
  } else {
    printf("kite: fs: block %d freed twice (corrupt image?)\n", blockno);
  }
  brelse(bp);
}
