# tests/lib/squash.sh - the revgen squash cases, run on SQLite by
# tests/cli/squash.sh and on PostgreSQL by tests/cli/squash_postgres.sh
# (ADB=sqlite or postgresql; sourced after tests/lib/test.sh, in $T).
#
# A 300-revision history (tables, added columns, indexes, views, dropped
# indexes, data with ';' and quotes) is squashed at 200.  A fresh
# database built from the squashed history has the schema of one built
# from the original, and revgen check agrees; databases at 50, 200 and
# 250 reach head (50 after the message, with the old files); --keep-data
# keeps the rows; --delete; refusals.
unset DBREV_DIR DATABASE_URL

P=squash_
if [ "$ADB" = sqlite ]; then
	url() { printf 'sqlite:%s/%s.db\n' "$T" "$1"; }
	newdb() { rm -f "$T/$1.db"; url "$1"; }
	dbcopy() { cp "$T/$1.db" "$T/$2.db"; }
	q() { sqlite3 -bail "$T/$1.db" "$2"; }
	# schema DB: what SQLite says of each table, index and view, from
	# its pragmas (independent of how the CREATE text is spelled).
	schema() {
		q "$1" "SELECT 'col', m.name, p.name, p.type, p.\"notnull\",
		        coalesce(p.dflt_value, ''), p.pk
		    FROM sqlite_master m, pragma_table_info(m.name) p
		    WHERE m.type = 'table' AND m.name <> 'dbrev_revisions'
		    UNION ALL
		    SELECT 'idx', m.name, il.name, il.\"unique\", ii.seqno, ii.name, ''
		    FROM sqlite_master m, pragma_index_list(m.name) il,
		        pragma_index_info(il.name) ii
		    WHERE m.type = 'table' AND m.name <> 'dbrev_revisions'
		    UNION ALL
		    SELECT 'view', name, '', '', '', '', '' FROM sqlite_master
		    WHERE type = 'view'
		    ORDER BY 1, 2, 3, 5"
	}
	dump_schema() { sqlite3 "$T/$1.db" .schema >"$2"; }
else
	url() { printf 'postgresql:///%s%s?host=%s&port=%s&user=%s\n' "$P" "$1" "$PGHOST" "$PGPORT" "$PGUSER"; }
	newdb() { pg_newdb "$P$1" || { echo "cannot create database $1" >&2; exit 1; }; }
	dbcopy() {
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$P$2\"" \
		    -c "CREATE DATABASE \"$P$2\" TEMPLATE \"$P$1\"" >/dev/null
	}
	q() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$P$1" -c "$2"; }
	schema() {
		pg_dump -s -x -O -T dbrev_revisions -d "$P$1" |
		    grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog' -e '^$' -e '^\\'
	}
	dump_schema() { pg_dump -s -x -O -T dbrev_revisions -d "$P$1" >"$2"; }
fi
rows() { q "$1" "SELECT revision FROM dbrev_revisions ORDER BY revision" | tr '\n' ' '; }
# data DB: every row of the tables that received data.
data() {
	for _t in $(seq 1 4 197); do
		q "$1" "SELECT '$_t', id, v FROM t_$_t ORDER BY id"
	done
}

# hist DIR N: a linear history r1..rN.
hist() {
	rm -rf "$1"
	revgen -q -d "$1" init >/dev/null
	_prev=
	_i=1
	while [ "$_i" -le "$2" ]; do
		case $((_i % 4)) in
		1) _up="CREATE TABLE t_$_i (id INTEGER PRIMARY KEY, v TEXT NOT NULL DEFAULT 'd;''q');" ;;
		2) _up="ALTER TABLE t_$((_i - 1)) ADD COLUMN c_$_i INTEGER;" ;;
		3) _up="CREATE INDEX ix_$_i ON t_$((_i - 2)) (v);" ;;
		0) _up="INSERT INTO t_$((_i - 3)) (id, v) VALUES ($_i, 'row ; $_i it''s');"
		   [ $((_i % 20)) = 0 ] && _up="$_up
CREATE VIEW v_$_i AS SELECT id, v FROM t_$((_i - 3));"
		   [ $((_i % 40)) = 0 ] && _up="$_up
DROP INDEX ix_$((_i - 37));" ;;
		esac
		printf -- '-- revision: r%s\n-- parents:%s\n-- message: step %s\n\n-- +upgrade\n%s\n' \
		    "$_i" "${_prev:+ r$_prev}" "$_i" "$_up" >"$1/versions/r${_i}_step.sql"
		_prev=$_i
		_i=$((_i + 1))
	done
}

hist orig 300
# Databases at 50, 200 and 250, and one at head, built by the original.
newdb a >/dev/null
revapply -q -d orig -u "$(url a)" upgrade r50 && dbcopy a at50 &&
revapply -q -d orig -u "$(url a)" upgrade r200 && dbcopy a at200 &&
revapply -q -d orig -u "$(url a)" upgrade r250 && dbcopy a at250 &&
revapply -q -d orig -u "$(url a)" upgrade || echo "# building the databases failed" >&2

tcase "$ADB: squash a 300-revision history at 200"
cp -r orig sq
run revgen -d sq -u "$(url a)" squash --upto r200 -m 'Baseline; $(x) "at" 200'
status_is 0
base=$(cat "$OUT")
[ -f "$base" ] || fail "no baseline file: $base"
stderr_has "squashed 200 revisions (r1 to r200) into baseline"
[ "$(ls sq/versions/squashed | wc -l)" = 200 ] || fail "squashed/: $(ls sq/versions/squashed | wc -l)"
[ "$(ls sq/versions/*.sql | wc -l)" = 101 ] || fail "left: $(ls sq/versions/*.sql | wc -l)"
grep -qx -- '-- replaces: r1 r200' "$base" || fail "$(head -8 "$base")"
grep -qx -- '-- message: Baseline; $(x) "at" 200' "$base" || fail "$(head -8 "$base")"
grep -qx -- '-- parents:' "$base" || fail "$(head -8 "$base")"
bid=$(sed -n 's/^-- revision: //p' "$base")
grep -qx -- "-- parents: $bid" sq/versions/r201_step.sql || fail "$(head -3 sq/versions/r201_step.sql)"
cmp -s <(sed 1,3d orig/versions/r201_step.sql) <(sed 1,3d sq/versions/r201_step.sql) ||
	fail "r201 changed beyond its parents line"

tcase "$ADB: the squashed history is valid; revgen check finds it builds the original schema"
run revorder -d sq --check
status_is 0
dump_schema a want.sql
run revgen -d sq -u "$(url a)" check --schema want.sql
status_is 0

tcase "$ADB: a fresh database from the squashed history has the original's schema"
newdb fresh >/dev/null
run revapply -d sq -u "$(url fresh)" upgrade
status_is 0
stderr_has "upgraded 101 revisions to r300"
[ -n "$(schema a)" ] || fail "empty schema"
[ "$(schema fresh)" = "$(schema a)" ] || fail "schemas differ: $(diff <(schema a) <(schema fresh) | head -20)"

tcase "$ADB: a database at 200 takes the baseline as applied and goes on"
run revapply -d sq -u "$(url at200)" upgrade
status_is 0
stderr_has "upgraded 100 revisions to r300"
[ "$(schema at200)" = "$(schema a)" ] || fail "schemas differ"
[ "$(rows at200 | wc -w)" = 101 ] || fail "rows: $(rows at200 | wc -w)"
case " $(rows at200)" in *" r1 "*|*" r200 "*) fail "replaced rows kept" ;; esac
case " $(rows at200)" in *" $bid "*) ;; *) fail "no baseline row" ;; esac
run revapply -d sq -u "$(url at200)" upgrade
status_is 0
stderr_has "nothing to do"

tcase "$ADB: a database at 250 reaches head"
run revapply -d sq -u "$(url at250)" current
status_is 0
stdout_has "r250"
run revapply -d sq -u "$(url at250)" upgrade
status_is 0
stderr_has "upgraded 50 revisions to r300"
[ "$(schema at250)" = "$(schema a)" ] || fail "schemas differ"

tcase "$ADB: a database at 50 is told to upgrade to r200 with the old files, changing nothing"
run revapply -d sq -u "$(url at50)" upgrade
status_is 1
[ "$(wc -l <"$ERR")" = 1 ] || fail "not one line: $(cat "$ERR")"
stderr_has "the database is partway through the revisions that baseline $bid replaces (r1 to r200)"
stderr_has "upgrade it to r200 with the files as they were before the squash first"
[ "$(rows at50 | wc -w)" = 50 ] || fail "rows changed"
mkdir old
cp -r sq/versions/squashed old/versions
run revapply -q -d old -u "$(url at50)" upgrade r200
status_is 0
run revapply -d sq -u "$(url at50)" upgrade
status_is 0
stderr_has "upgraded 100 revisions to r300"
[ "$(schema at50)" = "$(schema a)" ] || fail "schemas differ"

tcase "$ADB: --keep-data keeps the range's data statements, in order"
cp -r orig sqd
run revgen -q -d sqd -u "$(url a)" squash --upto r200 -m kept --keep-data
status_is 0
grep -q "row ; 4 it''s" "$(cat "$OUT")" || fail "no data in $(cat "$OUT")"
newdb freshd >/dev/null
revapply -q -d sqd -u "$(url freshd)" upgrade
[ -n "$(data a)" ] || fail "no data"
[ "$(data freshd)" = "$(data a)" ] || fail "data differ: $(diff <(data a) <(data freshd) | head)"
[ -z "$(data fresh)" ] || fail "data without --keep-data"

tcase "$ADB: --delete deletes the squashed files"
cp -r orig sqx
run revgen -q -d sqx -u "$(url a)" squash --upto r10 -m x --delete
status_is 0
[ ! -e sqx/versions/squashed ] || fail "squashed/ made"
[ "$(ls sqx/versions/*.sql | wc -l)" = 291 ] || fail "left: $(ls sqx/versions/*.sql | wc -l)"

tcase "$ADB: a revision resting on the middle of the range is refused, nothing written"
cp -r orig sqb
printf -- '-- revision: side\n-- parents: r100\n-- message: side\n\n-- +upgrade\nSELECT 1;\n' >sqb/versions/side.sql
run revgen -d sqb -u "$(url a)" squash --upto r200 -m x
status_is 2
stderr_has "sqb/versions/side.sql:2: revision side rests on r100, which the squash up to r200 would replace"
[ ! -e sqb/versions/squashed ] || fail "files moved"
diff -r orig/versions sqb/versions | grep -v side.sql | grep -q . && fail "changed"

tcase "$ADB: a replaced revision put back beside its baseline is an error naming both"
cp orig/versions/r1_step.sql sq/versions/
run revorder -d sq --check
status_is 2
stderr_has "revision 'r1' is in the directory, but baseline '$bid'"
rm sq/versions/r1_step.sql
