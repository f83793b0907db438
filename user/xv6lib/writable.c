/*
 * xv6_writable: ask Kite's mapping list (SYS_mquery) whether a range is
 * writable memory of the program, one mapping at a time.
 */
#include "xv6lib.h"

static int writable_type(uint32 type)
{
  return type != KITE_VM_GUARD && type != KITE_VM_KERNEL && type != KITE_VM_FREE &&
         type != KITE_VM_MMIO;
}

int xv6_writable(const void *p, uint64 n)
{
  uint64 a = (uint64)p, end = a + n;
  struct kite_mapping m;

  if (end < a)
    return 0;
  while (a < end) {
    if (xv6_is_error(XSYS2(SYS_mquery, a, &m)) || !writable_type(m.type) ||
        !(m.prot & KITE_PROT_WRITE) || m.start > a || m.end <= a)
      return 0;
    a = m.end;
  }
  return 1;
}
