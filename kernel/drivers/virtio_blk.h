/*
 * virtio-blk over virtio-mmio (version 2, "modern"): Kite's only disk.
 *
 * Invariants:
 *  - one split virtqueue of VBLK_QSIZE descriptors; every request is a
 *    chain of three (header, data, status) and a descriptor is either on
 *    the free list or part of exactly one chain the device owns;
 *  - b->disk is 1 exactly while the device owns the request for b; the
 *    interrupt handler clears it, sets b->err and wakes the sleeper.
 * Lock: vblk.lock (a spinlock) protects the queue, the free list and
 *   b->disk / b->err of buffers in flight. Requesters sleep on it.
 */
#ifndef KITE_VIRTIO_BLK_H
#define KITE_VIRTIO_BLK_H

#include "lib/types.h"

struct buf;

/* Find the disk among the device tree's virtio-mmio slots, negotiate and
 * set up the queue; panics with a clear message when there is no disk. */
void virtio_blk_init(void);

enum vblk_op { VBLK_READ = 0, VBLK_WRITE = 1 };

/* Read or write b->data at block b->blockno and sleep until done. Sets
 * b->err to 0, or -EIO if the device (or a range check) failed it.
 * Several processes may have requests in flight at once. */
void virtio_blk_rw(struct buf *b, int write);

/* The same in two halves, so one process can keep several requests in
 * flight: submit moves b->data to or from block blockno (which need not
 * be b->blockno) and returns once the device owns the request; wait
 * sleeps until it is done. At most one request per buffer at a time. */
void virtio_blk_submit(struct buf *b, uint64 blockno, int write);
void virtio_blk_wait(struct buf *b);

/* Disk size in file-system blocks (for the superblock check at mount). */
uint64 virtio_blk_nblocks(void);

#endif
