# tests/bench/chain_workload.awk - the revapply benchmarks' workload, one
# program for both dialects (-v dialect=sqlite|postgres): a chain of n
# revisions in dir, each creating a table and inserting 20 rows, every
# 10th also altering an earlier table and adding an index; and the same
# SQL as the baseline scripts up and down, one BEGIN/COMMIT and one
# tracking-row INSERT (DELETE) per revision, the least any tool must do.
#   awk -v dialect=sqlite -v n=1000 -v dir=m/versions -v up=up.sql \
#       -v down=down.sql -f chain_workload.awk
function rid(i) { return sprintf("r%05d", i) }
BEGIN {
	if (dialect == "postgres") {
		INT = "integer"; TEXT = "text"; STAMP = "timestamptz"
		NOW = "now()"
	} else {
		INT = "INTEGER"; TEXT = "TEXT"; STAMP = "TEXT"
		NOW = "CURRENT_TIMESTAMP"
	}
	print "CREATE TABLE bench_tracking (revision text PRIMARY KEY, " \
	    "applied_at " STAMP " NOT NULL DEFAULT " NOW ");" > up
	for (i = 1; i <= n; i++) {
		u = sprintf("CREATE TABLE t%05d (\n    id %s PRIMARY KEY,\n" \
		    "    name %s NOT NULL,\n    qty %s NOT NULL DEFAULT 0\n);\n",
		    i, INT, TEXT, INT)
		u = u sprintf("INSERT INTO t%05d (id, name, qty) VALUES\n", i)
		for (k = 1; k <= 20; k++)
			u = u sprintf("    (%d, %s, %d)%s\n", k, "\047row " k "\047",
			    k * i, k < 20 ? "," : ";")
		d = sprintf("DROP TABLE t%05d;\n", i)
		if (i % 10 == 0) {
			j = i - 5
			u = u sprintf("ALTER TABLE t%05d ADD COLUMN note_%d %s;\n",
			    j, i, TEXT)
			u = u sprintf("CREATE INDEX t%05d_qty_%d ON t%05d (qty);\n", j, i, j)
			d = sprintf("DROP INDEX t%05d_qty_%d;\n", j, i) \
			    sprintf("ALTER TABLE t%05d DROP COLUMN note_%d;\n", j, i) d
		}
		f = sprintf("%s/%s_step_%d.sql", dir, rid(i), i)
		par = i > 1 ? rid(i - 1) : ""
		printf("-- revision: %s\n-- parents: %s\n-- message: step %d\n" \
		    "-- created: 2026-01-01T00:00:00Z\n\n-- +upgrade\n%s\n" \
		    "-- +downgrade\n%s", rid(i), par, i, u, d) > f
		close(f)
		printf("BEGIN;\n%sINSERT INTO bench_tracking (revision) " \
		    "VALUES (\047%s\047);\nCOMMIT;\n", u, rid(i)) > up
		down_txt[i] = sprintf("BEGIN;\n%sDELETE FROM bench_tracking " \
		    "WHERE revision = \047%s\047;\nCOMMIT;\n", d, rid(i))
	}
	for (i = n; i >= 1; i--)
		printf "%s", down_txt[i] > down
}
