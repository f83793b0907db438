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
#include "lib/printf.h"
#include "arch/riscv.h"

extern struct proc proc[NPROC];
extern void swtch(struct context *old, struct context *new);
extern void usertrapret(void);

void scheduler(void)
{
  struct cpu *c = mycpu();
  c->proc = NULL;
  for (;;) {
    intr_on();                  /* let devices interrupt between passes */
    int ran = 0;
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
      acquire(&p->lock);
      if (p->state == RUNNABLE) {
        p->state = RUNNING;
        c->proc = p;
        swtch(&c->context, &p->context);
        c->proc = NULL;
        ran = 1;
      }
      release(&p->lock);
    }
    if (!ran)
      wfi();                    /* idle: sleep until the next interrupt */
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
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p == myproc())
      continue;
    acquire(&p->lock);
    if (p->state == SLEEPING && p->chan == chan)
      p->state = RUNNABLE;
    release(&p->lock);
  }
}
