# uaccess_copy(dst, src, n) -> bytes not copied. See uaccess.h.
#
# Register use: a0 dst, a1 src, a2 bytes left (kept exact: it is what a
# fault reports), t6 the SUM bit. When dst and src share their alignment
# modulo 8, the copy runs a word at a time once aligned, 64 bytes per
# loop; otherwise a byte at a time.
#
# Every access that can fault is listed with EXTAB (UL and US do it for
# word loads and stores) together with the fix-up to run.
# In the 64-byte loop the eight loads come first, so a faulting load has
# stored nothing of its block: the block is redone a word at a time, which
# stops exactly at the bad page (words never straddle pages). The k-th
# store faulting means k words of the block were stored, all below the bad
# page (fixk subtracts 8k from a2).

#define SSTATUS_SUM (1 << 18)

.macro EXTAB at, fix
.pushsection __ex_table, "a"
.balign 8
.dword \at, \fix
.popsection
.endm

.macro UL reg, off, fix          # load from src, may fault
99:     ld      \reg, \off(a1)
        EXTAB   99b, \fix
.endm

.macro US reg, off, fix          # store to dst, may fault
99:     sd      \reg, \off(a0)
        EXTAB   99b, \fix
.endm

.section .text
.globl uaccess_copy
uaccess_copy:
        li      t6, SSTATUS_SUM
        csrs    sstatus, t6
        beqz    a2, .Ldone
        xor     t0, a0, a1
        andi    t0, t0, 7
        bnez    t0, .Lbytes             # alignments differ: bytes only

.Lhead:                                 # bytes until dst is word-aligned
        andi    t0, a0, 7
        beqz    t0, .Lwords
1:      lb      t1, 0(a1)
        EXTAB   1b, .Lfix0
2:      sb      t1, 0(a0)
        EXTAB   2b, .Lfix0
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        beqz    a2, .Ldone
        j       .Lhead

.Lwords:
        li      t5, 64
.Lblock:                                # 64 bytes a loop
        bltu    a2, t5, .Lword
        UL      t0, 0, .Lblock_fault
        UL      t1, 8, .Lblock_fault
        UL      t2, 16, .Lblock_fault
        UL      t3, 24, .Lblock_fault
        UL      t4, 32, .Lblock_fault
        UL      a3, 40, .Lblock_fault
        UL      a4, 48, .Lblock_fault
        UL      a5, 56, .Lblock_fault
        US      t0, 0, .Lfix0
        US      t1, 8, .Lfix1
        US      t2, 16, .Lfix2
        US      t3, 24, .Lfix3
        US      t4, 32, .Lfix4
        US      a3, 40, .Lfix5
        US      a4, 48, .Lfix6
        US      a5, 56, .Lfix7
        addi    a0, a0, 64
        addi    a1, a1, 64
        addi    a2, a2, -64
        j       .Lblock

.Lword:                                 # then a word at a time
        li      t5, 8
.Lword_loop:
        bltu    a2, t5, .Lbytes
        UL      t0, 0, .Lfix0
        US      t0, 0, .Lfix0
        addi    a0, a0, 8
        addi    a1, a1, 8
        addi    a2, a2, -8
        j       .Lword_loop

.Lbytes:                                # the tail, or everything if unaligned
        beqz    a2, .Ldone
3:      lb      t0, 0(a1)
        EXTAB   3b, .Lfix0
4:      sb      t0, 0(a0)
        EXTAB   4b, .Lfix0
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        j       .Lbytes

.Ldone:
        csrc    sstatus, t6
        mv      a0, a2
        ret

.globl uaccess_sum_roundtrip
uaccess_sum_roundtrip:
        li      t6, SSTATUS_SUM
        csrs    sstatus, t6
        csrc    sstatus, t6
        ret

# Fix-ups. A load in the 64-byte loop faulted: finish word by word.
.Lblock_fault:
        li      t5, 8
        j       .Lword_loop

# .LfixK accounts for K words of the current block already stored.
.Lfix7: addi    a2, a2, -8
.Lfix6: addi    a2, a2, -8
.Lfix5: addi    a2, a2, -8
.Lfix4: addi    a2, a2, -8
.Lfix3: addi    a2, a2, -8
.Lfix2: addi    a2, a2, -8
.Lfix1: addi    a2, a2, -8
.Lfix0: li      t6, SSTATUS_SUM
        j       .Ldone
