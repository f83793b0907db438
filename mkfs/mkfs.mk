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
