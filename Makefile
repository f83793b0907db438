# Kite: build, run, debug and test.
#
#   make qemu        build everything and boot to a shell (CPUS=3 MEM=128M)
#   make qemu-gdb    the same, halted, waiting for gdb-multiarch
#   make test        host unit tests, then the in-QEMU suites
#   make test-long   the same with the tests that take minutes
#   make gdb-test    only the test of the gdb commands (scripts/gdb/kite.py)
#   make bench       in-QEMU benchmarks
#   make bootloop    boot N times (N=200) and count the clean boots
#   make fuzz        one long fuzzer run (SEED=1 CALLS=200000 WORKERS=6 MODE=all)
#   make crashtest   the power-cut test, CUTS=100 times
#   make clean       remove build/ (the cached newlib build is kept in build/newlib)
#
# Everything is built into build/. Missing Debian packages are installed
# by scripts/install-deps the first time a target needs them.

B        := build
CPUS     ?= 3
MEM_DEFAULT := 128M
MEM      ?= $(MEM_DEFAULT)
DEBUG    ?= 1
ASLR     ?= 1
PANICTEST ?= 0

TOOLPREFIX := riscv64-unknown-elf-
CC       := $(TOOLPREFIX)gcc
AS       := $(TOOLPREFIX)gcc
LD       := $(TOOLPREFIX)ld
OBJCOPY  := $(TOOLPREFIX)objcopy
OBJDUMP  := $(TOOLPREFIX)objdump
NM       := $(TOOLPREFIX)nm
QEMU     := qemu-system-riscv64
HOSTCC   ?= gcc

ARCHFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany

# ---------------------------------------------------------------------------
# Missing tools: install them once, saying so.
NEEDED_TOOLS := $(CC) $(QEMU) gdb-multiarch python3
ifeq ($(filter clean print-gdbport,$(MAKECMDGOALS)),)
MISSING_TOOLS := $(strip $(foreach t,$(NEEDED_TOOLS),$(if $(shell command -v $(t) 2>/dev/null),,$(t))) \
                   $(if $(wildcard /usr/src/newlib/newlib-*.tar.*),,newlib-source) \
                   $(if $(wildcard /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf),,opensbi))
ifneq ($(MISSING_TOOLS),)
$(info Kite: missing $(MISSING_TOOLS); installing with scripts/install-deps)
DEPS_STATUS := $(shell scripts/install-deps 1>&2; echo $$?)
ifneq ($(DEPS_STATUS),0)
$(error scripts/install-deps failed (status $(DEPS_STATUS)); see the messages above)
endif
endif
endif

OPENSBI  := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf

.PHONY: all qemu qemu-gdb test test-long bench clean print-gdbport host-test bootloop fuzz crashtest FORCE
all: $(B)/kernel $(B)/fs.img

# ---------------------------------------------------------------------------
# Kernel
KCFLAGS := -Wall -Werror -O2 -g -fno-omit-frame-pointer -ffreestanding -fno-common \
           -nostdlib -fno-builtin-printf -fno-stack-protector -fno-pie -no-pie \
           -mno-relax -MD $(ARCHFLAGS) -Iinclude -Ikernel -DKITE_DEBUG=$(DEBUG) -DKITE_ASLR=$(ASLR) \
           -DKITE_PANICTEST=$(PANICTEST)
KSRCS := $(sort $(wildcard kernel/*.c kernel/*/*.c))
KASMS := kernel/arch/entry.S $(filter-out kernel/arch/entry.S,$(sort $(wildcard kernel/*/*.S)))
KOBJS := $(patsubst %.S,$(B)/obj/%.o,$(KASMS)) $(patsubst %.c,$(B)/obj/%.o,$(KSRCS))

# Rebuild the kernel when its flags change (make DEBUG=0, ASLR=0, ...).
KFLAGS_STAMP := $(B)/obj/kflags
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(shell mkdir -p $(B)/obj && (echo '$(KCFLAGS)' | cmp -s - $(KFLAGS_STAMP) || echo '$(KCFLAGS)' > $(KFLAGS_STAMP)))
endif
$(KOBJS): $(KFLAGS_STAMP)

$(B)/obj/kernel/%.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c -o $@ $<

$(B)/obj/kernel/%.o: kernel/%.S
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -D__ASSEMBLY__ -c -o $@ $<

# The kernel carries its own symbol, line and unwind tables (for panic
# backtraces with file:line): link once without them, extract them from
# that ELF file, and link again with them (scripts/mksyms.py).
$(B)/kernel: $(KOBJS) kernel/arch/kernel.ld scripts/mksyms.py
	$(LD) -z max-page-size=4096 -T kernel/arch/kernel.ld -o $(B)/kernel.nosyms $(KOBJS) $(B)/obj/ksyms_empty.o
	python3 scripts/mksyms.py --prefix $(TOOLPREFIX) $(B)/kernel.nosyms > $(B)/ksyms.S
	$(CC) $(KCFLAGS) -c -o $(B)/obj/ksyms.o $(B)/ksyms.S
	$(LD) -z max-page-size=4096 -T kernel/arch/kernel.ld -o $@ $(KOBJS) $(B)/obj/ksyms.o
	$(OBJDUMP) -S $@ > $(B)/kernel.asm

$(B)/obj/ksyms_empty.o: scripts/mksyms.py
	@mkdir -p $(dir $@)
	python3 scripts/mksyms.py --empty > $(B)/ksyms_empty.S
	$(CC) $(KCFLAGS) -c -o $@ $(B)/ksyms_empty.S

$(B)/kernel: $(B)/obj/ksyms_empty.o

-include $(KOBJS:.o=.d)

# ---------------------------------------------------------------------------
# User programs, newlib, mkfs, host tests
include user/user.mk
include mkfs/mkfs.mk
include test/host/host.mk

# The image holds stripped copies; build/user/ and build/xv6/ keep the
# symbols for gdb. An xv6 program takes the place of a Kite program of the
# same name.
STRIPPED := $(patsubst $(B)/user/%,$(B)/stripped/%,$(UPROGS))
XV6_STRIPPED := $(patsubst $(B)/xv6/%,$(B)/stripped/xv6/%,$(XV6_PROGS))
IMAGE_PROGS := $(filter-out $(addprefix $(B)/stripped/,$(XV6_NAMES)),$(STRIPPED)) $(XV6_STRIPPED)
$(B)/stripped/xv6/%: $(B)/xv6/%
	@mkdir -p $(dir $@)
	$(TOOLPREFIX)strip -o $@ $<
$(B)/stripped/%: $(B)/user/%
	@mkdir -p $(dir $@)
	$(TOOLPREFIX)strip -o $@ $<

# xv6 programs expect a README in the root.
$(B)/README: README.md
	@mkdir -p $(dir $@)
	cp $< $@

# The image is rebuilt when the set of programs changes too (a program
# added to or removed from user/xv6/), not only when one of them does.
IMAGE_LIST := $(B)/fs.list
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(shell mkdir -p $(B) && (echo '$(IMAGE_PROGS)' | cmp -s - $(IMAGE_LIST) || echo '$(IMAGE_PROGS)' > $(IMAGE_LIST)))
endif

# The bad ELF files are listed by the shell's glob when the rule runs: the
# directory may not exist yet when make reads this file.
$(B)/fs.img: $(B)/mkfs $(IMAGE_PROGS) README.md $(B)/README $(BADELF_STAMP) $(IMAGE_LIST)
	$(B)/mkfs $@ README.md $(B)/README $(IMAGE_PROGS) $(B)/badelf/*elf-*

# ---------------------------------------------------------------------------
# Running
UID_GDBPORT := $(shell expr `id -u` % 5000 + 25000)
GDBPORT ?= $(UID_GDBPORT)
# The disk QEMU runs on (a test gives a scratch copy).
FSIMG ?= $(B)/fs.img
QEMUOPTS = -machine virt -bios $(OPENSBI) -kernel $(B)/kernel -m $(MEM) -smp $(CPUS) -nographic \
           -global virtio-mmio.force-legacy=false \
           -drive file=$(FSIMG),if=none,format=raw,id=x0 \
           -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0

# The console goes through scripts/kitesym.py, which names the function and
# line where the kernel killed a user program (from build/user/, which keeps
# the symbols); SYMBOLIZE=0 shows the console untouched.
SYMBOLIZE ?= 1
CONSOLE_FILTER = $(if $(filter 1,$(SYMBOLIZE)),| python3 scripts/kitesym.py --user-dir $(B)/user)

qemu: $(B)/kernel $(B)/fs.img
	$(QEMU) $(QEMUOPTS) $(CONSOLE_FILTER)

print-gdbport:
	@echo $(GDBPORT)

qemu-gdb: $(B)/kernel $(B)/fs.img
	@echo "*** Kite is halted at the first instruction, waiting for gdb on port $(GDBPORT)."
	@echo "*** In another terminal, in this directory, run: $(if $(filter $(UID_GDBPORT),$(GDBPORT)),,GDBPORT=$(GDBPORT) )gdb-multiarch"
	@echo "***   (.gdbinit loads build/kernel and the kite-* commands and connects; allow it"
	@echo "***    once with 'add-auto-load-safe-path $(CURDIR)/.gdbinit' in ~/.gdbinit)"
	@echo "*** $(CPUS) hart(s), one gdb thread each ('info threads'). To stop on one hart only,"
	@echo "***   run 'make qemu-gdb CPUS=1'; with several, 'set scheduler-locking step' in gdb"
	@echo "***   keeps step and next on the current hart while the others wait."
	@echo "*** kite-ps, kite-maps, kite-pt, kite-mem, kite-bt, kite-tf, kite-log: 'help kite'."
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT) $(CONSOLE_FILTER)

# ---------------------------------------------------------------------------
# Tests: the host unit tests, then each in-QEMU suite (QUICK=1: quick mode;
# LONG=1, or make test-long: also the tests that take minutes, such as
# filling the 72 MiB disk, each allowed 30 minutes without output).
# badinput runs on a copy of fs.img that fscorrupt has damaged. xv6compat
# (user/xv6/xv6compat/) tests xv6's user API as xv6 programs see it.
# debugtests runs on a kernel that can panic on purpose (PANICTEST=1, built
# in build/panictest/), and scripts/check-debugtests judges its panics.
SUITES ?= usertests memtests uaccesstests badinput xv6compat fuzz debugtests
SUITE_ARGS = $(foreach s,$(SUITES),--suite "$(s)$(if $(QUICK), -q)$(if $(LONG), -L)")
PANICTEST_B := $(B)/panictest
DEBUGTESTS_ARGS = --suite-kernel "debugtests=$(PANICTEST_B)/kernel" \
        --check "debugtests=scripts/check-debugtests --kernel $(PANICTEST_B)/kernel --cpus $(CPUS)"

test-long:
	$(MAKE) --no-print-directory test LONG=1

# The power-cut test runs a few cuts among the host tests, through a
# wrapper that gives it this build's paths (host tests take no arguments).
CRASHTEST_QUICK := $(B)/host/crashtest
$(CRASHTEST_QUICK): FORCE
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec python3 scripts/crashtest --kernel %s --fs %s --bios %s --fsck %s --cpus %s --mem %s --cuts 3 --seed 1\n' \
	        $(B)/kernel $(B)/fs.img $(OPENSBI) $(B)/fsck $(CPUS) $(MEM) > $@
	@chmod +x $@

# The gdb commands' test (test/host/test_gdb.py) runs among the host tests
# too, through a wrapper of the same kind.
GDB_TEST := $(B)/host/test_gdb
GDB_TEST_CMD = python3 test/host/test_gdb.py --build $(B) --mem $(MEM) --cpus 1,3
$(GDB_TEST): FORCE
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec %s\n' "$(GDB_TEST_CMD)" > $@
	@chmod +x $@

test: $(B)/kernel $(B)/fs.img $(B)/fsck $(B)/fscorrupt host-tests-build $(CRASHTEST_QUICK) \
      $(GDB_TEST) panictest-kernel
	python3 scripts/run-tests --kernel $(B)/kernel --fs $(B)/fs.img --bios $(OPENSBI) \
	        --host-tests "$(HOST_TESTS) $(CRASHTEST_QUICK) $(GDB_TEST)" --cpus $(CPUS) --mem $(MEM) --fsck $(B)/fsck \
	        --prepare-image "badinput=$(B)/fscorrupt" $(if $(LONG),--test-timeout 1800) \
	        --user-symbols $(B)/user $(DEBUGTESTS_ARGS) $(SUITE_ARGS)

# Only the gdb commands' test: make qemu-gdb and gdb-multiarch, CPUS=1 and 3.
.PHONY: gdb-test
gdb-test: $(B)/kernel $(B)/fs.img
	$(GDB_TEST_CMD)

# The kernel of debugtests: SYS_panictest crashes it on purpose.
.PHONY: panictest-kernel
panictest-kernel:
	@$(MAKE) --no-print-directory B=$(PANICTEST_B) PANICTEST=1 $(PANICTEST_B)/kernel

# Long runs of the two harnesses (user/tests/fuzz.c, scripts/crashtest).
SEED    ?= 1
CALLS   ?= 200000
WORKERS ?= 6
MODE    ?= all
CUTS    ?= 100
fuzz: $(B)/kernel $(B)/fs.img $(B)/fsck
	python3 scripts/run-tests --kernel $(B)/kernel --fs $(B)/fs.img --bios $(OPENSBI) \
	        --cpus $(CPUS) --mem $(MEM) --fsck $(B)/fsck --suite-timeout 172800 \
	        --suite "fuzz -s $(SEED) -n $(CALLS) -w $(WORKERS) -m $(MODE)"

crashtest: $(B)/kernel $(B)/fs.img $(B)/fsck
	python3 scripts/crashtest --kernel $(B)/kernel --fs $(B)/fs.img --bios $(OPENSBI) \
	        --fsck $(B)/fsck --cpus $(CPUS) --mem $(MEM) --cuts $(CUTS) --seed $(SEED)

# Benchmarks run on a kernel built without the debug-build invariant checks
# (in build/bench/, sharing the cached newlib); then the heap benchmark runs
# again on a debug kernel (build/bench-debug/) for the cost of the checks.
# They print a table of medians; nothing here passes or fails on speed.
# First, the host CPU Kite uses idle at its prompt, over IDLE_SECONDS (0: skip).
# BENCH_MEM: the heap benchmark grows the heap by 30,000 pages.
BENCH_B  := $(B)/bench
BENCH_DB := $(B)/bench-debug
BENCH_MEM ?= 256M
IDLE_SECONDS ?= 10
bench:
	$(MAKE) --no-print-directory B=$(BENCH_B) DEBUG=0 NEWLIB_OUT=$(B)/newlib \
	        $(BENCH_B)/kernel $(BENCH_B)/fs.img
	$(MAKE) --no-print-directory B=$(BENCH_DB) DEBUG=1 NEWLIB_OUT=$(B)/newlib $(BENCH_DB)/kernel
	python3 scripts/run-bench --kernel $(BENCH_B)/kernel --fs $(BENCH_B)/fs.img \
	        --bios $(OPENSBI) --cpus $(CPUS) --mem $(BENCH_MEM) --idle-seconds $(IDLE_SECONDS) \
	        --debug-kernel $(BENCH_DB)/kernel --debug-only heap

# Boot N times to the prompt and power off, counting clean boots (a
# grader boots Kite hundreds of times; not part of make test).
N ?= 200
bootloop: $(B)/kernel $(B)/fs.img
	python3 scripts/bootloop --kernel $(B)/kernel --fs $(B)/fs.img --bios $(OPENSBI) \
	        --cpus $(CPUS) --mem $(MEM) -n $(N)

clean:
	rm -rf $(filter-out $(B)/newlib,$(wildcard $(B)/*))
