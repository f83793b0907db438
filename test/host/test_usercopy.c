/*
 * Host tests of the user-copy cursors (kernel/mm/usercopy.c) over a
 * simulated user address space (usercopy_host.h): range checks, short
 * counts, cursor positions, all-or-nothing values, strings, zero-fill,
 * skip/limit and fault injection.
 */
#include <stdlib.h>
#include "check.h"
#include "usercopy_host.h"
#include "mm/usercopy.c"

#define PG SIM_PAGE

/* Every page present and writable, filled with a pattern. */
static void sim_reset(void)
{
  for (int i = 0; i < SIM_PAGES; i++) {
    sim_present[i] = 1;
    sim_writable[i] = 1;
  }
  for (int i = 0; i < SIM_PAGES * PG; i++)
    sim_base[i] = (uint8_t)(i * 7 + 1);
  sim_proc.fault_after = -1;
  sim_calls = 0;
}

static uaddr_t ua(long off) { return uaddr((uint64)(uintptr_t)(sim_base + off)); }

TEST(init_rejects_bad_ranges)
{
  struct ureader r;
  struct uwriter w;
  sim_reset();
  CHECK_EQ(ureader_init(&r, ua(0), (SIM_PAGES - 1) * PG), 0);        /* up to the kernel window */
  CHECK_EQ(ureader_init(&r, ua(0), (SIM_PAGES - 1) * PG + 1), -KITE_EFAULT); /* one byte into it */
  CHECK_EQ(ureader_init(&r, ua((SIM_PAGES - 1) * PG + 8), 8), -KITE_EFAULT); /* inside it */
  CHECK_EQ(ureader_init(&r, ua(0), SIM_PAGES * PG + 1), -KITE_EFAULT); /* past the top */
  CHECK_EQ(ureader_init(&r, ua(PG), ~0UL), -KITE_EFAULT);           /* wraps */
  CHECK_EQ(uwriter_init(&w, uaddr(~0UL - 10), 20), -KITE_EFAULT);   /* wraps */
  CHECK_EQ(uwriter_init(&w, ua(5 * PG), 0), 0);                     /* empty is fine */
  CHECK_EQ(uwriter_remaining(&w), 0);
  CHECK_EQ(sim_calls, 0);                                           /* nothing touched */
}

TEST(read_stops_at_hole)
{
  struct ureader r;
  char buf[3 * PG];
  sim_reset();
  sim_present[2] = 0;
  memset(buf, 'K', sizeof buf);
  CHECK_EQ(ureader_init(&r, ua(PG + 100), sizeof buf), 0);
  size_t got = ureader_read(&r, buf, sizeof buf);
  CHECK_EQ(got, PG - 100);                                          /* up to the hole */
  CHECK_EQ(r.c.fault, -KITE_EFAULT);
  CHECK_EQ(r.c.pos, (uint64)(uintptr_t)(sim_base + 2 * PG));       /* first byte not copied */
  CHECK(memcmp(buf, sim_base + PG + 100, got) == 0);
  CHECK(buf[got] == 0 && buf[sizeof buf - 1] == 0);                 /* rest zero-filled */
  CHECK_EQ(usercopy_result(got, &r.c), (long)got);
}

TEST(write_to_readonly_is_short)
{
  struct uwriter w;
  char src[2 * PG];
  sim_reset();
  sim_writable[4] = 0;
  memset(src, 'x', sizeof src);
  CHECK_EQ(uwriter_init(&w, ua(4 * PG - 10), sizeof src), 0);
  CHECK_EQ(uwriter_write(&w, src, sizeof src), 10);
  CHECK_EQ(w.c.fault, -KITE_EFAULT);
  CHECK(sim_base[4 * PG - 1] == 'x' && sim_base[4 * PG] != 'x');
  /* A write that faults at once: nothing delivered, the result is -EFAULT. */
  CHECK_EQ(uwriter_init(&w, ua(4 * PG), 8), 0);
  size_t done = uwriter_write(&w, src, 8);
  CHECK_EQ(done, 0);
  CHECK_EQ(usercopy_result(done, &w.c), -KITE_EFAULT);
}

TEST(get_put_all_or_nothing)
{
  struct ureader r;
  struct uwriter w;
  uint64 v = 0x1122334455667788ULL, got = 99;
  sim_reset();
  sim_present[3] = 0;
  CHECK_EQ(ureader_init(&r, ua(3 * PG - 4), 16), 0);
  CHECK_EQ(ureader_get(&r, &got, sizeof got), -KITE_EFAULT);        /* straddles the hole */
  CHECK_EQ(got, 0);                                                 /* zeroed, not half-read */
  CHECK_EQ(r.c.pos, (uint64)(uintptr_t)(sim_base + 3 * PG - 4));    /* cursor unmoved */
  CHECK_EQ(uwriter_init(&w, ua(3 * PG - 4), 16), 0);
  CHECK_EQ(uwriter_put(&w, &v, sizeof v), -KITE_EFAULT);
  CHECK_EQ(w.c.pos, (uint64)(uintptr_t)(sim_base + 3 * PG - 4));
  CHECK_EQ(uwriter_init(&w, ua(100), 4), 0);
  CHECK_EQ(uwriter_put(&w, &v, sizeof v), -KITE_EFAULT);            /* longer than the cursor */
  CHECK_EQ(uwriter_init(&w, ua(100), 16), 0);
  CHECK_EQ(uwriter_put(&w, &v, sizeof v), 0);
  CHECK_EQ(uwriter_remaining(&w), 8);
  CHECK(memcmp(sim_base + 100, &v, 8) == 0);
}

TEST(skip_and_limit)
{
  struct ureader r;
  char b[64];
  sim_reset();
  CHECK_EQ(ureader_init(&r, ua(0), 100), 0);
  ureader_skip(&r, 30);
  CHECK_EQ(ureader_remaining(&r), 70);
  ureader_limit(&r, 50);
  CHECK_EQ(ureader_remaining(&r), 50);
  ureader_limit(&r, 500);                                           /* never grows */
  CHECK_EQ(ureader_remaining(&r), 50);
  CHECK_EQ(ureader_read(&r, b, sizeof b), 50);                      /* bounded by the cursor */
  CHECK(memcmp(b, sim_base + 30, 50) == 0);
  ureader_skip(&r, 10);                                             /* past the end: clamps */
  CHECK_EQ(ureader_remaining(&r), 0);
  CHECK_EQ(ureader_read(&r, b, 1), 0);
  CHECK_EQ(r.c.fault, 0);                                           /* empty is not a fault */
}

TEST(strings)
{
  char s[64];
  sim_reset();
  memcpy(sim_base + 10, "hello", 6);
  CHECK_EQ(copyin_string(s, ua(10), sizeof s), 5);
  CHECK(strcmp(s, "hello") == 0);
  memset(sim_base + 200, 'a', 100);                                 /* no NUL within 64 */
  CHECK_EQ(copyin_string(s, ua(200), sizeof s), -KITE_ENAMETOOLONG);
  CHECK_EQ(s[63], 0);
  sim_base[200 + 63] = 0;                                           /* NUL exactly at max-1 */
  CHECK_EQ(copyin_string(s, ua(200), sizeof s), 63);
  memset(sim_base + 2 * PG - 3, 'b', 3);                            /* crosses a page */
  sim_base[2 * PG + 1] = 0;
  CHECK_EQ(copyin_string(s, ua(2 * PG - 3), sizeof s), 4);
  sim_present[6] = 0;                                               /* runs into a hole */
  memset(sim_base + 6 * PG - 5, 'c', 5);
  CHECK_EQ(copyin_string(s, ua(6 * PG - 5), sizeof s), -KITE_EFAULT);
  memset(sim_base + (SIM_PAGES - 1) * PG - 5, 'd', 5);              /* runs into the window */
  CHECK_EQ(copyin_string(s, ua((SIM_PAGES - 1) * PG - 5), sizeof s), -KITE_EFAULT);
  CHECK_EQ(copyin_string(s, ua((SIM_PAGES - 1) * PG), sizeof s), -KITE_EFAULT); /* starts in it */
  CHECK_EQ(copyin_string(s, uaddr(0), sizeof s), -KITE_EFAULT);     /* NULL */
}

TEST(string_cursor_lands_after_nul)
{
  struct ureader r;
  char s[16];
  sim_reset();
  memcpy(sim_base + 40, "ab\0cd\0", 6);
  CHECK_EQ(ureader_init(&r, ua(40), 6), 0);
  CHECK_EQ(ureader_string(&r, s, sizeof s), 2);
  CHECK_EQ(ureader_remaining(&r), 3);
  CHECK_EQ(ureader_string(&r, s, sizeof s), 2);
  CHECK(strcmp(s, "cd") == 0);
  CHECK_EQ(ureader_string(&r, s, sizeof s), -KITE_EFAULT);          /* cursor exhausted */
}

TEST(zero_fill)
{
  struct uwriter w;
  sim_reset();
  sim_present[1] = 0;
  CHECK_EQ(uwriter_init(&w, ua(PG - 300), 1000), 0);
  CHECK_EQ(uwriter_zero(&w, 1000), 300);
  CHECK_EQ(w.c.fault, -KITE_EFAULT);
  for (int i = PG - 300; i < PG; i++)
    CHECK(sim_base[i] == 0);
}

TEST(fault_injection)
{
  struct ureader r;
  char b[1000];
  sim_reset();
  usercopy_inject_fault(100);
  CHECK_EQ(ureader_init(&r, ua(0), sizeof b), 0);
  CHECK_EQ(ureader_read(&r, b, 40), 40);                            /* budget 100: 60 left */
  CHECK_EQ(ureader_read(&r, b, 200), 60);
  CHECK_EQ(r.c.fault, -KITE_EFAULT);
  CHECK_EQ(sim_proc.fault_after, -1);                               /* one shot */
  CHECK_EQ(ureader_init(&r, ua(0), sizeof b), 0);
  CHECK_EQ(ureader_read(&r, b, sizeof b), sizeof b);
  usercopy_inject_fault(0);
  CHECK_EQ(ureader_init(&r, ua(0), sizeof b), 0);
  size_t done = ureader_read(&r, b, sizeof b);
  CHECK_EQ(done, 0);
  CHECK_EQ(usercopy_result(done, &r.c), -KITE_EFAULT);
}

TEST(kernel_cursors_never_fault)
{
  struct ureader r;
  struct uwriter w;
  char src[32] = "kernel bytes", dst[32];
  sim_reset();
  ureader_init_kernel(&r, src, sizeof src);
  CHECK_EQ(ureader_read(&r, dst, sizeof dst), sizeof dst);
  CHECK(strcmp(dst, "kernel bytes") == 0);
  uwriter_init_kernel(&w, dst, 4);
  CHECK_EQ(uwriter_write(&w, "abcdefgh", 8), 4);                    /* bounded, no fault */
  CHECK_EQ(w.c.fault, 0);
  CHECK_EQ(sim_calls, 0);
}

int main(void)
{
  sim_base = aligned_alloc(SIM_PAGE, SIM_PAGES * SIM_PAGE);
  if (sim_base == NULL)
    return 2;
  RUN(init_rejects_bad_ranges);
  RUN(read_stops_at_hole);
  RUN(write_to_readonly_is_short);
  RUN(get_put_all_or_nothing);
  RUN(skip_and_limit);
  RUN(strings);
  RUN(string_cursor_lands_after_nul);
  RUN(zero_fill);
  RUN(fault_injection);
  RUN(kernel_cursors_never_fault);
  free(sim_base);
  return check_summary();
}
