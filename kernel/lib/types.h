/* Fixed-width types used throughout the kernel. */
#ifndef KITE_TYPES_H
#define KITE_TYPES_H

typedef unsigned char      uint8;
typedef unsigned short     uint16;
typedef unsigned int       uint32;
typedef unsigned long      uint64;
typedef long               int64;
typedef unsigned int       uint;
typedef unsigned long      size_t;
typedef long               ssize_t;
typedef uint64             pte_t;
typedef uint64            *pagetable_t;   /* 512 PTEs */

#define NULL ((void *)0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define STATIC_ASSERT(c, msg) _Static_assert(c, msg)

#endif
