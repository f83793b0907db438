/*
 * Calls into OpenSBI (the Supervisor Binary Interface), which runs in
 * M-mode below Kite: timer, inter-hart interrupts, hart start and system
 * reset. Numbers from the RISC-V SBI specification.
 */
#ifndef KITE_SBI_H
#define KITE_SBI_H

#include "lib/types.h"

#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494D45   /* "TIME" */
#define SBI_EXT_IPI    0x735049     /* "sPI" */
#define SBI_EXT_HSM    0x48534D     /* "HSM" */
#define SBI_EXT_SRST   0x53525354   /* "SRST" */

struct sbiret { long error; long value; };

struct sbiret sbi_call(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2);
int  sbi_probe(uint64 ext);                       /* nonzero if present */
void sbi_set_timer(uint64 when);
int  sbi_hart_start(uint64 hartid, uint64 start, uint64 opaque);
long sbi_hart_status(uint64 hartid);              /* 0 started, 1 stopped, ... */
void sbi_hart_stop(void) __attribute__((noreturn)); /* the calling hart */
void sbi_send_ipi(uint64 hart_mask);
void sbi_shutdown(void) __attribute__((noreturn));

#endif
