/*
 * fstat and stat: Kite's struct kite_stat (POSIX-style st_mode) as xv6's
 * struct stat (T_DIR, T_FILE, T_DEVICE). A file that has none of xv6's
 * types (a pipe) gives -1, as xv6's fstat does for a pipe.
 */
#include "xv6lib.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include <kite/stat.h>

static short xv6_type(uint32 mode)
{
  switch (mode & KITE_S_IFMT) {
  case KITE_S_IFDIR: return T_DIR;
  case KITE_S_IFREG: return T_FILE;
  case KITE_S_IFCHR: return T_DEVICE;
  }
  return 0;
}

int fstat(int fd, struct stat *st)
{
  struct kite_stat k;
  short type;

  if (xv6_is_error(XSYS2(SYS_fstat, fd, &k)) || (type = xv6_type(k.st_mode)) == 0)
    return -1;
  if (!xv6_writable(st, sizeof *st))
    return -1;
  st->dev = (int)k.st_dev;
  st->ino = k.st_ino;
  st->type = type;
  st->nlink = (short)k.st_nlink;
  st->size = k.st_size;
  return 0;
}

int stat(const char *path, struct stat *st)
{
  int fd = open(path, O_RDONLY), r;

  if (fd < 0)
    return -1;
  r = fstat(fd, st);
  close(fd);
  return r;
}
