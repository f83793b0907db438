/*
 * Kite's file system: superblock, block allocator, inodes, directories and
 * path names, on the format of <kite/fs.h>.
 *
 * Layers, bottom up: disk (virtio_blk) -> buffer cache (buf.h) -> log
 * (log.h) -> blocks and inodes (fs.c, inode.c) -> directories (dir.c) ->
 * path names (path.c) -> open files (file.h).
 *
 * Invariants:
 *  - the superblock was checked at mount (sbcheck.h); after that every
 *    block number read from an inode or an indirect block is checked to
 *    lie in the data region, every inode number in [1, ninodes), every
 *    inode type against the known ones. A corrupted image makes the
 *    operation fail with -EIO; it never panics the kernel;
 *  - an in-memory inode with ref > 0 stays in the cache; one with
 *    valid == 1 holds a checked copy of the disk inode;
 *  - an inode that no directory names (nlink == 0) is freed, with its
 *    blocks, when the last reference goes (iput);
 *  - a directory's nlink counts the names for it: its entry in the
 *    parent, its own ".", and the ".." of each subdirectory; a file's
 *    nlink counts its directory entries.
 *  - every change to disk happens inside begin_op()/end_op().
 *
 * Locks (outermost first): a directory's inode lock before its
 * children's; log.lock, icache.lock and bcache.lock are spinlocks taken
 * innermost and never held while sleeping on anything else.
 */
#ifndef KITE_FS_FS_H
#define KITE_FS_FS_H

#include "lib/types.h"
#include "lib/sleeplock.h"
#include "mm/usercopy.h"
#include <kite/fs.h>
#include <kite/stat.h>

#define NDIRECT    KITE_NDIRECT
#define NINDIRECT  KITE_NINDIRECT
#define MAXFILE    KITE_MAXFILE
#define DIRSIZ     KITE_DIRSIZ
#define ROOTINO    KITE_ROOTINO
#define T_DIR      KITE_T_DIR
#define T_FILE     KITE_T_FILE
#define T_DEVICE   KITE_T_DEVICE

/* Largest file size in bytes. */
#define MAXFILE_BYTES ((uint32)MAXFILE * KITE_BSIZE)
/* Largest nlink (it is 16 bits on disk). */
#define NLINK_MAX 0x7fff

/* In-memory copy of an inode. */
struct inode {
  uint dev;                       /* icache.lock */
  uint inum;                      /* icache.lock */
  int ref;                        /* icache.lock: references to this entry */
  struct sleeplock lock;          /* protects everything below */
  int valid;                      /* fields below were read and checked */
  short type;                     /* T_DIR, T_FILE, T_DEVICE */
  short major;
  short minor;
  short nlink;
  uint32 size;
  uint32 addrs[NDIRECT + 2];
};

/* fs.c: superblock and block allocator */
extern struct kite_superblock sb;   /* read-only after fsinit */
void fsinit(int dev);
void fs_cannot_mount(void) __attribute__((noreturn));   /* message, then power off */
int  balloc(uint dev, uint32 *blockno);   /* 0, -ENOSPC or -EIO; block zeroed */
void bfree(uint dev, uint32 blockno);
int  fs_datablock_ok(uint32 blockno);     /* inside the data region? */

/* inode.c */
void iinit(void);
int  iget(uint dev, uint inum, struct inode **ipp);     /* 0 or -ENFILE */
int  ialloc(uint dev, short type, struct inode **ipp);  /* unlocked; -ENOSPC/-ENFILE/-EIO */
struct inode *idup(struct inode *ip);
/* Lock ip, reading it from disk if needed. Always returns holding the
 * lock; -EIO if the disk inode is unreadable or corrupt, in which case
 * ip->valid stays 0 and readi/writei/dirlookup refuse with -EIO. */
int  ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iput(struct inode *ip);        /* inside a transaction: may free */
void iunlockput(struct inode *ip);
int  iupdate(struct inode *ip);     /* 0 or -EIO */
void itrunc(struct inode *ip);
void stati(struct inode *ip, struct kite_stat *st);
/* Bytes moved, or a negative errno if none were (usercopy rule). */
long readi(struct inode *ip, struct uwriter *w, uint32 off, uint32 n);
long writei(struct inode *ip, struct ureader *r, uint32 off, uint32 n);

/* dir.c. Names are NUL-terminated, at most DIRSIZ characters. */
int  dir_name_check(const char *name);     /* 0 or -ENAMETOOLONG/-ENOENT */
int  namecmp(const char *a, const char *b);
int  dirlookup(struct inode *dp, const char *name, uint32 *poff, struct inode **ipp);
int  dirlink(struct inode *dp, const char *name, uint inum);
int  dir_isempty(struct inode *dp);        /* 1, 0, or -EIO */
int  dir_clear_entry(struct inode *dp, uint32 off);

/* path.c: 0, or -ENOENT/-ENOTDIR/-ENAMETOOLONG/-ENFILE/-EIO. The inode
 * comes back referenced and unlocked. nameiparent() stores the last
 * element in name, which must hold DIRSIZ + 1 bytes. */
int  namei(const char *path, struct inode **ipp);
int  nameiparent(const char *path, char *name, struct inode **ipp);

#endif
