# tests/lib/chain.sh - revision files and stand-in programs for the shell
# tests; sourced after tests/lib/test.sh.
#
#   revision FILE ID PARENTS MESSAGE UPGRADE [DOWNGRADE]
#       write a revision file as revgen lays it out: the header, a blank
#       line, "-- +upgrade" and UPGRADE (line 6 on), then, when DOWNGRADE
#       is given, a blank line, "-- +downgrade" and DOWNGRADE
#   wrap_program FILE REAL <<EOF ... EOF
#       an executable sh script FILE that answers --version as REAL does
#       (so that it is chosen as that version) and otherwise runs the
#       script read from stdin
#   sum_file FILE
#       a checksum of the file's bytes
#   rev DIR ID "PARENTS" MESSAGE UPGRADE [DOWNGRADE|-] [EXTRA-HEADER]
#       DIR/versions/ID_rev.sql; "-" (or nothing) for no downgrade
#       section; EXTRA-HEADER (e.g. "transaction: none") after the
#       message, which moves UPGRADE from line 6 to line 7

revision() {
	mkdir -p "$(dirname "$1")"
	printf -- '-- revision: %s\n-- parents:%s\n-- message: %s\n\n-- +upgrade\n%s\n' \
	    "$2" "${3:+ $3}" "$4" "$5" >"$1"
	[ $# -lt 6 ] || printf -- '\n-- +downgrade\n%s\n' "$6" >>"$1"
}

wrap_program() {
	{
		echo '#!/bin/sh'
		printf 'case "$1" in --version) exec "%s" --version ;; esac\n' "$2"
		cat
	} >"$1"
	chmod +x "$1"
}

sum_file() { sha256sum "$1" | cut -d' ' -f1; }

rev() {
	mkdir -p "$1/versions"
	{
		echo "-- revision: $2"
		echo "-- parents: $3"
		echo "-- message: $4"
		[ -n "${7:-}" ] && echo "-- $7"
		echo
		echo "-- +upgrade"
		printf '%s\n' "$5"
		if [ "${6:--}" != - ]; then
			echo
			echo "-- +downgrade"
			printf '%s\n' "$6"
		fi
	} >"$1/versions/$2_rev.sql"
}
