# The front end the four tools share (tools/front.c): --help, --version,
# usage errors, error chains, one history line format, and dbbackup's
# --backup-dir with its deprecated old spelling --dir.
. "$DBREV_SRCDIR/tests/lib/test.sh"
cd "$T" || exit 1
unset DATABASE_URL DBREV_DIR

for tool in revgen revapply revorder dbbackup; do
	tcase "$tool --version and --help: stdout, exit 0"
	run "$tool" --version
	status_is 0
	stdout_is "$tool dbrev $(sed -n "s/^VERSION[[:space:]]*=[[:space:]]*//p" "$DBREV_SRCDIR/Makefile")"
	stderr_is ""
	run "$tool" --help
	status_is 0
	stdout_has "usage: $tool"
	stderr_is ""

	tcase "$tool: an unknown option is a usage error: exit 2, the synopsis on stderr"
	run "$tool" --no-such-option
	status_is 2
	stderr_has "no-such-option"
	stderr_has "usage: $tool"
	stdout_is ""
done

tcase "a usage error's argument is printed as given: spaces, quotes, \$(, ;, #"
run revapply current 'a b "c" $(x); #d'
status_is 2
stderr_has "revapply: current takes no argument: a b \"c\" \$(x); #d"
run dbbackup --keep "1;2"
status_is 2
stderr_has "dbbackup: --keep wants a whole number of backups, 1 or more, not 1;2"

tcase "an error of the library: one line per entry, 'tool: file: message; hint', exit 2"
run revorder -d "$T/none"
status_is 2
stdout_is ""
[ "$(wc -l <"$ERR")" -ge 1 ] || fail "no message"
grep -qv '^revorder: ' "$ERR" && fail "a line without the tool's name"

# History: revorder --history and revapply history (no database) print
# the same lines, written once (dbrev_graph_history_line).
mkdir -p m/versions
printf -- '-- revision: aa01\n-- message: first; with $(x) and #\n\n-- +upgrade\nSELECT 1;\n-- +downgrade\nSELECT 1;\n' >m/versions/0001_a.sql
printf -- '-- revision: bb01\n-- parents: aa01\n-- message: second\n\n-- +upgrade\nSELECT 1;\n-- +downgrade\nSELECT 1;\n' >m/versions/0002_b.sql
printf -- '-- revision: cc01\n-- parents: aa01\n-- message: third\n\n-- +upgrade\nSELECT 1;\n-- +downgrade\nSELECT 1;\n' >m/versions/0003_c.sql
printf -- '-- revision: dd01\n-- parents: bb01 cc01\n-- message: merge\n\n-- +upgrade\nSELECT 1;\n-- +downgrade\nSELECT 1;\n' >m/versions/0004_d.sql

tcase "history: revorder --history and revapply history print the same lines"
run revorder -d m --history
status_is 0
stdout_is "bb01, cc01 -> dd01 (head) (mergepoint), merge
aa01 -> cc01, third
aa01 -> bb01, second
<base> -> aa01 (branchpoint), first; with \$(x) and #"
cp "$OUT" revorder.out
run revapply -d m history
status_is 0
cmp -s "$OUT" revorder.out || fail "revapply history differs: $(cat "$OUT")"

tcase "history with a database: the marks after the kinds, before the message"
run revapply -d m -u "sqlite:$T/app.db" upgrade bb01
status_is 0
run revapply -d m -u "sqlite:$T/app.db" history
status_is 0
stdout_has "aa01 -> bb01 (current), second"
stdout_has "<base> -> aa01 (branchpoint) [applied], first; with \$(x) and #"

# dbbackup: -d is the migrations directory as in the other tools; the
# backup directory is --backup-dir, and --dir still names it.
sqlite3 app2.db 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'

tcase "dbbackup --backup-dir names the backup directory"
run dbbackup -q -u "sqlite:$T/app2.db" --backup-dir "$T/b k;\$(x)"
status_is 0
stderr_is ""
case $(cat "$OUT") in
"$T/b k;\$(x)/app2-"*.sqlite3) ;;
*) fail "backup not in --backup-dir: $(cat "$OUT")" ;;
esac
[ -f "$(cat "$OUT")" ] || fail "no file at the printed path"

tcase "dbbackup --dir, the old spelling, still works, silently in a script"
run dbbackup -u "sqlite:$T/app2.db" --dir "$T/old"
status_is 0
stderr_is ""
case $(cat "$OUT") in "$T/old/app2-"*) ;; *) fail "not in --dir: $(cat "$OUT")" ;; esac
run dbbackup -u "sqlite:$T/app2.db" --list --dir "$T/old"
status_is 0
stdout_has "$T/old/app2-"

tcase "dbbackup --dir says it is deprecated where a person reads stderr"
if script -qec true /dev/null >/dev/null 2>&1; then
	script -qec "dbbackup -u 'sqlite:$T/app2.db' --dir '$T/old2'" /dev/null >tty.out 2>&1 </dev/null
	grep -q "dbbackup: --dir is deprecated, write --backup-dir" tty.out ||
		fail "no deprecation line on a terminal: $(cat tty.out)"
	script -qec "dbbackup -q -u 'sqlite:$T/app2.db' --dir '$T/old3'" /dev/null >tty.out 2>&1 </dev/null
	grep -q "deprecated" tty.out && fail "-q printed the deprecation line"
	script -qec "dbbackup -u 'sqlite:$T/app2.db' --backup-dir '$T/new2'" /dev/null >tty.out 2>&1 </dev/null
	grep -q "deprecated" tty.out && fail "--backup-dir printed the deprecation line"
else
	skip "dbbackup --dir on a terminal" "script(1) cannot open a pseudo-terminal here"
fi

tcase "dbbackup -d is the migrations directory: it names the revision"
mkdir -p mig/versions
printf -- '-- revision: ab12\n-- message: m\n\n-- +upgrade\nCREATE TABLE u (y);\n-- +downgrade\nDROP TABLE u;\n' >mig/versions/0001_ab.sql
run revapply -d mig -u "sqlite:$T/app3.db" upgrade
status_is 0
run dbbackup -q -d mig -u "sqlite:$T/app3.db" --backup-dir "$T/b3"
status_is 0
case $(cat "$OUT") in *-ab12.sqlite3) ;; *) fail "revision not in the name: $(cat "$OUT")" ;; esac

tcase "an empty --backup-dir or --dir is a usage error"
run dbbackup -u "sqlite:$T/app2.db" --backup-dir ""
status_is 2
stderr_has "wants a directory"
run dbbackup -u "sqlite:$T/app2.db" --dir ""
status_is 2

finish
