/*
 * Start of an xv6 program: crt0 (user/lib/crt0.S) calls _kite_start,
 * which runs main and exits with its value.
 *
 * xv6 programs assume their memory is one piece, [start, sbrk(0)): some
 * touch sbrk(0) - 1 with an empty heap. Kite may start the heap a random
 * number of pages above the end of the program (address-space layout
 * randomisation), so the gap is filled first with zero-filled memory,
 * lazily (it costs nothing until touched).
 */
#include "xv6lib.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"

extern char _end[];                 /* end of bss (user/lib/user.ld) */
extern int main(int argc, char **argv);

void _kite_start(int argc, char **argv) __attribute__((noreturn));

static void fill_heap_gap(void)
{
  uint64 lo = PGROUNDUP((uint64)_end), hi = (uint64)XSYS2(SYS_sbrk, 0, KITE_SBRK_LAZY);

  if (xv6_is_error((long)hi) || hi <= lo)
    return;
  mmap((void *)lo, hi - lo, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0);
}

void _kite_start(int argc, char **argv)
{
  fill_heap_gap();
  exit(main(argc, argv));
}
