/*
 * badinput: Kite's in-QEMU suite of bad input that is not a system-call
 * argument: malformed ELF executables and a damaged file system.
 *
 *   badinput [-q] [-l] [-a NAME] [NAME...]
 *
 * The flags, the output protocol and how each test runs in a child of its
 * own are the test runner's: see user/lib/ktest.h.
 *
 * The rule under test: no ELF file or file-system image may panic the
 * kernel; bad input gets a clear error and loses nothing.
 *
 * ELF files. mkfs/mkbadelf writes one file per way an executable can be
 * wrong (badelf-*) and a few valid ones (goodelf-*); the image holds them
 * all. elf_cases below says what Kite must do with each:
 *  - REFUSED: exec returns -ENOEXEC (kernel/proc/elf.c and exec.c check
 *    the header, every PT_LOAD segment against the file and against user
 *    space, its kernel windows and the other segments) and the caller is
 *    intact: the same mappings (kite_mmaps, all but the resident counts),
 *    the same data and heap;
 *  - KILLED: the file loads but its entry point is not executable user
 *    memory; the program is killed at its first instruction (status -1);
 *  - RUNS: the program runs and exits 42 (a bad file Kite runs by mistake
 *    exits 99 instead).
 * The goodelf-huge-bss program has 8 GiB of bss, which Kite maps lazily:
 * it touches both ends and exits 42.
 *
 * A damaged file system. The harness runs this suite on a copy of fs.img
 * that mkfs/fscorrupt has damaged: it adds "canary" (must come through
 * untouched), the marker "corrupted" (the list of victims) and victims
 * named for what is wrong with them. The victim-* tests fail if the
 * marker is missing. What each victim must do is in the comment above
 * its test; in short:
 *  - an inode that is itself unusable (unknown type, negative link count,
 *    a size past the largest file, a number past the inode table or a free
 *    inode) gives -EIO from every call that needs it: open, unlink, link,
 *    chdir, O_CREAT; exec says -ENOEXEC (or -EIO);
 *  - a block pointer outside the data region gives -EIO for the bytes
 *    behind it, reading and writing; the file's other blocks read as they
 *    were; unlink removes the file, freeing only its good blocks;
 *  - a directory with a bad block gives -EIO for lookups in it; one whose
 *    size has a partial entry at the end is used up to its last whole one;
 *  - a file named in a directory but with link count 0 keeps its data or
 *    gives -EIO; it is never freed while named, so its name never comes to
 *    name a file created later.
 * After all of them the file system still works and the canary is intact.
 *
 * Every call goes through kite_syscall(), so error numbers are checked
 * exactly. Files the tests create start with "bi-" and are removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include <kite/mman.h>

#define EXIT_GOOD        42      /* a goodelf-* program (mkbadelf) */
#define EXIT_RAN         99      /* a badelf-* program Kite should not have run */
#define EXEC_FAIL_BASE   1000    /* a child whose exec failed: base + errno */

#define MARKER           "/corrupted"
#define CANARY           "/canary"
#define CANARY_LEN       (40 * KITE_BSIZE)
#define CANARY_SEED      0x3c

#define KB      KITE_BSIZE

#define O_RD    KITE_O_RDONLY
#define O_RW    KITE_O_RDWR
#define O_NEW   (KITE_O_CREAT | KITE_O_TRUNC | KITE_O_RDWR)

/* ------------------------------------------------------------------------ */
/* Raw system calls                                                          */

static __attribute__((noreturn)) void k_exit(long st) { KSYS1(SYS_exit, st); for (;;) ; }
static long k_read(long fd, void *p, long n)        { return KSYS3(SYS_read, fd, p, n); }
static long k_write(long fd, const void *p, long n) { return KSYS3(SYS_write, fd, p, n); }
static long k_exec(const char *path, char *const argv[]) { return KSYS2(SYS_exec, path, argv); }
static long k_fstat(long fd, struct kite_stat *st) { return KSYS2(SYS_fstat, fd, st); }
static long k_open(const char *path, long flags) { return KSYS2(SYS_open, path, flags); }
static long k_close(long fd)              { return KSYS1(SYS_close, fd); }
static long k_unlink(const char *path)    { return KSYS1(SYS_unlink, path); }
static long k_link(const char *a, const char *b) { return KSYS2(SYS_link, a, b); }
static long k_mkdir(const char *path)     { return KSYS1(SYS_mkdir, path); }
static long k_chdir(const char *path)     { return KSYS1(SYS_chdir, path); }
static long k_dup(long fd)                { return KSYS1(SYS_dup, fd); }
static long k_pipe(int *fds)              { return KSYS1(SYS_pipe, fds); }
static long k_lseek(long fd, long off, long whence) { return KSYS3(SYS_lseek, fd, off, whence); }
static long k_sbrk(long n)                { return KSYS2(SYS_sbrk, n, KITE_SBRK_LAZY); }
static long k_mmaps(long pid, struct kite_mapping *m, long n)
{
  return KSYS3(SYS_mmaps, pid, m, n);
}

static long k_mmap(unsigned long addr, unsigned long len, long prot, long flags, long fd, long off)
{
  return kite_syscall(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

static unsigned char buf[64 * 1024];

/* fscorrupt's file contents: byte i of a file made with seed s. */
static unsigned char pattern(unsigned seed, unsigned long i)
{
  return (unsigned char)(i % 251 + seed);
}

static void expect_pattern(int line, const char *what, const unsigned char *p, long n,
                           unsigned long off, unsigned seed)
{
  for (long i = 0; i < n; i++)
    if (p[i] != pattern(seed, off + i))
      fail(line, "%s: byte %lu is %#x, expected %#x", what, off + i, p[i],
           pattern(seed, off + i));
}

static void expect_zeros(int line, const char *what, const unsigned char *p, long n,
                         unsigned long off)
{
  for (long i = 0; i < n; i++)
    if (p[i] != 0)
      fail(line, "%s: byte %lu is %#x, expected 0 (a hole)", what, off + i, p[i]);
}

/* Open path, failing the check on error; the descriptor. */
static long xopen(int line, const char *path, long flags)
{
  long fd = k_open(path, flags);
  if (is_err(fd))
    fail(line, "open %s = %s", path, errname(fd));
  return fd;
}
#define OPEN(p, f) xopen(__LINE__, (p), (f))

/* read(fd, buf, n) at offset off: read's result. */
static long read_at(int line, long fd, unsigned long off, long n)
{
  long r = k_lseek(fd, off, KITE_SEEK_SET);
  if (r != (long)off)
    fail(line, "lseek to %lu = %s", off, errname(r));
  memset(buf, 0xee, n);
  return k_read(fd, buf, n);
}

static long write_at(int line, long fd, unsigned long off, const void *p, long n)
{
  long r = k_lseek(fd, off, KITE_SEEK_SET);
  if (r != (long)off)
    fail(line, "lseek to %lu = %s", off, errname(r));
  return k_write(fd, p, n);
}

static void stat_path(int line, const char *path, struct kite_stat *st)
{
  long fd = xopen(line, path, O_RD);
  long r = k_fstat(fd, st);
  if (r != 0)
    fail(line, "fstat %s = %s", path, errname(r));
  k_close(fd);
}

/* Run /ls path with its output (stdout and stderr) into out; the exit status. */
static int run_ls(int line, const char *path, char *out, long cap)
{
  int p[2];
  long n = 0, r;

  if (k_pipe(p) != 0)
    fail(line, "pipe failed");
  long pid = xfork(line);
  if (pid == 0) {
    char *argv[] = { "ls", (char *)path, NULL };
    k_close(1);
    k_close(2);
    if (k_dup(p[1]) != 1 || k_dup(p[1]) != 2)
      k_exit(EXEC_FAIL_BASE + KITE_EBADF);
    k_close(p[0]);
    k_close(p[1]);
    k_exit(EXEC_FAIL_BASE - k_exec("/ls", argv));
  }
  k_close(p[1]);
  while ((r = k_read(p[0], out + n, cap - 1 - n)) > 0)
    if ((n += r) == cap - 1)
      break;
  while (k_read(p[0], buf, sizeof buf) > 0)
    ;
  out[n] = '\0';
  k_close(p[0]);
  return wait_for(line, pid);
}

/* ------------------------------------------------------------------------ */
/* ELF files                                                                 */

enum elf_outcome { REFUSED, KILLED, RUNS };

/*
 * Every file mkbadelf writes, with what Kite must do with it; the name
 * says what is wrong with the file (mkfs/mkbadelf.c has the details). The
 * table makes one test per file, named after it.
 */
#define ELF_CASES(X)                                                                   \
  X(badelf_empty,              "badelf-empty",              REFUSED) /* 0 bytes */   \
  X(badelf_truncated,          "badelf-truncated",          REFUSED) /* 40-byte header */ \
  X(badelf_bad_magic,          "badelf-bad-magic",          REFUSED)                  \
  X(badelf_class32,            "badelf-class32",            REFUSED)                  \
  X(badelf_big_endian,         "badelf-big-endian",         REFUSED)                  \
  X(badelf_machine_x86,        "badelf-machine-x86",        REFUSED)                  \
  X(badelf_type_dyn,           "badelf-type-dyn",           REFUSED) /* no PIE loader */ \
  X(badelf_type_rel,           "badelf-type-rel",           REFUSED)                  \
  X(badelf_phentsize,          "badelf-phentsize",          REFUSED)                  \
  X(badelf_phnum_0,            "badelf-phnum-0",            REFUSED)                  \
  X(badelf_phnum_17,           "badelf-phnum-17",           REFUSED) /* max is 16 */  \
  X(badelf_phnum_65535,        "badelf-phnum-65535",        REFUSED)                  \
  X(badelf_phoff_past_eof,     "badelf-phoff-past-eof",     REFUSED)                  \
  X(badelf_phtab_past_eof,     "badelf-phtab-past-eof",     REFUSED)                  \
  X(badelf_phoff_wraps,        "badelf-phoff-wraps",        REFUSED)                  \
  X(badelf_seg_past_eof,       "badelf-seg-past-eof",       REFUSED)                  \
  X(badelf_seg_off_wraps,      "badelf-seg-off-wraps",      REFUSED)                  \
  X(badelf_memsz_lt_filesz,    "badelf-memsz-lt-filesz",    REFUSED)                  \
  X(badelf_vaddr_wraps,        "badelf-vaddr-wraps",        REFUSED)                  \
  X(badelf_memsz_wraps,        "badelf-memsz-wraps",        REFUSED)                  \
  X(badelf_seg_page0,          "badelf-seg-page0",          REFUSED)                  \
  X(badelf_seg_below_base,     "badelf-seg-below-base",     REFUSED)                  \
  X(badelf_seg_kernel_ram,     "badelf-seg-kernel-ram",     REFUSED)                  \
  X(badelf_seg_kernel_text,    "badelf-seg-kernel-text",    REFUSED)                  \
  X(badelf_seg_into_kernel,    "badelf-seg-into-kernel",    REFUSED)                  \
  X(badelf_seg_kernel_dev,     "badelf-seg-kernel-dev",     REFUSED)                  \
  X(badelf_seg_kernel_stack,   "badelf-seg-kernel-stack",   REFUSED)                  \
  X(badelf_seg_stack,          "badelf-seg-stack",          REFUSED)                  \
  X(badelf_seg_user_top,       "badelf-seg-user-top",       REFUSED)                  \
  X(badelf_seg_trampoline,     "badelf-seg-trampoline",     REFUSED)                  \
  X(badelf_seg_maxva,          "badelf-seg-maxva",          REFUSED)                  \
  X(badelf_seg_noncanonical,   "badelf-seg-noncanonical",   REFUSED)                  \
  X(badelf_overlap,            "badelf-overlap",            REFUSED)                  \
  X(badelf_wx,                 "badelf-wx",                 REFUSED) /* W^X */        \
  X(badelf_misaligned,         "badelf-misaligned",         REFUSED)                  \
  X(badelf_bss_too_big,        "badelf-bss-too-big",        REFUSED) /* into a window */ \
  X(badelf_entry_data,         "badelf-entry-data",         KILLED)                   \
  X(badelf_entry_unmapped,     "badelf-entry-unmapped",     KILLED)                   \
  X(badelf_entry_zero,         "badelf-entry-zero",         KILLED)                   \
  X(badelf_entry_kernel,       "badelf-entry-kernel",       KILLED)                   \
  X(badelf_entry_trampoline,   "badelf-entry-trampoline",   KILLED)                   \
  X(badelf_entry_noncanonical, "badelf-entry-noncanonical", KILLED)                   \
  X(badelf_no_load,            "badelf-no-load",            KILLED)                   \
  X(goodelf_tiny,              "goodelf-tiny",              RUNS)                     \
  X(goodelf_max_segments,      "goodelf-max-segments",      RUNS)                     \
  X(goodelf_junk_phdrs,        "goodelf-junk-phdrs",        RUNS)                     \
  X(goodelf_huge_bss,          "goodelf-huge-bss",          RUNS)

struct elf_case {
  const char *file;
  enum elf_outcome outcome;
};

#define ELF_TABLE_ENTRY(fn, file, outcome) { file, outcome },
static const struct elf_case elf_cases[] = { ELF_CASES(ELF_TABLE_ENTRY) };
#define NELF ((int)(sizeof elf_cases / sizeof elf_cases[0]))

/* The caller's state that a failed exec must leave alone. */
#define MAXMAPS 64
static struct kite_mapping maps_before[MAXMAPS], maps_after[MAXMAPS];
static int data_marker = 0x5ca1ab1e;

static long my_maps(int line, struct kite_mapping *m)
{
  long n = k_mmaps(0, m, MAXMAPS);
  if (is_err(n) || n > MAXMAPS)
    fail(line, "mmaps = %s", errname(n));
  return n;
}

/* Two mapping records agree on everything but the resident count. */
static int same_mapping(const struct kite_mapping *a, const struct kite_mapping *b)
{
  return a->start == b->start && a->end == b->end && a->offset == b->offset &&
         a->prot == b->prot && a->type == b->type && a->flags == b->flags &&
         a->inum == b->inum && memcmp(a->name, b->name, sizeof a->name) == 0;
}

/* exec must fail with exactly -ENOEXEC and leave this process as it was. */
static void exec_refused(int line, const char *path)
{
  char *argv[] = { (char *)path, NULL };
  volatile char *heap = (char *)k_sbrk(KITE_PGSIZE);
  heap[0] = 'h';
  long n = my_maps(line, maps_before);

  long r = k_exec(path, argv);
  if (r != -KITE_ENOEXEC)
    fail(line, "exec %s = %s, expected ENOEXEC", path, errname(r));
  long n2 = my_maps(line, maps_after);
  if (n2 != n)
    fail(line, "exec %s failed, but I now have %ld mappings, not %ld", path, n2, n);
  for (long i = 0; i < n; i++)
    if (!same_mapping(&maps_before[i], &maps_after[i]))
      fail(line, "exec %s failed, but my mapping %ld at %#lx changed", path, i,
           (unsigned long)maps_before[i].start);
  if (data_marker != 0x5ca1ab1e || heap[0] != 'h')
    fail(line, "exec %s failed, but my memory changed", path);
}

/* exec path in a child; its exit status. */
static int exec_in_child(int line, const char *path)
{
  long pid = xfork(line);
  if (pid == 0) {
    char *argv[] = { (char *)path, NULL };
    k_exit(EXEC_FAIL_BASE - k_exec(path, argv));
  }
  return wait_for(line, pid);
}

static void elf_case(int line, int i)
{
  char path[KITE_MAXPATH];
  int st;

  snprintf(path, sizeof path, "/%s", elf_cases[i].file);
  switch (elf_cases[i].outcome) {
  case REFUSED:
    exec_refused(line, path);
    break;
  case KILLED:
    if ((st = exec_in_child(line, path)) != -1)
      fail(line, "exec %s: child %s, expected to be killed (-1)", path, status_text(st));
    break;
  case RUNS:
    if ((st = exec_in_child(line, path)) != EXIT_GOOD)
      fail(line, "exec %s: child %s, expected to exit %d", path, status_text(st), EXIT_GOOD);
    break;
  }
}

#define ELF_TEST_FN(fn, file, outcome) \
  static void t_##fn(void) { elf_case(__LINE__, fn##_index); }
#define ELF_INDEX(fn, file, outcome) fn##_index,
enum { ELF_CASES(ELF_INDEX) };
ELF_CASES(ELF_TEST_FN)

/* Read directory path; calls fn(name) for each entry in use. */
static void each_entry(int line, const char *path, void (*fn)(int line, const char *name))
{
  struct kite_dirent de;
  char name[KITE_DIRSIZ + 1];
  long fd = xopen(line, path, O_RD), r;

  while ((r = k_read(fd, &de, sizeof de)) == sizeof de) {
    if (de.inum == 0)
      continue;
    memcpy(name, de.name, KITE_DIRSIZ);
    name[KITE_DIRSIZ] = '\0';
    fn(line, name);
  }
  if (r != 0)
    fail(line, "reading %s = %s", path, errname(r));
  k_close(fd);
}

static int elf_seen[NELF];

static void note_elf_file(int line, const char *name)
{
  if (strncmp(name, "badelf-", 7) != 0 && strncmp(name, "goodelf-", 8) != 0)
    return;
  for (int i = 0; i < NELF; i++)
    if (strcmp(elf_cases[i].file, name) == 0) {
      elf_seen[i] = 1;
      return;
    }
  fail(line, "/%s has no test here: add it to ELF_CASES", name);
}

/* Every badelf-* and goodelf-* file in / has a test, and every test its file. */
static void t_elf_files(void)
{
  each_entry(__LINE__, "/", note_elf_file);
  for (int i = 0; i < NELF; i++)
    if (!elf_seen[i])
      fail(__LINE__, "/%s is missing from the image (mkbadelf writes it)", elf_cases[i].file);
}

/* ------------------------------------------------------------------------ */
/* The damaged file system: the marker and the canary                        */

/* The victims fscorrupt makes, as its marker lists them. */
static const char *const victims[] = {
  "victim-nlink0", "victim-nlink-neg",
  "victim-direct-out", "victim-direct-log", "victim-direct-inodes", "victim-direct-super",
  "victim-direct-bitmap", "victim-direct-max",
  "victim-indirect-out", "victim-indirect-entry",
  "victim-dind-top", "victim-dind-mid", "victim-dind-leaf",
  "victim-type-7", "victim-type-neg", "victim-size-too-big", "victim-size-sparse",
  "victim-inum-ninodes", "victim-inum-max", "victim-inum-free",
  "victim-dev-major",
  "victim-dir-partial", "victim-dir-badblock", "victim-dir-dotdot", "victim-dir-loop",
  "victim-file-as-dir",
};
#define NVICTIMS ((int)(sizeof victims / sizeof victims[0]))

static void need_marker(int line)
{
  long fd = k_open(MARKER, O_RD);
  if (fd == -KITE_ENOENT)
    fail(line, "no %s: this suite must run on an image damaged by build/fscorrupt "
         "(make test does that)", MARKER);
  if (is_err(fd))
    fail(line, "open %s = %s", MARKER, errname(fd));
  k_close(fd);
}

static void note_victim(int line, const char *name)
{
  if (strncmp(name, "victim-", 7) != 0)
    return;
  for (int i = 0; i < NVICTIMS; i++)
    if (strcmp(victims[i], name) == 0)
      return;
  fail(line, "/%s has no test here", name);
}

/* The marker is there and lists exactly the victims tested here. */
static void t_marker(void)
{
  static char text[4096];
  need_marker(__LINE__);
  long fd = OPEN(MARKER, O_RD);
  long n = k_read(fd, text, sizeof text - 1);
  CHECK_OK(n);
  text[n] = '\0';
  k_close(fd);
  char *line = text;
  int count = 0;
  for (char *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
    *nl = '\0';
    note_victim(__LINE__, line);
    count++;
  }
  CHECK_EQ(count, NVICTIMS);
  each_entry(__LINE__, "/", note_victim);
}

static void check_canary(int line)
{
  struct kite_stat st;
  stat_path(line, CANARY, &st);
  if (st.st_size != CANARY_LEN)
    fail(line, "%s: size %lu, expected %d", CANARY, (unsigned long)st.st_size, CANARY_LEN);
  long fd = xopen(line, CANARY, O_RD);
  long n = k_read(fd, buf, CANARY_LEN);
  if (n != CANARY_LEN)
    fail(line, "read %s = %s, expected %d", CANARY, errname(n), CANARY_LEN);
  expect_pattern(line, CANARY, buf, n, 0, CANARY_SEED);
  k_close(fd);
}

/* The canary is intact before the damaged files are touched. */
static void t_canary_before(void)
{
  need_marker(__LINE__);
  check_canary(__LINE__);
}

/* ls / lists what it can and names what it cannot (exit 1): it is not
 * killed and the kernel does not panic. */
static void t_ls_root(void)
{
  static char out[32 * 1024];
  need_marker(__LINE__);
  int st = run_ls(__LINE__, "/", out, sizeof out);
  if (st != 1)
    fail(__LINE__, "ls /: %s, expected 1 (some entries cannot be read)", status_text(st));
  CHECK(strstr(out, "canary") != NULL);
  CHECK(strstr(out, "README.md") != NULL);
  CHECK(strstr(out, "victim-type-7") != NULL);       /* named in its error line */
}

/* ------------------------------------------------------------------------ */
/* Victims whose inode is unusable: -EIO from everything that needs it      */

static void unusable_inode(int line, const char *path)
{
  char *argv[] = { (char *)path, NULL };
  long r;

  need_marker(line);
  if ((r = k_open(path, O_RD)) != -KITE_EIO)
    fail(line, "open %s = %s, expected EIO", path, errname(r));
  if ((r = k_open(path, O_RW)) != -KITE_EIO)
    fail(line, "open %s read-write = %s, expected EIO", path, errname(r));
  if ((r = k_open(path, KITE_O_CREAT | O_RW)) != -KITE_EIO)
    fail(line, "open %s with O_CREAT = %s, expected EIO", path, errname(r));
  if ((r = k_mkdir(path)) != -KITE_EIO && r != -KITE_EEXIST)
    fail(line, "mkdir %s = %s, expected EIO or EEXIST", path, errname(r));
  if ((r = k_chdir(path)) != -KITE_EIO)
    fail(line, "chdir %s = %s, expected EIO", path, errname(r));
  if ((r = k_link(path, "/bi-link")) != -KITE_EIO)
    fail(line, "link %s = %s, expected EIO", path, errname(r));
  if ((r = k_exec(path, argv)) != -KITE_ENOEXEC && r != -KITE_EIO)
    fail(line, "exec %s = %s, expected ENOEXEC or EIO", path, errname(r));
  if ((r = k_unlink(path)) != -KITE_EIO)
    fail(line, "unlink %s = %s, expected EIO", path, errname(r));
  if ((r = k_open(path, O_RD)) != -KITE_EIO)         /* still there, still refused */
    fail(line, "open %s after unlink = %s, expected EIO", path, errname(r));
  CHECK_ERR(k_open("/bi-link", O_RD), KITE_ENOENT);
}

/* Inode type 7 / -1: no such type. */
static void t_victim_type_7(void)   { unusable_inode(__LINE__, "/victim-type-7"); }
static void t_victim_type_neg(void) { unusable_inode(__LINE__, "/victim-type-neg"); }
/* Link count -5. */
static void t_victim_nlink_neg(void) { unusable_inode(__LINE__, "/victim-nlink-neg"); }
/* Size one byte past the largest file Kite can hold. */
static void t_victim_size_too_big(void) { unusable_inode(__LINE__, "/victim-size-too-big"); }
/* Root entries naming inode ninodes (past the table), 65535, a free inode. */
static void t_victim_inum_ninodes(void) { unusable_inode(__LINE__, "/victim-inum-ninodes"); }
static void t_victim_inum_max(void)     { unusable_inode(__LINE__, "/victim-inum-max"); }
static void t_victim_inum_free(void)    { unusable_inode(__LINE__, "/victim-inum-free"); }

/* ------------------------------------------------------------------------ */
/* Victims with a bad block pointer: -EIO for those bytes only               */

/*
 * A 3-block file (seed) whose direct block 0 points outside the data
 * region. Its inode is sound, so open and fstat work; block 0 gives -EIO
 * to read, write, mmap and exec; blocks 1 and 2 read as they were; unlink
 * removes it (Kite frees blocks 1 and 2 and refuses to free the bad one).
 */
static void bad_direct(int line, const char *path, unsigned seed)
{
  char *argv[] = { (char *)path, NULL };
  struct kite_stat st;
  long fd, r;

  need_marker(line);
  stat_path(line, path, &st);
  if (st.st_size != 3 * KITE_BSIZE || (st.st_mode & KITE_S_IFMT) != KITE_S_IFREG)
    fail(line, "fstat %s: size %lu mode %#o", path, (unsigned long)st.st_size, st.st_mode);
  fd = xopen(line, path, O_RW);
  if ((r = read_at(line, fd, 0, 3 * KITE_BSIZE)) != -KITE_EIO)
    fail(line, "read of block 0 = %s, expected EIO", errname(r));
  if ((r = read_at(line, fd, 100, 10)) != -KITE_EIO)
    fail(line, "read inside block 0 = %s, expected EIO", errname(r));
  if ((r = read_at(line, fd, KITE_BSIZE, 2 * KITE_BSIZE)) != 2 * KITE_BSIZE)
    fail(line, "read of blocks 1-2 = %s, expected %d", errname(r), 2 * KITE_BSIZE);
  expect_pattern(line, path, buf, r, KITE_BSIZE, seed);
  if ((r = write_at(line, fd, 0, "overwrite", 9)) != -KITE_EIO)
    fail(line, "write to block 0 = %s, expected EIO", errname(r));
  if ((r = k_mmap(0, KITE_PGSIZE, KITE_PROT_READ, KITE_MAP_PRIVATE, fd, 0)) != -KITE_EIO)
    fail(line, "mmap private = %s, expected EIO", errname(r));
  if ((r = k_mmap(0, KITE_PGSIZE, KITE_PROT_READ, KITE_MAP_SHARED, fd, 0)) != -KITE_EIO)
    fail(line, "mmap shared = %s, expected EIO", errname(r));
  k_close(fd);
  if ((r = k_exec(path, argv)) != -KITE_ENOEXEC)
    fail(line, "exec %s = %s, expected ENOEXEC", path, errname(r));
  fd = xopen(line, path, O_RD);                     /* nothing changed on the way */
  if ((r = read_at(line, fd, KITE_BSIZE, 2 * KITE_BSIZE)) != 2 * KITE_BSIZE)
    fail(line, "read of blocks 1-2 again = %s", errname(r));
  expect_pattern(line, path, buf, r, KITE_BSIZE, seed);
  k_close(fd);
  if ((r = k_unlink(path)) != 0)
    fail(line, "unlink %s = %s, expected 0", path, errname(r));
  if ((r = k_open(path, O_RD)) != -KITE_ENOENT)
    fail(line, "open %s after unlink = %s, expected ENOENT", path, errname(r));
}

/* Direct block 0 = a block past the image, a log block, the root's inode
 * block, the superblock, the bitmap, 0xffffffff. */
static void t_victim_direct_out(void)    { bad_direct(__LINE__, "/victim-direct-out", 30); }
static void t_victim_direct_log(void)    { bad_direct(__LINE__, "/victim-direct-log", 31); }
static void t_victim_direct_inodes(void) { bad_direct(__LINE__, "/victim-direct-inodes", 32); }
static void t_victim_direct_super(void)  { bad_direct(__LINE__, "/victim-direct-super", 33); }
static void t_victim_direct_bitmap(void) { bad_direct(__LINE__, "/victim-direct-bitmap", 34); }
static void t_victim_direct_max(void)    { bad_direct(__LINE__, "/victim-direct-max", 35); }

/* 14 blocks (seed 40), the single-indirect pointer = the image size:
 * blocks 0-10 read, 11-13 give -EIO (read and write); unlink works. */
static void t_victim_indirect_out(void)
{
  const char *path = "/victim-indirect-out";
  need_marker(__LINE__);
  long fd = OPEN(path, O_RW);
  CHECK_EQ(read_at(__LINE__, fd, 0, 11 * KB), 11 * KB);
  expect_pattern(__LINE__, path, buf, 11 * KB, 0, 40);
  /* A read running into the bad pointer stops short, with what it got. */
  CHECK_EQ(read_at(__LINE__, fd, 10 * KB, 2 * KB), KB);
  expect_pattern(__LINE__, path, buf, KB, 10 * KB, 40);
  CHECK_ERR(read_at(__LINE__, fd, 11 * KB, KB), KITE_EIO);
  CHECK_ERR(read_at(__LINE__, fd, 13 * KB, KB), KITE_EIO);
  CHECK_ERR(write_at(__LINE__, fd, 12 * KB, "x", 1), KITE_EIO);
  k_close(fd);
  CHECK_EQ(k_unlink(path), 0);
  CHECK_ERR(k_open(path, O_RD), KITE_ENOENT);
}

/* 14 blocks (seed 41), file block 12 -> the log header (inside the
 * indirect block): only block 12 gives -EIO; 11 and 13 still read and
 * take writes; unlink works. */
static void t_victim_indirect_entry(void)
{
  const char *path = "/victim-indirect-entry";
  unsigned char same = pattern(41, 13 * KB);
  need_marker(__LINE__);
  long fd = OPEN(path, O_RW);
  CHECK_EQ(read_at(__LINE__, fd, 11 * KB, KB), KB);
  expect_pattern(__LINE__, path, buf, KB, 11 * KB, 41);
  CHECK_ERR(read_at(__LINE__, fd, 12 * KB, KB), KITE_EIO);
  CHECK_ERR(write_at(__LINE__, fd, 12 * KB + 5, "x", 1), KITE_EIO);
  CHECK_EQ(write_at(__LINE__, fd, 13 * KB, &same, 1), 1);
  CHECK_EQ(read_at(__LINE__, fd, 13 * KB, KB), KB);
  expect_pattern(__LINE__, path, buf, KB, 13 * KB, 41);
  k_close(fd);
  CHECK_EQ(k_unlink(path), 0);
}

/*
 * Sparse files of 268 blocks whose only data block is block 267, the first
 * behind the double-indirect block; one pointer on the way there is bad.
 * The holes read as zeros, block 267 gives -EIO; unlink works.
 */
static void bad_dind(int line, const char *path)
{
  struct kite_stat st;
  long r;

  need_marker(line);
  stat_path(line, path, &st);
  if (st.st_size != 268 * KB)
    fail(line, "fstat %s: size %lu, expected %d", path, (unsigned long)st.st_size, 268 * KB);
  long fd = xopen(line, path, O_RW);
  if ((r = read_at(line, fd, 0, 4 * KB)) != 4 * KB)
    fail(line, "read of the holes = %s", errname(r));
  expect_zeros(line, path, buf, r, 0);
  if ((r = read_at(line, fd, 266 * KB, KB)) != KB)
    fail(line, "read of the last indirect block = %s", errname(r));
  expect_zeros(line, path, buf, r, 266 * KB);
  if ((r = read_at(line, fd, 267 * KB, KB)) != -KITE_EIO)
    fail(line, "read of block 267 = %s, expected EIO", errname(r));
  if ((r = write_at(line, fd, 267 * KB, "x", 1)) != -KITE_EIO)
    fail(line, "write to block 267 = %s, expected EIO", errname(r));
  k_close(fd);
  if ((r = k_unlink(path)) != 0)
    fail(line, "unlink %s = %s, expected 0", path, errname(r));
}

/* The double-indirect pointer past the image; its entry 0 -> the first
 * inode block; entry 0 of the indirect block below it = 0xfffffffe. */
static void t_victim_dind_top(void)  { bad_dind(__LINE__, "/victim-dind-top"); }
static void t_victim_dind_mid(void)  { bad_dind(__LINE__, "/victim-dind-mid"); }
static void t_victim_dind_leaf(void) { bad_dind(__LINE__, "/victim-dind-leaf"); }

/* Size 1 MiB but one data block (seed 61): the rest are holes, which read
 * as zeros; the file ends at 1 MiB. Sane data, no error. */
static void t_victim_size_sparse(void)
{
  const char *path = "/victim-size-sparse";
  struct kite_stat st;
  need_marker(__LINE__);
  stat_path(__LINE__, path, &st);
  CHECK_EQ(st.st_size, 1 << 20);
  long fd = OPEN(path, O_RD);
  CHECK_EQ(read_at(__LINE__, fd, 0, KB), KB);
  expect_pattern(__LINE__, path, buf, KB, 0, 61);
  CHECK_EQ(read_at(__LINE__, fd, 512 * KB, 8 * KB), 8 * KB);
  expect_zeros(__LINE__, path, buf, 8 * KB, 512 * KB);
  CHECK_EQ(read_at(__LINE__, fd, (1 << 20) - 10, 100), 10);
  CHECK_EQ(k_read(fd, buf, 100), 0);
  k_close(fd);
  CHECK_EQ(k_unlink(path), 0);
}

/* ------------------------------------------------------------------------ */
/* Link counts, devices                                                      */

/*
 * Named in / with link count 0 (2 KiB, seed 20). Nothing may be lost: the
 * name gives the file as it was, or -EIO, every time; opening and closing
 * it does not free it; the name never comes to name another file, such as
 * one created later (fscorrupt made this the lowest-numbered victim, so a
 * freed inode is the first one Kite hands out again).
 */
static void nlink0_check(int line, const char *path)
{
  struct kite_stat st;
  long fd = k_open(path, O_RD), r;
  if (fd == -KITE_EIO)
    return;
  if (is_err(fd))
    fail(line, "open %s = %s, expected its data or EIO", path, errname(fd));
  if ((r = k_fstat(fd, &st)) != 0)
    fail(line, "fstat %s = %s", path, errname(r));
  if ((st.st_mode & KITE_S_IFMT) != KITE_S_IFREG || st.st_size != 2 * KB)
    fail(line, "%s now names inode %u (mode %#o, %lu bytes), not its own 2048-byte file: "
         "its inode was freed while named, then reused", path, st.st_ino, st.st_mode,
         (unsigned long)st.st_size);
  if ((r = k_read(fd, buf, 4 * KB)) != 2 * KB)
    fail(line, "read %s = %s, expected %d bytes", path, errname(r), 2 * KB);
  expect_pattern(line, path, buf, r, 0, 20);
  k_close(fd);
}

static void t_victim_nlink0(void)
{
  const char *path = "/victim-nlink0";
  need_marker(__LINE__);
  nlink0_check(__LINE__, path);
  nlink0_check(__LINE__, path);
  long fd = OPEN("/bi-fresh", O_NEW);
  CHECK_EQ(k_write(fd, "fresh file", 10), 10);
  k_close(fd);
  nlink0_check(__LINE__, path);
  CHECK_EQ(k_unlink("/bi-fresh"), 0);
}

/* A device whose major number has no driver: -ENXIO; the name can go. */
static void t_victim_dev_major(void)
{
  need_marker(__LINE__);
  CHECK_ERR(k_open("/victim-dev-major", O_RD), KITE_ENXIO);
  CHECK_ERR(k_open("/victim-dev-major", O_RW), KITE_ENXIO);
  CHECK_EQ(k_unlink("/victim-dev-major"), 0);
}

/* ------------------------------------------------------------------------ */
/* Directories                                                               */

/*
 * A directory holding "inner" (3000 bytes, seed 70) whose size is 7 bytes
 * past its last whole entry: used up to that entry. Lookups, ls, creating
 * and removing a file in it, and finally removing it all work.
 */
static void t_victim_dir_partial(void)
{
  static char out[4096];
  const char *inner = "/victim-dir-partial/inner", *made = "/victim-dir-partial/bi-new";
  need_marker(__LINE__);
  long fd = OPEN(inner, O_RD);
  CHECK_EQ(k_read(fd, buf, 4000), 3000);
  expect_pattern(__LINE__, inner, buf, 3000, 0, 70);
  k_close(fd);

  int st = run_ls(__LINE__, "/victim-dir-partial", out, sizeof out);
  if (st != 0)
    fail(__LINE__, "ls: %s, expected 0; output: %s", status_text(st), out);
  CHECK(strstr(out, "inner") != NULL);

  fd = OPEN(made, O_NEW);
  CHECK_EQ(k_write(fd, "made here", 9), 9);
  k_close(fd);
  fd = OPEN(made, O_RD);
  CHECK_EQ(k_read(fd, buf, 100), 9);
  CHECK(memcmp(buf, "made here", 9) == 0);
  k_close(fd);
  CHECK_EQ(k_unlink(made), 0);
  CHECK_EQ(k_unlink(inner), 0);
  CHECK_EQ(k_unlink("/victim-dir-partial"), 0);
}

/*
 * A directory whose block 0 is the superblock: the directory's own inode
 * is sound (open, chdir work) but nothing in it can be found, made or
 * listed: -EIO; it cannot be removed (Kite cannot tell it is empty).
 */
static void t_victim_dir_badblock(void)
{
  static char out[4096];
  const char *dir = "/victim-dir-badblock";
  need_marker(__LINE__);
  CHECK_ERR(k_open("/victim-dir-badblock/inner", O_RD), KITE_EIO);
  CHECK_ERR(k_open("/victim-dir-badblock/bi-new", O_NEW), KITE_EIO);
  CHECK_ERR(k_mkdir("/victim-dir-badblock/bi-sub"), KITE_EIO);
  CHECK_ERR(k_link("/canary", "/victim-dir-badblock/bi-link"), KITE_EIO);
  long fd = OPEN(dir, O_RD);
  CHECK_ERR(k_read(fd, buf, 64), KITE_EIO);
  k_close(fd);
  CHECK_EQ(k_chdir(dir), 0);
  CHECK_ERR(k_open("inner", O_RD), KITE_EIO);
  CHECK_EQ(k_chdir("/"), 0);
  CHECK_ERR(k_unlink(dir), KITE_EIO);
  int st = run_ls(__LINE__, dir, out, sizeof out);
  if (st != 1)
    fail(__LINE__, "ls %s: %s, expected 1; output: %s", dir, status_text(st), out);
  fd = OPEN(dir, O_RD);                             /* still there */
  k_close(fd);
}

/* A directory whose ".." names inode ninodes: going up gives -EIO, the
 * directory itself works. */
static void t_victim_dir_dotdot(void)
{
  struct kite_stat st;
  need_marker(__LINE__);
  CHECK_ERR(k_open("/victim-dir-dotdot/..", O_RD), KITE_EIO);
  CHECK_ERR(k_open("/victim-dir-dotdot/../README.md", O_RD), KITE_EIO);
  stat_path(__LINE__, "/victim-dir-dotdot/.", &st);
  CHECK_EQ(st.st_mode & KITE_S_IFMT, KITE_S_IFDIR);
  CHECK_EQ(k_chdir("/victim-dir-dotdot"), 0);
  CHECK_ERR(k_chdir(".."), KITE_EIO);
  stat_path(__LINE__, ".", &st);                    /* still in the victim */
  CHECK_EQ(k_chdir("/"), 0);
}

/* A directory holding "loop", naming itself: paths through it resolve to
 * it; removing "loop" is refused with -EIO (a directory entry naming its
 * own directory), the directory itself with -ENOTEMPTY. */
static void t_victim_dir_loop(void)
{
  struct kite_stat a, b;
  need_marker(__LINE__);
  stat_path(__LINE__, "/victim-dir-loop", &a);
  stat_path(__LINE__, "/victim-dir-loop/loop/loop/loop/loop/loop", &b);
  CHECK_EQ(a.st_ino, b.st_ino);
  CHECK_ERR(k_unlink("/victim-dir-loop/loop"), KITE_EIO);
  CHECK_ERR(k_unlink("/victim-dir-loop/loop/loop/loop"), KITE_EIO);
  CHECK_ERR(k_unlink("/victim-dir-loop"), KITE_ENOTEMPTY);
  stat_path(__LINE__, "/victim-dir-loop/loop", &b);
  CHECK_EQ(a.st_ino, b.st_ino);
}

/* A file's bytes with type directory: no "." or "..", garbage entries.
 * Lookups find nothing (-ENOENT or -EIO); it is not empty. */
static void t_victim_file_as_dir(void)
{
  struct kite_stat st;
  long r;
  need_marker(__LINE__);
  stat_path(__LINE__, "/victim-file-as-dir", &st);
  CHECK_EQ(st.st_mode & KITE_S_IFMT, KITE_S_IFDIR);
  CHECK_ERR2(k_open("/victim-file-as-dir/x", O_RD), KITE_ENOENT, KITE_EIO);
  CHECK_ERR2(k_open("/victim-file-as-dir/..", O_RD), KITE_ENOENT, KITE_EIO);
  CHECK_ERR2(k_open("/victim-file-as-dir/.", O_RD), KITE_ENOENT, KITE_EIO);
  CHECK_EQ(k_chdir("/victim-file-as-dir"), 0);
  CHECK_ERR2(k_open("x", O_RD), KITE_ENOENT, KITE_EIO);
  CHECK_EQ(k_chdir("/"), 0);
  r = k_unlink("/victim-file-as-dir");
  if (r != -KITE_ENOTEMPTY && r != -KITE_EIO)
    fail(__LINE__, "unlink = %s, expected ENOTEMPTY or EIO", errname(r));
}

/* ------------------------------------------------------------------------ */
/* Afterwards                                                                */

/* The file system still works: files and directories come and go, the
 * canary and README.md are intact. */
static void t_fs_still_works(void)
{
  struct kite_stat st;
  need_marker(__LINE__);
  check_canary(__LINE__);

  for (int i = 0; i < (int)sizeof buf; i++)
    buf[i] = (unsigned char)(i * 7);
  long fd = OPEN("/bi-after", O_NEW);
  CHECK_EQ(k_write(fd, buf, 20 * KB), 20 * KB);
  k_close(fd);
  CHECK_EQ(k_mkdir("/bi-dir"), 0);
  CHECK_EQ(k_link("/bi-after", "/bi-dir/again"), 0);
  fd = OPEN("/bi-dir/again", O_RD);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(k_read(fd, buf, sizeof buf), 20 * KB);
  for (int i = 0; i < 20 * KB; i++)
    if (buf[i] != (unsigned char)(i * 7))
      fail(__LINE__, "/bi-dir/again: byte %d is %#x", i, buf[i]);
  k_close(fd);
  CHECK_EQ(k_unlink("/bi-dir/again"), 0);
  CHECK_EQ(k_unlink("/bi-dir"), 0);
  CHECK_EQ(k_unlink("/bi-after"), 0);

  stat_path(__LINE__, "/README.md", &st);
  long want = st.st_size < sizeof buf ? (long)st.st_size : (long)sizeof buf;
  fd = OPEN("/README.md", O_RD);
  CHECK_EQ(k_read(fd, buf, sizeof buf), want);
  CHECK(memcmp(buf, "# Kite", 6) == 0);
  k_close(fd);
}

/* ------------------------------------------------------------------------ */
/* The suite                                                                 */

#define ELF_TABLE_TEST(fn, file, outcome) { file, t_##fn, KTEST_NORMAL },

static const struct ktest tests[] = {
  /* ELF files */
  { "elf_files",             t_elf_files,             KTEST_NORMAL },
  ELF_CASES(ELF_TABLE_TEST)
  /* the damaged file system: first look */
  { "marker",                t_marker,                KTEST_NORMAL },
  { "canary_before",         t_canary_before,         KTEST_NORMAL },
  { "ls_root",               t_ls_root,               KTEST_NORMAL },
  /* unusable inodes */
  { "victim-type-7",         t_victim_type_7,         KTEST_NORMAL },
  { "victim-type-neg",       t_victim_type_neg,       KTEST_NORMAL },
  { "victim-nlink-neg",      t_victim_nlink_neg,      KTEST_NORMAL },
  { "victim-size-too-big",   t_victim_size_too_big,   KTEST_NORMAL },
  { "victim-inum-ninodes",   t_victim_inum_ninodes,   KTEST_NORMAL },
  { "victim-inum-max",       t_victim_inum_max,       KTEST_NORMAL },
  { "victim-inum-free",      t_victim_inum_free,      KTEST_NORMAL },
  /* bad block pointers */
  { "victim-direct-out",     t_victim_direct_out,     KTEST_NORMAL },
  { "victim-direct-log",     t_victim_direct_log,     KTEST_NORMAL },
  { "victim-direct-inodes",  t_victim_direct_inodes,  KTEST_NORMAL },
  { "victim-direct-super",   t_victim_direct_super,   KTEST_NORMAL },
  { "victim-direct-bitmap",  t_victim_direct_bitmap,  KTEST_NORMAL },
  { "victim-direct-max",     t_victim_direct_max,     KTEST_NORMAL },
  { "victim-indirect-out",   t_victim_indirect_out,   KTEST_NORMAL },
  { "victim-indirect-entry", t_victim_indirect_entry, KTEST_NORMAL },
  { "victim-dind-top",       t_victim_dind_top,       KTEST_NORMAL },
  { "victim-dind-mid",       t_victim_dind_mid,       KTEST_NORMAL },
  { "victim-dind-leaf",      t_victim_dind_leaf,      KTEST_NORMAL },
  { "victim-size-sparse",    t_victim_size_sparse,    KTEST_NORMAL },
  /* link counts, devices */
  { "victim-nlink0",         t_victim_nlink0,         KTEST_NORMAL },
  { "victim-dev-major",      t_victim_dev_major,      KTEST_NORMAL },
  /* directories */
  { "victim-dir-partial",    t_victim_dir_partial,    KTEST_NORMAL },
  { "victim-dir-badblock",   t_victim_dir_badblock,   KTEST_NORMAL },
  { "victim-dir-dotdot",     t_victim_dir_dotdot,     KTEST_NORMAL },
  { "victim-dir-loop",       t_victim_dir_loop,       KTEST_NORMAL },
  { "victim-file-as-dir",    t_victim_file_as_dir,    KTEST_NORMAL },
  /* afterwards */
  { "fs_still_works",        t_fs_still_works,        KTEST_NORMAL },
};

/* The statuses of this suite's children. */
static const char *badinput_status_text(int st)
{
  static char t[64];

  if (st == EXIT_RAN)
    return "ran a program exec should have refused (exit 99)";
  if (st < EXEC_FAIL_BASE || st >= EXEC_FAIL_BASE + 4096)
    return NULL;
  snprintf(t, sizeof t, "exec failed with %s", errname(-(st - EXEC_FAIL_BASE)));
  return t;
}

static const struct ktest_suite suite = {
  .name = "badinput",
  .tests = tests,
  .ntests = sizeof tests / sizeof tests[0],
  .leaks = KTEST_LEAKS_EACH,
  .names_with_after = 1,
  .explain_status = badinput_status_text,
};

int main(int argc, char **argv)
{
  return ktest_main(argc, argv, &suite);
}
