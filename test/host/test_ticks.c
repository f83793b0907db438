/* Host tests of the tick arithmetic (kernel/lib/ticks.h): ticks computed
 * from the timer's counter must agree with counting them, for counters
 * that KITE_HZ divides and for counters it does not. */
#include <stdint.h>
#include "check.h"

typedef uint64_t uint64;
#define KITE_TYPES_H
#include "lib/ticks.h"

/* QEMU virt's 10 MHz, a 32 kHz crystal, a prime and one below KITE_HZ. */
static const uint64 timebases[] = { 10000000, 32768, 1000003, 7 };

/* ticks_at() counts, stepping t one unit at a time: tick n has come
 * exactly at tick_start(n) (a counter slower than KITE_HZ passes several
 * ticks in one step). */
TEST(ticks_count_up)
{
  for (unsigned i = 0; i < sizeof timebases / sizeof timebases[0]; i++) {
    uint64 tb = timebases[i], n = 0, limit = tb * 3 < 3000000 ? tb * 3 : 3000000;
    for (uint64 t = 0; t < limit; t++) {
      uint64 got = ticks_at(t, tb);
      CHECK(got >= n);
      for (; n < got; n++)
        CHECK_EQ(tick_start(n + 1, tb), t);
    }
    CHECK(n > 0);
  }
}

/* tick_start(n) is the first time with n ticks: one unit earlier has fewer. */
TEST(tick_start_is_first)
{
  for (unsigned i = 0; i < sizeof timebases / sizeof timebases[0]; i++) {
    uint64 tb = timebases[i];
    for (uint64 n = 1; n < 5000; n++) {
      CHECK(ticks_at(tick_start(n, tb), tb) >= n);
      CHECK(ticks_at(tick_start(n, tb) - 1, tb) < n);
      if (tb >= KITE_HZ)
        CHECK_EQ(ticks_at(tick_start(n, tb), tb), n);
    }
    CHECK_EQ(tick_start(0, tb), 0);
    CHECK_EQ(tick_start(KITE_HZ, tb), tb);       /* one second */
    CHECK_EQ(ticks_at(tb, tb), KITE_HZ);
  }
}

/* Far from zero the split products still give exact answers. */
TEST(ticks_no_overflow)
{
  uint64 tb = 10000000, year = tb * 3600 * 24 * 365;
  uint64 t = 1000 * year + 12345;               /* t * KITE_HZ would not overflow yet */
  CHECK_EQ(ticks_at(t, tb), 1000ULL * 365 * 24 * 3600 * KITE_HZ + 12345 * KITE_HZ / tb);
  t = 50000 * year;                             /* t * KITE_HZ overflows 64 bits */
  CHECK_EQ(ticks_at(t, tb), 50000ULL * 365 * 24 * 3600 * KITE_HZ);
  uint64 n = 50000ULL * 365 * 24 * 3600 * KITE_HZ + 7;
  CHECK_EQ(tick_start(n, tb), t + 7 * tb / KITE_HZ);
  CHECK_EQ(ticks_at(tick_start(n, tb), tb), n);
}

int main(void)
{
  RUN(ticks_count_up);
  RUN(tick_start_is_first);
  RUN(ticks_no_overflow);
  return check_summary();
}
