/* Debug system calls about harts. */
#include "syscall/syscall.h"
#include "proc/hart.h"

/* hartreenter(hart): see proc/hart.h; no user memory is involved. */
long sys_hartreenter(void)
{
  return hart_reenter(argint(0));
}
