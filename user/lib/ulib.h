/*
 * Private header of Kite's user library (not for programs).
 *
 * Every wrapper follows one rule: the kernel returns a value in
 * [-4095, -1] only as a negative error number; the wrapper then stores the
 * number in errno and returns -1. Any other value is the result.
 */
#ifndef KITE_ULIB_H
#define KITE_ULIB_H

#include <errno.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include "kite.h"

#define KITE_MAX_ERRNO 4095

static inline int kite_is_error(long ret)
{
  return ret < 0 && ret >= -KITE_MAX_ERRNO;
}

/* Turn a raw kernel result into the C-library convention. */
static inline long kite_result(long ret)
{
  if (kite_is_error(ret)) {
    errno = (int)-ret;
    return -1;
  }
  return ret;
}

static inline long kite_fail(int err)
{
  errno = err;
  return -1;
}

/* newlib's system-call hooks, declared by newlib only while it compiles
 * itself; the signatures are newlib's. */
ssize_t _read(int fd, void *buf, size_t n);
ssize_t _write(int fd, const void *buf, size_t n);
int     _open(const char *path, int flags, ...);
int     _close(int fd);
off_t   _lseek(int fd, off_t off, int whence);
int     _fstat(int fd, struct stat *st);
int     _stat(const char *path, struct stat *st);
int     _isatty(int fd);
int     _link(const char *old, const char *new);
int     _unlink(const char *path);
void   *_sbrk(ptrdiff_t incr);
pid_t   _fork(void);
pid_t   _wait(int *status);
int     _execve(const char *path, char *const argv[], char *const envp[]);
int     _kill(pid_t pid, int sig);
pid_t   _getpid(void);
int     _gettimeofday(struct timeval *tv, void *tz);
clock_t _times(struct tms *buf);

#endif
