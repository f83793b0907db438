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
# The port is the one `make qemu-gdb` uses: 25000 + uid % 5000.
python
import os
port = 25000 + os.getuid() % 5000
gdb.execute("target remote 127.0.0.1:%d" % port)
end
# Handy: `call procmem_dump(myproc()->mem)` while stopped in a system call,
# or `add-symbol-file build/user/sh` to step through a user program.
