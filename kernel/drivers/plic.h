/*
 * Platform-level interrupt controller: routes device interrupts to harts'
 * S-mode external interrupt line. Drivers register a handler for their
 * source number; the trap code claims, dispatches and completes.
 */
#ifndef KITE_PLIC_H
#define KITE_PLIC_H

typedef void (*irq_handler_t)(void);

void plic_init_hart(void);       /* on every hart */
/* Route source irq to every hart and call handler when it fires. */
void irq_register(int irq, irq_handler_t handler);
/* Called from the trap code on an external interrupt. */
void plic_dispatch(void);

#endif
