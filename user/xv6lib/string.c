/*
 * xv6's string functions, with xv6's signatures and meanings:
 *  - strlen returns a uint;
 *  - strchr(s, 0) finds nothing (0), unlike C's;
 *  - atoi reads the decimal digits at the start of s: no sign, no spaces;
 *  - gets(buf, max) reads fd 0 a byte at a time up to and including a
 *    newline (or carriage return), at most max - 1 bytes, NUL-terminated.
 * Strings compare as unsigned bytes.
 */
#include "xv6lib.h"
#include "user/user.h"

char *strcpy(char *dst, const char *src)
{
  char *d = dst;

  while ((*d++ = *src++) != 0)
    ;
  return dst;
}

int strcmp(const char *p, const char *q)
{
  for (; *p && *p == *q; p++, q++)
    ;
  return (uchar)*p - (uchar)*q;
}

uint strlen(const char *s)
{
  uint n = 0;

  while (s[n])
    n++;
  return n;
}

char *strchr(const char *s, char c)
{
  for (; *s; s++)
    if (*s == c)
      return (char *)s;
  return 0;
}

int atoi(const char *s)
{
  int n = 0;

  for (; *s >= '0' && *s <= '9'; s++)
    n = n * 10 + (*s - '0');
  return n;
}

char *gets(char *buf, int max)
{
  int i = 0;
  char c;

  while (i + 1 < max && read(0, &c, 1) == 1) {
    buf[i++] = c;
    if (c == '\n' || c == '\r')
      break;
  }
  if (max > 0)
    buf[i] = '\0';
  return buf;
}
