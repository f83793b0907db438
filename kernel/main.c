/*
 * Kite's C entry points. The boot hart sets everything up in kmain() and
 * starts the other harts, which join in kmain_secondary(); every hart then
 * runs its scheduler loop forever.
 */
#include "arch/riscv.h"
#include "arch/sbi.h"
#include "arch/trap.h"
#include "arch/pagetable.h"
#include "drivers/platform.h"
#include "drivers/plic.h"
#include "drivers/console.h"
#include "drivers/virtio_blk.h"
#include "mm/kalloc.h"
#include "mm/pmint.h"
#include "proc/proc.h"
#include "proc/hart.h"
#include "fs/buf.h"
#include "fs/fs.h"
#include "fs/file.h"
#include "lib/printf.h"

extern char end[];
extern void _secondary_entry(void);
void printf_init(void);

static volatile int boot_done;

static void start_other_harts(int boot_hart)
{
  for (int id = 0; id < platform.nharts && id < NCPU; id++) {
    if (id == boot_hart)
      continue;
    if (sbi_hart_start(id, (uint64)_secondary_entry, 0) != 0)
      printf("kite: hart %d did not start\n", id);
  }
}

void kmain(uint64 hartid, uint64 dtb)
{
  cpus[hartid].hartid = hartid;
  fdt_parse(dtb);
  printf("\nkite: booting on hart %ld of %d, %ld MiB RAM\n", hartid, platform.nharts,
         (platform.ram_end - platform.ram_start) >> 20);
  kinit((uint64)end, platform.ram_end, platform.fdt_base, platform.fdt_base + platform.fdt_size);
  kvm_init();
  procinit();              /* maps kernel stacks into the kernel table */
  procmem_init();
  kvm_init_hart();
  kvm_use_device_window();
  printf_init();
  trap_init();
  trap_init_hart();
  console_init();
  binit();
  iinit();
  fileinit();
  virtio_blk_init();
  plic_init_hart();
  userinit();
  __sync_synchronize();
  boot_done = 1;
  start_other_harts(hartid);
  hart_joined(hartid);
  scheduler();
}

/* Also where a hart that the firmware sent to _entry late comes in (see
 * arch/entry.S), and where SYS_hartreenter brings one back (proc/hart.h). */
void kmain_secondary(uint64 hartid)
{
  while (!boot_done)
    ;
  __sync_synchronize();
  cpus[hartid].hartid = hartid;
  kvm_init_hart();
  trap_init_hart();
  plic_init_hart();
  hart_joined(hartid);
  scheduler();
}
