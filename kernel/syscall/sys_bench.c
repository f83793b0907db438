/*
 * SYS_bench: time the kernel's copies for `make bench`. The kernel's own
 * memcpy between two kernel buffers is the physical limit the user-copy
 * cursors are compared with.
 */
#include "syscall/syscall.h"
#include "mm/kalloc.h"
#include "mm/usercopy.h"
#include "arch/riscv.h"
#include "arch/uaccess.h"
#include "lib/string.h"
#include <kite/errno.h>
#include <kite/syscall.h>

#define BENCH_PAGES (KITE_BENCH_MAXSIZE / PGSIZE)

static void free_pages(char **pages, int n)
{
  for (int i = 0; i < n; i++)
    if (pages[i])
      kfree(pages[i]);
}

/* Elapsed ticks, or -EFAULT if any copy came up short. */
static long run(int op, uaddr_t ubuf, uint64 size, uint64 iters, char **src, char **dst)
{
  int npages = (size + PGSIZE - 1) / PGSIZE;
  uint64 t0 = r_time();
  for (uint64 it = 0; it < iters; it++) {
    struct ureader r;
    struct uwriter w;
    if (op == KITE_BENCH_COPYIN && ureader_init(&r, ubuf, size) < 0)
      return -KITE_EFAULT;
    if (op == KITE_BENCH_COPYOUT && uwriter_init(&w, ubuf, size) < 0)
      return -KITE_EFAULT;
    for (int i = 0; i < npages; i++) {
      uint64 n = MIN((uint64)PGSIZE, size - (uint64)i * PGSIZE);
      if (op == KITE_BENCH_MEMCPY)
        memcpy(dst[i], src[i], n);
      else if (op == KITE_BENCH_COPYIN && ureader_read(&r, dst[i], n) != n)
        return -KITE_EFAULT;
      else if (op == KITE_BENCH_COPYOUT && uwriter_write(&w, src[i], n) != n)
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
  char **src = kzalloc(), **dst = kzalloc();
  long result = -KITE_ENOMEM;
  int npages = (size + PGSIZE - 1) / PGSIZE;
  if (src == NULL || dst == NULL)
    goto out;
  for (int i = 0; i < npages; i++)
    if ((src[i] = kzalloc()) == NULL || (dst[i] = kzalloc()) == NULL)
      goto out;
  result = run(op, ubuf, size, iters, src, dst);
out:
  if (src) {
    free_pages(src, BENCH_PAGES);
    kfree(src);
  }
  if (dst) {
    free_pages(dst, BENCH_PAGES);
    kfree(dst);
  }
  return result;
}
