/*
 * <sys/mman.h> for Kite programs: memory mappings.
 *
 * newlib has no sys/mman.h for a bare-metal target, so Kite's user library
 * supplies one. The PROT_* and MAP_* values are Kite's ABI values from
 * <kite/mman.h> (which follow Linux); the calls are in user/lib/sys_mman.c
 * and fail with -1 (MAP_FAILED for mmap) and errno set. The exact error
 * each call returns, and when, is documented in <kite/mman.h>.
 *
 * Kite's own additions, kite_mquery() and kite_mmaps(), are declared in
 * "kite.h".
 */
#ifndef _SYS_MMAN_H_
#define _SYS_MMAN_H_

#include <stddef.h>
#include <sys/types.h>
#include <kite/mman.h>

#define PROT_NONE      KITE_PROT_NONE
#define PROT_READ      KITE_PROT_READ
#define PROT_WRITE     KITE_PROT_WRITE
#define PROT_EXEC      KITE_PROT_EXEC

#define MAP_SHARED     KITE_MAP_SHARED
#define MAP_PRIVATE    KITE_MAP_PRIVATE
#define MAP_FIXED      KITE_MAP_FIXED
#define MAP_ANONYMOUS  KITE_MAP_ANONYMOUS
#define MAP_ANON       MAP_ANONYMOUS     /* the BSD spelling */

#define MAP_FAILED     ((void *)-1)

#ifdef __cplusplus
extern "C" {
#endif

/*
 * mmap: map len bytes (rounded up to whole pages) of anonymous memory or
 * of the file open on fd from byte off. Without MAP_FIXED, addr is only a
 * hint and an occupied hint is moved, never replaced; with MAP_FIXED the
 * mapping is placed exactly at addr, replacing what was there.
 */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

/* Remove the mappings in [addr, addr + len); holes in the range are fine. */
int munmap(void *addr, size_t len);

/* Change the protection of [addr, addr + len), which must be all mapped. */
int mprotect(void *addr, size_t len, int prot);

#ifdef __cplusplus
}
#endif

#endif
