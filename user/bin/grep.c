/*
 * grep PATTERN [file...]: print the lines that match PATTERN.
 *
 * Patterns: c matches itself, . any character, x* zero or more x,
 * ^ anchors at the start, $ at the end, \c a literal c.
 * Exit status: 0 if a line matched, 1 if none, 2 on error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int match_here(const char *re, const char *text);

/* One pattern atom (., \c or c) against one character. */
static int atom_len(const char *re)
{
  return re[0] == '\\' && re[1] ? 2 : 1;
}

static int atom_matches(const char *re, char c)
{
  if (c == '\0')
    return 0;
  if (re[0] == '\\' && re[1])
    return re[1] == c;
  return re[0] == '.' || re[0] == c;
}

/* atom* followed by the rest of the pattern: try the longest run first. */
static int match_star(const char *atom, const char *rest, const char *text)
{
  const char *t = text;

  while (atom_matches(atom, *t))
    t++;
  for (;;) {
    if (match_here(rest, t))
      return 1;
    if (t == text)
      return 0;
    t--;
  }
}

static int match_here(const char *re, const char *text)
{
  for (;;) {
    if (re[0] == '\0')
      return 1;
    int len = atom_len(re);
    if (re[len] == '*')
      return match_star(re, re + len + 1, text);
    if (re[0] == '$' && re[1] == '\0')
      return *text == '\0';
    if (!atom_matches(re, *text))
      return 0;
    re += len;
    text++;
  }
}

static int match(const char *re, const char *text)
{
  if (re[0] == '^')
    return match_here(re + 1, text);
  do {
    if (match_here(re, text))
      return 1;
  } while (*text++ != '\0');
  return 0;
}

/* Reads one line of any length, without its newline; -1 at end of file. */
static long read_line(FILE *f, char **line, size_t *cap)
{
  size_t n = 0;
  int c;

  while ((c = getc(f)) != EOF && c != '\n') {
    if (n + 1 >= *cap) {
      size_t ncap = *cap ? 2 * *cap : 128;
      char *p = realloc(*line, ncap);
      if (!p) {
        fprintf(stderr, "grep: line too long\n");
        exit(2);
      }
      *line = p;
      *cap = ncap;
    }
    (*line)[n++] = (char)c;
  }
  if (c == EOF && n == 0)
    return -1;
  if (!*line) {
    *line = malloc(1);
    if (!*line)
      exit(2);
    *cap = 1;
  }
  (*line)[n] = '\0';
  return (long)n;
}

/* Returns the number of matching lines. */
static long grep(const char *re, FILE *f, const char *prefix)
{
  char *line = NULL;
  size_t cap = 0;
  long found = 0;

  while (read_line(f, &line, &cap) >= 0) {
    if (match(re, line)) {
      found++;
      if (prefix)
        printf("%s:", prefix);
      printf("%s\n", line);
    }
  }
  free(line);
  return found;
}

int main(int argc, char **argv)
{
  long found = 0;
  int error = 0;

  if (argc < 2) {
    fprintf(stderr, "usage: grep pattern [file...]\n");
    return 2;
  }
  if (argc == 2)
    found = grep(argv[1], stdin, NULL);
  for (int i = 2; i < argc; i++) {
    FILE *f = fopen(argv[i], "r");
    if (!f) {
      fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
      error = 1;
      continue;
    }
    found += grep(argv[1], f, argc > 3 ? argv[i] : NULL);
    fclose(f);
  }
  if (error)
    return 2;
  return found ? 0 : 1;
}
