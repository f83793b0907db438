"""gdb commands for Kite, loaded by .gdbinit (source scripts/gdb/kite.py).

    kite-ps               processes: pid, state, name, hart, user pc, parent
    kite-maps [PID]       a process's mappings, in /proc/PID/maps format
    kite-pt VA [PID]      the Sv39 walk of VA in a process's page table
    kite-mem [PA]         free and cached pages; PA: one page's reference count
    kite-bt PID           the kernel backtrace of a process from its saved context
    kite-tf PID           a process's trap frame (its user registers)
    kite-log [LINES]      the kernel's recent console output (kernel/lib/klog.h)

PID defaults to the process running on the selected hart.

They only read memory: nothing calls into the kernel, so they are safe at
any breakpoint, on any hart, whatever that hart is doing (in user mode,
with interrupts off, holding a lock). Reads are physical (QEMU's
Qqemu.PhyMemMode), so the selected hart's page table and privilege do not
matter; a kernel virtual address outside RAM (a kernel stack) is first
translated through kernel_pagetable, by the same walk as kite-pt.

The kernel's structures are read by field name through gdb's type
information (struct proc, procmem, vmlist, vm_mapping, shm, kmem, klog):
a refactor that renames or moves a field shows up as a clear error here,
and the host test (test/host/test_gdb.py) fails on it. Flag values that
are C macros (VM_PRIVATE, ...) are read from the kernel's headers in the
tree; PTE bits and the Sv39 split are the RISC-V specification's.
"""
import os
import re
import struct
import sys

import gdb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
try:
    import kitesym
except ImportError:          # the helpers work without it; user pcs stay bare
    kitesym = None

PGSIZE = 4096
PTE_BITS = [('V', 0), ('R', 1), ('W', 2), ('X', 3), ('U', 4), ('G', 5), ('A', 6), ('D', 7)]


class KiteError(Exception):
    """A problem to report in one line, instead of a Python traceback."""


# ---------------------------------------------------------------------------
# Constants from the tree's headers

def header_defines(path, prefix):
    """{NAME: value} of '#define PREFIX... number' lines in a header."""
    values = {}
    try:
        with open(os.path.join(ROOT, path)) as f:
            for line in f:
                m = re.match(r'#define\s+(%s\w*)\s+(0x[0-9a-fA-F]+|\d+)[uUlL]*\b' % prefix, line)
                if m:
                    values[m.group(1)] = int(m.group(2), 0)
    except OSError:
        pass
    return values


def vm_constant(name):
    values = header_defines('kernel/mm/vmlist.h', 'VM_')
    if name not in values:
        raise KiteError('%s is not defined in kernel/mm/vmlist.h' % name)
    return values[name]


def syscall_name(num):
    for name, value in header_defines('include/kite/syscall.h', 'SYS_').items():
        if value == num and name != 'SYS_MAX':
            return name
    return None


# ---------------------------------------------------------------------------
# Memory

class physical_memory:
    """Within it, target memory reads are physical addresses (QEMU)."""
    depth = 0
    works = None

    def __enter__(self):
        if physical_memory.depth == 0 and physical_memory.works is not False:
            out = gdb.execute('maint packet Qqemu.PhyMemMode:1', to_string=True)
            physical_memory.works = 'received: "OK"' in out
        physical_memory.depth += 1
        return self

    def __exit__(self, *exc):
        physical_memory.depth -= 1
        if physical_memory.depth == 0 and physical_memory.works:
            gdb.execute('maint packet Qqemu.PhyMemMode:0', to_string=True)
            gdb.execute('maint flush dcache', to_string=True)
        return False


def read(addr, size):
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    except gdb.MemoryError:
        raise KiteError('cannot read %d bytes at %#x' % (size, addr))


def read_u64(addr):
    return struct.unpack('<Q', read(addr, 8))[0]


def symbol(name):
    """The value of a kernel global or file-static variable."""
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if sym is None:
        raise KiteError('no symbol %s: is build/kernel loaded (file build/kernel)?' % name)
    return sym.value()


def field(value, name):
    """value[name], or a clear error naming the structure and field."""
    try:
        return value[name]
    except gdb.error:
        raise KiteError('struct %s has no field "%s": scripts/gdb/kite.py needs updating'
                        % (value.type.strip_typedefs().tag or value.type, name))


def has_field(value, name):
    t = value.type.strip_typedefs()
    return any(f.name == name for f in t.fields())


def u(value):
    return int(value) & 0xffffffffffffffff


def cstr(value):
    """A char array field as text."""
    data = bytes(int(b) & 0xff for b in (value[i] for i in range(value.type.sizeof)))
    return data.split(b'\0')[0].decode('utf-8', 'replace')


def enum_name(value):
    """An enum value's name, VM_HEAP, SLEEPING, ..."""
    text = str(value)
    return text if not text.lstrip('-').isdigit() else '?%s' % text


# ---------------------------------------------------------------------------
# Sv39 page tables

def pt_walk(root, va):
    """[(level, index, pte address, pte)] down to a leaf or an invalid PTE."""
    steps, table = [], root
    for level in (2, 1, 0):
        index = (va >> (12 + 9 * level)) & 0x1ff
        at = table + index * 8
        pte = read_u64(at)
        steps.append((level, index, at, pte))
        if not pte & 1 or pte & 0xe:         # invalid, or a leaf (R, W or X)
            break
        table = (pte >> 10) << 12
    return steps


def pt_translate(root, va):
    """Physical address of va through root, or None."""
    level, _, _, pte = pt_walk(root, va)[-1]
    if not pte & 1 or not pte & 0xe:
        return None
    size = 1 << (12 + 9 * level)
    return ((pte >> 10) << 12) + (va & (size - 1))


def pte_flags(pte):
    return ''.join(c if pte & (1 << b) else '-' for c, b in PTE_BITS)


def ram_end():
    try:
        return u(field(symbol('platform'), 'ram_end'))
    except KiteError:
        return 0x80000000 + (128 << 20)


def kernel_read_u64(va):
    """A kernel virtual address: RAM is identity-mapped, the rest (kernel
    stacks) goes through kernel_pagetable."""
    if 0x80000000 <= va < ram_end():
        return read_u64(va)
    pa = pt_translate(u(symbol('kernel_pagetable')), va)
    if pa is None:
        raise KiteError('kernel address %#x is not mapped' % va)
    return read_u64(pa)


# ---------------------------------------------------------------------------
# Processes

def procs():
    """(slot, struct proc value) for every slot in use."""
    table = symbol('proc')
    lo, hi = table.type.range()
    for i in range(lo, hi + 1):
        p = table[i]
        if enum_name(field(p, 'state')) != 'UNUSED':
            yield i, p


def hart_of(p):
    """The hart running p, or None."""
    cpus = symbol('cpus')
    lo, hi = cpus.type.range()
    addr = u(p.address)
    for i in range(lo, hi + 1):
        if u(field(cpus[i], 'proc')) == addr:
            return i
    return None


def selected_hart():
    thread = gdb.selected_thread()
    if thread is None:
        raise KiteError('no thread: is gdb connected to QEMU (target remote)?')
    lwp = thread.ptid[1]
    return (lwp if lwp > 0 else thread.num) - 1


def find_proc(pid_text):
    """The struct proc of a pid (text), or of the selected hart's process."""
    if pid_text:
        try:
            pid = int(gdb.parse_and_eval(pid_text))
        except gdb.error as e:
            raise KiteError('not a pid: %s (%s)' % (pid_text, e))
        for _, p in procs():
            if int(field(p, 'pid')) == pid:
                return p
        raise KiteError('no process %d' % pid)
    hart = selected_hart()
    cpus = symbol('cpus')
    ptr = field(cpus[hart], 'proc')
    if u(ptr) == 0:
        raise KiteError('hart %d runs no process now: give a pid' % hart)
    return ptr.dereference()


def proc_label(p):
    return 'pid %d (%s)' % (int(field(p, 'pid')), cstr(field(p, 'name')))


def user_symbols():
    if kitesym is None:
        return None
    return kitesym.UserSymbols(os.path.join(ROOT, 'build', 'user'))


def describe_user_pc(name, pc):
    syms = user_symbols()
    what = syms.describe(name, pc) if syms else None
    return ' %s' % what if what else ''


def wait_channel(chan):
    """What a sleeping process waits on, in words."""
    addr = u(chan)
    if addr == 0:
        return '-'
    table = symbol('proc')
    start, size = u(table.address), table.type.sizeof
    if start <= addr < start + size:
        slot = (addr - start) // table[0].type.sizeof
        return 'proc[%d] (wait)' % slot
    text = gdb.execute('info symbol %#x' % addr, to_string=True).strip()
    if text.startswith('No symbol'):
        return '%#x' % addr
    return text.split(' in section')[0].replace(' + ', '+')


class KiteCommand(gdb.Command):
    """Base: runs do() with physical reads, turns KiteError into a message."""

    def invoke(self, arg, from_tty):
        try:
            with physical_memory():
                self.do(gdb.string_to_argv(arg))
        except (KiteError, gdb.MemoryError) as e:
            raise gdb.GdbError('%s: %s' % (self.name, e))

    def do(self, argv):
        raise NotImplementedError


class KitePs(KiteCommand):
    """kite-ps: every process: pid, state, name, hart, user pc, parent, wait channel.

HART is the hart a RUNNING process is on ('*' marks the selected one);
USER PC is where it entered the kernel (trap frame epc)."""
    name = 'kite-ps'

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def do(self, argv):
        try:
            me = selected_hart()
        except KiteError:
            me = None
        rows = [('PID', 'STATE', 'NAME', 'HART', 'USER PC', 'PPID', 'WAITING ON')]
        for _, p in procs():
            state = enum_name(field(p, 'state'))
            hart = hart_of(p)
            tf = field(p, 'trapframe')
            epc = '%#x' % u(field(tf.dereference(), 'epc')) if u(tf) else '-'
            parent = u(field(p, 'parent'))
            ppid = str(int(field(field(p, 'parent').dereference(), 'pid'))) if parent else '-'
            chan = wait_channel(field(p, 'chan')) if state == 'SLEEPING' else ''
            where = '-' if hart is None else '%d%s' % (hart, '*' if hart == me else '')
            rows.append((str(int(field(p, 'pid'))), state, cstr(field(p, 'name')), where, epc,
                         ppid, chan))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            gdb.write('  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + '\n')


# ---------------------------------------------------------------------------
# Mappings

def mappings(p):
    """The vm_mapping values of a process, in address order (in-order walk
    of the vmlist AVL tree)."""
    mem = u(field(p, 'mem'))
    if mem == 0:
        raise KiteError('%s has no memory (p->mem is NULL)' % proc_label(p))
    pm = field(p, 'mem').dereference()
    lst = field(pm, 'list')
    count = int(field(lst, 'count'))
    out, stack, node = [], [], field(lst, 'root')
    while (stack or u(node)) and len(out) <= count:
        while u(node):
            stack.append(node)
            node = field(node.dereference(), 'left')
            if len(stack) > 64:
                raise KiteError('the mapping tree is deeper than an AVL tree can be')
        node = stack.pop()
        out.append(node.dereference())
        node = field(node.dereference(), 'right')
    if len(out) != count:
        raise KiteError('the mapping tree has %d nodes, its count says %d' % (len(out), count))
    return pm, out


NAME_COLUMN = 25 + 6 * 8 - 1         # where Linux (and pmap) start the name


def mapping_fields(m):
    """(start, end, perms, offset, inum, name, type) as pmap prints them."""
    start, end = u(field(m, 'start')), u(field(m, 'end'))
    prot, flags = int(field(m, 'prot')), int(field(m, 'flags'))
    kind = enum_name(field(m, 'type'))
    obj = field(m, 'object')
    offset, inum = u(field(m, 'offset')), 0
    shared = (u(obj) and not flags & vm_constant('VM_PRIVATE')) or kind == 'VM_SHARED'
    if u(obj):
        shm = obj.cast(gdb.lookup_type('struct shm').pointer()).dereference()
        is_file = kind == 'VM_FILE' or (has_field(shm, 'ip') and u(shm['ip']) != 0)
        if is_file:
            offset = u(field(shm, 'file_off')) + offset
            inum = int(field(shm, 'inum'))
    perms = ''.join([
        'r' if prot & vm_constant('VM_PROT_READ') else '-',
        'w' if prot & vm_constant('VM_PROT_WRITE') else '-',
        'x' if prot & vm_constant('VM_PROT_EXEC') else '-',
        's' if shared else 'p'])
    name = cstr(field(m, 'name'))
    if not name:
        name = {'VM_HEAP': '[heap]', 'VM_STACK': '[stack]', 'VM_GUARD': '[guard]',
                'VM_SHARED': '[shared]', 'VM_MMIO': '[mmio]', 'VM_KERNEL': '[kernel]'}.get(kind, '')
    return start, end, perms, offset, inum, name, kind


def maps_line(m):
    start, end, perms, offset, inum, name, _ = mapping_fields(m)
    text = '%08x-%08x %s %08x 00:00 %d ' % (start, end, perms, offset, inum)
    if name:
        text = text.ljust(NAME_COLUMN) + ' ' + name
    return text


class KiteMaps(KiteCommand):
    """kite-maps [PID]: a process's mappings, one a line, in the format of
Linux's /proc/PID/maps (what `pmap PID` prints): start-end perms offset
dev inode name. Read from the process's vmlist; PID defaults to the
process on the selected hart."""
    name = 'kite-maps'

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def do(self, argv):
        p = find_proc(argv[0] if argv else None)
        _, ms = mappings(p)
        for m in ms:
            gdb.write(maps_line(m) + '\n')


def mapping_at(p, va):
    for m in mappings(p)[1]:
        if u(field(m, 'start')) <= va < u(field(m, 'end')):
            return m
    return None


class KitePt(KiteCommand):
    """kite-pt VA [PID]: walk VA through a process's Sv39 page table.

Each level: its index (VPN[level]), the PTE's address and value, its
flags (V R W X U G A D); then the physical address, and the mapping of
the process that VA lies in. PID defaults to the selected hart's process."""
    name = 'kite-pt'

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def do(self, argv):
        if not argv:
            raise KiteError('usage: kite-pt VA [PID]')
        try:
            va = u(gdb.parse_and_eval(argv[0]))
        except gdb.error as e:
            raise KiteError('not an address: %s (%s)' % (argv[0], e))
        p = find_proc(argv[1] if len(argv) > 1 else None)
        pm = field(p, 'mem').dereference()
        root = u(field(pm, 'pt'))
        gdb.write('%s, page table at %#x; va %#x\n' % (proc_label(p), root, va))
        if va >= 1 << 38:
            gdb.write('  not an Sv39 user or kernel address (bits 63..39 must copy bit 38)\n')
            return
        for level, index, at, pte in pt_walk(root, va):
            kind = ('invalid' if not pte & 1 else
                    'leaf' if pte & 0xe else 'next table %#x' % ((pte >> 10) << 12))
            gdb.write('  L%d[%3d] pte at %#x = %#018x %s  %s\n'
                      % (level, index, at, pte, pte_flags(pte), kind))
        pa = pt_translate(root, va)
        gdb.write('  pa: %s\n' % ('%#x' % pa if pa is not None else 'none (not mapped)'))
        m = mapping_at(p, va)
        if m is None:
            gdb.write('  mapping: none (a hole in the address space)\n')
        else:
            gdb.write('  mapping: %s (%s)\n' % (maps_line(m).rstrip(), mapping_fields(m)[6]))


# ---------------------------------------------------------------------------
# Physical memory

def page_cache():
    """The page cache's state (a struct value), or None in a kernel without one."""
    try:
        candidates = gdb.lookup_static_symbols('pc')
    except AttributeError:
        candidates = [gdb.lookup_static_symbol('pc')]
    for sym in candidates:
        if sym is None or not sym.symtab or not sym.symtab.filename.endswith('pcache.c'):
            continue
        value = sym.value()
        if has_field(value, 'index'):
            return value
    return None


def pcache_entry(pc, pa):
    """(inum, pgoff, flags) of the cached page at pa, or None."""
    base = u(field(pc, 'base'))
    index = field(pc, 'index')
    n = int(field(index, 'nentries'))
    if pa < base or (pa - base) // PGSIZE >= n:
        return None
    e = field(index, 'e')[(pa - base) // PGSIZE]
    flags = int(field(e, 'flags'))
    if not flags & 1:                        # PCI_CACHED (kernel/mm/pcindex.h)
        return None
    return int(field(e, 'inum')), int(field(e, 'pgoff')), flags


class KiteMem(KiteCommand):
    """kite-mem [PA]: physical memory. Without PA: free pages, all pages the
allocator manages, and the page cache's pages (if this kernel has a page
cache). With PA: that page's reference count (0: free), and whether the
page cache holds it."""
    name = 'kite-mem'

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def do(self, argv):
        kmem = symbol('kmem')
        nfree, ntotal = int(field(kmem, 'nfree')), int(field(kmem, 'ntotal'))
        pc = page_cache()
        if not argv:
            gdb.write('free pages: %d of %d (%d KiB free)\n' % (nfree, ntotal, nfree * 4))
            if pc is None:
                gdb.write('cache pages: none (this kernel has no page cache)\n')
            else:
                index = field(pc, 'index')
                extra = ', '.join('%s %d' % (k, int(pc[k])) for k in ('hits', 'misses', 'reclaimed')
                                  if has_field(pc, k))
                gdb.write('cache pages: %d%s\n' % (int(field(index, 'count')),
                                                   ' (%s)' % extra if extra else ''))
            return
        try:
            pa = u(gdb.parse_and_eval(argv[0]))
        except gdb.error as e:
            raise KiteError('not an address: %s (%s)' % (argv[0], e))
        page = pa & ~(PGSIZE - 1)
        base, top = u(field(kmem, 'base')), u(field(kmem, 'top'))
        if not base <= page < top:
            gdb.write('%#x: not a page the allocator manages [%#x, %#x) (kernel image, '
                      'firmware, reference counts or device)\n' % (pa, base, top))
            return
        ref = read(u(field(kmem, 'refcnt')) + (page - base) // PGSIZE * 4, 4)
        count = struct.unpack('<I', ref)[0]
        gdb.write('page %#x: reference count %d%s\n' % (page, count, ' (free)' if count == 0 else ''))
        if pc is not None:
            e = pcache_entry(pc, page)
            gdb.write('  page cache: %s\n' % ('not cached' if e is None else
                      'inode %d page %d%s' % (e[0], e[1], ' (dirty)' if e[2] & 2 else '')))


# ---------------------------------------------------------------------------
# Kernel backtraces and trap frames

def describe_kernel_pc(pc, is_return):
    """'name+0xoff (file:line)' for a kernel pc."""
    at = pc - 1 if is_return else pc
    text = gdb.execute('info symbol %#x' % at, to_string=True).strip()
    m = re.match(r'^(\S+)(?: \+ (\d+))? in section', text)
    if not m:
        return '?'
    where = '%s+%#x' % (m.group(1), int(m.group(2) or 0) + (pc - at))
    sal = gdb.find_pc_line(at)
    if sal.symtab and sal.line:
        where += ' (%s:%d)' % (os.path.relpath(sal.symtab.fullname(), ROOT)
                               if sal.symtab.fullname().startswith(ROOT + os.sep)
                               else sal.symtab.filename, sal.line)
    return where


def in_kernel_text(pc):
    etext = u(symbol('etext').address)
    return 0x80200000 <= pc < etext


class KiteBt(KiteCommand):
    """kite-bt [PID]: the kernel backtrace of a process that is not running,
from the context it saved in swtch() (p->context: ra, sp, s0), by frame
pointers: each frame's function, offset and file:line. For a RUNNING
process it says which hart runs it (thread N+1 there, then bt)."""
    name = 'kite-bt'

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def do(self, argv):
        p = find_proc(argv[0] if argv else None)
        state = enum_name(field(p, 'state'))
        if state == 'RUNNING':
            hart = hart_of(p)
            gdb.write('%s is running on hart %s: its stack is live there; use "thread %d" '
                      'and "bt"\n' % (proc_label(p), hart, (hart or 0) + 1))
            return
        ctx = field(p, 'context')
        pc, sp, fp = u(field(ctx, 'ra')), u(field(ctx, 'sp')), u(field(ctx, 's0'))
        kstack = u(field(p, 'kstack'))
        pages = header_defines('kernel/param.h', 'KSTACK_PAGES').get('KSTACK_PAGES', 0)
        gdb.write('%s, %s, kernel stack [%#x, %#x)\n' % (proc_label(p), state, kstack,
                                                        kstack + pages * PGSIZE))
        gdb.write('  #0  %#018x %s\n' % (pc, describe_kernel_pc(pc, True)))
        for depth in range(1, 256):
            if fp == 0 or fp & 7:
                break
            ra = kernel_read_u64(fp - 8)
            prev = kernel_read_u64(fp - 16)
            if not in_kernel_text(ra - 1):
                break
            gdb.write('  #%-2d %#018x %s\n' % (depth, ra, describe_kernel_pc(ra, True)))
            if prev != 0 and prev <= fp:
                break
            fp = prev


class KiteTf(KiteCommand):
    """kite-tf [PID]: a process's trap frame: the user registers saved when
it last entered the kernel (epc is the user pc, a7 the system call number,
with names where build/user/NAME and include/kite/syscall.h tell them)."""
    name = 'kite-tf'

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def do(self, argv):
        p = find_proc(argv[0] if argv else None)
        tfp = field(p, 'trapframe')
        if u(tfp) == 0:
            raise KiteError('%s has no trap frame' % proc_label(p))
        tf = tfp.dereference()
        name = cstr(field(p, 'name'))
        gdb.write('%s, trap frame at %#x\n' % (proc_label(p), u(tfp)))
        epc = u(field(tf, 'epc'))
        gdb.write('  epc %#018x%s\n' % (epc, describe_user_pc(name, epc)))
        a7 = u(field(tf, 'a7'))
        sysname = syscall_name(a7)
        regs = [f.name for f in tf.type.strip_typedefs().fields() if f.name != 'epc']
        line = []
        for r in regs:
            line.append('%-13s %#018x' % (r, u(tf[r])))
            if len(line) == 3:
                gdb.write('  ' + '   '.join(line) + '\n')
                line = []
        if line:
            gdb.write('  ' + '   '.join(line) + '\n')
        if sysname:
            gdb.write('  a7 = %d: %s (if it entered by ecall)\n' % (a7, sysname))


# ---------------------------------------------------------------------------
# The kernel log

def klog_text():
    log = symbol('klog')
    head = u(field(log, 'head'))
    buf = field(log, 'buf')
    size = buf.type.sizeof
    start = max(0, head - size)
    base = u(buf.address)
    data = b''
    pos = start
    while pos < head:                       # at most two pieces: the ring wraps once
        off = pos % size
        n = min(head - pos, size - off)
        data += read(base + off, n)
        pos += n
    text = data.decode('utf-8', 'replace')
    out = []
    for c in text:                          # the console's erase is "\b \b"
        if c == '\b':
            if out and out[-1] != '\n':
                out.pop()
        elif c != '\r':
            out.append(c)
    return ''.join(out), start > 0


class KiteLog(KiteCommand):
    """kite-log [LINES]: the kernel's console output, the last 16 KiB of it
(everything printed: kernel messages, panics, programs' output, echo),
from the ring buffer in kernel/lib/klog.h. LINES: only the last LINES."""
    name = 'kite-log'

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_USER)

    def do(self, argv):
        text, wrapped = klog_text()
        lines = text.split('\n')
        if wrapped and len(lines) > 1:
            lines = lines[1:]                # the first line lost its start
        if argv:
            lines = lines[-int(argv[0]) - (0 if lines[-1:] != [''] else 1):]
        gdb.write('\n'.join(lines) + ('' if text.endswith('\n') else '\n'))


class Kite(gdb.Command):
    """Kite's gdb commands (scripts/gdb/kite.py); they only read memory.

kite-ps               processes: pid, state, name, hart, user pc, parent
kite-maps [PID]       a process's mappings, in /proc/PID/maps format
kite-pt VA [PID]      the Sv39 walk of VA in a process's page table
kite-mem [PA]         free and cached pages; PA: one page's reference count
kite-bt [PID]         the kernel backtrace of a sleeping or runnable process
kite-tf [PID]         a process's trap frame (user registers)
kite-log [LINES]      the kernel's recent console output
PID defaults to the process on the selected hart. "help kite-ps" etc. for more."""

    def __init__(self):
        super().__init__('kite', gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        gdb.write(self.__doc__ + '\n')


Kite()
KitePs()
KiteMaps()
KitePt()
KiteMem()
KiteBt()
KiteTf()
KiteLog()
