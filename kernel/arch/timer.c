/* Time, deadlines and the timer interrupt; see timer.h. */
#include "arch/timer.h"
#include "arch/riscv.h"
#include "arch/sbi.h"
#include "arch/trap.h"
#include "drivers/platform.h"
#include "lib/ticks.h"
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include <kite/errno.h>

#define CSR_STIMECMP 0x14D     /* Sstc; written by number for older assemblers */

static struct spinlock timelock;
static uint64 boot_time;         /* rdtime at tick 0; set once, before other harts start */
static uint64 timer_next = TIMER_NONE;   /* timelock for writes; read lock-free */
static int timer_owner = -1;             /* the hart armed for timer_next; likewise */
static uint64 timer_intrs;               /* interrupts taken, for sysinfo; atomic */

extern volatile int panicked;

void timer_init(void)
{
  initlock(&timelock, "time");
  boot_time = r_time();
}

/* Interrupts off: cpu->timer_at is this hart's. */
static void hart_timer_set(uint64 when)
{
  mycpu()->timer_at = when;
  if (platform.has_sstc)
    asm volatile("csrw %0, %1" : : "i"(CSR_STIMECMP), "r"(when));
  else
    sbi_set_timer(when);           /* also clears a pending timer interrupt */
}

void timer_init_hart(void)
{
  push_off();
  hart_timer_set(TIMER_NONE);
  pop_off();
}

uint64 timer_since_boot(void)
{
  return r_time() - boot_time;
}

uint64 timer_ticks(void)
{
  return ticks_at(timer_since_boot(), platform.timebase);
}

uint64 timer_tick_start(uint64 n)
{
  return boot_time + tick_start(n, platform.timebase);
}

uint64 timer_interrupts(void)
{
  return __atomic_load_n(&timer_intrs, __ATOMIC_RELAXED);
}

static uint64 slice(void)
{
  return platform.timebase / KITE_HZ;
}

static uint64 next_deadline(void)
{
  return __atomic_load_n(&timer_next, __ATOMIC_ACQUIRE);
}

/* Only this hart makes itself the owner, so the answer cannot go stale
 * from false to true behind its back. */
static int owns_next_deadline(void)
{
  return __atomic_load_n(&timer_owner, __ATOMIC_ACQUIRE) == cpuid();
}

/* Caller holds timelock: make deadline the earliest if it is, and arm
 * this hart for it (the invariant in timer.h). */
static void deadline_add_locked(uint64 deadline)
{
  if (deadline >= timer_next)
    return;
  __atomic_store_n(&timer_next, deadline, __ATOMIC_RELEASE);
  __atomic_store_n(&timer_owner, cpuid(), __ATOMIC_RELEASE);
  if (deadline < mycpu()->timer_at)
    hart_timer_set(deadline);
}

long timer_sleep_until(uint64 deadline)
{
  long err = 0;
  acquire(&timelock);
  while (err == 0 && r_time() < deadline) {
    deadline_add_locked(deadline);
    /* timelock held from the check: no lost wake-up. Killable under
     * p->lock: only a deadline wakes this sleep, so a kill that came just
     * before it must not be missed. */
    err = sleep_killable(&timer_next, &timelock);
  }
  release(&timelock);
  return err;
}

/* The earliest deadline has come: wake every sleeper to check its own. */
static void deadlines_expire(uint64 now)
{
  acquire(&timelock);
  if (now >= timer_next) {
    __atomic_store_n(&timer_next, TIMER_NONE, __ATOMIC_RELEASE);
    __atomic_store_n(&timer_owner, -1, __ATOMIC_RELEASE);
    wakeup(&timer_next);
  }
  release(&timelock);
}

/*
 * This hart stops (SYS_hartreenter sends it back through the firmware): if
 * it owns the earliest deadline, nobody would fire for it. Expire it early
 * instead: the sleepers wake, see their deadlines still ahead and set them
 * again from harts that keep running. wakeup() counts on this hart's
 * scheduler loop to run one of them, which it will not: kick for it.
 */
void timer_hart_stopping(void)
{
  acquire(&timelock);
  if (timer_owner == cpuid()) {
    __atomic_store_n(&timer_next, TIMER_NONE, __ATOMIC_RELEASE);
    __atomic_store_n(&timer_owner, -1, __ATOMIC_RELEASE);
    wakeup(&timer_next);
    kick_idle_hart();
  }
  release(&timelock);
  hart_timer_set(TIMER_NONE);
}

/*
 * A time slice starts: make sure this hart's timer ends it. A timer that
 * is already armed earlier stays (the process then gets a shorter first
 * slice, as under a periodic tick); one that is off or later is brought
 * forward.
 */
void timer_slice_start(void)
{
  uint64 end = r_time() + slice();
  if (mycpu()->timer_at > end)
    hart_timer_set(end);
}

/*
 * Wake expired sleepers, then re-arm: for the end of the next slice if
 * this hart runs a process, and for the next deadline if this hart owns
 * it. An idle hart with neither is left with its timer off; so a deadline
 * wakes one hart, not all of them.
 */
void timer_intr(void)
{
  if (panicked)
    trap_halt_hart();
  __atomic_add_fetch(&timer_intrs, 1, __ATOMIC_RELAXED);
  uint64 now = r_time();
  if (now >= next_deadline())
    deadlines_expire(now);
  uint64 next = owns_next_deadline() ? next_deadline() : TIMER_NONE;
  if (mycpu()->proc != NULL)
    next = MIN(next, now + slice());
  hart_timer_set(next);
}
