/* Spinlocks; see spinlock.h. */
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "arch/riscv.h"
#include "proc/proc.h"

void initlock(struct spinlock *lk, const char *name)
{
  lk->name = name;
  lk->locked = 0;
  lk->cpu = NULL;
}

void acquire(struct spinlock *lk)
{
  push_off();
  if (holding(lk))
    panic("acquire: %s already held by this hart", lk->name);
  while (__sync_lock_test_and_set(&lk->locked, 1) != 0)
    ;
  __sync_synchronize();   /* critical-section accesses stay after this */
  lk->cpu = mycpu();
}

void release(struct spinlock *lk)
{
  if (!holding(lk))
    panic("release: %s not held", lk->name);
  lk->cpu = NULL;
  __sync_synchronize();
  __sync_lock_release(&lk->locked);
  pop_off();
}

/* Caller must have interrupts off. */
int holding(struct spinlock *lk)
{
  return lk->locked && lk->cpu == mycpu();
}

/* push_off/pop_off are intr_off/intr_on that nest: interrupts come back on
 * only when the outermost pop_off runs and they were on before. */
void push_off(void)
{
  int old = intr_get();
  intr_off();
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = old;
  c->noff++;
}

void pop_off(void)
{
  struct cpu *c = mycpu();
  if (intr_get())
    panic("pop_off: interrupts enabled");
  if (c->noff < 1)
    panic("pop_off: unbalanced");
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}
