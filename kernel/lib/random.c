/*
 * random64(): a splitmix64 sequence whose state also absorbs the cycle
 * timer, so two boots (or two execs) rarely see the same numbers.
 */
#include "lib/random.h"
#include "arch/riscv.h"

static uint64 state;

uint64 random64(void)
{
  uint64 z = __atomic_add_fetch(&state, 0x9E3779B97F4A7C15ULL + r_time(), __ATOMIC_RELAXED);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
