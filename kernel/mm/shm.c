/* Shared memory objects; see shm.h. */
#include "mm/shm.h"
#include "mm/kalloc.h"
#include "mm/usercopy.h"
#include "arch/riscv.h"
#include "fs/fs.h"
#include "fs/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include <kite/errno.h>

struct shm *shm_create(uint64 npages)
{
  if (npages == 0 || npages > SHM_MAXPAGES)
    return NULL;
  struct shm *s = kzalloc();
  if (s == NULL)
    return NULL;
  initlock(&s->lock, "shm");
  s->ref = 1;
  s->npages = npages;
  return s;
}

void shm_get(struct shm *s)
{
  acquire(&s->lock);
  s->ref++;
  release(&s->lock);
}

void shm_put(struct shm *s)
{
  acquire(&s->lock);
  int last = --s->ref == 0;
  release(&s->lock);
  if (!last)
    return;
  for (uint64 d = 0; d < SHM_DIRS; d++) {
    if (s->dir[d] == NULL)
      continue;
    for (int i = 0; i < SHM_SLOTS; i++)
      if (s->dir[d][i])
        kfree((void *)s->dir[d][i]);
    kfree(s->dir[d]);
  }
  if (s->ip) {
    begin_op();
    iput(s->ip);
    end_op();
  }
  kfree(s);
}

uint64 shm_page(struct shm *s, uint64 index, int alloc)
{
  if (index >= s->npages)
    return 0;
  uint64 d = index / SHM_SLOTS, i = index % SHM_SLOTS;
  acquire(&s->lock);
  if (s->dir[d] && s->dir[d][i]) {
    uint64 pa = s->dir[d][i];
    release(&s->lock);
    return pa;
  }
  release(&s->lock);
  if (!alloc)
    return 0;
  /* Allocate outside the lock; another hart may win the race. */
  uint64 *table = s->dir[d] ? NULL : kzalloc();
  void *page = kzalloc();
  acquire(&s->lock);
  if (s->dir[d] == NULL && table) {
    s->dir[d] = table;
    table = NULL;
  }
  uint64 pa = 0;
  if (s->dir[d]) {
    if (s->dir[d][i] == 0 && page) {
      s->dir[d][i] = (uint64)page;
      page = NULL;
    }
    pa = s->dir[d][i];
  }
  release(&s->lock);
  if (table)
    kfree(table);
  if (page)
    kfree(page);
  return pa;
}

int shm_fill(struct shm *s, struct inode *ip, uint64 off)
{
  ilock(ip);
  uint64 size = ip->size;
  int err = 0;
  for (uint64 i = 0; i < s->npages && err == 0; i++) {
    uint64 pa = shm_page(s, i, 1);
    if (pa == 0) {
      err = -KITE_ENOMEM;
      break;
    }
    uint64 pos = off + i * PGSIZE;
    if (pos >= size)
      break;                                   /* the rest reads as zero */
    uint64 n = MIN((uint64)PGSIZE, size - pos);
    struct uwriter w;
    uwriter_init_kernel(&w, (void *)pa, n);
    if (readi(ip, &w, pos, n) != (long)n)
      err = -KITE_EIO;
  }
  /* Pages past EOF must exist too: a shared mapping's pages are all the
   * object's, and faults never allocate for file objects. */
  for (uint64 i = 0; i < s->npages && err == 0; i++)
    if (shm_page(s, i, 1) == 0)
      err = -KITE_ENOMEM;
  iunlock(ip);
  return err;
}

int shm_writeback(struct shm *s, uint64 obj_off, uint64 len)
{
  if (s->ip == NULL)
    return 0;
  const uint64 chunk = 2 * 1024;    /* bytes per log transaction, well inside MAXOPBLOCKS */
  int err = 0;
  for (uint64 done = 0; done < len && err == 0; ) {
    uint64 o = obj_off + done;
    uint64 n = MIN(chunk, len - done);
    n = MIN(n, PGSIZE - (o % PGSIZE));
    uint64 pa = shm_page(s, o / PGSIZE, 0);
    begin_op();
    ilock(s->ip);
    uint64 fpos = s->file_off + o;
    if (fpos >= s->ip->size)
      len = done;                              /* past EOF: nothing more to write */
    else if (pa) {
      uint64 m = MIN(n, s->ip->size - fpos);
      struct ureader r;
      ureader_init_kernel(&r, (void *)(pa + o % PGSIZE), m);
      if (writei(s->ip, &r, fpos, m) != (long)m)
        err = -KITE_EIO;
    }
    iunlock(s->ip);
    end_op();
    done += n;
  }
  return err;
}
