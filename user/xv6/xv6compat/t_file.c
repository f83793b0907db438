/*
 * Files and directories with xv6's calls: open flags, read/write, pipes,
 * dup, fstat and stat types, directories read as struct dirent, links,
 * mknod of the console.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/file.h"
#include "user/user.h"
#include "runner.h"

/* Create path holding s. */
static void make_file(int line, const char *path, const char *s)
{
  int fd = open(path, O_CREATE | O_WRONLY | O_TRUNC), n = strlen(s);

  if (fd < 0 || write(fd, s, n) != n)
    xt_fail(line, "cannot write %s", path);
  close(fd);
}

/* The contents of path (at most size - 1 bytes), NUL-terminated. */
static int read_file(const char *path, char *buf, int size)
{
  int fd = open(path, O_RDONLY), n = 0, r;

  if (fd < 0)
    return -1;
  while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
    n += r;
  buf[n] = 0;
  close(fd);
  return n;
}

static void t_open_flags(void)
{
  char buf[32];
  int fd, fd2;

  unlink("xf");
  CHECK_EQ(open("xf", O_RDONLY), -1);               /* no O_CREATE: no file */
  fd = open("xf", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "hello", 5), 5);
  close(fd);
  /* O_RDONLY cannot write, O_WRONLY cannot read. */
  fd = open("xf", O_RDONLY);
  CHECK_EQ(write(fd, "x", 1), -1);
  CHECK_EQ(read(fd, buf, sizeof buf), 5);
  close(fd);
  fd = open("xf", O_WRONLY);
  CHECK_EQ(read(fd, buf, 1), -1);
  CHECK_EQ(write(fd, "J", 1), 1);                   /* from offset 0 */
  close(fd);
  CHECK_EQ(read_file("xf", buf, sizeof buf), 5);
  CHECK_EQ(strcmp(buf, "Jello"), 0);
  /* O_TRUNC empties it; an open descriptor then reads nothing. */
  fd2 = open("xf", O_RDONLY);
  fd = open("xf", O_WRONLY | O_TRUNC);
  CHECK(fd >= 0);
  CHECK_EQ(read(fd2, buf, sizeof buf), 0);
  CHECK_EQ(write(fd, "abc", 3), 3);
  CHECK_EQ(read(fd2, buf, sizeof buf), 3);
  close(fd);
  close(fd2);
  /* O_CREATE on an existing file opens it, keeping its data. */
  fd = open("xf", O_CREATE | O_RDONLY);
  CHECK_EQ(read(fd, buf, sizeof buf), 3);
  close(fd);
  /* Directories: read-only, never created over. */
  CHECK_EQ(open(".", O_RDWR), -1);
  CHECK_EQ(open(".", O_WRONLY), -1);
  CHECK_EQ(open("/", O_CREATE), -1);
  CHECK(close(open(".", O_RDONLY)) == 0);
  CHECK_EQ(unlink("xf"), 0);
  CHECK_EQ(close(-1), -1);
  CHECK_EQ(close(NOFILE), -1);
  CHECK_EQ(read(99, buf, 1), -1);
  CHECK_EQ(write(-1, buf, 1), -1);
}

static void t_read_write(void)
{
  static char buf[3 * BSIZE + 100];
  int fd, n, total = 0;

  for (int i = 0; i < sizeof buf; i++)
    buf[i] = (char)(i * 7);
  fd = open("xrw", O_CREATE | O_RDWR | O_TRUNC);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, buf, sizeof buf), sizeof buf);
  CHECK_EQ(write(fd, buf, 0), 0);
  CHECK_EQ(write(fd, buf, -1), -1);
  close(fd);
  fd = open("xrw", O_RDONLY);
  memset(buf, 0, sizeof buf);
  while ((n = read(fd, buf + total, 1000)) > 0)
    total += n;
  CHECK_EQ(n, 0);
  CHECK_EQ(total, sizeof buf);
  for (int i = 0; i < sizeof buf; i++)
    if (buf[i] != (char)(i * 7))
      xt_fail(__LINE__, "byte %d of the file is wrong", i);
  /* Bad buffers fail, they do not crash the kernel. */
  CHECK(read(fd, (void *)0, 10) <= 0);
  close(fd);
  fd = open("xrw", O_WRONLY);
  CHECK_EQ(write(fd, (void *)0x80000000L, 100), -1);
  CHECK_EQ(write(fd, (void *)0xffffffffffffffffL, 100), -1);
  close(fd);
  CHECK_EQ(unlink("xrw"), 0);
}

static void t_pipe(void)
{
  int p[2], pid, n, total = 0;
  char buf[600];

  CHECK_EQ(pipe(p), 0);
  if ((pid = XFORK()) == 0) {
    close(p[0]);
    for (int i = 0; i < 20; i++) {
      memset(buf, 'a' + i, sizeof buf);
      CHILD_CHECK(write(p[1], buf, sizeof buf) == sizeof buf);
    }
    exit(0);
  }
  close(p[1]);
  int seen = 0;
  while ((n = read(p[0], buf, 77)) > 0) {
    for (int i = 0; i < n; i++, seen++)
      if (buf[i] != 'a' + seen / 600)
        xt_fail(__LINE__, "pipe byte %d is %d", seen, buf[i]);
    total += n;
  }
  CHECK_EQ(n, 0);                                   /* EOF once the writer is gone */
  CHECK_EQ(total, 20 * 600);
  CHECK_EXIT(pid, 0);
  close(p[0]);
  /* No reader: write fails (and does not kill). */
  CHECK_EQ(pipe(p), 0);
  close(p[0]);
  CHECK_EQ(write(p[1], "x", 1), -1);
  close(p[1]);
  CHECK_EQ(pipe((int *)0), -1);
}

static void t_dup(void)
{
  char buf[8];
  int fd = open("xdup", O_CREATE | O_RDWR | O_TRUNC), fd2;

  CHECK(fd >= 0);
  fd2 = dup(fd);
  CHECK(fd2 > fd);
  CHECK_EQ(write(fd, "ab", 2), 2);
  CHECK_EQ(write(fd2, "cd", 2), 2);                 /* the offset is shared */
  close(fd);
  close(fd2);
  CHECK_EQ(read_file("xdup", buf, sizeof buf), 4);
  CHECK_EQ(strcmp(buf, "abcd"), 0);
  CHECK_EQ(dup(-1), -1);
  CHECK_EQ(dup(NOFILE - 1), -1);
  /* dup takes the lowest free descriptor. */
  close(0);
  CHECK_EQ(dup(1), 0);
  CHECK_EQ(unlink("xdup"), 0);
}

static void t_fstat_types(void)
{
  struct stat st, st2;
  int fd;

  make_file(__LINE__, "xst", "12345");
  fd = open("xst", O_RDONLY);
  memset(&st, 0x55, sizeof st);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.type, T_FILE);
  CHECK_EQ(st.size, 5);
  CHECK_EQ(st.nlink, 1);
  CHECK(st.ino > ROOTINO);
  CHECK_EQ(st.dev, ROOTDEV);
  close(fd);
  CHECK_EQ(stat("xst", &st2), 0);
  CHECK_EQ(st2.ino, st.ino);
  CHECK_EQ(st2.type, T_FILE);
  CHECK_EQ(stat("/", &st), 0);
  CHECK_EQ(st.type, T_DIR);
  CHECK_EQ(st.ino, ROOTINO);
  CHECK(st.size % sizeof(struct dirent) == 0 && st.size > 0);
  CHECK_EQ(stat("/console", &st), 0);
  CHECK_EQ(st.type, T_DEVICE);
  CHECK_EQ(fstat(1, &st), 0);                       /* the console, as init opened it */
  CHECK_EQ(st.type, T_DEVICE);
  CHECK_EQ(stat("/no-such-file", &st), -1);
  CHECK_EQ(fstat(-1, &st), -1);
  CHECK_EQ(fstat(NOFILE + 3, &st), -1);
  /* A bad record pointer fails; the program is not killed for it. */
  fd = open("xst", O_RDONLY);
  CHECK_EQ(fstat(fd, (struct stat *)0), -1);
  CHECK_EQ(fstat(fd, (struct stat *)0x80000000L), -1);
  CHECK_EQ(fstat(fd, (struct stat *)t_fstat_types), -1);   /* read-only text */
  close(fd);
  CHECK_EQ(unlink("xst"), 0);
}

/* A file into the single- and double-indirect blocks, written and read
 * back through xv6's calls. */
static void t_big_file(void)
{
  enum { BLOCKS = NDIRECT + NINDIRECT + 40, CHUNK = 8 };
  static int block[CHUNK * BSIZE / sizeof(int)];
  struct stat st;
  int fd, n;

  fd = open("xbig", O_CREATE | O_RDWR | O_TRUNC);
  CHECK(fd >= 0);
  for (int b = 0; b < BLOCKS; b += CHUNK) {
    for (int k = 0; k < CHUNK; k++)
      block[k * BSIZE / sizeof(int)] = b + k;
    CHECK_EQ(write(fd, block, sizeof block), sizeof block);
  }
  CHECK_EQ(fstat(fd, &st), 0);
  n = (BLOCKS + CHUNK - 1) / CHUNK * CHUNK;
  CHECK_EQ(st.size, (uint64)n * BSIZE);
  close(fd);
  fd = open("xbig", O_RDONLY);
  for (int b = 0; b < n; b++) {
    CHECK_EQ(read(fd, block, BSIZE), BSIZE);
    if (block[0] != b)
      xt_fail(__LINE__, "block %d holds %d", b, block[0]);
  }
  CHECK_EQ(read(fd, block, BSIZE), 0);
  close(fd);
  CHECK_EQ(unlink("xbig"), 0);
}

/* A directory reads as struct dirent records: the ones of xv6's ls. */
static void t_dirent(void)
{
  struct dirent de;
  struct stat st;
  int fd, found = 0, dots = 0;
  char longest[DIRSIZ + 1];

  CHECK_EQ(sizeof(struct dirent), 2 + DIRSIZ);
  CHECK_EQ(mkdir("xdir"), 0);
  make_file(__LINE__, "xdir/a", "1");
  memset(longest, 'n', DIRSIZ);
  longest[DIRSIZ] = 0;
  CHECK_EQ(chdir("xdir"), 0);
  make_file(__LINE__, longest, "22");
  CHECK_EQ(chdir(".."), 0);
  CHECK_EQ(stat("xdir/a", &st), 0);
  fd = open("xdir", O_RDONLY);
  CHECK(fd >= 0);
  while (read(fd, &de, sizeof de) == sizeof de) {
    char name[DIRSIZ + 1];
    if (de.inum == 0)
      continue;
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      dots++;
    else if (strcmp(name, "a") == 0 && de.inum == st.ino)
      found |= 1;
    else if (memcmp(de.name, longest, DIRSIZ) == 0)
      found |= 2;
    else
      xt_fail(__LINE__, "unexpected entry %s", name);
  }
  close(fd);
  CHECK_EQ(dots, 2);
  CHECK_EQ(found, 3);
  /* A name longer than DIRSIZ is refused (xv6 would cut it to DIRSIZ). */
  CHECK_EQ(chdir("xdir"), 0);
  char toolong[DIRSIZ + 2];
  memset(toolong, 'n', DIRSIZ + 1);
  toolong[DIRSIZ + 1] = 0;
  CHECK_EQ(open(toolong, O_CREATE | O_RDWR), -1);
  CHECK_EQ(unlink(longest), 0);
  CHECK_EQ(unlink("a"), 0);
  CHECK_EQ(chdir("/"), 0);
  CHECK_EQ(unlink("xdir"), 0);
}

static void t_link_unlink(void)
{
  struct stat st;
  char buf[8];

  make_file(__LINE__, "xl1", "hi");
  CHECK_EQ(link("xl1", "xl2"), 0);
  CHECK_EQ(stat("xl1", &st), 0);
  CHECK_EQ(st.nlink, 2);
  CHECK_EQ(link("xl1", "xl2"), -1);                 /* exists */
  CHECK_EQ(link("xl-none", "xl3"), -1);
  CHECK_EQ(link(".", "xl3"), -1);                   /* no links to directories */
  CHECK_EQ(unlink("xl1"), 0);
  CHECK_EQ(open("xl1", O_RDONLY), -1);
  CHECK_EQ(read_file("xl2", buf, sizeof buf), 2);
  CHECK_EQ(stat("xl2", &st), 0);
  CHECK_EQ(st.nlink, 1);
  /* An open file outlives its last name. */
  int fd = open("xl2", O_RDWR);
  CHECK_EQ(unlink("xl2"), 0);
  CHECK_EQ(unlink("xl2"), -1);
  CHECK_EQ(read(fd, buf, 2), 2);
  CHECK_EQ(write(fd, "more", 4), 4);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.nlink, 0);
  close(fd);
  CHECK_EQ(unlink("."), -1);
  CHECK_EQ(unlink(".."), -1);
  /* Kernel and impossible addresses as names fail; nothing is made. */
  make_file(__LINE__, "xl1", "hi");
  CHECK_EQ(link("xl1", (char *)0x80000000L), -1);
  CHECK_EQ(link((char *)0xffffffffffffffffL, "xl2"), -1);
  CHECK_EQ(open((char *)0x3fffffe000L, O_CREATE | O_RDWR), -1);
  CHECK_EQ(unlink((char *)0x4000000000L), -1);
  CHECK_EQ(mkdir((char *)0x80200000L), -1);
  CHECK_EQ(chdir((char *)0), -1);
  CHECK_EQ(stat("xl1", &st), 0);
  CHECK_EQ(st.nlink, 1);
  CHECK_EQ(unlink("xl1"), 0);
}

static void t_mkdir_chdir(void)
{
  char buf[8];

  CHECK_EQ(mkdir("xd"), 0);
  CHECK_EQ(mkdir("xd"), -1);
  CHECK_EQ(mkdir("/xd/sub"), 0);
  make_file(__LINE__, "xd/sub/f", "f");
  CHECK_EQ(unlink("xd"), -1);                       /* not empty */
  CHECK_EQ(chdir("xd/sub"), 0);
  CHECK_EQ(read_file("f", buf, sizeof buf), 1);
  CHECK_EQ(read_file("../sub/f", buf, sizeof buf), 1);
  CHECK_EQ(chdir("../.."), 0);
  CHECK_EQ(chdir("xd/sub/f"), -1);                  /* a file */
  CHECK_EQ(chdir("xd/none"), -1);
  CHECK_EQ(mkdir("xd/sub/f/g"), -1);
  CHECK_EQ(open("xd/sub/f/g", O_CREATE | O_RDWR), -1);
  CHECK_EQ(unlink("xd/sub/f"), 0);
  /* The working directory can be removed; then nothing is made in it. */
  CHECK_EQ(chdir("xd/sub"), 0);
  CHECK_EQ(unlink("../sub"), 0);
  CHECK_EQ(open("new", O_CREATE | O_RDWR), -1);
  CHECK_EQ(chdir("/"), 0);
  CHECK_EQ(unlink("xd"), 0);
  CHECK_EQ(mkdir(""), -1);
}

/* mknod makes a device file; the console's major number is CONSOLE. */
static void t_mknod_console(void)
{
  struct stat st;
  int fd;

  unlink("xcons");
  CHECK_EQ(mknod("xcons", CONSOLE, 0), 0);
  CHECK_EQ(stat("xcons", &st), 0);
  CHECK_EQ(st.type, T_DEVICE);
  CHECK_EQ(mknod("xcons", CONSOLE, 0), -1);
  fd = open("xcons", O_WRONLY);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "", 0), 0);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.type, T_DEVICE);
  close(fd);
  CHECK_EQ(unlink("xcons"), 0);
}

/* Several processes creating and deleting files in one directory. */
static void t_concurrent_create(void)
{
  enum { NCHILD = 4, N = 10 };
  char name[4];
  int pids[NCHILD];

  for (int c = 0; c < NCHILD; c++) {
    if ((pids[c] = XFORK()) == 0) {
      name[0] = 'p' + c;
      name[2] = 0;
      for (int i = 0; i < N; i++) {
        name[1] = '0' + i;
        int fd = open(name, O_CREATE | O_RDWR);
        CHILD_CHECK(fd >= 0);
        close(fd);
        if (i > 0 && i % 2 == 0) {
          name[1] = '0' + i / 2;
          CHILD_CHECK(unlink(name) == 0);
        }
      }
      exit(0);
    }
  }
  for (int c = 0; c < NCHILD; c++)
    CHECK_EXIT(pids[c], 0);
  name[2] = 0;
  for (int c = 0; c < NCHILD; c++)
    for (int i = 0; i < N; i++) {
      name[0] = 'p' + c;
      name[1] = '0' + i;
      int fd = open(name, O_RDONLY);
      int want = i == 0 || i >= N / 2;
      if ((fd >= 0) != want)
        xt_fail(__LINE__, "%s %s", name, want ? "missing" : "still there");
      if (fd >= 0)
        close(fd);
      unlink(name);
    }
}

/* The console is fd 0, 1 and 2, and README is in the root. */
static void t_root_files(void)
{
  struct stat st;

  CHECK_EQ(stat("/README", &st), 0);
  CHECK_EQ(st.type, T_FILE);
  CHECK(st.size > 0);
  for (int fd = 0; fd < 3; fd++) {
    CHECK_EQ(fstat(fd, &st), 0);
    CHECK_EQ(st.type, T_DEVICE);
  }
}

/* Files until the inodes run out: the create that fails leaves nothing
 * behind, and once they are removed files can be made again. */
static void t_out_of_inodes(void)
{
  enum { MAX = 1024 };
  char name[8];
  int n, fd;

  CHECK_EQ(mkdir("xino"), 0);
  CHECK_EQ(chdir("xino"), 0);
  for (n = 0; n < MAX; n++) {
    name[0] = 'i';
    name[1] = '0' + n / 100;
    name[2] = '0' + n / 10 % 10;
    name[3] = '0' + n % 10;
    name[4] = 0;
    if ((fd = open(name, O_CREATE | O_RDWR)) < 0)
      break;
    close(fd);
  }
  CHECK(n > 100 && n < MAX);
  CHECK_EQ(open(name, O_RDONLY), -1);               /* no half-made entry */
  CHECK_EQ(mkdir("more"), -1);
  struct stat st;
  CHECK_EQ(stat(".", &st), 0);
  CHECK_EQ(st.size % sizeof(struct dirent), 0);
  for (int i = 0; i < n; i++) {
    name[0] = 'i';
    name[1] = '0' + i / 100;
    name[2] = '0' + i / 10 % 10;
    name[3] = '0' + i % 10;
    CHECK_EQ(unlink(name), 0);
  }
  make_file(__LINE__, "again", "x");
  CHECK_EQ(unlink("again"), 0);
  CHECK_EQ(chdir(".."), 0);
  CHECK_EQ(unlink("xino"), 0);
}

/* Fill the disk with files of MAXFILE blocks (xv6's diskfull): writes
 * then fail, small creations fail once no block is left for the
 * directory, reading and deleting still work, and the space comes back. */
static void t_disk_full(void)
{
  enum { CHUNK = 8 };                               /* blocks a write */
  static char block[CHUNK * BSIZE];
  char name[8] = "xfull0";
  int files, done = 0;

  memset(block, 'F', sizeof block);
  for (files = 0; !done && files < 9; files++) {
    name[5] = '0' + files;
    int fd = open(name, O_CREATE | O_RDWR | O_TRUNC);
    if (fd < 0)
      break;
    for (int i = 0; i < MAXFILE; i += CHUNK) {
      int n = (MAXFILE - i < CHUNK ? MAXFILE - i : CHUNK) * BSIZE;
      if (write(fd, block, n) != n) {
        done = 1;
        break;
      }
    }
    close(fd);
  }
  CHECK(done);
  CHECK(files >= 2);                                /* one whole MAXFILE file fit */
  struct stat st;
  CHECK_EQ(stat("xfull0", &st), 0);
  CHECK_EQ(st.size, (uint64)MAXFILE * BSIZE);
  int made = 0;
  for (int i = 0; i < 128; i++) {
    char small[8] = "xzz000";
    small[3] = '0' + i / 100;
    small[4] = '0' + i / 10 % 10;
    small[5] = '0' + i % 10;
    int fd = open(small, O_CREATE | O_RDWR);
    if (fd < 0)
      break;
    made++;
    CHECK_EQ(write(fd, "x", 1), -1);                /* no block for the data */
    close(fd);
  }
  CHECK(made < 128);                                /* the directory could not grow */
  CHECK_EQ(mkdir("xfulldir"), -1);
  char got[BSIZE];
  int fd = open("xfull0", O_RDONLY);
  CHECK_EQ(read(fd, got, BSIZE), BSIZE);
  CHECK_EQ(got[BSIZE - 1], 'F');
  close(fd);
  for (int i = 0; i < made; i++) {
    char small[8] = "xzz000";
    small[3] = '0' + i / 100;
    small[4] = '0' + i / 10 % 10;
    small[5] = '0' + i % 10;
    CHECK_EQ(unlink(small), 0);
  }
  for (int f = 0; f < files; f++) {
    name[5] = '0' + f;
    CHECK_EQ(unlink(name), 0);
  }
  fd = open("xfull0", O_CREATE | O_RDWR);
  for (int i = 0; i < 128; i++)
    CHECK_EQ(write(fd, block, sizeof block), sizeof block);
  close(fd);
  CHECK_EQ(unlink("xfull0"), 0);
}

const struct xtest xt_file_tests[] = {
  { "open_flags",        t_open_flags,        XT_NORMAL },
  { "read_write",        t_read_write,        XT_NORMAL },
  { "pipe",              t_pipe,              XT_NORMAL },
  { "dup",               t_dup,               XT_NORMAL },
  { "big_file",          t_big_file,          XT_NORMAL },
  { "fstat_types",       t_fstat_types,       XT_NORMAL },
  { "dirent",            t_dirent,            XT_NORMAL },
  { "link_unlink",       t_link_unlink,       XT_NORMAL },
  { "mkdir_chdir",       t_mkdir_chdir,       XT_NORMAL },
  { "mknod_console",     t_mknod_console,     XT_NORMAL },
  { "concurrent_create", t_concurrent_create, XT_NORMAL },
  { "root_files",        t_root_files,        XT_NORMAL },
  { "out_of_inodes",     t_out_of_inodes,     XT_LONG },
  { "disk_full",         t_disk_full,         XT_LONG },
  { 0, 0, 0 },
};
