/*
 * The scheduler: round-robin over the process table, one scheduler loop
 * per hart, preempted by the timer. Also sleep() and wakeup().
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
#include "arch/pagetable.h"
#include "mm/procmem.h"

extern struct proc proc[NPROC];
extern void swtch(struct context *old, struct context *new);
extern void usertrapret(void);

static uint64 idle_harts;       /* bit per hart waiting in wfi (atomic) */

/* Is any process runnable? A lock-free hint for the idle loop. */
static int any_runnable(void)
{
  for (struct proc *p = proc; p < &proc[NPROC]; p++)
    if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) == RUNNABLE)
      return 1;
  return 0;
}

/* Interrupts off across the check and the wfi: an IPI or tick arriving in
 * between stays pending and ends the wfi at once. */
static void idle(void)
{
  uint64 me = 1UL << cpuid();
  intr_off();
  __atomic_or_fetch(&idle_harts, me, __ATOMIC_SEQ_CST);
  if (!any_runnable() && !hart_stop_wanted())
    wfi();
  __atomic_and_fetch(&idle_harts, ~me, __ATOMIC_SEQ_CST);
}

/* A process just became RUNNABLE: wake a hart that sleeps in wfi. */
void kick_idle_hart(void)
{
  uint64 idle = __atomic_load_n(&idle_harts, __ATOMIC_SEQ_CST);
  if (idle)
    sbi_send_ipi(idle & -idle);
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
        timer_resume();
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
      idle();                   /* sleep until an interrupt or an IPI */
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

/* Atomically release lk and sleep on chan; reacquire lk when woken. */
void sleep(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();
  acquire(&p->lock);            /* wakeup() needs p->lock: no lost wakeups */
  release(lk);
  p->chan = chan;
  p->state = SLEEPING;
  sched();
  p->chan = NULL;
  release(&p->lock);
  acquire(lk);
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
      woke = 1;
    }
    release(&p->lock);
  }
  if (woke)
    kick_idle_hart();
}
