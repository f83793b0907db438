/* The kernel log; see klog.h. */
#include "lib/klog.h"

STATIC_ASSERT((KLOG_SIZE & (KLOG_SIZE - 1)) == 0, "KLOG_SIZE is a power of two");

struct klog klog;

void klog_putc(int c)
{
  uint64 n = __atomic_fetch_add(&klog.head, 1, __ATOMIC_RELAXED);
  klog.buf[n & (KLOG_SIZE - 1)] = (char)c;
}
