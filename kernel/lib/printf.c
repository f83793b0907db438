/*
 * Kernel formatted output: printf to the console, snprintf into a buffer,
 * and panic, which says where it happened, prints a backtrace and stops
 * every hart.
 *
 * Formats: %d %i %u %x %p %s %c %% with an optional 0 or - (left-justify)
 * flag, width and the l / ll / z length modifiers.
 */
#include <stdarg.h>
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/backtrace.h"
#include "drivers/uart.h"
#include "arch/sbi.h"
#include "arch/riscv.h"
#include "arch/trap.h"
#include "proc/proc.h"

volatile int panicked;

static struct {
  struct spinlock lock;
  int locking;            /* 0 during early boot and after a panic */
} pr;

struct sink {
  char *buf;              /* NULL: write to the console */
  int size, len;
};

static void sink_put(struct sink *s, char c)
{
  if (!s->buf)
    uart_putc_sync(c);
  else if (s->len + 1 < s->size)
    s->buf[s->len] = c;
  s->len++;
}

/* width < 0: left-justified in -width columns. */
static void put_number(struct sink *s, uint64 x, int base, int is_signed, int width, char pad)
{
  static const char digits[] = "0123456789abcdef";
  char tmp[24];
  int i = 0, neg = 0;
  if (is_signed && (int64)x < 0) {
    neg = 1;
    x = -(int64)x;
  }
  do {
    tmp[i++] = digits[x % base];
    x /= base;
  } while (x);
  if (neg && pad == '0') {
    sink_put(s, '-');
    width--;
    neg = 0;
  }
  for (int n = i + neg; n < width; n++)
    sink_put(s, pad);
  if (neg)
    tmp[i++] = '-';
  int len = i;
  while (i > 0)
    sink_put(s, tmp[--i]);
  for (; len < -width; len++)
    sink_put(s, ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      sink_put(s, *fmt);
      continue;
    }
    fmt++;
    char pad = ' ';
    int width = 0, lng = 0, left = 0;
    if (*fmt == '0') {
      pad = '0';
      fmt++;
    } else if (*fmt == '-') {
      left = 1;
      fmt++;
    }
    while (*fmt >= '0' && *fmt <= '9')
      width = width * 10 + (*fmt++ - '0');
    if (left)
      width = -width;
    while (*fmt == 'l' || *fmt == 'z') {
      lng = 1;
      fmt++;
    }
    switch (*fmt) {
    case 'd': case 'i':
      put_number(s, lng ? va_arg(ap, int64) : va_arg(ap, int), 10, 1, width, pad);
      break;
    case 'u':
      put_number(s, lng ? va_arg(ap, uint64) : va_arg(ap, uint), 10, 0, width, pad);
      break;
    case 'x':
      put_number(s, lng ? va_arg(ap, uint64) : va_arg(ap, uint), 16, 0, width, pad);
      break;
    case 'p':
      sink_put(s, '0'); sink_put(s, 'x');
      put_number(s, va_arg(ap, uint64), 16, 0, 16, '0');
      break;
    case 's': {
      const char *str = va_arg(ap, const char *);
      if (!str)
        str = "(null)";
      int len = 0;
      while (str[len])
        len++;
      for (; len < width; len++)
        sink_put(s, ' ');
      while (*str)
        sink_put(s, *str++);
      for (; len < -width; len++)
        sink_put(s, ' ');
      break;
    }
    case 'c':
      sink_put(s, (char)va_arg(ap, int));
      break;
    case '%':
      sink_put(s, '%');
      break;
    case 0:
      return;
    default:
      sink_put(s, '%');
      sink_put(s, *fmt);
    }
  }
}

void printf_init(void)
{
  initlock(&pr.lock, "printf");
  pr.locking = 1;
}

void printf(const char *fmt, ...)
{
  va_list ap;
  struct sink s = { 0 };
  int locking = pr.locking;
  if (locking)
    acquire(&pr.lock);
  va_start(ap, fmt);
  format(&s, fmt, ap);
  va_end(ap);
  if (locking)
    release(&pr.lock);
}

int snprintf(char *buf, int size, const char *fmt, ...)
{
  va_list ap;
  struct sink s = { buf, size, 0 };
  va_start(ap, fmt);
  format(&s, fmt, ap);
  va_end(ap);
  if (size > 0)
    buf[s.len < size ? s.len : size - 1] = 0;
  return s.len;
}

/*
 * Panics. The first hart to panic prints the report: the message, where it
 * happened (hart, process) and the backtrace. Another hart that panics
 * meanwhile stops quietly (two interleaved reports help nobody), and a
 * panic inside the panic (a fault while printing) prints its message only.
 */
static int panic_hart = -1;

/* 1: this is the first panic; 0: a panic inside it. Never returns on any
 * other hart. */
static int panic_begin(void)
{
  intr_off();
  int me = r_tp(), owner = -1;
  if (!__atomic_compare_exchange_n(&panic_hart, &owner, me, 0, __ATOMIC_SEQ_CST,
                                   __ATOMIC_SEQ_CST)) {
    if (owner != me)
      trap_halt_hart();
    uart_puts_sync("\npanic while panicking: ");
    return 0;
  }
  pr.locking = 0;
  panicked = 1;      /* other harts stop at their next interrupt or scheduler pass */
  uart_puts_sync("\npanic: ");
  return 1;
}

static void panic_context(void)
{
  char line[96];
  int hart = r_tp();
  struct proc *p = hart < NCPU ? cpus[hart].proc : NULL;   /* no myproc(): no push_off */
  if (p)
    snprintf(line, sizeof line, "  on hart %d, pid %d (%s)\n", hart, p->pid, p->name);
  else
    snprintf(line, sizeof line, "  on hart %d, no process (scheduler or boot)\n", hart);
  uart_puts_sync(line);
}

/* The report; r: where the backtrace starts (a trap), or NULL: at the
 * caller of panic() (vpanic and panic are two frames above it). */
static void __attribute__((noinline, noreturn)) vpanic(const struct bt_regs *r,
                                                      const char *fmt, va_list ap)
{
  struct sink s = { 0 };
  int first = panic_begin();
  format(&s, fmt, ap);
  uart_puts_sync("\n");
  if (first) {
    panic_context();
    if (r)
      backtrace_from(r);
    else
      backtrace_skip(2);
  }
  trap_halt_hart();       /* with sie clear: no pending interrupt makes it spin */
}

void panic(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vpanic(NULL, fmt, ap);
}

void panic_at(const struct bt_regs *r, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vpanic(r, fmt, ap);
}
