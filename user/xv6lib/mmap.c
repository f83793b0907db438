/*
 * The mmap lab's calls on Kite's mmap and munmap (<kite/mman.h> has the
 * contract; the PROT_* and MAP_* values are the same). mmap returns
 * (void *)-1 on failure, the lab's MAP_FAILED.
 */
#include "xv6lib.h"
#include "user/user.h"

void *mmap(void *addr, uint64 len, int prot, int flags, int fd, uint64 offset)
{
  long r = kite_syscall(SYS_mmap, (long)addr, (long)len, prot, flags, fd, (long)offset);

  return xv6_is_error(r) ? (void *)-1 : (void *)r;
}

int munmap(void *addr, uint64 len)
{
  return xv6_result(XSYS2(SYS_munmap, addr, len));
}
