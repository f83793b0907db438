/*
 * Time: the clock, process times and sleeping.
 *
 * Kite's timer ticks KITE_HZ times a second. times() and clock() count in
 * CLOCKS_PER_SEC units so that clock() / CLOCKS_PER_SEC is seconds; Kite
 * does not account CPU time per process, so both report time since boot.
 */
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include "ulib.h"

int _gettimeofday(struct timeval *tv, void *tz)
{
  struct kite_time t;
  long ret = KSYS1(SYS_clock, &t);

  (void)tz;
  if (kite_is_error(ret))
    return kite_result(ret);
  if (tv) {
    tv->tv_sec = t.sec;
    tv->tv_usec = t.nsec / 1000;
  }
  return 0;
}

clock_t _times(struct tms *buf)
{
  long ticks = KSYS0(SYS_uptime);
  clock_t now;

  if (kite_is_error(ticks))
    return (clock_t)kite_result(ticks);
  now = (clock_t)ticks * (CLOCKS_PER_SEC / KITE_HZ);
  if (buf) {
    buf->tms_utime = now;
    buf->tms_stime = 0;
    buf->tms_cutime = 0;
    buf->tms_cstime = 0;
  }
  return now;
}

long kite_uptime(void)
{
  return kite_result(KSYS0(SYS_uptime));
}

int kite_sleep_ticks(int ticks)
{
  return kite_result(KSYS1(SYS_sleep, ticks));
}

/* Returns 0, or all the seconds asked for when the sleep was cut short. */
unsigned sleep(unsigned seconds)
{
  long ticks = (long)seconds * KITE_HZ;

  if (kite_sleep_ticks(ticks > INT_MAX ? INT_MAX : (int)ticks) < 0)
    return seconds;
  return 0;
}

/* Rounds up to whole ticks (10 ms at KITE_HZ = 100). */
int usleep(useconds_t usec)
{
  long ticks = ((long)usec * KITE_HZ + 999999) / 1000000;

  return kite_sleep_ticks((int)ticks);
}
