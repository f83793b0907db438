/*
 * fscorrupt: damage a copy of a Kite file-system image on purpose, for
 * the badinput suite (user/tests/badinput.c).
 *
 *   fscorrupt IMG
 *
 * IMG is changed in place. fscorrupt first adds, in the root directory,
 * files and directories made only to be damaged (the victims, "victim-*"),
 * a file that must come through untouched ("canary"), and the marker
 * "corrupted" that lists the victims; then it damages each victim as its
 * name says. Everything else in the image (the root directory's other
 * entries, the programs) is left exactly as it was, so Kite still boots
 * and runs the suite; the root's link count follows the victims, so fsck
 * finds nothing wrong with the root itself.
 *
 * File contents follow one pattern, which badinput checks: the byte at
 * offset i of a file made with seed s is (i % 251 + s) & 0xff. The prime
 * period shows a block read from the wrong place.
 *
 * Any problem (not a Kite image, already corrupted, no room) is fatal:
 * a message and exit status 1, and IMG is not written.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kite/errno.h>
#include "fslib.h"
#include "fs/sbcheck.h"

#define MARKER      "corrupted"
#define CANARY      "canary"
#define CANARY_LEN  (40 * KITE_BSIZE)  /* direct and single-indirect blocks */
#define CANARY_SEED 0x3c

/* The first file block reached through the double-indirect block. */
#define FIRST_DIND_BLOCK (KITE_NDIRECT + KITE_NINDIRECT)

static struct fsimg fs;
static char marker[4096];            /* the marker's text: one victim a line */
static int nvictims;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "fscorrupt: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  exit(1);
}

static uint8_t pattern(uint32_t seed, uint32_t i)
{
  return (uint8_t)(i % 251 + seed);
}

static struct kite_dinode *inode(uint32_t inum)
{
  struct kite_dinode *ip = fslib_inode(&fs, inum);
  if (!ip)
    die("inode %u outside the inode region", inum);
  return ip;
}

static uint32_t *block_words(uint32_t b)
{
  uint8_t *p = fslib_block(&fs, b);
  if (!p)
    die("block %u outside the image", b);
  return (uint32_t *)p;
}

/* Disk block holding file block bn of inum, allocating the path to it. */
static uint32_t file_block(uint32_t inum, uint32_t bn)
{
  uint32_t b;
  int err = fslib_bmap(&fs, inode(inum), bn, 1, &b);
  if (err)
    die("cannot map block %u of inode %u (error %d)", bn, inum, -err);
  return b;
}

static void link_name(uint32_t dir, const char *name, uint32_t inum)
{
  int err = fslib_dirlink(&fs, dir, name, inum);
  if (err)
    die("cannot add '%s' to directory %u (error %d)", name, dir, -err);
}

/* A new file of len pattern bytes named name in dir; its inode number. */
static uint32_t new_file(uint32_t dir, const char *name, uint32_t len, uint32_t seed)
{
  static uint8_t buf[64 * KITE_BSIZE];
  if (len > sizeof buf)
    die("'%s': %u bytes is more than fscorrupt writes", name, len);
  for (uint32_t i = 0; i < len; i++)
    buf[i] = pattern(seed, i);
  int inum = fslib_ialloc(&fs, KITE_T_FILE);
  if (inum < 0)
    die("no free inode for '%s'", name);
  int err = fslib_append(&fs, inum, buf, len);
  if (err)
    die("cannot write '%s' (error %d)", name, -err);
  link_name(dir, name, inum);
  return (uint32_t)inum;
}

/*
 * A file of size bytes whose only data block is file block bn (holes
 * elsewhere): a double-indirect block, one indirect block and one data
 * block are all it costs.
 */
static uint32_t new_sparse_file(const char *name, uint32_t size, uint32_t bn, uint32_t seed)
{
  uint32_t inum = new_file(KITE_ROOTINO, name, 0, seed);
  uint8_t *data = (uint8_t *)block_words(file_block(inum, bn));
  for (uint32_t i = 0; i < KITE_BSIZE; i++)
    data[i] = pattern(seed, bn * KITE_BSIZE + i);
  inode(inum)->size = size;
  return inum;
}

static uint32_t new_dir(const char *name)
{
  int inum = fslib_mkdir(&fs, KITE_ROOTINO, name);
  if (inum < 0)
    die("cannot make directory '%s' (error %d)", name, -inum);
  return (uint32_t)inum;
}

/* Record a victim in the marker's text and say what was done to it. */
static void victim(const char *name, const char *what)
{
  size_t n = strlen(marker);
  snprintf(marker + n, sizeof marker - n, "%s\n", name);
  nvictims++;
  printf("fscorrupt: %-22s %s\n", name, what);
}

/* The highest inode number that is free; it stays free as long as Kite
 * allocates the lowest one first. */
static uint32_t free_inode(void)
{
  for (uint32_t inum = fs.sb.ninodes - 1; inum > KITE_ROOTINO; inum--)
    if (inode(inum)->type == 0)
      return inum;
  die("no free inode");
}

/* ------------------------------------------------------------------------ */
/* The victims. Seeds differ so that no two files hold the same bytes.      */

/* A link count of 0 while the root names it. Made first, so that it has
 * the lowest inode number of all victims (badinput relies on it). */
static void v_nlink0(void)
{
  uint32_t inum = new_file(KITE_ROOTINO, "victim-nlink0", 2 * KITE_BSIZE, 20);
  inode(inum)->nlink = 0;
  victim("victim-nlink0", "named in / but nlink 0");
}

static void v_nlink_negative(void)
{
  uint32_t inum = new_file(KITE_ROOTINO, "victim-nlink-neg", KITE_BSIZE, 21);
  inode(inum)->nlink = -5;
  victim("victim-nlink-neg", "nlink -5");
}

/* Direct block 0 of a 3-block file points at block b. */
static void v_direct(const char *name, uint32_t b, const char *what, uint32_t seed)
{
  uint32_t inum = new_file(KITE_ROOTINO, name, 3 * KITE_BSIZE, seed);
  inode(inum)->addrs[0] = b;
  victim(name, what);
}

/* 14 blocks: 11 direct, 3 through the single-indirect block. */
#define INDIRECT_FILE_LEN (14 * KITE_BSIZE)

static void v_indirect_out(void)
{
  uint32_t inum = new_file(KITE_ROOTINO, "victim-indirect-out", INDIRECT_FILE_LEN, 40);
  inode(inum)->addrs[KITE_NDIRECT] = fs.sb.size;           /* first block past the end */
  victim("victim-indirect-out", "single-indirect pointer = the image size");
}

static void v_indirect_entry(void)
{
  uint32_t inum = new_file(KITE_ROOTINO, "victim-indirect-entry", INDIRECT_FILE_LEN, 41);
  block_words(inode(inum)->addrs[KITE_NDIRECT])[1] = fs.sb.logstart;  /* file block 12 */
  victim("victim-indirect-entry", "file block 12 (in the indirect block) -> the log header");
}

/* Sparse files reaching file block FIRST_DIND_BLOCK through the
 * double-indirect block; one of the three pointers on the way is bad. */
#define DIND_FILE_LEN ((FIRST_DIND_BLOCK + 1) * KITE_BSIZE)

static void v_dind_top(void)
{
  uint32_t inum = new_sparse_file("victim-dind-top", DIND_FILE_LEN, FIRST_DIND_BLOCK, 50);
  inode(inum)->addrs[KITE_NDIRECT + 1] = fs.sb.size + 5;
  victim("victim-dind-top", "double-indirect pointer past the image");
}

static void v_dind_mid(void)
{
  uint32_t inum = new_sparse_file("victim-dind-mid", DIND_FILE_LEN, FIRST_DIND_BLOCK, 51);
  block_words(inode(inum)->addrs[KITE_NDIRECT + 1])[0] = fs.sb.inodestart;
  victim("victim-dind-mid", "double-indirect entry 0 -> the first inode block");
}

static void v_dind_leaf(void)
{
  uint32_t inum = new_sparse_file("victim-dind-leaf", DIND_FILE_LEN, FIRST_DIND_BLOCK, 52);
  uint32_t ind = block_words(inode(inum)->addrs[KITE_NDIRECT + 1])[0];
  block_words(ind)[0] = 0xfffffffe;
  victim("victim-dind-leaf", "its indirect block's entry 0 = 0xfffffffe");
}

static void v_type(const char *name, int16_t type, uint32_t seed)
{
  uint32_t inum = new_file(KITE_ROOTINO, name, KITE_BSIZE, seed);
  inode(inum)->type = type;
  victim(name, type < 0 ? "type -1" : "type 7 (no such type)");
}

static void v_size_too_big(void)
{
  uint32_t inum = new_file(KITE_ROOTINO, "victim-size-too-big", KITE_BSIZE, 60);
  inode(inum)->size = (uint32_t)KITE_MAXFILE * KITE_BSIZE + 1;
  victim("victim-size-too-big", "size one byte more than the largest file");
}

/* One data block, size 1 MiB: the rest are holes, which read as zeros. */
static void v_size_sparse(void)
{
  uint32_t inum = new_file(KITE_ROOTINO, "victim-size-sparse", KITE_BSIZE, 61);
  inode(inum)->size = 1 << 20;
  victim("victim-size-sparse", "size 1 MiB, one data block");
}

/* Root entries naming inodes that are not there. */
static void v_bad_entries(void)
{
  link_name(KITE_ROOTINO, "victim-inum-ninodes", fs.sb.ninodes);
  victim("victim-inum-ninodes", "entry names inode ninodes (one past the last)");
  link_name(KITE_ROOTINO, "victim-inum-max", 0xffff);
  victim("victim-inum-max", "entry names inode 65535");
  link_name(KITE_ROOTINO, "victim-inum-free", free_inode());
  victim("victim-inum-free", "entry names the highest free inode");
}

/* A device whose major number has no driver. */
static void v_device(void)
{
  int inum = fslib_ialloc(&fs, KITE_T_DEVICE);
  if (inum < 0)
    die("no free inode for victim-dev-major");
  inode(inum)->major = 999;
  link_name(KITE_ROOTINO, "victim-dev-major", inum);
  victim("victim-dev-major", "device with major 999");
}

/* A directory holding "inner" (seed 70), its size 7 bytes past its last
 * whole entry. */
static void v_dir_partial(void)
{
  uint32_t d = new_dir("victim-dir-partial");
  new_file(d, "inner", 3000, 70);
  inode(d)->size += 7;
  victim("victim-dir-partial", "directory size not a multiple of the entry size");
}

static void v_dir_badblock(void)
{
  uint32_t d = new_dir("victim-dir-badblock");
  new_file(d, "inner", 100, 71);
  inode(d)->addrs[0] = 1;
  inode(KITE_ROOTINO)->nlink--;          /* its ".." is lost with the block */
  victim("victim-dir-badblock", "directory's block 0 -> the superblock");
}

static void v_dir_dotdot(void)
{
  uint32_t d = new_dir("victim-dir-dotdot");
  struct kite_dirent *de = (struct kite_dirent *)block_words(inode(d)->addrs[0]);
  if (strcmp(de[1].name, "..") != 0)
    die("victim-dir-dotdot: entry 1 is not '..'");
  de[1].inum = (uint16_t)fs.sb.ninodes;
  inode(KITE_ROOTINO)->nlink--;          /* its ".." no longer names the root */
  victim("victim-dir-dotdot", "'..' names inode ninodes");
}

static void v_dir_loop(void)
{
  uint32_t d = new_dir("victim-dir-loop");
  link_name(d, "loop", d);
  victim("victim-dir-loop", "holds 'loop', naming itself");
}

/* A regular file whose type says directory: three "entries" of pattern
 * bytes, none of them "." or "..". */
static void v_file_as_dir(void)
{
  uint32_t inum = new_file(KITE_ROOTINO, "victim-file-as-dir", 3 * sizeof(struct kite_dirent), 80);
  inode(inum)->type = KITE_T_DIR;
  victim("victim-file-as-dir", "a file's bytes with type directory");
}

static void make_victims(void)
{
  v_nlink0();
  v_nlink_negative();
  v_direct("victim-direct-out", fs.sb.size + 1000, "direct block 0 past the image", 30);
  v_direct("victim-direct-log", fs.sb.logstart + 1, "direct block 0 -> a log block", 31);
  v_direct("victim-direct-inodes", fs.sb.inodestart, "direct block 0 -> the root's inode block",
           32);
  v_direct("victim-direct-super", 1, "direct block 0 -> the superblock", 33);
  v_direct("victim-direct-bitmap", fs.sb.bmapstart, "direct block 0 -> the bitmap", 34);
  v_direct("victim-direct-max", 0xffffffff, "direct block 0 = 0xffffffff", 35);
  v_indirect_out();
  v_indirect_entry();
  v_dind_top();
  v_dind_mid();
  v_dind_leaf();
  v_type("victim-type-7", 7, 62);
  v_type("victim-type-neg", -1, 63);
  v_size_too_big();
  v_size_sparse();
  v_bad_entries();
  v_device();
  v_dir_partial();
  v_dir_badblock();
  v_dir_dotdot();
  v_dir_loop();
  v_file_as_dir();
}

int main(int argc, char *argv[])
{
  const char *why;
  if (argc != 2) {
    fprintf(stderr, "usage: fscorrupt IMG\n");
    return 2;
  }
  if (fslib_load(&fs, argv[1], &why) < 0)
    die("%s: %s", argv[1], why);
  if ((why = sb_check(&fs.sb, fs.nblocks, 2)) != NULL)
    die("%s: bad superblock: %s", argv[1], why);
  if (fslib_lookup(&fs, KITE_ROOTINO, MARKER) >= 0)
    die("%s: already corrupted (it has /%s)", argv[1], MARKER);

  uint32_t canary = new_file(KITE_ROOTINO, CANARY, CANARY_LEN, CANARY_SEED);
  uint32_t mark = new_file(KITE_ROOTINO, MARKER, 0, 0);
  make_victims();
  int err = fslib_append(&fs, mark, marker, strlen(marker));
  if (err)
    die("cannot write /%s (error %d)", MARKER, -err);
  if (fslib_save(&fs, argv[1]) < 0)
    die("%s: cannot write the image", argv[1]);
  printf("fscorrupt: %s: %d victims; /%s (inode %u) must stay intact\n", argv[1],
         nvictims, CANARY, canary);
  return 0;
}
