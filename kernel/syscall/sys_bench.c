/*
 * SYS_bench: time the kernel's copies for `make bench`. The kernel's own
 * memcpy between two kernel buffers is the physical limit the user-copy
 * cursors are compared with; both move the same sizes in one call.
 */
#include "syscall/syscall.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "lib/spinlock.h"
#include "mm/usercopy.h"
#include "arch/riscv.h"
#include "arch/uaccess.h"
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "lib/string.h"
#include <kite/errno.h>
#include <kite/syscall.h>

#define BENCH_PAGES (KITE_BENCH_MAXSIZE / PGSIZE)

/*
 * The two buffers are virtually contiguous, so every operation moves
 * `size` bytes in one call, like a read(2) of that size would ask for:
 * the source at KBENCH_BASE, the destination right above it. The window
 * is in the shared kernel slot, so it is mapped in every page table.
 */
static struct spinlock bench_lock = { 0, "bench", 0 };
static int bench_busy;

static char *const bench_src = (char *)KBENCH_BASE;
static char *const bench_dst = (char *)(KBENCH_BASE + KITE_BENCH_MAXSIZE);

static void unmap_buffers(int npages)
{
  pt_unmap(kernel_pagetable, (uint64)bench_src, npages, UNMAP_FREE);
  pt_unmap(kernel_pagetable, (uint64)bench_dst, npages, UNMAP_FREE);
  pt_flush();
}

static int map_buffers(int npages)
{
  for (int i = 0; i < npages; i++) {
    char *a = kzalloc(), *b = kzalloc();
    int err = (a && b) ? 0 : -KITE_ENOMEM;
    if (!err && pt_map(kernel_pagetable, (uint64)bench_src + i * PGSIZE, (uint64)a, PGSIZE,
                       PT_READ | PT_WRITE) < 0)
      err = -KITE_ENOMEM;
    else if (!err)
      a = NULL;
    if (!err && pt_map(kernel_pagetable, (uint64)bench_dst + i * PGSIZE, (uint64)b, PGSIZE,
                       PT_READ | PT_WRITE) < 0)
      err = -KITE_ENOMEM;
    else if (!err)
      b = NULL;
    if (a)
      kfree(a);
    if (b)
      kfree(b);
    if (err) {
      unmap_buffers(npages);
      return err;
    }
  }
  return 0;
}

/* Elapsed ticks, -EFAULT if a copy came up short, -EINTR if the caller
 * was killed: a million copies of 1 MiB take hours, and a process must
 * never be beyond kill's reach that long. */
static long run(int op, uaddr_t ubuf, uint64 size, uint64 iters)
{
  uint64 t0 = r_time();
  for (uint64 it = 0; it < iters; it++) {
    if (killed(myproc()))
      return -KITE_EINTR;
    struct ureader r;
    struct uwriter w;
    if (op == KITE_BENCH_MEMCPY) {
      memcpy(bench_dst, bench_src, size);
    } else if (op == KITE_BENCH_COPYIN) {
      if (ureader_init(&r, ubuf, size) < 0 || ureader_read(&r, bench_dst, size) != size)
        return -KITE_EFAULT;
    } else {
      if (uwriter_init(&w, ubuf, size) < 0 || uwriter_write(&w, bench_src, size) != size)
        return -KITE_EFAULT;
    }
  }
  return r_time() - t0;
}

long sys_bench(void)
{
  int op = argint(0);
  uaddr_t ubuf = arguaddr(1);
  uint64 size = argraw(2), iters = argraw(3);
  if (op == KITE_BENCH_SUM && iters > 0 && iters <= 1000000) {
    uint64 t0 = r_time();
    for (uint64 i = 0; i < iters; i++)
      uaccess_sum_roundtrip();
    return r_time() - t0;
  }
  if (op < KITE_BENCH_MEMCPY || op > KITE_BENCH_COPYOUT || size == 0 ||
      size > KITE_BENCH_MAXSIZE || iters == 0 || iters > 1000000)
    return -KITE_EINVAL;

  acquire(&bench_lock);
  int busy = bench_busy;
  bench_busy = 1;
  release(&bench_lock);
  if (busy)
    return -KITE_EBUSY;
  int npages = (size + PGSIZE - 1) / PGSIZE;
  long result = map_buffers(npages);
  if (result == 0) {
    result = run(op, ubuf, size, iters);
    unmap_buffers(npages);
  }
  acquire(&bench_lock);
  bench_busy = 0;
  release(&bench_lock);
  return result;
}
