/*
 * Processes and the scheduler.
 *
 * Lock order (outermost first), written once for the whole kernel:
 *   wait_lock -> p->lock -> pm->lock -> shm->lock -> slab lock -> kmem.lock
 *   timelock (arch/timer.c) -> p->lock    (a sleep's deadline check)
 *   cons.lock, pipe->lock -> pm->lock   (a user copy under them may fault)
 *   fs: sleep locks (inode, buffer) -> log.lock / icache.lock / bcache.lock;
 *   none of these is held while taking p->lock.
 * pm->lock is a spinlock: faults never sleep (see mm/procmem.h).
 *
 * A process is in exactly one state; p->lock must be held to change state,
 * chan, killed, xstate or pid. p->parent is protected by wait_lock. The
 * remaining fields are private to the process itself (or to its creator
 * before it first runs) and need no lock.
 */
#ifndef KITE_PROC_H
#define KITE_PROC_H

#include "lib/types.h"
#include "lib/spinlock.h"
#include "arch/riscv.h"
#include "param.h"
#include "mm/usercopy.h"

struct file;
struct inode;
struct procmem;

/* Callee-saved registers for kernel context switches (arch/swtch.S). */
struct context {
  uint64 ra, sp;
  uint64 s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
};

/* Per-hart state. */
struct cpu {
  struct proc *proc;        /* running process, or NULL */
  struct context context;   /* swtch() here to enter the scheduler */
  int noff;                 /* depth of push_off() nesting */
  int intena;               /* were interrupts enabled before push_off()? */
  int hartid;
  uint64 timer_at;          /* this hart's timer is armed for (arch/timer.h) */
};

extern struct cpu cpus[NCPU];

/*
 * Saved user registers, one page per process, mapped just below the
 * trampoline in user page tables (but not user-accessible). The
 * trampoline saves here on trap entry and restores on return.
 */
struct trapframe {
  /*   0 */ uint64 kernel_sp;
  /*   8 */ uint64 kernel_trap;
  /*  16 */ uint64 epc;
  /*  24 */ uint64 kernel_hartid;
  /*  32 */ uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1;
  /* 104 */ uint64 a0, a1, a2, a3, a4, a5, a6, a7;
  /* 168 */ uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
  /* 248 */ uint64 t3, t4, t5, t6;
};

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct proc {
  struct spinlock lock;

  /* p->lock must be held when using these: */
  enum procstate state;
  void *chan;               /* sleeping on chan, if non-NULL */
  int killed;               /* kill() was called: exit at the next chance */
  int xstate;               /* exit status for the parent's wait() */
  int pid;

  /* wait_lock must be held when using this: */
  struct proc *parent;

  /* private to the process: */
  uint64 kstack;                 /* bottom of kernel stack (virtual) */
  struct procmem *mem;           /* user address space */
  struct trapframe *trapframe;   /* page for trampoline.S */
  struct context context;        /* swtch() here to run the process */
  struct file *ofile[NOFILE];
  struct inode *cwd;
  char name[16];                 /* for the console and debugging */
  long fault_after;              /* usercopy fault injection; -1 when off */
};

struct cpu  *mycpu(void);
struct proc *myproc(void);
int  cpuid(void);

void procinit(void);
void userinit(void);
void scheduler(void) __attribute__((noreturn));
void sched(void);
void yield(void);
void sleep(void *chan, struct spinlock *lk);
int  sleep_killable(void *chan, struct spinlock *lk);   /* 0, or -KITE_EINTR if killed */
void wakeup(void *chan);
void kick_idle_hart(void);
void kick_idle_harts(int n);
uint64 sched_ipi_wakeups(void);   /* idle harts woken by an IPI since boot */

int  kfork(void);
void kexit(int status) __attribute__((noreturn));
int  kwait(uaddr_t status);
int  kkill(int pid);
int  kgetppid(void);
struct kite_mapping;
int  proc_mem_list(int pid, uint64 from, struct kite_mapping *buf, int max, int *total);
void first_process_start(void);
void setkilled(struct proc *p);
int  killed(struct proc *p);
uint64 nproc_used(void);
void procdump(void);

#endif
