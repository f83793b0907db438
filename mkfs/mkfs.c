/*
 * mkfs: build a Kite file-system image.
 *
 *   mkfs IMG FILE...
 *
 * IMG gets KITE_FSSIZE blocks, a root directory, and each FILE copied
 * into / under its base name (a leading '_' is dropped, so build/_sh
 * becomes /sh). Any problem is fatal: a clear message and exit status 1;
 * so is a default image without room for a file of KITE_MAXFILE blocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kite/errno.h>
#include "fslib.h"
#include "param.h"

/* The blocks a file of KITE_MAXFILE blocks takes: its data, the
 * single-indirect block, the double-indirect block and the blocks it
 * points to. */
#define MKFS_MAXFILE_FOOTPRINT (KITE_MAXFILE + 1 + 1 + KITE_NINDIRECT)

/* The kernel's log needs a header plus LOGSIZE blocks (kernel/param.h). */
_Static_assert(KITE_LOGBLOCKS >= LOGSIZE + 1, "KITE_LOGBLOCKS too small for the kernel's log");

/* The name FILE gets in the root directory. */
static const char *image_name(const char *path)
{
  const char *slash = strrchr(path, '/');
  const char *name = slash ? slash + 1 : path;
  if (name[0] == '_' && name[1] != '\0')
    name++;
  return name;
}

/* Read a whole host file; NULL if it cannot be read. */
static uint8_t *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0, got;
  uint8_t *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *bigger = realloc(buf, cap *= 2);
      if (!bigger)
        free(buf);
      buf = bigger;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

static const char *add_error(int err)
{
  switch (err) {
  case -KITE_ENAMETOOLONG: return "name is empty or longer than the directory entry allows";
  case -KITE_EEXIST: return "another file already has this name";
  case -KITE_ENOSPC: return "image full";
  case -KITE_EFBIG: return "file larger than the largest Kite file";
  default: return "internal error";
  }
}

/* Copy one host file into the root directory; 0 or a negative errno. */
static int add_file(struct fsimg *fs, const char *path, FILE *errout)
{
  const char *name = image_name(path);
  if (strlen(name) > KITE_DIRSIZ) {
    fprintf(errout, "mkfs: %s: name '%s' is longer than %d characters\n", path, name, KITE_DIRSIZ);
    return -KITE_ENAMETOOLONG;
  }
  if (fslib_lookup(fs, KITE_ROOTINO, name) >= 0) {
    fprintf(errout, "mkfs: %s: another file is already named '%s'\n", path, name);
    return -KITE_EEXIST;
  }
  size_t len;
  uint8_t *data = slurp(path, &len);
  if (!data) {
    fprintf(errout, "mkfs: %s: cannot read the file\n", path);
    return -KITE_ENOENT;
  }
  int inum = fslib_ialloc(fs, KITE_T_FILE);
  if (inum < 0) {
    fprintf(errout, "mkfs: %s: too many files (the image has %u inodes)\n", path, fs->sb.ninodes - 1);
    free(data);
    return inum;
  }
  int err = fslib_append(fs, inum, data, len);
  if (!err)
    err = fslib_dirlink(fs, KITE_ROOTINO, name, inum);
  free(data);
  if (err)
    fprintf(errout, "mkfs: %s: %s (%u data blocks)\n", path, add_error(err), fs->sb.nblocks);
  return err;
}

static uint32_t used_data_blocks(const struct fsimg *fs)
{
  uint32_t n = 0;
  for (uint32_t b = fslib_datastart(fs); b < fs->sb.size; b++)
    n += fslib_bit(fs, b);
  return n;
}

/* Does the image have room for one more file of KITE_MAXFILE blocks? */
int mkfs_room_for_maxfile(const struct fsimg *fs)
{
  return fs->sb.nblocks - used_data_blocks(fs) >= MKFS_MAXFILE_FOOTPRINT;
}

static void print_layout(const struct fsimg *fs, const char *img, int nfiles, FILE *out)
{
  const struct kite_superblock *sb = &fs->sb;
  fprintf(out, "mkfs: %s: %u blocks of %d bytes\n", img, sb->size, KITE_BSIZE);
  fprintf(out, "  boot 0 | super 1 | log %u-%u | inodes %u-%u (%u inodes) | bitmap %u-%u | data %u-%u\n",
          sb->logstart, sb->logstart + sb->nlog - 1,
          sb->inodestart, sb->bmapstart - 1, sb->ninodes,
          sb->bmapstart, fslib_datastart(fs) - 1,
          fslib_datastart(fs), sb->size - 1);
  fprintf(out, "mkfs: %d files, %u of %u data blocks used\n",
          nfiles, used_data_blocks(fs), sb->nblocks);
}

/* Build img from files with the given layout: 0, or 1 after a message
 * (and no image file, so a failed build never leaves a usable-looking one). */
int mkfs_build(const char *img, const struct fslayout *lay, int nfiles, char *const files[],
               FILE *out, FILE *errout)
{
  struct fsimg fs;
  if (fslib_format(&fs, lay) < 0) {
    fprintf(errout, "mkfs: %s: cannot format (bad layout or out of memory)\n", img);
    return 1;
  }
  for (int i = 0; i < nfiles; i++) {
    if (add_file(&fs, files[i], errout) < 0) {
      fslib_free(&fs);
      remove(img);
      return 1;
    }
  }
  /* The default image must have room left for a file of KITE_MAXFILE
   * blocks: xv6's tests write one (and fill the disk after it). */
  if (lay == &fslib_default_layout && !mkfs_room_for_maxfile(&fs)) {
    fprintf(errout, "mkfs: %s: %u data blocks free, a file of KITE_MAXFILE blocks needs %u: "
            "raise KITE_FSSIZE in include/kite/fs.h\n", img,
            fs.sb.nblocks - used_data_blocks(&fs), (unsigned)MKFS_MAXFILE_FOOTPRINT);
    fslib_free(&fs);
    remove(img);
    return 1;
  }
  if (fslib_save(&fs, img) < 0) {
    fprintf(errout, "mkfs: %s: cannot write the image\n", img);
    fslib_free(&fs);
    remove(img);
    return 1;
  }
  print_layout(&fs, img, nfiles, out);
  fslib_free(&fs);
  return 0;
}

#ifndef KITE_HOST
int main(int argc, char *argv[])
{
  if (argc < 2) {
    fprintf(stderr, "usage: mkfs IMG FILE...\n");
    return 2;
  }
  return mkfs_build(argv[1], &fslib_default_layout, argc - 2, argv + 2, stdout, stderr);
}
#endif
