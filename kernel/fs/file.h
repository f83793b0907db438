/*
 * Open files, pipes and the device switch.
 *
 * A struct file is one open(2) (or one end of a pipe): descriptors that
 * share it (dup, fork) share its offset.
 *
 * Invariants:
 *  - a file with ref > 0 has a type other than FD_NONE (except briefly,
 *    between filealloc() and the open that fills it in);
 *  - an FD_INODE or FD_DEVICE file holds one reference to ip; an FD_PIPE
 *    file holds one end of pipe, and the pipe is freed when both ends
 *    are closed;
 *  - pipe data that a reader could not deliver stays in the pipe.
 * Locks: ftable.lock protects ref (and type while ref drops to 0);
 *   off is protected by ip->lock; the other fields are set once when the
 *   file is opened and then only read.
 */
#ifndef KITE_FILE_H
#define KITE_FILE_H

#include "lib/types.h"
#include "mm/usercopy.h"
#include "param.h"
#include <kite/stat.h>

struct pipe;
struct inode;

enum file_type { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE };

struct file {
  enum file_type type;
  int ref;               /* ftable.lock */
  char readable;
  char writable;
  char append;           /* O_APPEND: every write goes to the end */
  struct pipe *pipe;     /* FD_PIPE */
  struct inode *ip;      /* FD_INODE and FD_DEVICE */
  uint32 off;            /* FD_INODE; ip->lock */
  short major;           /* FD_DEVICE */
  char name[32];         /* last path component at open, for the maps view */
};

/* Device switch: what read(2)/write(2) on a device file call. */
struct devsw {
  long (*read)(struct uwriter *w, size_t n);
  long (*write)(struct ureader *r, size_t n);
};

extern struct devsw devsw[NDEV];

void fileinit(void);
struct file *filealloc(void);                 /* NULL when the table is full */
struct file *filedup(struct file *f);
void fileclose(struct file *f);                /* runs its own transaction */
long fileread(struct file *f, struct uwriter *w, size_t n);
long filewrite(struct file *f, struct ureader *r, size_t n);
long filestat(struct file *f, struct kite_stat *st);
long filelseek(struct file *f, long off, int whence);

/* pipe.c */
int  pipealloc(struct file **f0, struct file **f1);   /* 0, -ENFILE or -ENOMEM */
void pipeclose(struct pipe *pi, int writable);
long piperead(struct pipe *pi, struct uwriter *w, size_t n);
long pipewrite(struct pipe *pi, struct ureader *r, size_t n);

#endif
