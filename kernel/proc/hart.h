/*
 * Harts after boot: which ones run Kite, and a debug path that sends a
 * running hart back through the cold-boot entry `_entry`, with the
 * firmware's device-tree argument, as OpenSBI 1.1 sometimes does with a
 * hart Kite starts (see arch/entry.S). SYS_hartreenter uses it to prove
 * that such a late arrival joins the running kernel instead of booting it
 * a second time.
 *
 * Invariants:
 *  - a hart's bit is in the online mask from the moment it enters its
 *    scheduler (kmain, kmain_secondary) until it stops itself;
 *  - at most one re-entry is in progress; the hart it names stops itself
 *    only from the top of its scheduler loop, holding no lock and running
 *    no process, so nothing is left half done on it.
 * All state is in atomics (no lock): harts read it from the scheduler loop.
 */
#ifndef KITE_HART_H
#define KITE_HART_H

/* A hart has entered (or re-entered) Kite and runs its scheduler next. */
void hart_joined(int hartid);
/* Top of the scheduler loop, no locks held: stop this hart if a
 * re-entry asked for it (does not return then). */
void hart_stop_if_asked(void);
/* Has a re-entry asked this hart to stop? The idle loop asks, interrupts
 * off, before it waits: the IPI that came with the request may have been
 * taken already. */
int  hart_stop_wanted(void);
/* Stop hart h and start it again at _entry with the device tree in a1;
 * 0 once it is back in its scheduler. -ENODEV: h does not run Kite, or it
 * is the only hart that does; -EBUSY: another re-entry is in progress;
 * -EFAULT: the device tree the firmware would pass is no longer intact;
 * -EIO: the hart did not stop or did not come back within 5 s. */
int  hart_reenter(int h);

#endif
