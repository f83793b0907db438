/*
 * The program break. malloc grows the heap through _sbrk.
 */
#include <unistd.h>
#include "ulib.h"

/* Returns the old break; (void *)-1 and errno on failure. */
void *_sbrk(ptrdiff_t incr)
{
  long ret = KSYS1(SYS_sbrk, incr);

  if (kite_is_error(ret)) {
    errno = (int)-ret;
    return (void *)-1;
  }
  return (void *)ret;
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
