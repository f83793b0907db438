/*
 * RISC-V privileged architecture: CSRs, status bits and Sv39 page-table
 * entries. Only kernel/arch/ and the low-level mm glue include this.
 */
#ifndef KITE_RISCV_H
#define KITE_RISCV_H

#ifndef __ASSEMBLY__
#include "lib/types.h"

#define csr_read(csr) ({ uint64 _v; asm volatile("csrr %0, " #csr : "=r"(_v)); _v; })
#define csr_write(csr, v) asm volatile("csrw " #csr ", %0" : : "r"((uint64)(v)))
#define csr_set(csr, v) asm volatile("csrs " #csr ", %0" : : "r"((uint64)(v)))
#define csr_clear(csr, v) asm volatile("csrc " #csr ", %0" : : "r"((uint64)(v)))

static inline uint64 r_tp(void) { uint64 x; asm volatile("mv %0, tp" : "=r"(x)); return x; }
static inline void w_tp(uint64 x) { asm volatile("mv tp, %0" : : "r"(x)); }
static inline uint64 r_fp(void) { uint64 x; asm volatile("mv %0, s0" : "=r"(x)); return x; }
static inline uint64 r_sp(void) { uint64 x; asm volatile("mv %0, sp" : "=r"(x)); return x; }
static inline uint64 r_time(void) { uint64 x; asm volatile("rdtime %0" : "=r"(x)); return x; }

static inline void sfence_vma(void) { asm volatile("sfence.vma zero, zero" ::: "memory"); }
static inline void wfi(void) { asm volatile("wfi"); }
#endif

/* sstatus */
#define SSTATUS_SIE   (1UL << 1)    /* S-mode interrupts enabled */
#define SSTATUS_SPIE  (1UL << 5)    /* SIE before the trap */
#define SSTATUS_SPP   (1UL << 8)    /* previous mode: 1 = S, 0 = U */
#define SSTATUS_SUM   (1UL << 18)   /* S-mode may access U pages */

/* scounteren: counters U-mode may read */
#define SCOUNTEREN_TM (1UL << 1)    /* rdtime */

/* sie / sip */
#define SIE_SSIE      (1UL << 1)    /* software (IPI) */
#define SIE_STIE      (1UL << 5)    /* timer */
#define SIE_SEIE      (1UL << 9)    /* external (PLIC) */

/* scause */
#define SCAUSE_INTR            (1UL << 63)
#define IRQ_S_SOFT             1
#define IRQ_S_TIMER            5
#define IRQ_S_EXT              9
#define EXC_INST_MISALIGNED    0
#define EXC_INST_ACCESS        1
#define EXC_ILLEGAL_INST       2
#define EXC_BREAKPOINT         3
#define EXC_LOAD_MISALIGNED    4
#define EXC_LOAD_ACCESS        5
#define EXC_STORE_MISALIGNED   6
#define EXC_STORE_ACCESS       7
#define EXC_ECALL_U            8
#define EXC_INST_PAGE_FAULT    12
#define EXC_LOAD_PAGE_FAULT    13
#define EXC_STORE_PAGE_FAULT   15

/*
 * Sv39: a 39-bit virtual address is split into three 9-bit page-table
 * indices and a 12-bit page offset:
 *
 *   38        30 29        21 20        12 11           0
 *  +------------+------------+------------+--------------+
 *  |   VPN[2]   |   VPN[1]   |   VPN[0]   |    offset    |
 *  +------------+------------+------------+--------------+
 *
 * A PTE holds a 44-bit physical page number at bit 10 and flag bits 0-7.
 */
#define PGSIZE        4096
#define PGSHIFT       12
#define PGROUNDUP(a)   (((a) + PGSIZE - 1) & ~(uint64)(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(uint64)(PGSIZE - 1))

#define PTE_V  (1L << 0)
#define PTE_R  (1L << 1)
#define PTE_W  (1L << 2)
#define PTE_X  (1L << 3)
#define PTE_U  (1L << 4)
#define PTE_G  (1L << 5)
#define PTE_A  (1L << 6)
#define PTE_D  (1L << 7)

#define PA2PTE(pa)    ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte)   (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)

#define PXMASK        0x1FF
#define PXSHIFT(level) (PGSHIFT + (9 * (level)))
#define PX(level, va) ((((uint64)(va)) >> PXSHIFT(level)) & PXMASK)

#define SATP_SV39     (8L << 60)
#define MAKE_SATP(pt) (SATP_SV39 | (((uint64)(pt)) >> 12))

/* One past the highest Sv39 address Kite uses; staying below bit 38
 * avoids the sign-extension rule for the upper half. */
#define MAXVA (1L << 38)

#ifndef __ASSEMBLY__
static inline void intr_on(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline int intr_get(void) { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }
#endif

#endif
