/*
 * Memory mappings: mmap, munmap, mprotect (<sys/mman.h>) and Kite's own
 * queries of the mapping list, kite_mquery and kite_mmaps (kite.h).
 */
#include <sys/mman.h>
#include "ulib.h"

/*
 * A mapping's address is below USER_TOP (far below 2^64 - 4095), so a
 * result in the error range can only be an error number.
 */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
  long ret = kite_syscall(SYS_mmap, (long)addr, (long)len, prot, flags, fd, (long)off);

  if (kite_is_error(ret)) {
    errno = (int)-ret;
    return MAP_FAILED;
  }
  return (void *)ret;
}

int munmap(void *addr, size_t len)
{
  return (int)kite_result(KSYS2(SYS_munmap, addr, len));
}

int mprotect(void *addr, size_t len, int prot)
{
  return (int)kite_result(KSYS3(SYS_mprotect, addr, len, prot));
}

int kite_mquery(void *addr, struct kite_mapping *out)
{
  return (int)kite_result(KSYS2(SYS_mquery, addr, out));
}

long kite_mmaps(int pid, struct kite_mapping *buf, long count)
{
  return kite_result(KSYS3(SYS_mmaps, pid, buf, count));
}
