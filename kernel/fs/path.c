/*
 * Path names: "/a/b/c" from the root, "a/b" from the current directory.
 * Repeated and trailing slashes are ignored; an element longer than
 * DIRSIZ is an error (-ENAMETOOLONG), never silently cut short.
 *
 * The walk holds one directory lock at a time (unlock the parent before
 * locking the child), so a walk through ".." cannot deadlock against a
 * walk going down.
 */
#include "lib/types.h"
#include "lib/string.h"
#include "lib/printf.h"
#include "param.h"
#include "proc/proc.h"
#include "fs/fs.h"
#include <kite/errno.h>

/*
 * Copy the next element of *pathp into name (DIRSIZ + 1 bytes) and move
 * *pathp past it and the slashes after it. Returns 1 for an element, 0 at
 * the end of the path, -ENAMETOOLONG.
 *
 *   "a/bb//c"  ->  name "a",  rest "bb//c"
 *   "///"      ->  0
 */
static int next_elem(const char **pathp, char *name)
{
  const char *p = *pathp;
  while (*p == '/')
    p++;
  if (*p == '\0')
    return 0;
  const char *start = p;
  while (*p != '/' && *p != '\0')
    p++;
  size_t len = p - start;
  if (len > DIRSIZ)
    return -KITE_ENAMETOOLONG;
  memmove(name, start, len);
  name[len] = '\0';
  while (*p == '/')
    p++;
  *pathp = p;
  return 1;
}

static int walk_start(const char *path, struct inode **ipp)
{
  if (*path == '/')
    return iget(ROOTDEV, ROOTINO, ipp);
  struct proc *p = myproc();
  if (!p->cwd)
    return iget(ROOTDEV, ROOTINO, ipp);
  *ipp = idup(p->cwd);
  return 0;
}

/*
 * An inode a directory entry names must have links. One with none comes
 * from a corrupt image (an unlinked inode is never named): refuse it, and
 * drop its in-memory copy so that putting our reference back cannot free
 * an inode a directory still names. "." and ".." are exempt: they are how
 * a removed current directory is still walked.
 */
static int check_named(struct inode *ip, const char *name)
{
  if (namecmp(name, ".") == 0 || namecmp(name, "..") == 0)
    return 0;
  int err = ilock(ip);
  if (err == 0 && ip->nlink == 0) {
    printf("kite: fs: inode %d is named \"%s\" but has no links: corrupt image?\n",
           ip->inum, name);
    ip->valid = 0;
    err = -KITE_EIO;
  }
  iunlock(ip);
  return err;
}

/* Step from directory ip (referenced, unlocked) to its entry name.
 * Consumes the reference to ip. */
static int step(struct inode *ip, const char *name, struct inode **nextp)
{
  int err = ilock(ip);
  if (!err && ip->type != T_DIR)
    err = -KITE_ENOTDIR;
  if (!err)
    err = dirlookup(ip, name, NULL, nextp);
  iunlockput(ip);
  if (!err && (err = check_named(*nextp, name)) < 0)
    iput(*nextp);
  return err;
}

/*
 * Walk path. With want_parent, stop before the last element, copy it to
 * name and return its directory; a path with no last element ("/") then
 * has no parent to give (-ENOENT).
 */
static int namex(const char *path, int want_parent, char *name, struct inode **ipp)
{
  char elem[DIRSIZ + 1];
  struct inode *ip;
  int r, err;

  if (*path == '\0')
    return -KITE_ENOENT;
  if ((err = walk_start(path, &ip)) < 0)
    return err;
  while ((r = next_elem(&path, elem)) > 0) {
    if (want_parent && *path == '\0') {
      if ((err = ilock(ip)) == 0 && ip->type != T_DIR)
        err = -KITE_ENOTDIR;
      iunlock(ip);
      if (err) {
        iput(ip);
        return err;
      }
      memmove(name, elem, DIRSIZ + 1);
      *ipp = ip;
      return 0;
    }
    if ((err = step(ip, elem, &ip)) < 0)
      return err;
  }
  if (r < 0 || want_parent) {
    iput(ip);
    return r < 0 ? r : -KITE_ENOENT;
  }
  *ipp = ip;
  return 0;
}

int namei(const char *path, struct inode **ipp)
{
  return namex(path, 0, NULL, ipp);
}

int nameiparent(const char *path, char *name, struct inode **ipp)
{
  return namex(path, 1, name, ipp);
}
