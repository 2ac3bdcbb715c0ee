# The fragments as installed by `make install`: found through pkg-config's
# mkdir variable, knowing the installed tools without any PATH change;
# and as used from a source tree.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"
# The runner exports DBREV_BINDIR; make would take it as the knob.
BUILT_BINDIR=$DBREV_BINDIR
unset DBREV_BINDIR

# -o all: install what this run built, never rebuild it (with other flags).
install_to() {
	run "$MAKE_CMD" --no-print-directory -C "$DBREV_SRCDIR" -o all \
	    O="$DBREV_BUILD" "$@"
}
dirs() {
	echo prefix="$1" bindir="$1/bin" libdir="$1/lib" includedir="$1/include" \
	    datarootdir="$1/share" mandir="$1/share/man"
}

tcase "make install DESTDIR= puts the fragments and dbrev.pc in place"
install_to install DESTDIR="$T/root" $(dirs /usr/local)
status_is 0
R=$T/root/usr/local
for f in dbrev.mk dbrev-vars.mk dbrev-migrate.mk dbrev-backup.mk; do
	[ -f "$R/share/dbrev/mk/$f" ] || fail "no $f installed"
done
[ -f "$R/lib/pkgconfig/dbrev.pc" ] || fail "no dbrev.pc"
[ -f "$R/share/man/man7/dbrev.mk.7" ] || fail "no dbrev.mk.7"

tcase "the installed fragments know the installed bindir"
grep -q '^DBREV_BINDIR[[:space:]]*?= /usr/local/bin$' "$R/share/dbrev/mk/dbrev-vars.mk" ||
    fail "bindir not substituted: $(grep '^DBREV_BINDIR' "$R/share/dbrev/mk/dbrev-vars.mk")"
! grep -q '@DBREV_BINDIR@' "$R/share/dbrev/mk/dbrev-vars.mk" || fail "marker left"

tcase "dbrev.pc's mkdir variable names the fragments' directory"
run env PKG_CONFIG_PATH="$R/lib/pkgconfig" pkg-config --variable=mkdir dbrev
status_is 0
stdout_is /usr/local/share/dbrev/mk

tcase "a DESTDIR-installed project: include, migrate, only the check when at head"
BIN=$T/bin
recording_bindir "$BIN"
mkdir -p "$T/d"
cat >"$T/d/Makefile" <<EOF
DATABASE_URL ?= sqlite:app.db
include $R/share/dbrev/mk/dbrev.mk
all:
	@echo default-goal
EOF
P=$T/d
mk
status_is 0
stdout_is default-goal
mk db-init
status_is 0
mk db-revision M="Create t"
status_is 0
fill "$(ls "$P"/migrations/versions/*.sql)" "CREATE TABLE t (id INTEGER);" "DROP TABLE t;"
mk db-upgrade
status_is 0
stdout_has UPGRADE
calls_clear
mk db-upgrade
status_is 0
[ "$(cat "$CALLS")" = "revapply -d migrations -q current --exit-code --state-dir .dbrev" ] ||
    fail "calls: $(cat "$CALLS")"

# Installed under a prefix of its own (no DESTDIR), the fragments find
# the tools with no DBREV_BINDIR and nothing on PATH.
tcase "make install prefix=: pkg-config include, tools found without PATH"
install_to install $(dirs "$T/prefix")
status_is 0
mkdir -p "$T/q"
cat >"$T/q/Makefile" <<'EOF'
DATABASE_URL ?= sqlite:app.db
include $(shell pkg-config --variable=mkdir dbrev)/dbrev.mk
all:
	@echo default-goal
EOF
qmake() {
	run env PATH=/usr/bin:/bin PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig" \
	    "$MAKE_CMD" --no-print-directory -C "$T/q" "$@"
}
qmake
status_is 0
stdout_is default-goal
qmake db-init
status_is 0
qmake db-revision M="Create q"
status_is 0
fill "$(ls "$T"/q/migrations/versions/*.sql)" "CREATE TABLE q (id INTEGER);" "DROP TABLE q;"
qmake db-upgrade
status_is 0
stdout_has UPGRADE
run sqlite3 "$T/q/app.db" "select count(*) from sqlite_master where name='q'"
stdout_is 1
qmake db-current V=1
status_is 0
stdout_has "$T/prefix/bin/revapply"

tcase "in a source tree without a build, the tools come from PATH"
mkdir -p "$T/tree/proj"
cp -R "$DBREV_SRCDIR/mk" "$T/tree/mk"
cat >"$T/tree/proj/Makefile" <<'EOF'
DATABASE_URL ?= sqlite:app.db
include ../mk/dbrev.mk
EOF
run "$MAKE_CMD" --no-print-directory -C "$T/tree/proj" db-init V=1
status_is 0
stdout_has 'revgen -d "$DBREV_DIR" init'
stdout_lacks "/revgen"

tcase "in a source tree with a build, the fragments use its build/bin"
mkdir -p "$T/tree/build"
ln -s "$BUILT_BINDIR" "$T/tree/build/bin"
run "$MAKE_CMD" --no-print-directory -C "$T/tree/proj" db-heads V=1
status_is 0
stdout_has "../mk/../build/bin/revorder"

finish
