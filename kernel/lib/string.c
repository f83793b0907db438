/* Kernel string and memory helpers. */
#include "lib/string.h"

void *memset(void *dst, int c, size_t n)
{
  uint8 *d = dst;
  if (((uint64)d & 7) == 0 && (n & 7) == 0) {
    uint64 v = (uint8)c;
    v |= v << 8; v |= v << 16; v |= v << 32;
    for (uint64 *w = dst; n; n -= 8)
      *w++ = v;
    return dst;
  }
  while (n--)
    *d++ = (uint8)c;
  return dst;
}

/* Forward copy: bytes until dst is word-aligned, then (if src shares the
 * alignment) 64 bytes a loop, then words, then the tail. */
static void copy_forward(uint8 *d, const uint8 *s, size_t n)
{
  if ((((uint64)d ^ (uint64)s) & 7) == 0) {
    for (; n && ((uint64)d & 7); n--)
      *d++ = *s++;
    uint64 *dw = (uint64 *)d;
    const uint64 *sw = (const uint64 *)s;
    for (; n >= 64; n -= 64, dw += 8, sw += 8) {
      uint64 a = sw[0], b = sw[1], c = sw[2], e = sw[3];
      uint64 f = sw[4], g = sw[5], h = sw[6], i = sw[7];
      dw[0] = a; dw[1] = b; dw[2] = c; dw[3] = e;
      dw[4] = f; dw[5] = g; dw[6] = h; dw[7] = i;
    }
    for (; n >= 8; n -= 8)
      *dw++ = *sw++;
    d = (uint8 *)dw;
    s = (const uint8 *)sw;
  }
  while (n--)
    *d++ = *s++;
}

void *memmove(void *dst, const void *src, size_t n)
{
  const uint8 *s = src;
  uint8 *d = dst;
  if (s < d && s + n > d) {        /* overlapping, dst above: backwards */
    s += n; d += n;
    while (n--)
      *--d = *--s;
    return dst;
  }
  copy_forward(d, s, n);
  return dst;
}

/* The compiler may emit calls to memcpy for struct copies. */
void *memcpy(void *dst, const void *src, size_t n)
{
  return memmove(dst, src, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
  const uint8 *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y)
      return *x - *y;
  return 0;
}

size_t strlen(const char *s)
{
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
  for (; n && *a && *a == *b; n--, a++, b++)
    ;
  if (n == 0)
    return 0;
  return (uint8)*a - (uint8)*b;
}

char *strncpy(char *dst, const char *src, size_t n)
{
  char *d = dst;
  while (n && (*d = *src)) {
    d++; src++; n--;
  }
  while (n--)
    *d++ = 0;
  return dst;
}

char *safestrcpy(char *dst, const char *src, size_t n)
{
  if (n == 0)
    return dst;
  size_t i = 0;
  for (; i + 1 < n && src[i]; i++)
    dst[i] = src[i];
  dst[i] = 0;
  return dst;
}
