/* Kernel console output and panic. */
#ifndef KITE_PRINTF_H
#define KITE_PRINTF_H

void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
int  snprintf(char *buf, int size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Always-on cheap assertion; the message names the broken condition. */
#define ASSERT(c) \
  do { if (!(c)) panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__); } while (0)

#endif
