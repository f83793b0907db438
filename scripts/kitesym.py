#!/usr/bin/env python3
"""Name the function and line where the kernel killed a user program.

The kernel reports a user program it kills on the console:

    kite: pid 5 (crash): load page fault at 0x0000000000000000, pc 0x0000000000010a3c: ...; killed

fs.img holds stripped programs, so the kernel cannot name the function;
build/user/ keeps them with their symbols. This module adds, right after
such a line, one line that does:

    kite: pid 5 (crash): pc 0x10a3c is main+0x1c (user/bin/crash.c:12)

Used by scripts/run-tests (the test logs) and, as a filter, by make qemu
and make qemu-gdb:

    qemu-system-riscv64 ... | python3 scripts/kitesym.py --user-dir build/user

The filter passes every byte through as it arrives (the prompt "$ " shows
at once); only a kill line, once its newline has come, gets its extra line.
"""
import argparse
import bisect
import os
import re
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KILL_LINE = re.compile(r'\bkite: pid (\d+) \(([^)/]*)\): .*?\bpc (0x[0-9a-fA-F]+)')


class UserSymbols:
    """Function and line of a pc in build/user/NAME, with binutils."""

    def __init__(self, user_dir, prefix='riscv64-unknown-elf-'):
        self.user_dir = user_dir
        self.prefix = prefix
        self.tables = {}

    def _program(self, name):
        path = os.path.join(self.user_dir, name)
        return path if name and os.path.isfile(path) else None

    def _functions(self, path):
        if path not in self.tables:
            starts, names = [], []
            try:
                out = subprocess.run([self.prefix + 'nm', '-n', path], capture_output=True,
                                     text=True, timeout=30).stdout
            except (OSError, subprocess.TimeoutExpired):
                out = ''
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[1] in 'tTwW' and not parts[2].startswith('.L'):
                    starts.append(int(parts[0], 16))
                    names.append(parts[2])
            self.tables[path] = (starts, names)
        return self.tables[path]

    def _line(self, path, pc):
        try:
            out = subprocess.run([self.prefix + 'addr2line', '-e', path, '%#x' % pc],
                                 capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return None
        where = out.split(' (discriminator')[0]
        if not where or where.startswith('??'):
            return None
        file, _, line = where.rpartition(':')
        if not line.isdigit() or line == '0':
            return None
        full = os.path.normpath(file)
        if full.startswith(ROOT + os.sep):
            file = os.path.relpath(full, ROOT)
        return '%s:%s' % (file, line)

    def describe(self, program, pc):
        """'main+0x1c (user/bin/crash.c:12)', or None if unknown."""
        path = self._program(program)
        if path is None:
            return None
        starts, names = self._functions(path)
        i = bisect.bisect_right(starts, pc) - 1
        if i < 0:
            return None
        where = self._line(path, pc)
        text = '%s+%#x' % (names[i], pc - starts[i])
        return '%s (%s)' % (text, where) if where else text

    def annotate(self, line):
        """The extra line for a kill line, or None."""
        m = KILL_LINE.search(line)
        if not m:
            return None
        pid, name, pc = m.group(1), m.group(2), int(m.group(3), 16)
        what = self.describe(name, pc)
        if what is None:
            return None
        return 'kite: pid %s (%s): pc %#x is %s' % (pid, name, pc, what)


class Annotator:
    """Console text in, the same text out with the extra lines added."""

    def __init__(self, symbols):
        self.symbols = symbols
        self.line = ''

    def feed(self, text):
        out = []
        for piece in re.split(r'(\n)', text):
            if piece != '\n':
                self.line += piece
                out.append(piece)
                continue
            out.append('\n')
            extra = self.symbols.annotate(self.line.rstrip('\r'))
            if extra:
                out.append(extra + '\r\n' if self.line.endswith('\r') else extra + '\n')
            self.line = ''
        return ''.join(out)


def main():
    ap = argparse.ArgumentParser(description='Annotate Kite console output (a filter).')
    ap.add_argument('--user-dir', default=os.path.join('build', 'user'))
    ap.add_argument('--prefix', default='riscv64-unknown-elf-')
    args = ap.parse_args()
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # QEMU decides what Ctrl-C does
    ann = Annotator(UserSymbols(args.user_dir, args.prefix))
    while True:
        data = os.read(0, 4096)
        if not data:
            return 0
        out = ann.feed(data.decode('utf-8', 'surrogateescape')).encode('utf-8', 'surrogateescape')
        while out:
            out = out[os.write(1, out):]


if __name__ == '__main__':
    sys.exit(main())
