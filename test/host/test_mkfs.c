/*
 * Host tests of mkfs, fslib and fsck: build real images from temporary
 * files, read them back, and check that fsck passes clean images and
 * reports each kind of corruption.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "fslib.c"
#include "mkfs.c"
#include "fsck.c"

static char tmpdir[64];

/* A temporary file holding n bytes of a repeatable pattern. */
static char *make_file(const char *name, size_t n, unsigned seed)
{
  static char paths[8][160];
  static int next;
  char *path = paths[next++ % 8];
  snprintf(path, sizeof paths[0], "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  for (size_t i = 0; i < n; i++)
    fputc((int)((i * 131 + seed) % 251), f);
  fclose(f);
  return path;
}

static int same_pattern(const uint8_t *buf, size_t n, unsigned seed)
{
  for (size_t i = 0; i < n; i++)
    if (buf[i] != (i * 131 + seed) % 251)
      return 0;
  return 1;
}

#define SMALL_LEN  100
#define EXACT_LEN  (KITE_NDIRECT * KITE_BSIZE)           /* fills the direct blocks */
#define BIG_LEN    (300 * 1024 + 123)                   /* reaches double-indirect */

static FILE *devnull;

/* Build the standard test image (small, exact, _big) and load it. */
static int build_standard(struct fsimg *fs, const char *img)
{
  char *files[] = {
    make_file("small", SMALL_LEN, 1),
    make_file("exact", EXACT_LEN, 2),
    make_file("_big", BIG_LEN, 3),
  };
  const char *why;
  if (mkfs_build(img, &fslib_default_layout, 3, files, devnull, devnull) != 0)
    return -1;
  return fslib_load(fs, img, &why);
}

static char *img_path(const char *name)
{
  static char path[160];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  return path;
}

/* fsck's problem count, with its report captured in report[]. */
static char report[8192];
static int run_fsck(const struct fsimg *fs)
{
  FILE *out = fmemopen(report, sizeof report - 1, "w");
  memset(report, 0, sizeof report);
  int n = fsck_image(fs, out);
  fclose(out);
  return n;
}

/* ---- layout and contents ------------------------------------------------ */

TEST(layout)
{
  struct fsimg fs;
  CHECK_EQ(build_standard(&fs, img_path("layout.img")), 0);
  CHECK_EQ(fs.nblocks, KITE_FSSIZE);
  CHECK_EQ(fs.sb.magic, KITE_FSMAGIC);
  CHECK_EQ(fs.sb.size, KITE_FSSIZE);
  CHECK_EQ(fs.sb.logstart, 2);
  CHECK_EQ(fs.sb.nlog, KITE_LOGBLOCKS);
  CHECK_EQ(fs.sb.inodestart, 2 + KITE_LOGBLOCKS);
  CHECK_EQ(fs.sb.ninodes, KITE_NINODES);
  CHECK_EQ(fs.sb.bmapstart, fs.sb.inodestart + (KITE_NINODES + KITE_IPB - 1) / KITE_IPB);
  CHECK_EQ(fslib_datastart(&fs), fs.sb.bmapstart + (KITE_FSSIZE + KITE_BPB - 1) / KITE_BPB);
  CHECK_EQ(fs.sb.nblocks, KITE_FSSIZE - fslib_datastart(&fs));
  CHECK(sb_check(&fs.sb, fs.nblocks, LOGSIZE + 1) == NULL);
  /* Metadata is marked used, the first data block is the root's. */
  for (uint32_t b = 0; b < fslib_datastart(&fs); b++)
    CHECK(fslib_bit(&fs, b));
  CHECK_EQ(fslib_inode(&fs, KITE_ROOTINO)->addrs[0], fslib_datastart(&fs));
  fslib_free(&fs);
}

TEST(root_directory)
{
  struct fsimg fs;
  CHECK_EQ(build_standard(&fs, img_path("root.img")), 0);
  struct kite_dinode *root = fslib_inode(&fs, KITE_ROOTINO);
  CHECK_EQ(root->type, KITE_T_DIR);
  CHECK_EQ(root->nlink, 2);
  CHECK_EQ(root->size, 5 * sizeof(struct kite_dirent));
  struct kite_dirent de[2];
  CHECK_EQ(fslib_read(&fs, KITE_ROOTINO, 0, de, sizeof de), sizeof de);
  CHECK(strcmp(de[0].name, ".") == 0 && de[0].inum == KITE_ROOTINO);
  CHECK(strcmp(de[1].name, "..") == 0 && de[1].inum == KITE_ROOTINO);
  CHECK(fslib_lookup(&fs, KITE_ROOTINO, "small") > 0);
  CHECK(fslib_lookup(&fs, KITE_ROOTINO, "big") > 0);          /* '_' stripped */
  CHECK_EQ(fslib_lookup(&fs, KITE_ROOTINO, "_big"), -KITE_ENOENT);
  fslib_free(&fs);
}

/* Read file name back and compare with its pattern. */
static void check_contents(struct fsimg *fs, const char *name, size_t len, unsigned seed)
{
  int inum = fslib_lookup(fs, KITE_ROOTINO, name);
  CHECK(inum > 0);
  if (inum <= 0)
    return;
  CHECK_EQ(fslib_inode(fs, inum)->size, len);
  CHECK_EQ(fslib_inode(fs, inum)->nlink, 1);
  uint8_t *buf = malloc(len + 10);
  CHECK_EQ(fslib_read(fs, inum, 0, buf, len + 10), len);
  CHECK(same_pattern(buf, len, seed));
  /* An unaligned read in the middle agrees too. */
  if (len > 5000) {
    CHECK_EQ(fslib_read(fs, inum, 3001, buf, 1500), 1500);
    CHECK(buf[0] == (3001 * 131 + seed) % 251);
  }
  free(buf);
}

TEST(contents)
{
  struct fsimg fs;
  CHECK_EQ(build_standard(&fs, img_path("contents.img")), 0);
  check_contents(&fs, "small", SMALL_LEN, 1);
  check_contents(&fs, "exact", EXACT_LEN, 2);
  check_contents(&fs, "big", BIG_LEN, 3);
  struct kite_dinode *exact = fslib_inode(&fs, fslib_lookup(&fs, KITE_ROOTINO, "exact"));
  CHECK(exact->addrs[KITE_NDIRECT - 1] != 0);
  CHECK_EQ(exact->addrs[KITE_NDIRECT], 0);             /* no indirect block needed */
  struct kite_dinode *big = fslib_inode(&fs, fslib_lookup(&fs, KITE_ROOTINO, "big"));
  CHECK(big->addrs[KITE_NDIRECT] != 0);
  CHECK(big->addrs[KITE_NDIRECT + 1] != 0);            /* > 267 KiB uses double-indirect */
  fslib_free(&fs);
}

TEST(fsck_clean)
{
  struct fsimg fs;
  CHECK_EQ(build_standard(&fs, img_path("clean.img")), 0);
  CHECK_EQ(run_fsck(&fs), 0);
  CHECK_EQ(report[0], 0);
  /* A subdirectory made by fslib is clean too. */
  int d = fslib_mkdir(&fs, KITE_ROOTINO, "sub");
  CHECK(d > 0);
  CHECK_EQ(fslib_inode(&fs, KITE_ROOTINO)->nlink, 3);
  CHECK_EQ(run_fsck(&fs), 0);
  fslib_free(&fs);
}

/* ---- mkfs errors -------------------------------------------------------- */

TEST(mkfs_errors)
{
  char *missing[] = { img_path("does-not-exist") };
  char *img = strdup(img_path("err.img"));
  CHECK_EQ(mkfs_build(img, &fslib_default_layout, 1, missing, devnull, devnull), 1);
  CHECK(access(img, F_OK) != 0);                       /* no half-built image */

  char *longname[] = { make_file("a_name_that_is_far_too_long_for_kite", 1, 0) };
  CHECK_EQ(mkfs_build(img, &fslib_default_layout, 1, longname, devnull, devnull), 1);

  char *dup[] = { make_file("twin", 1, 0), make_file("_twin", 1, 0) };
  CHECK_EQ(mkfs_build(img, &fslib_default_layout, 2, dup, devnull, devnull), 1);

  /* Four inodes: inode 0 is never used and 1 is the root, so two files fit. */
  struct fslayout few = { .size = 200, .ninodes = 4, .nlog = KITE_LOGBLOCKS };
  char *three[] = { make_file("f1", 1, 0), make_file("f2", 1, 0), make_file("f3", 1, 0) };
  CHECK_EQ(mkfs_build(img, &few, 2, three, devnull, devnull), 0);
  CHECK_EQ(mkfs_build(img, &few, 3, three, devnull, devnull), 1);

  struct fslayout tiny = { .size = 200, .ninodes = 16, .nlog = KITE_LOGBLOCKS };
  char *big[] = { make_file("big", 200 * 1024, 0) };
  CHECK_EQ(mkfs_build(img, &tiny, 1, big, devnull, devnull), 1);
  free(img);
}

/* The default image keeps room for a file of KITE_MAXFILE blocks: mkfs
 * refuses files that would take it, and builds one that leaves it. */
TEST(default_room_for_maxfile)
{
  char *img = strdup(img_path("room.img"));
  uint32_t footprint = KITE_MAXFILE + 2 + KITE_NINDIRECT;
  uint32_t spare = KITE_FSSIZE - 2 - KITE_LOGBLOCKS - 64 - footprint;   /* about, in blocks */
  struct fsimg fs;
  const char *why;

  char *fits[] = { make_file("fits", (spare - 200) * (size_t)KITE_BSIZE, 4) };
  CHECK_EQ(mkfs_build(img, &fslib_default_layout, 1, fits, devnull, devnull), 0);
  CHECK_EQ(fslib_load(&fs, img, &why), 0);
  CHECK(mkfs_room_for_maxfile(&fs));
  CHECK(fs.sb.nblocks - used_data_blocks(&fs) < footprint + 400);
  fslib_free(&fs);
  char *toobig[] = { make_file("toobig", (spare + 200) * (size_t)KITE_BSIZE, 5) };
  CHECK_EQ(mkfs_build(img, &fslib_default_layout, 1, toobig, devnull, devnull), 1);
  CHECK(access(img, F_OK) != 0);
  /* Only the default layout carries the rule. */
  struct fslayout small = { .size = 2000, .ninodes = 16, .nlog = KITE_LOGBLOCKS };
  char *one[] = { make_file("one", 1000, 6) };
  CHECK_EQ(mkfs_build(img, &small, 1, one, devnull, devnull), 0);
  free(img);
}

/* ---- fsck finds corruption ---------------------------------------------- */

/* A fresh standard image to break. */
static int fresh(struct fsimg *fs)
{
  return build_standard(fs, img_path("corrupt.img"));
}

static struct kite_dinode *file_inode(struct fsimg *fs, const char *name)
{
  return fslib_inode(fs, fslib_lookup(fs, KITE_ROOTINO, name));
}

TEST(fsck_bad_magic)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  ((struct kite_superblock *)fslib_block(&fs, 1))->magic ^= 1;
  memcpy(&fs.sb, fslib_block(&fs, 1), sizeof fs.sb);
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "bad superblock") != NULL);
  fslib_free(&fs);
}

TEST(fsck_bad_regions)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  fs.sb.bmapstart = fs.sb.inodestart + 1;             /* inside the inode region */
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "overlaps") != NULL);
  fslib_free(&fs);
}

TEST(fsck_block_out_of_range)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  file_inode(&fs, "small")->addrs[3] = fs.sb.size + 5;
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "outside the data region") != NULL);
  fslib_free(&fs);
}

TEST(fsck_metadata_block_in_file)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  file_inode(&fs, "small")->addrs[1] = fs.sb.inodestart;
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "outside the data region") != NULL);
  fslib_free(&fs);
}

TEST(fsck_double_reference)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  struct kite_dinode *small = file_inode(&fs, "small");
  uint32_t lost = small->addrs[0];
  small->addrs[0] = file_inode(&fs, "exact")->addrs[4];
  fslib_setbit(&fs, lost, 0);                         /* keep the bitmap consistent */
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "referenced twice") != NULL);
  fslib_free(&fs);
}

TEST(fsck_double_reference_in_indirect)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  struct kite_dinode *big = file_inode(&fs, "big");
  uint32_t *ind = (uint32_t *)fslib_block(&fs, big->addrs[KITE_NDIRECT]);
  ind[7] = ind[8];
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "referenced twice") != NULL);
  CHECK(strstr(report, "not referenced") != NULL);    /* the block ind[7] held */
  fslib_free(&fs);
}

TEST(fsck_bitmap_mismatch)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  fslib_setbit(&fs, file_inode(&fs, "exact")->addrs[2], 0);
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "free in the bitmap") != NULL);
  fslib_free(&fs);

  CHECK_EQ(fresh(&fs), 0);
  fslib_setbit(&fs, fs.sb.size - 1, 1);               /* never allocated */
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "not referenced") != NULL);
  fslib_free(&fs);

  CHECK_EQ(fresh(&fs), 0);
  fslib_setbit(&fs, fs.sb.logstart + 3, 0);
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "metadata block") != NULL);
  fslib_free(&fs);
}

TEST(fsck_link_counts)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  file_inode(&fs, "small")->nlink = 2;
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "nlink is 2 but 1") != NULL);
  fslib_free(&fs);

  CHECK_EQ(fresh(&fs), 0);
  int orphan = fslib_ialloc(&fs, KITE_T_FILE);        /* in no directory */
  CHECK(orphan > 0);
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "not reachable") != NULL);
  fslib_free(&fs);
}

TEST(fsck_bad_directory)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  struct kite_dirent *de = (struct kite_dirent *)fslib_block(&fs, fslib_inode(&fs, KITE_ROOTINO)->addrs[0]);
  strcpy(de[0].name, "x");                            /* "." renamed */
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "expected '.'") != NULL);
  fslib_free(&fs);

  CHECK_EQ(fresh(&fs), 0);
  de = (struct kite_dirent *)fslib_block(&fs, fslib_inode(&fs, KITE_ROOTINO)->addrs[0]);
  de[2].inum = KITE_NINODES - 1;                      /* a free inode */
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "unallocated inode") != NULL);
  fslib_free(&fs);
}

TEST(fsck_bad_type_and_log)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  file_inode(&fs, "small")->type = 9;
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "unknown type 9") != NULL);
  fslib_free(&fs);

  CHECK_EQ(fresh(&fs), 0);
  ((uint32_t *)fslib_block(&fs, fs.sb.logstart))[0] = 3;
  CHECK(run_fsck(&fs) > 0);
  CHECK(strstr(report, "log holds 3") != NULL);
  fslib_free(&fs);
}

/* fsck's problem count after a power cut (fsck -c), report in report[]. */
static int run_fsck_after_crash(struct fsimg *fs)
{
  FILE *out = fmemopen(report, sizeof report - 1, "w");
  memset(report, 0, sizeof report);
  int n = fsck_after_crash(fs, out);
  fclose(out);
  return n;
}

/* After a power cut: the committed log is replayed as mount would, and
 * an unlinked-but-open file is an orphan, not a problem; nothing else is
 * forgiven. */
TEST(fsck_after_crash)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  uint32_t b = file_inode(&fs, "small")->addrs[0];
  uint32_t *hdr = (uint32_t *)fslib_block(&fs, fs.sb.logstart);
  memset(fslib_block(&fs, fs.sb.logstart + 1), 0x5a, KITE_BSIZE);
  hdr[0] = 1;
  hdr[1] = b;
  CHECK(run_fsck(&fs) > 0);                           /* plain fsck: not installed */
  CHECK(strstr(report, "log holds 1") != NULL);
  CHECK_EQ(run_fsck_after_crash(&fs), 0);
  CHECK(strstr(report, "replayed 1 committed log blocks") != NULL);
  CHECK_EQ(fslib_block(&fs, b)[0], 0x5a);             /* the block went home */
  CHECK_EQ(fslib_block(&fs, b)[KITE_BSIZE - 1], 0x5a);
  CHECK_EQ(hdr[0], 0);
  CHECK_EQ(run_fsck(&fs), 0);
  fslib_free(&fs);

  CHECK_EQ(fresh(&fs), 0);
  int orphan = fslib_ialloc(&fs, KITE_T_FILE);
  CHECK(orphan > 0);
  fslib_inode(&fs, orphan)->nlink = 0;
  CHECK(run_fsck(&fs) > 0);
  CHECK_EQ(run_fsck_after_crash(&fs), 0);
  CHECK(strstr(report, "1 orphan inode") != NULL);
  fslib_inode(&fs, orphan)->type = KITE_T_DIR;        /* a directory is never open */
  CHECK(run_fsck_after_crash(&fs) > 0);
  CHECK(strstr(report, "not reachable") != NULL);
  fslib_free(&fs);

  CHECK_EQ(fresh(&fs), 0);
  file_inode(&fs, "small")->nlink = 0;                /* named: not an orphan */
  CHECK(run_fsck_after_crash(&fs) > 0);
  CHECK(strstr(report, "nlink is 0 but 1") != NULL);
  fslib_free(&fs);

  CHECK_EQ(fresh(&fs), 0);
  hdr = (uint32_t *)fslib_block(&fs, fs.sb.logstart);
  hdr[0] = 1;
  hdr[1] = fs.sb.logstart;                            /* home inside the log itself */
  CHECK(run_fsck_after_crash(&fs) > 0);
  CHECK(strstr(report, "outside") != NULL);
  hdr[0] = fs.sb.nlog;                                /* more than the log holds */
  CHECK(run_fsck_after_crash(&fs) > 0);
  fslib_free(&fs);
}

/* Garbage everywhere must be reported, not crash fsck. */
TEST(fsck_garbage_survives)
{
  struct fsimg fs;
  CHECK_EQ(fresh(&fs), 0);
  srand(7);
  for (uint32_t b = fs.sb.inodestart; b < fs.sb.bmapstart + 1; b++)
    for (int i = 0; i < KITE_BSIZE; i++)
      fslib_block(&fs, b)[i] = (uint8_t)rand();
  CHECK(run_fsck(&fs) > 0);
  fslib_free(&fs);
}

TEST(sb_check_rules)
{
  struct kite_superblock sb;
  plan_layout(&sb, &fslib_default_layout);
  CHECK(sb_check(&sb, KITE_FSSIZE, LOGSIZE + 1) == NULL);
  CHECK(sb_check(&sb, KITE_FSSIZE - 1, LOGSIZE + 1) != NULL);     /* disk too small */
  CHECK(sb_check(&sb, KITE_FSSIZE, KITE_LOGBLOCKS + 1) != NULL);  /* log too small */
  struct kite_superblock bad = sb;
  bad.logstart = 1;
  CHECK(sb_check(&bad, KITE_FSSIZE, 2) != NULL);
  bad = sb;
  bad.nblocks = sb.nblocks + 1;                       /* data overlaps the bitmap */
  CHECK(sb_check(&bad, KITE_FSSIZE, 2) != NULL);
  bad = sb;
  bad.ninodes = 100000;
  CHECK(sb_check(&bad, KITE_FSSIZE, 2) != NULL);
}

int main(void)
{
  snprintf(tmpdir, sizeof tmpdir, "/tmp/kite-mkfs-XXXXXX");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  devnull = fopen("/dev/null", "w");
  RUN(layout);
  RUN(root_directory);
  RUN(contents);
  RUN(fsck_clean);
  RUN(mkfs_errors);
  RUN(default_room_for_maxfile);
  RUN(fsck_bad_magic);
  RUN(fsck_bad_regions);
  RUN(fsck_block_out_of_range);
  RUN(fsck_metadata_block_in_file);
  RUN(fsck_double_reference);
  RUN(fsck_double_reference_in_indirect);
  RUN(fsck_bitmap_mismatch);
  RUN(fsck_link_counts);
  RUN(fsck_bad_directory);
  RUN(fsck_bad_type_and_log);
  RUN(fsck_after_crash);
  RUN(fsck_garbage_survives);
  RUN(sb_check_rules);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", tmpdir);
  return check_summary();
}
