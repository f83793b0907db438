# Kite user programs: crt0 + user library + newlib, one ELF per program.
#
# Included by the top-level Makefile, which defines B, TOOLPREFIX, CC and
# ARCHFLAGS. Every user/bin/NAME.c and every user/tests/NAME.c is one
# program, built as $(B)/user/NAME (static ELF with symbols, for gdb).
# UPROGS lists them all; mkfs copies them into fs.img.

NEWLIB_OUT   := $(B)/newlib
NEWLIB_STAMP := $(NEWLIB_OUT)/stamp
NEWLIB       := $(NEWLIB_OUT)/install/riscv64-unknown-elf

UOBJ     := $(B)/user/obj
ULIBGCC  := $(shell $(CC) -march=rv64imac -mabi=lp64 -print-libgcc-file-name 2>/dev/null)
ULDSCRIPT := user/lib/user.ld

UCFLAGS  := -O2 -g -Wall -Werror -MD $(ARCHFLAGS) -fno-common \
            -ffunction-sections -fdata-sections \
            -Iinclude -Iuser/lib -isystem $(NEWLIB)/include
# Programs keep their symbols and debug information for gdb (fs.img gets
# stripped copies).
ULDFLAGS := $(ARCHFLAGS) -static -nostdlib -nostartfiles -T $(ULDSCRIPT) \
            -Wl,--gc-sections -Wl,-z,max-page-size=4096

# The user library: crt0 is linked first, the rest is an archive so a
# program only carries what it uses.
ULIB_CRT0 := $(UOBJ)/lib/crt0.o
ULIB_SRCS := $(sort $(wildcard user/lib/*.c)) user/lib/syscall.S
ULIB_OBJS := $(patsubst user/lib/%,$(UOBJ)/lib/%.o,$(basename $(ULIB_SRCS)))
ULIB      := $(UOBJ)/lib/libkite.a

UBIN_NAMES  := $(sort $(basename $(notdir $(wildcard user/bin/*.c))))
UTEST_NAMES := $(sort $(basename $(notdir $(wildcard user/tests/*.c))))
UCLASH      := $(filter $(UBIN_NAMES),$(UTEST_NAMES))
ifneq ($(UCLASH),)
$(error user/bin and user/tests both define: $(UCLASH))
endif
UBIN_PROGS  := $(addprefix $(B)/user/,$(UBIN_NAMES))
UTEST_PROGS := $(addprefix $(B)/user/,$(UTEST_NAMES))
UPROGS      := $(UBIN_PROGS) $(UTEST_PROGS)

.PHONY: uprogs
uprogs: $(UPROGS)

# newlib is built once and cached; the script does nothing while its stamp
# matches the configuration.
$(NEWLIB_STAMP): scripts/build-newlib
	@scripts/build-newlib $(NEWLIB_OUT)

$(UOBJ)/%.o: user/%.c $(NEWLIB_STAMP) user/user.mk
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c -o $@ $<

$(UOBJ)/%.o: user/%.S user/user.mk
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c -o $@ $<

$(ULIB): $(filter-out $(ULIB_CRT0),$(ULIB_OBJS))
	@rm -f $@
	$(TOOLPREFIX)ar rcs $@ $^

define ULINK
	$(CC) $(ULDFLAGS) -o $@ $(ULIB_CRT0) $< \
	    -Wl,--start-group $(ULIB) $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(ULIBGCC) -Wl,--end-group
endef

ULINK_DEPS := $(ULIB_CRT0) $(ULIB) $(ULDSCRIPT) user/user.mk

$(UBIN_PROGS): $(B)/user/%: $(UOBJ)/bin/%.o $(ULINK_DEPS)
	$(ULINK)

$(UTEST_PROGS): $(B)/user/%: $(UOBJ)/tests/%.o $(ULINK_DEPS)
	$(ULINK)

# Keep the objects (gdb reads the programs, not these, but rebuilds stay quick).
.SECONDARY: $(ULIB_OBJS) $(patsubst %,$(UOBJ)/bin/%.o,$(UBIN_NAMES)) $(patsubst %,$(UOBJ)/tests/%.o,$(UTEST_NAMES))

-include $(wildcard $(UOBJ)/*/*.d)
