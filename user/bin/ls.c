/*
 * ls: list files and directories, one line per entry:
 *   name  type  inode  size
 * with type 1 = directory, 2 = file, 3 = device (Kite's KITE_T_* numbers).
 * A directory is read as an array of struct kite_dirent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kite.h"

static int kite_type(mode_t mode)
{
  if (S_ISDIR(mode))
    return KITE_T_DIR;
  if (S_ISCHR(mode))
    return KITE_T_DEVICE;
  return KITE_T_FILE;
}

static void print_entry(const char *name, const struct stat *st)
{
  printf("%-14s %d %u %ld\n", name, kite_type(st->st_mode),
         (unsigned)st->st_ino, (long)st->st_size);
}

/* The last component of path, as ls prints it. */
static const char *basename_of(const char *path)
{
  const char *slash = strrchr(path, '/');

  return slash && slash[1] ? slash + 1 : path;
}

static int list_dir(int fd, const char *path)
{
  struct kite_dirent de;
  char child[KITE_MAXPATH];
  char name[KITE_DIRSIZ + 1];
  struct stat st;
  ssize_t n;
  int status = 0;

  while ((n = read(fd, &de, sizeof(de))) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    memcpy(name, de.name, KITE_DIRSIZ);
    name[KITE_DIRSIZ] = '\0';
    if (snprintf(child, sizeof(child), "%s/%s", path, name) >= (int)sizeof(child)) {
      fprintf(stderr, "ls: %s/%s: path too long\n", path, name);
      status = 1;
      continue;
    }
    if (stat(child, &st) < 0) {
      fprintf(stderr, "ls: %s: %s\n", child, strerror(errno));
      status = 1;
      continue;
    }
    print_entry(name, &st);
  }
  if (n < 0) {
    fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
    status = 1;
  }
  return status;
}

static int ls(const char *path)
{
  struct stat st;
  int fd = open(path, O_RDONLY);
  int status = 0;

  if (fd < 0) {
    fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (fstat(fd, &st) < 0) {
    fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
    status = 1;
  } else if (S_ISDIR(st.st_mode)) {
    status = list_dir(fd, path);
  } else {
    print_entry(basename_of(path), &st);
  }
  close(fd);
  return status;
}

int main(int argc, char **argv)
{
  int status = 0;

  if (argc < 2)
    return ls(".");
  for (int i = 1; i < argc; i++)
    status |= ls(argv[i]);
  return status;
}
