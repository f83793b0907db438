/*
 * Files and directories: newlib's hooks and the POSIX calls newlib declares
 * but leaves to the system (mkdir, chdir, dup, pipe, mknod).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "ulib.h"

ssize_t _read(int fd, void *buf, size_t n)
{
  return kite_result(KSYS3(SYS_read, fd, buf, n));
}

ssize_t _write(int fd, const void *buf, size_t n)
{
  return kite_result(KSYS3(SYS_write, fd, buf, n));
}

/* Kite has no permission bits: the mode argument of O_CREAT is ignored. */
int _open(const char *path, int flags, ...)
{
  return kite_result(KSYS2(SYS_open, path, flags));
}

int _close(int fd)
{
  return kite_result(KSYS1(SYS_close, fd));
}

off_t _lseek(int fd, off_t off, int whence)
{
  return kite_result(KSYS3(SYS_lseek, fd, off, whence));
}

/*
 * newlib's dev_t is 16 bits, so a device number in struct stat is
 * major << 8 | minor (Kite's own kite_stat uses major << 16 | minor).
 */
static void kite_stat_to_stat(const struct kite_stat *k, struct stat *st)
{
  unsigned major = k->st_rdev >> 16, minor = k->st_rdev & 0xffff;

  memset(st, 0, sizeof(*st));
  st->st_dev = k->st_dev;
  st->st_ino = k->st_ino;
  st->st_mode = k->st_mode;
  st->st_nlink = k->st_nlink;
  st->st_rdev = (dev_t)((major & 0xff) << 8 | (minor & 0xff));
  st->st_size = k->st_size;
  st->st_blksize = KITE_BSIZE;
  st->st_blocks = (k->st_size + 511) / 512;
}

int _fstat(int fd, struct stat *st)
{
  struct kite_stat k;
  long ret = KSYS2(SYS_fstat, fd, &k);

  if (kite_is_error(ret))
    return kite_result(ret);
  kite_stat_to_stat(&k, st);
  return 0;
}

/* Kite has no stat system call: open the file, fstat it, close it. */
int _stat(const char *path, struct stat *st)
{
  long fd = KSYS2(SYS_open, path, O_RDONLY);
  int ret;

  if (kite_is_error(fd))
    return kite_result(fd);
  ret = _fstat(fd, st);
  KSYS1(SYS_close, fd);
  return ret;
}

int _isatty(int fd)
{
  struct stat st;

  if (_fstat(fd, &st) < 0)
    return 0;
  if (!S_ISCHR(st.st_mode)) {
    errno = ENOTTY;
    return 0;
  }
  return 1;
}

int _link(const char *old, const char *new)
{
  return kite_result(KSYS2(SYS_link, old, new));
}

int _unlink(const char *path)
{
  return kite_result(KSYS1(SYS_unlink, path));
}

int mkdir(const char *path, mode_t mode)
{
  (void)mode;
  return kite_result(KSYS1(SYS_mkdir, path));
}

int chdir(const char *path)
{
  return kite_result(KSYS1(SYS_chdir, path));
}

int dup(int fd)
{
  return kite_result(KSYS1(SYS_dup, fd));
}

int pipe(int fds[2])
{
  return kite_result(KSYS1(SYS_pipe, fds));
}

int kite_mknod(const char *path, int major, int minor)
{
  return kite_result(KSYS3(SYS_mknod, path, major, minor));
}

/* POSIX mknod: only character devices; dev as in struct stat. */
int mknod(const char *path, mode_t mode, dev_t dev)
{
  if ((mode & S_IFMT) != S_IFCHR)
    return kite_fail(EINVAL);
  return kite_mknod(path, (dev >> 8) & 0xff, dev & 0xff);
}
