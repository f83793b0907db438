/* The console line discipline; see console.h. */
#include "drivers/console.h"
#include "drivers/uart.h"
#include "lib/spinlock.h"
#include "mm/usercopy.h"
#include "proc/proc.h"
#include "fs/file.h"
#include <kite/errno.h>
#include <kite/fs.h>

#define CTRL(x) ((x) - '@')
#define INPUT_BUF 256

/*
 * Input ring: [r, w) holds complete lines ready for readers, [w, e) the
 * line being edited. Indices only grow; position = index % INPUT_BUF.
 * Protected by cons.lock.
 */
static struct {
  struct spinlock lock;
  char buf[INPUT_BUF];
  uint r, w, e;
} cons;

static void echo(int c)
{
  if (c == '\b') {              /* erase: back, blank, back */
    uart_putc_sync('\b'); uart_putc_sync(' '); uart_putc_sync('\b');
  } else {
    uart_putc_sync(c);
  }
}

/* Deliver one line (or what fits) to the reader; a character is consumed
 * only after it reached the user, so nothing typed is lost on a fault. */
static long console_read(struct uwriter *w, size_t n)
{
  size_t done = 0;
  acquire(&cons.lock);
  while (done < n) {
    while (cons.r == cons.w) {
      if (killed(myproc())) {
        release(&cons.lock);
        return done ? (long)done : -KITE_EINTR;
      }
      sleep(&cons.r, &cons.lock);
    }
    char c = cons.buf[cons.r % INPUT_BUF];
    if (c == CTRL('D')) {
      if (done == 0)            /* ^D alone: end of file */
        cons.r++;
      break;                    /* else leave it for the next read */
    }
    if (uwriter_write(w, &c, 1) != 1)
      break;
    cons.r++;
    done++;
    if (c == '\n')
      break;
  }
  release(&cons.lock);
  return usercopy_result(done, &w->c);
}

static long console_write(struct ureader *r, size_t n)
{
  char chunk[128];
  size_t done = 0;
  while (done < n) {
    size_t got = ureader_read(r, chunk, MIN(sizeof chunk, n - done));
    for (size_t i = 0; i < got; i++)
      uart_putc_sync(chunk[i]);
    done += got;
    if (got == 0 || r->c.fault)
      break;
  }
  return usercopy_result(done, &r->c);
}

void console_intr(int c)
{
  acquire(&cons.lock);
  switch (c) {
  case CTRL('P'):
    procdump();
    break;
  case CTRL('U'):
    while (cons.e != cons.w && cons.buf[(cons.e - 1) % INPUT_BUF] != '\n') {
      cons.e--;
      echo('\b');
    }
    break;
  case '\b':
  case 0x7f:
    if (cons.e != cons.w) {
      cons.e--;
      echo('\b');
    }
    break;
  default:
    if (c == 0 || cons.e - cons.r >= INPUT_BUF)
      break;
    c = (c == '\r') ? '\n' : c;
    echo(c);
    cons.buf[cons.e++ % INPUT_BUF] = c;
    if (c == '\n' || c == CTRL('D') || cons.e - cons.r == INPUT_BUF) {
      cons.w = cons.e;
      wakeup(&cons.r);
    }
  }
  release(&cons.lock);
}

void console_init(void)
{
  initlock(&cons.lock, "cons");
  uart_init();
  devsw[KITE_CONSOLE_MAJOR].read = console_read;
  devsw[KITE_CONSOLE_MAJOR].write = console_write;
}
