/* A cheap, lock-free source of random-looking numbers for address-space
 * layout randomisation: not for anything that needs real secrecy. */
#ifndef KITE_RANDOM_H
#define KITE_RANDOM_H

#include "lib/types.h"

uint64 random64(void);
/* A whole number in [0, n), n > 0. */
static inline uint64 random_below(uint64 n) { return random64() % n; }

#endif
