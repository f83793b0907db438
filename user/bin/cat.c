/* cat: copy files (or standard input) to standard output. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[4096];

static int write_all(int fd, const char *p, ssize_t n)
{
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0)
      return -1;
    p += w;
    n -= w;
  }
  return 0;
}

/* Returns 0, or -1 after reporting the error. */
static int cat(int fd, const char *name)
{
  ssize_t n;

  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    if (write_all(1, buf, n) < 0) {
      fprintf(stderr, "cat: write: %s\n", strerror(errno));
      return -1;
    }
  }
  if (n < 0) {
    fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  int status = 0;

  if (argc < 2)
    return cat(0, "stdin") < 0;
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    if (cat(fd, argv[i]) < 0)
      status = 1;
    close(fd);
  }
  return status;
}
