/*
 * The one door to user memory; see usercopy.h.
 *
 * This file is the cursor bookkeeping: ranges, positions, short counts,
 * all-or-nothing values, strings, zero-filling, fault injection. The bytes
 * themselves move through uaccess_copy() (arch/uaccess.S), which runs with
 * SUM set and reports how many bytes it could not copy; lazy and
 * copy-on-write pages it meets are resolved by the trap handler and the
 * copy goes on.
 *
 * The file has no hardware includes of its own: test/host/test_usercopy.c
 * compiles it against a simulated user address space.
 */
#include "mm/usercopy.h"
#include "lib/string.h"
#include <kite/errno.h>
#ifdef KITE_HOST
#include "usercopy_host.h"
#else
#include "arch/uaccess.h"
#include "arch/memlayout.h"
#include "proc/proc.h"
#endif

/* [va, va+len) lies in user space, does not wrap and stays out of the
 * kernel windows (which are mapped, without the U bit, in every user page
 * table: with SUM set the kernel could read them). */
static int range_ok(uint64 va, size_t len)
{
  uint64 end = va + len;
  return end >= va && end <= USER_TOP && !in_kernel_window(va, end);
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

/* How many of the next n bytes may be copied before an injected fault
 * (SYS_faultinject): the knob counts down and fires once. */
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
  p->fault_after = -1;
  return n;
}

/*
 * Move up to n bytes between the cursor's range and kbuf (to_user: kbuf
 * is the source). Returns bytes moved; a fault sets c->fault and leaves
 * c->pos at the first byte not moved.
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
  size_t allowed = injection_limit(n);
  size_t left = to_user ? uaccess_copy((void *)c->pos, kbuf, allowed)
                        : uaccess_copy(kbuf, (const void *)c->pos, allowed);
  size_t done = allowed - left;
  c->pos += done;
  if (done < n)
    c->fault = -KITE_EFAULT;
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
  n = MIN(n, uwriter_remaining(w));
  while (done < n) {
    size_t want = MIN(sizeof zeros, n - done);
    size_t step = uwriter_write(w, zeros, want);
    done += step;
    if (step < want)
      break;
  }
  return done;
}

static void cursor_skip(struct ucursor *c, size_t n) { c->pos += MIN(n, c->end - c->pos); }
static void cursor_limit(struct ucursor *c, size_t n)
{
  if (n < c->end - c->pos)
    c->end = c->pos + n;
}

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

/*
 * Strings are read a page-bounded chunk at a time: a chunk never crosses
 * into the next page, so bytes past the NUL are only read from a page the
 * string itself lives on. The cursor ends just past the NUL.
 */
int ureader_string(struct ureader *r, char *dst, size_t max)
{
  size_t len = 0;
  while (len < max) {
    size_t room = MIN(max - len, ureader_remaining(r));
    if (room == 0)
      break;
    if (r->c.space == CURSOR_USER)
      room = MIN(room, 4096 - (r->c.pos & 4095));
    struct ucursor before = r->c;
    size_t got = ureader_read(r, dst + len, room);
    for (size_t i = 0; i < got; i++) {
      if (dst[len + i] == 0) {
        r->c = before;
        r->c.pos += i + 1;
        return len + i;
      }
    }
    len += got;
    if (got < room) {
      dst[MIN(len, max - 1)] = 0;
      return -KITE_EFAULT;
    }
  }
  if (max)
    dst[max - 1] = 0;
  return len < max ? -KITE_EFAULT : -KITE_ENAMETOOLONG;
}

int copyin_user(void *dst, uaddr_t src, size_t n)
{
  struct ureader r;
  int err = ureader_init(&r, src, n);
  if (err) {
    memset(dst, 0, n);
    return err;
  }
  return ureader_get(&r, dst, n);
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
  if (src.va >= USER_TOP || in_kernel_window(src.va, src.va + 1)) {
    if (max)
      dst[0] = 0;
    return -KITE_EFAULT;
  }
  /* Bound the cursor by the top of user space or the next kernel window,
   * not by max, so a string that runs into either reports -EFAULT. */
  uint64 limit = USER_TOP;
  if (src.va < KWIN_RAM_LO)
    limit = KWIN_RAM_LO;
  else if (src.va < KWIN_STACK_LO)
    limit = KWIN_STACK_LO;
  ureader_init(&r, src, MIN(max, limit - src.va));
  return ureader_string(&r, dst, max);
}

void usercopy_inject_fault(long n)
{
  myproc()->fault_after = n;
}
