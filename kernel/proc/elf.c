/* ELF checks; see elf.h. */
#include "proc/elf.h"
#include <kite/errno.h>

#define PAGE 4096ULL

int elf_check_header(const struct elf_header *eh, uint64 file_size)
{
  if (eh->magic != ELF_MAGIC || eh->class != ELF_CLASS64 || eh->data != ELF_DATA_LE)
    return -KITE_ENOEXEC;
  if (eh->type != ELF_ET_EXEC || eh->machine != ELF_EM_RISCV)
    return -KITE_ENOEXEC;
  if (eh->phentsize != sizeof(struct elf_phdr) || eh->phnum == 0 || eh->phnum > ELF_MAX_PHNUM)
    return -KITE_ENOEXEC;
  uint64 table = (uint64)eh->phnum * sizeof(struct elf_phdr);
  if (eh->phoff > file_size || table > file_size - eh->phoff)
    return -KITE_ENOEXEC;
  return 0;
}

int elf_check_segment(const struct elf_phdr *ph, uint64 file_size, uint64 lo, uint64 hi)
{
  if (ph->memsz == 0 || ph->filesz > ph->memsz)
    return -KITE_ENOEXEC;
  if (ph->off > file_size || ph->filesz > file_size - ph->off)
    return -KITE_ENOEXEC;
  if (ph->vaddr < lo || ph->vaddr > hi || ph->memsz > hi - ph->vaddr)
    return -KITE_ENOEXEC;
  if ((ph->vaddr % PAGE) != (ph->off % PAGE))
    return -KITE_ENOEXEC;
  if ((ph->flags & ELF_PF_W) && (ph->flags & ELF_PF_X))
    return -KITE_ENOEXEC;           /* W^X */
  return 0;
}
