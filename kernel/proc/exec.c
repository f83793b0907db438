/*
 * exec: build a complete new process memory from an ELF file, then swap it
 * in. Until the swap nothing about the caller has changed, so any failure
 * (bad file, out of memory) returns an error to an intact caller.
 */
#include "proc/exec.h"
#include "proc/elf.h"
#include "proc/proc.h"
#include "mm/procmem.h"
#include "mm/usercopy.h"
#include "arch/memlayout.h"
#include "arch/pagetable.h"
#include "lib/string.h"
#include "fs/fs.h"
#include "fs/log.h"
#include <kite/errno.h>
#include <kite/fs.h>

/* Read exactly n bytes of ip at off into kernel memory dst. */
static int read_exact(struct inode *ip, void *dst, uint64 off, uint64 n)
{
  struct uwriter w;
  uwriter_init_kernel(&w, dst, n);
  return readi(ip, &w, off, n) == (long)n ? 0 : -KITE_ENOEXEC;
}

static uint32 segment_prot(const struct elf_phdr *ph)
{
  return (ph->flags & ELF_PF_R ? VM_PROT_READ : 0) | (ph->flags & ELF_PF_W ? VM_PROT_WRITE : 0) |
         (ph->flags & ELF_PF_X ? VM_PROT_EXEC : 0);
}

/* Map one PT_LOAD segment and fill it from the file; bss stays zero. */
static int load_segment(struct procmem *pm, struct inode *ip, const struct elf_phdr *ph,
                        const char *name)
{
  uint64 start = PGROUNDDOWN(ph->vaddr), end = PGROUNDUP(ph->vaddr + ph->memsz), got;
  struct pm_map_req req = {
    .addr = start, .len = end - start, .place = PM_PLACE_FIXED_FREE,
    .type = ph->flags & ELF_PF_X ? VM_CODE : VM_DATA,
    .prot = segment_prot(ph), .flags = VM_PRIVATE, .name = name,
  };
  int err = procmem_map(pm, &req, &got);     /* -EEXIST: segments overlap */
  if (err < 0)
    return err == -KITE_ENOMEM ? err : -KITE_ENOEXEC;
  for (uint64 done = 0; done < ph->filesz; ) {
    uint64 va = ph->vaddr + done;
    uint64 n = MIN(ph->filesz - done, PGSIZE - (va & (PGSIZE - 1)));
    uint64 page = procmem_load_page(pm, va);
    if (page == 0)
      return -KITE_ENOMEM;
    if ((err = read_exact(ip, (void *)(page + (va & (PGSIZE - 1))), ph->off + done, n)) < 0)
      return err;
    done += n;
  }
  return 0;
}

/* Load every segment of the ELF file ip into pm; the entry point in *entry
 * and the end of the highest segment in *image_end. */
static int load_elf(struct procmem *pm, struct inode *ip, const char *name, uint64 *entry,
                    uint64 *image_end)
{
  struct elf_header eh;
  int err;
  if (read_exact(ip, &eh, 0, sizeof eh) < 0)
    return -KITE_ENOEXEC;
  if ((err = elf_check_header(&eh, ip->size)) < 0)
    return err;
  uint64 top = USER_TOP - USTACK_SIZE - USTACK_GUARD;
  *image_end = USER_BASE;
  for (int i = 0; i < eh.phnum; i++) {
    struct elf_phdr ph;
    if ((err = read_exact(ip, &ph, eh.phoff + i * sizeof ph, sizeof ph)) < 0)
      return err;
    if (ph.type != ELF_PT_LOAD)
      continue;
    /* An empty PT_LOAD loads nothing: linkers write one for a segment
     * that got no sections (the data of a program without globals). */
    if (ph.memsz == 0 && ph.filesz == 0)
      continue;
    if ((err = elf_check_segment(&ph, ip->size, USER_BASE, top)) < 0)
      return err;
    if ((err = load_segment(pm, ip, &ph, name)) < 0)
      return err;
    *image_end = MAX(*image_end, PGROUNDUP(ph.vaddr + ph.memsz));
  }
  *entry = eh.entry;
  return 0;
}

/* Copy len bytes to user address va of pm (not necessarily the current
 * process's memory). */
static int pm_copyout(struct procmem *pm, uint64 va, const void *src, uint64 len)
{
  while (len > 0) {
    uint64 k = procmem_translate(pm, va, ACCESS_WRITE);
    if (k == 0)
      return -KITE_EFAULT;
    uint64 n = MIN(len, PGSIZE - (va & (PGSIZE - 1)));
    memmove((void *)k, src, n);
    va += n;
    src = (const char *)src + n;
    len -= n;
  }
  return 0;
}

/*
 * The initial user stack, from USER_TOP down:
 *   argument strings, then the argv[] array (argc pointers and a NULL),
 *   16-byte aligned; sp points at argv[0]'s slot.
 */
static int setup_stack(struct procmem *pm, char **argv, uint64 *sp_out, uint64 *argv_out, int *argc_out)
{
  uint64 stack_lo = USER_TOP - USTACK_SIZE, got;
  struct pm_map_req stack = {
    .addr = stack_lo, .len = USTACK_SIZE, .place = PM_PLACE_FIXED_FREE, .type = VM_STACK,
    .prot = VM_PROT_READ | VM_PROT_WRITE, .flags = VM_PRIVATE | VM_LAZY | VM_GROWSDOWN,
    .name = "[stack]",
  };
  int err = procmem_guard(pm, stack_lo - USTACK_GUARD, USTACK_GUARD);
  if (err == 0)
    err = procmem_map(pm, &stack, &got);
  if (err < 0)
    return err;

  uint64 sp = USER_TOP, ustr[MAXARG + 1];
  int argc = 0;
  for (; argv[argc]; argc++) {
    uint64 len = strlen(argv[argc]) + 1;
    sp = (sp - len) & ~7UL;
    if ((err = pm_copyout(pm, sp, argv[argc], len)) < 0)
      return err;
    ustr[argc] = sp;
  }
  ustr[argc] = 0;
  sp -= (argc + 1) * sizeof(uint64);
  sp &= ~15UL;
  if ((err = pm_copyout(pm, sp, ustr, (argc + 1) * sizeof(uint64))) < 0)
    return err;
  *sp_out = sp;
  *argv_out = sp;
  *argc_out = argc;
  return 0;
}

static const char *basename(const char *path)
{
  const char *last = path;
  for (const char *s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  return last;
}

long kexec(const char *path, char **argv)
{
  struct proc *p = myproc();
  struct inode *ip;
  uint64 entry = 0, image_end = 0, sp = 0, uargv = 0;
  int argc = 0;

  struct procmem *pm = procmem_create((uint64)p->trapframe);
  if (pm == NULL)
    return -KITE_ENOMEM;

  begin_op();
  int err = namei(path, &ip);
  if (err < 0) {
    end_op();
    procmem_destroy(pm);
    return err;
  }
  ilock(ip);
  if (ip->type != KITE_T_FILE)
    err = ip->type == KITE_T_DIR ? -KITE_EACCES : -KITE_ENOEXEC;
  else
    err = load_elf(pm, ip, basename(path), &entry, &image_end);
  iunlockput(ip);
  end_op();

  if (err == 0)
    err = setup_stack(pm, argv, &sp, &uargv, &argc);
  if (err < 0) {
    procmem_destroy(pm);
    return err;
  }

  /* Commit: nothing below can fail. */
  procmem_set_layout(pm, image_end);
  acquire(&p->lock);                 /* readers of p->mem (the maps view) */
  struct procmem *old = p->mem;
  p->mem = pm;
  release(&p->lock);
  pt_switch(pm->pt);                 /* off the old table before it is freed */
  p->trapframe->epc = entry;
  p->trapframe->sp = sp;
  p->trapframe->a1 = uargv;
  safestrcpy(p->name, basename(path), sizeof p->name);
  procmem_destroy(old);
  return argc;
}
