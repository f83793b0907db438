/*
 * Traps, interrupts and exceptions.
 *
 * From user mode: trampoline.S (uservec) -> usertrap() -> syscall, device
 * interrupt, page fault -> usertrapret() -> userret.
 * From kernel mode: kernelvec.S -> kerneltrap(): device and timer
 * interrupts; any exception there is a kernel bug and panics.
 */
#include "arch/trap.h"
#include "arch/riscv.h"
#include "arch/memlayout.h"
#include "arch/timer.h"
#include "drivers/platform.h"
#include "drivers/plic.h"
#include "proc/proc.h"
#include "mm/procmem.h"
#include "arch/uaccess.h"
#include "syscall/syscall.h"
#include "lib/printf.h"
#include "lib/backtrace.h"

extern char trampoline[], uservec[], userret[];
extern void kernelvec(void);

void trap_init(void)
{
  timer_init();
}

void trap_init_hart(void)
{
  csr_write(stvec, (uint64)kernelvec);
  csr_write(scounteren, SCOUNTEREN_TM);   /* user programs may read the timer */
  timer_init_hart();                      /* off until there is a slice or a deadline */
  csr_set(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
}

/* Another hart panicked: stop this one for good. With every source off
 * in sie, a pending interrupt cannot end the wfi, so the hart does not
 * spin on it. */
void trap_halt_hart(void)
{
  intr_off();
  csr_write(sie, 0);
  for (;;)
    wfi();
}

/* Is an IPI (supervisor software interrupt) pending on this hart? */
int trap_ipi_pending(void)
{
  return (csr_read(sip) & SIE_SSIE) != 0;     /* sip.SSIP is sie.SSIE's bit */
}

/* Handle an interrupt, if scause is one. Returns 2 for the timer, 1 for
 * another device, 0 if not an interrupt. */
static int devintr(uint64 scause)
{
  if (!(scause & SCAUSE_INTR))
    return 0;
  switch (scause & ~SCAUSE_INTR) {
  case IRQ_S_EXT:
    plic_dispatch();
    return 1;
  case IRQ_S_TIMER:
    timer_intr();
    return 2;
  case IRQ_S_SOFT:
    csr_clear(sip, SIE_SSIE);
    return 1;
  }
  return 0;
}

static const char *cause_name(uint64 scause)
{
  switch (scause) {
  case EXC_INST_MISALIGNED:  return "misaligned instruction";
  case EXC_INST_ACCESS:      return "instruction access fault";
  case EXC_ILLEGAL_INST:     return "illegal instruction";
  case EXC_BREAKPOINT:       return "breakpoint";
  case EXC_LOAD_MISALIGNED:  return "misaligned load";
  case EXC_LOAD_ACCESS:      return "load access fault";
  case EXC_STORE_MISALIGNED: return "misaligned store";
  case EXC_STORE_ACCESS:     return "store access fault";
  case EXC_INST_PAGE_FAULT:  return "instruction page fault";
  case EXC_LOAD_PAGE_FAULT:  return "load page fault";
  case EXC_STORE_PAGE_FAULT: return "store page fault";
  }
  return "unknown exception";
}

static void user_page_fault(struct proc *p, uint64 scause, uint64 va)
{
  enum pm_access access = scause == EXC_STORE_PAGE_FAULT ? ACCESS_WRITE
                        : scause == EXC_INST_PAGE_FAULT  ? ACCESS_EXEC : ACCESS_READ;
  const char *why = "";
  if (procmem_fault(p->mem, va, access, &why) == 0)
    return;
  printf("kite: pid %d (%s): %s at %p, pc %p: %s; killed\n", p->pid, p->name,
         cause_name(scause), (void *)va, (void *)p->trapframe->epc, why);
  setkilled(p);
}

void usertrap(void)
{
  if (csr_read(sstatus) & SSTATUS_SPP)
    panic("usertrap: not from user mode");
  csr_write(stvec, (uint64)kernelvec);

  struct proc *p = myproc();
  p->trapframe->epc = csr_read(sepc);
  uint64 scause = csr_read(scause);
  int which = 0;

  if (scause == EXC_ECALL_U) {
    if (killed(p))
      kexit(-1);
    p->trapframe->epc += 4;            /* return past the ecall */
    intr_on();
    syscall();
  } else if ((which = devintr(scause)) != 0) {
    /* handled */
  } else if (scause == EXC_INST_PAGE_FAULT || scause == EXC_LOAD_PAGE_FAULT ||
             scause == EXC_STORE_PAGE_FAULT) {
    uint64 va = csr_read(stval);       /* before intr_on(): a trap rewrites stval */
    intr_on();
    user_page_fault(p, scause, va);
  } else {
    printf("kite: pid %d (%s): %s (scause %lx) at pc %p, stval %p; killed\n", p->pid, p->name,
           cause_name(scause), scause, (void *)p->trapframe->epc, (void *)csr_read(stval));
    setkilled(p);
  }

  if (killed(p))
    kexit(-1);
  if (which == 2)
    yield();
  usertrapret();
}

void usertrapret(void)
{
  struct proc *p = myproc();
  intr_off();                           /* until sret, traps would go to uservec */
  csr_write(stvec, TRAMPOLINE + (uservec - trampoline));

  p->trapframe->kernel_sp = p->kstack + KSTACK_PAGES * PGSIZE;
  p->trapframe->kernel_trap = (uint64)usertrap;
  p->trapframe->kernel_hartid = r_tp();

  uint64 sstatus = csr_read(sstatus);
  sstatus &= ~(SSTATUS_SPP | SSTATUS_SUM);   /* to user mode; no user access from S */
  sstatus |= SSTATUS_SPIE;                   /* interrupts on in user mode */
  csr_write(sstatus, sstatus);
  csr_write(sepc, p->trapframe->epc);

  uint64 fn = TRAMPOLINE + (userret - trampoline);
  ((void (*)(void))fn)();
}

/*
 * A page fault inside uaccess_copy(): let procmem resolve it (lazy page,
 * copy-on-write) and retry the instruction, or resume at the fix-up.
 * Returns 0 if the fault was not in the copy routine.
 */
static int uaccess_fault(struct kframe *f, uint64 scause, uint64 va)
{
  uint64 fixup = uaccess_fixup(f->epc);
  if (fixup == 0)
    return 0;
  struct proc *p = myproc();
  const char *why;
  int page_fault = scause == EXC_LOAD_PAGE_FAULT || scause == EXC_STORE_PAGE_FAULT;
  enum pm_access access = scause == EXC_STORE_PAGE_FAULT ? ACCESS_WRITE : ACCESS_READ;
  if (page_fault && p && p->mem && va >= USER_BASE && va < USER_TOP &&
      procmem_fault(p->mem, va, access, &why) == 0)
    return 1;                            /* resolved: retry the access */
  f->epc = fixup;
  return 1;
}

void kerneltrap(struct kframe *f)
{
  uint64 scause = csr_read(scause), stval = csr_read(stval);
  if (!(f->sstatus & SSTATUS_SPP))
    panic("kerneltrap: not from supervisor mode");
  if (intr_get())
    panic("kerneltrap: interrupts enabled");

  int which = devintr(scause);
  if (which == 0 && uaccess_fault(f, scause, stval))
    return;
  if (which == 0) {
    printf("\nkite: kernel trap: %s (scause %lx) at pc %p, stval %p\n",
           cause_name(scause), scause, (void *)f->epc, (void *)stval);
    if (stval >= USER_BASE && stval < USER_TOP)
      printf("kite: the kernel touched a user address outside the usercopy layer\n");
    backtrace_from(f->epc, f->s0);
    panic("kernel trap");
  }
  /* Preempt on timer ticks, but only a running process's kernel thread. */
  if (which == 2 && myproc() != NULL && myproc()->state == RUNNING)
    yield();
}
