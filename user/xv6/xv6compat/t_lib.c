/*
 * xv6's user library: printf and fprintf (formats, no buffering across
 * fork), the string and memory functions with xv6's meanings, gets.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "runner.h"

/* What fprintf writes is captured through a pipe; the format is passed
 * as a variable so that xv6's oddities can be tried without warnings. */
#define OUT_MAX 512
static char out[OUT_MAX];

static int capture_begin(int p[2])
{
  if (pipe(p) < 0)
    xt_fail(__LINE__, "pipe failed");
  return p[1];
}

static const char *capture_end(int p[2])
{
  int n;

  close(p[1]);
  n = read(p[0], out, OUT_MAX - 1);
  out[n < 0 ? 0 : n] = 0;
  close(p[0]);
  return out;
}

#define EXPECT(want, fmt, ...) do {                                            \
    int _p[2];                                                                  \
    const char *_f = (fmt);                                                     \
    fprintf(capture_begin(_p), _f, __VA_ARGS__);                                \
    if (strcmp(capture_end(_p), (want)) != 0)                                   \
      xt_fail(__LINE__, "fprintf(\"%s\") wrote \"%s\", expected \"%s\"", _f, out, want); \
  } while (0)

static void t_printf_formats(void)
{
  char *volatile null = 0;

  EXPECT("0|-42|-2147483648|2147483647", "%d|%d|%d|%d", 0, -42, (int)0x80000000, 0x7fffffff);
  EXPECT("4294967295|0|ff|ffffffff|0", "%u|%u|%x|%x|%x", -1, 0, 255, -1, 0);
  EXPECT("-1|-9223372036854775808|9223372036854775807", "%ld|%lld|%ld", -1L,
         (long)0x8000000000000000UL, 0x7fffffffffffffffL);
  EXPECT("18446744073709551615|123|deadbeefcafe|0", "%lu|%llu|%lx|%llx", -1L, 123L,
         0xdeadbeefcafeL, 0L);
  EXPECT("0x0000000000000000|0x00000000deadbeef", "%p|%p", (void *)0, (void *)0xdeadbeefL);
  EXPECT("str|(null)|x|A|%", "%s|%s|%c|%c|%%", "str", null, 'x', 0x41);
  /* Not xv6 formats: printed as they stand. */
  EXPECT("%q %5d %l| %lc", "%q %5d %l| %lc", 1);
  EXPECT("end", "end%", 0);
  EXPECT("no conversions", "no conversions", 0);
}

/* printf writes before it returns: nothing waits in the process to be
 * printed twice by a fork. */
static void t_printf_fork(void)
{
  char buf[128];
  int fd, pid, n;

  fd = open("xpf", O_CREATE | O_RDWR | O_TRUNC);
  CHECK(fd >= 0);
  close(1);
  CHECK_EQ(dup(fd), 1);
  printf("before fork ");
  fprintf(1, "(%d) ", 1);
  if ((pid = XFORK()) == 0) {
    printf("child ");
    exit(0);
  }
  CHECK_EXIT(pid, 0);
  printf("parent");
  close(fd);
  fd = open("xpf", O_RDONLY);
  n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n < 0 ? 0 : n] = 0;
  CHECK_EQ(strcmp(buf, "before fork (1) child parent"), 0);
  unlink("xpf");
}

/* Long output all arrives, and each call's line stays whole even when
 * two processes print at once. */
static void t_printf_lines(void)
{
  static char big[3001], buf[8192];
  int fd, pid, n, total = 0;

  memset(big, 'z', 3000);
  fd = open("xpl", O_CREATE | O_RDWR | O_TRUNC);
  CHECK(fd >= 0);
  fprintf(fd, "%s\n", big);
  if ((pid = XFORK()) == 0) {
    for (int i = 0; i < 40; i++)
      fprintf(fd, "child line %d of the test, long enough to be cut\n", i);
    exit(0);
  }
  for (int i = 0; i < 40; i++)
    fprintf(fd, "parent line %d of the test, long enough to be cut\n", i);
  CHECK_EXIT(pid, 0);
  close(fd);
  fd = open("xpl", O_RDONLY);
  while ((n = read(fd, buf + total, sizeof buf - 1 - total)) > 0)
    total += n;
  close(fd);
  buf[total] = 0;
  CHECK(total > 3001);
  for (int i = 0; i < 3000; i++)
    CHECK(buf[i] == 'z');
  /* Every line after the first starts with "child" or "parent". */
  int lines = 0;
  for (char *s = buf + 3001; *s; lines++) {
    if (memcmp(s, "child line ", 11) != 0 && memcmp(s, "parent line ", 12) != 0)
      xt_fail(__LINE__, "line %d is cut: %s", lines, s);
    char *nl = strchr(s, '\n');
    CHECK(nl != 0);
    s = nl + 1;
  }
  CHECK_EQ(lines, 80);
  unlink("xpl");
}

static void t_strings(void)
{
  char buf[64];

  CHECK_EQ(strlen(""), 0);
  CHECK_EQ(strlen("hello"), 5);
  CHECK_EQ(sizeof(strlen("x")), sizeof(uint));     /* xv6: uint strlen() */
  CHECK_EQ(strcpy(buf, "copy me"), buf);
  CHECK_EQ(strcmp(buf, "copy me"), 0);
  CHECK(strcmp("abc", "abd") < 0);
  CHECK(strcmp("abd", "abc") > 0);
  CHECK(strcmp("ab", "abc") < 0);
  CHECK(strcmp("\xff", "a") > 0);                   /* bytes are unsigned */
  const char *s = "hello";
  CHECK_EQ(strchr(s, 'l'), s + 2);
  CHECK_EQ(strchr(s, 'z'), 0);
  CHECK_EQ(strchr(s, 0), 0);                        /* xv6: the NUL is not found */
  CHECK_EQ(atoi("1234"), 1234);
  CHECK_EQ(atoi("56abc"), 56);
  CHECK_EQ(atoi(""), 0);
  CHECK_EQ(atoi("x1"), 0);
  CHECK_EQ(atoi("-5"), 0);                          /* xv6: digits only */
  CHECK_EQ(atoi("2147483647"), 2147483647);
}

static void t_memory_functions(void)
{
  char buf[100], b2[100];

  CHECK_EQ(memset(buf, 'x', sizeof buf), buf);
  for (int i = 0; i < sizeof buf; i++)
    CHECK(buf[i] == 'x');
  memset(buf + 3, 0, 50);
  CHECK(buf[2] == 'x' && buf[3] == 0 && buf[52] == 0 && buf[53] == 'x');
  for (int i = 0; i < sizeof buf; i++)
    buf[i] = (char)i;
  /* memmove handles overlap both ways. */
  CHECK_EQ(memmove(buf + 10, buf, 50), buf + 10);
  for (int i = 0; i < 50; i++)
    CHECK(buf[10 + i] == (char)i);
  for (int i = 0; i < sizeof buf; i++)
    buf[i] = (char)i;
  memmove(buf, buf + 7, 60);
  for (int i = 0; i < 60; i++)
    CHECK(buf[i] == (char)(i + 7));
  memmove(buf, "zz", 0);
  memmove(buf, "zz", -3);                           /* xv6: an int count, <= 0 moves nothing */
  CHECK(buf[0] == 7);
  CHECK_EQ(memcpy(b2, buf, sizeof buf), b2);
  CHECK_EQ(memcmp(b2, buf, sizeof buf), 0);
  b2[50]++;
  CHECK(memcmp(b2, buf, sizeof buf) > 0);
  CHECK(memcmp(buf, b2, sizeof buf) < 0);
  CHECK_EQ(memcmp(buf, b2, 50), 0);
  CHECK(memcmp("\xff", "\x01", 1) > 0);             /* unsigned bytes */
  /* Unaligned, odd lengths. */
  memset(buf, 0, sizeof buf);
  memcpy(buf + 1, "abcdefghijklmnopq", 17);
  CHECK_EQ(memcmp(buf + 1, "abcdefghijklmnopq", 17), 0);
  CHECK(buf[0] == 0 && buf[18] == 0);
}

static void t_gets(void)
{
  char buf[64];
  int p[2], saved = dup(0);

  CHECK_EQ(pipe(p), 0);
  close(0);
  CHECK_EQ(dup(p[0]), 0);
  close(p[0]);
  const char *in = "line one\nline two\rabcdefg";
  CHECK_EQ(write(p[1], in, strlen(in)), strlen(in));
  close(p[1]);
  CHECK_EQ(gets(buf, sizeof buf), buf);
  CHECK_EQ(strcmp(buf, "line one\n"), 0);
  gets(buf, sizeof buf);
  CHECK_EQ(strcmp(buf, "line two\r"), 0);
  gets(buf, 4);                                     /* at most max - 1 bytes */
  CHECK_EQ(strcmp(buf, "abc"), 0);
  gets(buf, sizeof buf);
  CHECK_EQ(strcmp(buf, "defg"), 0);
  gets(buf, sizeof buf);                            /* end of input */
  CHECK_EQ(buf[0], 0);
  close(0);
  dup(saved);
}

const struct xtest xt_lib_tests[] = {
  { "printf_formats",   t_printf_formats,   XT_NORMAL },
  { "printf_fork",      t_printf_fork,      XT_NORMAL },
  { "printf_lines",     t_printf_lines,     XT_NORMAL },
  { "strings",          t_strings,          XT_NORMAL },
  { "memory_functions", t_memory_functions, XT_NORMAL },
  { "gets",             t_gets,             XT_NORMAL },
  { 0, 0, 0 },
};
