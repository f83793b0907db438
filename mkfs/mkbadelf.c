/*
 * mkbadelf: write small RISC-V ELF64 executables, nearly all of them
 * broken on purpose, for the badinput suite (user/tests/badinput.c).
 *
 *   mkbadelf DIR
 *
 * Every file starts as the same good program and one case then damages
 * it in one way, named by the file: badelf-phnum-0, badelf-seg-kernel-ram,
 * ... A few goodelf-* files stay valid, so the generator's good path is
 * proven too: each runs and exits 42. The bad ones exit 99 if Kite ever
 * runs them. What Kite must do with each file is badinput's business;
 * this program only says what is wrong with it (the comments in cases[]).
 *
 * The good program, laid out as a linker would (offsets in the file):
 *
 *   0x000  ELF header                 \
 *   0x040  program headers (<= 17)     > text segment, R X, at 0x10000
 *   0x400  code (entry 0x10400)       /
 *   0x800  data (16 bytes)            -> data segment, R W, at 0x20800,
 *                                        memsz one page (the rest is bss)
 *
 * The ELF structures come from the host's <elf.h>, not from Kite's own
 * headers: the files follow the ELF specification, not Kite's reading
 * of it. Plain host C; no Kite or hardware headers.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXPH      17                  /* one more than Kite accepts */
#define PHDR_OFF   0x40
#define CODE_OFF   0x400
#define DATA_OFF   0x800
#define DATA_LEN   0x10
#define FILE_LEN   (DATA_OFF + DATA_LEN)
#define MAXFILE    0x1000

#define TEXT_VA    0x10000ULL          /* Kite's USER_BASE */
#define DATA_VA    (0x20000ULL + DATA_OFF)
#define ENTRY_VA   (TEXT_VA + CODE_OFF)
#define PAGE       0x1000ULL

/* Kite's user address space (kernel/arch/memlayout.h), as numbers. */
#define KWIN_RAM      0x80000000ULL    /* kernel RAM window (MEM below 1 GiB: one slot) */
#define KERNEL_TEXT   0x80200000ULL
#define KWIN_DEV      0x3f40000000ULL  /* device window ... */
#define KSTACK_TOP    0x3fc0000000ULL  /* ... and kernel stacks, up to here */
#define USER_TOP      0x3fffff0000ULL
#define TRAMPOLINE    0x3ffffff000ULL
#define MAXVA         (1ULL << 38)     /* end of Sv39's lower half */

/* The huge bss of goodelf-huge-bss: 8 GiB at 128 GiB, clear of every
 * kernel window whatever the RAM size. */
#define BIG_BSS_VA    (1ULL << 37)
#define BIG_BSS_LEN   (8ULL << 30)

#define EXIT_GOOD  42                  /* a goodelf-* program */
#define EXIT_RAN   99                  /* a badelf-* program Kite ran */
#define SYS_EXIT   2                   /* <kite/syscall.h> SYS_exit */

/* ------------------------------------------------------------------------ */
/* A few RV64I instructions                                                  */

enum reg { ZERO = 0, T0 = 5, T1 = 6, T2 = 7, A0 = 10, A7 = 17, T3 = 28 };

static uint32_t i_type(int32_t imm, int rs1, int f3, int rd, int op)
{
  return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t addi(int rd, int rs1, int32_t imm) { return i_type(imm, rs1, 0, rd, 0x13); }
static uint32_t slli(int rd, int rs1, int sh)      { return i_type(sh & 0x3f, rs1, 1, rd, 0x13); }
static uint32_t ld(int rd, int rs1, int32_t imm)   { return i_type(imm, rs1, 3, rd, 0x03); }

static uint32_t sd(int rs2, int rs1, int32_t imm)
{
  uint32_t u = (uint32_t)imm & 0xfff;
  return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | 3 << 12 | (u & 0x1f) << 7 | 0x23;
}

/* bne rs1, rs2, pc + off (off even, within +-4 KiB) */
static uint32_t bne(int rs1, int rs2, int32_t off)
{
  uint32_t u = (uint32_t)off & 0x1fff;
  return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | 1 << 12 |
         ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

#define ECALL   0x00000073u
#define JSELF   0x0000006fu            /* jal zero, 0: spin (never reached) */

/* ------------------------------------------------------------------------ */
/* The image                                                                 */

struct elfimg {
  Elf64_Ehdr eh;
  Elf64_Phdr ph[MAXPH];
  int nph;                             /* headers written at PHDR_OFF */
  uint32_t code[64];
  int ncode;
  size_t len;                          /* bytes in the file */
};

static void emit(struct elfimg *e, uint32_t insn)
{
  if (e->ncode >= (int)(sizeof e->code / sizeof e->code[0])) {
    fprintf(stderr, "mkbadelf: program too long\n");
    exit(1);
  }
  e->code[e->ncode++] = insn;
}

/* exit(status) */
static void emit_exit(struct elfimg *e, int status)
{
  emit(e, addi(A0, ZERO, status));
  emit(e, addi(A7, ZERO, SYS_EXIT));
  emit(e, ECALL);
  emit(e, JSELF);
}

static Elf64_Phdr load(uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz, uint64_t memsz)
{
  Elf64_Phdr ph = {
    .p_type = PT_LOAD, .p_flags = flags, .p_offset = off, .p_vaddr = va, .p_paddr = va,
    .p_filesz = filesz, .p_memsz = memsz, .p_align = PAGE,
  };
  return ph;
}

/* The good program: text and data segments, exits with status. */
static void good(struct elfimg *e, int status)
{
  memset(e, 0, sizeof *e);
  memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
  e->eh.e_ident[EI_CLASS] = ELFCLASS64;
  e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
  e->eh.e_ident[EI_VERSION] = EV_CURRENT;
  e->eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
  e->eh.e_type = ET_EXEC;
  e->eh.e_machine = EM_RISCV;
  e->eh.e_version = EV_CURRENT;
  e->eh.e_entry = ENTRY_VA;
  e->eh.e_phoff = PHDR_OFF;
  e->eh.e_ehsize = sizeof(Elf64_Ehdr);
  e->eh.e_phentsize = sizeof(Elf64_Phdr);
  e->eh.e_phnum = 2;
  e->nph = 2;
  e->ph[0] = load(PF_R | PF_X, 0, TEXT_VA, DATA_OFF, DATA_OFF);
  e->ph[1] = load(PF_R | PF_W, DATA_OFF, DATA_VA, DATA_LEN, PAGE - DATA_OFF);
  emit_exit(e, status);
  e->len = FILE_LEN;
}

/* Add a program header (and count it in the ELF header). */
static Elf64_Phdr *add_ph(struct elfimg *e, Elf64_Phdr ph)
{
  if (e->nph >= MAXPH) {
    fprintf(stderr, "mkbadelf: too many program headers\n");
    exit(1);
  }
  e->ph[e->nph] = ph;
  e->eh.e_phnum = (Elf64_Half)++e->nph;
  return &e->ph[e->nph - 1];
}

/* The file's bytes; returns its length. */
static size_t render(const struct elfimg *e, uint8_t *out)
{
  static const char data[DATA_LEN] = "kite data seg.\n";
  memset(out, 0, MAXFILE);
  memcpy(out, &e->eh, sizeof e->eh);
  memcpy(out + PHDR_OFF, e->ph, e->nph * sizeof e->ph[0]);
  memcpy(out + CODE_OFF, e->code, e->ncode * sizeof e->code[0]);
  memcpy(out + DATA_OFF, data, DATA_LEN);
  return e->len;
}

/* ------------------------------------------------------------------------ */
/* The cases: each starts from good(e, EXIT_RAN) and breaks one thing        */

/* Header */
static void c_empty(struct elfimg *e)          { e->len = 0; }
static void c_truncated(struct elfimg *e)      { e->len = 40; }
static void c_bad_magic(struct elfimg *e)      { e->eh.e_ident[EI_MAG3] = 'G'; }
static void c_class32(struct elfimg *e)        { e->eh.e_ident[EI_CLASS] = ELFCLASS32; }
static void c_big_endian(struct elfimg *e)     { e->eh.e_ident[EI_DATA] = ELFDATA2MSB; }
static void c_machine(struct elfimg *e)        { e->eh.e_machine = EM_X86_64; }
static void c_type_dyn(struct elfimg *e)       { e->eh.e_type = ET_DYN; }
static void c_type_rel(struct elfimg *e)       { e->eh.e_type = ET_REL; }
static void c_phentsize(struct elfimg *e)      { e->eh.e_phentsize = sizeof(Elf32_Phdr); }
static void c_phnum_0(struct elfimg *e)        { e->eh.e_phnum = 0; }
static void c_phnum_max(struct elfimg *e)      { e->eh.e_phnum = 0xffff; }
static void c_phoff_past_eof(struct elfimg *e) { e->eh.e_phoff = FILE_LEN + 0x100; }
static void c_phoff_wraps(struct elfimg *e)    { e->eh.e_phoff = ~0ULL - 0x3f; }

/* The table starts inside the file and ends past its end. */
static void c_phtab_past_eof(struct elfimg *e) { e->eh.e_phoff = FILE_LEN - sizeof(Elf64_Phdr); }

/* 17 headers, all present in the file: one more than Kite takes. */
static void c_phnum_17(struct elfimg *e)
{
  while (e->nph < 17)
    add_ph(e, (Elf64_Phdr){ .p_type = PT_NOTE });
}

/* Segments: the data segment (ph[1]) is the one damaged unless noted. */
static void c_seg_past_eof(struct elfimg *e)   { e->ph[1].p_filesz = e->ph[1].p_memsz = 0x1000; }
static void c_seg_off_wraps(struct elfimg *e)  { e->ph[1].p_offset = ~0ULL - 0xfff + DATA_OFF; }
static void c_memsz_lt_filesz(struct elfimg *e) { e->ph[1].p_memsz = DATA_LEN - 1; }
static void c_vaddr_wraps(struct elfimg *e)    { e->ph[1].p_vaddr = ~0ULL - 0xfff + DATA_OFF; }
static void c_memsz_wraps(struct elfimg *e)    { e->ph[1].p_memsz = ~0ULL - DATA_VA + 0x1000; }
static void c_wx(struct elfimg *e)             { e->ph[0].p_flags = PF_R | PF_W | PF_X; }
static void c_misaligned(struct elfimg *e)     { e->ph[1].p_vaddr = DATA_VA + 8; }

/* Move the data segment into the page at `page` (same offset in it). */
static void data_at(struct elfimg *e, uint64_t page)
{
  e->ph[1].p_vaddr = page + DATA_OFF;
}

static void c_seg_page0(struct elfimg *e)         { data_at(e, 0); }
static void c_seg_below_base(struct elfimg *e)    { data_at(e, 0x1000); }
static void c_seg_kernel_ram(struct elfimg *e)    { data_at(e, KWIN_RAM); }
static void c_seg_kernel_text(struct elfimg *e)   { data_at(e, KERNEL_TEXT); }
static void c_seg_kernel_dev(struct elfimg *e)    { data_at(e, KWIN_DEV); }
static void c_seg_kernel_stack(struct elfimg *e)  { data_at(e, KSTACK_TOP - PAGE); }
static void c_seg_stack(struct elfimg *e)         { data_at(e, USER_TOP - PAGE); }
static void c_seg_user_top(struct elfimg *e)      { data_at(e, USER_TOP); }
static void c_seg_trampoline(struct elfimg *e)    { data_at(e, TRAMPOLINE); }
static void c_seg_maxva(struct elfimg *e)         { data_at(e, MAXVA); }
static void c_seg_noncanonical(struct elfimg *e)  { data_at(e, 1ULL << 63); }

/* Starts just below the kernel RAM window and runs into it. */
static void c_seg_into_kernel(struct elfimg *e)
{
  data_at(e, KWIN_RAM - PAGE);
  e->ph[1].p_memsz = 2 * PAGE;
}

/* A third segment whose bytes overlap the text segment's. */
static void c_overlap(struct elfimg *e)
{
  add_ph(e, load(PF_R, 0, TEXT_VA + 0x200, 0x100, 0x100))->p_offset = 0x200;
}

/* bss runs from 128 GiB into the device window at 253 GiB. */
static void c_bss_too_big(struct elfimg *e)
{
  add_ph(e, load(PF_R | PF_W, 0, BIG_BSS_VA, 0, KWIN_DEV + PAGE - BIG_BSS_VA));
}

/* Entry points: each file loads; the program faults at its first
 * instruction. */
static void c_entry_data(struct elfimg *e)       { e->eh.e_entry = DATA_VA; }
static void c_entry_unmapped(struct elfimg *e)   { e->eh.e_entry = 0x5000000; }
static void c_entry_zero(struct elfimg *e)       { e->eh.e_entry = 0; }
static void c_entry_kernel(struct elfimg *e)     { e->eh.e_entry = KERNEL_TEXT; }
static void c_entry_trampoline(struct elfimg *e) { e->eh.e_entry = TRAMPOLINE; }
static void c_entry_noncanon(struct elfimg *e)   { e->eh.e_entry = 1ULL << 63; }

/* No PT_LOAD at all: nothing is mapped where the entry points. */
static void c_no_load(struct elfimg *e)
{
  e->ph[0].p_type = PT_NOTE;
  e->ph[1].p_type = PT_NOTE;
}

/* ---- good files: exit EXIT_GOOD ---------------------------------------- */

static void g_tiny(struct elfimg *e) { good(e, EXIT_GOOD); }

/* 16 PT_LOAD segments, Kite's most: text, data and 14 pages of bss. */
static void g_max_segments(struct elfimg *e)
{
  good(e, EXIT_GOOD);
  for (int i = 0; e->nph < 16; i++)
    add_ph(e, load(PF_R | PF_W, 0, 0x40000 + i * 2 * PAGE, 0, PAGE));
}

/* Program headers Kite does not load, with nonsense in every field. */
static void g_junk_phdrs(struct elfimg *e)
{
  good(e, EXIT_GOOD);
  const uint32_t types[] = { PT_NOTE, PT_GNU_STACK, PT_NULL, 0x7000abcd };
  for (unsigned i = 0; i < sizeof types / sizeof types[0]; i++)
    add_ph(e, (Elf64_Phdr){ .p_type = types[i], .p_flags = PF_R | PF_W | PF_X,
                            .p_offset = ~0ULL - i, .p_vaddr = KWIN_RAM, .p_filesz = ~0ULL,
                            .p_memsz = 1, .p_align = 3 });
}

/*
 * 8 GiB of bss at BIG_BSS_VA, which must cost nothing until touched. The
 * program checks that the first and last words read zero, writes and reads
 * them back, and exits 42; any surprise exits 1.
 */
static void g_huge_bss(struct elfimg *e)
{
  int to_fail[4], n = 0;

  good(e, EXIT_GOOD);
  add_ph(e, load(PF_R | PF_W, 0, BIG_BSS_VA, 0, BIG_BSS_LEN));
  e->ncode = 0;
  emit(e, addi(T0, ZERO, 1));
  emit(e, slli(T0, T0, 37));                    /* t0 = BIG_BSS_VA */
  emit(e, addi(T1, ZERO, 0x11));
  emit(e, slli(T1, T1, 33));                    /* t1 = BIG_BSS_VA + BIG_BSS_LEN */
  emit(e, addi(T1, T1, -8));                    /*      - 8: the last word */
  emit(e, ld(T2, T0, 0));
  to_fail[n++] = e->ncode;
  emit(e, bne(T2, ZERO, 0));
  emit(e, ld(T2, T1, 0));
  to_fail[n++] = e->ncode;
  emit(e, bne(T2, ZERO, 0));
  emit(e, addi(T3, ZERO, 0x5a));
  emit(e, sd(T3, T0, 0));
  emit(e, sd(T3, T1, 0));
  emit(e, ld(T2, T0, 0));
  to_fail[n++] = e->ncode;
  emit(e, bne(T2, T3, 0));
  emit(e, ld(T2, T1, 0));
  to_fail[n++] = e->ncode;
  emit(e, bne(T2, T3, 0));
  emit_exit(e, EXIT_GOOD);
  /* fail: */
  for (int i = 0; i < n; i++) {
    uint32_t *insn = &e->code[to_fail[i]];
    *insn = bne((*insn >> 15) & 0x1f, (*insn >> 20) & 0x1f, (e->ncode - to_fail[i]) * 4);
  }
  emit_exit(e, 1);
}

/* ------------------------------------------------------------------------ */

struct elfcase {
  const char *name;
  void (*make)(struct elfimg *e);
  int good;                            /* 1: built from good(e, EXIT_GOOD) by make */
};

static const struct elfcase cases[] = {
  /* The ELF header */
  { "badelf-empty",              c_empty },             /* 0 bytes */
  { "badelf-truncated",          c_truncated },         /* 40 of the header's 64 bytes */
  { "badelf-bad-magic",          c_bad_magic },         /* "\x7fELG" */
  { "badelf-class32",            c_class32 },           /* ELFCLASS32 */
  { "badelf-big-endian",         c_big_endian },        /* ELFDATA2MSB */
  { "badelf-machine-x86",        c_machine },           /* EM_X86_64 */
  { "badelf-type-dyn",           c_type_dyn },          /* ET_DYN (a PIE or shared object) */
  { "badelf-type-rel",           c_type_rel },          /* ET_REL (an object file) */
  { "badelf-phentsize",          c_phentsize },         /* 32-byte program headers */
  { "badelf-phnum-0",            c_phnum_0 },           /* no program headers */
  { "badelf-phnum-17",           c_phnum_17 },          /* 17, all in the file */
  { "badelf-phnum-65535",        c_phnum_max },         /* table far past the end */
  { "badelf-phoff-past-eof",     c_phoff_past_eof },    /* table starts past the end */
  { "badelf-phtab-past-eof",     c_phtab_past_eof },    /* table runs past the end */
  { "badelf-phoff-wraps",        c_phoff_wraps },       /* phoff + table size wraps */
  /* PT_LOAD segments */
  { "badelf-seg-past-eof",       c_seg_past_eof },      /* file bytes run past the end */
  { "badelf-seg-off-wraps",      c_seg_off_wraps },     /* offset + filesz wraps */
  { "badelf-memsz-lt-filesz",    c_memsz_lt_filesz },   /* memsz < filesz */
  { "badelf-vaddr-wraps",        c_vaddr_wraps },       /* vaddr + memsz wraps */
  { "badelf-memsz-wraps",        c_memsz_wraps },       /* huge memsz: end wraps */
  { "badelf-seg-page0",          c_seg_page0 },         /* in page 0 */
  { "badelf-seg-below-base",     c_seg_below_base },    /* below USER_BASE */
  { "badelf-seg-kernel-ram",     c_seg_kernel_ram },    /* 0x80000000: OpenSBI */
  { "badelf-seg-kernel-text",    c_seg_kernel_text },   /* 0x80200000: Kite's text */
  { "badelf-seg-into-kernel",    c_seg_into_kernel },   /* runs into the RAM window */
  { "badelf-seg-kernel-dev",     c_seg_kernel_dev },    /* device window */
  { "badelf-seg-kernel-stack",   c_seg_kernel_stack },  /* kernel-stack window */
  { "badelf-seg-stack",          c_seg_stack },         /* where the user stack goes */
  { "badelf-seg-user-top",       c_seg_user_top },      /* at USER_TOP */
  { "badelf-seg-trampoline",     c_seg_trampoline },    /* the trampoline page */
  { "badelf-seg-maxva",          c_seg_maxva },         /* 1 << 38: past Sv39 */
  { "badelf-seg-noncanonical",   c_seg_noncanonical },  /* 1 << 63 */
  { "badelf-overlap",            c_overlap },           /* two segments share bytes */
  { "badelf-wx",                 c_wx },                /* writable and executable */
  { "badelf-misaligned",         c_misaligned },        /* vaddr, offset differ mod 4096 */
  { "badelf-bss-too-big",        c_bss_too_big },       /* 125 GiB of bss into a window */
  /* Entry points: these load, then fault at the first instruction */
  { "badelf-entry-data",         c_entry_data },        /* data: not executable */
  { "badelf-entry-unmapped",     c_entry_unmapped },    /* nothing mapped there */
  { "badelf-entry-zero",         c_entry_zero },        /* page 0 */
  { "badelf-entry-kernel",       c_entry_kernel },      /* Kite's own text */
  { "badelf-entry-trampoline",   c_entry_trampoline },  /* the trampoline (no U bit) */
  { "badelf-entry-noncanonical", c_entry_noncanon },    /* 1 << 63 */
  { "badelf-no-load",            c_no_load },           /* no PT_LOAD: nothing mapped */
  /* Valid files */
  { "goodelf-tiny",              g_tiny,          1 },  /* li a0, 42; li a7, 2; ecall */
  { "goodelf-max-segments",      g_max_segments,  1 },  /* 16 PT_LOAD segments */
  { "goodelf-junk-phdrs",        g_junk_phdrs,    1 },  /* wild non-PT_LOAD headers */
  { "goodelf-huge-bss",          g_huge_bss,      1 },  /* 8 GiB of bss, both ends touched */
};

static int write_file(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
    fprintf(stderr, "mkbadelf: %s/%s: path too long\n", dir, name);
    return -1;
  }
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "mkbadelf: %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char *argv[])
{
  static uint8_t buf[MAXFILE];
  struct elfimg e;

  if (argc != 2) {
    fprintf(stderr, "usage: mkbadelf DIR\n");
    return 2;
  }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (!cases[i].good)
      good(&e, EXIT_RAN);
    cases[i].make(&e);
    size_t len = render(&e, buf);
    if (write_file(argv[1], cases[i].name, buf, len) < 0)
      return 1;
  }
  return 0;
}
