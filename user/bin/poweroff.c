/* poweroff: switch the machine off. */
#include <stdio.h>
#include "kite.h"

int main(void)
{
  fflush(stdout);
  kite_poweroff();   /* exits with status 1 if the kernel refuses */
}
