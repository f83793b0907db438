/*
 * The scheduler: round-robin over the process table, one scheduler loop
 * per hart, preempted by the timer at the end of a time slice; idle harts
 * sleep in wfi until an interrupt, an IPI or a deadline. Also sleep() and
 * wakeup().
 *
 * Switching: a process gives up its hart by calling sched() with p->lock
 * held and its state already changed; swtch() lands in the hart's
 * scheduler loop, which releases the lock. The lock is held across the
 * switch in both directions so no other hart can run p halfway.
 */
#include "proc/proc.h"
#include "proc/hart.h"
#include "lib/printf.h"
#include "arch/riscv.h"
#include "arch/sbi.h"
#include "arch/trap.h"
#include "arch/timer.h"
#include "arch/pagetable.h"
#include "mm/procmem.h"
#include <kite/errno.h>

extern struct proc proc[NPROC];
extern void swtch(struct context *old, struct context *new);
extern void usertrapret(void);

/*
 * Idle harts. A hart with nothing to run sleeps in wfi with its bit set in
 * idle_harts, its timer armed only for a deadline it owns (arch/timer.h),
 * if any. Whoever makes a process RUNNABLE calls kick_idle_harts(), which
 * claims idle harts (clears their bits, so two wake-ups at once go to two
 * harts) and sends them an IPI through SBI.
 *
 * No wake-up is lost: the idle hart sets its bit and then reads every
 * state; the waker stores RUNNABLE and then reads the bits. Both orders
 * are sequentially consistent, so at least one side sees the other's
 * store: the idle hart finds the process, or the waker finds the bit.
 * Interrupts stay off from the look to the wfi, so an IPI, timer or
 * device interrupt that comes in between stays pending and ends the wfi
 * at once (wfi wakes on a pending enabled interrupt even with SIE clear).
 */
static uint64 idle_harts;       /* bit per hart in idle(); atomic */
static uint64 ipi_wakeups;      /* wfi ended by an IPI, for sysinfo; atomic */

extern volatile int panicked;

/* Is any process runnable? A lock-free look for the idle loop. */
static int any_runnable(void)
{
  for (struct proc *p = proc; p < &proc[NPROC]; p++)
    if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) == RUNNABLE)
      return 1;
  return 0;
}

static void idle(void)
{
  uint64 me = 1UL << cpuid();
  intr_off();
  __atomic_or_fetch(&idle_harts, me, __ATOMIC_SEQ_CST);
  if (!any_runnable() && !hart_stop_wanted()) {
    wfi();
    if (trap_ipi_pending())
      __atomic_add_fetch(&ipi_wakeups, 1, __ATOMIC_RELAXED);
  }
  __atomic_and_fetch(&idle_harts, ~me, __ATOMIC_SEQ_CST);
  if (panicked)                 /* a panic elsewhere: this hart stops too */
    trap_halt_hart();
}

uint64 sched_ipi_wakeups(void)
{
  return __atomic_load_n(&ipi_wakeups, __ATOMIC_RELAXED);
}

/* Claim one idle hart: its bit, or 0 if none is idle. */
static uint64 claim_idle_hart(void)
{
  uint64 idle = __atomic_load_n(&idle_harts, __ATOMIC_SEQ_CST);
  while (idle != 0) {
    uint64 h = idle & -idle;
    if (__atomic_compare_exchange_n(&idle_harts, &idle, idle & ~h, 0,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
      return h;
  }
  return 0;
}

/* n processes just became RUNNABLE: wake up to n idle harts for them. */
void kick_idle_harts(int n)
{
  uint64 mask = 0, h;
  for (; n > 0 && (h = claim_idle_hart()) != 0; n--)
    mask |= h;
  if (mask)
    sbi_send_ipi(mask);
}

void kick_idle_hart(void)
{
  kick_idle_harts(1);
}

void scheduler(void)
{
  struct cpu *c = mycpu();
  c->proc = NULL;
  for (;;) {
    hart_stop_if_asked();       /* no lock held, no process: SYS_hartreenter */
    intr_on();                  /* let devices interrupt between passes */
    int ran = 0;
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
      acquire(&p->lock);
      if (p->state == RUNNABLE) {
        timer_slice_start();
        p->state = RUNNING;
        c->proc = p;
        /* The kernel runs on p's table too; an exiting p has given its
         * memory back already and runs on the kernel's. */
        pt_switch(p->mem ? p->mem->pt : kernel_pagetable);
        swtch(&c->context, &p->context);
        pt_switch(kernel_pagetable);    /* p's table may be gone soon */
        c->proc = NULL;
        ran = 1;
      }
      release(&p->lock);
    }
    if (!ran)
      idle();                   /* sleep until an interrupt, an IPI or a deadline */
  }
}

void sched(void)
{
  struct proc *p = myproc();
  if (!holding(&p->lock))
    panic("sched: p->lock not held");
  if (mycpu()->noff != 1)
    panic("sched: other locks held (noff=%d)", mycpu()->noff);
  if (p->state == RUNNING)
    panic("sched: process still RUNNING");
  if (intr_get())
    panic("sched: interrupts enabled");
  int intena = mycpu()->intena;
  swtch(&p->context, &mycpu()->context);
  mycpu()->intena = intena;
}

void yield(void)
{
  struct proc *p = myproc();
  acquire(&p->lock);
  p->state = RUNNABLE;
  sched();
  release(&p->lock);
}

/* A new process's first kernel code: still holds p->lock from scheduler(). */
void forkret(void)
{
  static int first = 1;
  release(&myproc()->lock);
  if (first) {
    first = 0;                  /* only the very first process gets here first */
    first_process_start();
  }
  usertrapret();
}

/* Caller holds p->lock and lk: release lk, sleep on chan until woken,
 * then release p->lock and take lk again. */
static void sleep_locked(struct proc *p, void *chan, struct spinlock *lk)
{
  release(lk);
  p->chan = chan;
  p->state = SLEEPING;
  sched();
  p->chan = NULL;
  release(&p->lock);
  acquire(lk);
}

/* Atomically release lk and sleep on chan; reacquire lk when woken. */
void sleep(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();
  acquire(&p->lock);            /* wakeup() needs p->lock: no lost wakeups */
  sleep_locked(p, chan, lk);
}

/*
 * sleep(), unless the process has been killed: then -KITE_EINTR at once,
 * lk still held. The caller's own killed() check is not enough: a kill
 * between it and sleep() finds the process not yet SLEEPING, so kkill()
 * does not wake it, and it would sleep with the kill pending until chan is
 * woken. Here killed is read under p->lock, which kkill() holds to set it.
 */
int sleep_killable(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();
  acquire(&p->lock);
  if (p->killed) {
    release(&p->lock);
    return -KITE_EINTR;
  }
  sleep_locked(p, chan, lk);
  return 0;
}

void wakeup(void *chan)
{
  int woke = 0;
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p == myproc())
      continue;
    acquire(&p->lock);
    if (p->state == SLEEPING && p->chan == chan) {
      p->state = RUNNABLE;
      woke++;
    }
    release(&p->lock);
  }
  /* In an interrupt of this hart's scheduler loop, the loop itself looks
   * again before it idles: one of the woken needs no other hart. */
  if (myproc() == NULL)
    woke--;
  kick_idle_harts(woke);
}
