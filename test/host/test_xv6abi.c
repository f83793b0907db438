/*
 * Host check of Kite's xv6 compatibility headers (include/xv6/):
 *
 *  - at compile time, every constant and structure they give xv6
 *    programs is Kite's: static assertions against Kite's ABI headers and,
 *    for the limits that are the kernel's own (NCPU, KERNBASE, ...),
 *    against kernel/param.h and kernel/arch/memlayout.h;
 *  - at run time, each header compiles alone, and all of them together
 *    in two orders, with the xv6 world's compiler and flags (XV6_CC, from
 *    user/user.mk), warnings as errors.
 *
 * Kite's kernel headers are read first and the values they share a name
 * with xv6's are kept as K_NAME; then those names are dropped and xv6's
 * headers come in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include "check.h"

/* ---- Kite's side ---------------------------------------------------------- */

/* The kernel's inline helpers have xv6's names: give Kite's others. */
#define r_tp kite_r_tp
#define w_tp kite_w_tp
#define r_fp kite_r_fp
#define r_sp kite_r_sp
#define r_time kite_r_time
#define sfence_vma kite_sfence_vma
#define wfi kite_wfi
#define intr_on kite_intr_on
#define intr_off kite_intr_off
#define intr_get kite_intr_get
#include "param.h"                 /* kernel/param.h, with <kite/param.h> */
#include "arch/memlayout.h"        /* with arch/riscv.h */
#include <kite/fs.h>
#include <kite/stat.h>
#include <kite/fcntl.h>
#include <kite/mman.h>
#include <kite/errno.h>
#undef r_tp
#undef w_tp
#undef r_fp
#undef r_sp
#undef r_time
#undef sfence_vma
#undef wfi
#undef intr_on
#undef intr_off
#undef intr_get

#define KEEP(name) K_##name = (name)
enum {
  KEEP(NPROC), KEEP(NCPU), KEEP(NOFILE), KEEP(NFILE), KEEP(NINODE), KEEP(NDEV), KEEP(ROOTDEV),
  KEEP(MAXARG), KEEP(MAXPATH), KEEP(MAXOPBLOCKS), KEEP(LOGSIZE), KEEP(NBUF),
  KEEP(PGSIZE), KEEP(PGSHIFT), KEEP(PXMASK),
  KEEP(PTE_V), KEEP(PTE_R), KEEP(PTE_W), KEEP(PTE_X), KEEP(PTE_U), KEEP(PTE_G), KEEP(PTE_A),
  KEEP(PTE_D), KEEP(SSTATUS_SPP), KEEP(SSTATUS_SPIE), KEEP(SSTATUS_SIE),
  KEEP(SIE_SEIE), KEEP(SIE_STIE), KEEP(SIE_SSIE),
};
/* 64-bit values (GNU C takes enumerators beyond int). */
enum {
  KEEP(MAXVA), KEEP(KERNBASE), KEEP(TRAMPOLINE), KEEP(TRAPFRAME), KEEP(USER_BASE), KEEP(USER_TOP),
  KEEP(SATP_SV39), K_KSTACK5 = KSTACK(5), K_KSTACK63 = KSTACK(63),
  K_PGROUNDUP = PGROUNDUP(0x12345), K_PGROUNDDOWN = PGROUNDDOWN(0x12345),
  K_PX2 = PX(2, 0x3fffffe123UL), K_PX0 = PX(0, 0x3fffffe123UL), K_PTE2PA = PTE2PA(0x20001c0fUL),
  K_PA2PTE = PA2PTE(0x80007000UL),
};

#undef NPROC
#undef NCPU
#undef NOFILE
#undef NFILE
#undef NINODE
#undef NDEV
#undef ROOTDEV
#undef MAXARG
#undef MAXPATH
#undef MAXOPBLOCKS
#undef LOGSIZE
#undef NBUF
#undef PGSIZE
#undef PGSHIFT
#undef PGROUNDUP
#undef PGROUNDDOWN
#undef PTE_V
#undef PTE_R
#undef PTE_W
#undef PTE_X
#undef PTE_U
#undef PTE_G
#undef PTE_A
#undef PTE_D
#undef PA2PTE
#undef PTE2PA
#undef PTE_FLAGS
#undef PXMASK
#undef PXSHIFT
#undef PX
#undef SATP_SV39
#undef MAKE_SATP
#undef MAXVA
#undef SSTATUS_SPP
#undef SSTATUS_SPIE
#undef SSTATUS_SIE
#undef SIE_SEIE
#undef SIE_STIE
#undef SIE_SSIE
#undef KERNBASE
#undef TRAMPOLINE
#undef TRAPFRAME
#undef KSTACK
#undef USER_BASE
#undef USER_TOP

/* ---- xv6's side ----------------------------------------------------------- */

#include "../../include/xv6/kernel/types.h"
#include "../../include/xv6/kernel/param.h"
#include "../../include/xv6/kernel/stat.h"
#include "../../include/xv6/kernel/fcntl.h"
#include "../../include/xv6/kernel/fs.h"
#include "../../include/xv6/kernel/riscv.h"
#include "../../include/xv6/kernel/memlayout.h"
#include "../../include/xv6/kernel/vm.h"
#include "../../include/xv6/kernel/file.h"
/* user/user.h declares xv6's printf, malloc, ...: only the run-time
 * checks below compile it (the host C library has its own). */

#define SAME(a, b) _Static_assert((a) == (b), #a " is not Kite's " #b)

/* kernel/param.h */
SAME(NPROC, K_NPROC);
SAME(NPROC, KITE_NPROC);
SAME(NCPU, K_NCPU);
SAME(NOFILE, KITE_NOFILE);
SAME(NFILE, KITE_NFILE);
SAME(NINODE, K_NINODE);
SAME(NDEV, K_NDEV);
SAME(ROOTDEV, K_ROOTDEV);
SAME(MAXARG, KITE_MAXARG);
SAME(MAXOPBLOCKS, K_MAXOPBLOCKS);
SAME(LOGBLOCKS, K_LOGSIZE);
SAME(LOGSIZE, K_LOGSIZE);
SAME(LOGBLOCKS + 1, KITE_LOGBLOCKS);        /* the on-disk log: a header and the blocks */
SAME(NBUF, K_NBUF);
SAME(FSSIZE, KITE_FSSIZE);
SAME(MAXPATH, KITE_MAXPATH);
SAME(USERSTACK, KITE_USTACK_PAGES);

/* kernel/stat.h: xv6's record, Kite's types */
SAME(T_DIR, KITE_T_DIR);
SAME(T_FILE, KITE_T_FILE);
SAME(T_DEVICE, KITE_T_DEVICE);
SAME(sizeof(struct stat), 24);
SAME(offsetof(struct stat, dev), 0);
SAME(offsetof(struct stat, ino), 4);
SAME(offsetof(struct stat, type), 8);
SAME(offsetof(struct stat, nlink), 10);
SAME(offsetof(struct stat, size), 16);

/* kernel/fcntl.h */
SAME(O_RDONLY, KITE_O_RDONLY);
SAME(O_WRONLY, KITE_O_WRONLY);
SAME(O_RDWR, KITE_O_RDWR);
SAME(O_CREATE, KITE_O_CREAT);
SAME(O_TRUNC, KITE_O_TRUNC);
SAME(PROT_NONE, KITE_PROT_NONE);
SAME(PROT_READ, KITE_PROT_READ);
SAME(PROT_WRITE, KITE_PROT_WRITE);
SAME(PROT_EXEC, KITE_PROT_EXEC);
SAME(MAP_SHARED, KITE_MAP_SHARED);
SAME(MAP_PRIVATE, KITE_MAP_PRIVATE);
SAME(MAP_FIXED, KITE_MAP_FIXED);
SAME(MAP_ANONYMOUS, KITE_MAP_ANONYMOUS);

/* kernel/fs.h: Kite's on-disk format */
SAME(ROOTINO, KITE_ROOTINO);
SAME(BSIZE, KITE_BSIZE);
SAME(FSMAGIC, KITE_FSMAGIC);
SAME(NDIRECT, KITE_NDIRECT);
SAME(NINDIRECT, KITE_NINDIRECT);
SAME(NDINDIRECT, KITE_NDINDIRECT);
SAME(MAXFILE, KITE_MAXFILE);
SAME(MAXFILE, 11 + 256 + 65536);
SAME(DIRSIZ, KITE_DIRSIZ);
SAME(IPB, KITE_IPB);
SAME(BPB, KITE_BPB);
SAME(sizeof(struct dirent), sizeof(struct kite_dirent));
SAME(offsetof(struct dirent, inum), offsetof(struct kite_dirent, inum));
SAME(offsetof(struct dirent, name), offsetof(struct kite_dirent, name));
SAME(sizeof(((struct dirent *)0)->inum), sizeof(((struct kite_dirent *)0)->inum));
SAME(sizeof(struct dinode), sizeof(struct kite_dinode));
SAME(offsetof(struct dinode, size), offsetof(struct kite_dinode, size));
SAME(offsetof(struct dinode, addrs), offsetof(struct kite_dinode, addrs));
SAME(sizeof(((struct dinode *)0)->addrs), sizeof(((struct kite_dinode *)0)->addrs));
SAME(sizeof(struct superblock), sizeof(struct kite_superblock));
SAME(offsetof(struct superblock, magic), offsetof(struct kite_superblock, magic));
SAME(offsetof(struct superblock, size), offsetof(struct kite_superblock, size));
SAME(offsetof(struct superblock, nblocks), offsetof(struct kite_superblock, nblocks));
SAME(offsetof(struct superblock, ninodes), offsetof(struct kite_superblock, ninodes));
SAME(offsetof(struct superblock, nlog), offsetof(struct kite_superblock, nlog));
SAME(offsetof(struct superblock, logstart), offsetof(struct kite_superblock, logstart));
SAME(offsetof(struct superblock, inodestart), offsetof(struct kite_superblock, inodestart));
SAME(offsetof(struct superblock, bmapstart), offsetof(struct kite_superblock, bmapstart));

/* kernel/riscv.h */
SAME(PGSIZE, K_PGSIZE);
SAME(PGSHIFT, K_PGSHIFT);
SAME(PGROUNDUP(0x12345), K_PGROUNDUP);
SAME(PGROUNDDOWN(0x12345), K_PGROUNDDOWN);
SAME(PTE_V, K_PTE_V);
SAME(PTE_R, K_PTE_R);
SAME(PTE_W, K_PTE_W);
SAME(PTE_X, K_PTE_X);
SAME(PTE_U, K_PTE_U);
SAME(PTE_G, K_PTE_G);
SAME(PTE_A, K_PTE_A);
SAME(PTE_D, K_PTE_D);
SAME(PXMASK, K_PXMASK);
SAME(PX(2, 0x3fffffe123UL), K_PX2);
SAME(PX(0, 0x3fffffe123UL), K_PX0);
SAME(PTE2PA(0x20001c0fUL), K_PTE2PA);
SAME(PA2PTE(0x80007000UL), K_PA2PTE);
SAME(MAXVA, K_MAXVA);
SAME(SATP_SV39, K_SATP_SV39);
SAME(SSTATUS_SPP, K_SSTATUS_SPP);
SAME(SSTATUS_SPIE, K_SSTATUS_SPIE);
SAME(SSTATUS_SIE, K_SSTATUS_SIE);
SAME(SIE_SEIE, K_SIE_SEIE);
SAME(SIE_STIE, K_SIE_STIE);
SAME(SIE_SSIE, K_SIE_SSIE);

/* kernel/memlayout.h */
SAME(KERNBASE, K_KERNBASE);
SAME(TRAMPOLINE, K_TRAMPOLINE);
SAME(TRAPFRAME, K_TRAPFRAME);
SAME(KSTACK(5), K_KSTACK5);
SAME(KSTACK(63), K_KSTACK63);
SAME(USER_BASE, K_USER_BASE);
SAME(USER_TOP, K_USER_TOP);
#ifdef KITE_DEFAULT_MEM_MB
SAME(PHYSTOP, 0x80000000L + KITE_DEFAULT_MEM_MB * 1024L * 1024);   /* make qemu's MEM */
#endif

/* kernel/vm.h, kernel/file.h */
SAME(SBRK_EAGER, KITE_SBRK_EAGER);
SAME(SBRK_LAZY, KITE_SBRK_LAZY);
SAME(CONSOLE, KITE_CONSOLE_MAJOR);

/* kernel/syscall.h, after <kite/syscall.h>'s names are kept */
#include <kite/syscall.h>
enum {
  KEEP(SYS_fork), KEEP(SYS_exit), KEEP(SYS_wait), KEEP(SYS_pipe), KEEP(SYS_read), KEEP(SYS_kill),
  KEEP(SYS_exec), KEEP(SYS_fstat), KEEP(SYS_chdir), KEEP(SYS_dup), KEEP(SYS_getpid),
  KEEP(SYS_sbrk), KEEP(SYS_sleep), KEEP(SYS_uptime), KEEP(SYS_open), KEEP(SYS_write),
  KEEP(SYS_mknod), KEEP(SYS_unlink), KEEP(SYS_link), KEEP(SYS_mkdir), KEEP(SYS_close),
  KEEP(SYS_lseek), KEEP(SYS_brk), KEEP(SYS_poweroff), KEEP(SYS_clock), KEEP(SYS_sysinfo),
  KEEP(SYS_getppid), KEEP(SYS_mmap), KEEP(SYS_munmap), KEEP(SYS_mprotect), KEEP(SYS_mquery),
  KEEP(SYS_mmaps), KEEP(SYS_faultinject), KEEP(SYS_bench), KEEP(SYS_hartreenter),
  KEEP(SYS_memcheck), KEEP(SYS_panictest), KEEP(SYS_MAX),
};
#undef SYS_fork
#undef SYS_exit
#undef SYS_wait
#undef SYS_pipe
#undef SYS_read
#undef SYS_kill
#undef SYS_exec
#undef SYS_fstat
#undef SYS_chdir
#undef SYS_dup
#undef SYS_getpid
#undef SYS_sbrk
#undef SYS_sleep
#undef SYS_uptime
#undef SYS_open
#undef SYS_write
#undef SYS_mknod
#undef SYS_unlink
#undef SYS_link
#undef SYS_mkdir
#undef SYS_close
#undef SYS_lseek
#undef SYS_brk
#undef SYS_poweroff
#undef SYS_clock
#undef SYS_sysinfo
#undef SYS_getppid
#undef SYS_mmap
#undef SYS_munmap
#undef SYS_mprotect
#undef SYS_mquery
#undef SYS_mmaps
#undef SYS_faultinject
#undef SYS_bench
#undef SYS_hartreenter
#undef SYS_memcheck
#undef SYS_panictest
#include "../../include/xv6/kernel/syscall.h"
SAME(SYS_fork, K_SYS_fork);
SAME(SYS_exit, K_SYS_exit);
SAME(SYS_wait, K_SYS_wait);
SAME(SYS_pipe, K_SYS_pipe);
SAME(SYS_read, K_SYS_read);
SAME(SYS_kill, K_SYS_kill);
SAME(SYS_exec, K_SYS_exec);
SAME(SYS_fstat, K_SYS_fstat);
SAME(SYS_chdir, K_SYS_chdir);
SAME(SYS_dup, K_SYS_dup);
SAME(SYS_getpid, K_SYS_getpid);
SAME(SYS_sbrk, K_SYS_sbrk);
SAME(SYS_sleep, K_SYS_sleep);
SAME(SYS_pause, K_SYS_sleep);
SAME(SYS_uptime, K_SYS_uptime);
SAME(SYS_open, K_SYS_open);
SAME(SYS_write, K_SYS_write);
SAME(SYS_mknod, K_SYS_mknod);
SAME(SYS_unlink, K_SYS_unlink);
SAME(SYS_link, K_SYS_link);
SAME(SYS_mkdir, K_SYS_mkdir);
SAME(SYS_close, K_SYS_close);
SAME(SYS_lseek, K_SYS_lseek);
SAME(SYS_brk, K_SYS_brk);
SAME(SYS_poweroff, K_SYS_poweroff);
SAME(SYS_clock, K_SYS_clock);
SAME(SYS_sysinfo, K_SYS_sysinfo);
SAME(SYS_getppid, K_SYS_getppid);
SAME(SYS_mmap, K_SYS_mmap);
SAME(SYS_munmap, K_SYS_munmap);
SAME(SYS_mprotect, K_SYS_mprotect);
SAME(SYS_mquery, K_SYS_mquery);
SAME(SYS_mmaps, K_SYS_mmaps);
SAME(SYS_faultinject, K_SYS_faultinject);
SAME(SYS_bench, K_SYS_bench);
SAME(SYS_hartreenter, K_SYS_hartreenter);
SAME(SYS_memcheck, K_SYS_memcheck);
SAME(SYS_panictest, K_SYS_panictest);
SAME(SYS_panictest + 1, K_SYS_MAX);         /* a new Kite call must be added here */

/* ---- run time: the headers compile, alone and together -------------------- */

static const char *const headers[] = {
  "kernel/types.h", "kernel/param.h", "kernel/stat.h", "kernel/fcntl.h", "kernel/fs.h",
  "kernel/riscv.h", "kernel/memlayout.h", "kernel/syscall.h", "kernel/vm.h", "kernel/file.h",
  "kernel/spinlock.h", "kernel/sleeplock.h", "user/user.h",
};
#define NHEADERS (sizeof headers / sizeof headers[0])

/* Compile src with the xv6 world's compiler; 0 if it compiled cleanly,
 * else the compiler's first line of complaint in why. */
static int compile(const char *src, char *why, size_t len)
{
#ifndef XV6_CC
  snprintf(why, len, "built without XV6_CC");
  return -1;
#else
  char path[] = "/tmp/kite-xv6hdr-XXXXXX";
  int fd = mkstemp(path);
  FILE *f;
  char cmd[2048], line[512];
  int status;

  if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
    snprintf(why, len, "cannot make a temporary file");
    return -1;
  }
  fputs(src, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s -Werror -fsyntax-only -x c %s 2>&1", XV6_CC, path);
  FILE *p = popen(cmd, "r");
  why[0] = 0;
  while (p && fgets(line, sizeof line, p))
    if (why[0] == 0 && strstr(line, "error"))
      snprintf(why, len, "%s", line);
  status = p ? pclose(p) : -1;
  remove(path);
  if (status != 0 && why[0] == 0)
    snprintf(why, len, "compiler exited %d", status);
  return status == 0 ? 0 : -1;
#endif
}

static char src[4096], why[512];

TEST(each_header_alone)
{
  for (size_t i = 0; i < NHEADERS; i++) {
    snprintf(src, sizeof src, "#include \"%s\"\n", headers[i]);
    if (compile(src, why, sizeof why) != 0) {
      snprintf(check_why, sizeof check_why, "%s alone: %.200s", headers[i], why);
      check_failed_now = 1;
      return;
    }
  }
}

/* All the headers in xv6's usual order and reversed, then code using a
 * little of everything (it must also link in the xv6 world; this only
 * compiles it). */
TEST(headers_together)
{
  static const char *const use =
      "int main(int argc, char *argv[]) {\n"
      "  struct stat st; struct dirent de; struct superblock sb; struct dinode di;\n"
      "  char *p = sbrk(PGSIZE); uint64 sp = r_sp();\n"
      "  int fd = open(\"README\", O_RDONLY | O_CREATE);\n"
      "  if (fstat(fd, &st) < 0 || st.type != T_FILE || p == SBRK_ERROR) exit(1);\n"
      "  read(fd, &de, sizeof de); memset(&sb, 0, sizeof sb); memmove(&di, &sb, 4);\n"
      "  printf(\"%d %s %p %lx %c\\n\", argc, argv[0], (void *)sp, MAXVA, 'x');\n"
      "  fprintf(2, \"%u\\n\", (uint)MAXFILE);\n"
      "  char *m = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0); munmap(m, PGSIZE);\n"
      "  pause(1); sleep(1); uptime(); sbrklazy(0); sys_sbrk(0, SBRK_LAZY);\n"
      "  return KERNBASE < PHYSTOP && TRAPFRAME < TRAMPOLINE && SYS_pause == SYS_sleep ? 0 : NPROC;\n"
      "}\n";
  for (int order = 0; order < 2; order++) {
    int n = 0;
    for (size_t i = 0; i < NHEADERS; i++)
      n += snprintf(src + n, sizeof src - n, "#include \"%s\"\n",
                    headers[order ? NHEADERS - 1 - i : i]);
    snprintf(src + n, sizeof src - n, "%s", use);
    if (compile(src, why, sizeof why) != 0) {
      snprintf(check_why, sizeof check_why, "order %d: %.200s", order, why);
      check_failed_now = 1;
      return;
    }
  }
}

/* xv6 programs put param.h and fcntl.h before types.h; user.h needs
 * nothing before it (xv6's needs types.h). */
TEST(xv6_include_orders)
{
  static const char *const orders[] = {
    "#include \"kernel/param.h\"\n#include \"kernel/fcntl.h\"\n#include \"kernel/types.h\"\n"
    "#include \"kernel/stat.h\"\n#include \"kernel/riscv.h\"\n#include \"kernel/fs.h\"\n"
    "#include \"user/user.h\"\n",
    "#include \"kernel/types.h\"\n#include \"kernel/stat.h\"\n#include \"kernel/spinlock.h\"\n"
    "#include \"kernel/sleeplock.h\"\n#include \"kernel/fs.h\"\n#include \"kernel/file.h\"\n"
    "#include \"user/user.h\"\n#include \"kernel/fcntl.h\"\n"
    "int f(void) { return mknod(\"console\", CONSOLE, 0); }\n",
    "#include \"user/user.h\"\nint f(void) { return strlen(\"x\") + uptime(); }\n",
  };
  for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++)
    if (compile(orders[i], why, sizeof why) != 0) {
      snprintf(check_why, sizeof check_why, "order %zu: %.200s", i, why);
      check_failed_now = 1;
      return;
    }
}

/* The compile check itself fails on a broken program. */
TEST(compile_check_fails_on_errors)
{
  CHECK(compile("#include \"kernel/types.h\"\nint f(void) { return undefined_name; }\n", why,
                sizeof why) != 0);
  CHECK(compile("#include \"no/such/header.h\"\n", why, sizeof why) != 0);
}

int main(void)
{
  RUN(each_header_alone);
  RUN(headers_together);
  RUN(xv6_include_orders);
  RUN(compile_check_fails_on_errors);
  return check_summary();
}
