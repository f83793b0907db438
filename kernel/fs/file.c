/*
 * The table of open files and the read/write/seek/stat operations that
 * dispatch on a file's type (see file.h for the invariants).
 */
#include "lib/types.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "lib/printf.h"
#include "param.h"
#include "fs/fs.h"
#include "fs/log.h"
#include "fs/file.h"
#include <kite/errno.h>
#include <kite/fcntl.h>

struct devsw devsw[NDEV];

static struct {
  struct spinlock lock;
  struct file file[NFILE];
} ftable;

/*
 * The largest write one transaction may carry. A write of WRITE_CHUNK
 * bytes at an unaligned offset touches WRITE_CHUNK / BSIZE + 1 data
 * blocks; besides those it may dirty the inode, two single-indirect
 * blocks (crossing from one to the next), the double-indirect block and
 * two bitmap blocks: 6 more, and all of it must fit MAXOPBLOCKS.
 */
#define WRITE_OVERHEAD 6
#define WRITE_CHUNK    ((MAXOPBLOCKS - WRITE_OVERHEAD - 1) * KITE_BSIZE)
STATIC_ASSERT(WRITE_CHUNK >= KITE_BSIZE, "MAXOPBLOCKS too small for a one-block write");

/* POSIX S_IFIFO; <kite/stat.h> has no name for it yet. */
#define S_IFIFO_BITS 0010000

void fileinit(void)
{
  initlock(&ftable.lock, "ftable");
}

struct file *filealloc(void)
{
  acquire(&ftable.lock);
  for (struct file *f = ftable.file; f < ftable.file + NFILE; f++) {
    if (f->ref == 0) {
      memset(f, 0, sizeof *f);
      f->ref = 1;
      release(&ftable.lock);
      return f;
    }
  }
  release(&ftable.lock);
  return NULL;
}

struct file *filedup(struct file *f)
{
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("filedup: file with ref %d", f->ref);
  f->ref++;
  release(&ftable.lock);
  return f;
}

void fileclose(struct file *f)
{
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("fileclose: file with ref %d", f->ref);
  if (--f->ref > 0) {
    release(&ftable.lock);
    return;
  }
  struct file copy = *f;
  f->type = FD_NONE;
  release(&ftable.lock);

  /* The entry is free again; finish with the copy, which may sleep. */
  if (copy.type == FD_PIPE) {
    pipeclose(copy.pipe, copy.writable);
  } else if (copy.type == FD_INODE || copy.type == FD_DEVICE) {
    begin_op();
    iput(copy.ip);
    end_op();
  }
}

static struct devsw *device(struct file *f)
{
  if (f->major < 0 || f->major >= NDEV)
    return NULL;
  return &devsw[f->major];
}

/* n as a file-offset count: a single read or write moves < 2 GiB. */
static uint32 clamp_count(size_t n)
{
  return n > 0x7fffffff ? 0x7fffffff : (uint32)n;
}

static long inode_read(struct file *f, struct uwriter *w, size_t n)
{
  long r = ilock(f->ip);
  if (r == 0) {
    r = readi(f->ip, w, f->off, clamp_count(n));
    if (r > 0)
      f->off += r;
  }
  iunlock(f->ip);
  return r;
}

long fileread(struct file *f, struct uwriter *w, size_t n)
{
  if (!f->readable)
    return -KITE_EBADF;
  switch (f->type) {
  case FD_PIPE:
    return piperead(f->pipe, w, n);
  case FD_DEVICE: {
    struct devsw *d = device(f);
    return d && d->read ? d->read(w, n) : -KITE_ENXIO;
  }
  case FD_INODE:
    return inode_read(f, w, n);
  default:
    return -KITE_EBADF;
  }
}

/* One transaction's worth of a write; bytes written or a negative errno. */
static long inode_write_chunk(struct file *f, struct ureader *r, uint32 n)
{
  begin_op();
  long w = ilock(f->ip);
  if (w == 0) {
    if (f->append)
      f->off = f->ip->size;
    w = writei(f->ip, r, f->off, n);
    if (w > 0)
      f->off += w;
  }
  iunlock(f->ip);
  end_op();
  return w;
}

/* Big writes go in several transactions, so a crash can leave a prefix
 * written, never a torn block map. A short chunk (fault, disk full)
 * ends the write: we report what got there. */
static long inode_write(struct file *f, struct ureader *r, size_t n)
{
  uint32 total = clamp_count(n), done = 0;
  long err = 0;
  while (done < total) {
    uint32 chunk = MIN(total - done, WRITE_CHUNK);
    long w = inode_write_chunk(f, r, chunk);
    if (w <= 0) {
      err = w;
      break;
    }
    done += w;
    if ((uint32)w < chunk)
      break;
  }
  return done > 0 ? (long)done : err;
}

long filewrite(struct file *f, struct ureader *r, size_t n)
{
  if (!f->writable)
    return -KITE_EBADF;
  switch (f->type) {
  case FD_PIPE:
    return pipewrite(f->pipe, r, n);
  case FD_DEVICE: {
    struct devsw *d = device(f);
    return d && d->write ? d->write(r, n) : -KITE_ENXIO;
  }
  case FD_INODE:
    return inode_write(f, r, n);
  default:
    return -KITE_EBADF;
  }
}

long filestat(struct file *f, struct kite_stat *st)
{
  if (f->type == FD_PIPE) {
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFIFO_BITS | 0600;
    st->st_nlink = 1;
    return 0;
  }
  if (f->type != FD_INODE && f->type != FD_DEVICE)
    return -KITE_EBADF;
  long err = ilock(f->ip);
  if (err == 0)
    stati(f->ip, st);
  iunlock(f->ip);
  return err;
}

long filelseek(struct file *f, long off, int whence)
{
  if (f->type == FD_PIPE || f->type == FD_DEVICE)
    return -KITE_ESPIPE;
  if (f->type != FD_INODE)
    return -KITE_EBADF;
  long err = ilock(f->ip);
  if (err == 0) {
    long base;
    switch (whence) {
    case KITE_SEEK_SET: base = 0; break;
    case KITE_SEEK_CUR: base = f->off; break;
    case KITE_SEEK_END: base = f->ip->size; break;
    default: base = -1; err = -KITE_EINVAL; break;
    }
    /* Offsets are 32 bits; anything past the largest file is refused. */
    if (err == 0 && (off > (long)MAXFILE_BYTES || off < -(long)MAXFILE_BYTES ||
                     base + off < 0 || base + off > (long)MAXFILE_BYTES))
      err = -KITE_EINVAL;
    if (err == 0) {
      f->off = base + off;
      err = f->off;
    }
  }
  iunlock(f->ip);
  return err;
}
