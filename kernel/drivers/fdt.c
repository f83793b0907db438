/*
 * A minimal flattened-device-tree reader: walks the structure block once
 * and fills `platform` with what Kite needs. Format from the Devicetree
 * Specification (big-endian tokens, 4-byte aligned).
 *
 * Kite assumes #address-cells = #size-cells = 2, as on QEMU virt.
 */
#include "drivers/platform.h"
#include "lib/printf.h"
#include "lib/string.h"

struct platform platform;

#define FDT_MAGIC       0xd00dfeed
#define ALIGN4(n)       (((n) + 3) & ~3u)
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9

struct fdt_header {
  uint32 magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap;
  uint32 version, last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

/* What one node said about itself, evaluated at its END_NODE. */
struct node {
  const char *name;
  const char *compat; int compat_len;
  const char *isa;
  const uint8 *reg;   int reg_len;
  uint32 irq;
  uint64 timebase;
  int is_memory, is_cpu;
};

static uint32 be32(const void *p)
{
  const uint8 *b = p;
  return (uint32)b[0] << 24 | (uint32)b[1] << 16 | (uint32)b[2] << 8 | b[3];
}

static uint64 be64(const void *p)
{
  return (uint64)be32(p) << 32 | be32((const uint8 *)p + 4);
}

/* "compatible" is a list of NUL-separated strings. */
static int compatible(const struct node *n, const char *want)
{
  for (int i = 0; i < n->compat_len; ) {
    const char *s = n->compat + i;
    if (strncmp(s, want, strlen(want) + 1) == 0)
      return 1;
    i += strlen(s) + 1;
  }
  return 0;
}

static int has_substring(const char *s, const char *sub)
{
  for (size_t n = strlen(sub); s && *s; s++)
    if (strncmp(s, sub, n) == 0)
      return 1;
  return 0;
}

static void found_node(const struct node *n)
{
  uint64 base = n->reg_len >= 16 ? be64(n->reg) : 0;
  uint64 size = n->reg_len >= 16 ? be64(n->reg + 8) : 0;
  if (n->is_memory && platform.ram_end == 0) {
    platform.ram_start = base;
    platform.ram_end = base + size;
  } else if (n->is_cpu) {
    platform.nharts++;
    if (has_substring(n->isa, "sstc"))
      platform.has_sstc = 1;
  } else if (compatible(n, "ns16550a")) {
    platform.uart_base = base;
    platform.uart_irq = n->irq;
  } else if (compatible(n, "riscv,plic0") || compatible(n, "sifive,plic-1.0.0")) {
    platform.plic_base = base;
    platform.plic_size = size;
  } else if (compatible(n, "virtio,mmio") && platform.nvirtio < PLATFORM_MAX_VIRTIO) {
    platform.virtio[platform.nvirtio].base = base;
    platform.virtio[platform.nvirtio].size = size;
    platform.virtio[platform.nvirtio].irq = n->irq;
    platform.nvirtio++;
  } else if (compatible(n, "sifive,test0")) {
    platform.test_base = base;
  }
  if (n->timebase)
    platform.timebase = n->timebase;
}

static void read_prop(struct node *n, const char *pname, const uint8 *val, uint32 len)
{
  if (strncmp(pname, "compatible", 11) == 0) {
    n->compat = (const char *)val;
    n->compat_len = len;
  } else if (strncmp(pname, "reg", 4) == 0) {
    n->reg = val;
    n->reg_len = len;
  } else if (strncmp(pname, "interrupts", 11) == 0 && len >= 4) {
    n->irq = be32(val);
  } else if (strncmp(pname, "device_type", 12) == 0) {
    n->is_memory = strncmp((const char *)val, "memory", 7) == 0;
    n->is_cpu = strncmp((const char *)val, "cpu", 4) == 0;
  } else if (strncmp(pname, "riscv,isa", 10) == 0) {
    n->isa = (const char *)val;
  } else if (strncmp(pname, "timebase-frequency", 19) == 0) {
    n->timebase = len == 8 ? be64(val) : be32(val);
  }
}

void fdt_parse(uint64 dtb_pa)
{
  const uint8 *fdt = (const uint8 *)dtb_pa;
  const struct fdt_header *h = (const struct fdt_header *)fdt;
  if (be32(&h->magic) != FDT_MAGIC)
    panic("fdt: no device tree at %p (bad magic)", (void *)dtb_pa);
  platform.fdt_base = dtb_pa;
  platform.fdt_size = be32(&h->totalsize);
  if (platform.fdt_size < sizeof *h)
    panic("fdt: device tree at %p claims %ld bytes", (void *)dtb_pa, platform.fdt_size);
  const uint8 *p = fdt + be32(&h->off_dt_struct);
  const uint8 *endp = p + be32(&h->size_dt_struct);
  const char *strings = (const char *)fdt + be32(&h->off_dt_strings);

  struct node stack[16];
  int depth = -1;
  while (p < endp) {
    uint32 tok = be32(p);
    p += 4;
    if (tok == FDT_BEGIN_NODE) {
      if (++depth >= (int)ARRAY_SIZE(stack))
        panic("fdt: nesting too deep");
      memset(&stack[depth], 0, sizeof stack[depth]);
      stack[depth].name = (const char *)p;
      p += ALIGN4(strlen((const char *)p) + 1);
    } else if (tok == FDT_PROP) {
      uint32 len = be32(p), nameoff = be32(p + 4);
      if (depth >= 0)
        read_prop(&stack[depth], strings + nameoff, p + 8, len);
      p += 8 + ALIGN4(len);
    } else if (tok == FDT_END_NODE) {
      if (depth >= 0)
        found_node(&stack[depth]);
      depth--;
    } else if (tok == FDT_END) {
      break;
    } else if (tok != FDT_NOP) {
      panic("fdt: bad token %d", tok);
    }
  }
  if (platform.ram_end == 0 || platform.uart_base == 0 || platform.plic_base == 0)
    panic("fdt: device tree lacks memory, UART or PLIC");
  if (platform.timebase == 0)
    platform.timebase = 10000000;     /* QEMU virt's, if the tree is silent */
}

int fdt_intact(void)
{
  const struct fdt_header *h = (const struct fdt_header *)platform.fdt_base;
  return h && be32(&h->magic) == FDT_MAGIC && be32(&h->totalsize) == platform.fdt_size;
}
