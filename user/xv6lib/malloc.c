/*
 * xv6's malloc(uint) and free(void *), on memory from sbrk(), which is
 * eager: malloc returns 0 once the kernel has no more pages to give, and
 * the heap never holds memory the kernel has not backed.
 *
 * Blocks are counted in units of one header (16 bytes, so every block is
 * 16-byte aligned). Free blocks are kept on one list in address order;
 * malloc takes the first that fits, splitting off its tail, and free
 * puts a block back and merges it with free neighbours that touch it.
 *
 * Invariants: the list is sorted by address, no two of its blocks touch
 * (they would have been merged), and every block on it lies inside the
 * heap.
 */
#include "xv6lib.h"
#include "user/user.h"

union header {
  struct {
    union header *next;   /* free blocks: the next one, higher up */
    uint64 units;         /* size of the block, this header included */
  } h;
  char align[16];
};

#define UNIT          sizeof(union header)
#define GROW_UNITS    4096                  /* grow the heap 64 KiB at a time */

static union header *freelist;              /* lowest free block, or 0 */

/* Put block b on the free list, merging it with the blocks it touches. */
static void release(union header *b)
{
  union header *prev = 0, *next = freelist;

  while (next && next < b) {
    prev = next;
    next = next->h.next;
  }
  if (next && b + b->h.units == next) {
    b->h.units += next->h.units;
    b->h.next = next->h.next;
  } else {
    b->h.next = next;
  }
  if (prev && prev + prev->h.units == b) {
    prev->h.units += b->h.units;
    prev->h.next = b->h.next;
  } else if (prev) {
    prev->h.next = b;
  } else {
    freelist = b;
  }
}

/* Give the heap at least `units` more units; 0 if the kernel refuses. */
static int grow(uint64 units)
{
  uint64 want = units < GROW_UNITS ? GROW_UNITS : units;
  char *p = SBRK_ERROR;

  if (want * UNIT < 0x7fffffff)
    p = sbrk((int)(want * UNIT));
  if (p == SBRK_ERROR && want != units && units * UNIT < 0x7fffffff) {
    want = units;                 /* the big step failed: try just enough */
    p = sbrk((int)(want * UNIT));
  }
  if (p == SBRK_ERROR)
    return 0;
  union header *b = (union header *)p;
  b->h.units = want;
  release(b);
  return 1;
}

/* Take `units` from the first free block big enough; 0 if none is. */
static void *take(uint64 units)
{
  union header *prev = 0;

  for (union header *b = freelist; b; prev = b, b = b->h.next) {
    if (b->h.units < units)
      continue;
    if (b->h.units == units) {
      if (prev)
        prev->h.next = b->h.next;
      else
        freelist = b->h.next;
    } else {
      b->h.units -= units;        /* hand out the tail */
      b += b->h.units;
      b->h.units = units;
    }
    return (void *)(b + 1);
  }
  return 0;
}

void *malloc(uint nbytes)
{
  uint64 units = ((uint64)nbytes + UNIT - 1) / UNIT + 1;
  void *p = take(units);

  if (p == 0 && grow(units))
    p = take(units);
  return p;
}

void free(void *p)
{
  if (p)
    release((union header *)p - 1);
}
