# Knob values are text, never make or shell syntax (issue 11, part 2):
# DATABASE_URL, DB_DIR, DB_SCHEMA, DB_BACKUP_DIR, DB_STATE_DIR and DB_TABLE
# holding '$(shell ...)', backticks, ';', quotes, '#' and a '$' in a
# password, given in the environment, on make's command line and in the
# including Makefile, through the installed fragments, on SQLite and
# PostgreSQL.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/mk/helpers.inc"

install_fragments

# The text each knob holds.  In a Makefile its author writes it as make
# syntax: '$$' for '$', '\#' for '#'.
W='a b$(shell touch PWNED1)`touch PWNED2`;touch PWNED3;'"'"'q"#h$d'
mkesc() { printf '%s' "$1" | sed -e 's/\$/$$/g' -e 's/#/\\#/g'; }

pwned() {
	[ -z "$(find "$T" -name 'PWNED*' 2>/dev/null)" ] ||
	    fail "a command ran: $(find "$T" -name 'PWNED*')"
}

# knob_project DIR SRC NAME=VALUE...: a project whose knobs come from
# SRC (env, cmdline or makefile); kmake ARGS... runs make on it.
knob_project() {
	P=$1 KSRC=$2
	shift 2
	KNOBS=("$@")
	mkdir -p "$P"
	{
		if [ "$KSRC" = makefile ]; then
			for kv in "${KNOBS[@]}"; do
				printf '%s = %s\n' "${kv%%=*}" "$(mkesc "${kv#*=}")"
			done
		fi
		printf 'include %s\n\n' "$INSTMK"
		printf 'all:\n\t@echo default-goal\n'
		printf 'env-knobs:\n\t@printf "%%s|%%s\\n" "$$DATABASE_URL" "$$DB_DIR"\n'
		printf '.PHONY: all env-knobs\n'
	} >"$P/Makefile"
}
kmake() {
	case $KSRC in
	env)	run env "${KNOBS[@]}" "$MAKE_CMD" --no-print-directory -C "$P" "$@" ;;
	cmdline) run "$MAKE_CMD" --no-print-directory -C "$P" "$@" "${KNOBS[@]}" ;;
	*)	run "$MAKE_CMD" --no-print-directory -C "$P" "$@" ;;
	esac
}

for src in env cmdline makefile; do
	knob_project "$T/s-$src" $src "DATABASE_URL=sqlite:db $W.db" \
	    "DB_DIR=dir $W" "DB_STATE_DIR=state $W" "DB_BACKUP_DIR=backups $W" \
	    "DB_SCHEMA=schema $W.sql"

	tcase "sqlite, knobs from $src: the project's own goal, db-init, db-revision"
	kmake
	status_is 0
	stdout_is default-goal
	kmake db-init
	status_is 0
	[ -d "$P/dir $W/versions" ] || fail "no '$P/dir $W/versions': $(ls "$P")"
	kmake db-revision M="first"
	status_is 0
	f=$(ls "$P/dir $W/versions/"*_first.sql 2>/dev/null)
	[ -f "$f" ] || fail "no revision"
	fill "$f" "CREATE TABLE t (id INTEGER);" "DROP TABLE t;"
	pwned

	tcase "sqlite, knobs from $src: db-upgrade makes the database named, then does nothing"
	kmake db-upgrade
	status_is 0
	stdout_has UPGRADE
	[ -f "$P/db $W.db" ] || fail "no database '$P/db $W.db': $(ls "$P")"
	settle
	kmake db-upgrade
	status_is 0
	stdout_is ""
	[ -d "$P/state $W" ] || fail "no state directory '$P/state $W': $(ls "$P")"
	[ ! -e "$P/.dbrev" ] || fail ".dbrev used instead of DB_STATE_DIR"
	pwned

	tcase "sqlite, knobs from $src: db-backup, db-check, db-current, db-help see the text as it is"
	kmake db-backup
	status_is 0
	[ -n "$(ls "$P/backups $W" 2>/dev/null)" ] || fail "nothing in '$P/backups $W'"
	kmake db-check
	stderr_has "no schema $W.sql: the schema comparison is skipped"
	kmake db-current
	status_is 0
	stdout_has "(head)"
	kmake db-help
	status_is 0
	stdout_has "DB_DIR=dir $W"
	kmake V=1 db-current
	status_is 0
	pwned

	tcase "sqlite, knobs from $src: the project's recipes get the same text in their environment"
	kmake env-knobs
	status_is 0
	if [ $src = makefile ]; then
		# Its author's DB_DIR is not exported (make's rule); the URL
		# is, for the tools.
		stdout_is "sqlite:db $W.db|"
	else
		stdout_is "sqlite:db $W.db|dir $W"
	fi
	pwned
done

tcase "DB_TABLE that is not a table name: refused by revapply, nothing run"
knob_project "$T/s-table" cmdline "DATABASE_URL=sqlite:app.db" "DB_TABLE=$W"
kmake db-init
kmake db-upgrade
status_is 2
stderr_has "bad --table name"
[ ! -e "$P/app.db" ] || fail "the database was created"
pwned

for src in env cmdline makefile; do
	tcase "DB_LOCK_TIMEOUT, DB_STATEMENT_TIMEOUT, DB_RETRIES from $src reach revapply as text: refused when not a value, nothing run"
	for k in DB_LOCK_TIMEOUT DB_STATEMENT_TIMEOUT DB_RETRIES; do
		knob_project "$T/s-$k-$src" $src "DATABASE_URL=sqlite:app.db" "$k=$W"
		kmake db-init
		kmake db-revision M=first
		kmake db-upgrade
		status_is 2
		case $k in
		DB_LOCK_TIMEOUT) stderr_has "bad --statement-lock-timeout (500ms, 10s, 2min, 1h; 0: no limit): $W" ;;
		DB_STATEMENT_TIMEOUT) stderr_has "bad --statement-timeout (500ms, 10s, 2min, 1h; 0: no limit): $W" ;;
		*) stderr_has "bad --retries (0 to 100): $W" ;;
		esac
		[ ! -e "$P/app.db" ] || fail "the database was created"
		pwned
	done

	tcase "DB_LOCK_TIMEOUT, DB_STATEMENT_TIMEOUT, DB_RETRIES from $src: good values pass to the runs that apply revisions"
	knob_project "$T/s-to-$src" $src "DATABASE_URL=sqlite:app.db" \
	    "DB_LOCK_TIMEOUT=1.5s" "DB_STATEMENT_TIMEOUT=2min" "DB_RETRIES=4" \
	    "DB_BACKUP=no"
	kmake db-init
	kmake db-revision M=first
	kmake V=1 db-upgrade
	status_is 0
	stdout_has ' --statement-lock-timeout "$DBREV_LOCK_TIMEOUT" --statement-timeout "$DBREV_STATEMENT_TIMEOUT" --retries "$DBREV_RETRIES" upgrade'
	kmake V=1 db-downgrade
	status_is 0
	stdout_has ' --statement-lock-timeout "$DBREV_LOCK_TIMEOUT" --statement-timeout "$DBREV_STATEMENT_TIMEOUT" --retries "$DBREV_RETRIES" -- downgrade'
	kmake db-help
	stdout_has "DB_LOCK_TIMEOUT=1.5s DB_STATEMENT_TIMEOUT=2min DB_RETRIES=4"
	pwned
done

if ! pg_available; then
	skip "knobs on PostgreSQL" "${DBREV_TEST_PG_SKIP:-no private PostgreSQL}"
	finish
fi

# The trust cluster ignores passwords: this one must only stay unseen.
PW='Xy$(9k`touch PWNED4`;'"'"'#$q'
n=0
for src in env cmdline makefile; do
	for form in uri keywords; do
		n=$((n + 1))
		db=dbrev_mk_knobs_$n
		pg_newdb $db >/dev/null || fail "cannot create $db"
		if [ $form = uri ]; then
			url="postgresql://$PGUSER:$PW@/$db?host=$PGHOST&port=$PGPORT"
		else
			pwq=$(printf '%s' "$PW" | sed "s/[\\\\']/\\\\&/g")
			url="host=$PGHOST port=$PGPORT dbname=$db user=$PGUSER password='$pwq'"
		fi
		knob_project "$T/p-$n" $src "DATABASE_URL=$url" "DB_DIR=dir $W" \
		    "DB_TABLE=versions_$n" "DB_STATE_DIR=state $W" \
		    "DB_BACKUP_DIR=backups $W"

		tcase "postgresql ($form), knobs from $src: a '\$(' in the password, upgrade, nothing to do, never shown"
		kmake
		status_is 0
		stdout_is default-goal
		kmake db-init
		kmake db-revision M="first"
		f=$(ls "$P/dir $W/versions/"*_first.sql 2>/dev/null)
		fill "$f" "CREATE TABLE t (id bigint);" "DROP TABLE t;"
		kmake db-upgrade
		status_is 0
		stdout_has UPGRADE
		all=$(cat "$OUT" "$ERR")
		run psql -X -At -d $db -c "select count(*) from versions_$n"
		stdout_is 1
		kmake db-upgrade V=1
		status_is 0
		all="$all$(cat "$OUT" "$ERR")"
		kmake db-current
		status_is 0
		stdout_has "(head)"
		kmake db-help
		all="$all$(cat "$OUT" "$ERR")"
		case $all in *Xy*|*9k*) fail "the password was shown: $all" ;; esac
		[ -z "$(find "$P" -name '*9k*')" ] || fail "a file is named after the password"
		! grep -rq '9k' "$P/state $W" || fail "the password is in the state directory"
		pwned
	done
done

finish
