/*
 * Ticks from time: the arithmetic between the timer's counter and Kite's
 * KITE_HZ ticks. Pure, so the host tests check it (test/host/test_ticks.c).
 *
 * Invariants:
 *  - A tick is never counted, only computed: ticks_at(t) is how many
 *    whole ticks fit in t counter units, floor(t * KITE_HZ / timebase).
 *  - tick_start(n) is the first time at which n ticks have passed:
 *    ticks_at(t) >= n exactly when t >= tick_start(n).
 *  - Neither overflows for t, n below 2^64 / KITE_HZ (with a 10 MHz
 *    counter, 58,000 years): each splits its product into a quotient and
 *    a remainder first.
 */
#ifndef KITE_TICKS_H
#define KITE_TICKS_H

#include "lib/types.h"
#include <kite/param.h>

static inline uint64 ticks_at(uint64 t, uint64 timebase)
{
  return t / timebase * KITE_HZ + t % timebase * KITE_HZ / timebase;
}

static inline uint64 tick_start(uint64 n, uint64 timebase)
{
  return n / KITE_HZ * timebase + (n % KITE_HZ * timebase + KITE_HZ - 1) / KITE_HZ;
}

#endif
