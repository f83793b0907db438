/*
 * Kernel backtraces from frame pointers.
 *
 * The kernel is built with -fno-omit-frame-pointer: in every frame s0 (fp)
 * points just above the saved return address (fp - 8) and the caller's fp
 * (fp - 16). The walk stops at fp == 0 (set at boot and at the user
 * boundary) or when fp leaves the current stack. Names come from the
 * symbol table linked into the kernel (scripts/mksyms.py).
 */
#ifndef KITE_BACKTRACE_H
#define KITE_BACKTRACE_H

#include "lib/types.h"

void backtrace_here(void);
void backtrace_from(uint64 pc, uint64 fp);
/* Name of the function containing pc and the offset into it; NULL if none. */
const char *ksym_lookup(uint64 pc, uint64 *offset);

#endif
