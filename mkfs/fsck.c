/*
 * fsck: check a Kite file-system image against the invariants listed in
 * <kite/fs.h>, printing one line per problem.
 *
 *   fsck IMG        exit status 0 iff the image is clean
 *   fsck -c IMG     the same for an image whose system stopped without
 *                   warning (a power cut): check it as Kite will mount it.
 *                   The committed log is replayed first (in memory; the
 *                   file is not changed), and an inode without links that
 *                   no directory names is an orphan mount frees (a file
 *                   that was open after its last unlink), not a problem.
 *                   Both are reported on lines starting "fsck: note: ".
 *
 * Checks, in order:
 *   superblock   regions in order, inside the image (the kernel's check);
 *   log          no committed-but-uninstalled blocks left;
 *   inodes       known types, sane sizes; every block pointer inside the
 *                data region, referenced once, marked used in the bitmap;
 *   bitmap       metadata blocks marked used; every used data block
 *                referenced by some inode;
 *   directories  "." and ".." first and correct, entries name allocated
 *                inodes, a directory has exactly one name;
 *   links        nlink equals the number of entries naming the inode;
 *                every allocated inode reachable from /.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kite/errno.h>
#include "fslib.h"
#include "fs/sbcheck.h"

#define FSCK_MAX_REPORTS 200   /* lines printed; problems are all counted */

struct fsck {
  const struct fsimg *fs;
  FILE *out;
  int problems;
  int after_crash;       /* fsck -c: orphans are expected */
  int orphans;
  uint32_t *owner;       /* per block: inode referencing it, 0 if none */
  uint32_t *refs;        /* per inode: directory entries naming it */
  uint32_t *parent;      /* per directory: directory holding its name */
  uint32_t *dotdot;      /* per directory: what its ".." names */
  uint8_t *reached;      /* per inode: reachable from / */
};

static void problem(struct fsck *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct fsck *c, const char *fmt, ...)
{
  c->problems++;
  if (c->problems > FSCK_MAX_REPORTS)
    return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(c->out, "fsck: ");
  vfprintf(c->out, fmt, ap);
  fprintf(c->out, "\n");
  va_end(ap);
  if (c->problems == FSCK_MAX_REPORTS)
    fprintf(c->out, "fsck: (further problems are counted, not printed)\n");
}

static int type_ok(int type)
{
  return type == KITE_T_DIR || type == KITE_T_FILE || type == KITE_T_DEVICE;
}

static struct kite_dinode *inode(struct fsck *c, uint32_t inum)
{
  return fslib_inode(c->fs, inum);
}

/* ---- log ------------------------------------------------------------------- */

static void check_log(struct fsck *c)
{
  const uint32_t *hdr = (const uint32_t *)fslib_block(c->fs, c->fs->sb.logstart);
  if (hdr[0] > c->fs->sb.nlog - 1)
    problem(c, "log header claims %u blocks; the log holds %u", hdr[0], c->fs->sb.nlog - 1);
  else if (hdr[0] != 0)
    problem(c, "log holds %u committed blocks not yet installed (boot Kite once to replay them)",
            hdr[0]);
}

/* ---- blocks ---------------------------------------------------------------- */

/* Record that inode inum uses block b. Returns 1 if b may be followed
 * (as an indirect block), 0 if it is bad or already someone else's. */
static int claim(struct fsck *c, uint32_t inum, uint32_t b, const char *what)
{
  const struct fsimg *fs = c->fs;
  if (b < fslib_datastart(fs) || b >= fs->sb.size) {
    problem(c, "inode %u: %s block %u outside the data region [%u, %u)",
            inum, what, b, fslib_datastart(fs), fs->sb.size);
    return 0;
  }
  if (c->owner[b]) {
    problem(c, "block %u referenced twice (inode %u and inode %u)", b, c->owner[b], inum);
    return 0;
  }
  c->owner[b] = inum;
  if (!fslib_bit(fs, b))
    problem(c, "block %u used by inode %u but free in the bitmap", b, inum);
  return 1;
}

/* Claim the blocks an indirect block lists; depth 2 lists indirect blocks. */
static void claim_tree(struct fsck *c, uint32_t inum, uint32_t b, int depth)
{
  if (!claim(c, inum, b, depth == 2 ? "double-indirect" : "indirect"))
    return;
  const uint32_t *a = (const uint32_t *)fslib_block(c->fs, b);
  for (uint32_t i = 0; i < KITE_NINDIRECT; i++) {
    if (a[i] == 0)
      continue;
    if (depth == 2)
      claim_tree(c, inum, a[i], 1);
    else
      claim(c, inum, a[i], "data");
  }
}

static void check_inode(struct fsck *c, uint32_t inum)
{
  struct kite_dinode *ip = inode(c, inum);
  if (ip->type == 0)
    return;
  if (!type_ok(ip->type)) {
    problem(c, "inode %u: unknown type %d", inum, ip->type);
    return;
  }
  if (ip->size > (uint64_t)KITE_MAXFILE * KITE_BSIZE)
    problem(c, "inode %u: size %u larger than the largest file", inum, ip->size);
  for (int i = 0; i < KITE_NDIRECT; i++)
    if (ip->addrs[i])
      claim(c, inum, ip->addrs[i], "data");
  if (ip->addrs[KITE_NDIRECT])
    claim_tree(c, inum, ip->addrs[KITE_NDIRECT], 1);
  if (ip->addrs[KITE_NDIRECT + 1])
    claim_tree(c, inum, ip->addrs[KITE_NDIRECT + 1], 2);
}

static void check_bitmap(struct fsck *c)
{
  const struct fsimg *fs = c->fs;
  for (uint32_t b = 0; b < fslib_datastart(fs); b++)
    if (!fslib_bit(fs, b))
      problem(c, "metadata block %u marked free in the bitmap", b);
  for (uint32_t b = fslib_datastart(fs); b < fs->sb.size; b++)
    if (fslib_bit(fs, b) && !c->owner[b])
      problem(c, "block %u marked used in the bitmap but not referenced", b);
}

/* ---- directories ----------------------------------------------------------- */

/* Check one entry (index k) of directory d; count the name it gives. */
static void check_entry(struct fsck *c, uint32_t d, uint32_t k, const struct kite_dirent *de)
{
  char name[KITE_DIRSIZ + 1];
  memcpy(name, de->name, KITE_DIRSIZ);
  name[KITE_DIRSIZ] = '\0';
  const char *want = k == 0 ? "." : k == 1 ? ".." : NULL;

  if (want && (de->inum == 0 || strcmp(name, want) != 0)) {
    problem(c, "directory %u: entry %u is '%s', expected '%s'", d, k, name, want);
    return;
  }
  if (de->inum == 0)
    return;
  if (!want && (name[0] == '\0' || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")))
    problem(c, "directory %u: bad entry name '%s'", d, name);
  struct kite_dinode *t = inode(c, de->inum);
  if (!t || !type_ok(t->type)) {
    problem(c, "directory %u: entry '%s' names %s inode %u", d, name,
            t ? "unallocated" : "out-of-range", de->inum);
    return;
  }
  c->refs[de->inum]++;
  if (k == 0 && de->inum != d)
    problem(c, "directory %u: '.' names inode %u", d, de->inum);
  if (k == 1)
    c->dotdot[d] = de->inum;
  if (k >= 2 && t->type == KITE_T_DIR) {
    if (c->parent[de->inum])
      problem(c, "directory %u has two names (in directories %u and %u)",
              de->inum, c->parent[de->inum], d);
    else
      c->parent[de->inum] = d;
  }
}

static void check_dir(struct fsck *c, uint32_t d)
{
  struct kite_dinode *dp = inode(c, d);
  struct kite_dirent de;
  if (dp->size % sizeof de)
    problem(c, "directory %u: size %u is not a multiple of %zu", d, dp->size, sizeof de);
  if (dp->size < 2 * sizeof de)
    problem(c, "directory %u: lacks '.' and '..'", d);
  for (uint32_t k = 0; (k + 1) * sizeof de <= dp->size; k++) {
    if (fslib_read(c->fs, d, k * sizeof de, &de, sizeof de) != sizeof de) {
      problem(c, "directory %u: entry %u unreadable", d, k);
      return;
    }
    check_entry(c, d, k, &de);
  }
}

/* Every non-root directory's ".." must name the directory holding it. */
static void check_parents(struct fsck *c)
{
  for (uint32_t d = 1; d < c->fs->sb.ninodes; d++) {
    struct kite_dinode *dp = inode(c, d);
    if (!dp || dp->type != KITE_T_DIR)
      continue;
    uint32_t want = d == KITE_ROOTINO ? KITE_ROOTINO : c->parent[d];
    if (want && c->dotdot[d] && c->dotdot[d] != want)
      problem(c, "directory %u: '..' names inode %u but its parent is %u", d, c->dotdot[d], want);
  }
}

/* ---- links and reachability ------------------------------------------------ */

/* Mark everything reachable from directory d (depth-first, iterative). */
static void reach_from_root(struct fsck *c)
{
  uint32_t n = c->fs->sb.ninodes, top = 0;
  uint32_t *stack = malloc(n * sizeof *stack);
  if (!stack)
    return;
  c->reached[KITE_ROOTINO] = 1;
  stack[top++] = KITE_ROOTINO;
  while (top > 0) {
    uint32_t d = stack[--top];
    struct kite_dinode *dp = inode(c, d);
    struct kite_dirent de;
    for (uint32_t off = 0; off + sizeof de <= dp->size; off += sizeof de) {
      if (fslib_read(c->fs, d, off, &de, sizeof de) != sizeof de)
        break;
      struct kite_dinode *t = inode(c, de.inum);
      if (!t || !type_ok(t->type) || c->reached[de.inum])
        continue;
      c->reached[de.inum] = 1;
      if (t->type == KITE_T_DIR)
        stack[top++] = de.inum;   /* each inode pushed at most once */
    }
  }
  free(stack);
}

static void check_links(struct fsck *c)
{
  struct kite_dinode *root = inode(c, KITE_ROOTINO);
  if (root->type != KITE_T_DIR) {
    problem(c, "inode %d (the root) is not a directory (type %d)", KITE_ROOTINO, root->type);
    return;
  }
  reach_from_root(c);
  for (uint32_t inum = 1; inum < c->fs->sb.ninodes; inum++) {
    struct kite_dinode *ip = inode(c, inum);
    if (!type_ok(ip->type))
      continue;
    if (ip->nlink < 0 || (uint32_t)ip->nlink != c->refs[inum])
      problem(c, "inode %u: nlink is %d but %u directory entries name it",
              inum, ip->nlink, c->refs[inum]);
    if (c->reached[inum])
      continue;
    if (c->after_crash && ip->nlink == 0 && c->refs[inum] == 0 && ip->type != KITE_T_DIR)
      c->orphans++;      /* open but unlinked at the cut: mount frees it */
    else
      problem(c, "inode %u (type %d) is allocated but not reachable from /", inum, ip->type);
  }
}

/* ---- after a power cut ------------------------------------------------------ */

/*
 * Install the committed log into the image in memory, as Kite's mount
 * does: returns the blocks replayed, or -1 (with a problem reported) if
 * the header cannot be trusted; then the image is left as it was.
 */
int fsck_replay_log(struct fsimg *fs, FILE *out)
{
  uint32_t *hdr = (uint32_t *)fslib_block(fs, fs->sb.logstart);
  uint32_t first = fs->sb.logstart + fs->sb.nlog;
  if (!hdr || hdr[0] > fs->sb.nlog - 1) {
    fprintf(out, "fsck: log header unreadable or claims too many blocks\n");
    return -1;
  }
  for (uint32_t i = 0; i < hdr[0]; i++) {
    if (hdr[1 + i] < first || hdr[1 + i] >= fs->sb.size || !fslib_block(fs, hdr[1 + i])) {
      fprintf(out, "fsck: log entry %u names block %u outside [%u, %u)\n", i, hdr[1 + i],
              first, fs->sb.size);
      return -1;
    }
  }
  uint32_t n = hdr[0];
  for (uint32_t i = 0; i < n; i++)
    memcpy(fslib_block(fs, hdr[1 + i]), fslib_block(fs, fs->sb.logstart + 1 + i), KITE_BSIZE);
  hdr[0] = 0;
  return (int)n;
}

/* ---- driver ---------------------------------------------------------------- */

static int fsck_run(const struct fsimg *fs, FILE *out, int after_crash);

/* Check fs; print problems to out. Returns the number of problems. */
int fsck_image(const struct fsimg *fs, FILE *out)
{
  return fsck_run(fs, out, 0);
}

/* fsck -c: replay the log (fs changes in memory), then check with orphans
 * allowed. Returns the number of problems. */
int fsck_after_crash(struct fsimg *fs, FILE *out)
{
  const char *why = sb_check(&fs->sb, fs->nblocks, 2);
  if (why)
    return fsck_run(fs, out, 1);        /* reports the bad superblock */
  int n = fsck_replay_log(fs, out);
  if (n < 0)
    return 1;
  if (n > 0)
    fprintf(out, "fsck: note: replayed %d committed log blocks\n", n);
  return fsck_run(fs, out, 1);
}

static int fsck_run(const struct fsimg *fs, FILE *out, int after_crash)
{
  struct fsck c = { .fs = fs, .out = out, .after_crash = after_crash };
  const char *why = sb_check(&fs->sb, fs->nblocks, 2);
  if (why) {
    problem(&c, "bad superblock: %s", why);
    return c.problems;
  }
  uint32_t n = fs->sb.ninodes;
  c.owner = calloc(fs->sb.size, sizeof *c.owner);
  c.refs = calloc(n, sizeof *c.refs);
  c.parent = calloc(n, sizeof *c.parent);
  c.dotdot = calloc(n, sizeof *c.dotdot);
  c.reached = calloc(n, 1);
  if (!c.owner || !c.refs || !c.parent || !c.dotdot || !c.reached) {
    problem(&c, "out of memory");
  } else {
    check_log(&c);
    for (uint32_t inum = 1; inum < n; inum++)
      check_inode(&c, inum);
    check_bitmap(&c);
    for (uint32_t inum = 1; inum < n; inum++)
      if (inode(&c, inum)->type == KITE_T_DIR)
        check_dir(&c, inum);
    check_parents(&c);
    check_links(&c);
  }
  if (c.orphans)
    fprintf(out, "fsck: note: %d orphan inode%s (unlinked while open; mount frees them)\n",
            c.orphans, c.orphans == 1 ? "" : "s");
  free(c.owner);
  free(c.refs);
  free(c.parent);
  free(c.dotdot);
  free(c.reached);
  return c.problems;
}

#ifndef KITE_HOST
int main(int argc, char *argv[])
{
  struct fsimg fs;
  const char *why;
  int after_crash = argc == 3 && strcmp(argv[1], "-c") == 0;
  if (argc != 2 + after_crash) {
    fprintf(stderr, "usage: fsck [-c] IMG\n");
    return 2;
  }
  const char *img = argv[1 + after_crash];
  if (fslib_load(&fs, img, &why) < 0) {
    fprintf(stderr, "fsck: %s: %s\n", img, why);
    return 1;
  }
  int problems = after_crash ? fsck_after_crash(&fs, stdout) : fsck_image(&fs, stdout);
  if (problems)
    printf("fsck: %s: %d problem%s\n", img, problems, problems == 1 ? "" : "s");
  else
    printf("fsck: %s: clean%s\n", img, after_crash ? " (as mounted after a power cut)" : "");
  fslib_free(&fs);
  return problems ? 1 : 0;
}
#endif
