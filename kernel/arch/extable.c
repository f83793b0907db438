/* The exception table of uaccess.S; see uaccess.h. */
#include "arch/uaccess.h"

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

uint64 uaccess_fixup(uint64 pc)
{
  for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
    if (e->insn == pc)
      return e->fixup;
  return 0;
}
