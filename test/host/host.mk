# Host unit tests of Kite's pure logic.
#
# Every test/host/test_*.c is one test program. It includes the Kite sources
# it tests directly (they have no hardware includes), prints one line
# "test NAME: OK" or "test NAME: FAIL why" per case, and exits non-zero if
# any case failed. Built with sanitizers so memory errors fail loudly.

HOST_CFLAGS := -std=gnu11 -Wall -Werror -O1 -g -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined -Iinclude -Ikernel -Imkfs -Itest/host -DKITE_HOST=1
HOST_TEST_SRCS := $(sort $(wildcard test/host/test_*.c))
HOST_TESTS := $(patsubst test/host/%.c,$(B)/host/%,$(HOST_TEST_SRCS))

$(B)/host/%: test/host/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -MD -o $@ $<

-include $(HOST_TESTS:=.d)

.PHONY: host-tests-build host-test
host-tests-build: $(HOST_TESTS)

# Run only the host tests.
host-test: $(HOST_TESTS)
	python3 scripts/run-tests --host-tests "$(HOST_TESTS)"
