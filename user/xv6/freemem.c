// freemem: how much memory a process can get, found the way xv6's
// tests count it: sbrk() a page at a time until the kernel says no.
//
//   $ freemem
//   31200 pages (124800 KiB) could be had; all given back
//
// sbrk() is eager, as in xv6: each page is backed before sbrk returns,
// and when memory runs out it returns SBRK_ERROR with nothing changed,
// so the loop ends instead of the process being killed. malloc() grows
// the heap the same way and returns 0 when it cannot.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  char *start = sbrk(0);
  int pages = 0, blocks = 0;
  void *list = 0, *m;

  // 64 pages at a time while that works, then single pages.
  while(sbrk(64 * PGSIZE) != SBRK_ERROR)
    pages += 64;
  while(sbrk(PGSIZE) != SBRK_ERROR)
    pages++;
  sbrk(-(sbrk(0) - start));
  printf("%d pages (%d KiB) could be had; all given back\n", pages, pages * (PGSIZE / 1024));

  // The same memory through malloc, in 64 KiB blocks chained together.
  while((m = malloc(64 * 1024)) != 0){
    *(void **)m = list;
    list = m;
    blocks++;
  }
  while(list){
    m = *(void **)list;
    free(list);
    list = m;
  }
  printf("malloc gave %d blocks of 64 KiB before returning 0\n", blocks);
  exit(0);
}
