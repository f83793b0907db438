/*
 * Kite memory-mapping calls: the user-kernel ABI (mmap, munmap, mprotect,
 * mquery, mmaps). Values follow Linux's <sys/mman.h> where it has them.
 */
#ifndef KITE_MMAN_H
#define KITE_MMAN_H

#include <stdint.h>

#define KITE_PROT_NONE      0x0
#define KITE_PROT_READ      0x1
#define KITE_PROT_WRITE     0x2
#define KITE_PROT_EXEC      0x4

#define KITE_MAP_SHARED     0x01   /* writes are shared (and reach the file) */
#define KITE_MAP_PRIVATE    0x02   /* copy-on-write; writes never reach the file */
#define KITE_MAP_FIXED      0x10   /* exactly at addr, replacing what is there */
#define KITE_MAP_ANONYMOUS  0x20   /* zero-filled, no file (fd ignored, off must be 0) */

/*
 * SYS_sbrk(long increment, type) -> the old break, or -ENOMEM with
 * nothing changed, or -EINVAL for a type that is neither of these (the
 * values xv6-riscv uses):
 *   KITE_SBRK_EAGER  every new page of the heap is backed (zeroed) before
 *                    the call returns; when memory cannot be had the call
 *                    undoes all it did and fails with -ENOMEM, killing
 *                    nobody. Pages that were already the heap's (the one
 *                    holding an unaligned old break) are left as they are.
 *   KITE_SBRK_LAZY   new pages appear on first touch (a touch with no
 *                    memory left kills the toucher, as for any lazy page).
 * A negative increment shrinks the heap and frees its pages, whatever
 * the type; -ENOMEM if it would go below the heap's start. The heap
 * grows to at most KITE_HEAP_MAX bytes, and never into another mapping
 * (-ENOMEM). Grown memory is read-write, whatever mprotect did to the
 * heap's other pages. SYS_brk(addr) sets the break lazily.
 */
#define KITE_SBRK_EAGER     1
#define KITE_SBRK_LAZY      2

/* Mapping types reported by mquery/mmaps. */
enum kite_vm_type {
  KITE_VM_CODE   = 0,   /* program text */
  KITE_VM_DATA   = 1,   /* program data, rodata, bss */
  KITE_VM_HEAP   = 2,   /* brk heap */
  KITE_VM_STACK  = 3,   /* user stack */
  KITE_VM_GUARD  = 4,   /* no pages: touching it kills the process */
  KITE_VM_SHARED = 5,   /* shared anonymous memory */
  KITE_VM_MMIO   = 6,   /* device memory */
  KITE_VM_ANON   = 7,   /* private anonymous memory */
  KITE_VM_FILE   = 8,   /* a mapped file */
  KITE_VM_KERNEL = 9,   /* a window of kernel addresses: never accessible */
  KITE_VM_FREE   = 10,  /* mquery on a hole: [start, end) is the free span */
};

/* Mapping flags reported by mquery/mmaps. */
#define KITE_VMF_PRIVATE   0x01   /* copy-on-write across fork */
#define KITE_VMF_LAZY      0x02   /* pages appear on first touch */
#define KITE_VMF_GROWSDOWN 0x08   /* a stack */
#define KITE_VMF_SHARED    0x20   /* shared object: writes visible to every mapper */

/* One mapping, as returned by SYS_mquery and SYS_mmaps. */
struct kite_mapping {
  uint64_t start, end;     /* [start, end), page-aligned */
  uint64_t offset;         /* byte offset into the file or shared object */
  uint32_t prot;           /* KITE_PROT_* */
  uint32_t type;           /* enum kite_vm_type */
  uint32_t flags;          /* KITE_VMF_* */
  uint32_t resident;       /* pages present in the page table */
  uint32_t inum;           /* file mappings: inode number; else 0 */
  uint32_t pad;
  char     name[32];       /* "[heap]", "[stack]", "[guard]", "[kernel]", a file name, or "" */
};

/*
 * W^X. No mapping is writable and executable at once, and a mapping that
 * was ever writable never becomes executable. The same holds per shared
 * object, across every mapping of every process: the pages of a file
 * mapped MAP_SHARED, or of MAP_SHARED anonymous memory (shared with
 * children by fork), are never writable through one mapping while
 * executable through another. Whichever comes second, by mmap or by
 * mprotect, fails with -EACCES. A file's pages may become executable
 * once no mapping can write them any more; anonymous shared memory that
 * was ever writable never does. MAP_PRIVATE mappings do not count: they
 * are copies whose writes never reach the object.
 *
 * A MAP_SHARED mapping of a file remembers whether the file was open for
 * writing when it was mapped; if not, mprotect can never add PROT_WRITE
 * (-EACCES), whatever happens to the descriptor later. A MAP_PRIVATE
 * mapping of a read-only file may become writable (copy-on-write).
 *
 * SYS_mmap(addr, len, prot, flags, fd, off) -> address, or:
 *   -EINVAL  len 0; off or (with MAP_FIXED) addr not page-aligned; not
 *            exactly one of MAP_SHARED/MAP_PRIVATE; unknown prot or flag
 *            bits; MAP_FIXED over the heap, the stack or a guard region
 *   -EACCES  PROT_WRITE with PROT_EXEC (W^X); file not open for reading,
 *            or MAP_SHARED + PROT_WRITE on a file not open for writing;
 *            fd is not a regular file; a shared object that another
 *            mapping makes writable while this one would be executable,
 *            or the other way round (W^X per object, above)
 *   -EBADF   fd is not an open file (file mappings)
 *   -ENOMEM  len too large, range outside user space, no free range,
 *            too many mappings, out of memory
 * Without MAP_FIXED, addr is a hint: used if the range is free, else
 * Kite picks a range (top-down below the stack); it never replaces
 * anything. A failed mmap changes nothing: no mapping is replaced, and a
 * file's shared object neither grows nor reads pages for it.
 *
 * SYS_munmap(addr, len) -> 0, or -EINVAL (unaligned addr, len 0, range
 *   outside user space, or a range that touches the heap, stack or a guard
 *   region). Holes inside the range are fine; mappings it cuts are split.
 *
 * SYS_mprotect(addr, len, prot) -> 0, or -EINVAL (unaligned, bad prot),
 *   -ENOMEM (a hole in the range), -EACCES (W^X: write with exec, exec
 *   on a mapping that was ever writable, or a shared object that another
 *   mapping would then make writable and executable at once; write on a
 *   MAP_SHARED mapping of a file not open for writing; guard or MMIO
 *   regions). On any error nothing in the range changes.
 *
 * SYS_mquery(addr, struct kite_mapping *out) -> 0 and the mapping holding
 *   addr, or a KITE_VM_FREE record of the hole around it; -EFAULT (out).
 *
 * SYS_mmaps(pid, struct kite_mapping *buf, count) -> number of mappings of
 *   pid (0 = the caller), copying the first min(count, n) records; -ESRCH.
 */

#endif
