/*
 * The one door to user memory.
 *
 * Nothing in the kernel dereferences a user address: user addresses are
 * carried as uaddr_t (a struct, so `*p` on one is a compile error) and every
 * byte moves through a reader or writer cursor defined here.
 *
 * A cursor covers [pos, end). Creating one over a user range fails with
 * -EFAULT if the range wraps or leaves user space; memory is not touched.
 * Copies go as far as they can: they return the number of bytes moved and,
 * when a bad address stopped them, set the sticky `fault` field to -EFAULT
 * and leave `pos` at the first byte not moved. The kernel side of a failed
 * copy-in is zero-filled so no stale kernel bytes are ever used.
 *
 * A cursor may also cover kernel memory (the _kernel initialisers); such a
 * cursor never faults. File and pipe code is written once against cursors
 * and serves both the read(2) path and in-kernel readers such as exec.
 */
#ifndef KITE_USERCOPY_H
#define KITE_USERCOPY_H

#include "lib/types.h"

typedef struct { uint64 va; } uaddr_t;

static inline uaddr_t uaddr(uint64 va) { uaddr_t u = { va }; return u; }
static inline uaddr_t uaddr_add(uaddr_t u, uint64 n) { return uaddr(u.va + n); }
static inline int uaddr_is_null(uaddr_t u) { return u.va == 0; }

enum cursor_space { CURSOR_USER, CURSOR_KERNEL };

struct ucursor {
  uint64 pos;               /* next address to move */
  uint64 end;               /* one past the last */
  enum cursor_space space;
  int fault;                /* 0, or -EFAULT once a copy stopped */
};

struct ureader { struct ucursor c; };   /* user -> kernel */
struct uwriter { struct ucursor c; };   /* kernel -> user */

int  ureader_init(struct ureader *r, uaddr_t src, size_t len);
void ureader_init_kernel(struct ureader *r, const void *src, size_t len);
int  uwriter_init(struct uwriter *w, uaddr_t dst, size_t len);
void uwriter_init_kernel(struct uwriter *w, void *dst, size_t len);

static inline size_t ureader_remaining(const struct ureader *r) { return r->c.end - r->c.pos; }
static inline size_t uwriter_remaining(const struct uwriter *w) { return w->c.end - w->c.pos; }

/* Move up to n bytes (bounded by what remains); returns bytes moved. */
size_t ureader_read(struct ureader *r, void *dst, size_t n);
size_t uwriter_write(struct uwriter *w, const void *src, size_t n);
size_t uwriter_zero(struct uwriter *w, size_t n);
void   ureader_skip(struct ureader *r, size_t n);
void   uwriter_skip(struct uwriter *w, size_t n);
void   ureader_limit(struct ureader *r, size_t n);   /* shrink remaining to n */
void   uwriter_limit(struct uwriter *w, size_t n);

/* All-or-nothing value copies: 0, or -EFAULT with the cursor unmoved. */
int ureader_get(struct ureader *r, void *dst, size_t n);
int uwriter_put(struct uwriter *w, const void *src, size_t n);

/* Read a NUL-terminated string of at most max bytes including the NUL.
 * Returns its length, -EFAULT, or -ENAMETOOLONG. */
int ureader_string(struct ureader *r, char *dst, size_t max);

/* The system-call rule for short copies: k > 0 bytes delivered -> k,
 * none delivered and a fault -> -EFAULT, none and no fault -> 0. */
static inline long usercopy_result(size_t done, const struct ucursor *c)
{
  return done > 0 ? (long)done : (long)c->fault;
}

/* One-shot helpers over the current process (all-or-nothing). */
int copyin_user(void *dst, uaddr_t src, size_t n);
int copyout_user(uaddr_t dst, const void *src, size_t n);
int copyin_string(char *dst, uaddr_t src, size_t max);

/* Debug knob (SYS_faultinject): the next user copy fails after n bytes. */
void usercopy_inject_fault(long n);

#endif
