/*
 * Range arithmetic on user virtual addresses: pure, overflow-safe helpers.
 *
 * A range is half-open, [start, end). Every helper here is careful about
 * wrap-around: a length that would carry past 2^64 is reported as invalid
 * instead of silently turning into a small range. Nothing here knows about
 * page tables; the same code runs in the kernel and in host unit tests.
 */
#ifndef KITE_VRANGE_H
#define KITE_VRANGE_H

#ifdef KITE_HOST
#include <stdint.h>
typedef uint8_t  uint8;
typedef uint32_t uint32;
typedef uint64_t uint64;
#else
#include "lib/types.h"
#endif

#include <kite/param.h>

#define VM_PAGE_SIZE  ((uint64)KITE_PGSIZE)
#define VM_PAGE_MASK  (VM_PAGE_SIZE - 1)

static inline int vr_aligned(uint64 x) { return (x & VM_PAGE_MASK) == 0; }
static inline uint64 vr_round_down(uint64 x) { return x & ~VM_PAGE_MASK; }

/* Round up to a page; 0 when that would wrap (callers treat 0 as invalid). */
static inline uint64 vr_round_up(uint64 x)
{
  if (x > ~(uint64)0 - VM_PAGE_MASK)
    return 0;
  return (x + VM_PAGE_MASK) & ~VM_PAGE_MASK;
}

/* a + b, or ~0 when the sum would wrap. */
static inline uint64 vr_sat_add(uint64 a, uint64 b)
{
  return a > ~(uint64)0 - b ? ~(uint64)0 : a + b;
}

/* a - b, or 0 when b > a. */
static inline uint64 vr_sat_sub(uint64 a, uint64 b) { return a > b ? a - b : 0; }

/* 1 when start + len does not wrap; stores the end. */
static inline int vr_end(uint64 start, uint64 len, uint64 *end)
{
  if (len > ~(uint64)0 - start)
    return 0;
  *end = start + len;
  return 1;
}

/* A non-empty, page-aligned [start, end) inside [lo, hi). */
static inline int vr_valid_in(uint64 start, uint64 end, uint64 lo, uint64 hi)
{
  return vr_aligned(start) && vr_aligned(end) && start < end && start >= lo && end <= hi;
}

static inline int vr_overlaps(uint64 s1, uint64 e1, uint64 s2, uint64 e2)
{
  return s1 < e2 && s2 < e1;
}

#endif
