/*
 * ELF64 executables: the structures Kite reads and the checks it makes
 * before trusting them. The checks are pure (no hardware includes) and
 * unit-tested on the host; a file that fails them gets -ENOEXEC.
 */
#ifndef KITE_ELF_H
#define KITE_ELF_H

#include "lib/types.h"

#define ELF_MAGIC      0x464C457FU   /* "\x7FELF" little-endian */
#define ELF_CLASS64    2
#define ELF_DATA_LE    1
#define ELF_ET_EXEC    2
#define ELF_EM_RISCV   243
#define ELF_MAX_PHNUM  16

struct elf_header {
  uint32 magic;
  uint8  class, data, version, osabi;
  uint8  pad[8];
  uint16 type, machine;
  uint32 version2;
  uint64 entry, phoff, shoff;
  uint32 flags;
  uint16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

#define ELF_PT_LOAD 1
#define ELF_PF_X    1
#define ELF_PF_W    2
#define ELF_PF_R    4

struct elf_phdr {
  uint32 type, flags;
  uint64 off, vaddr, paddr, filesz, memsz, align;
};

/* Header sane for a RISC-V executable of file_size bytes? 0 or -ENOEXEC. */
int elf_check_header(const struct elf_header *eh, uint64 file_size);
/* Loadable segment inside [lo, hi) of the address space and inside the
 * file, not writable and executable at once? 0 or -ENOEXEC. */
int elf_check_segment(const struct elf_phdr *ph, uint64 file_size, uint64 lo, uint64 hi);

#endif
