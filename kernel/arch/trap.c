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
  case SCAUSE_INTR | IRQ_S_SOFT:  return "software interrupt";
  case SCAUSE_INTR | IRQ_S_TIMER: return "timer interrupt";
  case SCAUSE_INTR | IRQ_S_EXT:   return "external interrupt";
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

/* ------------------------------------------------------------------ */
/* Kernel faults: always a kernel bug. Say what the address was.       */

extern struct proc proc[NPROC];       /* proc.c; slot i owns KSTACK(i) */
extern char etext[], erodata[];

/* The kernel stack slot at va: its index, with *guard set if va is in the
 * unmapped guard page below that stack; -1 outside every stack and guard. */
static int kstack_slot(uint64 va, int *guard)
{
  const uint64 slot = (KSTACK_PAGES + 1) * PGSIZE, lo = KSTACK(NPROC - 1);
  *guard = 0;
  if (va >= lo - PGSIZE && va < lo) {
    *guard = 1;
    return NPROC - 1;
  }
  if (va < lo || va >= KSTACK_TOP - PGSIZE)    /* the top page: above every stack */
    return -1;
  uint64 j = (va - lo) / slot;                  /* slots counted up from lo */
  if ((va - lo) % slot < KSTACK_PAGES * PGSIZE)
    return NPROC - 1 - j;
  *guard = 1;
  return NPROC - 2 - j;                         /* the guard below the next stack up */
}

/* What the kernel window at va is, or NULL if va is in none. */
static const char *kernel_window(uint64 va)
{
  if (va >= KWIN_RAM_LO && va < kwin_ram_hi) {
    if (va < KERNBASE)
      return "the RAM window: the firmware's memory below the kernel (OpenSBI)";
    if (va < (uint64)etext)
      return "the RAM window: kernel text (read-only)";
    if (va < (uint64)erodata)
      return "the RAM window: kernel read-only data";
    if (va < platform.ram_end)
      return "the RAM window: kernel RAM";
    return "the RAM window, past the end of RAM";
  }
  if (va >= KBENCH_BASE && va < KDEV_TOP)
    return "the device window: SYS_bench's buffers";
  if (va >= KDEV_BASE && va < KDEV_TOP)
    return "the device window";
  if (va >= KDEV_TOP && va < KSTACK_TOP)
    return "the kernel-stack window";
  return NULL;
}

/* One line on what the faulting address va is, into buf. */
static void describe_address(uint64 va, struct proc *p, char *buf, int size)
{
  int guard, slot = kstack_slot(va, &guard);
  const char *win = kernel_window(va);
  if (va < USER_BASE)
    snprintf(buf, size, "%p is below USER_BASE, never mapped: a NULL pointer?", (void *)va);
  else if (slot >= 0 && guard)
    snprintf(buf, size, "%p is in the guard page below the kernel stack of slot %d (pid %d, %s)",
             (void *)va, slot, proc[slot].pid, proc[slot].name);
  else if (slot >= 0)
    snprintf(buf, size, "%p is in the kernel stack of slot %d (pid %d, %s), in %s", (void *)va,
             slot, proc[slot].pid, proc[slot].name, win);
  else if (win)
    snprintf(buf, size, "%p is in a kernel window, %s: a kernel bug, not a user address",
             (void *)va, win);
  else if (va < USER_TOP)
    snprintf(buf, size, "%p is a user address%s, touched outside the usercopy layer",
             (void *)va, p ? "" : " (and no process is running)");
  else if (va >= TRAPFRAME && va < MAXVA)
    snprintf(buf, size, "%p is in the %s page", (void *)va,
             va >= TRAMPOLINE ? "trampoline" : "trap frame");
  else if (va < MAXVA)
    snprintf(buf, size, "%p is above USER_TOP, where nothing is mapped", (void *)va);
  else
    snprintf(buf, size, "%p is not an Sv39 address (bits 63..39 must copy bit 38)", (void *)va);
}

static int is_page_fault(uint64 scause)
{
  return scause == EXC_LOAD_PAGE_FAULT || scause == EXC_STORE_PAGE_FAULT ||
         scause == EXC_INST_PAGE_FAULT || scause == EXC_LOAD_ACCESS ||
         scause == EXC_STORE_ACCESS || scause == EXC_INST_ACCESS;
}

/* The report of an exception in the kernel: a panic, with the backtrace
 * of the code that faulted. overflowed: kernelvec found sp in a guard. */
static void kernel_fault(struct kframe *f, uint64 scause, uint64 stval, int overflowed)
  __attribute__((noreturn));
static void kernel_fault(struct kframe *f, uint64 scause, uint64 stval, int overflowed)
{
  struct proc *p = cpuid() < NCPU ? cpus[cpuid()].proc : NULL;
  struct bt_regs r = { f->epc, f->sp, f->s0, f->ra };
  char where[112], what[160];
  int guard, slot = -1, own;

  /* Whose stack ran out: the one under sp (kernelvec could not push the
   * frame), or one whose guard the fault hit while sp was on it. */
  if (overflowed)
    slot = kstack_slot(f->sp - sizeof *f, &guard);
  else if (is_page_fault(scause) && (slot = kstack_slot(stval, &guard)) >= 0 &&
           (!guard || (own = kstack_slot(f->sp, &guard), own != slot)))
    slot = -1;                     /* a stack page, or another stack's guard: stray */
  ksym_describe(f->epc, 0, where, sizeof where);
  if (slot >= 0)
    panic_at(&r, "kernel stack overflow in pid %d (%s)\n"
             "  %s at pc %p in %s\n  sp %p; the stack is [%p, %p), its guard page the one below",
             proc[slot].pid, proc[slot].name, cause_name(scause), (void *)f->epc, where,
             (void *)f->sp, (void *)proc[slot].kstack,
             (void *)(proc[slot].kstack + KSTACK_PAGES * PGSIZE));
  if (is_page_fault(scause))
    describe_address(stval, p, what, sizeof what);
  else
    snprintf(what, sizeof what, "stval %p", (void *)stval);
  panic_at(&r, "kernel trap: %s at pc %p in %s\n  %s\n  scause %lx, sepc %p, stval %p",
           cause_name(scause), (void *)f->epc, where, what, scause, (void *)f->epc, (void *)stval);
}

/* kernelvec.S: the frame would have gone into a guard page. */
void kstack_overflow(struct kframe *f)
{
  kernel_fault(f, csr_read(scause), csr_read(stval), 1);
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
  if (which == 0)
    kernel_fault(f, scause, stval, 0);
  /* Preempt on timer ticks, but only a running process's kernel thread. */
  if (which == 2 && myproc() != NULL && myproc()->state == RUNNING)
    yield();
}
