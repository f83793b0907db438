/* Kernel backtraces; see backtrace.h. */
#include "lib/backtrace.h"
#include "lib/printf.h"
#include "drivers/uart.h"
#include "drivers/platform.h"
#include "arch/riscv.h"
#include "arch/memlayout.h"
#include "arch/trap.h"

/* The tables scripts/mksyms.py generates, each sorted by address. */
struct ksym {
  uint64 addr, size;        /* size 0: unknown (assembly), up to the next one */
  const char *name;
};
struct kline {
  uint32 pc;                /* minus KERNBASE */
  uint16 line;              /* 0: no source from here on */
  uint16 file;              /* index into kfiles */
};
enum cfa_base { CFA_NONE, CFA_SP, CFA_S0 };
struct kunwind {
  uint32 pc;                /* minus KERNBASE */
  uint16 cfa_off;           /* CFA = base register + cfa_off */
  uint8 base;               /* enum cfa_base; CFA_NONE: no frame information */
  uint8 saved;              /* ra at CFA - 8 * (saved & 15), s0 at CFA - 8 * (saved >> 4);
                               0 means still in the register */
};
extern const struct ksym ksyms[];
extern const uint64 nksyms;
extern const struct kline klines[];
extern const uint64 nklines;
extern const char *const kfiles[];
extern const uint64 nkfiles;
extern const struct kunwind kunwind[];
extern const uint64 nkunwind;
extern char etext[], end[];
extern char kernelvec[];
extern char kernelvec_end[];

#define MAX_FRAMES 4096     /* an unbounded recursion fills a stack with ~250 */

/* Index of the last entry whose key is <= key, or -1. */
#define LAST_AT_OR_BELOW(table, n, field, key) ({                  \
    int64 _lo = -1, _hi = (int64)(n);                                \
    while (_hi - _lo > 1) {                                          \
      int64 _mid = (_lo + _hi) / 2;                                  \
      if ((table)[_mid].field <= (key)) _lo = _mid; else _hi = _mid; \
    }                                                                \
    _lo; })

static int in_text(uint64 pc)
{
  return pc >= KERNBASE && pc < (uint64)etext;
}

const char *ksym_lookup(uint64 pc, uint64 *offset)
{
  if (!in_text(pc))
    return NULL;
  int64 i = LAST_AT_OR_BELOW(ksyms, nksyms, addr, pc);
  if (i < 0 || (ksyms[i].size && pc >= ksyms[i].addr + ksyms[i].size))
    return NULL;
  *offset = pc - ksyms[i].addr;
  return ksyms[i].name;
}

int kline_lookup(uint64 pc, const char **file)
{
  *file = NULL;
  if (!in_text(pc))
    return 0;
  int64 i = LAST_AT_OR_BELOW(klines, nklines, pc, pc - KERNBASE);
  if (i < 0 || klines[i].line == 0 || klines[i].file >= nkfiles)
    return 0;
  *file = kfiles[klines[i].file];
  return klines[i].line;
}

char *ksym_describe(uint64 pc, int is_return, char *buf, int size)
{
  uint64 at = is_return ? pc - 1 : pc, off;
  const char *name = ksym_lookup(at, &off), *file;
  int line = kline_lookup(at, &file);
  if (!name)
    snprintf(buf, size, "?");
  else if (line)
    snprintf(buf, size, "%s+0x%lx (%s:%d)", name, off + (pc - at), file, line);
  else
    snprintf(buf, size, "%s+0x%lx", name, off + (pc - at));
  return buf;
}

/* ------------------------------------------------------------------ */
/* Unwinding                                                           */

/* May the walk read the 8 bytes at a? Kernel RAM (the kernel image with
 * its boot stacks even before the device tree says where RAM ends), and
 * the stack pages (not the guard pages) of the kernel-stack window. */
static int readable(uint64 a)
{
  const uint64 slot = (KSTACK_PAGES + 1) * PGSIZE, lo = KSTACK(NPROC - 1);
  if (a & 7)
    return 0;
  if (a >= KERNBASE && (a < (uint64)end || a < platform.ram_end))
    return 1;
  return a >= lo && a < KSTACK_TOP && (a - lo) % slot < KSTACK_PAGES * PGSIZE;
}

static int read_word(uint64 a, uint64 *out)
{
  if (!readable(a))
    return 0;
  *out = *(uint64 *)a;
  return 1;
}

/* One frame: exact when pc is the instruction a trap stopped at (and ra
 * holds the interrupted ra register), not when pc is a return address. */
struct frame {
  uint64 pc, sp, fp, ra;
  int exact;
};

static const struct kunwind *unwind_row(uint64 pc)
{
  int64 i = LAST_AT_OR_BELOW(kunwind, nkunwind, pc, pc - KERNBASE);
  if (i < 0 || kunwind[i].base == CFA_NONE)
    return NULL;
  return &kunwind[i];
}

/* Out of kernelvec (it called kerneltrap with sp at the saved frame) into
 * the code the trap interrupted. */
static int step_trap(struct frame *f)
{
  struct kframe *k = (struct kframe *)f->sp;
  if (!readable(f->sp) || !readable(f->sp + sizeof *k - 8))
    return 0;
  *f = (struct frame){ k->epc, k->sp, k->s0, k->ra, 1 };
  return 1;
}

/* Move f to its caller; 0 when the walk ends. */
static int step(struct frame *f)
{
  uint64 at = f->exact ? f->pc : f->pc - 1;
  if (!f->exact && at >= (uint64)kernelvec && at < (uint64)kernelvec_end)
    return step_trap(f);
  const struct kunwind *u = unwind_row(at);
  uint64 ra = f->ra, fp = f->fp, sp = f->sp;
  if (u) {
    uint64 cfa = (u->base == CFA_SP ? f->sp : f->fp) + u->cfa_off;
    int ra_slot = u->saved & 15, fp_slot = u->saved >> 4;
    if (ra_slot == 0 && !f->exact)
      return 0;                        /* a leaf cannot be a caller */
    if ((ra_slot && !read_word(cfa - 8 * ra_slot, &ra)) ||
        (fp_slot && !read_word(cfa - 8 * fp_slot, &fp)))
      return 0;
    sp = cfa;
  } else if (!f->exact) {              /* no frame information: frame pointers */
    if (!read_word(f->fp - 8, &ra) || !read_word(f->fp - 16, &fp))
      return 0;
    sp = f->fp;
  }                                    /* else: an assembly leaf, ra in its register */
  if (fp == 0 || ra == 0 || sp < f->sp)
    return 0;                          /* the bottom, or a frame that goes nowhere */
  *f = (struct frame){ ra, sp, fp, 0, 0 };
  return 1;
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */

struct printer {
  int depth;                /* frames seen */
  uint64 last;              /* pc of the last frame printed */
  int repeats;              /* frames since then with the same pc */
};

static void flush_repeats(struct printer *p)
{
  char line[160], where[112];
  if (p->repeats == 0)
    return;
  snprintf(line, sizeof line, "  ... %d more frame%s of %s\n", p->repeats,
           p->repeats == 1 ? "" : "s", ksym_describe(p->last, 1, where, sizeof where));
  uart_puts_sync(line);
  p->repeats = 0;
}

static void print_frame(struct printer *p, const struct frame *f)
{
  char line[160], where[112];
  int n = p->depth++;
  if (n > 0 && f->pc == p->last) {
    p->repeats++;
    return;
  }
  flush_repeats(p);
  p->last = f->pc;
  snprintf(line, sizeof line, "  #%-2d %p %s\n", n, (void *)f->pc,
           ksym_describe(f->pc, !f->exact, where, sizeof where));
  uart_puts_sync(line);
}

static void walk(struct frame f)
{
  struct printer p = { 0 };
  uart_puts_sync("backtrace:\n");
  for (int i = 0; i < MAX_FRAMES; i++) {
    print_frame(&p, &f);
    if (!in_text(f.exact ? f.pc : f.pc - 1) && !(f.exact && i == 0))
      break;                           /* cannot know where unknown code keeps its frame */
    if (!step(&f))
      break;
  }
  flush_repeats(&p);
}

void backtrace_from(const struct bt_regs *r)
{
  walk((struct frame){ r->pc, r->sp, r->fp, r->ra, 1 });
}

void __attribute__((noinline)) backtrace_skip(int skip)
{
  uint64 pc;
  asm volatile("auipc %0, 0" : "=r"(pc));
  struct frame f = { pc, r_sp(), r_fp(), 0, 1 };
  for (int i = 0; i <= skip; i++)          /* this frame, then the skipped ones */
    if (!step(&f)) {
      uart_puts_sync("backtrace: none (no frame information)\n");
      return;
    }
  walk(f);
}
