/*
 * pause(n): wait n timer ticks (1 tick = 10 ms on Kite). A negative n
 * waits no time, as in xv6. sleep(n) is the older name of the same call.
 * -1 if the process was killed while it waited.
 */
#include "xv6lib.h"
#include "user/user.h"

int pause(int n)
{
  return xv6_result(XSYS1(SYS_sleep, n < 0 ? 0 : n));
}

int sleep(int n)
{
  return pause(n);
}
