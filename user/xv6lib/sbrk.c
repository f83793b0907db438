/*
 * The program break. sbrk(n) grows eagerly: every new page is backed
 * before it returns, or nothing changes and it returns SBRK_ERROR (the
 * kernel answers -ENOMEM without killing anyone). sbrklazy(n) only moves
 * the break; pages appear on first touch. Both return the old break.
 */
#include "xv6lib.h"
#include "kernel/vm.h"
#include "user/user.h"

_Static_assert(SBRK_EAGER == KITE_SBRK_EAGER && SBRK_LAZY == KITE_SBRK_LAZY,
               "kernel/vm.h must carry Kite's sbrk types");

/*
 * xv6 treats a shrink below address 0 (n < 0 with -n larger than the
 * break, as sbrk(0x80000004) or sbrk(-(sbrk(0) + 1)) ask) as no change,
 * and returns the break. Any other shrink below the start of the heap
 * Kite refuses: that is SBRK_ERROR.
 */
char *sys_sbrk(int n, int type)
{
  long r;

  if (n < 0) {
    r = XSYS2(SYS_sbrk, 0, type);
    if (!xv6_is_error(r) && (uint64)-(long)n > (uint64)r)
      return (char *)r;
  }
  r = XSYS2(SYS_sbrk, (long)n, type);
  return xv6_is_error(r) ? SBRK_ERROR : (char *)r;
}

char *sbrk(int n) { return sys_sbrk(n, SBRK_EAGER); }
char *sbrklazy(int n) { return sys_sbrk(n, SBRK_LAZY); }
