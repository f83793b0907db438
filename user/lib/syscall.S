/*
 * long kite_syscall(long num, long a0, long a1, long a2, long a3, long a4, long a5)
 *
 * The raw Kite system call: number in a7, arguments in a0..a5, result in
 * a0, returned unchanged (a negative KITE_E* number on failure).
 */
        .text
        .globl kite_syscall
        .type kite_syscall, @function
kite_syscall:
        mv      a7, a0
        mv      a0, a1
        mv      a1, a2
        mv      a2, a3
        mv      a3, a4
        mv      a4, a5
        mv      a5, a6
        ecall
        ret
        .size kite_syscall, . - kite_syscall
