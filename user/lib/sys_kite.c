/*
 * Kite's own system calls (declared in kite.h).
 */
#include <unistd.h>
#include "ulib.h"

/* Returns only if the kernel refused: then the caller exits with 1. */
void kite_poweroff(void)
{
  KSYS0(SYS_poweroff);
  _exit(1);
}

int kite_sysinfo(struct kite_sysinfo *info)
{
  return kite_result(KSYS1(SYS_sysinfo, info));
}

int kite_faultinject(long nbytes)
{
  return kite_result(KSYS1(SYS_faultinject, nbytes));
}
