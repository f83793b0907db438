/*
 * Time, ticks, deadlines and each hart's timer interrupt (Sstc's
 * stimecmp, or SBI TIME where the hart lacks it).
 *
 * Kite is tickless: a hart takes timer interrupts only while it runs a
 * process (to end its time slice) or when a deadline it armed comes. An
 * idle Kite with no sleeper has every timer off and every hart in wfi.
 *
 * Invariants:
 *  - Time is the rdtime counter; ticks since boot are computed from it
 *    (lib/ticks.h), never counted, so they advance the same whether the
 *    harts take interrupts or sleep.
 *  - timer_next is the earliest deadline of any process sleeping in
 *    timer_sleep_until(), or TIMER_NONE; it only goes down, except when
 *    it expires: then it becomes TIMER_NONE and every such sleeper wakes,
 *    checks its own deadline and, if that is still ahead, sets it again.
 *  - timer_owner is the hart that last lowered timer_next (-1 with
 *    TIMER_NONE). Its timer is armed at or before timer_next, and every
 *    re-arm keeps it so: a hart's timer is armed at the earliest of
 *    timer_next if it is the owner and the end of the slice if it runs a
 *    process. So the earliest deadline always has one hart waiting to
 *    fire for it, and an idle hart that is not the owner takes no timer
 *    interrupt at all.
 *  - cpu->timer_at is what this hart's timer is armed for (TIMER_NONE:
 *    off); only this hart, with interrupts off, changes it.
 *
 * Locks: timelock protects writes of timer_next and timer_owner (read
 * without it) and the sleepers' checks; lock order timelock -> p->lock
 * (sleep() and wakeup() take p->lock under it).
 */
#ifndef KITE_TIMER_H
#define KITE_TIMER_H

#include "lib/types.h"

#define TIMER_NONE (~0UL)      /* no deadline; a timer armed for never */

void   timer_init(void);       /* boot hart, once: time 0 of the ticks */
void   timer_init_hart(void);  /* each hart: its timer off */
uint64 timer_ticks(void);      /* ticks since boot */
uint64 timer_since_boot(void); /* rdtime counts since boot */
uint64 timer_tick_start(uint64 n);   /* rdtime value at which tick n begins */

uint64 timer_interrupts(void);      /* taken since boot, all harts */

/* Sleep until rdtime reaches deadline: 0, or -KITE_EINTR if killed. */
long   timer_sleep_until(uint64 deadline);

void   timer_slice_start(void);  /* scheduler, interrupts off: about to run a process */
void   timer_hart_stopping(void);  /* interrupts off: this hart leaves Kite (proc/hart.c) */
void   timer_intr(void);         /* the timer interrupt */

#endif
