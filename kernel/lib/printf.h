/* Kernel console output and panic. */
#ifndef KITE_PRINTF_H
#define KITE_PRINTF_H

void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
struct bt_regs;
/* A panic whose backtrace starts at a trap's registers (lib/backtrace.h). */
void panic_at(const struct bt_regs *r, const char *fmt, ...)
  __attribute__((noreturn, format(printf, 2, 3)));
int  snprintf(char *buf, int size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Always-on cheap assertion; the message names the broken condition. */
#define ASSERT(c) \
  do { if (!(c)) panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__); } while (0)

#endif
