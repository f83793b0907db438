/*
 * xv6's system calls on Kite's: the numbers and arguments are the same
 * for all of these; only the error convention changes (-1, no errno).
 */
#include "xv6lib.h"
#include "user/user.h"

int fork(void) { return xv6_result(XSYS0(SYS_fork)); }

int exit(int status)
{
  XSYS1(SYS_exit, status);
  for (;;)
    ;
}

int wait(int *status) { return xv6_result(XSYS1(SYS_wait, status)); }
int pipe(int *fds) { return xv6_result(XSYS1(SYS_pipe, fds)); }

/* n is an int, as in xv6: a negative count fails. */
int write(int fd, const void *buf, int n) { return xv6_result(XSYS3(SYS_write, fd, buf, n)); }
int read(int fd, void *buf, int n) { return xv6_result(XSYS3(SYS_read, fd, buf, n)); }

int close(int fd) { return xv6_result(XSYS1(SYS_close, fd)); }
int kill(int pid) { return xv6_result(XSYS1(SYS_kill, pid)); }

/* Returns only on failure. */
int exec(const char *path, char **argv) { return xv6_result(XSYS2(SYS_exec, path, argv)); }

int open(const char *path, int flags) { return xv6_result(XSYS2(SYS_open, path, flags)); }
int mknod(const char *path, short major, short minor) { return xv6_result(XSYS3(SYS_mknod, path, major, minor)); }
int unlink(const char *path) { return xv6_result(XSYS1(SYS_unlink, path)); }
int link(const char *old, const char *new) { return xv6_result(XSYS2(SYS_link, old, new)); }
int mkdir(const char *path) { return xv6_result(XSYS1(SYS_mkdir, path)); }
int chdir(const char *path) { return xv6_result(XSYS1(SYS_chdir, path)); }
int dup(int fd) { return xv6_result(XSYS1(SYS_dup, fd)); }
int getpid(void) { return xv6_result(XSYS0(SYS_getpid)); }
int uptime(void) { return xv6_result(XSYS0(SYS_uptime)); }
