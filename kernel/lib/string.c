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

void *memmove(void *dst, const void *src, size_t n)
{
  const uint8 *s = src;
  uint8 *d = dst;
  if (s < d && s + n > d) {
    s += n; d += n;
    while (n--)
      *--d = *--s;
    return dst;
  }
  if ((((uint64)s | (uint64)d | n) & 7) == 0) {
    const uint64 *sw = (const uint64 *)s;
    uint64 *dw = (uint64 *)d;
    for (; n; n -= 8)
      *dw++ = *sw++;
    return dst;
  }
  while (n--)
    *d++ = *s++;
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
