/* Memory system calls: mmap, munmap, mprotect, mquery, mmaps. */
#include "syscall/syscall.h"
#include "proc/proc.h"
#include "mm/procmem.h"
#include "mm/shm.h"
#include "mm/kalloc.h"
#include "fs/fs.h"
#include "fs/file.h"
#include "fs/log.h"
#include "arch/memlayout.h"
#include <kite/errno.h>
#include <kite/mman.h>

#define MAP_KNOWN (KITE_MAP_SHARED | KITE_MAP_PRIVATE | KITE_MAP_FIXED | KITE_MAP_ANONYMOUS)

/* The file behind fd for a file mapping, checked against what the mapping
 * will allow; 0 or a negative errno. */
static int mmap_file(int fd, uint32 prot, int shared, struct file **fp)
{
  struct file *f;
  if (fd < 0 || fd >= NOFILE || (f = myproc()->ofile[fd]) == NULL)
    return -KITE_EBADF;
  if (f->type != FD_INODE || f->ip->type != KITE_T_FILE || !f->readable)
    return -KITE_EACCES;
  if (shared && (prot & KITE_PROT_WRITE) && !f->writable)
    return -KITE_EACCES;
  *fp = f;
  return 0;
}

/*
 * The object behind a file mapping of [off, off+len), as much as can be
 * made without changing anything another process can see: for MAP_SHARED
 * the file's one shared object (its page i is file page i, so the
 * mapping's offset into it is off) and, staged, the pages it lacks, which
 * procmem_map moves in only when the mapping is made (shm.h); for
 * MAP_PRIVATE a snapshot of the range (offset 0), which copy-on-write then
 * keeps private.
 */
static int file_object(struct file *f, uint64 off, uint64 len, int shared,
                       struct pm_map_req *req)
{
  int err = 0;
  if (shared) {
    req->offset = off;
    return shm_file_prepare(f->ip, off, len, &req->object, &req->staged);
  }
  struct shm *obj = shm_create(len / PGSIZE);
  if (obj == NULL)
    return -KITE_ENOMEM;
  obj->file_off = off;
  obj->inum = f->ip->inum;
  if ((err = shm_fill(obj, f->ip, 0, len / PGSIZE, off)) < 0) {
    shm_put(obj);
    return err;
  }
  req->object = obj;
  req->offset = 0;
  return 0;
}

long sys_mmap(void)
{
  uint64 addr = argraw(0), len = argraw(1), prot = argraw(2), flags = argraw(3), off = argraw(5);
  int fd = argint(4);
  int shared = (flags & KITE_MAP_SHARED) != 0, anon = (flags & KITE_MAP_ANONYMOUS) != 0;

  if ((flags & ~(uint64)MAP_KNOWN) || shared == !!(flags & KITE_MAP_PRIVATE))
    return -KITE_EINVAL;
  if ((prot & ~(uint64)VM_PROT_ALL) || len == 0 || (off & (PGSIZE - 1)) || (anon && off))
    return -KITE_EINVAL;
  if ((flags & KITE_MAP_FIXED) && (addr & (PGSIZE - 1)))
    return -KITE_EINVAL;
  if ((prot & KITE_PROT_WRITE) && (prot & KITE_PROT_EXEC))
    return -KITE_EACCES;
  uint64 rlen = vr_round_up(len);
  if (rlen == 0 || rlen > USER_TOP - USER_BASE)
    return -KITE_ENOMEM;

  struct pm_map_req req = { .addr = addr, .len = rlen, .prot = prot,
                            .place = (flags & KITE_MAP_FIXED) ? PM_PLACE_FIXED : PM_PLACE_HINT };
  int err = 0;
  if (anon && !shared) {
    req.type = VM_ANON;
    req.flags = VM_PRIVATE | VM_LAZY;
  } else if (anon) {
    req.type = VM_SHARED;
    req.flags = VM_LAZY;
    req.name = "[shared]";
    if ((req.object = shm_create(rlen / PGSIZE)) == NULL)
      return -KITE_ENOMEM;
  } else {
    struct file *f;
    if ((err = mmap_file(fd, prot, shared, &f)) < 0 ||
        (err = file_object(f, off, rlen, shared, &req)) < 0)
      return err;
    req.type = VM_FILE;
    /* A shared mapping remembers that its file was not open for writing:
     * mprotect may not add PROT_WRITE later (private ones may: their
     * writes never reach the file). */
    req.flags = !shared ? VM_PRIVATE : f->writable ? 0 : VM_NOWRITE;
    req.name = f->name;
  }
  uint64 where;
  err = procmem_map(myproc()->mem, &req, &where);
  if (req.staged)
    shm_put(req.staged);           /* the pages the object did not take */
  if (err < 0) {
    if (req.object)
      shm_put(req.object);
    return err;
  }
  return where;
}

long sys_munmap(void)
{
  return procmem_unmap(myproc()->mem, argraw(0), argraw(1));
}

long sys_mprotect(void)
{
  uint64 prot = argraw(2);
  if (prot & ~(uint64)VM_PROT_ALL)
    return -KITE_EINVAL;
  return procmem_protect(myproc()->mem, argraw(0), argraw(1), prot);
}

long sys_mquery(void)
{
  struct kite_mapping rec;
  procmem_query(myproc()->mem, argraw(0), &rec);
  return copyout_user(arguaddr(1), &rec, sizeof rec);
}

/* mmaps(pid, buf, count): records are gathered a page at a time under the
 * process's locks and copied out after they are dropped. */
long sys_mmaps(void)
{
  int pid = argint(0);
  uaddr_t ubuf = arguaddr(1);
  long count = arglong(2);
  if (count < 0)
    return -KITE_EINVAL;
  if (pid == 0)
    pid = myproc()->pid;
  struct kite_mapping *kbuf = kalloc();
  if (kbuf == NULL)
    return -KITE_ENOMEM;
  const int per_page = PGSIZE / sizeof(struct kite_mapping);
  int total = -1;
  long copied = 0, err = 0;
  uint64 from = 0;
  do {
    int want = MIN((long)per_page, count - copied);
    int n = proc_mem_list(pid, from, kbuf, want, &total);
    if (n < 0) {
      err = n;
      break;
    }
    if (n == 0)
      break;
    if ((err = copyout_user(uaddr_add(ubuf, copied * sizeof *kbuf), kbuf, n * sizeof *kbuf)) < 0)
      break;
    copied += n;
    from = kbuf[n - 1].end;
  } while (copied < count);
  if (total < 0 && err == 0)      /* count == 0: only the total was asked for */
    err = proc_mem_list(pid, 0, kbuf, 0, &total);
  kfree(kbuf);
  return err < 0 ? err : total;
}
