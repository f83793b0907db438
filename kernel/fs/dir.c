/*
 * Directories: files of struct kite_dirent. An entry with inum 0 is a
 * free slot; entries 0 and 1 are "." and "..". Directories are read and
 * written with readi/writei through kernel cursors, like any file.
 */
#include "lib/types.h"
#include "lib/string.h"
#include "lib/printf.h"
#include "lib/sleeplock.h"
#include "fs/fs.h"
#include <kite/errno.h>

#define DIRENT_SIZE ((uint32)sizeof(struct kite_dirent))

int dir_name_check(const char *name)
{
  size_t len = strlen(name);
  if (len == 0)
    return -KITE_ENOENT;
  if (len > DIRSIZ)
    return -KITE_ENAMETOOLONG;
  return 0;
}

int namecmp(const char *a, const char *b)
{
  return strncmp(a, b, DIRSIZ);
}

/* Read the entry at off: 0, or -EIO for a short directory or disk error. */
static int read_dirent(struct inode *dp, uint32 off, struct kite_dirent *de)
{
  struct uwriter w;
  uwriter_init_kernel(&w, de, DIRENT_SIZE);
  long r = readi(dp, &w, off, DIRENT_SIZE);
  return r == DIRENT_SIZE ? 0 : (r < 0 ? (int)r : -KITE_EIO);
}

static int write_dirent(struct inode *dp, uint32 off, const struct kite_dirent *de)
{
  struct ureader r;
  ureader_init_kernel(&r, de, DIRENT_SIZE);
  long n = writei(dp, &r, off, DIRENT_SIZE);
  return n == DIRENT_SIZE ? 0 : (n < 0 ? (int)n : -KITE_EIO);
}

/* Whole entries in dp; a trailing partial entry (corruption) is ignored. */
static uint32 dir_end(struct inode *dp)
{
  return dp->size - dp->size % DIRENT_SIZE;
}

int dirlookup(struct inode *dp, const char *name, uint32 *poff, struct inode **ipp)
{
  ASSERT(holdingsleep(&dp->lock));
  if (!dp->valid)
    return -KITE_EIO;
  if (dp->type != T_DIR)
    return -KITE_ENOTDIR;
  struct kite_dirent de;
  for (uint32 off = 0; off < dir_end(dp); off += DIRENT_SIZE) {
    int err = read_dirent(dp, off, &de);
    if (err)
      return err;
    if (de.inum == 0 || namecmp(name, de.name) != 0)
      continue;
    if (poff)
      *poff = off;
    return iget(dp->dev, de.inum, ipp);
  }
  return -KITE_ENOENT;
}

int dirlink(struct inode *dp, const char *name, uint inum)
{
  struct inode *ip;
  int err = dir_name_check(name);
  if (err)
    return err;
  err = dirlookup(dp, name, NULL, &ip);
  if (err == 0) {
    iput(ip);
    return -KITE_EEXIST;
  }
  if (err != -KITE_ENOENT)
    return err;

  /* The first free slot, or a new one at the end. */
  struct kite_dirent de;
  uint32 off;
  for (off = 0; off < dir_end(dp); off += DIRENT_SIZE) {
    if ((err = read_dirent(dp, off, &de)) < 0)
      return err;
    if (de.inum == 0)
      break;
  }
  memset(&de, 0, sizeof de);
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  return write_dirent(dp, off, &de);
}

int dir_clear_entry(struct inode *dp, uint32 off)
{
  struct kite_dirent de;
  memset(&de, 0, sizeof de);
  return write_dirent(dp, off, &de);
}

int dir_isempty(struct inode *dp)
{
  struct kite_dirent de;
  for (uint32 off = 2 * DIRENT_SIZE; off < dir_end(dp); off += DIRENT_SIZE) {
    int err = read_dirent(dp, off, &de);
    if (err)
      return err;
    if (de.inum != 0)
      return 0;
  }
  return 1;
}
