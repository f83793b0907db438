/* 16550 UART driver; see uart.h. Register numbers from the 16550 data sheet. */
#include "drivers/uart.h"
#include "drivers/platform.h"
#include "drivers/plic.h"
#include "drivers/console.h"
#include "lib/spinlock.h"
#include "lib/klog.h"
#include "arch/sbi.h"

#define RHR 0   /* receive holding */
#define THR 0   /* transmit holding */
#define IER 1   /* interrupt enable */
#define FCR 2   /* FIFO control */
#define LCR 3   /* line control */
#define LSR 5   /* line status */
#define LSR_RX_READY (1 << 0)
#define LSR_TX_IDLE  (1 << 5)

static volatile unsigned char *uart_reg(int r)
{
  return (volatile unsigned char *)(platform.uart_base + r);
}

void uart_init(void)
{
  *uart_reg(IER) = 0x00;
  *uart_reg(LCR) = 0x80;        /* baud latch: QEMU ignores the rate */
  *uart_reg(0) = 0x03;
  *uart_reg(1) = 0x00;
  *uart_reg(LCR) = 0x03;        /* 8 bits, no parity */
  *uart_reg(FCR) = 0x07;        /* reset and enable FIFOs */
  *uart_reg(IER) = 0x01;        /* receive interrupts */
  irq_register(platform.uart_irq, uart_intr);
}

/* Every console byte goes through here, and into the kernel log. */
void uart_putc_sync(int c)
{
  klog_putc(c);
  if (platform.uart_base == 0) {        /* before the device tree is read */
    sbi_call(0x01, 0, c, 0, 0);         /* legacy SBI console putchar */
    return;
  }
  push_off();
  while ((*uart_reg(LSR) & LSR_TX_IDLE) == 0)
    ;
  *uart_reg(THR) = c;
  pop_off();
}

void uart_puts_sync(const char *s)
{
  while (*s)
    uart_putc_sync(*s++);
}

void uart_intr(void)
{
  while (*uart_reg(LSR) & LSR_RX_READY)
    console_intr(*uart_reg(RHR));
}
