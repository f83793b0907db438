# mkfs and fsck: host tools for Kite file-system images.
#
# Included by the top-level Makefile (which defines B and HOSTCC).
# fslib.c is the image library both tools share; -Ikernel is only for
# kernel/fs/sbcheck.h and kernel/param.h, which are pure (no hardware).

MKFS_CFLAGS := -std=gnu11 -Wall -Werror -O2 -Iinclude -Ikernel -Imkfs
MKFS_DEPS   := mkfs/fslib.c mkfs/fslib.h kernel/fs/sbcheck.h include/kite/fs.h include/kite/param.h kernel/param.h

$(B)/mkfs: mkfs/mkfs.c $(MKFS_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MKFS_CFLAGS) -o $@ mkfs/mkfs.c mkfs/fslib.c

$(B)/fsck: mkfs/fsck.c $(MKFS_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MKFS_CFLAGS) -o $@ mkfs/fsck.c mkfs/fslib.c

.PHONY: fsck
# Check the built image: make fsck
fsck: $(B)/fsck $(B)/fs.img
	$(B)/fsck $(B)/fs.img

# Bad input for the badinput suite: mkbadelf writes malformed (and a few
# valid) ELF executables into $(B)/badelf/, which go into fs.img; the
# harness runs fscorrupt on its copy of fs.img before booting badinput.
$(B)/mkbadelf: mkfs/mkbadelf.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -Wall -Werror -O2 -o $@ mkfs/mkbadelf.c

BADELF_STAMP := $(B)/badelf/stamp
$(BADELF_STAMP): $(B)/mkbadelf
	rm -rf $(B)/badelf
	@mkdir -p $(B)/badelf
	$(B)/mkbadelf $(B)/badelf
	touch $@

$(B)/fscorrupt: mkfs/fscorrupt.c $(MKFS_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MKFS_CFLAGS) -o $@ mkfs/fscorrupt.c mkfs/fslib.c
