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

# ---------------------------------------------------------------------------
# The xv6 world: xv6-riscv user programs, compiled unchanged.
#
# user/xv6/NAME.c, or a directory user/xv6/NAME/ of .c files, is one
# program: built against the xv6 compatibility headers (include/xv6/, so
# "kernel/types.h" and "user/user.h" resolve there) and library
# (user/xv6lib/) as $(B)/xv6/NAME, and copied into fs.img as /NAME, in
# place of any Kite program of the same name. The flags are xv6's
# (freestanding, -O, frame pointers); warnings are shown, not fatal, as
# another compiler version may warn where xv6's did not.
#
# The two worlds share crt0, Kite's user library and newlib underneath.
# Both define names xv6 also defines (printf, exit, malloc, memset, mkdir,
# sleep, ...), so the xv6 world links against copies of libkite.a and
# newlib's libc.a in which every name the compatibility library defines is
# renamed __kitelib_NAME, definitions and uses alike: a program's printf
# or exit can only be xv6's, and whatever part of newlib a program does
# pull in (snprintf, say) keeps using newlib's own functions.

XV6_B      := $(B)/xv6
XV6_OBJ    := $(XV6_B)/obj
XV6_CFLAGS := -O -g -Wall -Wno-main -MD $(ARCHFLAGS) -ffreestanding -fno-builtin -fno-common \
              -fno-omit-frame-pointer -ffunction-sections -fdata-sections \
              -Iinclude/xv6 -idirafter include
# The library bridges to Kite's ABI; it must not turn its own copy loops
# into calls of memcpy/memset (which it defines).
XV6_LIB_CFLAGS := $(XV6_CFLAGS) -Werror -fno-tree-loop-distribute-patterns -Iinclude

XV6_LIB_SRCS := $(sort $(wildcard user/xv6lib/*.c))
XV6_LIB_OBJS := $(patsubst user/xv6lib/%.c,$(XV6_OBJ)/xv6lib/%.o,$(XV6_LIB_SRCS))
XV6_LIB      := $(XV6_B)/lib/libxv6.a
XV6_NAMES_FILE := $(XV6_B)/lib/renames
XV6_KITE_COPY  := $(XV6_B)/lib/libkite.a
XV6_LIBC_COPY  := $(XV6_B)/lib/libc.a

XV6_FILE_NAMES := $(basename $(notdir $(wildcard user/xv6/*.c)))
XV6_DIR_NAMES  := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard user/xv6/*/*.c)))))
XV6_BOTH := $(filter $(XV6_FILE_NAMES),$(XV6_DIR_NAMES))
ifneq ($(XV6_BOTH),)
$(error user/xv6 has both NAME.c and NAME/ for: $(XV6_BOTH))
endif
XV6_NAMES := $(sort $(XV6_FILE_NAMES) $(XV6_DIR_NAMES))
XV6_PROGS := $(addprefix $(XV6_B)/,$(XV6_NAMES))
XV6_SHADOWED := $(filter $(XV6_NAMES),$(UBIN_NAMES) $(UTEST_NAMES))
ifneq ($(XV6_SHADOWED),)
$(info Kite: user/xv6 programs take the place of Kite's in fs.img: $(XV6_SHADOWED))
endif

# The objects of xv6 program $(1).
xv6_objs = $(if $(wildcard user/xv6/$(1).c),$(XV6_OBJ)/$(1).o,\
             $(patsubst user/xv6/%.c,$(XV6_OBJ)/%.o,$(sort $(wildcard user/xv6/$(1)/*.c))))

$(XV6_OBJ)/xv6lib/%.o: user/xv6lib/%.c user/user.mk
	@mkdir -p $(dir $@)
	$(CC) $(XV6_LIB_CFLAGS) -c -o $@ $<

$(XV6_OBJ)/%.o: user/xv6/%.c user/user.mk
	@mkdir -p $(dir $@)
	$(CC) $(XV6_CFLAGS) -c -o $@ $<

$(XV6_LIB): $(XV6_LIB_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(TOOLPREFIX)ar rcs $@ $^

# Every global name the compatibility library defines, as objcopy's
# rename list: "NAME __kitelib_NAME", one a line.
$(XV6_NAMES_FILE): $(XV6_LIB)
	$(NM) -g --defined-only $< | awk 'NF == 3 { print $$3, "__kitelib_" $$3 }' | sort -u > $@

$(XV6_KITE_COPY): $(ULIB) $(XV6_NAMES_FILE)
	$(OBJCOPY) --redefine-syms=$(XV6_NAMES_FILE) $(ULIB) $@

$(XV6_LIBC_COPY): $(NEWLIB_STAMP) $(XV6_NAMES_FILE)
	$(OBJCOPY) --redefine-syms=$(XV6_NAMES_FILE) $(NEWLIB)/lib/libc.a $@

XV6_LINK_DEPS := $(ULIB_CRT0) $(XV6_LIB) $(XV6_KITE_COPY) $(XV6_LIBC_COPY) $(ULDSCRIPT) user/user.mk

define XV6_PROG_RULE
$(XV6_B)/$(1): $(call xv6_objs,$(1)) $$(XV6_LINK_DEPS)
	$$(CC) $$(ULDFLAGS) -o $$@ $$(ULIB_CRT0) $(call xv6_objs,$(1)) \
	    -Wl,--start-group $$(XV6_LIB) $$(XV6_KITE_COPY) $$(XV6_LIBC_COPY) $$(NEWLIB)/lib/libm.a \
	    $$(ULIBGCC) -Wl,--end-group
endef
$(foreach n,$(XV6_NAMES),$(eval $(call XV6_PROG_RULE,$(n))))

.PHONY: xv6progs
xv6progs: $(XV6_PROGS)

.SECONDARY: $(XV6_LIB_OBJS) $(foreach n,$(XV6_NAMES),$(call xv6_objs,$(n)))

-include $(wildcard $(XV6_OBJ)/*.d $(XV6_OBJ)/*/*.d)

# test/host/test_xv6abi.c compiles the compatibility headers with the xv6
# world's compiler and flags, and checks PHYSTOP against make qemu's MEM.
$(B)/host/test_xv6abi: HOST_CFLAGS += -DXV6_CC='"$(CC) $(filter-out -MD,$(XV6_CFLAGS))"' \
                                       -DKITE_DEFAULT_MEM_MB=$(patsubst %M,%,$(MEM_DEFAULT))
