/*
 * The one door to user memory; see usercopy.h.
 *
 * User bytes are reached through procmem_translate(), which checks the
 * mapping's permissions and faults lazy pages in, and then through the
 * kernel's identity map. A copy goes page by page and stops at the first
 * page it may not touch.
 */
#include "mm/usercopy.h"
#include "mm/procmem.h"
#include "arch/memlayout.h"
#include "proc/proc.h"
#include "lib/string.h"
#include <kite/errno.h>

static int range_ok(uint64 va, size_t len)
{
  uint64 end = va + len;
  return end >= va && end <= USER_TOP;
}

static void cursor_init(struct ucursor *c, uint64 pos, size_t len, enum cursor_space space)
{
  c->pos = pos;
  c->end = pos + len;
  c->space = space;
  c->fault = 0;
}

int ureader_init(struct ureader *r, uaddr_t src, size_t len)
{
  if (!range_ok(src.va, len))
    return -KITE_EFAULT;
  cursor_init(&r->c, src.va, len, CURSOR_USER);
  return 0;
}

void ureader_init_kernel(struct ureader *r, const void *src, size_t len)
{
  cursor_init(&r->c, (uint64)src, len, CURSOR_KERNEL);
}

int uwriter_init(struct uwriter *w, uaddr_t dst, size_t len)
{
  if (!range_ok(dst.va, len))
    return -KITE_EFAULT;
  cursor_init(&w->c, dst.va, len, CURSOR_USER);
  return 0;
}

void uwriter_init_kernel(struct uwriter *w, void *dst, size_t len)
{
  cursor_init(&w->c, (uint64)dst, len, CURSOR_KERNEL);
}

/* How many of the next n bytes may be copied before an injected fault. */
static size_t injection_limit(size_t n)
{
  struct proc *p = myproc();
  if (p == NULL || p->fault_after < 0)
    return n;
  if ((size_t)p->fault_after >= n) {
    p->fault_after -= n;
    return n;
  }
  n = p->fault_after;
  p->fault_after = -1;          /* one shot */
  return n;
}

/*
 * Move n bytes between the cursor's user range and kernel buffer kbuf.
 * Returns bytes moved; on a bad page sets c->fault. to_user selects the
 * direction. Kernel cursors are plain memmoves.
 */
static size_t move(struct ucursor *c, void *kbuf, size_t n, int to_user)
{
  n = MIN(n, c->end - c->pos);
  if (c->space == CURSOR_KERNEL) {
    if (to_user)
      memmove((void *)c->pos, kbuf, n);
    else
      memmove(kbuf, (void *)c->pos, n);
    c->pos += n;
    return n;
  }
  size_t allowed = injection_limit(n), done = 0;
  struct procmem *pm = myproc()->mem;
  while (done < n) {
    size_t chunk = MIN(n - done, PGSIZE - (c->pos & (PGSIZE - 1)));
    uint64 k = done < allowed
                 ? procmem_translate(pm, c->pos, to_user ? ACCESS_WRITE : ACCESS_READ) : 0;
    if (k == 0) {
      c->fault = -KITE_EFAULT;
      break;
    }
    chunk = MIN(chunk, allowed - done);
    if (to_user)
      memmove((void *)k, (char *)kbuf + done, chunk);
    else
      memmove((char *)kbuf + done, (void *)k, chunk);
    done += chunk;
    c->pos += chunk;
  }
  return done;
}

size_t ureader_read(struct ureader *r, void *dst, size_t n)
{
  size_t want = MIN(n, ureader_remaining(r));
  size_t done = move(&r->c, dst, want, 0);
  if (done < want)
    memset((char *)dst + done, 0, want - done);   /* no stale kernel bytes */
  return done;
}

size_t uwriter_write(struct uwriter *w, const void *src, size_t n)
{
  return move(&w->c, (void *)src, n, 1);
}

size_t uwriter_zero(struct uwriter *w, size_t n)
{
  static const char zeros[256];
  size_t done = 0;
  while (done < n) {
    size_t step = uwriter_write(w, zeros, MIN(sizeof zeros, n - done));
    done += step;
    if (step == 0 || w->c.fault)
      break;
  }
  return done;
}

static void cursor_skip(struct ucursor *c, size_t n) { c->pos += MIN(n, c->end - c->pos); }
static void cursor_limit(struct ucursor *c, size_t n) { if (n < c->end - c->pos) c->end = c->pos + n; }

void ureader_skip(struct ureader *r, size_t n) { cursor_skip(&r->c, n); }
void uwriter_skip(struct uwriter *w, size_t n) { cursor_skip(&w->c, n); }
void ureader_limit(struct ureader *r, size_t n) { cursor_limit(&r->c, n); }
void uwriter_limit(struct uwriter *w, size_t n) { cursor_limit(&w->c, n); }

int ureader_get(struct ureader *r, void *dst, size_t n)
{
  struct ucursor saved = r->c;
  if (ureader_remaining(r) < n || ureader_read(r, dst, n) != n) {
    r->c = saved;
    r->c.fault = -KITE_EFAULT;
    memset(dst, 0, n);
    return -KITE_EFAULT;
  }
  return 0;
}

int uwriter_put(struct uwriter *w, const void *src, size_t n)
{
  struct ucursor saved = w->c;
  if (uwriter_remaining(w) < n || uwriter_write(w, src, n) != n) {
    w->c = saved;
    w->c.fault = -KITE_EFAULT;
    return -KITE_EFAULT;
  }
  return 0;
}

int ureader_string(struct ureader *r, char *dst, size_t max)
{
  for (size_t i = 0; i < max; i++) {
    if (ureader_remaining(r) == 0 || ureader_read(r, &dst[i], 1) != 1) {
      dst[i] = 0;
      return -KITE_EFAULT;
    }
    if (dst[i] == 0)
      return i;
  }
  if (max)
    dst[max - 1] = 0;
  return -KITE_ENAMETOOLONG;
}

int copyin_user(void *dst, uaddr_t src, size_t n)
{
  struct ureader r;
  int err = ureader_init(&r, src, n);
  return err ? err : ureader_get(&r, dst, n);
}

int copyout_user(uaddr_t dst, const void *src, size_t n)
{
  struct uwriter w;
  int err = uwriter_init(&w, dst, n);
  return err ? err : uwriter_put(&w, src, n);
}

int copyin_string(char *dst, uaddr_t src, size_t max)
{
  struct ureader r;
  /* Bound the cursor by the top of user space, not by max, so a string
   * that runs into the top reports -EFAULT. */
  if (src.va >= USER_TOP)
    return -KITE_EFAULT;
  ureader_init(&r, src, MIN(max, USER_TOP - src.va));
  return ureader_string(&r, dst, max);
}

void usercopy_inject_fault(long n)
{
  myproc()->fault_after = n;
}
