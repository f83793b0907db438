/*
 * fuzz: Kite's seeded system-call fuzzer, as an in-QEMU suite.
 *
 *   fuzz [-q] [-l] [-a NAME] [NAME...]      the bounded runs (make test)
 *   fuzz -s SEED -n CALLS [-w WORKERS] [-m raw|mix|all] [-v] [-p] [-o] [ktest flags]
 *                                           one run of CALLS calls (make fuzz)
 * -v prints every call before it is made, -p the time spent in each kind
 * of call, and -o lets the workers' big regions take all of memory (the
 * kernel runs out of pages; the run's own processes may be killed too).
 *
 * The flags, the output protocol and how each test runs in a child of its
 * own are the test runner's: see user/lib/ktest.h.
 *
 * What a run does. The test child (the driver) makes a scratch directory
 * "/fz.PID", control pages shared by every process of the run, and a
 * watchdog. It then keeps WORKERS worker processes alive until CALLS
 * system calls have been made. Each worker has its own seed (from the
 * run's seed and the worker's number) and issues, by the run's mode:
 *  - raw calls: every number from 0 to SYS_MAX + 8 and a few huge ones,
 *    with arguments drawn per slot from hostile classes: NULL and page 0,
 *    the kernel windows every page table holds (RAM, devices, kernel
 *    stacks), the trap frame and trampoline, the top of user space and
 *    1 << 38, non-canonical and wrapping addresses, read-only text, the
 *    stack guard, unaligned and huge lengths, random words, flag bits;
 *    half of them shaped by the call's signature so they get past the
 *    first argument check;
 *  - mixes: mmap (anonymous and file, private and shared, fixed and
 *    placed) / munmap / mprotect / brk / sbrk / touching the memory /
 *    fork (copy-on-write) / exec of the malformed and valid ELF files
 *    mkbadelf put in the image and of files with random contents / pipe
 *    / dup / close / read / write / open / link / unlink / mkdir / chdir,
 *    and fault injection (kite_faultinject) before a call; and children
 *    that die on purpose (a kernel address, the stack guard, their own
 *    text unmapped, ...).
 * One worker in four is a file-system worker; the others make the calls
 * that take a path sixteen times less often (each that succeeds is a disk
 * transaction every other process waits for).
 * A fork in any fuzzing process makes a child that fuzzes a little and
 * exits; every fuzzing process has a slot in the control page (pid, calls
 * made, the call it is in). The watchdog kills a process whose call count
 * has not moved for STALL_TICKS (a read from an empty pipe, a long sleep,
 * a wait for a blocked child: all legal); a process that cannot be killed
 * is a kernel hang and fails the run.
 *
 * What a run checks: the kernel does not panic or hang (the harness sees
 * those); memory no process writes stays as it was (canaries, below);
 * once every process of the run is gone, the processes and free pages
 * are what they were (the runner checks pages exactly, KTEST_LEAKS_EACH);
 * the scratch directory can be removed. "alive" then checks that fork +
 * exec of a simple program still works.
 *
 * What a fuzzing process never does: power off; kill a process that is
 * not one of the run's (kill's pid is a slot's pid or one no process can
 * have, also after the kernel truncates it to an int); exit the driver;
 * open the console (workers close every descriptor they inherit, and a
 * device node with the console's major is never made); use a path that
 * leaves the scratch directory (every path argument is checked, and
 * copied, before the call; exec may also name the image's ELF files);
 * sleep long or run SYS_bench for more than two iterations, except
 * rarely (the watchdog ends those).
 *
 * Deterministic for a given seed: every choice comes from the worker's
 * generator; only the interleaving of processes on the harts, and what
 * the kernel returns, differ from run to run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include <kite/mman.h>

#define PG              4096UL

/* Kite's address-space layout (kernel/arch/memlayout.h). */
#define USER_BASE       0x10000UL
#define USER_TOP        0x3fffff0000UL
#define MAXVA           (1UL << 38)
#define TRAMPOLINE      (MAXVA - PG)
#define TRAPFRAME       (MAXVA - 2 * PG)
#define KSTACK_TOP      (MAXVA - (1UL << 30))
#define KDEV_BASE       (KSTACK_TOP - 2 * (1UL << 30))
#define KWIN_RAM_LO     0x80000000UL
#define KERNBASE        0x80200000UL
#define STACK_SIZE      ((unsigned long)KITE_USTACK_PAGES * PG)
#define STACK_GUARD     (16 * PG)

/* The run's own fixed addresses, far from the heap, the stack and the
 * top-down mmap area (memtests uses 64 GiB up; these are above it). */
#define CTL_BASE        0x2000000000UL      /* the control pages (shared) */
#define ARENA           0x2100000000UL      /* buffers: private, read-write */
#define ARENA_PAGES     32
#define ARENA_SIZE      (ARENA_PAGES * PG)
#define PLAY            0x2200000000UL      /* fixed mmaps go here */
#define TRAP            (CTL_BASE + 16 * PG) /* private; the page above stays a hole */
#define PLAY_PAGES      4096

#define NSLOT           KITE_NPROC
#define STALL_TICKS     150         /* no call finished for this long: kill */
#define STALL_WAIT      600         /* ... in wait(): the children are watched too */
#define WATCH_TICKS     4
#define DEFAULT_WORKERS 6
#define LIFE_CALLS      1500        /* calls one worker makes before it exits */
#define CHILD_CALLS     40          /* calls a forked child makes */
#define VERBOSE_FD      (KITE_NOFILE - 1)
#define BURN_BYTES      (24 * PG)   /* stack above the workers' frames, a target */

#define NSYS_RAW        (SYS_MAX + 8)

enum fz_mode { FZ_RAW, FZ_MIX, FZ_ALL };

/* ------------------------------------------------------------------------ */
/* The control pages, shared by every process of a run                       */

struct fz_slot {
  volatile long pid;                /* 0: free; -1: being freed */
  volatile unsigned long calls;     /* calls made; only the owner writes */
  volatile long num;                /* the call it is in (or made last) */
  volatile long arg[3];
};

#define CANARY_WORDS    32

struct fz_ctl {
  volatile unsigned long head[CANARY_WORDS];   /* canary: nobody writes it */
  volatile int stop;                /* the run is over: everyone goes */
  volatile unsigned long retired;   /* calls of slots given back */
  volatile unsigned long forks, execs, doomed, stalled;
  volatile unsigned long stalled_in[SYS_MAX + 1];   /* by call; [SYS_MAX]: others */
  volatile unsigned long count[SYS_MAX + 1];        /* calls made, by call */
  volatile unsigned long ticks[SYS_MAX + 1];        /* rdtime ticks spent in them */
  struct fz_slot slot[NSLOT];
  volatile long bad_off, bad_val, bad_pid;    /* the first canary found changed */
  volatile long bad_words;          /* how many words had changed then */
  volatile unsigned long bad_calls; /* the run's calls when it was seen */
  struct fz_slot bad_slots[NSLOT];  /* what every process was doing then */
  volatile long wrong_pid;          /* the first process that saw a wrong result */
  char wrong[160];                  /* ... and what it was */
  volatile unsigned long tail[];    /* canary: to the end of the pages */
};

#define CTL_SIZE        (2 * PG)
_Static_assert(sizeof(struct fz_ctl) + 256 <= CTL_SIZE, "the control pages hold it all");

#define CTL ((struct fz_ctl *)CTL_BASE)
#define CTL_TAIL_WORDS ((CTL_SIZE - sizeof(struct fz_ctl)) / 8)
#define CANARY_PAGE     (CTL_BASE + 32 * PG)   /* private, shared copy-on-write */

/*
 * Canaries: words no process of the run ever writes, in the control page
 * (shared by all) and in a private page every worker inherits
 * copy-on-write. A kernel that writes a page it should not (a stale
 * translation, a page freed while still mapped, a copy into the wrong
 * place) shows up as a changed canary.
 */
static long sys6(long n, long a, long b, long c, long d, long e, long f);

static unsigned long ctl_calls(void)
{
  unsigned long n = CTL->retired;
  for (int i = 0; i < NSLOT; i++)
    if (CTL->slot[i].pid > 0)
      n += CTL->slot[i].calls;
  return n;
}

static unsigned long canary(unsigned long addr)
{
  return (addr * 0x9e3779b97f4a7c15UL) ^ 0x6b69746563616e61UL;
}

static void canary_fill(void)
{
  for (int i = 0; i < CANARY_WORDS; i++)
    CTL->head[i] = canary((unsigned long)&CTL->head[i]);
  for (unsigned i = 0; i < CTL_TAIL_WORDS; i++)
    CTL->tail[i] = canary((unsigned long)&CTL->tail[i]);
  for (unsigned long a = CANARY_PAGE; a < CANARY_PAGE + PG; a += 8)
    *(unsigned long *)a = canary(a);
}

/* The first changed canary word, or 0; the pid that saw it is recorded. */
static unsigned long canary_check(int private_page)
{
  unsigned long bad = 0;
  for (int i = 0; i < CANARY_WORDS && !bad; i++)
    if (CTL->head[i] != canary((unsigned long)&CTL->head[i]))
      bad = (unsigned long)&CTL->head[i];
  for (unsigned i = 0; i < CTL_TAIL_WORDS && !bad; i++)
    if (CTL->tail[i] != canary((unsigned long)&CTL->tail[i]))
      bad = (unsigned long)&CTL->tail[i];
  for (unsigned long a = CANARY_PAGE; private_page && !bad && a < CANARY_PAGE + PG; a += 8)
    if (*(volatile unsigned long *)a != canary(a))
      bad = a;
  if (bad) {
    long zero = 0;
    if (__atomic_compare_exchange_n(&CTL->bad_off, &zero, (long)bad, 0, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST)) {
      long n = 0;
      CTL->bad_val = *(volatile long *)bad;
      CTL->bad_pid = sys6(SYS_getpid, 0, 0, 0, 0, 0, 0);
      for (unsigned long a = bad & ~(PG - 1); a < (bad & ~(PG - 1)) + PG; a += 8)
        if ((a < CTL_BASE + sizeof(struct fz_ctl) && a >= (unsigned long)&CTL->stop) ? 0 :
            *(volatile unsigned long *)a != canary(a))
          n++;
      CTL->bad_words = n;
      for (int i = 0; i < NSLOT; i++)
        CTL->bad_slots[i] = CTL->slot[i];
      CTL->bad_calls = ctl_calls();
      CTL->stop = 1;
    }
  }
  return bad;
}

/* Give slot i back if it still belongs to pid: whoever wins moves its
 * count to retired, and it is free (pid 0) only once its count is 0. */
static void slot_free(int i, long pid)
{
  long want = pid;
  if (!__atomic_compare_exchange_n(&CTL->slot[i].pid, &want, -1, 0, __ATOMIC_SEQ_CST,
                                   __ATOMIC_SEQ_CST))
    return;
  __atomic_fetch_add(&CTL->retired, CTL->slot[i].calls, __ATOMIC_SEQ_CST);
  CTL->slot[i].calls = 0;
  __atomic_store_n(&CTL->slot[i].pid, 0, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------------ */
/* The state of one fuzzing process                                          */

static struct {
  enum fz_mode mode;
  int slot;                 /* in the control page; -1: none */
  long pid;
  int depth;                /* 0: a worker; 1: a child a worker forked */
  int fs_worker;            /* one worker in four: files more than memory */
  int verbose;
  unsigned long rng;
  unsigned long stack_lo;   /* the lowest address of the stack mapping */
  unsigned long live_hi;    /* live frames are in [stack_lo, live_hi) */
  unsigned long heap0;      /* the break then */
  unsigned long regions[16][2];   /* ranges mmap gave, for later calls */
  int nregions;
  long kids[8];             /* children forked by this process */
  int nkids;
  long files[4];            /* descriptors open() gave (maybe closed since) */
  long hog_pages;           /* the most one op_hog may touch */
} me = { .slot = -1 };

/* The run's parameters and names, set by the driver before any fork. */
static struct {
  unsigned long seed;
  long calls;
  int workers;
  enum fz_mode mode;
  int profile;              /* -p: print the time spent in each call */
  int oom;                  /* -o: the big regions may take all memory */
  char dir[24];             /* "/fz.PID" */
  int dirlen;
  char paths[40][48];       /* the path pool */
  int npaths;
  char elves[64][48];       /* the image's ELF files, for exec */
  int nelves;
} run;

static unsigned long rnd(void)
{
  unsigned long x = me.rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  me.rng = x;
  return x * 0x2545f4914f6cdd1dUL;
}

static unsigned long below(unsigned long n) { return n ? rnd() % n : 0; }
static int one_in(unsigned long n) { return below(n) == 0; }

static unsigned long mix(unsigned long a, unsigned long b)
{
  unsigned long z = a + 0x9e3779b97f4a7c15UL * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return (z ^ (z >> 31)) | 1;
}

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
  return kite_syscall(n, a, b, c, d, e, f);
}

static void put_hex(char *buf, int *n, unsigned long v)
{
  char t[17];
  int k = 0;
  do {
    t[k++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  while (k > 0)
    buf[(*n)++] = t[--k];
}

/* -v: each call on the console, before it is made. */
static void trace(long num, const long *a)
{
  char line[200];
  int n = 0;
  line[n++] = 'f'; line[n++] = 'z'; line[n++] = ' ';
  put_hex(line, &n, me.pid);
  line[n++] = ':'; line[n++] = ' ';
  put_hex(line, &n, num);
  for (int i = 0; i < 6; i++) {
    line[n++] = i ? ',' : '(';
    put_hex(line, &n, a[i]);
  }
  line[n++] = ')';
  line[n++] = '\n';
  sys6(SYS_write, VERBOSE_FD, (long)line, n, 0, 0, 0);
}

static unsigned long rdtime(void)
{
  unsigned long t;
  __asm__ volatile("rdtime %0" : "=r"(t));
  return t;
}

/* Every call a fuzzing process makes goes through here and is counted. */
static long call6(long num, long a0, long a1, long a2, long a3, long a4, long a5)
{
  if (me.slot >= 0) {
    struct fz_slot *s = &CTL->slot[me.slot];
    s->num = num;
    s->arg[0] = a0;
    s->arg[1] = a1;
    s->arg[2] = a2;
    s->calls++;
  }
  if (me.verbose) {
    long a[6] = { a0, a1, a2, a3, a4, a5 };
    trace(num, a);
  }
  unsigned long t0 = rdtime();
  long r = sys6(num, a0, a1, a2, a3, a4, a5);
  int k = num >= 0 && num < SYS_MAX ? num : SYS_MAX;
  __atomic_fetch_add(&CTL->count[k], 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&CTL->ticks[k], rdtime() - t0, __ATOMIC_RELAXED);
  return r;
}

#define C0(n)                  call6((n), 0, 0, 0, 0, 0, 0)
#define C1(n, a)               call6((n), (long)(a), 0, 0, 0, 0, 0)
#define C2(n, a, b)            call6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define C3(n, a, b, c)         call6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* Leave: give the slot back first, so the watchdog has nothing to do. */
static __attribute__((noreturn)) void fz_exit(long status)
{
  if (me.slot >= 0)
    slot_free(me.slot, me.pid);
  me.slot = -1;
  for (;;)
    sys6(SYS_exit, status, 0, 0, 0, 0, 0);
}

/* Take a free slot for this (new) process; exit if there is none. */
static void slot_take(void)
{
  me.pid = sys6(SYS_getpid, 0, 0, 0, 0, 0, 0);
  me.slot = -1;
  for (int i = 0; i < NSLOT; i++) {
    long zero = 0;
    if (__atomic_compare_exchange_n(&CTL->slot[i].pid, &zero, me.pid, 0, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST)) {
      me.slot = i;
      return;
    }
  }
  fz_exit(0);
}

/* ------------------------------------------------------------------------ */
/* Argument classes                                                          */

static unsigned long ram_top(void)
{
  static unsigned long top;
  if (!top) {
    struct kite_sysinfo si;
    top = sys6(SYS_sysinfo, (long)&si, 0, 0, 0, 0, 0) == 0
          ? KWIN_RAM_LO + (si.total_pages + 1024) * PG : KWIN_RAM_LO + (128UL << 20);
  }
  return top;
}

static void text_marker(void) { }

static unsigned long hostile_pick(unsigned k);

/* An address no user access may reach, or one that is user but wrong
 * (page 0, read-only text, the stack guard, past the top). */
static unsigned long hostile_addr(void)
{
  return hostile_pick(below(18));
}

static unsigned long hostile_pick(unsigned k)
{
  switch (k) {
  case 0:  return 0;
  case 1:  return below(PG);
  case 2:  return USER_BASE - 1 - below(64);
  case 3:  return KWIN_RAM_LO + below(ram_top() - KWIN_RAM_LO);
  case 4:  return KERNBASE + below(0x10000);
  case 5:  return ram_top() - 1 - below(64);
  case 6:  return KDEV_BASE + below(1UL << 28);
  case 7:  return KSTACK_TOP - 1 - below(0x100000);
  case 8:  return USER_TOP - 1 - below(64);
  case 9:  return USER_TOP + below(PG);
  case 10: return TRAPFRAME + below(PG);
  case 11: return TRAMPOLINE + below(PG);
  case 12: return MAXVA - below(16);
  case 13: return (1UL << 63) | rnd();                  /* non-canonical */
  case 14: return -1UL - below(2 * PG);                 /* wraps */
  case 15: return (unsigned long)&text_marker + below(64);   /* read-only text */
  case 16: return me.stack_lo - 1 - below(STACK_GUARD);     /* the stack guard */
  default: return 0xffffffc000000000UL + below(1UL << 30);  /* the upper half */
  }
}

/* The same for the memory calls: never our own text (a fixed mmap or
 * munmap there is legal, and ends the process). */
static unsigned long hostile_mm_addr(void)
{
  unsigned k = below(17);
  return hostile_pick(k >= 15 ? k + 1 : k);
}

/* An address in memory the run owns: the arena, the playground, what mmap
 * gave, the heap; page-aligned or not. */
static unsigned long owned_addr(int aligned)
{
  unsigned long a;
  switch (below(6)) {
  case 0:
  case 1:  a = ARENA + below(ARENA_SIZE); break;
  case 2:  a = ARENA + ARENA_SIZE - below(64); break;         /* straddles the end */
  case 3:  a = PLAY + below(PLAY_PAGES) * PG + below(PG); break;
  case 4:
    if (me.nregions > 0) {
      int i = below(me.nregions);
      a = me.regions[i][0] + below(me.regions[i][1] + PG);
      break;
    }
    /* fall through */
  default: a = me.heap0 + below(16 * PG); break;
  }
  return aligned ? a & ~(PG - 1) : a;
}

static int protected_addr(unsigned long a);

static unsigned long any_ptr(void)
{
  unsigned long a = one_in(3) ? hostile_addr() : owned_addr(one_in(2));
  return protected_addr(a) ? ARENA + below(ARENA_SIZE) : a;
}

static unsigned long rnd_len(void)
{
  switch (below(12)) {
  case 0:  return 0;
  case 1:  return 1 + below(16);
  case 2:  return below(PG);
  case 3:  return PG * (1 + below(8));
  case 4:  return PG * (1 + below(8)) + (one_in(2) ? 1 : -1UL);
  case 5:  return below(ARENA_SIZE + PG);
  case 6:  return 1UL << below(64);
  case 7:  return -1UL - below(PG);
  case 8:  return 0x80000000UL + below(3) - 1;
  case 9:  return 0x100000000UL + below(3) - 1;
  case 10: return USER_TOP - below(2) * PG;
  default: return 64 + below(2048);
  }
}

static long rnd_special(void)
{
  static const long vals[] = {
    0, 1, -1, 2, -2, 0x7fffffff, -0x7fffffff - 1, 0x80000000L, 0xffffffffL,
    0x100000000L, 0x7fffffffffffffffL, (long)0x8000000000000000UL, -4095, -4096, 4095,
  };
  return vals[below(sizeof vals / sizeof vals[0])];
}

static long rnd_fd(void)
{
  return one_in(12) ? rnd_special() : (long)below(KITE_NOFILE + 3);
}

static long open_flags(void)
{
  static const long bits[] = {
    KITE_O_WRONLY, KITE_O_RDWR, KITE_O_APPEND, KITE_O_CREAT, KITE_O_TRUNC, KITE_O_EXCL,
    KITE_O_DIRECTORY,
  };
  long f = 0;
  for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++)
    if (one_in(3))
      f |= bits[i];
  if (one_in(16))
    f |= 1L << below(32);
  return f;
}

static long rnd_prot(void)
{
  long p = below(8);
  if (one_in(16))
    p |= 1L << below(64);
  return p;
}

static long map_flags(void)
{
  long f = one_in(2) ? KITE_MAP_PRIVATE : KITE_MAP_SHARED;
  if (one_in(2))
    f |= KITE_MAP_ANONYMOUS;
  if (one_in(2))
    f |= KITE_MAP_FIXED;
  if (one_in(12))
    f |= KITE_MAP_PRIVATE | KITE_MAP_SHARED;
  if (one_in(16))
    f |= 1L << below(64);
  return f;
}

/* A pid kill may name: one of the run's, or one no process can have,
 * even after the kernel takes the low 32 bits. */
static long kill_pid(void)
{
  long kid = me.nkids ? me.kids[below(me.nkids)] : -1;
  switch (below(16)) {
  case 0: {
    long pid = CTL->slot[below(NSLOT)].pid;
    return pid > 0 ? pid : kid;
  }
  case 1:  return one_in(4) ? me.pid : kid;
  case 2:
  case 3:  return -(long)below(0x7fffffff) - 1;
  case 4:
  case 5:  return 0x40000000L + below(0x3fffffff);
  case 6:  return kid > 0 ? (long)(rnd() & ~0xffffffffUL) | kid : 0;
  case 7:  return 0;
  default: return kid;
  }
}

static const char *pool_path(void)
{
  return run.paths[below(run.npaths)];
}

static long any_path(void)
{
  if (one_in(6))
    return (long)any_ptr();
  return (long)pool_path();
}

/* Is a a page of this process that mquery says is writable? (counted) */
static int writable(unsigned long a)
{
  struct kite_mapping m;
  return C2(SYS_mquery, a, &m) == 0 && m.type != KITE_VM_FREE && m.type != KITE_VM_GUARD &&
         m.type != KITE_VM_KERNEL && (m.prot & KITE_PROT_WRITE) && a >= m.start && a < m.end;
}

/* What exec gets: mostly the image's ELF files, else any path. */
static long exec_path(void)
{
  return one_in(3) ? any_path() : (long)run.elves[below(run.nelves)];
}

/* An exec argument vector, built in the arena: good strings, hostile
 * pointers, too many of them, or none at all. */
static long any_argv(void)
{
  unsigned long *v = (unsigned long *)(ARENA + ARENA_SIZE - 2 * PG);
  if (one_in(5) || !writable((unsigned long)v))
    return (long)any_ptr();
  int n = one_in(8) ? KITE_MAXARG + 1 + below(4) : below(5);
  for (int i = 0; i < n; i++)
    v[i] = one_in(4) ? any_ptr() : (unsigned long)pool_path();
  v[n] = one_in(8) ? any_ptr() : 0;
  return (long)v;
}

/* ------------------------------------------------------------------------ */
/* Paths: never outside the scratch directory                                */

/* Is [a, a+n) readable user memory of this process? (mquery, counted) */
static int readable(unsigned long a, unsigned long n)
{
  struct kite_mapping m;
  if (a < USER_BASE || a >= USER_TOP || n > USER_TOP - a)
    return 0;
  for (unsigned long p = a & ~(PG - 1); p < a + n; p += PG) {
    if (C2(SYS_mquery, p, &m) != 0)
      return 0;
    if (m.type == KITE_VM_FREE || m.type == KITE_VM_GUARD || m.type == KITE_VM_KERNEL ||
        !(m.prot & KITE_PROT_READ))
      return 0;
  }
  return 1;
}

/* A path the kernel may look up: inside the scratch directory (relative
 * paths are, since no chdir leaves it), no ".."; exec may also have the
 * ELF files of the image. */
static int path_ok(const char *s, int for_exec)
{
  for (int i = 0; for_exec && i < run.nelves; i++)
    if (!strcmp(s, run.elves[i]))
      return 1;
  if (s[0] == '/' && (strncmp(s, run.dir, run.dirlen) != 0 ||
                      (s[run.dirlen] != '/' && s[run.dirlen] != 0)))
    return 0;
  for (const char *p = s; *p; p++)
    if (p[0] == '.' && p[1] == '.' && (p == s || p[-1] == '/') && (p[2] == '/' || p[2] == 0))
      return 0;
  return 1;
}

/*
 * The path argument the call will get. A string in readable memory is
 * copied into buf first (another process may share the page), then
 * checked; a pointer that is not readable at all is passed as it is. A
 * string that runs into a hole before its NUL is copied to the end of
 * the TRAP page, which has a hole above it, so the kernel still meets
 * the hole (and must say -EFAULT). A bad path becomes a pool path.
 */
static long safe_path(long p, char *buf, int for_exec)
{
  unsigned long a = (unsigned long)p;
  int n = 0;
  if (!readable(a, 1))
    return p;
  for (;;) {
    if (((a + n) & (PG - 1)) == 0 && !readable(a + n, 1)) {
      /* It runs into a hole before its NUL: so does the copy. */
      char *t = (char *)(TRAP + PG - n);
      if (!writable(TRAP))
        return 0;
      memcpy(t, buf, n);
      return (long)t;
    }
    buf[n] = *(volatile char *)(a + n);
    if (buf[n] == 0)
      break;
    if (++n == KITE_MAXPATH + 8) {
      buf[n] = 0;
      return (long)buf;              /* too long: the kernel refuses it */
    }
  }
  return path_ok(buf, for_exec) ? (long)buf : (long)pool_path();
}

/* ------------------------------------------------------------------------ */
/* Raw calls                                                                 */

enum argk { A_ANY, A_FD, A_PTR, A_LEN, A_INT, A_PATH, A_EXECPATH, A_ARGV, A_OFLAGS, A_PROT, A_MFLAGS,
            A_ADDR, A_PID, A_OFF, A_SBRK };

/* The shape of each call's arguments, to get past its first checks. */
static const unsigned char shapes[SYS_MAX][6] = {
  [SYS_wait]     = { A_PTR },
  [SYS_pipe]     = { A_PTR },
  [SYS_read]     = { A_FD, A_PTR, A_LEN },
  [SYS_kill]     = { A_PID },
  [SYS_exec]     = { A_EXECPATH, A_ARGV },
  [SYS_fstat]    = { A_FD, A_PTR },
  [SYS_chdir]    = { A_PATH },
  [SYS_dup]      = { A_FD },
  [SYS_sbrk]     = { A_OFF, A_SBRK },
  [SYS_sleep]    = { A_INT },
  [SYS_open]     = { A_PATH, A_OFLAGS },
  [SYS_write]    = { A_FD, A_PTR, A_LEN },
  [SYS_mknod]    = { A_PATH, A_INT, A_INT },
  [SYS_unlink]   = { A_PATH },
  [SYS_link]     = { A_PATH, A_PATH },
  [SYS_mkdir]    = { A_PATH },
  [SYS_close]    = { A_FD },
  [SYS_lseek]    = { A_FD, A_OFF, A_INT },
  [SYS_brk]      = { A_ADDR },
  [SYS_clock]    = { A_PTR },
  [SYS_sysinfo]  = { A_PTR },
  [SYS_mmap]     = { A_ADDR, A_LEN, A_PROT, A_MFLAGS, A_FD, A_OFF },
  [SYS_munmap]   = { A_ADDR, A_LEN },
  [SYS_mprotect] = { A_ADDR, A_LEN, A_PROT },
  [SYS_mquery]   = { A_ADDR, A_PTR },
  [SYS_mmaps]    = { A_PID, A_PTR, A_INT },
  [SYS_faultinject] = { A_INT },
  [SYS_bench]    = { A_INT, A_PTR, A_LEN, A_INT },
};

/* sbrk's second argument: eager or lazy growth, now and then neither. */
static long sbrk_type(void)
{
  return one_in(8) ? rnd_special() : one_in(2) ? KITE_SBRK_EAGER : KITE_SBRK_LAZY;
}

static long arg_of(int kind)
{
  switch (kind) {
  case A_FD:     return rnd_fd();
  case A_PTR:    return (long)any_ptr();
  case A_LEN:    return (long)rnd_len();
  case A_INT:    return one_in(3) ? rnd_special() : (long)below(12) - 2;
  case A_PATH:   return any_path();
  case A_EXECPATH: return exec_path();
  case A_ARGV:   return any_argv();
  case A_OFLAGS: return open_flags();
  case A_PROT:   return rnd_prot();
  case A_MFLAGS: return map_flags();
  case A_ADDR:   return (long)(one_in(3) ? hostile_mm_addr() : owned_addr(!one_in(6)));
  case A_PID:    return kill_pid();
  case A_OFF:    return one_in(2) ? (long)(below(8) * PG) - 4 * (long)PG : rnd_special();
  case A_SBRK:   return sbrk_type();
  default:
    switch (below(8)) {
    case 0:  return (long)below(20) - 2;
    case 1:  return rnd_fd();
    case 2:  return (long)any_ptr();
    case 3:  return (long)rnd_len();
    case 4:  return (long)rnd();
    case 5:  return rnd_special();
    case 6:  return open_flags() | map_flags();
    default: return (long)pool_path();
    }
  }
}

static int is_path_call(long num)
{
  return num == SYS_exec || num == SYS_open || num == SYS_chdir || num == SYS_mkdir ||
         num == SYS_mknod || num == SYS_unlink || num == SYS_link;
}

static int uses_fd(long num)
{
  return num == SYS_read || num == SYS_write || num == SYS_close || num == SYS_dup ||
         num == SYS_fstat || num == SYS_lseek;
}

static void child_init(void);
static void child_start(void);

/* What a fork made: the parent notes its child; a child takes a slot
 * and, with fuzz, lives a short life of its own. */
static void after_fork(long r, int fuzz)
{
  if (r == 0) {
    child_init();
    if (fuzz)
      child_start();
    return;
  }
  if (r > 0) {
    __atomic_fetch_add(&CTL->forks, 1, __ATOMIC_RELAXED);
    if (me.nkids < 8)
      me.kids[me.nkids++] = r;
    else
      me.kids[below(8)] = r;
  }
}

/* A read or write of a pipe may wait for good (most often for this very
 * process): let one in eight through, and the watchdog deal with it. */
static int would_block(int fd)
{
  struct kite_stat st;
  if (fd < 0 || fd >= KITE_NOFILE || C2(SYS_fstat, fd, &st) != 0)
    return 0;
  return (st.st_mode & KITE_S_IFMT) == 0010000 && !one_in(8);
}

/* Make the arguments safe where they must be (see the top of this file). */
extern char etext[], _end[];

/*
 * Memory the kernel must not be asked to write for us, because we use it:
 * the control pages (and the trap and canary pages near them), this
 * program's data, and the stack frames in use. A write there (a length
 * like 1 << 37 passed as a pointer is CTL_BASE) would be a correct kernel
 * corrupting the fuzzer. The top of the stack stays a target: workers run
 * below a frame of BURN_BYTES nobody uses.
 */
static int protected_addr(unsigned long a)
{
  return (a >= CTL_BASE && a < CTL_BASE + 64 * PG) ||
         (a >= ((unsigned long)etext & ~(PG - 1)) && a < (unsigned long)_end + PG) ||
         (a >= me.stack_lo && a < me.live_hi);
}

static long tame(long num, long *a, char path0[], char path1[])
{
  for (int i = 0; i < 6; i++)
    while (protected_addr(a[i]))
      a[i] = hostile_addr();
  if (num == SYS_poweroff)
    return SYS_MAX + 1;
  if (num == SYS_kill)
    a[0] = kill_pid();
  if (num == SYS_sleep && (int)a[0] > 0 && !one_in(40))
    a[0] = one_in(8);
  if (num == SYS_bench && !one_in(64))
    a[3] = below(3);                 /* iterations: long ones wait for the watchdog */
  if (num == SYS_mknod && (int)a[1] == KITE_CONSOLE_MAJOR)
    a[1] = 7;
  if ((num == SYS_read || num == SYS_write) && would_block((int)a[0]))
    a[0] = -1;
  if (me.verbose && uses_fd(num) && (int)a[0] == VERBOSE_FD)
    a[0] = VERBOSE_FD - 1;
  if (me.verbose && num == SYS_mmap && (int)a[4] == VERBOSE_FD)
    a[4] = VERBOSE_FD - 1;
  if (is_path_call(num))
    a[0] = safe_path(a[0], path0, num == SYS_exec);
  if (num == SYS_link)
    a[1] = safe_path(a[1], path1, 0);
  return num;
}

/*
 * A call number, 0 .. SYS_MAX + 7. In workers that are not file-system
 * workers the calls that take a path weigh a sixteenth of the others:
 * each that succeeds is a disk transaction, tens of milliseconds that
 * every other process waits for.
 */
static long raw_number(void)
{
  for (;;) {
    long num = below(NSYS_RAW);
    if (!is_path_call(num) || me.fs_worker || one_in(16))
      return num;
  }
}

/* A result that cannot be right: say so (the first one) and stop the run. */
static void wrong_result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void wrong_result(const char *fmt, ...)
{
  long zero = 0;
  if (!__atomic_compare_exchange_n(&CTL->wrong_pid, &zero, me.pid, 0, __ATOMIC_SEQ_CST,
                                   __ATOMIC_SEQ_CST))
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(CTL->wrong, sizeof CTL->wrong, fmt, ap);
  va_end(ap);
  CTL->stop = 1;
}

/* pipe() said it stored two descriptors at p: are they there? Only in
 * private memory (a shared page may have been written since). */
static void check_pipe_fds(unsigned long p)
{
  struct kite_mapping m;
  if (!readable(p, 8) || C2(SYS_mquery, p, &m) != 0 || !(m.flags & KITE_VMF_PRIVATE) ||
      ((p + 7) & ~(PG - 1)) != (p & ~(PG - 1)))
    return;
  int f0 = ((volatile int *)p)[0], f1 = ((volatile int *)p)[1];
  if (f0 < 0 || f0 >= KITE_NOFILE || f1 < 0 || f1 >= KITE_NOFILE || f0 == f1)
    wrong_result("pipe() returned 0 but %#lx holds %d, %d (mapping [%#lx, %#lx) type %u "
                 "prot %u flags %#x, %u resident)", p, f0, f1, (unsigned long)m.start,
                 (unsigned long)m.end, m.type, m.prot, m.flags, m.resident);
}

static void raw_call(void)
{
  long num, a[6];
  char path0[KITE_MAXPATH + 16], path1[KITE_MAXPATH + 16];

  if (one_in(64))
    num = one_in(2) ? -1L - (long)below(4)
                    : (long)((rnd() << 32) | (0x80000000UL + below(1UL << 30)));
  else
    num = raw_number();
  int shaped = num >= 0 && num < SYS_MAX && !one_in(2);
  for (int i = 0; i < 6; i++)
    a[i] = arg_of(shaped ? shapes[num][i] : A_ANY);
  num = tame(num, a, path0, path1);
  if (num == SYS_exit && (me.depth > 0 || one_in(16)))
    fz_exit(a[0]);
  if (num == SYS_exit)
    return;
  long r = call6(num, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (num == SYS_pipe && r == 0)
    check_pipe_fds(a[0]);
  if (num == SYS_fork)
    after_fork(r, 1);
  else if (num == SYS_exec && r >= 0)
    fz_exit(0);                      /* cannot happen: exec does not return */
}

/* ------------------------------------------------------------------------ */
/* Mixes                                                                     */

static void add_region(unsigned long a, unsigned long len)
{
  int i = me.nregions < 16 ? me.nregions++ : (int)below(16);
  me.regions[i][0] = a;
  me.regions[i][1] = len;
}

/* A page-aligned range in something the run owns, or a hostile one. */
static void some_range(unsigned long *a, unsigned long *len)
{
  if (one_in(6)) {
    *a = hostile_mm_addr() & (one_in(4) ? -1UL : ~(PG - 1));
    *len = rnd_len();
    return;
  }
  if (me.nregions > 0 && one_in(2)) {
    int i = below(me.nregions);
    unsigned long pages = (me.regions[i][1] + PG - 1) / PG;
    unsigned long first = below(pages + 1);
    *a = me.regions[i][0] + first * PG;
    *len = (1 + below(pages + 1 - first)) * PG;
    return;
  }
  *a = PLAY + below(PLAY_PAGES) * PG;
  *len = (1 + below(32)) * PG;
  if (one_in(8))
    *len -= 1 + below(PG - 1);
}

static void op_mmap(void)
{
  unsigned long a, len;
  long prot = below(8), flags, fd = -1, off = 0;
  some_range(&a, &len);
  if (one_in(3))
    prot = rnd_prot();
  flags = one_in(2) ? KITE_MAP_PRIVATE : KITE_MAP_SHARED;
  if (one_in(2))
    flags |= KITE_MAP_ANONYMOUS;
  else
    fd = one_in(3) ? rnd_fd() : me.files[below(4)], off = one_in(3) ? (long)(below(4) * PG) : 0;
  if (!one_in(3))
    flags |= KITE_MAP_FIXED;
  else if (one_in(3))
    a = 0;
  if (one_in(12))
    flags = map_flags(), off = arg_of(A_OFF);
  long r = call6(SYS_mmap, a, len, prot, flags, fd, off);
  if (!is_err(r))
    add_region(r, len);
}

/* A big region, every page touched (copy-on-write after a fork, lazy
 * zero-fill), sometimes forked while held; then given back. */
static void op_hog(void)
{
  unsigned long pages = 64 + below(me.hog_pages > 64 ? me.hog_pages - 64 : 1);
  long r = call6(SYS_mmap, 0, pages * PG, KITE_PROT_READ | KITE_PROT_WRITE,
                 KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS, -1, 0);
  if (is_err(r))
    return;
  for (unsigned long i = 0; i < pages; i++)
    ((volatile char *)r)[i * PG + (i & 255)] = (char)i;
  if (one_in(3)) {
    long pid = C0(SYS_fork);
    after_fork(pid, 0);
    if (pid == 0) {
      for (unsigned long i = 0; i < pages; i += 1 + below(4))
        ((volatile char *)r)[i * PG] = 1;
      fz_exit(0);
    }
    if (pid > 0)
      C1(SYS_wait, 0);
  }
  C2(SYS_munmap, r, pages * PG);
}

/* Many mappings: every other page of a playground range gets another
 * protection (nothing can merge), then some of it goes again. */
static void op_split(void)
{
  unsigned long pages = 16 + below(112);
  unsigned long a = PLAY + below(PLAY_PAGES - pages) * PG;
  if (is_err(call6(SYS_mmap, a, pages * PG, KITE_PROT_READ | KITE_PROT_WRITE,
                   KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS | KITE_MAP_FIXED, -1, 0)))
    return;
  add_region(a, pages * PG);
  for (unsigned long i = 0; i < pages; i += 2)
    C3(SYS_mprotect, a + i * PG, PG, one_in(2) ? KITE_PROT_READ : KITE_PROT_NONE);
  if (one_in(2))
    C2(SYS_munmap, a + below(pages) * PG, (1 + below(8)) * PG);
}

static void op_munmap(void)
{
  unsigned long a, len;
  some_range(&a, &len);
  long r = C2(SYS_munmap, a, len);
  (void)r;
}

static void op_mprotect(void)
{
  unsigned long a, len;
  some_range(&a, &len);
  C3(SYS_mprotect, a, len, one_in(4) ? rnd_prot() : (long)below(8));
}

static void op_brk(void)
{
  switch (below(5)) {
  case 0:  C2(SYS_sbrk, (long)(below(32) * PG) - 8 * (long)PG + (long)below(2), sbrk_type());
           break;
  case 1:  C2(SYS_sbrk, one_in(2) ? rnd_special() : (long)(below(me.hog_pages + 1) * PG),
              sbrk_type());
           break;
  case 2:  C1(SYS_brk, me.heap0 + below(64 * PG)); break;
  case 3:  C1(SYS_brk, one_in(2) ? hostile_addr() : me.heap0 - below(8 * PG)); break;
  default: C1(SYS_brk, 0); break;
  }
}

/* Read or write a byte of memory the run owns, if mquery says we may. */
static void op_touch(void)
{
  struct kite_mapping m;
  unsigned long a = owned_addr(0);
  if (one_in(4))
    a = me.heap0 + below(64 * PG);
  if (protected_addr(a) || C2(SYS_mquery, a, &m) != 0 || m.type == KITE_VM_FREE ||
      m.type == KITE_VM_GUARD ||
      m.type == KITE_VM_KERNEL || a < m.start || a >= m.end)
    return;
  if (m.type == KITE_VM_HEAP) {
    long brk = C1(SYS_brk, 0);
    if (a >= (unsigned long)brk)
      return;
  }
  volatile unsigned char *p = (volatile unsigned char *)a;
  if ((m.prot & KITE_PROT_WRITE) && one_in(2))
    *p = (unsigned char)rnd();
  else if (m.prot & KITE_PROT_READ)
    (void)*p;
}

static void op_query(void)
{
  if (one_in(2))
    C2(SYS_mquery, any_ptr(), one_in(4) ? any_ptr() : ARENA + below(ARENA_SIZE - 128));
  else
    C3(SYS_mmaps, one_in(3) ? kill_pid() : 0, one_in(4) ? any_ptr() : ARENA,
       one_in(3) ? rnd_special() : (long)below(ARENA_SIZE / sizeof(struct kite_mapping)));
}

static long buf_ptr(void)
{
  return one_in(4) ? (long)any_ptr() : (long)(ARENA + below(ARENA_SIZE / 2));
}

static long buf_len(void)
{
  return one_in(5) ? (long)rnd_len() : (long)below(3 * KITE_BSIZE);
}

static long calm_fd(void)
{
  long fd = rnd_fd();
  return would_block((int)fd) ? -1 : fd;
}

static void op_file(void)
{
  char p0[KITE_MAXPATH + 16], p1[KITE_MAXPATH + 16];
  switch (below(12)) {
  case 0:
  case 1: {
    long fd = C2(SYS_open, safe_path(any_path(), p0, 0), one_in(2) ? open_flags()
                 : KITE_O_CREAT | KITE_O_RDWR);
    if (fd >= 0)
      me.files[below(4)] = fd;
    break;
  }
  case 2:  C1(SYS_close, rnd_fd()); break;
  case 3:  C1(SYS_dup, rnd_fd()); break;
  case 4:  C3(SYS_read, calm_fd(), buf_ptr(), buf_len()); break;
  case 5:  C3(SYS_write, calm_fd(), buf_ptr(), buf_len()); break;
  case 6:  C3(SYS_lseek, rnd_fd(), arg_of(A_OFF), below(4)); break;
  case 7:  C2(SYS_fstat, rnd_fd(), buf_ptr()); break;
  case 8:  C2(SYS_link, safe_path(any_path(), p0, 0), safe_path(any_path(), p1, 0)); break;
  case 9:  C1(SYS_unlink, safe_path(any_path(), p0, 0)); break;
  case 10: C1(SYS_mkdir, safe_path(any_path(), p0, 0)); break;
  default: C1(SYS_chdir, safe_path(one_in(2) ? (long)run.dir : any_path(), p0, 0)); break;
  }
}

/* A pipe used within its capacity, so nothing here blocks. */
static void op_pipe(void)
{
  int fds[2];
  if (C1(SYS_pipe, fds) != 0)
    return;
  check_pipe_fds((unsigned long)fds);
  long n = below(2048);
  C3(SYS_write, fds[1], buf_ptr(), n);
  if (one_in(2))
    C1(SYS_close, fds[1]);
  C3(SYS_read, fds[0], buf_ptr(), below(2048));
  if (one_in(4))
    return;                          /* leave them open for later calls */
  C1(SYS_close, fds[0]);
  C1(SYS_close, fds[1]);
}

/* The next copy fails part-way; then a call that copies. */
static void op_faultinject(void)
{
  char p0[KITE_MAXPATH + 16];
  int fds[2];
  C1(SYS_faultinject, one_in(3) ? (long)below(16) : (long)below(3 * PG));
  switch (below(8)) {
  case 0:  C3(SYS_read, calm_fd(), buf_ptr(), buf_len()); break;
  case 1:  C3(SYS_write, calm_fd(), buf_ptr(), buf_len()); break;
  case 2:  if (C1(SYS_pipe, fds) == 0) { C1(SYS_close, fds[0]); C1(SYS_close, fds[1]); } break;
  case 3:  C2(SYS_fstat, rnd_fd(), buf_ptr()); break;
  case 4:  C2(SYS_open, safe_path(any_path(), p0, 0), KITE_O_CREAT | KITE_O_RDWR); break;
  case 5:  C3(SYS_mmaps, 0, ARENA, 64); break;
  case 6:  C1(SYS_sysinfo, ARENA); break;
  default: raw_call(); break;
  }
  C1(SYS_faultinject, -1);
}

static void fuzz_one(void);

/* A child of this process: it fuzzes a little (or execs) and exits. */
static void op_fork(void)
{
  long r = C0(SYS_fork);
  after_fork(r, 1);
  if (r > 0 && one_in(6))
    C1(SYS_kill, r);                 /* while it is still starting */
  if (r > 0 && one_in(4)) {
    int st;
    C1(SYS_wait, one_in(6) ? any_ptr() : (unsigned long)&st);
  }
}

static void op_exec(void)
{
  char p0[KITE_MAXPATH + 16];
  long r = C0(SYS_fork);
  after_fork(r, 0);
  if (r == 0) {
    __atomic_fetch_add(&CTL->execs, 1, __ATOMIC_RELAXED);
    r = C2(SYS_exec, safe_path(exec_path(), p0, 1), any_argv());
    fz_exit(100 + (r < 0 ? -r : 0));
  }
  if (r > 0 && one_in(6))
    C1(SYS_kill, r);                 /* perhaps in the middle of its exec */
  if (r > 0 && one_in(2))
    C1(SYS_wait, 0);
}

/* Until the stack runs into its guard (the depth is a volatile, so the
 * compiler can neither see the recursion end nor turn it into a loop). */
static volatile int recurse_limit = 1 << 30;

static __attribute__((noinline)) void recurse(volatile char *p, int depth)
{
  volatile char big[512];
  big[0] = *p;
  if (depth < recurse_limit)
    recurse(big, depth + 1);
  big[1] = big[0];
}

/* A child that must die: the kernel kills it, nothing else happens. */
static void op_doomed(void)
{
  long r = C0(SYS_fork);
  after_fork(r, 0);
  if (r != 0) {
    if (r > 0)
      C1(SYS_wait, 0);
    return;
  }
  __atomic_fetch_add(&CTL->doomed, 1, __ATOMIC_RELAXED);
  unsigned long sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  switch (below(10)) {
  case 0:  (void)*(volatile long *)(KERNBASE + below(0x1000) * 8); break;
  case 1:  *(volatile long *)&text_marker = 1; break;
  case 2:  ((void (*)(void))0)(); break;
  case 3:  ((void (*)(void))(ARENA + 16))(); break;
  case 4:  *(volatile char *)(me.stack_lo - 1 - below(STACK_GUARD)) = 1; break;
  case 5:  recurse((volatile char *)&sp, 0); break;
  case 6:  sys6(SYS_munmap, USER_BASE, 16 * PG, 0, 0, 0, 0); break;
  case 7:  sys6(SYS_mprotect, (sp & ~(PG - 1)) - 4 * PG, 5 * PG, KITE_PROT_READ, 0, 0, 0);
           recurse((volatile char *)&sp, 0); break;
  case 8:  __asm__ volatile(".word 0"); break;
  default: ((void (*)(void))TRAMPOLINE)(); break;
  }
  fz_exit(1);                        /* still alive: not what we wanted, but legal */
}

static void op_misc(void)
{
  switch (below(8)) {
  case 0:  C0(SYS_getpid); break;
  case 1:  C0(SYS_getppid); break;
  case 2:  C0(SYS_uptime); break;
  case 3:  C1(SYS_clock, buf_ptr()); break;
  case 4:  C1(SYS_sysinfo, buf_ptr()); break;
  case 5:  C1(SYS_wait, buf_ptr()); break;
  case 6:  C1(SYS_kill, kill_pid()); break;
  default: C1(SYS_sleep, one_in(8)); break;
  }
}

static void fuzz_one(void)
{
  enum fz_mode mode = me.mode;
  if (mode == FZ_RAW || (mode == FZ_ALL && one_in(2))) {
    raw_call();
    return;
  }
  unsigned k = below(200);
  if (me.fs_worker && one_in(3))
    k = 130 + below(28);             /* op_file, op_pipe */
  else if (!me.fs_worker && k >= 130 && k < 150 && !one_in(4))
    k = below(130);
  if (k < 30)       op_mmap();
  else if (k < 48)  op_munmap();
  else if (k < 66)  op_mprotect();
  else if (k < 80)  op_brk();
  else if (k < 120) op_touch();
  else if (k < 130) op_query();
  else if (k < 150) op_file();
  else if (k < 158) op_pipe();
  else if (k < 174) op_faultinject();
  else if (k < 180) op_fork();
  else if (k < 184) op_exec();
  else if (k < 186) op_doomed();
  else if (k < 188) op_hog();
  else if (k < 190) op_split();
  else              op_misc();
}

/* A process forked by a fuzzing process: its own generator and slot. */
static void child_init(void)
{
  me.rng = mix(me.rng, 0xc41d);
  me.depth++;
  me.nkids = 0;
  slot_take();
}

/* ... and a short life, then exit. */
static void child_start(void)
{
  if (me.depth > 1)
    fz_exit(below(256));
  for (int i = 0; i < CHILD_CALLS && !CTL->stop; i++)
    fuzz_one();
  fz_exit(below(256));
}

static __attribute__((noinline, noreturn)) void worker_loop(long life)
{
  for (long i = 0; i < life && !CTL->stop; i++) {
    fuzz_one();
    if ((i & 7) == 7 && canary_check(1))
      fz_exit(0);
  }
  fz_exit(0);
}

static void worker(long k, unsigned long seed, long life)
{
  volatile char burn[BURN_BYTES];
  struct kite_mapping m;
  me.rng = seed;
  me.mode = run.mode;
  me.depth = 0;
  me.fs_worker = k % 4 == 0;
  slot_take();
  for (int fd = 0; fd < KITE_NOFILE; fd++)
    if (!(me.verbose && fd == VERBOSE_FD))
      sys6(SYS_close, fd, 0, 0, 0, 0, 0);
  burn[0] = 0;
  me.live_hi = (unsigned long)burn;
  me.stack_lo = sys6(SYS_mquery, (long)&m, (long)&m, 0, 0, 0, 0) == 0 ? m.start
                : me.live_hi - STACK_SIZE;
  me.heap0 = sys6(SYS_brk, 0, 0, 0, 0, 0, 0);
  for (int i = 0; i < 4; i++)
    me.files[i] = -1;
  worker_loop(life);
}

/* ------------------------------------------------------------------------ */
/* The watchdog                                                              */

static void watchdog(void)
{
  unsigned long last[NSLOT];
  long who[NSLOT], idle[NSLOT];
  memset(who, 0, sizeof who);
  for (;;) {
    if (sys6(SYS_sleep, WATCH_TICKS, 0, 0, 0, 0, 0) < 0)
      sys6(SYS_exit, 0, 0, 0, 0, 0, 0);          /* killed: the run is over */
    canary_check(1);
    for (int i = 0; i < NSLOT; i++) {
      long pid = CTL->slot[i].pid;
      unsigned long calls = CTL->slot[i].calls;
      if (pid <= 0)
        continue;
      if (pid != who[i] || calls != last[i]) {
        who[i] = pid;
        last[i] = calls;
        idle[i] = 0;
        if (!CTL->stop)
          continue;
      }
      idle[i] += WATCH_TICKS;
      long limit = CTL->slot[i].num == SYS_wait ? STALL_WAIT : STALL_TICKS;
      if (!CTL->stop && idle[i] < limit)
        continue;
      long r = sys6(SYS_kill, pid, 0, 0, 0, 0, 0);
      if (r == -KITE_ESRCH)
        slot_free(i, pid);           /* gone (or a zombie): nothing to wait for */
      else if (idle[i] >= limit && idle[i] < limit + WATCH_TICKS && !CTL->stop) {
        long num = CTL->slot[i].num;
        __atomic_fetch_add(&CTL->stalled, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&CTL->stalled_in[num >= 0 && num < SYS_MAX ? num : SYS_MAX], 1,
                           __ATOMIC_RELAXED);
      }
    }
  }
}

/* ------------------------------------------------------------------------ */
/* The driver                                                                */

static long k_open(const char *p, long f) { return KSYS2(SYS_open, p, f); }
static long k_close(long fd) { return KSYS1(SYS_close, fd); }

/* The ELF files mkbadelf put in the image: exec may use them where they
 * are (no other call gets their names, so nothing changes them). */
static void find_elves(void)
{
  struct kite_dirent de;
  int d = k_open("/", KITE_O_RDONLY);
  CHECK(d >= 0);
  run.nelves = 0;
  while (KSYS3(SYS_read, d, &de, sizeof de) == sizeof de && run.nelves < 64) {
    char name[KITE_DIRSIZ + 1];
    memcpy(name, de.name, KITE_DIRSIZ);
    name[KITE_DIRSIZ] = 0;
    if (de.inum != 0 && (!strncmp(name, "badelf-", 7) || !strncmp(name, "goodelf-", 8)))
      snprintf(run.elves[run.nelves++], sizeof run.elves[0], "/%s", name);
  }
  memset(&de, 0, sizeof de);
  k_close(d);
  CHECK(run.nelves > 0);
}

static void make_paths(void)
{
  static const char *const names[] = {
    "f0", "f1", "f2", "f3", "f4", "f5", "d0", "d1", "d0/f0", "d0/f6", "d1/d2", "d1/d2/f7",
    "f0/x", "dev0", "d0/dev1", ".", "", "nosuchdir/f0",
    "a-name-longer-than-a-directory-entry-holds",
  };
  int n = 0;
  for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *s = names[i];
    if (!*s || *s == '.' || one_in(4))
      snprintf(run.paths[n++], sizeof run.paths[0], "%s", s);          /* relative */
    snprintf(run.paths[n++], sizeof run.paths[0], "%s%s%s", run.dir, *s ? "/" : "", s);
  }
  snprintf(run.paths[n++], sizeof run.paths[0], "%s/f1/", run.dir);
  snprintf(run.paths[n++], sizeof run.paths[0], "%s//d0//f0", run.dir);
  run.npaths = n;
}

/* Empty the current directory, whatever the fuzzers left in it (names
 * of any bytes, directories nested deeper than a path can say): remove
 * what unlink can, then go into what is left. */
static void rm_here(int depth)
{
  struct kite_dirent de;
  char names[8][KITE_DIRSIZ + 1];
  int again = 1;
  while (again && depth < 200) {
    int nd = 0, d = k_open(".", KITE_O_RDONLY);
    again = 0;
    if (d < 0)
      return;
    while (KSYS3(SYS_read, d, &de, sizeof de) == sizeof de) {
      char name[KITE_DIRSIZ + 1];
      memcpy(name, de.name, KITE_DIRSIZ);
      name[KITE_DIRSIZ] = 0;
      if (de.inum == 0 || !strcmp(name, ".") || !strcmp(name, "..") || !name[0])
        continue;
      if (KSYS1(SYS_unlink, name) != 0 && nd < 8)
        memcpy(names[nd++], name, sizeof name);
    }
    k_close(d);
    for (int i = 0; i < nd; i++) {
      if (KSYS1(SYS_chdir, names[i]) != 0)
        continue;
      rm_here(depth + 1);
      KSYS1(SYS_chdir, "..");
      if (KSYS1(SYS_unlink, names[i]) == 0)
        again = 1;
    }
  }
}

/* Remove the directory path (absolute) and everything under it. */
static void rm_tree(const char *path)
{
  if (KSYS1(SYS_chdir, path) == 0) {
    rm_here(0);
    KSYS1(SYS_chdir, "/");
  }
  KSYS1(SYS_unlink, path);
}

/* Give this process the console as descriptor fd too (for -v). */
static void console_at(int fd)
{
  long got[KITE_NOFILE];
  int n = 0;
  while (n < KITE_NOFILE && (got[n] = KSYS1(SYS_dup, 1)) >= 0 && got[n] != fd)
    n++;
  for (int i = 0; i < n; i++)
    k_close(got[i]);
}

/* Milliseconds since boot, from the time CSR (ticks fall behind it when
 * the host is busy: a late tick is counted as one). */
static long uptime(void)
{
  struct kite_time t;
  KSYS1(SYS_clock, &t);
  return (long)(t.sec * 1000 + t.nsec / 1000000);
}

static long spawn_worker(long k, long life)
{
  long pid = KSYS0(SYS_fork);
  if (pid == 0) {
    worker(k, mix(run.seed, k), life);
    fz_exit(0);
  }
  return pid;
}

/* The pids of the run that are still in the control page. */
static int leftover(char *out, int len)
{
  int n = 0, count = 0;
  out[0] = 0;
  for (int i = 0; i < NSLOT; i++) {
    long pid = CTL->slot[i].pid;
    if (pid <= 0)
      continue;
    count++;
    if (n < len - 40)
      n += snprintf(out + n, len - n, " %ld (in call %ld)", pid, CTL->slot[i].num);
  }
  return count;
}

static void fuzz_run(void)
{
  long nproc0 = nproc(), t0, t1, lives = 0, running = 0, killed = 0, nofork = 0;
  char why[300];

  long tsetup = uptime();
  snprintf(run.dir, sizeof run.dir, "/fz.%ld", KSYS0(SYS_getpid));
  run.dirlen = strlen(run.dir);
  me.rng = mix(run.seed, 0xd1);
  make_paths();
  rm_tree(run.dir);
  CHECK_OK(KSYS1(SYS_mkdir, run.dir));
  find_elves();
  CHECK_OK(KSYS1(SYS_chdir, run.dir));

  CHECK_EQ(kite_syscall(SYS_mmap, CTL_BASE, CTL_SIZE, KITE_PROT_READ | KITE_PROT_WRITE,
                        KITE_MAP_SHARED | KITE_MAP_ANONYMOUS | KITE_MAP_FIXED, -1, 0), CTL_BASE);
  CHECK_EQ(kite_syscall(SYS_mmap, ARENA, ARENA_SIZE, KITE_PROT_READ | KITE_PROT_WRITE,
                        KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS | KITE_MAP_FIXED, -1, 0), ARENA);
  CHECK_EQ(kite_syscall(SYS_mmap, TRAP, PG, KITE_PROT_READ | KITE_PROT_WRITE,
                        KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS | KITE_MAP_FIXED, -1, 0), TRAP);
  CHECK_EQ(kite_syscall(SYS_mmap, CANARY_PAGE, PG, KITE_PROT_READ | KITE_PROT_WRITE,
                        KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS | KITE_MAP_FIXED, -1, 0),
           CANARY_PAGE);
  canary_fill();
  for (unsigned long i = 0; i < ARENA_SIZE; i++)
    ((unsigned char *)ARENA)[i] = (unsigned char)(i * 7 + (i >> 9));
  if (me.verbose)
    console_at(VERBOSE_FD);

  /* Together the workers' big regions stay below a third of free memory,
   * so the kernel's own allocations (and the runner's) rarely fail. */
  me.hog_pages = run.oom ? free_pages() : free_pages() / (3 * 2 * run.workers);
  long dog = KSYS0(SYS_fork);
  if (dog == 0)
    watchdog();
  CHECK(dog > 0);

  printf("fuzz: seed %lu, %ld calls, %d workers, mode %s\n", run.seed, run.calls, run.workers,
         run.mode == FZ_RAW ? "raw" : run.mode == FZ_MIX ? "mix" : "all");
  fflush(stdout);
  t0 = t1 = uptime();
  for (;;) {
    unsigned long done = CTL->stop ? (unsigned long)run.calls : ctl_calls();
    while (running < run.workers && (long)done < run.calls) {
      long left = run.calls - (long)done;
      long pid = spawn_worker(lives, left < LIFE_CALLS ? left : LIFE_CALLS);
      if (pid < 0)
        break;                       /* the process table is full: later */
      lives++;
      running++;
    }
    if (running == 0 && (long)done < run.calls) {
      if (++nofork > 20 * KITE_HZ / 5)
        fail(__LINE__, "no worker could be forked for 20 s");
      KSYS1(SYS_sleep, 5);           /* the watchdog frees the table */
      continue;
    }
    nofork = 0;
    if (running == 0)
      break;
    int st = 0;
    long pid = KSYS1(SYS_wait, &st);
    CHECK(pid > 0);
    if (pid == dog)
      fail(__LINE__, "the watchdog exited (status %d)", st);
    running--;
    if (st == -1)
      killed++;
    if (uptime() - t1 >= 10000) {
      t1 = uptime();
      printf("fuzz: %lu calls, %ld s\n", ctl_calls(), (t1 - t0) / 1000);
      fflush(stdout);
    }
    if (running == 0 && ((long)ctl_calls() >= run.calls || CTL->stop))
      break;
  }
  long t_end = uptime();
  canary_check(1);
  if (run.profile)
    printf("fuzz: setup %ld ms\n", t0 - tsetup);

  /* Every process of the run goes; the watchdog sees to the stuck ones. */
  CTL->stop = 1;
  for (int t = 0; t < 20 * KITE_HZ && leftover(why, sizeof why) > 0; t += 2)
    KSYS1(SYS_sleep, 2);
  if (leftover(why, sizeof why) > 0)
    fail(__LINE__, "processes of the run still alive 20 s after kill:%s", why);
  KSYS1(SYS_kill, dog);
  WAIT_FOR(dog);
  if (run.profile)
    printf("fuzz: stop %ld ms\n", uptime() - t_end);
  for (int t = 0; t < 5 * KITE_HZ && nproc() > nproc0; t++)
    KSYS1(SYS_sleep, 1);
  if (nproc() > nproc0)
    fail(__LINE__, "%ld processes at the start, %ld after the run", nproc0, nproc());

  unsigned long calls = ctl_calls();
  long ms = t_end - t0 > 0 ? t_end - t0 : 1;
  printf("fuzz: %lu calls in %ld.%01ld s: %lu calls/s; %ld lives (%ld killed), "
         "%lu forks, %lu execs, %lu doomed, %lu stalled\n",
         calls, ms / 1000, ms % 1000 / 100, calls * 1000 / ms, lives, killed,
         CTL->forks, CTL->execs, CTL->doomed, CTL->stalled);
  if (run.profile) {
    struct kite_sysinfo si;
    KSYS1(SYS_sysinfo, &si);
    printf("fuzz: time in calls (number: calls, ms):");
    for (int i = 0; i <= SYS_MAX; i++)
      if (CTL->count[i])
        printf(" %d: %lu, %lu", i, CTL->count[i], CTL->ticks[i] / (si.timebase / 1000));
    printf("\n");
  }
  if (CTL->stalled) {
    printf("fuzz: stalled in (call number: times):");
    for (int i = 0; i <= SYS_MAX; i++)
      if (CTL->stalled_in[i])
        printf(" %d: %lu", i, CTL->stalled_in[i]);
    printf("\n");
  }
  fflush(stdout);

  long trm = uptime();
  if (CTL->wrong_pid)
    fail(__LINE__, "pid %ld: %s", CTL->wrong_pid, CTL->wrong);
  if (CTL->bad_off) {
    printf("fuzz: canary changed after %lu calls; the calls in progress then:\n",
           CTL->bad_calls);
    for (int i = 0; i < NSLOT; i++)
      if (CTL->bad_slots[i].pid > 0)
        printf("fuzz:   pid %ld call %ld (%#lx, %#lx, %#lx)\n", CTL->bad_slots[i].pid,
               CTL->bad_slots[i].num, CTL->bad_slots[i].arg[0], CTL->bad_slots[i].arg[1],
               CTL->bad_slots[i].arg[2]);
    fail(__LINE__, "memory no process wrote changed: %#lx holds %#lx, expected %#lx; "
         "%ld words of its page changed (seen by pid %ld)", CTL->bad_off, CTL->bad_val,
         canary(CTL->bad_off), CTL->bad_words, CTL->bad_pid);
  }
  CHECK_OK(KSYS1(SYS_chdir, "/"));
  rm_tree(run.dir);
  CHECK_ERR(k_open(run.dir, KITE_O_RDONLY), KITE_ENOENT);
  if (run.profile)
    printf("fuzz: cleanup %ld ms\n", uptime() - trm);
  CHECK_OK(KSYS2(SYS_munmap, ARENA, ARENA_SIZE));
  CHECK_OK(KSYS2(SYS_munmap, CTL_BASE, CTL_SIZE));
  CHECK_OK(KSYS2(SYS_munmap, TRAP, PG));
  CHECK_OK(KSYS2(SYS_munmap, CANARY_PAGE, PG));
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */

static void plan(unsigned long seed, long calls, enum fz_mode mode)
{
  run.seed = seed;
  run.calls = ktest_quick() ? calls / 4 : calls;
  run.mode = mode;
  if (!run.workers)
    run.workers = DEFAULT_WORKERS;
  fuzz_run();
}

static void t_raw(void)  { plan(1, 6000, FZ_RAW); }
static void t_mix(void)  { plan(2, 3500, FZ_MIX); }
static void t_all(void)  { plan(3, 4500, FZ_ALL); }
static void t_long(void) { fuzz_run(); }

/* After all that, fork + exec of a simple program still works. */
static void t_alive(void)
{
  long pid = XFORK();
  if (pid == 0) {
    char *argv[] = { "goodelf-tiny", NULL };
    long r = KSYS2(SYS_exec, "/goodelf-tiny", argv);
    KSYS1(SYS_exit, 200 + (r < 0 ? -r : 0));
  }
  CHECK_EXIT(pid, 42);
}

static const struct ktest tests[] = {
  { "raw",   t_raw,   KTEST_NORMAL },
  { "mix",   t_mix,   KTEST_NORMAL },
  { "all",   t_all,   KTEST_NORMAL },
  { "alive", t_alive, KTEST_NORMAL },
};

static struct ktest long_tests[] = {
  { NULL,    t_long,  KTEST_NORMAL },
  { "alive", t_alive, KTEST_NORMAL },
};

static int usage(void)
{
  fprintf(stderr, "usage: fuzz [-q] [-l] [-a NAME] [NAME...]\n"
                  "       fuzz -s SEED -n CALLS [-w WORKERS] [-m raw|mix|all] [-v] [-p] [-o]\n");
  return 2;
}

int main(int argc, char **argv)
{
  static char long_name[48];
  struct ktest_suite suite = {
    .name = "fuzz",
    .tests = tests,
    .ntests = sizeof tests / sizeof tests[0],
    .leaks = KTEST_LEAKS_EACH,
    .refuse_status = 3,
  };
  char *rest[32];
  int nrest = 0, is_long = 0;

  run.mode = FZ_ALL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (i > 0 && a[0] == '-' && strchr("snwm", a[1]) && a[1] && !a[2]) {
      if (i + 1 >= argc)
        return usage();
      const char *v = argv[++i];
      if (a[1] == 's')
        run.seed = strtoul(v, NULL, 0), is_long = 1;
      else if (a[1] == 'n')
        run.calls = strtol(v, NULL, 0), is_long = 1;
      else if (a[1] == 'w')
        run.workers = atoi(v);
      else if (!strcmp(v, "raw") || !strcmp(v, "mix") || !strcmp(v, "all"))
        run.mode = v[0] == 'r' ? FZ_RAW : v[0] == 'm' ? FZ_MIX : FZ_ALL;
      else
        return usage();
    } else if (i > 0 && !strcmp(a, "-v")) {
      me.verbose = 1;
    } else if (i > 0 && !strcmp(a, "-p")) {
      run.profile = 1;
    } else if (i > 0 && !strcmp(a, "-o")) {
      run.oom = 1;
    } else if (nrest < 31) {
      rest[nrest++] = argv[i];
    }
  }
  rest[nrest] = NULL;
  if (run.workers < 0 || run.workers > NSLOT / 4)
    return usage();
  if (is_long) {
    if (run.calls <= 0)
      return usage();
    if (!run.workers)
      run.workers = DEFAULT_WORKERS;
    snprintf(long_name, sizeof long_name, "seed_%lu", run.seed);
    long_tests[0].name = long_name;
    suite.tests = long_tests;
    suite.ntests = sizeof long_tests / sizeof long_tests[0];
  }
  return ktest_main(nrest, rest, &suite);
}
