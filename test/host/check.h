/*
 * A tiny harness for Kite's host unit tests.
 *
 *   TEST(name) { ... CHECK(cond); CHECK_EQ(a, b); ... }
 *   int main(void) { RUN(name); ...; return check_summary(); }
 *
 * Each RUN prints "test NAME: OK" or "test NAME: FAIL <first failed check>".
 */
#ifndef KITE_HOST_CHECK_H
#define KITE_HOST_CHECK_H

#include <stdio.h>

static int check_failed_total;
static int check_failed_now;
static char check_why[256];

#define TEST(name) static void test_##name(void)

#define CHECK(c) do { if (!(c)) { \
    if (!check_failed_now) snprintf(check_why, sizeof check_why, "%s:%d: %s", __FILE__, __LINE__, #c); \
    check_failed_now = 1; } } while (0)

#define CHECK_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); if (_a != _b) { \
    if (!check_failed_now) snprintf(check_why, sizeof check_why, "%s:%d: %s == %lld, expected %lld", \
                                    __FILE__, __LINE__, #a, _a, _b); \
    check_failed_now = 1; } } while (0)

#define RUN(name) do { \
    check_failed_now = 0; \
    test_##name(); \
    if (check_failed_now) { \
      check_failed_total++; \
      printf("test %s: FAIL %s\n", #name, check_why); \
    } else { \
      printf("test %s: OK\n", #name); \
    } \
    fflush(stdout); \
  } while (0)

static inline int check_summary(void) { return check_failed_total ? 1 : 0; }

#endif
