/*
 * Spinlocks: mutual exclusion between harts.
 *
 * Holding a spinlock disables interrupts on this hart (push_off/pop_off
 * nest), so an interrupt handler can never deadlock against the code it
 * interrupted. Never sleep while holding one (sleep() takes care of the
 * lock it is given).
 */
#ifndef KITE_SPINLOCK_H
#define KITE_SPINLOCK_H

#include "lib/types.h"

struct cpu;

struct spinlock {
  uint locked;        /* 0 free, 1 held */
  const char *name;   /* for panics and debugging */
  struct cpu *cpu;    /* holder */
};

void initlock(struct spinlock *lk, const char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
int  holding(struct spinlock *lk);
void push_off(void);
void pop_off(void);

#endif
