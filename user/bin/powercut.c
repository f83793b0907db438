/*
 * powercut: the guest half of the power-cut test (scripts/crashtest).
 *
 *   powercut write SEED        make the file operations of SEED under /pc,
 *                              one at a time, until there are MAX_OPS
 *   powercut verify SEED K     after a cut: is /pc as the operations of
 *                              SEED left it, K being the last one that
 *                              "write" reported committed (-1: none)?
 *
 * The operations. Each is one system call that changes the file system:
 * mkdir, create (open O_CREAT|O_EXCL), append (write), truncate (open
 * O_TRUNC), link, unlink, and rename as a link then an unlink. Now and
 * then a file is held open while its last name goes, written to and then
 * closed (an orphan on disk if the cut comes first; mount frees it).
 * Which operation comes next depends only on SEED and the operations
 * before it, never on timing, so verify can compute the same list.
 *
 * Contents are verifiable: byte i of a file is content(era, i), where the
 * era is the number of the operation that created or last truncated it;
 * an append continues the same sequence. So a file's state is (era,
 * length), and a name's is the file it names.
 *
 * What write prints (the harness parses it; one line each):
 *   powercut: starting SEED
 *   powercut: committed N WHAT      operation N's system call returned:
 *                                   it is committed (Kite's log commits
 *                                   before the call returns)
 *   powercut: error N WHAT: ERRNO   a call failed that must not have
 *   powercut: finished N
 *
 * What verify accepts. The cut came after operation K was reported, and
 * at most two operations later (K+1 may have been in flight, and the
 * console line of K+1 may have been cut off just before the end). The
 * files under /pc must be exactly the state after operation J for J = K,
 * K+1 or K+2; when J's operation is an append larger than one
 * transaction (3 KiB), a prefix of it may have reached the disk (Kite
 * writes big writes a transaction at a time), so the file may hold its
 * old content followed by any prefix of the new. Appends of up to 2 KiB
 * are all or nothing. Anything else (a missing or extra
 * name, a wrong length or byte, two names that should be one file) is a
 * failure. It prints
 *   powercut: verify OK J[ partial]     or     powercut: verify FAIL why
 * and exits 0 or 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kite.h"

#define MAX_OPS     20000
#define NNAMES      10
#define NFILES      12
#define MAX_LEN     (24 * 1024)     /* a file this long is truncated next */
#define SMALL_APPEND 2048           /* one transaction: all or nothing */
#define BIG_APPEND  (12 * 1024)
/* Kite writes at most 3 KiB per transaction (kernel/fs/file.c): only an
 * append longer than that may be cut part-way. */
#define ONE_TRANSACTION (3 * KITE_BSIZE)

static const char *const names[NNAMES] = {
  "/pc/f0", "/pc/f1", "/pc/f2", "/pc/f3", "/pc/f4", "/pc/f5",
  "/pc/d/g0", "/pc/d/g1", "/pc/d/g2", "/pc/d/g3",
};

enum op_kind { OP_MKDIR_PC, OP_MKDIR_D, OP_CREATE, OP_APPEND, OP_TRUNC, OP_LINK, OP_UNLINK,
               OP_MKDIR_E, OP_RMDIR_E, OP_HOLD_APPEND, OP_RELEASE };

static const char *const op_names[] = {
  "mkdir", "mkdir", "create", "append", "truncate", "link", "unlink", "mkdir", "rmdir",
  "append-held", "release",
};

struct mfile {
  int used;
  long era;
  long len;
  int nlink;
  int held;               /* the writer holds it open */
};

/* The model: what the file system holds after some operations. */
struct model {
  int pc, d, e;           /* /pc, /pc/d, /pc/e exist */
  int name[NNAMES];       /* file index, or -1 */
  struct mfile file[NFILES];
  int held;               /* file held open, or -1 */
  unsigned long rng;
  int pending_unlink;     /* the second half of a rename: name, or -1 */
};

struct op {
  enum op_kind kind;
  int a, b;               /* names (or the file, for the held ones) */
  long n;                 /* append: bytes */
  long old_len;           /* append: the length before */
};

static unsigned char content(long era, long i)
{
  unsigned long x = (unsigned long)era * 0x9e3779b97f4a7c15UL + (unsigned long)i * 0xbf58476d1ce4e5b9UL;
  x ^= x >> 29;
  return (unsigned char)(x * 0x94d049bb133111ebUL >> 56);
}

static unsigned long rnd(struct model *m)
{
  m->rng ^= m->rng << 13;
  m->rng ^= m->rng >> 7;
  m->rng ^= m->rng << 17;
  return m->rng;
}

static void model_init(struct model *m, unsigned long seed)
{
  memset(m, 0, sizeof *m);
  for (int i = 0; i < NNAMES; i++)
    m->name[i] = -1;
  m->held = -1;
  m->pending_unlink = -1;
  m->rng = seed * 2654435761UL + 0x5851f42d4c957f2dUL;
  if (m->rng == 0)
    m->rng = 1;
}

static int free_file(struct model *m)
{
  for (int i = 0; i < NFILES; i++)
    if (!m->file[i].used)
      return i;
  return -1;
}

static int pick_name(struct model *m, int used)
{
  int start = rnd(m) % NNAMES;
  for (int k = 0; k < NNAMES; k++) {
    int i = (start + k) % NNAMES;
    if ((m->name[i] >= 0) == used)
      return i;
  }
  return -1;
}

/* Choose operation number n from the model (before it is applied). */
static struct op next_op(struct model *m, long n)
{
  struct op o = { .a = -1, .b = -1 };
  if (!m->pc)
    return (struct op){ .kind = OP_MKDIR_PC };
  if (!m->d)
    return (struct op){ .kind = OP_MKDIR_D };
  if (m->pending_unlink >= 0) {
    o.kind = OP_UNLINK;
    o.a = m->pending_unlink;
    return o;
  }
  for (;;) {
    unsigned k = rnd(m) % 100;
    if (m->held >= 0 && k < 8) {
      o.kind = k < 5 ? OP_HOLD_APPEND : OP_RELEASE;
      o.a = m->held;
      o.n = 1 + rnd(m) % 3000;
      return o;
    }
    if (k < 20) {
      o.kind = OP_CREATE;
      if ((o.a = pick_name(m, 0)) >= 0 && free_file(m) >= 0)
        return o;
    } else if (k < 55) {
      o.kind = OP_APPEND;
      if ((o.a = pick_name(m, 1)) >= 0) {
        struct mfile *f = &m->file[m->name[o.a]];
        if (f->len >= MAX_LEN) {
          o.kind = OP_TRUNC;
          return o;
        }
        o.n = rnd(m) % 5 == 0 ? 4096 + rnd(m) % (BIG_APPEND - 4096) : 1 + rnd(m) % SMALL_APPEND;
        o.old_len = f->len;
        return o;
      }
    } else if (k < 63) {
      o.kind = OP_TRUNC;
      if ((o.a = pick_name(m, 1)) >= 0)
        return o;
    } else if (k < 73) {
      o.kind = OP_LINK;
      if ((o.a = pick_name(m, 1)) >= 0 && (o.b = pick_name(m, 0)) >= 0)
        return o;
    } else if (k < 80) {
      o.kind = OP_LINK;                  /* a rename: the unlink comes next */
      if ((o.a = pick_name(m, 1)) >= 0 && (o.b = pick_name(m, 0)) >= 0) {
        o.n = 1;
        return o;
      }
    } else if (k < 92) {
      o.kind = OP_UNLINK;
      if ((o.a = pick_name(m, 1)) >= 0) {
        /* Hold the file open across its last unlink, now and then. */
        o.n = m->held < 0 && m->file[m->name[o.a]].nlink == 1 && rnd(m) % 3 == 0;
        return o;
      }
    } else {
      o.kind = m->e ? OP_RMDIR_E : OP_MKDIR_E;
      return o;
    }
  }
  (void)n;
}

/* Apply o (operation number n) to the model. */
static void apply(struct model *m, const struct op *o, long n)
{
  struct mfile *f;
  switch (o->kind) {
  case OP_MKDIR_PC: m->pc = 1; break;
  case OP_MKDIR_D:  m->d = 1; break;
  case OP_MKDIR_E:  m->e = 1; break;
  case OP_RMDIR_E:  m->e = 0; break;
  case OP_CREATE: {
    int i = free_file(m);
    m->file[i] = (struct mfile){ .used = 1, .era = n, .len = 0, .nlink = 1 };
    m->name[o->a] = i;
    break;
  }
  case OP_APPEND:
    m->file[m->name[o->a]].len += o->n;
    break;
  case OP_TRUNC:
    f = &m->file[m->name[o->a]];
    f->era = n;
    f->len = 0;
    break;
  case OP_LINK:
    m->name[o->b] = m->name[o->a];
    m->file[m->name[o->a]].nlink++;
    if (o->n)
      m->pending_unlink = o->a;
    break;
  case OP_UNLINK:
    f = &m->file[m->name[o->a]];
    if (o->n) {
      f->held = 1;
      m->held = m->name[o->a];
    }
    f->nlink--;
    if (f->nlink == 0 && !f->held)
      f->used = 0;
    m->name[o->a] = -1;
    if (m->pending_unlink == o->a)
      m->pending_unlink = -1;
    break;
  case OP_HOLD_APPEND:
    m->file[o->a].len += o->n;
    break;
  case OP_RELEASE:
    f = &m->file[o->a];
    f->held = 0;
    if (f->nlink == 0)
      f->used = 0;
    m->held = -1;
    break;
  }
}

static void describe(const struct op *o, char *out, int len)
{
  const char *a = o->a >= 0 && o->kind != OP_HOLD_APPEND && o->kind != OP_RELEASE ? names[o->a] : "";
  switch (o->kind) {
  case OP_MKDIR_PC:    snprintf(out, len, "mkdir /pc"); break;
  case OP_MKDIR_D:     snprintf(out, len, "mkdir /pc/d"); break;
  case OP_MKDIR_E:     snprintf(out, len, "mkdir /pc/e"); break;
  case OP_RMDIR_E:     snprintf(out, len, "rmdir /pc/e"); break;
  case OP_APPEND:      snprintf(out, len, "append %s %ld+%ld", a, o->old_len, o->n); break;
  case OP_LINK:        snprintf(out, len, "link %s %s%s", a, names[o->b], o->n ? " (rename)" : ""); break;
  case OP_UNLINK:      snprintf(out, len, "unlink %s%s", a, o->n ? " (held open)" : ""); break;
  case OP_HOLD_APPEND: snprintf(out, len, "append-held %ld", o->n); break;
  case OP_RELEASE:     snprintf(out, len, "release"); break;
  default:             snprintf(out, len, "%s %s", op_names[o->kind], a); break;
  }
}

/* ------------------------------------------------------------------------ */
/* write                                                                     */

static unsigned char buf[BIG_APPEND + 4096];

static long append_bytes(int fd, long era, long from, long n)
{
  for (long i = 0; i < n; i++)
    buf[i] = content(era, from + i);
  return write(fd, buf, n);
}

/* Do o; 0, or -1 with errno. */
static int perform(struct model *m, const struct op *o, int *held_fd)
{
  int fd, r = 0;
  struct mfile *f = o->a >= 0 && o->kind != OP_HOLD_APPEND && o->kind != OP_RELEASE &&
                    m->name[o->a] >= 0 ? &m->file[m->name[o->a]] : NULL;
  switch (o->kind) {
  case OP_MKDIR_PC: return mkdir("/pc", 0755);
  case OP_MKDIR_D:  return mkdir("/pc/d", 0755);
  case OP_MKDIR_E:  return mkdir("/pc/e", 0755);
  case OP_RMDIR_E:  return unlink("/pc/e");
  case OP_CREATE:
    if ((fd = open(names[o->a], O_CREAT | O_EXCL | O_RDWR)) < 0)
      return -1;
    return close(fd);
  case OP_APPEND:
    if ((fd = open(names[o->a], O_WRONLY | O_APPEND)) < 0)
      return -1;
    if (append_bytes(fd, f->era, f->len, o->n) != o->n)
      r = -1;
    close(fd);
    return r;
  case OP_TRUNC:
    if ((fd = open(names[o->a], O_WRONLY | O_TRUNC)) < 0)
      return -1;
    return close(fd);
  case OP_LINK:
    return link(names[o->a], names[o->b]);
  case OP_UNLINK:
    if (o->n && (*held_fd = open(names[o->a], O_RDWR | O_APPEND)) < 0)
      return -1;
    return unlink(names[o->a]);
  case OP_HOLD_APPEND:
    return append_bytes(*held_fd, m->file[o->a].era, m->file[o->a].len, o->n) == o->n ? 0 : -1;
  case OP_RELEASE:
    r = close(*held_fd);
    *held_fd = -1;
    return r;
  }
  return -1;
}

static int do_write(unsigned long seed)
{
  struct model m;
  char what[96];
  int held_fd = -1;
  struct stat st;

  if (stat("/pc", &st) == 0) {
    printf("powercut: error 0 start: /pc exists already\n");
    return 1;
  }
  model_init(&m, seed);
  printf("powercut: starting %lu\n", seed);
  fflush(stdout);
  for (long n = 0; n < MAX_OPS; n++) {
    struct op o = next_op(&m, n);
    describe(&o, what, sizeof what);
    if (perform(&m, &o, &held_fd) < 0) {
      printf("powercut: error %ld %s: %s\n", n, what, strerror(errno));
      return 1;
    }
    apply(&m, &o, n);
    printf("powercut: committed %ld %s\n", n, what);
    fflush(stdout);
  }
  printf("powercut: finished %d\n", MAX_OPS);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* verify                                                                    */

/* What the disk holds under one name. */
struct actual {
  int present;
  unsigned ino, nlink;
  long len;
  unsigned char *data;
};

static struct actual act[NNAMES];
static int act_pc, act_d, act_e;
static char why[200];

static int is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int read_actual(void)
{
  act_pc = is_dir("/pc");
  act_d = is_dir("/pc/d");
  act_e = is_dir("/pc/e");
  for (int i = 0; i < NNAMES; i++) {
    struct actual *a = &act[i];
    struct stat st;
    int fd = open(names[i], O_RDONLY);
    memset(a, 0, sizeof *a);
    if (fd < 0) {
      if (errno != ENOENT) {
        snprintf(why, sizeof why, "open %s: %s", names[i], strerror(errno));
        return -1;
      }
      continue;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
      snprintf(why, sizeof why, "%s is not a regular file", names[i]);
      return -1;
    }
    a->present = 1;
    a->ino = st.st_ino;
    a->nlink = st.st_nlink;
    a->len = st.st_size;
    if (a->len > 2 * MAX_LEN + BIG_APPEND) {
      snprintf(why, sizeof why, "%s is %ld bytes long", names[i], a->len);
      return -1;
    }
    a->data = malloc(a->len + 1);
    if (!a->data || read(fd, a->data, a->len) != a->len) {
      snprintf(why, sizeof why, "cannot read %s whole", names[i]);
      return -1;
    }
    close(fd);
  }
  return 0;
}

/* Names in dir other than the ones the model knows. */
static int stray_names(const char *dir, const char *const *known, int nknown)
{
  struct kite_dirent de;
  int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return 0;
  while (read(fd, &de, sizeof de) == sizeof de) {
    char name[KITE_DIRSIZ + 1];
    int ok = 0;
    if (de.inum == 0)
      continue;
    memcpy(name, de.name, KITE_DIRSIZ);
    name[KITE_DIRSIZ] = 0;
    if (!strcmp(name, ".") || !strcmp(name, ".."))
      continue;
    for (int k = 0; k < nknown; k++)
      ok |= strcmp(name, known[k]) == 0;
    if (!ok) {
      snprintf(why, sizeof why, "%s holds a name no operation made: '%s'", dir, name);
      close(fd);
      return 1;
    }
  }
  close(fd);
  return 0;
}

/* Does the disk match model m, where file `partial` (or -1) may hold any
 * length in [lo, its length] instead? 1 or 0 with why set. */
static int matches(const struct model *m, int partial, long lo)
{
  if (act_pc != m->pc || act_d != m->d || act_e != m->e) {
    snprintf(why, sizeof why, "directories: /pc %d /pc/d %d /pc/e %d, expected %d %d %d",
             act_pc, act_d, act_e, m->pc, m->d, m->e);
    return 0;
  }
  for (int i = 0; i < NNAMES; i++) {
    const struct actual *a = &act[i];
    int fi = m->name[i];
    if (a->present != (fi >= 0)) {
      snprintf(why, sizeof why, "%s %s", names[i], a->present ? "exists" : "is missing");
      return 0;
    }
    if (fi < 0)
      continue;
    const struct mfile *f = &m->file[fi];
    long min = fi == partial ? lo : f->len;
    if (a->len < min || a->len > f->len) {
      snprintf(why, sizeof why, "%s is %ld bytes, expected %ld", names[i], a->len, f->len);
      return 0;
    }
    if (a->nlink != (unsigned)f->nlink) {
      snprintf(why, sizeof why, "%s has %u links, expected %d", names[i], a->nlink, f->nlink);
      return 0;
    }
    for (long k = 0; k < a->len; k++)
      if (a->data[k] != content(f->era, k)) {
        snprintf(why, sizeof why, "%s byte %ld is %#x, expected %#x (era %ld)", names[i], k,
                 a->data[k], content(f->era, k), f->era);
        return 0;
      }
    for (int j = 0; j < i; j++)
      if (m->name[j] >= 0 && act[j].present && (m->name[j] == fi) != (act[j].ino == a->ino)) {
        snprintf(why, sizeof why, "%s and %s should%s be one file", names[j], names[i],
                 m->name[j] == fi ? "" : " not");
        return 0;
      }
  }
  return 1;
}

static int do_verify(unsigned long seed, long k)
{
  static const char *const pc_names[] = { "f0", "f1", "f2", "f3", "f4", "f5", "d", "e" };
  static const char *const d_names[] = { "g0", "g1", "g2", "g3" };
  struct model m;
  char first_why[200] = "";
  if (read_actual() < 0 || stray_names("/pc", pc_names, 8) || stray_names("/pc/d", d_names, 4)) {
    printf("powercut: verify FAIL %s\n", why);
    return 1;
  }
  model_init(&m, seed);
  for (long n = 0; n < k + 1; n++) {
    struct op o = next_op(&m, n);
    apply(&m, &o, n);
  }
  for (long j = k; j <= k + 2; j++) {
    /* m is the state after operation j. */
    if (matches(&m, -1, 0)) {
      printf("powercut: verify OK %ld\n", j);
      return 0;
    }
    if (!first_why[0])
      snprintf(first_why, sizeof first_why, "%s", why);
    struct op o = next_op(&m, j + 1);
    apply(&m, &o, j + 1);
    /* An append in flight: the old content and a prefix of the new. */
    if (o.kind == OP_APPEND && o.n > ONE_TRANSACTION && matches(&m, m.name[o.a], o.old_len)) {
      printf("powercut: verify OK %ld partial\n", j + 1);
      return 0;
    }
  }
  printf("powercut: verify FAIL after operation %ld: %s\n", k, first_why);
  return 1;
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "write") == 0)
    return do_write(strtoul(argv[2], NULL, 0));
  if (argc == 4 && strcmp(argv[1], "verify") == 0)
    return do_verify(strtoul(argv[2], NULL, 0), strtol(argv[3], NULL, 0));
  fprintf(stderr, "usage: powercut write SEED | powercut verify SEED K\n");
  return 2;
}
