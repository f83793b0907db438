# gdb-multiarch settings for Kite. Start `make qemu-gdb` in one terminal,
# then run `gdb-multiarch` in this directory. (gdb only reads this file if
# you allow it once: add-auto-load-safe-path /path/to/kite/.gdbinit in
# ~/.gdbinit.)
set confirm off
set pagination off
set architecture riscv:rv64
file build/kernel
set disassemble-next-line auto
set riscv use-compressed-breakpoints yes
# Kite's commands (kite-ps, kite-maps, kite-pt, kite-mem, kite-bt, kite-tf,
# kite-log; "help kite"). They only read memory: safe at any breakpoint.
source scripts/gdb/kite.py
# The port is the one `make qemu-gdb` uses: GDBPORT if set (make qemu-gdb
# GDBPORT=N, then GDBPORT=N gdb-multiarch), else 25000 + uid % 5000.
python
import os
port = os.environ.get("GDBPORT") or str(25000 + os.getuid() % 5000)
gdb.execute("target remote 127.0.0.1:%s" % port)
end
# Handy: `add-symbol-file build/user/sh` to step through a user program.
