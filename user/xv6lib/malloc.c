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
#define GROW_UNITS    4096                  /* grow the heap at least 64 KiB at a time */
#define GROW_MAX      (1UL << 27)           /* ... and at most 128 MiB (sbrk takes an int) */

static union header *freelist;              /* lowest free block, or 0 */
static uint64 heap_units;                   /* units sbrk has given malloc */

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

/*
 * Give the heap at least `units` more units; 0 if the kernel refuses.
 * The step grows with the heap (an eighth of it), so a program that
 * mallocs a lot makes few sbrk calls; when memory is short the step
 * halves until it fits, down to exactly what this request needs, so
 * malloc fails only when that much cannot be had.
 */
static int grow(uint64 units)
{
  uint64 want = heap_units / 8;
  char *p = SBRK_ERROR;

  if (want < GROW_UNITS)
    want = GROW_UNITS;
  if (want > GROW_MAX / UNIT)
    want = GROW_MAX / UNIT;
  if (units * UNIT > 0x7fffffff)
    return 0;
  for (;;) {
    if (want < units)
      want = units;
    if ((p = sbrk((int)(want * UNIT))) != SBRK_ERROR || want == units)
      break;
    want /= 2;
  }
  if (p == SBRK_ERROR)
    return 0;
  union header *b = (union header *)p;
  b->h.units = want;
  heap_units += want;
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
