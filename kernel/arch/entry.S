# Kite's first instructions.
#
# OpenSBI enters here in S-mode with paging off and interrupts off:
#   a0 = hart id, a1 = physical address of the device tree.
# The boot hart clears .bss and calls kmain(); harts started later through
# SBI HSM enter at _secondary_entry and call kmain_secondary().
# Each hart gets a BOOT_STACK-sized stack in stack0 (indexed by hart id).
#
# _entry boots Kite exactly once. OpenSBI 1.1 can send a hart that Kite
# starts through HSM to the cold-boot address instead of the one Kite
# asked for, with the cold-boot device tree in a1, while the boot hart is
# already running: clearing .bss again would wipe the live kernel. The
# first hart to swap boot_claimed (in .data, which the clear leaves alone)
# from 0 to 1 boots; any later arrival is a started secondary hart and
# joins through _secondary_entry.

#include "param.h"

#define BOOT_STACK 16384

.section .text.entry
.globl _entry
_entry:
        li      t0, NCPU
        bgeu    a0, t0, park            # a hart Kite has no slot for
        la      t0, boot_claimed
        li      t1, 1
        amoswap.w.aqrl t1, t1, (t0)
        bnez    t1, _secondary_entry    # Kite is already up: join it
        la      t0, bss_start           # clear .bss (the boot stack is in it,
        la      t1, bss_end             # so this runs before any call)
1:      bgeu    t0, t1, 2f
        sd      zero, 0(t0)
        addi    t0, t0, 8
        j       1b
2:      call    set_stack
        call    kmain                   # kmain(hartid, dtb): never returns
        j       park

.globl _secondary_entry
_secondary_entry:
        li      t0, NCPU
        bgeu    a0, t0, park
        call    set_stack
        call    kmain_secondary         # kmain_secondary(hartid)
park:
        wfi
        j       park

# sp = stack0 + (hartid + 1) * BOOT_STACK; tp = hartid; fp = 0 (ends backtraces).
set_stack:
        la      sp, stack0
        li      t0, BOOT_STACK
        addi    t1, a0, 1
        mul     t0, t0, t1
        add     sp, sp, t0
        mv      tp, a0
        li      s0, 0
        ret

.section .data
.balign 4
boot_claimed:                           # 1 once a hart has taken the boot path
        .word   0

.section .bss
.balign 16
.globl stack0
stack0:
        .space  BOOT_STACK * NCPU
