/* Sv39 page tables; see pagetable.h. */
#include "arch/pagetable.h"
#include "arch/riscv.h"
#include "arch/memlayout.h"
#include "drivers/platform.h"
#include "mm/kalloc.h"
#include "lib/printf.h"
#include "lib/string.h"
#include <kite/errno.h>

pagetable_t kernel_pagetable;
uint64 kwin_ram_hi;

extern char etext[], erodata[], trampoline[];

static pte_t perm_bits(int perm)
{
  pte_t f = 0;
  if (perm & PT_READ)  f |= PTE_R;
  if (perm & PT_WRITE) f |= PTE_W | PTE_D;   /* A/D preset: QEMU would fault */
  if (perm & PT_EXEC)  f |= PTE_X;
  if (perm & PT_USER)  f |= PTE_U;
  return f | PTE_A;
}

static int bits_perm(pte_t pte)
{
  int perm = 0;
  if (pte & PTE_R) perm |= PT_READ;
  if (pte & PTE_W) perm |= PT_WRITE;
  if (pte & PTE_X) perm |= PT_EXEC;
  if (pte & PTE_U) perm |= PT_USER;
  return perm;
}

/*
 * The PTE for va at level 0, allocating intermediate tables if alloc.
 * NULL if va is out of range or a table is missing (or cannot be made).
 */
static pte_t *walk(pagetable_t pt, uint64 va, int alloc)
{
  if (va >= MAXVA)
    return NULL;
  for (int level = 2; level > 0; level--) {
    pte_t *pte = &pt[PX(level, va)];
    if (*pte & PTE_V) {
      pt = (pagetable_t)PTE2PA(*pte);
    } else {
      if (!alloc || (pt = kzalloc()) == NULL)
        return NULL;
      *pte = PA2PTE(pt) | PTE_V;
    }
  }
  return &pt[PX(0, va)];
}

pagetable_t pt_create(void)
{
  return kzalloc();
}

int pt_map(pagetable_t pt, uint64 va, uint64 pa, uint64 size, int perm)
{
  if ((va | pa | size) & (PGSIZE - 1) || size == 0)
    panic("pt_map: unaligned va=%p pa=%p size=%lx", (void *)va, (void *)pa, size);
  for (uint64 off = 0; off < size; off += PGSIZE) {
    pte_t *pte = walk(pt, va + off, 1);
    if (pte == NULL) {
      pt_unmap(pt, va, off / PGSIZE, UNMAP_KEEP);
      return -KITE_ENOMEM;
    }
    if (*pte & PTE_V)
      panic("pt_map: %p already mapped", (void *)(va + off));
    *pte = PA2PTE(pa + off) | perm_bits(perm) | PTE_V;
  }
  return 0;
}

/*
 * Visit the leaf PTEs of [start, end) under table pt at level, where pt
 * covers virtual addresses from base. Absent sub-tables are skipped.
 * Returns the number of entries looked at.
 */
typedef void (*leaf_fn)(pte_t *pte, uint64 va, void *arg);

static uint64 range_walk(pagetable_t pt, int level, uint64 base, uint64 start, uint64 end,
                         leaf_fn fn, void *arg)
{
  uint64 span = 1UL << PXSHIFT(level), seen = 0;
  uint64 first = start > base ? (start - base) / span : 0;
  for (uint64 i = first; i < 512; i++) {
    uint64 va = base + i * span;
    if (va >= end)
      break;
    pte_t *pte = &pt[i];
    seen++;
    if (!(*pte & PTE_V))
      continue;
    if (level == 0)
      fn(pte, va, arg);
    else
      seen += range_walk((pagetable_t)PTE2PA(*pte), level - 1, va, MAX(start, va), end, fn, arg);
  }
  return seen;
}

static void unmap_leaf(pte_t *pte, uint64 va, void *arg)
{
  if (*(enum unmap_mode *)arg == UNMAP_FREE)
    kfree((void *)PTE2PA(*pte));
  *pte = 0;
}

void pt_unmap(pagetable_t pt, uint64 va, uint64 npages, enum unmap_mode mode)
{
  range_walk(pt, 2, 0, va, va + npages * PGSIZE, unmap_leaf, &mode);
}

struct visit { pt_visit_fn fn; void *arg; };

static void visit_leaf(pte_t *pte, uint64 va, void *arg)
{
  struct visit *v = arg;
  int perm = bits_perm(*pte);
  if (v->fn(va, PTE2PA(*pte), &perm, v->arg))
    *pte = PA2PTE(PTE2PA(*pte)) | perm_bits(perm) | PTE_V;
}

uint64 pt_for_each(pagetable_t pt, uint64 start, uint64 end, pt_visit_fn fn, void *arg)
{
  struct visit v = { fn, arg };
  return range_walk(pt, 2, 0, start, end, visit_leaf, &v);
}

int pt_remap(pagetable_t pt, uint64 va, uint64 pa, int perm)
{
  pte_t *pte = walk(pt, va, 0);
  if (pte == NULL || (*pte & PTE_V) == 0)
    return -1;
  *pte = PA2PTE(pa) | perm_bits(perm) | PTE_V;
  return 0;
}

uint64 pt_lookup(pagetable_t pt, uint64 va, int *perm)
{
  pte_t *pte = walk(pt, va, 0);
  if (pte == NULL || (*pte & PTE_V) == 0)
    return 0;
  if (perm)
    *perm = bits_perm(*pte);
  return PTE2PA(*pte);
}

int pt_protect(pagetable_t pt, uint64 va, int perm)
{
  pte_t *pte = walk(pt, va, 0);
  if (pte == NULL || (*pte & PTE_V) == 0)
    return -1;
  *pte = PA2PTE(PTE2PA(*pte)) | perm_bits(perm) | PTE_V;
  return 0;
}

/* Is root entry i one of the kernel windows' shared entries? */
static int shared_slot(int i)
{
  return (i >= (int)(KWIN_RAM_LO / SLOT_SIZE) && i < (int)(kwin_ram_hi / SLOT_SIZE)) ||
         (i >= (int)(KWIN_STACK_LO / SLOT_SIZE) && i < (int)(KSTACK_TOP / SLOT_SIZE));
}

void pt_share_kernel(pagetable_t pt)
{
  for (int i = 0; i < 512; i++)
    if (shared_slot(i))
      pt[i] = kernel_pagetable[i];
}

static void destroy_level(pagetable_t pt, int level)
{
  for (int i = 0; i < 512; i++) {
    pte_t pte = pt[i];
    if (!(pte & PTE_V) || (level == 2 && shared_slot(i) && pt != kernel_pagetable))
      continue;
    if (level == 0 || (pte & (PTE_R | PTE_W | PTE_X)))
      panic("pt_destroy: leaf still mapped (index %d, level %d)", i, level);
    destroy_level((pagetable_t)PTE2PA(pte), level - 1);
  }
  kfree(pt);
}

void pt_destroy(pagetable_t pt)
{
  destroy_level(pt, 2);
}

void pt_flush(void) { sfence_vma(); }
void pt_flush_page(uint64 va) { asm volatile("sfence.vma %0, zero" : : "r"(va) : "memory"); }

static void kmap(uint64 va, uint64 pa, uint64 size, int perm)
{
  size = PGROUNDUP(size);
  if (size && pt_map(kernel_pagetable, va, pa, size, perm) != 0)
    panic("kvm_init: out of memory");
}

/* Where kvm_init put each device in the device window. */
static struct {
  uint64 uart, plic, test, virtio[PLATFORM_MAX_VIRTIO];
} devwin;

/* Map a device both at its physical address (used until this hart runs
 * on the table) and in the device window; returns its window address. */
static uint64 map_device(uint64 *next, uint64 pa, uint64 size)
{
  uint64 va = *next;
  size = PGROUNDUP(size);
  kmap(pa, pa, size, PT_READ | PT_WRITE);
  kmap(va, pa, size, PT_READ | PT_WRITE);
  *next += size;
  if (*next > KBENCH_BASE)
    panic("kvm_init: devices do not fit in the device window");
  return va;
}

void kvm_init(void)
{
  kwin_ram_hi = (platform.ram_end + SLOT_SIZE - 1) & ~(SLOT_SIZE - 1);
  kernel_pagetable = pt_create();
  uint64 next = KDEV_BASE;
  devwin.uart = map_device(&next, platform.uart_base, PGSIZE);
  devwin.plic = map_device(&next, platform.plic_base, platform.plic_size);
  for (int i = 0; i < platform.nvirtio; i++)
    devwin.virtio[i] = map_device(&next, platform.virtio[i].base, PGSIZE);
  if (platform.test_base)
    devwin.test = map_device(&next, platform.test_base, PGSIZE);
  kmap(KERNBASE, KERNBASE, (uint64)etext - KERNBASE, PT_READ | PT_EXEC);
  kmap((uint64)etext, (uint64)etext, (uint64)erodata - (uint64)etext, PT_READ);
  kmap((uint64)erodata, (uint64)erodata, platform.ram_end - (uint64)erodata, PT_READ | PT_WRITE);
  kmap(TRAMPOLINE, (uint64)trampoline, PGSIZE, PT_READ | PT_EXEC);
  /* The bench window's page-table pages exist from boot, so mapping and
   * unmapping its buffers leaves the free-page count as it was. */
  for (uint64 va = KBENCH_BASE; va < KDEV_TOP; va += 1UL << PXSHIFT(1))
    if (walk(kernel_pagetable, va, 1) == NULL)
      panic("kvm_init: out of memory");
}

void kvm_init_hart(void)
{
  sfence_vma();
  csr_write(satp, MAKE_SATP(kernel_pagetable));
  sfence_vma();
}

void kvm_use_device_window(void)
{
  platform.uart_base = devwin.uart;
  platform.plic_base = devwin.plic;
  for (int i = 0; i < platform.nvirtio; i++)
    platform.virtio[i].base = devwin.virtio[i];
  if (platform.test_base)
    platform.test_base = devwin.test;
}

void pt_switch(pagetable_t pt)
{
  uint64 satp = MAKE_SATP(pt);
  if (csr_read(satp) == satp)
    return;
  sfence_vma();            /* earlier page-table stores reach the walker */
  csr_write(satp, satp);
  sfence_vma();            /* no stale translations of the old table */
}
