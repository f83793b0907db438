/*
 * fslib: a Kite file-system image held in host memory. Shared by mkfs,
 * fsck and the host tests; plain C, no kernel headers.
 *
 * Invariants:
 *  - fs->img holds fs->nblocks whole blocks (the image file's size);
 *  - every accessor bounds-checks block and inode numbers against the
 *    superblock and the image, so a corrupt image is reported, never
 *    read out of bounds.
 * Errors are negative KITE_E* numbers from <kite/errno.h>.
 */
#ifndef KITE_FSLIB_H
#define KITE_FSLIB_H

#include <stddef.h>
#include <stdint.h>
#include <kite/fs.h>

struct fsimg {
  uint8_t *img;                 /* nblocks * KITE_BSIZE bytes */
  uint32_t nblocks;             /* blocks in img */
  struct kite_superblock sb;    /* copy of block 1 */
};

/* The shape of a new image. */
struct fslayout {
  uint32_t size;                /* total blocks */
  uint32_t ninodes;
  uint32_t nlog;                /* header included */
};

/* KITE_FSSIZE blocks, KITE_NINODES inodes, KITE_LOGBLOCKS log blocks. */
extern const struct fslayout fslib_default_layout;

/* A fresh image: superblock, empty log, metadata marked used in the
 * bitmap, and a root directory holding "." and "..". */
int  fslib_format(struct fsimg *fs, const struct fslayout *lay);
/* Load/save an image file; on a load error *why says what happened. */
int  fslib_load(struct fsimg *fs, const char *path, const char **why);
int  fslib_save(const struct fsimg *fs, const char *path);
void fslib_free(struct fsimg *fs);

uint32_t fslib_datastart(const struct fsimg *fs);
/* Block b of the image, or NULL if b lies outside it. */
uint8_t *fslib_block(const struct fsimg *fs, uint32_t b);
/* Disk inode inum, or NULL if inum is 0 or past the inode region. */
struct kite_dinode *fslib_inode(const struct fsimg *fs, uint32_t inum);
int  fslib_bit(const struct fsimg *fs, uint32_t b);            /* bitmap bit of b */
void fslib_setbit(struct fsimg *fs, uint32_t b, int used);

/* A new inode of the given type: its number, or -ENOSPC. */
int  fslib_ialloc(struct fsimg *fs, int type);
/* File block bn of inode ip: *out = disk block (0 = hole). With alloc,
 * holes are filled with zeroed blocks. 0, -EIO (pointer outside the data
 * region), -ENOSPC, -EFBIG. */
int  fslib_bmap(struct fsimg *fs, struct kite_dinode *ip, uint32_t bn, int alloc, uint32_t *out);
/* Append n bytes to inode inum: 0, -ENOSPC, -EFBIG, -EIO. */
int  fslib_append(struct fsimg *fs, uint32_t inum, const void *data, size_t n);
/* Read up to n bytes at off: bytes read or -EIO. */
long fslib_read(const struct fsimg *fs, uint32_t inum, uint32_t off, void *buf, size_t n);

/* Directories. Names are at most KITE_DIRSIZ characters. */
int  fslib_dirlink(struct fsimg *fs, uint32_t dir, const char *name, uint32_t inum);
int  fslib_lookup(const struct fsimg *fs, uint32_t dir, const char *name);  /* inum or -ENOENT */
int  fslib_mkdir(struct fsimg *fs, uint32_t parent, const char *name);      /* inum */

#endif
