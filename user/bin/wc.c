/* wc: count lines, words and bytes, as "lines words bytes name". */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
  long lines, words, bytes;
};

static char buf[4096];

static int count(int fd, const char *name, struct counts *c)
{
  int in_word = 0;
  ssize_t n;

  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    c->bytes += n;
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == '\n')
        c->lines++;
      if (isspace((unsigned char)buf[i])) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        c->words++;
      }
    }
  }
  if (n < 0) {
    fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
    return -1;
  }
  return 0;
}

static void print(const struct counts *c, const char *name)
{
  if (name)
    printf("%ld %ld %ld %s\n", c->lines, c->words, c->bytes, name);
  else
    printf("%ld %ld %ld\n", c->lines, c->words, c->bytes);
}

int main(int argc, char **argv)
{
  struct counts total = { 0, 0, 0 };
  int status = 0;

  if (argc < 2) {
    if (count(0, "stdin", &total) < 0)
      return 1;
    print(&total, NULL);
    return 0;
  }
  for (int i = 1; i < argc; i++) {
    struct counts c = { 0, 0, 0 };
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    if (count(fd, argv[i], &c) < 0)
      status = 1;
    close(fd);
    print(&c, argv[i]);
    total.lines += c.lines;
    total.words += c.words;
    total.bytes += c.bytes;
  }
  if (argc > 2)
    print(&total, "total");
  return status;
}
