# tests/bench/schema_workload.awk - the autogenerate benchmarks' workload,
# one program for both dialects (-v dialect=sqlite|postgres):
# n tables (columns, indexes, a foreign key each) built by 10 revisions in
# dir, the same SQL in one file (all), and in s1 the schema changed in 50
# places (added column, type, NOT NULL, default, dropped index, partial
# index, new tables).
#   awk -v dialect=sqlite -v n=500 -v dir=m/versions -v s1=s1.sql \
#       -v all=revisions.sql -f schema_workload.awk
function t(i) { return sprintf("t%04d", i) }
function table(i, typ, nn, dflt, extra,   s) {
	s = sprintf("CREATE TABLE %s (\n    id %s PRIMARY KEY,\n", t(i), INT)
	if (i > 1)
		s = s sprintf("    parent_id %s REFERENCES %s (id),\n", INT, t(i - 1))
	s = s sprintf("    name %s NOT NULL,\n    qty %s DEFAULT %s,\n" \
	    "    note %s%s,\n    created %s%s\n);\n",
	    TEXT, typ, dflt, TEXT, nn, STAMP, extra)
	return s
}
function indexes(i, skip,   s) {
	s = ""
	if (i > 1)
		s = s sprintf("CREATE INDEX %s_parent ON %s (parent_id);\n", t(i), t(i))
	if (!skip)
		s = s sprintf("CREATE INDEX %s_name ON %s (name, qty);\n", t(i), t(i))
	return s
}
BEGIN {
	if (dialect == "postgres") {
		INT = "integer"; WIDE = "bigint"; TEXT = "text"
		STAMP = "timestamptz DEFAULT now()"
	} else {
		INT = "INTEGER"; WIDE = "REAL"; TEXT = "TEXT"
		STAMP = "TEXT DEFAULT CURRENT_TIMESTAMP"
	}
	per = int(n / 10)
	for (r = 0; r < 10; r++) {
		f = sprintf("%s/r%02d_part.sql", dir, r)
		printf("-- revision: r%02d\n-- parents: %s\n-- message: part %d\n\n" \
		    "-- +upgrade\n", r, r ? sprintf("r%02d", r - 1) : "", r) > f
		for (i = r * per + 1; i <= (r == 9 ? n : (r + 1) * per); i++) {
			printf("%s%s", table(i, INT, "", "0", ""), indexes(i, 0)) > f
			printf("%s%s", table(i, INT, "", "0", ""), indexes(i, 0)) > all
		}
		printf("\n-- +downgrade\n") > f
		close(f)
	}
	# 50 changes, spread over the schema.
	for (i = 1; i <= n; i++) {
		typ = INT; nn = ""; dflt = "0"; extra = ""; skip = 0
		if (i % 10 == 3 && i <= 100) extra = ",\n    added " TEXT
		if (i % 10 == 3 && i > 100 && i <= 200) typ = WIDE
		if (i % 10 == 3 && i > 200 && i <= 250) nn = " NOT NULL DEFAULT \047\047"
		if (i % 10 == 3 && i > 250 && i <= 300) dflt = "1"
		if (i % 10 == 3 && i > 300 && i <= 350) skip = 1
		printf("%s%s", table(i, typ, nn, dflt, extra), indexes(i, skip)) > s1
		if (i % 10 == 7 && i <= 100)
			printf("CREATE INDEX %s_note ON %s (note) WHERE note IS NOT NULL;\n",
			    t(i), t(i)) > s1
	}
	for (i = 1; i <= 5; i++)
		printf("CREATE TABLE extra%d (id %s PRIMARY KEY, t_id %s " \
		    "REFERENCES %s (id), v %s);\n", i, INT, INT, t(i * 10), TEXT) > s1
}
