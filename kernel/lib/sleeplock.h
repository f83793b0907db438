/*
 * Sleep locks: long-held locks (inodes, buffers) whose waiters sleep
 * instead of spinning. May only be taken by a process, never in an
 * interrupt handler.
 */
#ifndef KITE_SLEEPLOCK_H
#define KITE_SLEEPLOCK_H

#include "lib/spinlock.h"

struct sleeplock {
  uint locked;          /* protected by lk */
  struct spinlock lk;
  const char *name;
  int pid;              /* holder, for debugging */
};

void initsleeplock(struct sleeplock *lk, const char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int  holdingsleep(struct sleeplock *lk);

#endif
