/*
 * Kite user program entry.
 *
 * The kernel starts a program at _start with
 *   a0 = argc, a1 = argv (the pointer array and the strings are on the
 *   user stack), sp = 16-byte aligned top of stack,
 * and with .bss already zero-filled.
 */
        .section .text.kite_start, "ax", @progbits
        .globl _start
        .type _start, @function
_start:
        /* gp must be set without relaxation: a relaxed `la gp` would be
         * rewritten relative to gp itself, which is not set yet. */
        .option push
        .option norelax
        la      gp, __global_pointer$
        .option pop
        li      ra, 0           /* end of the call chain for debuggers */
        li      s0, 0
        call    _kite_start     /* a0, a1 passed through; never returns */
1:      j       1b
        .size _start, . - _start
