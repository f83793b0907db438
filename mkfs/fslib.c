/*
 * fslib: build and read Kite file-system images in host memory
 * (see fslib.h). The on-disk format is <kite/fs.h>; the superblock
 * check is the kernel's own (fs/sbcheck.h), so mkfs, fsck and the
 * kernel agree on what a valid image is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kite/errno.h>
#include "fslib.h"
#include "fs/sbcheck.h"

const struct fslayout fslib_default_layout = {
  .size = KITE_FSSIZE, .ninodes = KITE_NINODES, .nlog = KITE_LOGBLOCKS,
};

#define DIRENT_SIZE ((uint32_t)sizeof(struct kite_dirent))

uint8_t *fslib_block(const struct fsimg *fs, uint32_t b)
{
  if (b >= fs->nblocks)
    return NULL;
  return fs->img + (size_t)b * KITE_BSIZE;
}

uint32_t fslib_datastart(const struct fsimg *fs)
{
  return sb_datastart(&fs->sb);
}

struct kite_dinode *fslib_inode(const struct fsimg *fs, uint32_t inum)
{
  if (inum == 0 || inum >= fs->sb.ninodes)
    return NULL;
  uint8_t *b = fslib_block(fs, KITE_IBLOCK(inum, fs->sb));
  if (!b)
    return NULL;
  return (struct kite_dinode *)b + inum % KITE_IPB;
}

int fslib_bit(const struct fsimg *fs, uint32_t b)
{
  uint8_t *bm = fslib_block(fs, KITE_BBLOCK(b, fs->sb));
  if (!bm)
    return 0;
  uint32_t bit = b % KITE_BPB;
  return (bm[bit / 8] >> (bit % 8)) & 1;
}

void fslib_setbit(struct fsimg *fs, uint32_t b, int used)
{
  uint8_t *bm = fslib_block(fs, KITE_BBLOCK(b, fs->sb));
  if (!bm)
    return;
  uint32_t bit = b % KITE_BPB;
  if (used)
    bm[bit / 8] |= 1u << (bit % 8);
  else
    bm[bit / 8] &= ~(1u << (bit % 8));
}

static void write_super(struct fsimg *fs)
{
  memset(fslib_block(fs, 1), 0, KITE_BSIZE);
  memcpy(fslib_block(fs, 1), &fs->sb, sizeof fs->sb);
}

/* Regions packed in format order, each as small as it may be. */
static void plan_layout(struct kite_superblock *sb, const struct fslayout *lay)
{
  memset(sb, 0, sizeof *sb);
  sb->magic = KITE_FSMAGIC;
  sb->size = lay->size;
  sb->ninodes = lay->ninodes;
  sb->nlog = lay->nlog;
  sb->logstart = 2;
  sb->inodestart = sb->logstart + sb->nlog;
  sb->bmapstart = sb->inodestart + sb_ninodeblocks(sb);
  uint32_t datastart = sb->bmapstart + sb_nbitmapblocks(sb);
  sb->nblocks = datastart < sb->size ? sb->size - datastart : 0;
}

int fslib_format(struct fsimg *fs, const struct fslayout *lay)
{
  memset(fs, 0, sizeof *fs);
  plan_layout(&fs->sb, lay);
  if (sb_check(&fs->sb, lay->size, 2))
    return -KITE_EINVAL;
  fs->nblocks = lay->size;
  fs->img = calloc(fs->nblocks, KITE_BSIZE);
  if (!fs->img)
    return -KITE_ENOMEM;
  write_super(fs);
  for (uint32_t b = 0; b < fslib_datastart(fs); b++)
    fslib_setbit(fs, b, 1);

  int root = fslib_ialloc(fs, KITE_T_DIR);
  if (root != KITE_ROOTINO) {
    fslib_free(fs);
    return -KITE_EIO;
  }
  fslib_inode(fs, root)->nlink = 2;        /* "." and ".." */
  int err = fslib_dirlink(fs, root, ".", root);
  if (!err)
    err = fslib_dirlink(fs, root, "..", root);
  if (err)
    fslib_free(fs);
  return err;
}

int fslib_load(struct fsimg *fs, const char *path, const char **why)
{
  memset(fs, 0, sizeof *fs);
  FILE *f = fopen(path, "rb");
  if (!f) {
    *why = "cannot open the image";
    return -KITE_ENOENT;
  }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  rewind(f);
  if (len < 2 * KITE_BSIZE) {
    fclose(f);
    *why = "image too small to hold a superblock";
    return -KITE_EINVAL;
  }
  fs->nblocks = (uint32_t)(len / KITE_BSIZE);
  fs->img = calloc(fs->nblocks, KITE_BSIZE);
  size_t want = (size_t)fs->nblocks * KITE_BSIZE;
  if (!fs->img || fread(fs->img, 1, want, f) != want) {
    fclose(f);
    fslib_free(fs);
    *why = "cannot read the image";
    return -KITE_EIO;
  }
  fclose(f);
  memcpy(&fs->sb, fslib_block(fs, 1), sizeof fs->sb);
  return 0;
}

int fslib_save(const struct fsimg *fs, const char *path)
{
  FILE *f = fopen(path, "wb");
  if (!f)
    return -KITE_EIO;
  size_t len = (size_t)fs->nblocks * KITE_BSIZE;
  int ok = fwrite(fs->img, 1, len, f) == len;
  ok &= fclose(f) == 0;
  return ok ? 0 : -KITE_EIO;
}

void fslib_free(struct fsimg *fs)
{
  free(fs->img);
  fs->img = NULL;
  fs->nblocks = 0;
}

int fslib_ialloc(struct fsimg *fs, int type)
{
  for (uint32_t inum = 1; inum < fs->sb.ninodes; inum++) {
    struct kite_dinode *ip = fslib_inode(fs, inum);
    if (ip && ip->type == 0) {
      memset(ip, 0, sizeof *ip);
      ip->type = (int16_t)type;
      ip->nlink = 1;
      return (int)inum;
    }
  }
  return -KITE_ENOSPC;
}

/* First free data block, marked used and zeroed; 0 if the disk is full. */
static uint32_t balloc(struct fsimg *fs)
{
  for (uint32_t b = fslib_datastart(fs); b < fs->sb.size; b++) {
    if (!fslib_bit(fs, b)) {
      fslib_setbit(fs, b, 1);
      memset(fslib_block(fs, b), 0, KITE_BSIZE);
      return b;
    }
  }
  return 0;
}

static int datablock_ok(const struct fsimg *fs, uint32_t b)
{
  return b >= fslib_datastart(fs) && b < fs->sb.size && b < fs->nblocks;
}

/* Resolve (and with alloc, fill) one block pointer. */
static int slot(struct fsimg *fs, uint32_t *p, int alloc, uint32_t *out)
{
  if (*p == 0 && alloc) {
    if ((*p = balloc(fs)) == 0)
      return -KITE_ENOSPC;
  } else if (*p != 0 && !datablock_ok(fs, *p)) {
    return -KITE_EIO;
  }
  *out = *p;
  return 0;
}

/* Entry i of indirect block ind. */
static int indirect(struct fsimg *fs, uint32_t ind, uint32_t i, int alloc, uint32_t *out)
{
  uint32_t *a = (uint32_t *)fslib_block(fs, ind);
  return slot(fs, &a[i], alloc, out);
}

int fslib_bmap(struct fsimg *fs, struct kite_dinode *ip, uint32_t bn, int alloc, uint32_t *out)
{
  uint32_t ind, dind;
  int err;
  *out = 0;
  if (bn < KITE_NDIRECT)
    return slot(fs, &ip->addrs[bn], alloc, out);
  bn -= KITE_NDIRECT;
  if (bn < KITE_NINDIRECT) {
    if ((err = slot(fs, &ip->addrs[KITE_NDIRECT], alloc, &ind)) || !ind)
      return err;
    return indirect(fs, ind, bn, alloc, out);
  }
  bn -= KITE_NINDIRECT;
  if (bn < KITE_NDINDIRECT) {
    if ((err = slot(fs, &ip->addrs[KITE_NDIRECT + 1], alloc, &dind)) || !dind)
      return err;
    if ((err = indirect(fs, dind, bn / KITE_NINDIRECT, alloc, &ind)) || !ind)
      return err;
    return indirect(fs, ind, bn % KITE_NINDIRECT, alloc, out);
  }
  return -KITE_EFBIG;
}

int fslib_append(struct fsimg *fs, uint32_t inum, const void *data, size_t n)
{
  struct kite_dinode *ip = fslib_inode(fs, inum);
  const uint8_t *src = data;
  if (!ip)
    return -KITE_EIO;
  if ((uint64_t)ip->size + n > (uint64_t)KITE_MAXFILE * KITE_BSIZE)
    return -KITE_EFBIG;
  while (n > 0) {
    uint32_t off = ip->size % KITE_BSIZE, addr;
    size_t m = n < KITE_BSIZE - off ? n : KITE_BSIZE - off;
    int err = fslib_bmap(fs, ip, ip->size / KITE_BSIZE, 1, &addr);
    if (err)
      return err;
    memcpy(fslib_block(fs, addr) + off, src, m);
    ip->size += (uint32_t)m;
    src += m;
    n -= m;
  }
  return 0;
}

long fslib_read(const struct fsimg *fs, uint32_t inum, uint32_t off, void *buf, size_t n)
{
  struct kite_dinode *ip = fslib_inode(fs, inum);
  uint8_t *dst = buf;
  size_t done = 0;
  if (!ip)
    return -KITE_EIO;
  if (off >= ip->size)
    return 0;
  if (n > ip->size - off)
    n = ip->size - off;
  while (done < n) {
    uint32_t boff = off % KITE_BSIZE, addr;
    size_t m = n - done < KITE_BSIZE - boff ? n - done : KITE_BSIZE - boff;
    /* Lookup never writes, so dropping const is safe. */
    int err = fslib_bmap((struct fsimg *)fs, ip, off / KITE_BSIZE, 0, &addr);
    if (err)
      return err;
    if (addr)
      memcpy(dst + done, fslib_block(fs, addr) + boff, m);
    else
      memset(dst + done, 0, m);
    done += m;
    off += (uint32_t)m;
  }
  return (long)done;
}

int fslib_lookup(const struct fsimg *fs, uint32_t dir, const char *name)
{
  struct kite_dinode *dp = fslib_inode(fs, dir);
  struct kite_dirent de;
  if (!dp || dp->type != KITE_T_DIR)
    return -KITE_ENOTDIR;
  for (uint32_t off = 0; off + DIRENT_SIZE <= dp->size; off += DIRENT_SIZE) {
    if (fslib_read(fs, dir, off, &de, sizeof de) != sizeof de)
      return -KITE_EIO;
    if (de.inum != 0 && strncmp(de.name, name, KITE_DIRSIZ) == 0)
      return de.inum;
  }
  return -KITE_ENOENT;
}

int fslib_dirlink(struct fsimg *fs, uint32_t dir, const char *name, uint32_t inum)
{
  struct kite_dirent de;
  size_t len = strlen(name);
  if (len == 0 || len > KITE_DIRSIZ || strchr(name, '/'))
    return -KITE_ENAMETOOLONG;
  if (inum > 0xffff)
    return -KITE_EINVAL;
  if (fslib_lookup(fs, dir, name) >= 0)
    return -KITE_EEXIST;
  memset(&de, 0, sizeof de);
  de.inum = (uint16_t)inum;
  memcpy(de.name, name, len);
  /* mkfs only ever appends: directories it builds have no free slots. */
  return fslib_append(fs, dir, &de, sizeof de);
}

int fslib_mkdir(struct fsimg *fs, uint32_t parent, const char *name)
{
  int inum = fslib_ialloc(fs, KITE_T_DIR);
  if (inum < 0)
    return inum;
  int err = fslib_dirlink(fs, inum, ".", inum);
  if (!err)
    err = fslib_dirlink(fs, inum, "..", parent);
  if (!err)
    err = fslib_dirlink(fs, parent, name, inum);
  if (err) {
    memset(fslib_inode(fs, inum), 0, sizeof(struct kite_dinode));
    return err;
  }
  fslib_inode(fs, inum)->nlink = 2;        /* its entry and "." */
  fslib_inode(fs, parent)->nlink++;        /* the new ".." */
  return inum;
}
