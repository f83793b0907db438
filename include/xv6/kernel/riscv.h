/*
 * xv6's "kernel/riscv.h" on Kite: the RISC-V facts user programs use.
 *
 * What a user program can use: r_sp(), r_fp(), r_ra(), r_tp(), r_time()
 * (Kite lets user mode read the timer), the page size and rounding, and
 * the Sv39 page-table entry bits and index arithmetic. The accessors of
 * privileged registers (r_sstatus(), w_satp(), intr_on(), ...) are here
 * too so that xv6 code that mentions them compiles, but in user mode they
 * trap: the process is killed (status -1), as on xv6.
 *
 * Sv39 as Kite uses it: a virtual address is three 9-bit page-table
 * indices and a 12-bit offset; MAXVA is one past the highest address a
 * page table maps (user memory ends lower, below Kite's USER_TOP; see
 * kernel/memlayout.h).
 */
#ifndef XV6_KERNEL_RISCV_H
#define XV6_KERNEL_RISCV_H

#include "types.h"

#ifndef __ASSEMBLER__

typedef uint64 pte_t;
typedef uint64 *pagetable_t;   /* 512 PTEs */

static inline uint64 r_sp(void) { uint64 x; asm volatile("mv %0, sp" : "=r"(x)); return x; }
static inline uint64 r_fp(void) { uint64 x; asm volatile("mv %0, s0" : "=r"(x)); return x; }
static inline uint64 r_ra(void) { uint64 x; asm volatile("mv %0, ra" : "=r"(x)); return x; }
static inline uint64 r_tp(void) { uint64 x; asm volatile("mv %0, tp" : "=r"(x)); return x; }
static inline void w_tp(uint64 x) { asm volatile("mv tp, %0" : : "r"(x)); }
static inline uint64 r_time(void) { uint64 x; asm volatile("rdtime %0" : "=r"(x)); return x; }

/* Privileged registers, by CSR number: they trap in user mode. */
#define XV6_CSR_R(name, csr) \
  static inline uint64 r_##name(void) { uint64 x; asm volatile("csrr %0, " #csr : "=r"(x)); return x; }
#define XV6_CSR_W(name, csr) \
  static inline void w_##name(uint64 x) { asm volatile("csrw " #csr ", %0" : : "r"(x)); }
#define XV6_CSR_RW(name, csr) XV6_CSR_R(name, csr) XV6_CSR_W(name, csr)

XV6_CSR_R(mhartid, 0xf14)
XV6_CSR_RW(mstatus, 0x300)
XV6_CSR_W(mepc, 0x341)
XV6_CSR_RW(sstatus, 0x100)
XV6_CSR_RW(sip, 0x144)
XV6_CSR_RW(sie, 0x104)
XV6_CSR_RW(mie, 0x304)
XV6_CSR_RW(sepc, 0x141)
XV6_CSR_RW(medeleg, 0x302)
XV6_CSR_RW(mideleg, 0x303)
XV6_CSR_RW(stvec, 0x105)
XV6_CSR_RW(stimecmp, 0x14d)
XV6_CSR_RW(menvcfg, 0x30a)
XV6_CSR_W(pmpcfg0, 0x3a0)
XV6_CSR_W(pmpaddr0, 0x3b0)
XV6_CSR_RW(satp, 0x180)
XV6_CSR_R(scause, 0x142)
XV6_CSR_R(stval, 0x143)
XV6_CSR_RW(mcounteren, 0x306)

static inline void sfence_vma(void) { asm volatile("sfence.vma zero, zero"); }

#endif /* __ASSEMBLER__ */

/* sstatus */
#define SSTATUS_SPP  (1L << 8)   /* previous mode: 1 = supervisor, 0 = user */
#define SSTATUS_SPIE (1L << 5)   /* supervisor interrupts enabled before the trap */
#define SSTATUS_UPIE (1L << 4)
#define SSTATUS_SIE  (1L << 1)   /* supervisor interrupts enabled */
#define SSTATUS_UIE  (1L << 0)

/* sie */
#define SIE_SEIE (1L << 9)       /* external */
#define SIE_STIE (1L << 5)       /* timer */
#define SIE_SSIE (1L << 1)       /* software */

#ifndef __ASSEMBLER__
static inline void intr_on(void) { w_sstatus(r_sstatus() | SSTATUS_SIE); }
static inline void intr_off(void) { w_sstatus(r_sstatus() & ~SSTATUS_SIE); }
static inline int intr_get(void) { return (r_sstatus() & SSTATUS_SIE) != 0; }
#endif

#define SATP_SV39 (8L << 60)
#define MAKE_SATP(pagetable) (SATP_SV39 | (((uint64)pagetable) >> 12))

#define PGSIZE 4096              /* bytes per page */
#define PGSHIFT 12               /* bits of offset within a page */

#define PGROUNDUP(sz)  (((sz) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) (((a)) & ~(PGSIZE - 1))

#define PTE_V (1L << 0)          /* valid */
#define PTE_R (1L << 1)
#define PTE_W (1L << 2)
#define PTE_X (1L << 3)
#define PTE_U (1L << 4)          /* user can access */
#define PTE_G (1L << 5)          /* global */
#define PTE_A (1L << 6)          /* accessed */
#define PTE_D (1L << 7)          /* dirty */

/* Physical address <-> PTE; the flag bits of a PTE. */
#define PA2PTE(pa) ((((uint64)pa) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)

/* The three 9-bit page-table indices of a virtual address. */
#define PXMASK          0x1FF
#define PXSHIFT(level)  (PGSHIFT + (9 * (level)))
#define PX(level, va) ((((uint64) (va)) >> PXSHIFT(level)) & PXMASK)

/* One past the highest virtual address: Kite, like xv6, leaves bit 38
 * clear so that no address needs Sv39's sign extension. */
#define MAXVA (1L << (9 + 9 + 9 + 12 - 1))

#endif
