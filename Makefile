# Makefile - dbrev's build.  Static: ./configure writes config.mk (what
# it found on this machine), which this file includes.
#
#   make            build libdbrev.a and the four tools into $(O)
#   make check      unit, CLI and make-fragment tests; last line "N passed, N failed"
#   make check SANITIZE=1   the same, built with ASan and UBSan (into build-san)
#   make bench      benchmarks, as ratios against a baseline run side by side
#   make fuzz       every tests/fuzz/fuzz_*.c for FUZZ_TIME seconds (clang)
#   make install    DESTDIR honoured;  make uninstall, clean, distclean
#
# O=DIR builds out of tree (default build/), so several builds can share
# one source tree.  V=1 shows the commands.  TESTS= and BENCH= name the
# tests and benchmarks to run.
#
# An object is rebuilt when its source or any header it includes changes
# (-MMD -MP), and when the compiler, the flags or the libraries change
# ($(O)/flags).  When configure is newer than config.mk, make runs it again
# with the arguments config.mk records.

all:

# clean and distclean alone need no configuration.
DBREV_CONFIGURING := $(filter-out clean distclean,$(or $(MAKECMDGOALS),all))
ifeq ($(wildcard config.mk),)
ifneq ($(DBREV_CONFIGURING),)
$(error config.mk not found; run ./configure first (./configure --help for its options))
endif
else
include config.mk
ifneq ($(DBREV_CONFIGURING),)
config.mk: configure
	@echo 'configure is newer than config.mk: running $(CONFIGURE_ARGS) again'
	$(Q)$(CONFIGURE_ARGS) >/dev/null
endif
endif

ifeq ($(SANITIZE),1)
O		?= build-san
SAN_FLAGS	 = -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
else
O		?= build
SAN_FLAGS	 =
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

VERSION		 = 0.1.0
WARN		 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS	 = -std=c11 -D_GNU_SOURCE -Iinclude $(WARN) $(CFLAGS) $(SAN_FLAGS) \
		   $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS) $(PQ_CFLAGS) \
		   -DDBREV_VERSION='"$(VERSION)"'
ALL_LDFLAGS	 = $(LDFLAGS) $(SAN_FLAGS) $(AS_NEEDED)
LIBS		 = $(PQ_LIBS) $(SQLITE_LIBS) $(CRYPTO_LIBS) -lm

# find_c DIR: the .c files under DIR, at any depth.
find_c		 = $(foreach d,$(wildcard $(1)/*),$(call find_c,$(d))) \
		   $(filter %.c,$(wildcard $(1)/*))

# What needs libpq: everything in a directory named postgres (lib/db/postgres/)
# and every file whose name says postgres.
ifeq ($(WITH_POSTGRES),yes)
ALL_CFLAGS	+= -DDBREV_WITH_POSTGRES=1
only_pg		 = $(1)
else
only_pg		 = $(foreach f,$(1),$(if $(or $(findstring /postgres/,/$(f)),$(findstring \
		   postgres,$(notdir $(f)))),,$(f)))
endif

LIB_SRCS	:= $(call only_pg,$(sort $(call find_c,lib)))
LIB_OBJS	:= $(LIB_SRCS:%.c=$(O)/%.o)
# tools/front.c is the front end the tools share, linked into each.
TOOLS		:= $(filter-out front,$(basename $(notdir $(wildcard tools/*.c))))
FRONT_OBJ	:= $(O)/tools/front.o
TOOL_BINS	:= $(TOOLS:%=$(O)/bin/%)
TEST_SRCS	:= $(call only_pg,$(sort $(wildcard tests/unit/test_*.c)))
TEST_BINS	:= $(TEST_SRCS:tests/unit/%.c=$(O)/tests/bin/%)
HEADERS		:= $(wildcard include/dbrev/*.h)
MANPAGES	:= $(wildcard man/*.[157])
MKFRAGS		:= $(wildcard mk/*.mk)
OBJS		:= $(LIB_OBJS) $(TOOLS:%=$(O)/tools/%.o) $(FRONT_OBJ) \
		   $(TEST_SRCS:%.c=$(O)/%.o)

# sq TEXT: TEXT as one single-quoted shell word.
sq		 = '$(subst ','\'',$(1))'

all: $(O)/libdbrev.a $(TOOL_BINS)

# $(O)/flags holds the compiler, flags and libraries; make rewrites it
# (as it reads this file) only when they change.
DBREV_FLAGS	:= $(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(ALL_LDFLAGS) $(LIBS) $(CMOCKA_LIBS)
ifneq ($(wildcard config.mk),)
ifneq ($(DBREV_CONFIGURING),)
ifneq ($(file <$(O)/flags),$(DBREV_FLAGS))
$(shell mkdir -p $(O))
$(file >$(O)/flags,$(DBREV_FLAGS))
endif
endif
endif

$(O)/%.o: %.c $(O)/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

$(O)/libdbrev.a: $(LIB_OBJS)
	@$(if $(Q),echo '  AR      $@')
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIB_OBJS)

$(O)/bin/%: $(O)/tools/%.o $(FRONT_OBJ) $(O)/libdbrev.a $(O)/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(FRONT_OBJ) $(O)/libdbrev.a $(LIBS)

$(O)/tests/bin/%: $(O)/tests/unit/%.o $(O)/libdbrev.a $(O)/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(O)/libdbrev.a $(CMOCKA_LIBS) $(LIBS)

$(O)/tests/unit/%.o: private ALL_CFLAGS += $(CMOCKA_CFLAGS)

.SECONDARY:

.PHONY: all check check-deps bench fuzz fuzz-deps install uninstall clean distclean

# What configure found missing for make check.  Without a PostgreSQL
# server the suite still runs, and says which tests it skipped and why.
CHECK_NEEDS	 = $(filter-out postgresql postgresql-client,$(CHECK_MISSING))
check-deps:
ifneq ($(CHECK_NEEDS),)
	@echo 'make check needs $(CHECK_NEEDS): run ./configure --install-deps=check (or apt-get install $(CHECK_NEEDS), then ./configure again)' >&2
	@exit 1
endif

# The runner prints one line per test and ends with "N passed, N failed".
check: check-deps all $(TEST_BINS)
	$(Q)DBREV_BUILD=$(abspath $(O)) DBREV_BINDIR=$(abspath $(O))/bin \
	    DBREV_SRCDIR=$(CURDIR) DBREV_WITH_POSTGRES=$(WITH_POSTGRES) \
	    MAKE='$(MAKE)' bash tests/run.sh $(TESTS)

bench: all
	$(Q)DBREV_BINDIR=$(abspath $(O))/bin DBREV_SRCDIR=$(CURDIR) \
	    DBREV_WITH_POSTGRES=$(WITH_POSTGRES) sh tests/bench/run.sh $(BENCH)

# libFuzzer needs clang and its runtime; the library is rebuilt with it
# into build-fuzz, and every tests/fuzz/fuzz_*.c is built and run in turn.
FUZZ_CC		?= clang
FUZZ_TIME	?= 60
FUZZ_O		 = build-fuzz
FUZZ_FLAGS	 = -g -O1 -fsanitize=fuzzer-no-link,address,undefined
FUZZ_SRCS	:= $(call only_pg,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS	:= $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_O)/%)

fuzz-deps:
ifneq ($(FUZZ_MISSING),)
ifeq ($(origin FUZZ_CC),file)
	@echo 'make fuzz needs $(FUZZ_MISSING): run ./configure --install-deps=fuzz (or apt-get install $(FUZZ_MISSING), then ./configure again)' >&2
	@exit 1
endif
endif

fuzz: fuzz-deps
	$(Q)$(MAKE) --no-print-directory O=$(FUZZ_O) CC=$(FUZZ_CC) \
	    CFLAGS='$(FUZZ_FLAGS)' $(FUZZ_BINS)
	$(Q)set -e; for bin in $(FUZZ_BINS); do \
	    echo "  FUZZ    $${bin##*/} ($(FUZZ_TIME) s)"; \
	    sh tests/fuzz/run.sh $$bin $(FUZZ_TIME); \
	done

# Reached only through the sub-make above, where CC is $(FUZZ_CC).
$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_O)/libdbrev.a $(FUZZ_O)/flags
	@$(if $(Q),echo '  FUZZLD  $@')
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -Iinclude -g -O1 -MMD -MP \
	    -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_O)/libdbrev.a $(LIBS)

-include $(FUZZ_BINS:=.d)

# DESTDIR is single-quoted for the shell: it may hold spaces, quotes or $.
# (configure allows no such character in the directories themselves,
# which the fragments and dbrev.pc carry.)
MK_SUBST	 = sed -e 's|@DBREV_BINDIR@|$(bindir)|g' -e 's|@VERSION@|$(VERSION)|g'
D_BIN		 = $(call sq,$(DESTDIR)$(bindir))
D_LIB		 = $(call sq,$(DESTDIR)$(libdir))
D_INC		 = $(call sq,$(DESTDIR)$(includedir)/dbrev)
D_MK		 = $(call sq,$(DESTDIR)$(datarootdir)/dbrev/mk)
D_MAN		 = $(call sq,$(DESTDIR)$(mandir))
install: all
	mkdir -p $(D_BIN) $(D_LIB)/pkgconfig $(D_INC) $(D_MK) \
	    $(D_MAN)/man1 $(D_MAN)/man5 $(D_MAN)/man7
	cp $(TOOL_BINS) $(D_BIN)/
	cp $(O)/libdbrev.a $(D_LIB)/
	cp $(HEADERS) $(D_INC)/
	set -e; for f in $(MKFRAGS); do \
	    $(MK_SUBST) $$f > $(D_MK)/$$(basename $$f); done
	set -e; for m in $(MANPAGES); do \
	    s=$${m##*.}; cp $$m $(D_MAN)/man$$s/; done
	sed -e 's|@prefix@|$(prefix)|g' -e 's|@libdir@|$(libdir)|g' \
	    -e 's|@includedir@|$(includedir)|g' -e 's|@bindir@|$(bindir)|g' \
	    -e 's|@mkdir@|$(datarootdir)/dbrev/mk|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e $(call sq,s|@LIBS@|$(LIBS)|g) dbrev.pc.in > $(D_LIB)/pkgconfig/dbrev.pc

uninstall:
	rm -f $(TOOLS:%=$(D_BIN)/%) $(D_LIB)/libdbrev.a $(D_LIB)/pkgconfig/dbrev.pc
	rm -rf $(D_INC) $(call sq,$(DESTDIR)$(datarootdir)/dbrev)
	set -e; for m in $(MANPAGES); do \
	    s=$${m##*.}; rm -f $(D_MAN)/man$$s/$$(basename $$m); done

clean:
	rm -rf build build-san build-fuzz $(if $(filter build build-san build-fuzz,$(O)),,$(O))

distclean: clean
	rm -f config.mk
