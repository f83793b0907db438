/*
 * Superblock sanity check, shared by the kernel (at mount), fsck and the
 * host tests. Pure: no hardware, no allocation, no kernel headers.
 *
 * A superblock is accepted when its regions lie in the order the format
 * prescribes (boot | super | log | inodes | bitmap | data), do not
 * overlap, fit inside the image and the disk, and are big enough for what
 * they hold. Every later bounds check trusts these numbers.
 */
#ifndef KITE_SBCHECK_H
#define KITE_SBCHECK_H

#include <stdint.h>
#include <kite/fs.h>

/* Derived layout facts of an accepted superblock. */
static inline uint32_t sb_ninodeblocks(const struct kite_superblock *sb)
{
  return (uint32_t)((sb->ninodes + KITE_IPB - 1) / KITE_IPB);
}

static inline uint32_t sb_nbitmapblocks(const struct kite_superblock *sb)
{
  return (uint32_t)((sb->size + KITE_BPB - 1) / KITE_BPB);
}

/* First data block. */
static inline uint32_t sb_datastart(const struct kite_superblock *sb)
{
  return sb->size - sb->nblocks;
}

/*
 * NULL if sb is acceptable for a disk of disk_blocks blocks, otherwise a
 * static string saying what is wrong. min_log is the smallest log (header
 * included) the caller can work with.
 */
static inline const char *sb_check(const struct kite_superblock *sb, uint64_t disk_blocks,
                                   uint32_t min_log)
{
  if (sb->magic != KITE_FSMAGIC)
    return "wrong magic number (not a Kite file system)";
  if (sb->size < 4 || sb->size > disk_blocks)
    return "size is zero or larger than the disk";
  if (sb->logstart < 2)
    return "log overlaps the boot block or superblock";
  if (sb->nlog < min_log || sb->nlog > sb->size)
    return "log region too small or too large";
  if ((uint64_t)sb->logstart + sb->nlog > sb->inodestart)
    return "log region overlaps the inode region";
  if (sb->ninodes < 2 || sb->ninodes > 0xffff)
    return "inode count out of range (inode numbers are 16-bit)";
  if ((uint64_t)sb->inodestart + sb_ninodeblocks(sb) > sb->bmapstart)
    return "inode region overlaps the bitmap";
  if (sb->nblocks == 0 || sb->nblocks >= sb->size)
    return "data block count out of range";
  if ((uint64_t)sb->bmapstart + sb_nbitmapblocks(sb) > sb_datastart(sb))
    return "bitmap region overlaps the data region";
  return 0;
}

#endif
