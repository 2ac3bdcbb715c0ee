# The build's own promises: what libdbrev.a exports and links.
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
finish
