/* Traps: entry from user mode, kernel-mode traps; the timer is timer.h. */
#ifndef KITE_TRAP_H
#define KITE_TRAP_H

#include "lib/types.h"
#include "lib/spinlock.h"

/* Registers saved by kernelvec.S: x1..x31, then epc and sstatus. */
struct kframe {
  uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1;
  uint64 a0, a1, a2, a3, a4, a5, a6, a7;
  uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
  uint64 t3, t4, t5, t6;
  uint64 epc;
  uint64 sstatus;
  uint64 pad;             /* keeps the frame 16-byte aligned */
};

void trap_init(void);
void trap_init_hart(void);
void usertrapret(void);
int  trap_ipi_pending(void);
void trap_halt_hart(void) __attribute__((noreturn));

#endif
