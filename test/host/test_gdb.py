#!/usr/bin/env python3
"""Host test of Kite's gdb commands (scripts/gdb/kite.py), on a live kernel.

    test_gdb.py [--build build] [--cpus 1,3] [--mem 128M]

For each hart count: boots `make qemu-gdb` on a free port and a scratch
copy of fs.img, runs
gdb-multiarch in batch mode with the tree's .gdbinit (which loads the
commands), types "mapdemo" at the shell, and stops at a breakpoint in
sys_mmaps, called by the pmap that mapdemo runs on itself. At that stop,
and at a second one in pmap's user code (the hart in user mode), it runs
every kite-* command and checks what each prints against what the kernel
really holds, found another way:

  kite-ps    pids 1-4 are init, sh, mapdemo, pmap with their parents;
             pmap RUNNING on the hart that stopped, the others SLEEPING;
             each user pc is just past the ecall in kite_syscall (the
             instruction bytes, read from the program's ELF file);
  kite-maps  the lines pmap itself then prints for mapdemo, exactly;
  kite-pt    the physical page holds what the process has there: the ELF
             bytes of main for code, the bytes mapdemo stored in its heap,
             shared memory and shared file mapping; flags within the
             mapping's permissions; indexes as Sv39 splits the address;
  kite-mem   free pages equal to the pages whose reference count is 0
             (kalloc.h: free iff count 0; the counts read here in bulk);
             reference counts 1 (a private page) and 2 (a shared page:
             the object's and the page table's);
  kite-bt    the sleeping processes are in sched, sleep, kwait, sys_wait,
             syscall, usertrap, each frame's function and file:line as nm
             and addr2line find them for its address;
  kite-tf    pmap's a7 is SYS_mmaps and a0 mapdemo's pid;
  kite-log   the console output so far, exactly;
and, stopped in user mode, kite-ps and kite-maps print the same again and
gdb's own memory reads still work afterwards. Prints "test NAME: OK" or
"test NAME: FAIL reason" per check; exit status 1 if any failed.
"""
import argparse
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PREFIX = 'riscv64-unknown-elf-'
TIMEOUT = 60

# proc[2] is mapdemo's slot on a fresh boot (init, sh, mapdemo, pmap take
# slots 0-3): stop only once mapdemo sleeps in wait, which on several harts
# it may not yet do when its child pmap makes its first call.
GDB_SCRIPT = r'''
break sys_mmaps if proc[2].state == SLEEPING
continue
python
import re
def run(cmd):
    try:
        out = gdb.execute(cmd, to_string=True)
    except gdb.error as e:
        out = 'ERROR: %s\n' % e
    gdb.write('@@@ %s\n%s@@@ end\n' % (cmd, out))
    return out
def raw(name, value):
    gdb.write('@@@ raw %s\n%s\n@@@ end\n' % (name, value))
def start_of(maps, pattern):
    for line in maps.splitlines():
        if re.search(pattern, line):
            return int(line.split('-')[0], 16)
    return None
raw('hart', gdb.selected_thread().ptid[1] - 1)
run('kite-ps')
maps = run('kite-maps 3')
run('kite-maps')
run('kite-maps 4')
places = [('code', MAIN), ('heap', start_of(maps, r'\[heap\]$')),
          ('shared', start_of(maps, r'\[shared\]$')),
          ('file', start_of(maps, r' rw-s .*mapdemo\.dat$'))]
for label, va in places:
    if va is None:
        raw('missing ' + label, '')
        continue
    out = run('kite-pt %#x 3' % va)
    m = re.search(r'pa: (0x[0-9a-f]+)', out)
    if m:
        pa = int(m.group(1), 16)
        raw('bytes %s %#x' % (label, va), bytes(gdb.selected_inferior().read_memory(pa, 16)).hex())
        run('kite-mem %#x' % pa)
run('kite-mem')
kmem = gdb.lookup_static_symbol('kmem').value()
base, top = int(kmem['base']), int(kmem['top'])
counts = bytes(gdb.selected_inferior().read_memory(int(kmem['refcnt']), (top - base) // 4096 * 4))
zero = sum(1 for i in range(0, len(counts), 4) if counts[i:i + 4] == bytes(4))
node, listed, bad = int(kmem['freelist']), 0, 0
while node and listed < 64:
    listed += 1
    if counts[(node - base) // 4096 * 4:(node - base) // 4096 * 4 + 4] != bytes(4):
        bad += 1
    node = int.from_bytes(bytes(gdb.selected_inferior().read_memory(node, 8)), 'little')
raw('zero counts', zero)
raw('free list head', '%d listed, %d with a count' % (listed, bad))
run('kite-bt 3')
run('kite-bt 2')
run('kite-bt 4')
tf = run('kite-tf 4')
run('kite-log')
epc = re.search(r'epc (0x[0-9a-f]+)', tf)
gdb.execute('delete')
if epc:
    gdb.execute('break *%s' % epc.group(1))
    gdb.execute('continue')
    gdb.execute('delete')
    raw('user hart', gdb.selected_thread().ptid[1] - 1)
    raw('user pc', int(gdb.parse_and_eval('$pc')) & 0xffffffffffffffff)
    run('kite-ps')
    run('kite-maps 3')
    run('kite-log 1')
    run('x/i $pc')
end
detach
'''


class Fail(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------------------
# The programs' ELF files, read here

class Elf:
    def __init__(self, path):
        self.path = path
        with open(path, 'rb') as f:
            self.data = f.read()
        phoff, = struct.unpack_from('<Q', self.data, 0x20)
        phentsize, phnum = struct.unpack_from('<HH', self.data, 0x36)
        self.segments = []
        for i in range(phnum):
            ptype, _, off, vaddr, _, filesz, _, _ = struct.unpack_from(
                '<IIQQQQQQ', self.data, phoff + i * phentsize)
            if ptype == 1:
                self.segments.append((vaddr, off, filesz))
        out = subprocess.run([PREFIX + 'nm', '-n', '-S', path], capture_output=True, text=True,
                             check=True).stdout
        self.symbols = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 4:
                self.symbols[parts[3]] = (int(parts[0], 16), int(parts[1], 16))

    def bytes_at(self, va, n):
        for vaddr, off, filesz in self.segments:
            if vaddr <= va and va + n <= vaddr + filesz:
                return self.data[off + va - vaddr:off + va - vaddr + n]
        raise Fail('%s has no file bytes at %#x' % (self.path, va))

    def function_at(self, pc):
        for name, (start, size) in self.symbols.items():
            if start <= pc < start + size:
                return name, pc - start
        return None, 0


def addr2line(path, pcs):
    out = subprocess.run([PREFIX + 'addr2line', '-e', path] + ['%#x' % p for p in pcs],
                         capture_output=True, text=True, check=True).stdout
    result = []
    for text in out.splitlines():
        file, _, line = text.split(' (discriminator')[0].rpartition(':')
        full = os.path.normpath(file)
        if full.startswith(ROOT + os.sep):
            file = os.path.relpath(full, ROOT)
        result.append((file, int(line) if line.isdigit() else 0))
    return result


# ---------------------------------------------------------------------------
# One session

def run_session(build, cpus, mem):
    """Boot make qemu-gdb, drive it and gdb; returns (gdb output, console)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith('MAKE') and k != 'MFLAGS'}
    env['GDBPORT'] = str(port)
    disk = tempfile.NamedTemporaryFile(suffix='.img', delete=False)   # mapdemo writes
    with open(os.path.join(ROOT, build, 'fs.img'), 'rb') as f:
        shutil.copyfileobj(f, disk)
    disk.close()
    make = ['make', '--no-print-directory', '-s', 'qemu-gdb', 'GDBPORT=%d' % port,
            'CPUS=%d' % cpus, 'MEM=%s' % mem, 'B=%s' % build, 'FSIMG=%s' % disk.name]
    qemu = subprocess.Popen(make, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)
    gdbp = None
    script = tempfile.NamedTemporaryFile('w', suffix='.gdb', delete=False)
    main = Elf(os.path.join(ROOT, build, 'user', 'mapdemo')).symbols['main'][0]
    load = '' if os.path.normpath(build) == 'build' else 'file %s/kernel\n' % build
    script.write(load + GDB_SCRIPT.replace('MAIN', '%#x' % main))
    script.close()
    console = b''
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:            # QEMU's gdb stub is listening
            try:
                socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
                break
            except OSError:
                if qemu.poll() is not None:
                    raise Fail('make qemu-gdb exited: %s' % qemu.stdout.read().decode()[-500:])
                time.sleep(0.1)
        gdbp = subprocess.Popen(['gdb-multiarch', '-batch', '-nx', '-x', '.gdbinit', '-x',
                                 script.name], cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        typed = False
        fd = qemu.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                data = os.read(fd, 65536)
                if not data:
                    break
                console += data
            if not typed and console.endswith(b'$ '):
                qemu.stdin.write(b'mapdemo\n')
                qemu.stdin.flush()
                typed = True
            if typed and gdbp.poll() is not None and console.count(b'$ ') >= 2 and \
                    console.endswith(b'$ '):
                break
        else:
            raise Fail('no shell prompt after mapdemo within %d s' % TIMEOUT)
        out, _ = gdbp.communicate(timeout=max(1, deadline - time.monotonic()))
        return out.decode('utf-8', 'replace'), console.decode('utf-8', 'replace')
    finally:
        for p in (gdbp, qemu):
            if p and p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    pass
                p.wait()
        os.unlink(script.name)
        os.unlink(disk.name)


def sections(out):
    """{command: [outputs in order]} from the @@@ markers."""
    found = {}
    for m in re.finditer(r'^@@@ ([^\n]*)\n(.*?)^@@@ end$', out, re.S | re.M):
        found.setdefault(m.group(1), []).append(m.group(2))
    return found


def one(found, key, index=0):
    if key not in found or len(found[key]) <= index:
        raise Fail('no output of "%s"' % key)
    text = found[key][index]
    if text.startswith('ERROR:'):
        raise Fail('"%s": %s' % (key, text.strip()))
    return text


def raw(found, prefix):
    for key, values in found.items():
        if key.startswith('raw ' + prefix):
            return key[len('raw ' + prefix):].strip(), values[0].strip()
    raise Fail('the session did not get to "%s"' % prefix)


# ---------------------------------------------------------------------------
# Checks

def parse_ps(text):
    rows = [l.split() for l in text.strip().splitlines()]
    if not rows or rows[0][:3] != ['PID', 'STATE', 'NAME']:
        raise Fail('no header line: %r' % text[:200])
    table = {}
    for r in rows[1:]:
        if len(r) < 6:
            raise Fail('short row %r' % r)
        table[int(r[0])] = {'state': r[1], 'name': r[2], 'hart': r[3], 'pc': r[4],
                            'ppid': r[5]}
    return table


def check_ps(text, hart, build, running=4):
    table = parse_ps(text)
    want = {1: ('init', '-'), 2: ('sh', '1'), 3: ('mapdemo', '2'), 4: ('pmap', '3')}
    for pid, (name, ppid) in want.items():
        row = table.get(pid)
        if row is None:
            raise Fail('no pid %d in %s' % (pid, sorted(table)))
        if (row['name'], row['ppid']) != (name, ppid):
            raise Fail('pid %d is %s with parent %s, expected %s with parent %s'
                       % (pid, row['name'], row['ppid'], name, ppid))
        if pid == running:
            if row['state'] != 'RUNNING' or row['hart'] != '%d*' % hart:
                raise Fail('pid %d is %s on hart %s; expected RUNNING on the stopped hart %d*'
                           % (pid, row['state'], row['hart'], hart))
            continue
        if row['state'] != 'SLEEPING' or row['hart'] != '-':
            raise Fail('pid %d is %s on hart %s, expected SLEEPING' % (pid, row['state'],
                                                                       row['hart']))
        elf = Elf(os.path.join(ROOT, build, 'user', name))
        pc = int(row['pc'], 16)
        fn, _ = elf.function_at(pc - 4)
        if fn != 'kite_syscall' or elf.bytes_at(pc - 4, 4) != b'\x73\x00\x00\x00':
            raise Fail('pid %d user pc %#x is not just past the ecall in kite_syscall (%s)'
                       % (pid, pc, fn))


def pmap_lines(console):
    """The lines pmap printed for mapdemo (between the command and pmap -x)."""
    after = console.split('$ mapdemo\n', 1)
    if len(after) != 2:
        raise Fail('no "$ mapdemo" on the console')
    lines = []
    for line in after[1].replace('\r', '').split('\n'):
        if line.startswith('Address'):
            return lines
        lines.append(line)
    raise Fail('pmap -x did not run after pmap')


def check_maps(found, console):
    ours = one(found, 'kite-maps 3').replace('\r', '').rstrip('\n').split('\n')
    theirs = pmap_lines(console)
    if ours != theirs:
        for a, b in zip(ours + [''] * len(theirs), theirs + [''] * len(ours)):
            if a != b:
                raise Fail('kite-maps 3 says %r where pmap 3 said %r' % (a, b))
    own, four = one(found, 'kite-maps'), one(found, 'kite-maps 4')
    if own != four or not re.search(r'^00010000-\S+ r-xp .* pmap$', own, re.M):
        raise Fail('kite-maps (the hart\'s process) is not pmap\'s list: %r' % own[:300])


def check_pt(found, build):
    elf = Elf(os.path.join(ROOT, build, 'user', 'mapdemo'))
    main = elf.symbols['main'][0]
    expect = {'code': elf.bytes_at(main, 16).hex(), 'heap': '01',
              'shared': '01', 'file': '4b' + '6b' * 15}
    maps = one(found, 'kite-maps 3')
    for label, want in expect.items():
        va_text, data = raw(found, 'bytes %s ' % label)
        va = int(va_text, 16)
        text = one(found, 'kite-pt %#x 3' % va)
        if not data.startswith(want):
            raise Fail('kite-pt %#x: the page at its pa holds %s..., expected %s...'
                       % (va, data[:16], want[:16]))
        levels = re.findall(r'L(\d)\[\s*(\d+)\] pte at (0x[0-9a-f]+) = (0x[0-9a-f]+) (\S+)', text)
        if [int(l[0]) for l in levels] != [2, 1, 0]:
            raise Fail('kite-pt %#x: levels %s, expected 2 1 0 (4 KiB user pages)' % (va, levels))
        for level, index, _, pte, flags in levels:
            if int(index) != (va >> (12 + 9 * int(level))) & 0x1ff:
                raise Fail('kite-pt %#x: L%s index %s is not VPN[%s]' % (va, level, index, level))
        leaf = levels[-1][4]
        m = re.search(r'mapping: (\S+)-(\S+) (\S+) ', text)
        if not m or not re.search(r'^%s-%s %s ' % (m.group(1), m.group(2), m.group(3)), maps, re.M):
            raise Fail('kite-pt %#x names no mapping of kite-maps 3' % va)
        perms = m.group(3)
        if leaf[0] != 'V' or leaf[4] != 'U' or any(
                leaf[i] != '-' and perms[i - 1] == '-' for i in (1, 2, 3)):
            raise Fail('kite-pt %#x: leaf flags %s do not fit the mapping %s' % (va, leaf, perms))


def check_mem(found):
    text = one(found, 'kite-mem')
    m = re.search(r'free pages: (\d+) of (\d+)', text)
    if not m:
        raise Fail('no "free pages: N of M" in %r' % text)
    _, zero = raw(found, 'zero counts')
    if int(m.group(1)) != int(zero):
        raise Fail('kite-mem says %s free pages; %s pages have reference count 0'
                   % (m.group(1), zero))
    _, head = raw(found, 'free list head')
    if not head.endswith(' 0 with a count'):
        raise Fail('pages on the free list have reference counts: %s' % head)
    if not re.search(r'^cache pages: (\d+|none)', text, re.M):
        raise Fail('no "cache pages" line in %r' % text)
    # A private page: its one PTE's reference. A shared page: the object's
    # slot and the PTE. A shared file page: at least those two.
    for label, low, high in (('heap', 1, 1), ('shared', 2, 2), ('file', 2, None), ('code', 1, None)):
        va_text, _ = raw(found, 'bytes %s ' % label)
        pt = one(found, 'kite-pt %s 3' % va_text)
        pa = re.search(r'pa: (0x[0-9a-f]+)', pt).group(1)
        mem = one(found, 'kite-mem %s' % pa)
        m = re.search(r'reference count (\d+)', mem)
        if not m or int(m.group(1)) < low or (high is not None and int(m.group(1)) > high):
            raise Fail('the %s page %s: %r; expected a count from %d to %s'
                       % (label, pa, mem.strip(), low, high or 'more'))


def check_bt(found, build):
    kernel = os.path.join(ROOT, build, 'kernel')
    out = subprocess.run([PREFIX + 'nm', '-n', kernel], capture_output=True, text=True,
                         check=True).stdout
    syms = [(int(l.split()[0], 16), l.split()[2]) for l in out.splitlines()
            if len(l.split()) == 3 and l.split()[1] in 'tT']
    for pid in (3, 2):
        text = one(found, 'kite-bt %d' % pid)
        frames = re.findall(r'#(\d+)\s+(0x[0-9a-f]+) (\w+)\+(0x[0-9a-f]+) \(([^():]+):(\d+)\)', text)
        names = [f[2] for f in frames]
        want = ['sched', 'sleep', 'kwait', 'sys_wait', 'syscall', 'usertrap']
        if names != want:
            raise Fail('kite-bt %d: frames %s, expected %s' % (pid, names, want))
        pcs = [int(f[1], 16) for f in frames]
        lines = addr2line(kernel, [pc - 1 for pc in pcs])
        for f, pc, where in zip(frames, pcs, lines):
            start = max(a for a, _ in syms if a <= pc - 1)
            if (f[2], int(f[3], 16)) != (dict((a, n) for a, n in syms)[start], pc - start) or \
                    (f[4], int(f[5])) != where:
                raise Fail('kite-bt %d: frame %s at %#x says %s+%s (%s:%s); nm and addr2line '
                           'say %s:%d' % (pid, f[0], pc, f[2], f[3], f[4], f[5], where[0],
                                          where[1]))
    if 'is running on hart' not in one(found, 'kite-bt 4'):
        raise Fail('kite-bt 4 (running) does not say where it runs')


def check_tf(found, build):
    text = one(found, 'kite-tf 4')
    a7 = re.search(r'\ba7\s+(0x[0-9a-f]+)', text)
    a0 = re.search(r'\ba0\s+(0x[0-9a-f]+)', text)
    if not a7 or int(a7.group(1), 16) != 32 or 'SYS_mmaps' not in text:
        raise Fail('kite-tf 4: a7 is not SYS_mmaps (32): %r' % text[:400])
    if not a0 or int(a0.group(1), 16) != 3:
        raise Fail('kite-tf 4: a0 is not mapdemo\'s pid 3')
    epc = re.search(r'epc (0x[0-9a-f]+) kite_syscall\+0x[0-9a-f]+ \(([^():]+):(\d+)\)', text)
    if not epc:
        raise Fail('kite-tf 4: epc is not named kite_syscall with its line: %r' % text[:200])
    where = addr2line(os.path.join(ROOT, build, 'user', 'pmap'), [int(epc.group(1), 16)])[0]
    if where != (epc.group(2), int(epc.group(3))):
        raise Fail('kite-tf 4: epc at %s:%s, addr2line says %s:%d' % (epc.group(2), epc.group(3),
                                                                     where[0], where[1]))


def check_log(found, console):
    log = one(found, 'kite-log').replace('\r', '')
    cut = console.replace('\r', '')
    end = cut.index('$ mapdemo\n') + len('$ mapdemo\n')
    start = cut.index('kite: booting')
    if log.strip('\n') != cut[start:end].strip('\n'):
        raise Fail('kite-log differs from the console: %r... vs %r...'
                   % (log.strip('\n')[-120:], cut[start:end].strip('\n')[-120:]))


def check_user_stop(found, build):
    _, hart = raw(found, 'user hart')
    _, pc = raw(found, 'user pc')
    check_ps(one(found, 'kite-ps', 1), int(hart), build)
    if one(found, 'kite-maps 3', 1) != one(found, 'kite-maps 3'):
        raise Fail('kite-maps 3 in user mode differs from the kernel-mode stop')
    insn = one(found, 'x/i $pc')
    if 'ret' not in insn:
        raise Fail('gdb reads the user pc %#x wrongly after the commands: %r' % (int(pc), insn))
    if not one(found, 'kite-log 1').strip().endswith('$ mapdemo'):
        raise Fail('kite-log 1 is not the last console line')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--cpus', default='1,3')
    ap.add_argument('--mem', default='128M')
    args = ap.parse_args()
    failed = 0
    for cpus in [int(c) for c in args.cpus.split(',')]:
        t0 = time.monotonic()
        prefix = 'gdb_cpus%d' % cpus
        try:
            out, console = run_session(args.build, cpus, args.mem)
        except Fail as e:
            print('test %s_session: FAIL %s' % (prefix, e))
            failed += 1
            continue
        found = sections(out)
        problems = [l for l in out.splitlines() if 'Traceback' in l or 'Python Exception' in l]
        checks = [
            ('ps', lambda: check_ps(one(found, 'kite-ps'), int(raw(found, 'hart')[1]), args.build)),
            ('maps', lambda: check_maps(found, console)),
            ('pt', lambda: check_pt(found, args.build)),
            ('mem', lambda: check_mem(found)),
            ('bt', lambda: check_bt(found, args.build)),
            ('tf', lambda: check_tf(found, args.build)),
            ('log', lambda: check_log(found, console)),
            ('user_mode_stop', lambda: check_user_stop(found, args.build)),
        ]
        for name, check in checks:
            try:
                if problems:
                    raise Fail('gdb: %s' % problems[0])
                check()
                print('test %s_%s: OK' % (prefix, name))
            except Fail as e:
                print('test %s_%s: FAIL %s' % (prefix, name, e))
                failed += 1
        print('test_gdb: CPUS=%d in %.1f s' % (cpus, time.monotonic() - t0))
        logs = os.path.join(ROOT, args.build, 'test-logs')
        os.makedirs(logs, exist_ok=True)
        with open(os.path.join(logs, 'gdb-cpus%d.log' % cpus), 'w') as f:
            f.write(out + '\n=== console\n' + console)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
