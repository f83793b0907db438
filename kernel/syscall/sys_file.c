/*
 * File-system calls: arguments are fetched and checked here, then handed
 * to the file layer (fs/file.h) and the inode layer (fs/fs.h).
 *
 * Each call checks its arguments and reserves what it needs (a file-table
 * entry, a descriptor) before it changes anything on disk, and undoes its
 * reservations if a later step fails. Everything that may write the disk
 * runs between begin_op() and end_op().
 */
#include "lib/types.h"
#include "lib/string.h"
#include "param.h"
#include "proc/proc.h"
#include "mm/usercopy.h"
#include "fs/fs.h"
#include "fs/log.h"
#include "fs/file.h"
#include "syscall/syscall.h"
#include <kite/errno.h>
#include <kite/fcntl.h>
#include <kite/stat.h>

/* ---- descriptors ---------------------------------------------------------- */

/* The open file behind descriptor argument n, or -EBADF. */
static int argfd(int n, int *pfd, struct file **pf)
{
  int fd = argint(n);
  if (fd < 0 || fd >= NOFILE || myproc()->ofile[fd] == NULL)
    return -KITE_EBADF;
  if (pfd)
    *pfd = fd;
  *pf = myproc()->ofile[fd];
  return 0;
}

/* Give f the lowest free descriptor; -EMFILE if there is none. */
static int fdalloc(struct file *f)
{
  struct proc *p = myproc();
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] == NULL) {
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -KITE_EMFILE;
}

long sys_dup(void)
{
  struct file *f;
  int err = argfd(0, NULL, &f);
  if (err)
    return err;
  int fd = fdalloc(f);
  if (fd >= 0)
    filedup(f);
  return fd;
}

long sys_close(void)
{
  int fd;
  struct file *f;
  int err = argfd(0, &fd, &f);
  if (err)
    return err;
  myproc()->ofile[fd] = NULL;
  fileclose(f);
  return 0;
}

/* ---- read, write, seek, stat ---------------------------------------------- */

long sys_read(void)
{
  struct file *f;
  struct uwriter w;
  long n = arglong(2);
  int err = argfd(0, NULL, &f);
  if (err)
    return err;
  if (n < 0)
    return -KITE_EINVAL;
  if ((err = uwriter_init(&w, arguaddr(1), n)) < 0)
    return err;
  return fileread(f, &w, n);
}

long sys_write(void)
{
  struct file *f;
  struct ureader r;
  long n = arglong(2);
  int err = argfd(0, NULL, &f);
  if (err)
    return err;
  if (n < 0)
    return -KITE_EINVAL;
  if ((err = ureader_init(&r, arguaddr(1), n)) < 0)
    return err;
  return filewrite(f, &r, n);
}

long sys_lseek(void)
{
  struct file *f;
  int err = argfd(0, NULL, &f);
  if (err)
    return err;
  return filelseek(f, arglong(1), argint(2));
}

long sys_fstat(void)
{
  struct file *f;
  struct kite_stat st;
  int err = argfd(0, NULL, &f);
  if (err)
    return err;
  if ((err = filestat(f, &st)) < 0)
    return err;
  return copyout_user(arguaddr(1), &st, sizeof st);
}

/* ---- pipes ---------------------------------------------------------------- */

long sys_pipe(void)
{
  struct proc *p = myproc();
  struct file *rf, *wf;
  int fds[2];
  int err = pipealloc(&rf, &wf);
  if (err)
    return err;
  fds[0] = fdalloc(rf);
  fds[1] = fds[0] >= 0 ? fdalloc(wf) : -KITE_EMFILE;
  if (fds[1] >= 0 && (err = copyout_user(arguaddr(0), fds, sizeof fds)) == 0)
    return 0;
  if (fds[1] < 0)
    err = -KITE_EMFILE;
  if (fds[0] >= 0)
    p->ofile[fds[0]] = NULL;
  if (fds[1] >= 0)
    p->ofile[fds[1]] = NULL;
  fileclose(rf);
  fileclose(wf);
  return err;
}

/* ---- creating names ------------------------------------------------------- */

/*
 * An existing entry met by create(): usable when opening a file with
 * O_CREAT but without O_EXCL; otherwise the reason it is not.
 * Returns 0 with ip locked; on failure ip is released.
 */
static int create_existing(struct inode *ip, short type, int excl)
{
  int err = ilock(ip);
  if (err == 0 && excl)
    err = -KITE_EEXIST;
  else if (err == 0 && type == T_FILE && ip->type == T_DIR)
    err = -KITE_EISDIR;
  else if (err == 0 && type != T_FILE)
    err = -KITE_EEXIST;
  if (err)
    iunlockput(ip);
  return err;
}

/* Fill in a new inode (locked) and link it into dp as name. */
static int create_link(struct inode *dp, const char *name, struct inode *ip,
                       short major, short minor)
{
  int err = 0;
  ip->major = major;
  ip->minor = minor;
  ip->nlink = ip->type == T_DIR ? 2 : 1;   /* its entry, and "." for a directory */
  if (ip->type == T_DIR) {
    if ((err = dirlink(ip, ".", ip->inum)) == 0)
      err = dirlink(ip, "..", dp->inum);
  }
  if (err == 0)
    err = dirlink(dp, name, ip->inum);
  if (err == 0 && ip->type == T_DIR) {
    dp->nlink++;                           /* the new ".." */
    err = iupdate(dp);
  }
  if (err == 0)
    err = iupdate(ip);
  return err;
}

/* Allocate the inode for name in locked dp and link it: 0 with *ipp locked. */
static int create_new(struct inode *dp, const char *name, short type, short major,
                      short minor, struct inode **ipp)
{
  struct inode *ip;
  if (type == T_DIR && dp->nlink >= NLINK_MAX)
    return -KITE_EMLINK;
  int err = ialloc(dp->dev, type, &ip);
  if (err)
    return err;
  ilock(ip);                      /* fresh from ialloc */
  if ((err = create_link(dp, name, ip, major, minor)) < 0) {
    ip->nlink = 0;                /* iput frees it and any blocks it got */
    iupdate(ip);
    iunlockput(ip);
    return err;
  }
  *ipp = ip;
  return 0;
}

/*
 * Create path as a new inode of the given type, inside a transaction.
 * Returns 0 with *ipp locked, or a negative errno with nothing held.
 * Without excl an existing file (or device) is returned instead.
 */
static int create(const char *path, short type, short major, short minor, int excl,
                  struct inode **ipp)
{
  char name[DIRSIZ + 1];
  struct inode *dp, *ip;
  int err = nameiparent(path, name, &dp);
  if (err)
    return err;
  if ((err = ilock(dp)) == 0 && dp->nlink == 0)
    err = -KITE_ENOENT;           /* the directory was removed */
  if (err) {
    iunlockput(dp);
    return err;
  }
  err = dirlookup(dp, name, NULL, &ip);
  if (err == 0) {
    iunlockput(dp);
    if ((err = create_existing(ip, type, excl)) == 0)
      *ipp = ip;
    return err;
  }
  if (err == -KITE_ENOENT)
    err = create_new(dp, name, type, major, minor, ipp);
  iunlockput(dp);
  return err;
}

/* ---- open ----------------------------------------------------------------- */

/* Find or create the inode open(2) names; 0 with *ipp locked. */
static int open_inode(const char *path, int flags, struct inode **ipp)
{
  if (flags & KITE_O_CREAT)
    return create(path, T_FILE, 0, 0, (flags & KITE_O_EXCL) != 0, ipp);
  int err = namei(path, ipp);
  if (err)
    return err;
  if ((err = ilock(*ipp)) < 0)
    iunlockput(*ipp);
  return err;
}

/* May an inode of this type be opened with these flags? */
static int open_check(struct inode *ip, int flags)
{
  int acc = flags & KITE_O_ACCMODE;
  if (ip->type == T_DIR && acc != KITE_O_RDONLY)
    return -KITE_EISDIR;
  if (ip->type != T_DIR && (flags & KITE_O_DIRECTORY))
    return -KITE_ENOTDIR;
  if (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV))
    return -KITE_ENXIO;
  return 0;
}

static void open_fill(struct file *f, struct inode *ip, int flags)
{
  int acc = flags & KITE_O_ACCMODE;
  f->type = ip->type == T_DEVICE ? FD_DEVICE : FD_INODE;
  f->major = ip->major;
  f->ip = ip;
  f->off = 0;
  f->readable = acc != KITE_O_WRONLY;
  f->writable = acc != KITE_O_RDONLY;
  f->append = (flags & KITE_O_APPEND) != 0;
}

/* The last component of path ("" for "/"), truncated to fit. */
static void path_last(const char *path, char *out, int size)
{
  const char *last = path;
  for (const char *s = path; *s; s++)
    if (*s == '/' && s[1] != '/' && s[1] != 0)
      last = s + 1;
  int n = 0;
  while (last[n] && last[n] != '/' && n < size - 1) {
    out[n] = last[n];
    n++;
  }
  out[n] = 0;
}

long sys_open(void)
{
  char path[MAXPATH];
  int flags = argint(1);
  int err = argstr(0, path, MAXPATH);
  if (err < 0)
    return err;
  if ((flags & KITE_O_ACCMODE) == KITE_O_ACCMODE)
    return -KITE_EINVAL;

  /* Reserve the file and the descriptor first: nothing to undo on disk
   * if the table is full. */
  struct file *f = filealloc();
  if (!f)
    return -KITE_ENFILE;
  int fd = fdalloc(f);
  if (fd < 0) {
    fileclose(f);
    return fd;
  }

  struct inode *ip;
  begin_op();
  if ((err = open_inode(path, flags, &ip)) == 0) {
    if ((err = open_check(ip, flags)) == 0) {
      if ((flags & KITE_O_TRUNC) && ip->type == T_FILE && (flags & KITE_O_ACCMODE) != KITE_O_RDONLY)
        itrunc(ip);
      open_fill(f, ip, flags);
      path_last(path, f->name, sizeof f->name);
      iunlock(ip);
    } else {
      iunlockput(ip);
    }
  }
  end_op();
  if (err) {
    myproc()->ofile[fd] = NULL;
    fileclose(f);
    return err;
  }
  return fd;
}

/* ---- mknod, mkdir, link, unlink, chdir ------------------------------------ */

/* Create path with the given type; no inode is kept. */
static long make_node(short type, short major, short minor)
{
  char path[MAXPATH];
  struct inode *ip;
  int err = argstr(0, path, MAXPATH);
  if (err < 0)
    return err;
  begin_op();
  if ((err = create(path, type, major, minor, 1, &ip)) == 0)
    iunlockput(ip);
  end_op();
  return err;
}

long sys_mkdir(void)
{
  return make_node(T_DIR, 0, 0);
}

long sys_mknod(void)
{
  int major = argint(1), minor = argint(2);
  if (major < 0 || major > 0x7fff || minor < 0 || minor > 0x7fff)
    return -KITE_EINVAL;
  return make_node(T_DEVICE, major, minor);
}

long sys_chdir(void)
{
  char path[MAXPATH];
  struct proc *p = myproc();
  struct inode *ip;
  int err = argstr(0, path, MAXPATH);
  if (err < 0)
    return err;
  begin_op();
  if ((err = namei(path, &ip)) == 0) {
    if ((err = ilock(ip)) == 0 && ip->type != T_DIR)
      err = -KITE_ENOTDIR;
    iunlock(ip);
    if (err == 0) {
      if (p->cwd)
        iput(p->cwd);
      p->cwd = ip;
    } else {
      iput(ip);
    }
  }
  end_op();
  return err;
}

/* Add the name new for the (non-directory) inode ip, unlocked. */
static int link_into(struct inode *ip, const char *new)
{
  char name[DIRSIZ + 1];
  struct inode *dp, *old;
  int err = nameiparent(new, name, &dp);
  if (err)
    return err;
  if ((err = ilock(dp)) == 0 && dp->nlink == 0)
    err = -KITE_ENOENT;
  if (err == 0 && dp->dev != ip->dev)
    err = -KITE_EXDEV;
  if (err == 0 && (err = dirlookup(dp, name, NULL, &old)) == 0) {
    iput(old);
    err = -KITE_EEXIST;
  } else if (err == -KITE_ENOENT) {
    err = 0;
  }
  if (err == 0) {
    ilock(ip);   /* a file, never an ancestor of dp: lock order holds */
    if (ip->nlink >= NLINK_MAX) {
      err = -KITE_EMLINK;
    } else if ((err = dirlink(dp, name, ip->inum)) == 0) {
      ip->nlink++;
      err = iupdate(ip);
    }
    iunlock(ip);
  }
  iunlockput(dp);
  return err;
}

long sys_link(void)
{
  char old[MAXPATH], new[MAXPATH];
  struct inode *ip;
  int err = argstr(0, old, MAXPATH);
  if (err >= 0)
    err = argstr(1, new, MAXPATH);
  if (err < 0)
    return err;
  begin_op();
  if ((err = namei(old, &ip)) == 0) {
    if ((err = ilock(ip)) == 0 && ip->type == T_DIR)
      err = -KITE_EPERM;
    iunlock(ip);
    if (err == 0)
      err = link_into(ip, new);
    iput(ip);
  }
  end_op();
  return err;
}

/* May ip, named in dp, lose that name? ip is locked. */
static int unlink_check(struct inode *dp, struct inode *ip)
{
  if (ip->nlink < (ip->type == T_DIR ? 2 : 1))
    return -KITE_EIO;                   /* link count already too low */
  if (ip->type == T_DIR) {
    int empty = dir_isempty(ip);
    if (empty <= 0)
      return empty < 0 ? empty : -KITE_ENOTEMPTY;
  }
  return 0;
}

/* Remove entry name (at off in locked dp) for inode ip. */
static int unlink_entry(struct inode *dp, uint32 off, struct inode *ip)
{
  int err = ilock(ip);
  if (err == 0)
    err = unlink_check(dp, ip);
  if (err == 0)
    err = dir_clear_entry(dp, off);
  if (err == 0) {
    if (ip->type == T_DIR) {
      dp->nlink--;                      /* its ".." is gone */
      iupdate(dp);
      ip->nlink -= 2;                   /* its entry and its "." */
    } else {
      ip->nlink--;
    }
    err = iupdate(ip);
  }
  iunlockput(ip);                       /* frees it if that was the last name */
  return err;
}

long sys_unlink(void)
{
  char path[MAXPATH], name[DIRSIZ + 1];
  struct inode *dp, *ip;
  uint32 off;
  int err = argstr(0, path, MAXPATH);
  if (err < 0)
    return err;
  begin_op();
  if ((err = nameiparent(path, name, &dp)) == 0) {
    err = ilock(dp);
    if (err == 0 && (namecmp(name, ".") == 0 || namecmp(name, "..") == 0))
      err = -KITE_EINVAL;
    if (err == 0 && (err = dirlookup(dp, name, &off, &ip)) == 0) {
      if (ip == dp) {
        iput(ip);
        err = -KITE_EIO;
      } else {
        err = unlink_entry(dp, off, ip);
      }
    }
    iunlockput(dp);
  }
  end_op();
  return err;
}
