/*
 * A simulated user address space for host tests of kernel/mm/usercopy.c:
 * NPAGES pages at `sim_base` (page-aligned host memory), each present or
 * absent, writable or not. sim_copy() plays uaccess_copy(): it stops at the
 * first byte on a page it may not touch and returns what is left.
 */
#ifndef KITE_USERCOPY_HOST_H
#define KITE_USERCOPY_HOST_H

#include <stdint.h>
#include <string.h>

#define SIM_PAGES 8
#define SIM_PAGE 4096

static uint8_t *sim_base;
static int sim_present[SIM_PAGES], sim_writable[SIM_PAGES];
static long sim_calls;                 /* uaccess_copy calls, to check "nothing touched" */

#define USER_TOP ((uint64_t)(uintptr_t)(sim_base + SIM_PAGES * SIM_PAGE))
/* One simulated kernel window: the last page of the space. */
#define KWIN_RAM_LO (USER_TOP - SIM_PAGE)
#define KWIN_STACK_LO (~0ULL)
static int in_kernel_window(uint64_t a, uint64_t b) { return a < USER_TOP && b > KWIN_RAM_LO; }


struct proc { long fault_after; };
static struct proc sim_proc = { -1 };
static struct proc *myproc(void) { return &sim_proc; }

static int sim_user(const void *p)
{
  return (const uint8_t *)p >= sim_base && (const uint8_t *)p < sim_base + SIM_PAGES * SIM_PAGE;
}

static int sim_ok(const uint8_t *p, int write)
{
  if (p < sim_base)
    return 0;                          /* below the simulated space: unmapped */
  long page = (p - sim_base) / SIM_PAGE;
  return page < SIM_PAGES && sim_present[page] && (!write || sim_writable[page]);
}

static size_t uaccess_copy(void *dst, const void *src, size_t n)
{
  uint8_t *d = dst;
  const uint8_t *s = src;
  int to_user = sim_user(dst) || !sim_user(src);
  sim_calls++;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *u = to_user ? d + i : s + i;
    if (!sim_ok(u, to_user))
      return n - i;
    d[i] = s[i];
  }
  return 0;
}

#endif
