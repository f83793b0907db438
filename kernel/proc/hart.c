/* Harts after boot, and the debug re-entry through _entry; see hart.h. */
#include "proc/hart.h"
#include "proc/proc.h"
#include "arch/riscv.h"
#include "arch/sbi.h"
#include "arch/timer.h"
#include "drivers/platform.h"
#include "lib/printf.h"
#include <kite/errno.h>

extern void _entry(void);

#define HSM_STOPPED    1             /* sbi_hart_status() */
#define REENTER_NONE  -1             /* `target`: no re-entry asked for */
#define REENTER_TAKEN -2             /* the hart asked has begun to stop */

static uint64 online;                /* bit per hart running Kite */
static uint64 joins[NCPU];           /* times each hart has joined */
static int target = REENTER_NONE;    /* hart asked to stop, or the above */

void hart_joined(int hartid)
{
  __atomic_add_fetch(&joins[hartid], 1, __ATOMIC_SEQ_CST);
  __atomic_or_fetch(&online, 1UL << hartid, __ATOMIC_SEQ_CST);
}

int hart_stop_wanted(void)
{
  return __atomic_load_n(&target, __ATOMIC_ACQUIRE) == cpuid();
}

void hart_stop_if_asked(void)
{
  int me = cpuid(), want = me;
  if (__atomic_load_n(&target, __ATOMIC_ACQUIRE) != me ||
      !__atomic_compare_exchange_n(&target, &want, REENTER_TAKEN, 0, __ATOMIC_SEQ_CST,
                                   __ATOMIC_SEQ_CST))
    return;
  intr_off();                        /* for good: the firmware takes over */
  if (mycpu()->noff != 0 || mycpu()->proc)
    panic("hart_stop_if_asked: hart %d is not idle in its scheduler", me);
  __atomic_and_fetch(&online, ~(1UL << me), __ATOMIC_SEQ_CST);
  timer_hart_stopping();             /* a deadline it waited for moves on */
  kick_idle_hart();                  /* what was runnable here runs elsewhere */
  sbi_hart_stop();
}

/* Yield until hart h has stopped in the firmware; 0 past the deadline. */
static int wait_stopped(int h, uint64 deadline)
{
  while (sbi_hart_status(h) != HSM_STOPPED) {
    if (r_time() > deadline)
      return 0;
    yield();
  }
  return 1;
}

/* Yield until hart h joins again after `before` joins; 0 past the deadline. */
static int wait_rejoined(int h, uint64 before, uint64 deadline)
{
  while (__atomic_load_n(&joins[h], __ATOMIC_SEQ_CST) == before) {
    if (r_time() > deadline)
      return 0;
    yield();
  }
  return 1;
}

int hart_reenter(int h)
{
  if (h < 0 || h >= NCPU)
    return -KITE_ENODEV;
  uint64 up = __atomic_load_n(&online, __ATOMIC_SEQ_CST);
  if (!(up & (1UL << h)) || (up & (up - 1)) == 0)
    return -KITE_ENODEV;
  if (!fdt_intact())
    return -KITE_EFAULT;
  int none = REENTER_NONE;
  if (!__atomic_compare_exchange_n(&target, &none, h, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
    return -KITE_EBUSY;
  uint64 before = __atomic_load_n(&joins[h], __ATOMIC_SEQ_CST);
  sbi_send_ipi(1UL << h);            /* out of wfi, round its scheduler loop */
  if (!wait_stopped(h, r_time() + 5 * platform.timebase)) {
    int asked = h;
    if (__atomic_compare_exchange_n(&target, &asked, REENTER_NONE, 0, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST))
      return -KITE_EIO;              /* called off before the hart saw it */
    wait_stopped(h, ~0UL);           /* it is stopping: a matter of instructions */
  }
  __atomic_store_n(&target, REENTER_NONE, __ATOMIC_SEQ_CST);
  /* What the firmware does on its bad day: the cold-boot entry and tree. */
  if (sbi_hart_start(h, (uint64)_entry, platform.fdt_base) != 0)
    return -KITE_EIO;
  return wait_rejoined(h, before, r_time() + 5 * platform.timebase) ? 0 : -KITE_EIO;
}
