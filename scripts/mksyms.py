#!/usr/bin/env python3
"""Emit the tables a Kite kernel carries for its own backtraces, as assembly.

    mksyms.py --prefix riscv64-unknown-elf- KERNEL-ELF > ksyms.S
    mksyms.py --empty > ksyms.S                 (empty tables: first link pass)

Three tables, each sorted by address (kernel/lib/backtrace.c reads them):
  ksyms    every function: start, size (0 if unknown) and name, from nm;
  klines   pc -> (file, line), from the DWARF line table (readelf);
  kunwind  pc -> where the caller's frame is: the call frame address (CFA)
           as sp or s0 plus an offset, and whether ra and s0 are saved
           (at CFA - 8k) or still in their registers. From the DWARF call
           frame information (readelf), so a backtrace taken at any
           instruction, in a prologue, an epilogue or a leaf function,
           drops no frame.

The tables live in .rodata, after .text, so linking them in does not move
any function: the addresses read from the first pass stay true.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNBASE = 0x80200000

# kunwind row kinds (kernel/lib/backtrace.c: enum cfa_base).
CFA_NONE, CFA_SP, CFA_S0 = 0, 1, 2


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def functions(prefix, elf):
    """(start, size, name) of every function, from nm."""
    out = run([prefix + "nm", "-n", "-S", elf])
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            addr, size, kind, name = parts
        elif len(parts) == 3:
            (addr, kind, name), size = parts, "0"
        else:
            continue
        if kind not in ("t", "T") or name.startswith(".L") or name.startswith("$"):
            continue
        a = int(addr, 16)
        # Two names at one address (an alias): keep the global one.
        if a not in syms or kind == "T":
            syms[a] = (a, int(size, 16), name)
    return [syms[a] for a in sorted(syms)]


def source_name(path):
    """A file name as the tree spells it (relative to the root if inside)."""
    full = os.path.normpath(os.path.join(ROOT, path))
    if full.startswith(ROOT + os.sep):
        return os.path.relpath(full, ROOT)
    return path


ROW = re.compile(r"^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)")


def lines(prefix, elf):
    """[(pc, file, line)] sorted by pc; line 0 where no source is known."""
    out = run([prefix + "readelf", "--debug-dump=decodedline", "-W", elf])
    current = None
    at = {}                  # pc -> (file, line): the last row at a pc wins
    ends = set()
    for text in out.splitlines():
        if text.startswith("CU: ") and text.endswith(":"):
            current = text[4:-1]
            continue
        if text.endswith(":") and " " not in text:
            current = text[:-1]
            continue
        m = ROW.match(text)
        if not m:
            continue
        base, num, addr = m.group(1), m.group(2), int(m.group(3), 16)
        if num == "-":       # end of a sequence: no source past here
            ends.add(addr)
            continue
        name = current if current and os.path.basename(current) == base else base
        at[addr] = (source_name(name), int(num))
    rows = []
    for pc in sorted(set(at) | ends):
        if pc in at:
            rows.append((pc, at[pc][0], at[pc][1]))
        else:
            rows.append((pc, "", 0))
    # Runs of one (file, line) need only their first row.
    out_rows = []
    for r in rows:
        if out_rows and (out_rows[-1][1], out_rows[-1][2]) == (r[1], r[2]):
            continue
        out_rows.append(r)
    return out_rows


FDE = re.compile(r"FDE cie=\w+ pc=([0-9a-f]+)\.\.([0-9a-f]+)")
SAVED = re.compile(r"^c-(\d+)$")


def slot(rule):
    """A register rule as kunwind stores it: 0 = in its register, k = at
    CFA - 8k; None if the rule is one the kernel does not follow."""
    if rule in ("u", "s"):   # no rule yet (the CIE sets none) or same value
        return 0
    m = SAVED.match(rule)
    if m and int(m.group(1)) % 8 == 0 and 0 < int(m.group(1)) // 8 <= 15:
        return int(m.group(1)) // 8
    return None


def unwind(prefix, elf):
    """[(pc, base, cfa_offset, ra_slot, s0_slot)] sorted by pc, with a
    CFA_NONE row wherever no frame description covers the code."""
    out = run([prefix + "readelf", "--debug-dump=frames-interp", "-W", elf])
    rows = {}
    stops = set()
    columns = None
    fde_end = None
    for text in out.splitlines():
        m = FDE.search(text)
        if m:
            fde_end = int(m.group(2), 16)
            stops.add(fde_end)
            columns = None
            continue
        if fde_end is None:
            continue
        parts = text.split()
        if parts and parts[0] == "LOC":
            columns = parts[1:]
            continue
        if not parts:
            fde_end = None
            continue
        if columns is None or not re.match(r"^[0-9a-f]+$", parts[0]):
            continue
        pc = int(parts[0], 16)
        vals = dict(zip(columns, parts[1:]))
        cfa = vals.get("CFA", "")
        m = re.match(r"^(sp|s0|fp)\+(\d+)$", cfa)
        ra = slot(vals.get("ra", "u"))
        s0 = slot(vals.get("s0", "u"))
        if not m or ra is None or s0 is None or int(m.group(2)) > 0xffff:
            rows[pc] = (pc, CFA_NONE, 0, 0, 0)
        else:
            base = CFA_SP if m.group(1) == "sp" else CFA_S0
            rows[pc] = (pc, base, int(m.group(2)), ra, s0)
    for pc in stops:
        rows.setdefault(pc, (pc, CFA_NONE, 0, 0, 0))
    result = []
    for pc in sorted(rows):
        r = rows[pc]
        if result and result[-1][1:] == r[1:]:
            continue
        result.append(r)
    return result


def quote(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def emit(syms, line_rows, unwind_rows):
    p = print
    p("# Generated by scripts/mksyms.py; do not edit.")
    p('.section .rodata.ksyms, "a"')
    p(".balign 8")
    p(".globl ksyms")
    p("ksyms:")
    for i, (addr, size, _) in enumerate(syms):
        p(f"  .quad 0x{addr:x}, 0x{size:x}, .Lname{i}")
    p(".globl nksyms")
    p(".balign 8")
    p(f"nksyms: .quad {len(syms)}")

    files = sorted({f for _, f, _ in line_rows if f})
    index = {f: i + 1 for i, f in enumerate(files)}    # 0: no file
    p(".balign 8")
    p(".globl klines")
    p("klines:")
    for pc, f, line in line_rows:
        p(f"  .word 0x{pc - KERNBASE:x}; .half {min(line, 0xffff)}, {index.get(f, 0)}")
    p(".globl nklines")
    p(".balign 8")
    p(f"nklines: .quad {len(line_rows)}")
    p(".globl kfiles")
    p("kfiles:")
    p("  .quad 0")
    for i, f in enumerate(files):
        p(f"  .quad .Lfile{i}")
    p(".globl nkfiles")
    p(f"nkfiles: .quad {len(files) + 1}")

    p(".balign 8")
    p(".globl kunwind")
    p("kunwind:")
    for pc, base, off, ra, s0 in unwind_rows:
        p(f"  .word 0x{pc - KERNBASE:x}; .half {off}; .byte {base}, {ra | (s0 << 4)}")
    p(".globl nkunwind")
    p(".balign 8")
    p(f"nkunwind: .quad {len(unwind_rows)}")

    for i, (_, _, name) in enumerate(syms):
        p(f'.Lname{i}: .asciz "{quote(name)}"')
    for i, f in enumerate(files):
        p(f'.Lfile{i}: .asciz "{quote(f)}"')


def main():
    args = sys.argv[1:]
    if args == ["--empty"]:
        emit([], [], [])
        return
    if len(args) != 3 or args[0] != "--prefix":
        sys.exit("usage: mksyms.py --prefix TOOLPREFIX KERNEL-ELF | mksyms.py --empty")
    prefix, elf = args[1], args[2]
    emit(functions(prefix, elf), lines(prefix, elf), unwind(prefix, elf))


if __name__ == "__main__":
    main()
