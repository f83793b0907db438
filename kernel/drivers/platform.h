/*
 * What the device tree told Kite about the machine. Filled once by
 * fdt_parse() on the boot hart before anything else runs; read-only after.
 *
 * The tree itself stays where the firmware put it, [fdt_base, fdt_base +
 * fdt_size), kept out of the page allocator for good: the firmware hands
 * the same address to any hart it sends to the cold-boot entry, and
 * fdt_intact() can tell that the tree is still there.
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
  uint64 fdt_base, fdt_size;       /* the flattened device tree itself */
};

extern struct platform platform;

void fdt_parse(uint64 dtb_pa);
int  fdt_intact(void);             /* the tree at fdt_base still has its header */

#endif
