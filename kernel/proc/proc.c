/*
 * Process life cycle: creation, fork, exit, wait, kill. The scheduler and
 * sleep/wakeup live in sched.c.
 */
#include "proc/proc.h"
#include "proc/exec.h"
#include "mm/kalloc.h"
#include "mm/procmem.h"
#include "arch/pagetable.h"
#include "arch/memlayout.h"
#include "arch/sbi.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "fs/fs.h"
#include "fs/file.h"
#include "fs/log.h"
#include <kite/errno.h>

struct cpu cpus[NCPU];
struct proc proc[NPROC];
static struct proc *initproc;

static int nextpid = 1;
static struct spinlock pid_lock;
/* Protects every p->parent, and orders wait() against exit() wakeups. */
static struct spinlock wait_lock;

extern void forkret(void);

int cpuid(void) { return r_tp(); }
struct cpu *mycpu(void) { return &cpus[cpuid()]; }

struct proc *myproc(void)
{
  push_off();
  struct proc *p = mycpu()->proc;
  pop_off();
  return p;
}

/* Give every process slot a kernel stack in the kernel page table, each
 * with an unmapped guard page below it. Boot hart, before paging is on. */
void procinit(void)
{
  initlock(&pid_lock, "nextpid");
  initlock(&wait_lock, "wait_lock");
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &proc[i];
    initlock(&p->lock, "proc");
    p->state = UNUSED;
    p->kstack = KSTACK(i);
    for (int k = 0; k < KSTACK_PAGES; k++) {
      void *pa = kalloc();
      if (pa == NULL || pt_map(kernel_pagetable, p->kstack + k * PGSIZE, (uint64)pa, PGSIZE,
                               PT_READ | PT_WRITE) < 0)
        panic("procinit: out of memory for kernel stacks");
    }
  }
}

static int allocpid(void)
{
  acquire(&pid_lock);
  int pid = nextpid++;
  release(&pid_lock);
  return pid;
}

static void freeproc(struct proc *p);

/* Find an UNUSED slot and set it up to start in forkret(); returns with
 * p->lock held, or NULL. */
static struct proc *allocproc(void)
{
  struct proc *p;
  for (p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state == UNUSED)
      goto found;
    release(&p->lock);
  }
  return NULL;

found:
  p->pid = allocpid();
  p->state = USED;
  p->fault_after = -1;
  if ((p->trapframe = kzalloc()) == NULL ||
      (p->mem = procmem_create((uint64)p->trapframe)) == NULL) {
    freeproc(p);
    release(&p->lock);
    return NULL;
  }
  memset(&p->context, 0, sizeof p->context);
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack + KSTACK_PAGES * PGSIZE;
  return p;
}

/* Caller holds p->lock. p->mem is normally gone already (kexit); it is
 * only still here for a process that never ran, which holds no files. */
static void freeproc(struct proc *p)
{
  if (p->mem)
    procmem_destroy(p->mem);
  if (p->trapframe)
    kfree(p->trapframe);
  p->mem = NULL;
  p->trapframe = NULL;
  p->pid = 0;
  p->parent = NULL;
  p->name[0] = 0;
  p->chan = NULL;
  p->killed = 0;
  p->xstate = 0;
  p->state = UNUSED;
}

/* The first process: a kernel-made shell of a process whose first run (in
 * forkret) mounts the file system and execs /init. */
void userinit(void)
{
  struct proc *p = allocproc();
  if (p == NULL)
    panic("userinit: no memory for the first process");
  initproc = p;
  safestrcpy(p->name, "init", sizeof p->name);
  p->state = RUNNABLE;
  release(&p->lock);
}

/* Called by forkret() in the first process, once, in process context. */
void first_process_start(void)
{
  struct proc *p = myproc();
  fsinit(ROOTDEV);
  int err = namei("/", &p->cwd);
  if (err < 0)
    panic("init: no root directory (%d)", err);
  char *argv[] = { "init", NULL };
  long r = kexec("/init", argv);
  if (r < 0) {
    printf("kite: cannot run /init (error %ld); the image needs a working /init. "
           "Powering off.\n", r);
    sbi_shutdown();
  }
  p->trapframe->a0 = r;
}

int kfork(void)
{
  struct proc *p = myproc();
  struct proc *np = allocproc();
  if (np == NULL)
    return -KITE_EAGAIN;
  int err = procmem_fork(p->mem, np->mem);
  if (err < 0) {
    struct procmem *mem = np->mem;   /* destroyed unlocked: it may sleep */
    np->mem = NULL;
    freeproc(np);
    release(&np->lock);
    procmem_destroy(mem);
    return err;
  }
  *np->trapframe = *p->trapframe;
  np->trapframe->a0 = 0;                       /* fork() returns 0 in the child */
  for (int i = 0; i < NOFILE; i++)
    if (p->ofile[i])
      np->ofile[i] = filedup(p->ofile[i]);
  np->cwd = idup(p->cwd);
  safestrcpy(np->name, p->name, sizeof np->name);
  int pid = np->pid;
  release(&np->lock);

  acquire(&wait_lock);
  np->parent = p;
  release(&wait_lock);

  acquire(&np->lock);
  np->state = RUNNABLE;
  release(&np->lock);
  kick_idle_hart();
  return pid;
}

/* Give p's children to init. Caller holds wait_lock. */
static void reparent(struct proc *p)
{
  for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      wakeup(initproc);
    }
  }
}

void kexit(int status)
{
  struct proc *p = myproc();
  if (p == initproc) {
    /* Bad input (a broken /init or console on the image), not a kernel bug. */
    printf("kite: init exited with status %d; nothing runs without it. Powering off.\n", status);
    sbi_shutdown();
  }

  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd]) {
      fileclose(p->ofile[fd]);
      p->ofile[fd] = NULL;
    }
  }
  begin_op();
  iput(p->cwd);
  end_op();
  p->cwd = NULL;

  /* Give the memory back now (shared file pages are written back here,
   * where sleeping is allowed); a zombie keeps only its slot. */
  acquire(&p->lock);
  struct procmem *mem = p->mem;
  p->mem = NULL;
  release(&p->lock);
  pt_switch(kernel_pagetable);       /* off this table before it is freed */
  procmem_destroy(mem);

  acquire(&wait_lock);
  reparent(p);
  wakeup(p->parent);
  acquire(&p->lock);
  p->xstate = status;
  p->state = ZOMBIE;
  release(&wait_lock);

  sched();
  panic("zombie exit");
}

int kwait(uaddr_t status)
{
  struct proc *p = myproc();
  acquire(&wait_lock);
  for (;;) {
    int havekids = 0;
    for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
      if (pp->parent != p)
        continue;
      acquire(&pp->lock);
      havekids = 1;
      if (pp->state == ZOMBIE) {
        int pid = pp->pid;
        if (!uaddr_is_null(status) && copyout_user(status, &pp->xstate, sizeof pp->xstate) < 0) {
          release(&pp->lock);
          release(&wait_lock);
          return -KITE_EFAULT;             /* the child stays a zombie: nothing lost */
        }
        freeproc(pp);
        release(&pp->lock);
        release(&wait_lock);
        return pid;
      }
      release(&pp->lock);
    }
    if (!havekids) {
      release(&wait_lock);
      return -KITE_ECHILD;
    }
    if (killed(p)) {
      release(&wait_lock);
      return -KITE_EINTR;
    }
    sleep(p, &wait_lock);
  }
}

/* A zombie is still a process until its parent reaps it: killing it
 * succeeds (as in POSIX, Linux and xv6) and changes nothing. */
int kkill(int pid)
{
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->pid == pid && p->state == ZOMBIE) {
      release(&p->lock);
      return 0;
    }
    if (p->pid == pid && p->state != UNUSED) {
      p->killed = 1;
      if (p->state == SLEEPING)
        p->state = RUNNABLE;               /* so it notices */
      release(&p->lock);
      kick_idle_hart();
      return 0;
    }
    release(&p->lock);
  }
  return -KITE_ESRCH;
}

void setkilled(struct proc *p)
{
  acquire(&p->lock);
  p->killed = 1;
  release(&p->lock);
}

int killed(struct proc *p)
{
  acquire(&p->lock);
  int k = p->killed;
  release(&p->lock);
  return k;
}

int kgetppid(void)
{
  struct proc *p = myproc();
  acquire(&wait_lock);
  int ppid = p->parent ? p->parent->pid : 0;
  release(&wait_lock);
  return ppid;
}

/* Up to max mapping records of process pid, from address `from` on, and
 * its mapping count in *total; -ESRCH if there is no such live process. */
int proc_mem_list(int pid, uint64 from, struct kite_mapping *buf, int max, int *total)
{
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->pid == pid && p->state != UNUSED && p->state != ZOMBIE && p->mem) {
      int n = procmem_list(p->mem, from, buf, max);
      *total = procmem_count(p->mem);
      release(&p->lock);
      return n;
    }
    release(&p->lock);
  }
  return -KITE_ESRCH;
}

uint64 nproc_used(void)
{
  uint64 n = 0;
  for (struct proc *p = proc; p < &proc[NPROC]; p++)
    if (p->state != UNUSED)
      n++;
  return n;
}

/* ^P on the console: list processes. No locks, so a wedged kernel can
 * still show its state. */
void procdump(void)
{
  static const char *states[] = { "unused", "used", "sleep", "runble", "run", "zombie" };
  printf("\n");
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p->state == UNUSED)
      continue;
    printf("%d %s %s\n", p->pid, states[p->state], p->name);
  }
}
