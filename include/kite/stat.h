/*
 * Kite fstat(2) record and time records: the user-kernel ABI.
 */
#ifndef KITE_STAT_H
#define KITE_STAT_H

#include <stdint.h>

/* File types, in the st_mode bits POSIX uses. */
#define KITE_S_IFMT    0170000
#define KITE_S_IFDIR   0040000
#define KITE_S_IFCHR   0020000
#define KITE_S_IFREG   0100000

struct kite_stat {
  uint32_t st_dev;     /* device number of the file system */
  uint32_t st_ino;     /* inode number */
  uint32_t st_mode;    /* KITE_S_IF* type; permission bits are always 0755 */
  uint32_t st_nlink;   /* number of hard links */
  uint64_t st_size;    /* size in bytes */
  uint32_t st_rdev;    /* major << 16 | minor, for device files */
  uint32_t st_pad;
};

/* SYS_clock: wall-clock-like time since boot (Kite has no RTC setting). */
struct kite_time {
  uint64_t sec;
  uint64_t nsec;
};

/* SYS_sysinfo: counters a test can compare before and after. */
struct kite_sysinfo {
  uint64_t free_pages;   /* physical pages on the free list */
  uint64_t total_pages;  /* physical pages managed by the allocator */
  uint64_t nproc;        /* processes not UNUSED */
  uint64_t uptime_ticks; /* timer ticks since boot */
  uint64_t ticks_per_sec;
  uint64_t timebase;     /* rdtime counts per second (SYS_bench results too) */
  uint64_t harts;        /* harts Kite schedules processes on */
  uint64_t timer_intrs;  /* timer interrupts taken, all harts, since boot */
  uint64_t ipi_wakeups;  /* times an idle hart was woken from wfi by an IPI */
};

#endif
