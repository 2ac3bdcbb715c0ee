# The build's own promises: what libdbrev.a exports and links; what
# configure finds, installs and writes (config.mk); what the static
# Makefile rebuilds, compiles and installs.
. "$DBREV_SRCDIR/tests/lib/test.sh"
lib=$DBREV_BUILD/libdbrev.a

tcase "every symbol libdbrev.a defines is prefixed dbrev_"
# (ASan adds an __odr_asan.<name> twin of each global: its own, not ours.)
run sh -c "nm -g --defined-only '$lib' | awk 'NF == 3 { print \$3 }' |
    grep -v -e '^dbrev_' -e '^__odr_asan\.dbrev_'"
stdout_is ""

tcase "libdbrev.a calls libpq only through its loader (no direct PQ* reference)"
run sh -c "nm -u '$lib' | awk '{ print \$NF }' | grep -E '^(PQ|pg_|lo_)'"
stdout_is ""

tcase "the tools do not load libpq at start"
if command -v ldd >/dev/null 2>&1; then
	for t in revapply revorder revgen dbbackup; do
		run ldd "$DBREV_BINDIR/$t"
		status_is 0
		stdout_lacks "libpq"
	done
else
	skip "the tools do not load libpq at start" "no ldd on this machine"
fi
# A copy of the source tree, unconfigured, to configure and build in.
# Every make below names O= inside $T, so nothing touches the real build.
copy_tree() {
	mkdir -p "$T/src/tests"
	(cd "$DBREV_SRCDIR" && cp -R configure Makefile dbrev.pc.in include lib \
	    tools mk man "$T/src/" && cp -R tests/unit tests/fuzz "$T/src/tests/")
}
copy_tree
S=$T/src
smake() { run make --no-print-directory -C "$S" "$@"; }

tcase "make without config.mk says to run ./configure and builds nothing"
smake O="$T/o"
status_is 2
stderr_has "Makefile:"
stderr_has "config.mk not found; run ./configure first"
[ ! -e "$T/o" ] || fail "it built something into $T/o"
smake clean O="$T/o"
status_is 0

tcase "configure writes config.mk and leaves the tracked Makefile as it is"
before=$(cksum <"$S/Makefile")
run sh -c "cd '$S' && ./configure"
status_is 0
stdout_has "wrote config.mk"
[ -f "$S/config.mk" ] || fail "no config.mk"
[ "$(cksum <"$S/Makefile")" = "$before" ] || fail "configure changed Makefile"

# sqltok.h is a private header (lib/schema/): only -MMD tells make that
# lib/db/sqlite/emit.c includes it.
tcase "editing a private header rebuilds the objects that include it, only those"
inc=$T/o/lib/db/sqlite/emit.o other=$T/o/lib/graph.o
smake O="$T/o" "$inc" "$other"
status_is 0
smake -q O="$T/o" "$inc" "$other"
status_is 0
touch "$S/lib/schema/sqltok.h"
smake -q O="$T/o" "$inc"
status_is 1
smake -q O="$T/o" "$other"
status_is 0

tcase "configure again rebuilds nothing; other flags rebuild"
smake O="$T/o" "$inc"
run sh -c "cd '$S' && ./configure"
status_is 0
smake -q O="$T/o" "$inc" "$other"
status_is 0
smake -q O="$T/o" CFLAGS=-O0 "$other"
status_is 1

tcase "configure newer than config.mk: make runs it again with its arguments"
run sh -c "cd '$S' && ./configure --prefix=/opt/dbrev-test"
status_is 0
touch -t 200001010000 "$S/config.mk"
smake O="$T/o" "$other"
status_is 0
stdout_has "running ./configure --prefix=/opt/dbrev-test again"
grep -q '^prefix = /opt/dbrev-test$' "$S/config.mk" || fail "prefix lost: $(grep ^prefix "$S/config.mk")"
smake -q O="$T/o" "$other"
status_is 0

# The library's sources live in nested directories, one per database.
tcase "sources in nested lib/ directories are built; --without-postgres leaves out lib/db/postgres/ and *postgres* files"
mkdir -p "$S/lib/db/sqlite/deeper"
for f in lib/db/sqlite/deeper/nested_probe.c lib/db/postgres/conn_probe.c; do
	echo 'int dbrev_probe_unused(void);' >"$S/$f"
done
smake -n V=1 O="$T/o2" "$T/o2/libdbrev.a"
status_is 0
stdout_has "lib/db/sqlite/deeper/nested_probe.c"
stdout_has "lib/db/postgres/conn_probe.c"
stdout_has "lib/db/postgres/libpq.c"
run sh -c "cd '$S' && ./configure --without-postgres"
status_is 0
smake -n V=1 O="$T/o3" "$T/o3/libdbrev.a"
status_is 0
stdout_has "lib/db/sqlite/deeper/nested_probe.c"
stdout_lacks "lib/db/postgres/"
stdout_lacks "_postgres.c"
rm -rf "$S/lib/db/sqlite/deeper" "$S/lib/db/postgres/conn_probe.c"

tcase "make fuzz builds and runs every tests/fuzz/fuzz_*.c"
run sh -c "cd '$S' && ./configure"
status_is 0
cp "$S/tests/fuzz/fuzz_graph.c" "$S/tests/fuzz/fuzz_zz_probe.c"
smake -n V=1 fuzz FUZZ_CC=clang FUZZ_TIME=7
status_is 0
for n in $(cd "$S/tests/fuzz" && ls fuzz_*.c); do
	stdout_has "-o build-fuzz/${n%.c} tests/fuzz/$n"
	stdout_has "tests/fuzz/run.sh \$bin 7"
done
stdout_has "build-fuzz/fuzz_zz_probe"
rm -f "$S/tests/fuzz/fuzz_zz_probe.c"

# An OpenSSL without EVP_MD_fetch (1.1): a header that lacks it.
mkdir -p "$T/ssl11/openssl"
echo '#define EVP_MAX_MD_SIZE 64' >"$T/ssl11/openssl/evp.h"
tcase "configure needs EVP_MD_fetch (OpenSSL 3), as the code does"
run sh -c "cd '$S' && ./configure CFLAGS='-O2 -I$T/ssl11'"
status_is 1
stdout_has "checking for libcrypto with EVP_MD_fetch (OpenSSL 3)... no"
stderr_is "configure: error: dbrev needs libssl-dev to build; run ./configure --install-deps, or as root: apt-get install -y libssl-dev"

tcase "configure keeps # in CFLAGS for make; refuses directories make cannot carry"
run sh -c "cd '$S' && ./configure 'CFLAGS=-O2 -DDBREV_TEST_HASH=1#2'"
status_is 0
smake -n V=1 O="$T/o4" "$T/o4/lib/graph.o"
stdout_has "-DDBREV_TEST_HASH=1#2 "
for d in "/opt/a b" '/opt/$(shell touch x)' "/opt/a#b" "/opt/it's"; do
	run sh -c "cd '$S' && ./configure --prefix=\"\$1\"" sh "$d"
	status_is 1
	stderr_has "configure: error: --prefix=$d: an installation directory may hold only"
done
run sh -c "cd '$S' && ./configure '--libdir=\$(prefix)/lib64'"
status_is 0
grep -qF 'libdir = $(prefix)/lib64' "$S/config.mk" || fail "libdir: $(grep ^libdir "$S/config.mk")"

tcase "make install and uninstall: a DESTDIR with spaces and quotes"
D="$T/dest dir's \"x\""
run make --no-print-directory -C "$DBREV_SRCDIR" -o all O="$DBREV_BUILD" install \
    DESTDIR="$D" prefix=/usr/local bindir=/usr/local/bin libdir=/usr/local/lib \
    includedir=/usr/local/include datarootdir=/usr/local/share mandir=/usr/local/share/man
status_is 0
for f in bin/revapply lib/libdbrev.a lib/pkgconfig/dbrev.pc include/dbrev/revision.h \
    share/dbrev/mk/dbrev.mk share/man/man1/revapply.1; do
	[ -f "$D/usr/local/$f" ] || fail "not installed: $f"
done
run make --no-print-directory -C "$DBREV_SRCDIR" -o all O="$DBREV_BUILD" uninstall \
    DESTDIR="$D" prefix=/usr/local bindir=/usr/local/bin libdir=/usr/local/lib \
    includedir=/usr/local/include datarootdir=/usr/local/share mandir=/usr/local/share/man
status_is 0
left=$(find "$D" -type f | head -3)
[ -z "$left" ] || fail "left after uninstall: $left"

tcase "configure: a bad --install-deps list or a CC that cannot build is one clear line"
for a in --install-deps= --install-deps=check,,fuzz '--install-deps=*'; do
	run sh -c "cd '$S' && ./configure '$a'"
	status_is 1
	stderr_is "configure: error: --install-deps=WHAT: WHAT is build, check and fuzz, comma-separated"
done
run sh -c "cd '$S' && ./configure --install-deps=check,tests"
status_is 1
stderr_is "configure: error: --install-deps=check,tests: unknown 'tests'; use build, check and fuzz, comma-separated"
run sh -c "cd '$S' && ./configure CC=/nonexistent/cc"
status_is 1
stderr_is "configure: error: CC=/nonexistent/cc cannot build a program; name a working C compiler"

# --install-deps: as an unprivileged user it can only say what to run.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	tcase "configure --install-deps without root or sudo prints the apt-get line and fails"
	chmod -R a+rwX "$S" "$T/ssl11"
	chmod a+x "$T"
	run runuser -u nobody -- sh -c "cd '$S' && ./configure --install-deps CFLAGS='-O2 -I$T/ssl11'"
	status_is 1
	stderr_has "apt-get install -y libssl-dev"
	stderr_lacks "libcmocka"
	[ "$(wc -l <"$ERR")" = 1 ] || fail "more than one line: $(cat "$ERR")"

	# apt-get itself is stood in for: a test must not install anything.
	tcase "configure --install-deps=check as root runs apt-get for what is missing, then looks again"
	mkdir -p "$T/stub"
	printf '#!/bin/sh\necho "$*" >>"%s"\n' "$T/apt.calls" >"$T/stub/apt-get"
	chmod +x "$T/stub/apt-get"
	run env PATH="$T/stub:$PATH" sh -c "cd '$S' && ./configure --install-deps=check CFLAGS='-O2 -I$T/ssl11'"
	status_is 1
	stdout_has "configure: installing libssl-dev (apt-get)"
	stdout_has "configure: looking again"
	stderr_has "configure: error: still missing after apt-get: libssl-dev"
	[ "$(cat "$T/apt.calls")" = "update -qq
install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends libssl-dev" ] || fail "apt-get calls: $(cat "$T/apt.calls")"
else
	skip "configure --install-deps without root or sudo" "needs root, to run configure as nobody"
	skip "configure --install-deps=check as root" "needs root"
fi

finish
