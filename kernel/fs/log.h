/*
 * The write-ahead log: makes each file-system operation atomic across
 * crashes.
 *
 * An operation brackets its changes with begin_op()/end_op() and writes
 * modified buffers with log_write() instead of bwrite(). When the last
 * concurrent operation ends, the whole group commits:
 *
 *   1. copy every logged block into the log area on disk;
 *   2. write the log header naming their home locations  <- commit point;
 *   3. copy the blocks to their homes ("install");
 *   4. write an empty header.
 *
 * A crash before 2 loses the group; after 2, fsinit() replays the log.
 *
 * Invariants:
 *  - an operation writes at most MAXOPBLOCKS distinct blocks, and begin_op()
 *    admits an operation only if the log can hold MAXOPBLOCKS more for
 *    every operation in progress, so the log never overflows;
 *  - a block appears once in the header however often it is written
 *    ("absorption"), and its buffer stays pinned in the cache until
 *    installed, so the cache always holds the newest copy.
 * Lock: log.lock (spinlock) protects the header, outstanding and
 *   committing; only the committing process touches the disk copy.
 */
#ifndef KITE_LOG_H
#define KITE_LOG_H

#include "lib/types.h"

struct buf;
struct kite_superblock;

/* Set up the log and replay a committed group (at mount). */
void initlog(int dev, const struct kite_superblock *sb);
void begin_op(void);
void end_op(void);
/* Record that b (locked, inside an operation) was modified. */
void log_write(struct buf *b);

#endif
