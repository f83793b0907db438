/*
 * Shared memory objects: reference-counted sets of physical pages that
 * mappings cover (a mapping may cover part of one, at an offset).
 *
 * Used for MAP_SHARED anonymous memory (pages appear zero-filled on first
 * touch), for MAP_SHARED file mappings, and as the read-only source of
 * MAP_PRIVATE file mappings (copy-on-write from a snapshot of the file).
 *
 * A file has at most one shared object (shm_file_prepare): every
 * MAP_SHARED mapping of it, in any process, uses the same pages, so they
 * see each other's writes at once. Its page i holds file bytes [i*PG,
 * (i+1)*PG); pages are read from the file when a mapping first covers
 * them and written back when a mapping of them goes away (munmap, exit).
 * Writes through write(2) are not seen by a mapping made earlier (Kite has
 * no unified page cache).
 *
 * Making a file mapping has two phases, so that a mapping that fails
 * leaves the file's object as it was: shm_file_prepare() finds the object
 * and reads the pages it lacks into a private staging object (it sleeps:
 * disk reads); shm_adopt(), called when the mapping is committed under
 * pm->lock, grows the object and moves the staged pages in. It cannot
 * fail. Until then the object only has one more reference.
 *
 * Views and W^X. The MAP_SHARED mapping nodes that name an object are its
 * views, in any process; nwrite and nexec count the views that are
 * writable and executable. No object has a writable and an executable
 * view at once, and an anonymous object that ever had a writable view
 * never gets an executable one (was_writable). An operation that changes
 * views (mmap, mprotect, munmap, fork, exit) takes shm_views_lock, adds
 * the changes it would make to each object's pending counts
 * (shm_view_pend), asks shm_view_conflict() of each, and then applies them
 * all or drops them all (shm_view_settle) before unlocking, so two
 * processes cannot both pass the check. Private mappings are not views:
 * their writes never reach the object.
 *
 * Invariants:
 *  - ref counts the mapping nodes that name the object; it dies with the
 *    last one (shm_put), freeing its page references and its inode;
 *  - every non-zero slot holds one reference to its physical page; page
 *    tables that map the page hold their own references; slots at or
 *    above npages are empty;
 *  - nwrite == 0 || nexec == 0; nexec == 0 if ip == NULL && was_writable;
 *    pend_write == pend_exec == 0 whenever shm_views_lock is free.
 * Lock: shm->lock protects the slots, ref and npages; ip, file_off and inum
 * are fixed at creation. shm_files.lock (in shm.c) protects the list of
 * shared file objects and is taken before shm->lock. shm_views_lock
 * protects the fields marked [V]; it is taken after pm->lock and before
 * shm->lock.
 */
#ifndef KITE_SHM_H
#define KITE_SHM_H

#include "lib/spinlock.h"

struct inode;

struct shm {
  struct spinlock lock;
  int ref;                  /* mapping nodes naming this object */
  uint64 npages;
  struct inode *ip;         /* MAP_SHARED file: written back; else NULL */
  uint64 file_off;          /* file offset of page 0 */
  uint32 inum;              /* file the pages came from (0: anonymous) */
  struct shm *next_file;    /* on the shared-file list (shm_files.lock) */
  int nwrite, nexec;        /* [V] writable / executable views */
  int was_writable;         /* [V] has had a writable view */
  int pend_write, pend_exec;/* [V] changes the lock holder is weighing */
  uint64 *dir[];            /* tables of SHM_SLOTS page addresses */
};

#define SHM_SLOTS     512
#define SHM_DIRS      ((4096 - sizeof(struct shm)) / sizeof(uint64 *))
#define SHM_MAXPAGES  (SHM_DIRS * SHM_SLOTS)

struct shm *shm_create(uint64 npages);             /* NULL: out of memory or too big */
void        shm_get(struct shm *s);
void        shm_put(struct shm *s);                 /* may write to disk: process context */
/* The page at index (0 if absent and !alloc, or out of memory). The
 * object keeps its reference; a caller that maps the page takes its own. */
uint64      shm_page(struct shm *s, uint64 index, int alloc);
/* Make pages [first, first+count) exist, reading the absent ones from ip
 * (page i from file offset file_off + i*PG; past EOF reads as zero). */
int         shm_fill(struct shm *s, struct inode *ip, uint64 first, uint64 count, uint64 file_off);
/* The shared object of file ip (a new reference, *obj) and, in *staged, a
 * private object holding at the same indices the pages of file bytes
 * [off, off+len) that *obj lacks, read from the file. 0, or a negative
 * errno with nothing held. */
int         shm_file_prepare(struct inode *ip, uint64 off, uint64 len, struct shm **obj,
                             struct shm **staged);
/* Grow s to cover pages [first, first+count) and move into it the staged
 * pages it still lacks; staged keeps the rest (for its shm_put). Cannot
 * fail; takes s->lock (staged is the caller's alone). */
void        shm_adopt(struct shm *s, struct shm *staged, uint64 first, uint64 count);
/* Write object bytes [obj_off, obj_off+len) back to the file, never past
 * its current size. 0 or a negative errno. */
int         shm_writeback(struct shm *s, uint64 obj_off, uint64 len);


/* Views (see above); shm_view_* need shm_views_lock held. */
void        shm_views_lock(void);
void        shm_views_unlock(void);
/* n more views (n < 0: fewer) with protection prot (KITE_PROT_*). */
void        shm_view_pend(struct shm *s, uint32 prot, int n);
/* Would the pending views break W^X? */
int         shm_view_conflict(const struct shm *s);
/* Apply the pending views (apply != 0) or drop them. */
void        shm_view_settle(struct shm *s, int apply);

#endif
