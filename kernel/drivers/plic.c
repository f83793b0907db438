/*
 * PLIC driver; see plic.h. Register layout from the RISC-V PLIC
 * specification; on QEMU virt, hart h's S-mode context is 2h + 1.
 */
#include "drivers/plic.h"
#include "drivers/platform.h"
#include "lib/printf.h"
#include "proc/proc.h"

#define PLIC_MAX_IRQ 128

static irq_handler_t handlers[PLIC_MAX_IRQ];   /* set before harts start */
static uint32 enabled[PLIC_MAX_IRQ / 32];

static volatile uint32 *plic_reg(uint64 off)
{
  return (volatile uint32 *)(platform.plic_base + off);
}

static uint64 context(void) { return 2 * cpuid() + 1; }

void irq_register(int irq, irq_handler_t handler)
{
  if (irq <= 0 || irq >= PLIC_MAX_IRQ)
    panic("irq_register: bad irq %d", irq);
  handlers[irq] = handler;
  enabled[irq / 32] |= 1u << (irq % 32);
  *plic_reg(4 * irq) = 1;                       /* priority: any nonzero */
}

/* Enable the registered sources for this hart's S-mode context. */
void plic_init_hart(void)
{
  for (int i = 0; i < PLIC_MAX_IRQ / 32; i++)
    *plic_reg(0x2000 + 0x80 * context() + 4 * i) = enabled[i];
  *plic_reg(0x200000 + 0x1000 * context()) = 0;  /* threshold: take all */
}

void plic_dispatch(void)
{
  volatile uint32 *claim = plic_reg(0x200004 + 0x1000 * context());
  uint32 irq = *claim;
  if (irq == 0)
    return;                                      /* another hart took it */
  if (irq < PLIC_MAX_IRQ && handlers[irq])
    handlers[irq]();
  else
    printf("kite: unexpected interrupt irq=%d\n", irq);
  *claim = irq;                                  /* complete */
}
