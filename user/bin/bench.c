/*
 * bench: Kite's in-QEMU benchmarks (`make bench` runs it).
 *
 *   bench            run every benchmark
 *   bench NAME...    run only these: copy, syscall, procmem, fork, heap
 *   bench -x NAME... run every benchmark but these
 *
 * What it measures, each repeated RUNS times (the median and the best run
 * are reported):
 *  - copy: the kernel's user-copy cursors moving 4 KiB .. 1 MiB buffers
 *    (copy-in: user -> kernel, copy-out: kernel -> user) against the
 *    kernel's own memcpy over the same sizes, the physical limit. The
 *    kernel times these itself (SYS_bench, in rdtime ticks).
 *  - syscall: the getpid round trip, timed in user mode.
 *  - procmem: the cost of a page fault on a fresh lazy page and of a
 *    one-page mmap + munmap, in a process with about ten mappings and in
 *    one with ten thousand more; the ratio says how lookups scale.
 *  - fork: fork of a process with a 32 MiB touched heap, against copying
 *    the same 32 MiB in user space (what an eager fork would at least do).
 *  - heap: one lazy sbrk(4096) against a getpid round trip, and 30,000
 *    steps of sbrk(4096) (lazy, then eager) each followed by a write to
 *    the new page, as xv6's tests fill memory: the cost of a step over
 *    all of them, over the first 1,000 and over the last 1,000 (growth
 *    that slows down as the process grows shows up as last/first > 1).
 *    scripts/run-bench runs this one on DEBUG=0 and on the debug kernel
 *    at the same time, side by side.
 *
 * Time: user loops read the time CSR (rdtime) if the kernel lets user mode
 * do so, else SYS_clock; ticks per second come from kite_sysinfo, or are
 * calibrated against SYS_clock when it reports none.
 *
 * Output: human-readable tables, and for scripts/run-bench one line per
 * figure,
 *     bench NAME: VALUE UNIT
 * then "bench: done, N errors". Speed is never judged; the exit status is
 * 1 only if something failed (a system call error, a wrong result).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kite.h"
#include <kite/mman.h>

#define PG        KITE_PGSIZE
#define RUNS      7
#define MIB       (1UL << 20)

#define KSYS6(n, a, b, c, d, e, f) \
  kite_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static int errors;
static unsigned long timebase;       /* rdtime ticks per second */
static int user_rdtime;              /* rdtime readable in user mode */

static int is_err(long r) { return r < 0 && r >= -4095; }

static void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void error(const char *fmt, ...)
{
  va_list ap;
  printf("bench: error: ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
  errors++;
}

/* One machine-readable figure for scripts/run-bench. */
static void figure(const char *name, double value, const char *unit)
{
  printf("bench %s: %.3f %s\n", name, value, unit);
}

/* ------------------------------------------------------------------------ */
/* Time                                                                      */

static unsigned long rdtime(void)
{
  unsigned long t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

/* Now, in timebase ticks: rdtime if user mode may read it, else SYS_clock. */
static unsigned long now(void)
{
  struct kite_time t;

  if (user_rdtime)
    return rdtime();
  KSYS1(SYS_clock, &t);
  return t.sec * timebase + t.nsec * timebase / 1000000000UL;
}

static double ticks_ns(double ticks) { return ticks * 1e9 / (double)timebase; }
static double ticks_ms(double ticks) { return ticks * 1e3 / (double)timebase; }

/*
 * The kernel lets user mode read the time CSR only if it sets
 * scounteren.TM; otherwise rdtime traps and the kernel kills the process.
 * Try it in a child.
 */
static void probe_rdtime(void)
{
  int st = 0;
  long pid;

  fflush(stdout);
  pid = KSYS0(SYS_fork);
  if (pid == 0) {
    (void)rdtime();
    KSYS1(SYS_exit, 0);
  }
  if (is_err(pid)) {
    error("fork = %ld", pid);
    return;
  }
  KSYS1(SYS_wait, &st);
  user_rdtime = st == 0;
}

/*
 * Ticks per second: kite_sysinfo says; if it does not, calibrate the
 * kernel's tick count (SYS_bench) against SYS_clock over ~0.2 s.
 */
static void find_timebase(void)
{
  static char calib[64 * 1024];
  struct kite_sysinfo si;
  struct kite_time t0, t1;
  long ticks;

  if (is_err(KSYS1(SYS_sysinfo, &si))) {
    error("sysinfo failed");
    si.timebase = 0;
  }
  timebase = si.timebase;
  if (timebase != 0)
    return;
  KSYS1(SYS_clock, &t0);
  ticks = kite_syscall(SYS_bench, KITE_BENCH_MEMCPY, (long)calib, sizeof calib, 2000, 0, 0);
  KSYS1(SYS_clock, &t1);
  double ns = (double)(t1.sec - t0.sec) * 1e9 + (double)t1.nsec - (double)t0.nsec;
  if (is_err(ticks) || ticks <= 0 || ns <= 0) {
    timebase = 10000000;
    error("sysinfo.timebase is 0 and calibration failed (%ld); assuming 10 MHz", ticks);
    return;
  }
  timebase = (unsigned long)((double)ticks * 1e9 / ns);
  printf("note: sysinfo.timebase is 0; calibrated %lu ticks/s against SYS_clock\n", timebase);
}

/* ------------------------------------------------------------------------ */
/* Statistics over RUNS values                                               */

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
  double s[64];
  memcpy(s, v, n * sizeof *v);
  qsort(s, n, sizeof *s, cmp_double);
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double minimum(const double *v, int n)
{
  double m = v[0];
  for (int i = 1; i < n; i++)
    if (v[i] < m)
      m = v[i];
  return m;
}

/* ------------------------------------------------------------------------ */
/* Copy throughput                                                           */

#define COPY_BYTES  (8 * MIB)      /* moved per timed call, whatever the size */

static const unsigned long copy_sizes[] = { 4096, 16384, 65536, 262144, 1048576 };
#define NSIZES ((int)(sizeof copy_sizes / sizeof copy_sizes[0]))

static const char *size_name(unsigned long size)
{
  static char s[4][16];
  static int k;
  char *t = s[k++ % 4];
  if (size >= MIB)
    snprintf(t, 16, "%luM", size / MIB);
  else
    snprintf(t, 16, "%luK", size >> 10);
  return t;
}

/* Ticks SYS_bench took for op over size bytes, iters times; -1 on error. */
static double bench_call(int op, void *buf, unsigned long size, unsigned long iters)
{
  long r = kite_syscall(SYS_bench, op, (long)buf, (long)size, (long)iters, 0, 0);
  if (is_err(r) || r <= 0) {
    error("SYS_bench(op %d, %lu bytes, %lu times) = %ld", op, size, iters, r);
    return -1;
  }
  return (double)r;
}

static double mbps(double bytes, double ticks)
{
  return bytes * (double)timebase / ticks / 1e6;
}

static void bench_copy(void)
{
  static const char *ops[3] = { "memcpy", "copyin", "copyout" };
  double t[3][NSIZES][RUNS];
  char *buf = malloc(KITE_BENCH_MAXSIZE);
  char name[48];

  if (buf == NULL) {
    error("malloc of %d bytes failed", KITE_BENCH_MAXSIZE);
    return;
  }
  memset(buf, 0x5a, KITE_BENCH_MAXSIZE);     /* no lazy faults while timing */
  for (int run = 0; run < RUNS; run++)
    for (int s = 0; s < NSIZES; s++)
      for (int op = 0; op < 3; op++) {
        t[op][s][run] = bench_call(op, buf, copy_sizes[s], COPY_BYTES / copy_sizes[s]);
        if (t[op][s][run] < 0) {
          free(buf);
          return;
        }
      }
  free(buf);

  printf("\ncopy throughput, MB/s: median of %d runs (best run), %lu MiB per run\n", RUNS,
         COPY_BYTES / MIB);
  printf("  %-6s %17s %17s %17s %9s %9s\n", "size", "kernel memcpy", "copy-in", "copy-out",
         "in/memcpy", "out/memcpy");
  for (int s = 0; s < NSIZES; s++) {
    double med[3], best[3];
    for (int op = 0; op < 3; op++) {
      med[op] = mbps(COPY_BYTES, median(t[op][s], RUNS));
      best[op] = mbps(COPY_BYTES, minimum(t[op][s], RUNS));
    }
    printf("  %-6s %9.0f (%5.0f) %9.0f (%5.0f) %9.0f (%5.0f) %9.2f %9.2f\n",
           size_name(copy_sizes[s]), med[0], best[0], med[1], best[1], med[2], best[2],
           med[1] / med[0], med[2] / med[0]);
  }
  for (int s = 0; s < NSIZES; s++) {
    double med[3];
    for (int op = 0; op < 3; op++) {
      med[op] = mbps(COPY_BYTES, median(t[op][s], RUNS));
      snprintf(name, sizeof name, "%s_%s", ops[op], size_name(copy_sizes[s]));
      figure(name, med[op], "MB/s");
    }
    snprintf(name, sizeof name, "copyin_ratio_%s", size_name(copy_sizes[s]));
    figure(name, med[1] / med[0], "x");
    snprintf(name, sizeof name, "copyout_ratio_%s", size_name(copy_sizes[s]));
    figure(name, med[2] / med[0], "x");
  }
}

/* ------------------------------------------------------------------------ */
/* System-call round trip                                                    */

#define SC_SAMPLES 64
#define SC_BATCH   32

static void bench_syscall(void)
{
  double run_med[RUNS], sample[SC_SAMPLES];
  long pid = KSYS0(SYS_getpid);

  for (int run = 0; run < RUNS; run++) {
    for (int s = 0; s < SC_SAMPLES; s++) {
      unsigned long t0 = now();
      for (int i = 0; i < SC_BATCH; i++)
        if (KSYS0(SYS_getpid) != pid) {
          error("getpid changed");
          return;
        }
      sample[s] = ticks_ns((double)(now() - t0)) / SC_BATCH;
    }
    run_med[run] = median(sample, SC_SAMPLES);
  }
  double sum_runs[RUNS];
  for (int run = 0; run < RUNS; run++) {
    double t = bench_call(KITE_BENCH_SUM, NULL, 1, 10000);
    if (t < 0)
      return;
    sum_runs[run] = ticks_ns(t) / 10000;
  }
  printf("\nSUM set + clear in the kernel (paid by every user copy), ns: median (best)\n");
  printf("  sum    %9.0f (%5.0f)\n", median(sum_runs, RUNS), minimum(sum_runs, RUNS));
  figure("sum_roundtrip", median(sum_runs, RUNS), "ns");

  printf("\nsystem call round trip (getpid), ns: median of %d runs (best run)%s\n", RUNS,
         user_rdtime ? "" : " [timed with SYS_clock]");
  printf("  getpid %9.0f (%5.0f)\n", median(run_med, RUNS), minimum(run_med, RUNS));
  figure("getpid", median(run_med, RUNS), "ns");
}

/* ------------------------------------------------------------------------ */
/* Process memory: page faults and mmap in small and large mapping lists     */

#define FAULT_PAGES  256
#define MM_PAIRS     64
#define MANY         10000
#define MANY_SPAN    ((unsigned long)MANY * 2 * PG)

static long k_mmap(unsigned long a, unsigned long len, long prot, long flags)
{
  return KSYS6(SYS_mmap, a, len, prot, flags, -1, 0);
}
static long k_munmap(unsigned long a, unsigned long len) { return KSYS2(SYS_munmap, a, len); }

static long mapping_count(void)
{
  long n = KSYS3(SYS_mmaps, 0, NULL, 0);
  if (is_err(n))
    error("mmaps(0, NULL, 0) = %ld", n);
  return n;
}

struct pm_result {
  double fault_ns;       /* median over runs, ns per fault */
  double fault_best;
  double mm_ns;          /* one mmap + munmap pair */
  double mm_best;
  long mappings;
};

static int measure_procmem(struct pm_result *res)
{
  double f[RUNS], m[RUNS];
  long prot = KITE_PROT_READ | KITE_PROT_WRITE;
  long flags = KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS;

  res->mappings = mapping_count();
  for (int run = 0; run < RUNS; run++) {
    long p = k_mmap(0, FAULT_PAGES * PG, prot, flags);
    if (is_err(p)) {
      error("mmap of %d pages = %ld", FAULT_PAGES, p);
      return -1;
    }
    unsigned long t0 = now();
    for (int i = 0; i < FAULT_PAGES; i++)
      ((volatile char *)p)[(long)i * PG] = 1;
    f[run] = ticks_ns((double)(now() - t0)) / FAULT_PAGES;
    if (k_munmap(p, FAULT_PAGES * PG) != 0) {
      error("munmap of %d pages failed", FAULT_PAGES);
      return -1;
    }
    t0 = now();
    for (int i = 0; i < MM_PAIRS; i++) {
      long a = k_mmap(0, PG, prot, flags);
      if (is_err(a) || k_munmap(a, PG) != 0) {
        error("mmap + munmap of one page = %ld", a);
        return -1;
      }
    }
    m[run] = ticks_ns((double)(now() - t0)) / MM_PAIRS;
  }
  res->fault_ns = median(f, RUNS);
  res->fault_best = minimum(f, RUNS);
  res->mm_ns = median(m, RUNS);
  res->mm_best = minimum(m, RUNS);
  return 0;
}

/* A free stretch of MANY_SPAN bytes, away from heap, mmap area and stack
 * (whose places exec randomises); 0 if none of the candidates is free. */
static unsigned long many_base(void)
{
  static const unsigned long candidates[] = {
    0x1000000000UL, 0x2000000000UL, 0x0800000000UL, 0x3000000000UL, 0x0400000000UL,
  };
  struct kite_mapping m;

  for (unsigned i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
    if (KSYS2(SYS_mquery, candidates[i], &m) == 0 && m.type == KITE_VM_FREE &&
        m.end >= candidates[i] + MANY_SPAN)
      return candidates[i];
  error("no free stretch of %lu MiB for the mappings", MANY_SPAN / MIB);
  return 0;
}

/* MANY one-page PROT_READ mappings with one-page gaps (so no two merge),
 * placed by hint from base. Returns how many were made. */
static long make_many(unsigned long base, double *ms)
{
  unsigned long t0 = now();
  long made = 0;

  for (long i = 0; i < MANY; i++) {
    unsigned long want = base + (unsigned long)i * 2 * PG;
    long a = k_mmap(want, PG, KITE_PROT_READ, KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS);
    if (is_err(a)) {
      error("mapping %ld of %d: mmap = %ld", i + 1, MANY, a);
      break;
    }
    if ((unsigned long)a != want) {
      k_munmap(a, PG);
      error("mmap hint %#lx not taken (got %#lx)", want, (unsigned long)a);
      break;
    }
    made++;
  }
  *ms = ticks_ms((double)(now() - t0));
  return made;
}

static void bench_procmem(void)
{
  struct pm_result few, many;
  double create_ms, unmap_ms;
  unsigned long t0, base;
  long made, after;

  if (measure_procmem(&few) < 0 || (base = many_base()) == 0)
    return;
  made = make_many(base, &create_ms);
  if (made == 0)
    return;
  if (measure_procmem(&many) < 0)
    return;
  t0 = now();
  if (k_munmap(base, MANY_SPAN) != 0)
    error("munmap of the %ld mappings failed", made);
  unmap_ms = ticks_ms((double)(now() - t0));
  after = mapping_count();

  printf("\nprocess memory, ns: median of %d runs (best run)\n", RUNS);
  printf("  %-26s %17s %17s %7s\n", "", "few mappings", "many mappings", "ratio");
  printf("  %-26s %17ld %17ld\n", "mappings in the process", few.mappings, many.mappings);
  printf("  %-26s %9.0f (%5.0f) %9.0f (%5.0f) %7.2f\n", "page fault (lazy page)",
         few.fault_ns, few.fault_best, many.fault_ns, many.fault_best,
         many.fault_ns / few.fault_ns);
  printf("  %-26s %9.0f (%5.0f) %9.0f (%5.0f) %7.2f\n", "mmap + munmap of one page",
         few.mm_ns, few.mm_best, many.mm_ns, many.mm_best, many.mm_ns / few.mm_ns);
  printf("  making %ld mappings took %.1f ms; one munmap of them all %.1f ms; %ld left\n",
         made, create_ms, unmap_ms, after);
  figure("mappings_few", few.mappings, "mappings");
  figure("mappings_many", many.mappings, "mappings");
  figure("fault_few", few.fault_ns, "ns");
  figure("fault_many", many.fault_ns, "ns");
  figure("fault_ratio", many.fault_ns / few.fault_ns, "x");
  figure("mmap_munmap_few", few.mm_ns, "ns");
  figure("mmap_munmap_many", many.mm_ns, "ns");
  figure("mmap_munmap_ratio", many.mm_ns / few.mm_ns, "x");
  figure("mmap_create_many", create_ms, "ms");
}

/* ------------------------------------------------------------------------ */
/* fork of a big touched heap                                                */

#define HEAP_BYTES (32 * MIB)

static void bench_fork(void)
{
  double copy[RUNS], fresh = 0, fk[RUNS], full[RUNS], touch;
  unsigned long t0, t1;
  char *heap, *dst;
  long r;

  fflush(stdout);
  r = KSYS2(SYS_sbrk, HEAP_BYTES, KITE_SBRK_LAZY);
  if (is_err(r)) {
    error("sbrk(32 MiB) = %ld", r);
    return;
  }
  heap = (char *)r;
  t0 = now();
  for (unsigned long off = 0; off < HEAP_BYTES; off += PG)
    heap[off] = (char)off;
  touch = ticks_ms((double)(now() - t0));

  /* The reference: copy the heap in user space, into a buffer that is
   * first fresh (page faults included) and then already touched. */
  r = k_mmap(0, HEAP_BYTES, KITE_PROT_READ | KITE_PROT_WRITE,
             KITE_MAP_PRIVATE | KITE_MAP_ANONYMOUS);
  if (is_err(r)) {
    error("mmap(32 MiB) = %ld", r);
    return;
  }
  dst = (char *)r;
  for (int run = 0; run <= RUNS; run++) {
    t0 = now();
    memcpy(dst, heap, HEAP_BYTES);
    t1 = now();
    if (run == 0)
      fresh = ticks_ms((double)(t1 - t0));
    else
      copy[run - 1] = ticks_ms((double)(t1 - t0));
  }
  if (memcmp(dst + HEAP_BYTES - PG, heap + HEAP_BYTES - PG, PG) != 0)
    error("memcpy of the heap copied the wrong bytes");
  k_munmap((unsigned long)dst, HEAP_BYTES);

  for (int run = 0; run < RUNS; run++) {
    int st = -2;
    t0 = now();
    long pid = KSYS0(SYS_fork);
    if (pid == 0) {
      /* Read one byte per MiB: the child sees the heap. */
      for (unsigned long off = 0; off < HEAP_BYTES; off += MIB)
        if (heap[off] != (char)off)
          KSYS1(SYS_exit, 1);
      KSYS1(SYS_exit, 0);
    }
    t1 = now();
    if (is_err(pid)) {
      error("fork with a 32 MiB heap = %ld", pid);
      return;
    }
    if (KSYS1(SYS_wait, &st) != pid || st != 0) {
      error("the forked child exited %d", st);
      return;
    }
    fk[run] = ticks_ms((double)(t1 - t0));
    full[run] = ticks_ms((double)(now() - t0));
  }
  KSYS2(SYS_sbrk, -(long)HEAP_BYTES, KITE_SBRK_LAZY);

  printf("\nfork with a 32 MiB touched heap, ms: median of %d runs (best run)\n", RUNS);
  printf("  %-40s %9.2f (%7.2f)\n", "fork (returns in the parent)", median(fk, RUNS),
         minimum(fk, RUNS));
  printf("  %-40s %9.2f (%7.2f)\n", "fork + child exit + wait", median(full, RUNS),
         minimum(full, RUNS));
  printf("  %-40s %9.2f (%7.2f)\n", "memcpy of 32 MiB in user space", median(copy, RUNS),
         minimum(copy, RUNS));
  printf("  %-40s %9.2f\n", "memcpy of 32 MiB into fresh pages", fresh);
  printf("  %-40s %9.2f\n", "first touch of the 32 MiB heap", touch);
  printf("  fork / memcpy: %.3f\n", median(fk, RUNS) / median(copy, RUNS));
  figure("fork_32m", median(fk, RUNS), "ms");
  figure("fork_wait_32m", median(full, RUNS), "ms");
  figure("memcpy_32m", median(copy, RUNS), "ms");
  figure("memcpy_fresh_32m", fresh, "ms");
  figure("fork_vs_memcpy", median(fk, RUNS) / median(copy, RUNS), "x");
}

/* ------------------------------------------------------------------------ */
/* Heap growth: one lazy sbrk, and filling memory a page at a time           */

#define SB_SAMPLES   64
#define SB_BATCH     32
#define HEAP_STEPS   30000        /* xv6's tests fill memory this way */
#define HEAP_BLOCK   1000         /* the first and last this many steps are compared */
#define HEAP_RUNS    5

static long k_sbrk(long n, long type) { return KSYS2(SYS_sbrk, n, type); }

/* One lazy sbrk(4096) and one getpid round trip, in ns: each sample
 * times SB_BATCH getpids and then SB_BATCH sbrks (the heap is shrunk back,
 * untimed, after each), so that the two are measured side by side. */
static int measure_sbrk_lazy(double *sbrk_ns, double *getpid_ns)
{
  double sb_med[RUNS], gp_med[RUNS], sb[SB_SAMPLES], gp[SB_SAMPLES];
  long pid = KSYS0(SYS_getpid);

  for (int run = 0; run < RUNS; run++) {
    for (int s = 0; s < SB_SAMPLES; s++) {
      unsigned long t0 = now();
      for (int i = 0; i < SB_BATCH; i++)
        if (KSYS0(SYS_getpid) != pid) {
          error("getpid changed");
          return -1;
        }
      unsigned long t1 = now();
      for (int i = 0; i < SB_BATCH; i++)
        if (is_err(k_sbrk(PG, KITE_SBRK_LAZY))) {
          error("sbrk(4096) failed");
          return -1;
        }
      unsigned long t2 = now();
      gp[s] = ticks_ns((double)(t1 - t0)) / SB_BATCH;
      sb[s] = ticks_ns((double)(t2 - t1)) / SB_BATCH;
      if (is_err(k_sbrk(-(long)SB_BATCH * PG, KITE_SBRK_LAZY))) {
        error("sbrk(-%d pages) failed", SB_BATCH);
        return -1;
      }
    }
    sb_med[run] = median(sb, SB_SAMPLES);
    gp_med[run] = median(gp, SB_SAMPLES);
  }
  *sbrk_ns = median(sb_med, RUNS);
  *getpid_ns = median(gp_med, RUNS);
  return 0;
}

/* HEAP_STEPS steps of sbrk(4096) of the given type plus a write to the
 * new page, then one shrink back. Microseconds a step: all steps, the
 * first HEAP_BLOCK and the last HEAP_BLOCK. */
static int heap_steps(long type, double *all, double *first, double *last)
{
  unsigned long stamp[HEAP_STEPS / HEAP_BLOCK + 1];
  long b = k_sbrk(0, KITE_SBRK_LAZY);

  if (is_err(b) || (b % PG && is_err(k_sbrk(PG - b % PG, KITE_SBRK_LAZY)))) {
    error("sbrk to a page boundary failed");
    return -1;
  }
  stamp[0] = now();
  for (long i = 0; i < HEAP_STEPS; i++) {
    long r = k_sbrk(PG, type);
    if (is_err(r)) {
      error("step %ld: sbrk(4096, %s) = %ld", i, type == KITE_SBRK_EAGER ? "eager" : "lazy", r);
      k_sbrk(-i * (long)PG, KITE_SBRK_LAZY);
      return -1;
    }
    *(volatile char *)r = 1;
    if ((i + 1) % HEAP_BLOCK == 0)
      stamp[(i + 1) / HEAP_BLOCK] = now();
  }
  if (is_err(k_sbrk(-(long)HEAP_STEPS * PG, KITE_SBRK_LAZY)))
    error("shrinking the heap back by %d pages failed", HEAP_STEPS);
  double us = 1e-3 / HEAP_BLOCK;
  *all = ticks_ns((double)(stamp[HEAP_STEPS / HEAP_BLOCK] - stamp[0])) * 1e-3 / HEAP_STEPS;
  *first = ticks_ns((double)(stamp[1] - stamp[0])) * us;
  *last = ticks_ns((double)(stamp[HEAP_STEPS / HEAP_BLOCK] -
                            stamp[HEAP_STEPS / HEAP_BLOCK - 1])) * us;
  return 0;
}

static void bench_heap(void)
{
  static const char *names[2] = { "lazy", "eager" };
  static const long types[2] = { KITE_SBRK_LAZY, KITE_SBRK_EAGER };
  double all[2][HEAP_RUNS], first[2][HEAP_RUNS], last[2][HEAP_RUNS];
  double sb, gp;
  struct kite_sysinfo si;
  char name[48];

  if (measure_sbrk_lazy(&sb, &gp) < 0)
    return;
  printf("\nheap growth, ns: median of %d runs\n", RUNS);
  printf("  %-30s %9.0f\n", "getpid round trip", gp);
  printf("  %-30s %9.0f   (%.2f x getpid)\n", "lazy sbrk(4096)", sb, sb / gp);
  figure("heap_getpid", gp, "ns");
  figure("sbrk_lazy", sb, "ns");
  figure("sbrk_lazy_vs_getpid", sb / gp, "x");
  fflush(stdout);

  if (is_err(KSYS1(SYS_sysinfo, &si)) || si.free_pages < HEAP_STEPS + HEAP_STEPS / 8) {
    error("%d steps of sbrk(4096) need %d free pages; %lu are free (make bench MEM=256M)",
          HEAP_STEPS, HEAP_STEPS + HEAP_STEPS / 8, (unsigned long)si.free_pages);
    return;
  }
  for (int run = 0; run < HEAP_RUNS; run++)
    for (int t = 0; t < 2; t++) {
      if (heap_steps(types[t], &all[t][run], &first[t][run], &last[t][run]) < 0)
        return;
      printf("  run %d: %d steps of %s sbrk(4096) + touch: %.1f us a step\n", run + 1,
             HEAP_STEPS, names[t], all[t][run]);
      fflush(stdout);
    }
  printf("\n%d steps of sbrk(4096) + a touch of the new page, us a step: median of %d runs\n",
         HEAP_STEPS, HEAP_RUNS);
  printf("  %-8s %12s %12s %12s %12s\n", "type", "all steps", "first 1000", "last 1000",
         "last/first");
  for (int t = 0; t < 2; t++) {
    double a = median(all[t], HEAP_RUNS), f = median(first[t], HEAP_RUNS);
    double l = median(last[t], HEAP_RUNS);
    printf("  %-8s %12.1f %12.1f %12.1f %12.2f\n", names[t], a, f, l, l / f);
    snprintf(name, sizeof name, "heap_step_%s", names[t]);
    figure(name, a, "us");
    snprintf(name, sizeof name, "heap_step_%s_first", names[t]);
    figure(name, f, "us");
    snprintf(name, sizeof name, "heap_step_%s_last", names[t]);
    figure(name, l, "us");
    snprintf(name, sizeof name, "heap_step_%s_growth", names[t]);
    figure(name, l / f, "x");
  }
}

/* ------------------------------------------------------------------------ */

static const struct {
  const char *name;
  void (*fn)(void);
} benches[] = {
  { "copy",    bench_copy },
  { "syscall", bench_syscall },
  { "procmem", bench_procmem },
  { "fork",    bench_fork },
  { "heap",    bench_heap },
};
#define NBENCH ((int)(sizeof benches / sizeof benches[0]))

int main(int argc, char **argv)
{
  int want[NBENCH] = { 0 }, named = 0, excluded = 0;

  for (int i = 1; i < argc; i++) {
    int found = 0, skip = strcmp(argv[i], "-x") == 0 && i + 1 < argc;
    const char *name = skip ? argv[++i] : argv[i];
    for (int b = 0; b < NBENCH; b++)
      if (strcmp(name, benches[b].name) == 0) {
        want[b] = skip ? -1 : 1;
        found = 1;
      }
    named += found && !skip;
    excluded += found && skip;
    if (!found || (named && excluded)) {
      fprintf(stderr, "usage: bench [NAME...] | bench -x NAME...\n"
                      "  NAME: copy syscall procmem fork heap\n");
      return 2;
    }
  }
  printf("bench: starting\n");
  fflush(stdout);
  find_timebase();
  probe_rdtime();
  printf("timebase %lu ticks/s; user-mode rdtime %s\n", timebase,
         user_rdtime ? "allowed" : "not allowed (scounteren.TM clear): using SYS_clock");
  fflush(stdout);
  for (int b = 0; b < NBENCH; b++) {
    if (want[b] < 0 || (named && !want[b]))
      continue;
    benches[b].fn();
    fflush(stdout);
  }
  printf("bench: done, %d errors\n", errors);
  fflush(stdout);
  return errors ? 1 : 0;
}
