/*
 * What the device tree told Kite about the machine. Filled once by
 * fdt_parse() on the boot hart before anything else runs; read-only after.
 */
#ifndef KITE_PLATFORM_H
#define KITE_PLATFORM_H

#include "lib/types.h"

#define PLATFORM_MAX_VIRTIO 8

struct platform {
  uint64 ram_start, ram_end;       /* [start, end) of main memory */
  int    nharts;                   /* harts present (may exceed NCPU) */
  uint64 timebase;                 /* timer ticks per second */
  uint64 uart_base;  int uart_irq;
  uint64 plic_base;  uint64 plic_size;
  int    nvirtio;
  struct { uint64 base; uint64 size; int irq; } virtio[PLATFORM_MAX_VIRTIO];
  uint64 test_base;                /* sifive,test poweroff device, 0 if absent */
  int    has_sstc;                 /* stimecmp CSR available */
};

extern struct platform platform;

void fdt_parse(uint64 dtb_pa);

#endif
