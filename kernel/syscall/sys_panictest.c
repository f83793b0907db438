/*
 * SYS_panictest(what): crash the kernel on purpose, so that the debugtests
 * suite can check what a panic prints (scripts/check-debugtests). Only a
 * kernel built with -DKITE_PANICTEST=1 (make panictest-kernel, into
 * build/panictest/) has it; every other kernel answers -ENOSYS.
 *
 *   KITE_PANICTEST_NULL     a load through a NULL pointer, as a system call
 *                           that forgot to check a lookup would make
 *   KITE_PANICTEST_RECURSE  a recursion with no end, until the kernel stack
 *                           runs into its guard page
 *   KITE_PANICTEST_WINDOW   a store into kernel text, an address in the RAM
 *                           window that user page tables carry (it lies in
 *                           the user address range: still a kernel bug)
 *   KITE_PANICTEST_ASSERT   a failed ASSERT: panic() itself, whose backtrace
 *                           starts at the function that called it
 *   KITE_PANICTEST_CALL     a call through a function pointer that points at
 *                           data: frame #0 is outside kernel text ("?", not
 *                           "etext+..."), its caller found from ra
 *
 * The lines marked "panictest:" are the ones a backtrace must name.
 */
#include "syscall/syscall.h"
#include "lib/printf.h"
#include <kite/syscall.h>
#include <kite/errno.h>

#ifndef KITE_PANICTEST
#define KITE_PANICTEST 0
#endif

#if KITE_PANICTEST
static volatile uint64 depth_limit;      /* 0: none; volatile, so never provably infinite */

static uint64 __attribute__((noinline)) deep(uint64 n)
{
  volatile uint64 pad[4];                /* a frame of a known size */
  pad[0] = n;
  if (depth_limit && n >= depth_limit)
    return n;
  return deep(n + 1) + pad[0];           /* panictest: the recursive call */
}

/* Leaf functions (no call, so no saved ra): the unwinder must find their
 * return address in ra itself, or lose the caller's frame. */
static long __attribute__((noinline)) text_store(void)
{
  volatile uint32 *text = (volatile uint32 *)(uint64)sys_panictest;
  *text = 0;                             /* panictest: the store into text */
  return 0;
}

static long __attribute__((noinline)) null_load(void)
{
  int *volatile found = NULL;            /* a lookup that found nothing */
  return *found;                         /* panictest: the NULL load */
}

static long __attribute__((noinline)) call_data(void)
{
  long (*volatile handler)(void) = (long (*)(void))&depth_limit;   /* a hook overwritten */
  return handler() + 1;                  /* panictest: the call into data */
}

static long __attribute__((noinline)) check_invariant(void)
{
  ASSERT(depth_limit == 12345);          /* panictest: the failed assertion */
  return 0;
}
#endif

/* No sibling calls: this frame stays on the stack under the crash, so the
 * backtrace has a frame above a leaf to find (or to lose). */
long __attribute__((optimize("no-optimize-sibling-calls"))) sys_panictest(void)
{
#if KITE_PANICTEST
  switch (argint(0)) {
  case KITE_PANICTEST_NULL:
    return null_load();
  case KITE_PANICTEST_WINDOW:
    return text_store();
  case KITE_PANICTEST_ASSERT:
    return check_invariant();
  case KITE_PANICTEST_CALL:
    return call_data();
  case KITE_PANICTEST_RECURSE:
    return deep(0);
  }
  return -KITE_EINVAL;
#else
  return -KITE_ENOSYS;
#endif
}
