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
#include <kite/mman.h>

/* Shared file objects, one per file. */
static struct {
  struct spinlock lock;
  struct shm *head;
} shm_files = { .lock = { 0, "shm_files", 0 } };

/* W^X bookkeeping of every object's views; see shm.h. */
static struct spinlock views_lock = { 0, "shm_views", 0 };

/* A new object of npages pages (a file's object may start with none). */
static struct shm *shm_alloc(uint64 npages)
{
  if (npages > SHM_MAXPAGES)
    return NULL;
  struct shm *s = kzalloc();
  if (s == NULL)
    return NULL;
  initlock(&s->lock, "shm");
  s->ref = 1;
  s->npages = npages;
  return s;
}

struct shm *shm_create(uint64 npages)
{
  return npages == 0 ? NULL : shm_alloc(npages);
}

void shm_get(struct shm *s)
{
  acquire(&s->lock);
  s->ref++;
  release(&s->lock);
}

/* Take s off the shared-file list. Caller holds shm_files.lock. */
static void unlink_file(struct shm *s)
{
  for (struct shm **pp = &shm_files.head; *pp; pp = &(*pp)->next_file) {
    if (*pp == s) {
      *pp = s->next_file;
      return;
    }
  }
}

void shm_put(struct shm *s)
{
  int shared_file = s->ip != NULL;
  if (shared_file)
    acquire(&shm_files.lock);         /* so a lookup cannot revive it */
  acquire(&s->lock);
  int last = --s->ref == 0;
  release(&s->lock);
  if (last && shared_file)
    unlink_file(s);
  if (shared_file)
    release(&shm_files.lock);
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

/* Put page pa in slot index unless one is there already; returns the
 * page now in the slot (0 if the slot table could not be allocated). The
 * caller's page is freed if it lost the race. */
static uint64 install(struct shm *s, uint64 index, void *page)
{
  uint64 d = index / SHM_SLOTS, i = index % SHM_SLOTS;
  uint64 *table = NULL;
  acquire(&s->lock);
  if (s->dir[d] == NULL) {
    release(&s->lock);
    table = kzalloc();                  /* allocate outside the lock */
    acquire(&s->lock);
    if (s->dir[d] == NULL && table) {
      s->dir[d] = table;
      table = NULL;
    }
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

uint64 shm_page(struct shm *s, uint64 index, int alloc)
{
  uint64 d = index / SHM_SLOTS, i = index % SHM_SLOTS, pa = 0;
  acquire(&s->lock);
  if (index < s->npages && s->dir[d])
    pa = s->dir[d][i];
  int in_range = index < s->npages;
  release(&s->lock);
  if (pa || !alloc || !in_range)
    return pa;
  void *page = kzalloc();
  return page ? install(s, index, page) : 0;
}

/* Read into s the pages [first, first+count) that neither s nor `have`
 * holds yet (page i from file offset file_off + i*PG). */
static int fill_missing(struct shm *s, struct shm *have, struct inode *ip, uint64 first,
                        uint64 count, uint64 file_off)
{
  int err = 0;
  ilock(ip);
  for (uint64 i = first; i < first + count && err == 0; i++) {
    if (shm_page(have, i, 0) || shm_page(s, i, 0))
      continue;                         /* already there: keep what it holds */
    void *page = kzalloc();
    if (page == NULL) {
      err = -KITE_ENOMEM;
      break;
    }
    uint64 pos = file_off + i * PGSIZE;
    if (pos < ip->size) {
      uint64 n = MIN((uint64)PGSIZE, ip->size - pos);
      struct uwriter w;
      uwriter_init_kernel(&w, page, n);
      if (readi(ip, &w, pos, n) != (long)n)
        err = -KITE_EIO;
    }
    if (err == 0 && install(s, i, page) == 0)
      err = -KITE_ENOMEM;
    else if (err)
      kfree(page);
  }
  iunlock(ip);
  return err;
}

int shm_fill(struct shm *s, struct inode *ip, uint64 first, uint64 count, uint64 file_off)
{
  return fill_missing(s, s, ip, first, count, file_off);
}

/* Find or make the shared object of ip. A new one has no pages yet:
 * mappings grow it when they are committed (shm_adopt). */
static struct shm *file_object(struct inode *ip)
{
  struct shm *fresh = NULL;
  for (;;) {
    acquire(&shm_files.lock);
    struct shm *s = shm_files.head;
    while (s && s->ip != ip)
      s = s->next_file;
    if (s == NULL && fresh) {           /* second pass: ours goes in */
      fresh->next_file = shm_files.head;
      shm_files.head = fresh;
      s = fresh;
      fresh = NULL;
    } else if (s) {
      shm_get(s);
    }
    release(&shm_files.lock);
    if (s) {
      if (fresh)
        shm_put(fresh);
      return s;
    }
    if ((fresh = shm_alloc(0)) == NULL)   /* outside the list lock */
      return NULL;
    fresh->ip = idup(ip);
    fresh->inum = ip->inum;
  }
}

int shm_file_prepare(struct inode *ip, uint64 off, uint64 len, struct shm **obj,
                     struct shm **staged)
{
  uint64 first = off / PGSIZE, count = len / PGSIZE;
  if (count == 0 || first + count > SHM_MAXPAGES)
    return -KITE_ENOMEM;
  struct shm *s = file_object(ip), *st = s ? shm_create(first + count) : NULL;
  if (st == NULL) {
    if (s)
      shm_put(s);
    return -KITE_ENOMEM;
  }
  int err = fill_missing(st, s, ip, first, count, 0);
  if (err < 0) {
    shm_put(st);
    shm_put(s);
    return err;
  }
  *obj = s;
  *staged = st;
  return 0;
}

void shm_adopt(struct shm *s, struct shm *staged, uint64 first, uint64 count)
{
  acquire(&s->lock);
  if (s->npages < first + count)
    s->npages = first + count;
  for (uint64 d = first / SHM_SLOTS; d <= (first + count - 1) / SHM_SLOTS; d++) {
    uint64 *from = staged->dir[d];
    if (from == NULL)
      continue;
    if (s->dir[d] == NULL) {            /* a whole table: staged pages only */
      s->dir[d] = from;
      staged->dir[d] = NULL;
      continue;
    }
    for (int i = 0; i < SHM_SLOTS; i++) {
      if (from[i] && s->dir[d][i] == 0) {
        s->dir[d][i] = from[i];
        from[i] = 0;
      }
    }
  }
  release(&s->lock);
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

/* ------------------------------------------------------------------ */
/* Views: W^X per object.                                               */

void shm_views_lock(void) { acquire(&views_lock); }
void shm_views_unlock(void) { release(&views_lock); }

void shm_view_pend(struct shm *s, uint32 prot, int n)
{
  if (!holding(&views_lock))
    panic("shm_view_pend: shm_views lock not held");
  if (prot & KITE_PROT_WRITE)
    s->pend_write += n;
  if (prot & KITE_PROT_EXEC)
    s->pend_exec += n;
}

int shm_view_conflict(const struct shm *s)
{
  int w = s->nwrite + s->pend_write, x = s->nexec + s->pend_exec;
  return x > 0 && (w > 0 || (s->ip == NULL && s->was_writable));
}

void shm_view_settle(struct shm *s, int apply)
{
  if (!holding(&views_lock))
    panic("shm_view_settle: shm_views lock not held");
  if (apply) {
    s->nwrite += s->pend_write;
    s->nexec += s->pend_exec;
  }
  s->pend_write = s->pend_exec = 0;
  if (s->nwrite < 0 || s->nexec < 0 || shm_view_conflict(s))
    panic("shm: views of %p broken: %d writable, %d executable, was writable %d", s,
          s->nwrite, s->nexec, s->was_writable);
  if (s->nwrite > 0)
    s->was_writable = 1;
}
