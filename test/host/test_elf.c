/* Host tests of Kite's ELF checks (kernel/proc/elf.c): every way a file
 * can lie about itself must give -ENOEXEC, and a sane file must pass. */
#include <stdint.h>
#include <string.h>
#include "check.h"

/* The kernel's types, for the freestanding file under test. */
typedef uint8_t uint8;
typedef uint16_t uint16;
typedef uint32_t uint32;
typedef uint64_t uint64;
#define KITE_TYPES_H
#include "proc/elf.c"

#define FILE_SIZE 100000ULL
#define LO 0x10000ULL
#define HI 0x3fffff0000ULL

static struct elf_header good_header(void)
{
  struct elf_header eh;
  memset(&eh, 0, sizeof eh);
  eh.magic = ELF_MAGIC;
  eh.class = ELF_CLASS64;
  eh.data = ELF_DATA_LE;
  eh.type = ELF_ET_EXEC;
  eh.machine = ELF_EM_RISCV;
  eh.phentsize = sizeof(struct elf_phdr);
  eh.phnum = 3;
  eh.phoff = 64;
  eh.entry = 0x10000;
  return eh;
}

static struct elf_phdr good_segment(void)
{
  struct elf_phdr ph = { ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x1000, 0x10000, 0x10000,
                         0x2000, 0x3000, 0x1000 };
  return ph;
}

TEST(header_good)
{
  struct elf_header eh = good_header();
  CHECK_EQ(elf_check_header(&eh, FILE_SIZE), 0);
}

TEST(header_bad_fields)
{
  struct elf_header eh;
  eh = good_header(); eh.magic = 0x12345678;          CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh = good_header(); eh.class = 1;                   CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh = good_header(); eh.data = 2;                    CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh = good_header(); eh.type = 3;                    CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh = good_header(); eh.machine = 62;                CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh = good_header(); eh.phentsize = 32;              CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh = good_header(); eh.phnum = 0;                   CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh = good_header(); eh.phnum = ELF_MAX_PHNUM + 1;   CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
}

TEST(header_table_outside_file)
{
  struct elf_header eh = good_header();
  eh.phoff = FILE_SIZE - 10;                           /* table runs off the end */
  CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh.phoff = UINT64_MAX - 8;                           /* offset + size wraps */
  CHECK_EQ(elf_check_header(&eh, FILE_SIZE), -KITE_ENOEXEC);
  eh.phoff = FILE_SIZE - 3 * sizeof(struct elf_phdr); /* exactly fits */
  CHECK_EQ(elf_check_header(&eh, FILE_SIZE), 0);
}

TEST(segment_good)
{
  struct elf_phdr ph = good_segment();
  CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), 0);
  ph.filesz = 0;                                       /* pure bss */
  CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), 0);
}

TEST(segment_bad_sizes)
{
  struct elf_phdr ph;
  ph = good_segment(); ph.memsz = 0;                   CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
  ph = good_segment(); ph.filesz = ph.memsz + 1;       CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
  ph = good_segment(); ph.off = FILE_SIZE;             CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
  ph = good_segment(); ph.off = UINT64_MAX - 0xfff;    CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
}

TEST(segment_outside_user_space)
{
  struct elf_phdr ph;
  ph = good_segment(); ph.vaddr = 0; ph.off = 0;       CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
  ph = good_segment(); ph.vaddr = 0x80000000000ULL;    ph.off = 0;
  CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
  ph = good_segment(); ph.vaddr = UINT64_MAX & ~0xfffULL; ph.off = 0;   /* vaddr + memsz wraps */
  CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
  ph = good_segment(); ph.vaddr = HI - 0x1000; ph.off = 0;              /* runs past the top */
  CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
}

TEST(segment_alignment_and_wx)
{
  struct elf_phdr ph;
  ph = good_segment(); ph.vaddr += 8;                  CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
  ph = good_segment(); ph.vaddr += 8; ph.off += 8;     CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), 0);
  ph = good_segment(); ph.flags = ELF_PF_R | ELF_PF_W | ELF_PF_X;
  CHECK_EQ(elf_check_segment(&ph, FILE_SIZE, LO, HI), -KITE_ENOEXEC);
}

int main(void)
{
  RUN(header_good);
  RUN(header_bad_fields);
  RUN(header_table_outside_file);
  RUN(segment_good);
  RUN(segment_bad_sizes);
  RUN(segment_outside_user_space);
  RUN(segment_alignment_and_wx);
  return check_summary();
}
