/*
 * The program break. malloc grows the heap through _sbrk.
 */
#include <unistd.h>
#include "ulib.h"

static void *sbrk_typed(ptrdiff_t incr, long type)
{
  long ret = KSYS2(SYS_sbrk, incr, type);

  if (kite_is_error(ret)) {
    errno = (int)-ret;
    return (void *)-1;
  }
  return (void *)ret;
}

/* Returns the old break; (void *)-1 and errno on failure. malloc's heap
 * grows lazily: pages appear when first touched. */
void *_sbrk(ptrdiff_t incr)
{
  return sbrk_typed(incr, KITE_SBRK_LAZY);
}

void *kite_sbrk_eager(ptrdiff_t incr)
{
  return sbrk_typed(incr, KITE_SBRK_EAGER);
}

/* The kernel answers with the break it now has: the old one on failure. */
int brk(void *addr)
{
  long ret = KSYS1(SYS_brk, addr);

  if (kite_is_error(ret))
    return kite_result(ret);
  if ((void *)ret != addr)
    return kite_fail(ENOMEM);
  return 0;
}
