# sg: one GNU Makefile. `make` builds bin/; `make check` installs missing
# test dependencies (scripts/install-deps.sh), then runs every test.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
INSTALL ?= install

CC      ?= cc
PKGS    := libzstd liblz4 libxxhash libarchive
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) \
           -Ilibshared $(PKG_CFLAGS) $(CFLAGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lzstd -llz4 -lxxhash -larchive) -pthread -lm

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all

TOOLS   := sg-chunk sg-encode sg-decode sg-progress sg-resume
LIB_SRC := $(wildcard libshared/*.c)
LIB_HDR := $(wildcard libshared/*.h)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_HELPERS := $(filter-out tests/unit/test_%,$(wildcard tests/unit/*.c))
UNITS   := $(patsubst tests/unit/%.c,%,$(UNIT_SRC))
MANS    := $(wildcard man/*.[1-9])

B   := build
SB  := build/san

LIB_OBJ  := $(patsubst libshared/%.c,$(B)/lib/%.o,$(LIB_SRC))
SLIB_OBJ := $(patsubst libshared/%.c,$(SB)/lib/%.o,$(LIB_SRC))

.PHONY: all check test-bins unit unit-san cli cli-san valgrind lint deps demo bench install uninstall clean

all: $(addprefix bin/,$(TOOLS))

$(B)/lib/%.o: libshared/%.c $(LIB_HDR) | $(B)/lib
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(SB)/lib/%.o: libshared/%.c $(LIB_HDR) | $(SB)/lib
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/libshared.a: $(LIB_OBJ)
	$(AR) rcs $@ $^
$(SB)/libshared.a: $(SLIB_OBJ)
	$(AR) rcs $@ $^

bin/%: cmd/%.c $(B)/libshared.a $(LIB_HDR) | bin
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libshared.a $(PKG_LIBS) $(LDFLAGS)
$(SB)/bin/%: cmd/%.c $(SB)/libshared.a $(LIB_HDR) | $(SB)/bin
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $< $(SB)/libshared.a $(PKG_LIBS) $(LDFLAGS)

$(B)/unit/%: tests/unit/%.c $(UNIT_HELPERS) tests/unit/*.h $(B)/libshared.a | $(B)/unit
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(UNIT_HELPERS) $(B)/libshared.a $(PKG_LIBS) -lcmocka
$(SB)/unit/%: tests/unit/%.c $(UNIT_HELPERS) tests/unit/*.h $(SB)/libshared.a | $(SB)/unit
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -o $@ $< $(UNIT_HELPERS) $(SB)/libshared.a $(PKG_LIBS) -lcmocka

bin $(B)/lib $(B)/unit $(SB)/lib $(SB)/bin $(SB)/unit:
	mkdir -p $@

deps:
	scripts/install-deps.sh

# The whole suite: unit tests plain and sanitized, CLI tests plain, sanitized
# and (a subset) under valgrind, a fuzz smoke, man page lint.
check: deps
	$(MAKE) -j2 all test-bins
	$(MAKE) unit unit-san
	$(MAKE) cli cli-san valgrind
	$(MAKE) fuzz-smoke
	$(MAKE) lint

# Each test binary on its own, two at a time (GNU parallel), output kept
# in order; the first failure stops the run.
UNIT_RUN = parallel --will-cite -j2 -k --halt now,fail=1

unit: $(addprefix $(B)/unit/,$(UNITS))
	@printf '%s\n' $^ | SG_VECTORS=tests/vectors $(UNIT_RUN) 'echo "== {}"; {}'

unit-san: $(addprefix $(SB)/unit/,$(UNITS))
	@printf '%s\n' $^ | ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  SG_VECTORS=tests/vectors $(UNIT_RUN) 'echo "== {} (ASan+UBSan)"; {}'

# Two at a time (GNU parallel), but the live-latency test first and alone:
# its 10 ms bound is about this process, not about a busy neighbour.
cli: all
	bats tests/cli/live_sse.bats
	bats --jobs 2 $(filter-out tests/cli/live_sse.bats,$(wildcard tests/cli/*.bats))

# The CLI tests again, on binaries built with ASan and UBSan, two at a time
# (GNU parallel): under the sanitizers they check no memory figures, and the
# one latency bound (live SSE) is 50 ms, far above what a neighbour costs.
# The core subset: tests tagged slow (corpus-wide sweeps, every bit flip
# and truncation, 10-second device reads) run plain only; the library code
# they drive runs sanitized in unit-san and the fuzz targets.
cli-san: $(addprefix $(SB)/bin/,$(TOOLS))
	SG_BIN=$(CURDIR)/$(SB)/bin SG_SANITIZED=1 \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  bats --jobs 2 --filter-tags '!slow' tests/cli

# A small CLI subset under valgrind memcheck: errors and leaks fail it.
valgrind: all
	bats --jobs 2 tests/valgrind

lint:
	mandoc -Tlint -Wwarning $(MANS)

demo: deps all
	scripts/demo.sh

bench: all $(B)/latency
	bench/run.sh

$(B)/latency: bench/latency.c | $(B)/lib
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $<

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	  $(DESTDIR)$(DATADIR)/bash-completion/completions \
	  $(DESTDIR)$(DATADIR)/zsh/site-functions \
	  $(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	$(INSTALL) -m 755 $(addprefix bin/,$(TOOLS)) $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5
	$(INSTALL) -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7
	for t in $(TOOLS); do \
	  $(INSTALL) -m 644 completions/$$t.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/$$t; \
	  $(INSTALL) -m 644 completions/_$$t $(DESTDIR)$(DATADIR)/zsh/site-functions/_$$t; \
	  $(INSTALL) -m 644 completions/$$t.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$t.fish; \
	done

uninstall:
	for t in $(TOOLS); do \
	  rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(MANDIR)/man1/$$t.1 \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions/$$t \
	    $(DESTDIR)$(DATADIR)/zsh/site-functions/_$$t \
	    $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$t.fish; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man5/sg-frame.5 $(DESTDIR)$(MANDIR)/man7/sg.7

clean:
	rm -rf bin build

# Fuzzing (libFuzzer, with ASan and UBSan): `make fuzz FUZZ_SECONDS=N` runs
# every target for N seconds, seeded from tests/vectors and ../shared/corpora.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FB      := build/fuzz
FUZZERS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -g -O1 -Ilibshared \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

comma := ,

# Everything the tests run, built in parallel before any test starts.
test-bins: $(addprefix $(B)/unit/,$(UNITS)) $(addprefix $(SB)/unit/,$(UNITS)) \
           $(addprefix $(SB)/bin/,$(TOOLS)) \
           $(if $(shell command -v $(FUZZ_CC) 2>/dev/null),$(addprefix $(FB)/,$(FUZZERS)))

# The library once, instrumented for the fuzzers; each target links it.
FUZZ_LIB_OBJ := $(patsubst libshared/%.c,$(FB)/lib/%.o,$(LIB_SRC))
$(FB)/lib/%.o: libshared/%.c $(LIB_HDR)
	@mkdir -p $(FB)/lib
	$(FUZZ_CC) $(subst fuzzer$(comma),fuzzer-no-link$(comma),$(FUZZ_FLAGS)) -c -o $@ $<
$(FB)/libfuzzshared.a: $(FUZZ_LIB_OBJ)
	$(AR) rcs $@ $^
$(FB)/%: tests/fuzz/%.c $(FB)/libfuzzshared.a $(LIB_HDR)
	@mkdir -p $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FB)/libfuzzshared.a $(PKG_LIBS)

.PHONY: fuzz fuzz-smoke
fuzz: $(addprefix $(FB)/,$(FUZZERS))
	@set -e; for f in $(FUZZERS); do \
	  mkdir -p $(FB)/corpus/$$f; \
	  echo "== $$f: regressions, then $(FUZZ_SECONDS) s of fuzzing"; \
	  $(FB)/$$f tests/fuzz/regress/* > $(FB)/$$f.log 2>&1 || { cat $(FB)/$$f.log; exit 1; }; \
	  $(FB)/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=1024 \
	    -artifact_prefix=$(FB)/ $(FB)/corpus/$$f tests/vectors tests/fuzz/seeds \
	    ../shared/corpora/utf8 ../shared/corpora/jsontestsuite/test_parsing \
	    ../shared/corpora/csv-spectrum/csvs ../shared/corpora/sse/captures \
	    > $(FB)/$$f.log 2>&1 || { tail -n 40 $(FB)/$$f.log; exit 1; }; \
	  tail -n 1 $(FB)/$$f.log; \
	done

# A short run of every target; make check calls it when clang is present.
fuzz-smoke:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	  $(MAKE) fuzz FUZZ_SECONDS=10; \
	else echo "fuzz-smoke: no $(FUZZ_CC), skipped"; fi
