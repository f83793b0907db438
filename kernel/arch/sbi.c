/* SBI calls; see sbi.h. */
#include "arch/sbi.h"
#include "arch/riscv.h"
#include "lib/printf.h"

struct sbiret sbi_call(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2)
{
  register uint64 r_a0 asm("a0") = a0;
  register uint64 r_a1 asm("a1") = a1;
  register uint64 r_a2 asm("a2") = a2;
  register uint64 r_a6 asm("a6") = fid;
  register uint64 r_a7 asm("a7") = ext;
  asm volatile("ecall"
               : "+r"(r_a0), "+r"(r_a1)
               : "r"(r_a2), "r"(r_a6), "r"(r_a7)
               : "memory");
  struct sbiret ret = { (long)r_a0, (long)r_a1 };
  return ret;
}

int sbi_probe(uint64 ext)
{
  struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
  return r.error == 0 && r.value != 0;
}

void sbi_set_timer(uint64 when)
{
  sbi_call(SBI_EXT_TIME, 0, when, 0, 0);
}

int sbi_hart_start(uint64 hartid, uint64 start, uint64 opaque)
{
  return (int)sbi_call(SBI_EXT_HSM, 0, hartid, start, opaque).error;
}

long sbi_hart_status(uint64 hartid)
{
  struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0);
  return r.error ? r.error : r.value;
}

void sbi_hart_stop(void)
{
  sbi_call(SBI_EXT_HSM, 1, 0, 0, 0);
  panic("sbi: hart %ld did not stop", r_tp());
}

void sbi_send_ipi(uint64 hart_mask)
{
  sbi_call(SBI_EXT_IPI, 0, hart_mask, 0, 0);
}

void sbi_shutdown(void)
{
  sbi_call(SBI_EXT_SRST, 0, 0 /* shutdown */, 0 /* no reason */, 0);
  for (;;)                 /* SRST missing: nothing else Kite can do */
    wfi();
}
