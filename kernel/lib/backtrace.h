/*
 * Kernel backtraces, with function, offset and file:line in every frame.
 *
 * The kernel carries three tables, made from its own ELF file by
 * scripts/mksyms.py at the second link pass (see the Makefile): its
 * functions (ksyms), its line table (klines) and its call frame
 * information (kunwind). The unwinder follows the call frame information,
 * so a trap in a prologue, an epilogue or a leaf function (which saves no
 * return address) loses no frame; where there is none (assembly), it falls
 * back on frame pointers: s0 points just above the saved return address
 * (fp - 8) and the caller's fp (fp - 16). Through kernelvec it follows the
 * saved trap frame into the interrupted code.
 *
 * A walk never faults: it reads only kernel RAM and the mapped pages of
 * kernel stacks (never a guard page), and it stops at fp == 0 (set at boot
 * and at the user boundary), at a frame that does not move up the stack,
 * or after a pc outside kernel text (printed as `?`). Runs of identical
 * frames (a recursion) print once, then "... N more frames of f+0x2c".
 */
#ifndef KITE_BACKTRACE_H
#define KITE_BACKTRACE_H

#include "lib/types.h"

/* Where a walk starts: the registers at one instruction. ra counts only
 * if the walk starts at a trap (the interrupted code's ra register). */
struct bt_regs {
  uint64 pc, sp, fp, ra;
};

/* A walk from this function's caller, leaving out the first skip frames
 * (panic leaves out its own, so the first frame printed called panic). */
void backtrace_skip(int skip);
/* A walk from a trap's registers; frame 0 is r->pc itself. */
void backtrace_from(const struct bt_regs *r);

/* Name of the function containing pc and the offset into it; NULL if pc
 * is not in kernel text. */
const char *ksym_lookup(uint64 pc, uint64 *offset);
/* Source line of pc (0 if unknown), and its file in *file. */
int kline_lookup(uint64 pc, const char **file);
/* "name+0xoff (file:line)" or "?" for pc, into buf; returns buf. A return
 * address (is_return) is looked up one byte back, in the call. */
char *ksym_describe(uint64 pc, int is_return, char *buf, int size);

#endif
