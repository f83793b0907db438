/*
 * 16550-compatible UART (QEMU virt's console). Output is synchronous
 * (QEMU's transmitter is always ready); input arrives by interrupt and is
 * handed to the console line discipline.
 */
#ifndef KITE_UART_H
#define KITE_UART_H

void uart_init(void);
void uart_putc_sync(int c);
void uart_puts_sync(const char *s);
void uart_intr(void);

#endif
