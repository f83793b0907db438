/*
 * hello: shows that a Kite program is an ordinary C program: stdio with
 * floating point, files, the heap and libm all work.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
  if (!ok) {
    fprintf(stderr, "hello: FAIL %s\n", what);
    failures++;
  }
}

static void check_file(void)
{
  const char *path = "hello.tmp";
  char line[64];
  FILE *f = fopen(path, "w");

  check(f != NULL, "fopen for writing");
  if (!f)
    return;
  fprintf(f, "kite %d\n", 42);
  check(fclose(f) == 0, "fclose after writing");

  f = fopen(path, "r");
  check(f != NULL, "fopen for reading");
  if (!f)
    return;
  check(fgets(line, sizeof(line), f) != NULL, "fgets");
  check(strcmp(line, "kite 42\n") == 0, "file contents");
  fclose(f);
  unlink(path);
}

static void check_heap(void)
{
  size_t n = 10000;
  int *a = malloc(n * sizeof(int));

  check(a != NULL, "malloc");
  if (!a)
    return;
  for (size_t i = 0; i < n; i++)
    a[i] = (int)i;
  check(a[n - 1] == (int)(n - 1), "heap contents");
  free(a);
}

int main(void)
{
  char buf[32];

  printf("%.3f\n", 3.14159);
  snprintf(buf, sizeof(buf), "%.3f", 3.14159);
  check(strcmp(buf, "3.142") == 0, "printf %f");
  check(fabs(sqrt(2.0) * sqrt(2.0) - 2.0) < 1e-12, "sqrt");
  check_file();
  check_heap();
  if (failures)
    return 1;
  printf("hello: OK\n");
  return 0;
}
