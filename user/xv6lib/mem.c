/*
 * xv6's memory functions, with xv6's signatures: the counts are uint,
 * except memmove's int (a count of 0 or less moves nothing). memmove
 * handles overlap; memcpy is memmove; memcmp compares unsigned bytes.
 * The compiler also calls memset and memcpy for structure copies and
 * initialisers, so they move a word at a time when they can.
 */
#include "xv6lib.h"
#include "user/user.h"

#define WORD sizeof(uint64)

static int aligned(const void *a, const void *b)
{
  return (((uint64)a | (uint64)b) & (WORD - 1)) == 0;
}

void *memset(void *dst, int c, uint n)
{
  uchar *d = dst;
  uint64 pattern = (uchar)c * 0x0101010101010101UL;

  for (; n > 0 && ((uint64)d & (WORD - 1)); n--)
    *d++ = (uchar)c;
  for (; n >= WORD; n -= WORD, d += WORD)
    *(uint64 *)d = pattern;
  while (n-- > 0)
    *d++ = (uchar)c;
  return dst;
}

static void copy_up(uchar *d, const uchar *s, uint64 n)
{
  if (aligned(d, s))
    for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
      *(uint64 *)d = *(const uint64 *)s;
  while (n-- > 0)
    *d++ = *s++;
}

static void copy_down(uchar *d, const uchar *s, uint64 n)
{
  d += n;
  s += n;
  if (aligned(d, s))
    for (; n >= WORD; n -= WORD)
      *(uint64 *)(d -= WORD) = *(const uint64 *)(s -= WORD);
  while (n-- > 0)
    *--d = *--s;
}

void *memmove(void *dst, const void *src, int n)
{
  if (n <= 0 || dst == src)
    return dst;
  if ((uchar *)dst < (const uchar *)src || (uchar *)dst >= (const uchar *)src + n)
    copy_up(dst, src, (uint64)n);
  else
    copy_down(dst, src, (uint64)n);
  return dst;
}

void *memcpy(void *dst, const void *src, uint n)
{
  if ((uchar *)dst < (const uchar *)src || (uchar *)dst >= (const uchar *)src + n)
    copy_up(dst, src, n);
  else
    copy_down(dst, src, n);
  return dst;
}

int memcmp(const void *a, const void *b, uint n)
{
  const uchar *p = a, *q = b;

  for (; n > 0; n--, p++, q++)
    if (*p != *q)
      return *p - *q;
  return 0;
}
