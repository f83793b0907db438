/*
 * pmap: print a process's memory mappings.
 *
 *   pmap [PID]      the mappings of PID (default: pmap itself), one a line,
 *                   in the format of Linux's /proc/PID/maps
 *   pmap -x [PID]   a table with each mapping's size, resident pages and
 *                   Kite mapping type, and a total line (which leaves out
 *                   the [kernel] windows: reserved, never the process's)
 *
 * A maps line is
 *
 *   start-end perms offset dev inode                          name
 *   00010000-00019000 r-xp 00000000 00:00 0                   /pmap
 *
 * start and end in hex (at least 8 digits), perms r/w/x and p (private,
 * copy-on-write) or s (shared), the byte offset into the file or shared
 * object (8 hex digits), the device (always 00:00: Kite has one disk), the
 * inode number of a mapped file (0 otherwise), and the name, which Linux
 * starts in column 74 and Kite does too: [heap], [stack], [guard], the
 * file's name, the program's own name for its code and data, [shared] for
 * shared anonymous memory, [kernel] for the windows of kernel addresses
 * every address space reserves, and nothing for private anonymous memory. Lines without a name end after the inode
 * and one space, exactly as Linux writes them, so tools that parse
 * /proc/PID/maps parse this output unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kite.h"

/* Linux pads the name to column 25 + 6 * sizeof(void *) - 1, then a space. */
#define NAME_COLUMN (25 + 6 * 8 - 1)

static const char *type_name(uint32_t type)
{
  static const char *const names[] = {
    [KITE_VM_CODE] = "code",     [KITE_VM_DATA] = "data",
    [KITE_VM_HEAP] = "heap",     [KITE_VM_STACK] = "stack",
    [KITE_VM_GUARD] = "guard",   [KITE_VM_SHARED] = "shared",
    [KITE_VM_MMIO] = "mmio",     [KITE_VM_ANON] = "anon",
    [KITE_VM_FILE] = "file",     [KITE_VM_KERNEL] = "kernel",
    [KITE_VM_FREE] = "free",
  };

  if (type < sizeof names / sizeof names[0] && names[type])
    return names[type];
  return "?";
}

/* The name column: the kernel's name, or the usual one for the type. */
static const char *mapping_name(const struct kite_mapping *m)
{
  static char name[sizeof m->name + 1];

  memcpy(name, m->name, sizeof m->name);
  name[sizeof m->name] = '\0';
  if (name[0])
    return name;
  switch (m->type) {
  case KITE_VM_HEAP:   return "[heap]";
  case KITE_VM_STACK:  return "[stack]";
  case KITE_VM_GUARD:  return "[guard]";
  case KITE_VM_SHARED: return "[shared]";
  case KITE_VM_MMIO:   return "[mmio]";
  case KITE_VM_KERNEL: return "[kernel]";
  default:             return "";
  }
}

static int is_shared(const struct kite_mapping *m)
{
  return (m->flags & KITE_VMF_SHARED) || m->type == KITE_VM_SHARED;
}

static void perms(const struct kite_mapping *m, char out[5])
{
  out[0] = m->prot & KITE_PROT_READ ? 'r' : '-';
  out[1] = m->prot & KITE_PROT_WRITE ? 'w' : '-';
  out[2] = m->prot & KITE_PROT_EXEC ? 'x' : '-';
  out[3] = is_shared(m) ? 's' : 'p';
  out[4] = '\0';
}

static void print_maps_line(const struct kite_mapping *m)
{
  const char *name = mapping_name(m);
  char p[5];
  int n;

  perms(m, p);
  n = printf("%08lx-%08lx %s %08lx 00:00 %lu ", (unsigned long)m->start,
             (unsigned long)m->end, p, (unsigned long)m->offset, (unsigned long)m->inum);
  if (name[0]) {
    if (n < NAME_COLUMN)
      printf("%*s", NAME_COLUMN - n, "");
    printf(" %s", name);
  }
  printf("\n");
}

static void print_table(const struct kite_mapping *maps, long n)
{
  unsigned long total_kb = 0, total_rss = 0;

  printf("%-16s %8s %8s %-5s %-6s %s\n", "Address", "Kbytes", "RSS", "Mode", "Type", "Mapping");
  for (long i = 0; i < n; i++) {
    const struct kite_mapping *m = &maps[i];
    unsigned long kb = (m->end - m->start) / 1024;
    unsigned long rss = (unsigned long)m->resident * (KITE_PGSIZE / 1024);
    char p[5];

    perms(m, p);
    printf("%016lx %8lu %8lu %-5s %-6s %s\n", (unsigned long)m->start, kb, rss, p,
           type_name(m->type), mapping_name(m));
    if (m->type == KITE_VM_KERNEL)
      continue;                 /* reserved addresses, not the process's memory */
    total_kb += kb;
    total_rss += rss;
  }
  printf("%-16s %8s %8s\n", "----------------", "--------", "--------");
  printf("%-16s %8lu %8lu\n", "total kB", total_kb, total_rss);
}

/*
 * Read every mapping of pid into a buffer from malloc; returns the count,
 * or -1 and errno. The list may grow between the two calls (the process
 * runs on), so ask again until the buffer was big enough.
 */
static long read_maps(int pid, struct kite_mapping **out)
{
  struct kite_mapping *buf = NULL;
  long count = 0;

  for (;;) {
    long n = kite_mmaps(pid, buf, count);
    if (n < 0) {
      free(buf);
      return -1;
    }
    if (n <= count) {
      *out = buf;
      return n;
    }
    free(buf);
    count = n + 8;
    buf = malloc(count * sizeof *buf);
    if (buf == NULL) {
      errno = ENOMEM;
      return -1;
    }
  }
}

static int usage(void)
{
  fprintf(stderr, "usage: pmap [-x] [PID]\n");
  return 2;
}

int main(int argc, char **argv)
{
  struct kite_mapping *maps;
  const char *pid_arg = NULL;
  int table = 0;
  long pid = 0, n;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-x") == 0)
      table = 1;
    else if (argv[i][0] == '-' || pid_arg)
      return usage();
    else
      pid_arg = argv[i];
  }
  if (pid_arg) {
    char *end;
    pid = strtol(pid_arg, &end, 10);
    if (*pid_arg == '\0' || *end != '\0' || pid <= 0) {
      fprintf(stderr, "pmap: %s: not a pid\n", pid_arg);
      return 1;
    }
  }

  n = read_maps((int)pid, &maps);
  if (n < 0) {
    if (errno == ESRCH)
      fprintf(stderr, "pmap: no process %ld\n", pid);
    else
      fprintf(stderr, "pmap: %s: %s\n", pid_arg ? pid_arg : "self", strerror(errno));
    return 1;
  }
  if (table)
    print_table(maps, n);
  else
    for (long i = 0; i < n; i++)
      print_maps_line(&maps[i]);
  free(maps);
  return 0;
}
