/*
 * The kernel log: the last KLOG_SIZE bytes written to the console, kept in
 * memory. gdb's kite-log (scripts/gdb/kite.py) prints it, so a student at
 * a hang or a breakpoint sees what Kite printed last, on every hart.
 *
 * Invariants: head counts every byte ever logged; byte n is
 * buf[n % KLOG_SIZE] until byte n + KLOG_SIZE takes its place; KLOG_SIZE
 * is a power of two.
 * Lock: none. A writer claims its position with one atomic add, so any
 * hart may log in any context (an interrupt, a panic) without waiting;
 * writers on several harts interleave byte by byte, as they do on the
 * UART. A reader (gdb, with every hart stopped) may find the last few
 * positions claimed but not yet written.
 */
#ifndef KITE_KLOG_H
#define KITE_KLOG_H

#include "lib/types.h"

#define KLOG_SIZE 16384

struct klog {
  uint64 head;              /* bytes ever logged (atomic) */
  char buf[KLOG_SIZE];
};

extern struct klog klog;

void klog_putc(int c);

#endif
