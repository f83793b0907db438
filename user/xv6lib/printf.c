/*
 * xv6's printf(fmt, ...) and fprintf(fd, fmt, ...): unbuffered output
 * with xv6's formats.
 *
 * Unbuffered means each call has written all its output before it
 * returns: nothing is kept in the process, so a fork never duplicates
 * output. A call collects its text in a small buffer on the stack and
 * writes it in one write() (more than one only for long output), so a
 * line from one process is not cut up by another's, as it can be on
 * xv6, which writes a byte at a time.
 *
 * Formats: %d %u %x (int), %ld %lu %lx and %lld %llu %llx (64-bit),
 * %p (0x and 16 hex digits), %s ("(null)" for a null pointer), %c, %%.
 * Any other % sequence is printed as it stands, as xv6 does.
 */
#include <stdarg.h>
#include "xv6lib.h"
#include "user/user.h"

#define OUTBUF 256

struct out {
  int fd;
  int n;
  char buf[OUTBUF];
};

static void flush(struct out *o)
{
  int done = 0;

  while (done < o->n) {
    int w = write(o->fd, o->buf + done, o->n - done);
    if (w <= 0)
      break;                  /* nowhere to report it: drop the rest */
    done += w;
  }
  o->n = 0;
}

static void put(struct out *o, char c)
{
  if (o->n == OUTBUF)
    flush(o);
  o->buf[o->n++] = c;
}

static void put_str(struct out *o, const char *s)
{
  if (s == 0)
    s = "(null)";
  while (*s)
    put(o, *s++);
}

static void put_uint(struct out *o, uint64 x, int base)
{
  static const char digits[] = "0123456789abcdef";
  char tmp[24];
  int i = 0;

  do {
    tmp[i++] = digits[x % base];
    x /= base;
  } while (x != 0);
  while (i > 0)
    put(o, tmp[--i]);
}

static void put_int(struct out *o, long x)
{
  if (x < 0) {
    put(o, '-');
    put_uint(o, -(uint64)x, 10);
  } else {
    put_uint(o, (uint64)x, 10);
  }
}

static void put_ptr(struct out *o, uint64 x)
{
  put(o, '0');
  put(o, 'x');
  for (int shift = 60; shift >= 0; shift -= 4)
    put(o, "0123456789abcdef"[(x >> shift) & 0xf]);
}

/* One conversion at fmt (just past the '%'); returns the characters of
 * fmt it used. */
static int convert(struct out *o, const char *fmt, va_list *ap)
{
  int longs = 0;

  while (longs < 2 && fmt[longs] == 'l')
    longs++;
  switch (fmt[longs]) {
  case 'd':
    put_int(o, longs ? va_arg(*ap, long) : va_arg(*ap, int));
    return longs + 1;
  case 'u':
    put_uint(o, longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 10);
    return longs + 1;
  case 'x':
    put_uint(o, longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 16);
    return longs + 1;
  }
  if (longs == 0) {
    switch (fmt[0]) {
    case 'p': put_ptr(o, (uint64)va_arg(*ap, void *)); return 1;
    case 's': put_str(o, va_arg(*ap, const char *)); return 1;
    case 'c': put(o, (char)va_arg(*ap, int)); return 1;
    case '%': put(o, '%'); return 1;
    case '\0': return 0;        /* a lone % at the end prints nothing */
    }
  }
  /* Unknown: show it as it stands ("%" and the character after it). */
  put(o, '%');
  put(o, fmt[0]);
  return 1;
}

/* Not in user.h, as in xv6, whose printf.c also defines it globally:
 * a program may declare it and build its own printf-like functions. */
void vprintf(int fd, const char *fmt, va_list ap)
{
  struct out o;

  o.fd = fd;
  o.n = 0;
  while (*fmt) {
    if (*fmt != '%') {
      put(&o, *fmt++);
      continue;
    }
    fmt++;
    fmt += convert(&o, fmt, &ap);
  }
  flush(&o);
}

void fprintf(int fd, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vprintf(fd, fmt, ap);
  va_end(ap);
}

void printf(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vprintf(1, fmt, ap);
  va_end(ap);
}
