/*
 * Pipes: a ring of PIPESIZE bytes between a read end and a write end.
 *
 *   nread <= nwrite <= nread + PIPESIZE   (free-running counters)
 *   bytes [nread, nwrite) are in the pipe, at data[i % PIPESIZE]
 *
 * User memory is never touched with pi->lock held (a copy may fault and
 * the fault path may sleep). Instead one reader and one writer at a time
 * own their end (the reading/writing flags): a reader copies from the
 * ring without the lock and then consumes only what it delivered, so
 * undelivered bytes stay in the pipe; a writer copies into free space
 * nobody else can touch and then publishes only what it copied. Owning
 * the write end for a whole write also keeps writes from interleaving.
 *
 * Lock: pi->lock protects nread, nwrite, readopen, writeopen, reading
 *   and writing. The ring bytes in [nread, nwrite) belong to the reading
 *   owner; the free space belongs to the writing owner.
 */
#include "lib/types.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/kalloc.h"
#include "proc/proc.h"
#include "fs/file.h"
#include <kite/errno.h>

#define PIPESIZE 2048

struct pipe {
  struct spinlock lock;
  uint nread;        /* bytes read so far */
  uint nwrite;       /* bytes written so far */
  int readopen;      /* the read end is open */
  int writeopen;     /* the write end is open */
  int reading;       /* a reader owns the read end */
  int writing;       /* a writer owns the write end */
  uint8 data[PIPESIZE];
};

STATIC_ASSERT(sizeof(struct pipe) <= 4096, "a pipe must fit one page");

int pipealloc(struct file **f0, struct file **f1)
{
  struct pipe *pi = kalloc();
  if (!pi)
    return -KITE_ENOMEM;
  *f0 = filealloc();
  *f1 = *f0 ? filealloc() : NULL;
  if (!*f1) {
    if (*f0)
      fileclose(*f0);   /* type FD_NONE: just frees the entry */
    kfree(pi);
    return -KITE_ENFILE;
  }
  memset(pi, 0, sizeof *pi);
  initlock(&pi->lock, "pipe");
  pi->readopen = pi->writeopen = 1;
  (*f0)->type = FD_PIPE;
  (*f0)->readable = 1;
  (*f0)->pipe = pi;
  (*f1)->type = FD_PIPE;
  (*f1)->writable = 1;
  (*f1)->pipe = pi;
  return 0;
}

void pipeclose(struct pipe *pi, int writable)
{
  acquire(&pi->lock);
  if (writable) {
    pi->writeopen = 0;
    wakeup(&pi->nread);
  } else {
    pi->readopen = 0;
    wakeup(&pi->nwrite);
  }
  int last = !pi->readopen && !pi->writeopen;
  release(&pi->lock);
  if (last)
    kfree(pi);
}

/* Wait to own one end. Caller holds pi->lock; 0 or -EINTR. */
static int own_end(struct pipe *pi, int *flag)
{
  while (*flag) {
    if (killed(myproc()))
      return -KITE_EINTR;
    sleep(flag, &pi->lock);
  }
  *flag = 1;
  return 0;
}

static void release_end(struct pipe *pi, int *flag)
{
  *flag = 0;
  wakeup(flag);
}

/* Copy ring bytes [from, from + n) out; returns bytes delivered. */
static size_t ring_to_user(struct pipe *pi, struct uwriter *w, uint from, size_t n)
{
  size_t done = 0;
  while (done < n) {
    uint i = (from + done) % PIPESIZE;
    size_t m = MIN(n - done, (size_t)(PIPESIZE - i));
    size_t moved = uwriter_write(w, pi->data + i, m);
    done += moved;
    if (moved < m)
      break;
  }
  return done;
}

/* Copy n bytes from r into the ring at [from, from + n); returns bytes taken. */
static size_t user_to_ring(struct pipe *pi, struct ureader *r, uint from, size_t n)
{
  size_t done = 0;
  while (done < n) {
    uint i = (from + done) % PIPESIZE;
    size_t m = MIN(n - done, (size_t)(PIPESIZE - i));
    size_t moved = ureader_read(r, pi->data + i, m);
    done += moved;
    if (moved < m)
      break;
  }
  return done;
}

long piperead(struct pipe *pi, struct uwriter *w, size_t n)
{
  if (n == 0)
    return 0;
  acquire(&pi->lock);
  long err = own_end(pi, &pi->reading);
  if (err) {
    release(&pi->lock);
    return err;
  }
  while (pi->nread == pi->nwrite && pi->writeopen && !killed(myproc()))
    sleep(&pi->nread, &pi->lock);
  if (pi->nread == pi->nwrite && pi->writeopen) {
    release_end(pi, &pi->reading);
    release(&pi->lock);
    return -KITE_EINTR;
  }
  uint from = pi->nread;
  size_t avail = MIN(n, (size_t)(pi->nwrite - pi->nread));
  release(&pi->lock);

  size_t got = ring_to_user(pi, w, from, avail);

  acquire(&pi->lock);
  pi->nread += got;
  release_end(pi, &pi->reading);
  wakeup(&pi->nwrite);
  release(&pi->lock);
  return usercopy_result(got, &w->c);
}

long pipewrite(struct pipe *pi, struct ureader *r, size_t n)
{
  size_t done = 0;
  long err;
  acquire(&pi->lock);
  if ((err = own_end(pi, &pi->writing)) < 0) {
    release(&pi->lock);
    return err;
  }
  while (done < n) {
    if (!pi->readopen) {
      err = -KITE_EPIPE;
      break;
    }
    if (killed(myproc())) {
      err = -KITE_EINTR;
      break;
    }
    if (pi->nwrite == pi->nread + PIPESIZE) {
      wakeup(&pi->nread);
      sleep(&pi->nwrite, &pi->lock);
      continue;
    }
    uint from = pi->nwrite;
    size_t room = MIN(n - done, (size_t)(pi->nread + PIPESIZE - pi->nwrite));
    release(&pi->lock);
    size_t got = user_to_ring(pi, r, from, room);
    acquire(&pi->lock);
    pi->nwrite += got;
    done += got;
    wakeup(&pi->nread);
    if (got < room) {
      err = r->c.fault;
      break;
    }
  }
  release_end(pi, &pi->writing);
  release(&pi->lock);
  return done > 0 ? (long)done : err;
}
