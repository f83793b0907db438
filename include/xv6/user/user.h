/*
 * xv6's "user/user.h" on Kite: the calls of xv6's user library, with
 * xv6's signatures and meanings, implemented by Kite's compatibility
 * library (user/xv6lib/) on Kite's system calls.
 *
 * The declarations of both xv6-riscv generations are here: the newer
 * sys_sbrk(n, type), sbrk (eager), sbrklazy and pause, and the older
 * sleep (the same call as pause). Every call returns -1 on failure;
 * there is no errno.
 *
 * Meanings a program can rely on:
 *  - printf() and fprintf(fd, ...) are unbuffered: each call writes its
 *    output before it returns, so nothing is printed twice across a fork.
 *    Formats are xv6's: %d %u %x %p %s %c %%, with l or ll before d, u
 *    and x for 64-bit values; anything else prints as written.
 *  - exit() does not return; wait() stores the status the child passed to
 *    exit(), or -1 for a process the kernel killed (bad access, kill()).
 *  - sbrk(n) backs every page at once or fails (SBRK_ERROR) with nothing
 *    changed; malloc() grows the heap the same way.
 *  - pause(n) and sleep(n) wait n timer ticks; uptime() counts ticks
 *    since boot. Kite's tick is 10 ms.
 */
#ifndef XV6_USER_USER_H
#define XV6_USER_USER_H

#include "../kernel/types.h"

#define SBRK_ERROR ((char *)-1)

struct stat;

/* system calls */
int fork(void);
int exit(int) __attribute__((noreturn));
int wait(int *);
int pipe(int *);
int write(int, const void *, int);
int read(int, void *, int);
int close(int);
int kill(int);
int exec(const char *, char **);
int open(const char *, int);
int mknod(const char *, short, short);
int unlink(const char *);
int fstat(int fd, struct stat *);
int link(const char *, const char *);
int mkdir(const char *);
int chdir(const char *);
int dup(int);
int getpid(void);
char *sys_sbrk(int, int);
int pause(int);
int sleep(int);
int uptime(void);

/* the mmap lab's calls */
void *mmap(void *addr, uint64 len, int prot, int flags, int fd, uint64 offset);
int munmap(void *addr, uint64 len);

/* ulib */
int stat(const char *, struct stat *);
char *strcpy(char *, const char *);
void *memmove(void *, const void *, int);
char *strchr(const char *, char c);
int strcmp(const char *, const char *);
char *gets(char *, int max);
uint strlen(const char *);
void *memset(void *, int, uint);
int atoi(const char *);
int memcmp(const void *, const void *, uint);
void *memcpy(void *, const void *, uint);
char *sbrk(int);
char *sbrklazy(int);

/* printf */
void fprintf(int, const char *, ...) __attribute__((format(printf, 2, 3)));
void printf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* umalloc */
void *malloc(uint);
void free(void *);

#endif
