# tests/cli/autogen_sqlite.sh - revgen --autogenerate and revgen check on SQLite,
# as a user types them, with revapply applying what was written.
. "$DBREV_SRCDIR/tests/lib/test.sh"
. "$DBREV_SRCDIR/tests/lib/chain.sh"

cd "$T" || exit 1
M=$T/migrations
# The database DATABASE_URL names must never be opened: it lives in a
# directory that does not exist, and a second one must stay absent.
export DATABASE_URL="sqlite:$T/nodir/app.db"
newest() { ls -t "$M"/versions/*.sql | head -n 1; }
upgrade_of() { sed '/^-- +downgrade/q' "$1"; }
count() { ls "$M"/versions/*.sql 2>/dev/null | wc -l | tr -d ' '; }

run revgen -d "$M" init
cat >schema.sql <<'EOF'
CREATE TABLE authors (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE books (
    id        INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    title     TEXT NOT NULL
);
CREATE INDEX books_author ON books (author_id);
CREATE VIEW titles AS SELECT a.name, b.title FROM books b JOIN authors a ON a.id = b.author_id;
EOF

tcase "autogenerate writes the first revision and prints its path"
run revgen -d "$M" -m "initial schema" --autogenerate --schema schema.sql
status_is 0
stdout_has "$M/versions/"
[ "$(count)" = 1 ] || fail "expected 1 revision, found $(count)"
grep -q "CREATE TABLE authors" "$(newest)" || fail "no CREATE TABLE authors"
grep -q "^-- +downgrade" "$(newest)" || fail "no downgrade section"
[ ! -e "$T/nodir" ] || fail "the DATABASE_URL directory was created"

tcase "check passes when the revisions build the schema"
run revgen -d "$M" check --schema schema.sql
status_is 0

tcase "no changes: says so, writes nothing, exits 0"
run revgen -d "$M" -m "nothing" --autogenerate --schema schema.sql
status_is 0
stderr_has "No changes in schema detected."
[ "$(count)" = 1 ] || fail "a revision was written"

tcase "the revision applies with revapply"
run revapply -u "sqlite:$T/app.db" upgrade
status_is 0
sqlite3 "$T/app.db" "INSERT INTO authors VALUES (1, 'ann'), (2, 'bob');
    INSERT INTO books VALUES (10, 1, 'first'), (11, 2, 'second');"

# Rename a column (hint), rebuild a referenced table, add a column.
cat >schema.sql <<'EOF'
-- dbrev: rename authors.name -> full_name
CREATE TABLE authors (
    id        INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    born      INTEGER CHECK (born > 0)
);
CREATE TABLE books (
    id        INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    title     TEXT NOT NULL COLLATE NOCASE
);
CREATE INDEX books_author ON books (author_id);
CREATE VIEW titles AS SELECT a.full_name, b.title FROM books b JOIN authors a ON a.id = b.author_id;
EOF

tcase "check lists the differences and exits 1"
run revgen -d "$M" check --schema schema.sql
status_is 1
stdout_has "rename column authors.name to full_name"
stdout_has "add column authors.born"
stdout_has "alter column books.title: collation (none) -> nocase"
stderr_has "do not build this schema"

tcase "autogenerate: renames with the hint, rebuilds outside a transaction"
run revgen -d "$M" -m "authors full name" --autogenerate --schema schema.sql
status_is 0
R2=$(cat "$OUT")
grep -q "^-- transaction: none" "$R2" || fail "not marked transaction: none"
grep -q "RENAME COLUMN name TO full_name" "$R2" || fail "no RENAME COLUMN"
grep -q "PRAGMA foreign_keys = OFF" "$R2" || fail "foreign keys not turned off"
! upgrade_of "$R2" | grep -q "WARNING: drops data" ||
	fail "the upgrade is flagged as losing data"
stderr_lacks "drops data"

tcase "upgrade keeps the rows (and the cascade does not fire)"
run revapply -u "sqlite:$T/app.db" upgrade
status_is 0
[ "$(sqlite3 "$T/app.db" "SELECT full_name FROM authors ORDER BY id")" = "ann
bob" ] || fail "authors rows lost"
[ "$(sqlite3 "$T/app.db" "SELECT count(*) FROM books")" = 2 ] ||
	fail "book rows lost"
[ "$(sqlite3 "$T/app.db" "SELECT count(*) FROM pragma_foreign_key_check")" = 0 ] ||
	fail "foreign_key_check not clean"

tcase "check passes after the upgrade revision"
run revgen -d "$M" check --schema schema.sql
status_is 0

tcase "downgrade renames back and keeps the rows"
run revapply -u "sqlite:$T/app.db" downgrade
status_is 0
[ "$(sqlite3 "$T/app.db" "SELECT name FROM authors ORDER BY id")" = "ann
bob" ] || fail "rows lost on downgrade"
run revapply -u "sqlite:$T/app.db" upgrade
status_is 0

tcase "a drop without a hint is flagged as losing data"
sed -e '/born/d' -e 's/full_name TEXT NOT NULL,/full_name TEXT NOT NULL/' \
    schema.sql >schema2.sql
run revgen -d "$M" -m "drop born" --autogenerate --schema schema2.sql
status_is 0
stderr_has "drops data: column authors.born"
upgrade_of "$(cat "$OUT")" | grep -q -- "-- WARNING: drops data" ||
	fail "no WARNING comment in the upgrade"
rm -f "$(cat "$OUT")"

tcase "--rename on the command line"
sed -e 's/TABLE authors/TABLE writers/' -e 's/REFERENCES authors/REFERENCES writers/' \
    -e 's/JOIN authors/JOIN writers/' -e '/dbrev: rename/d' schema.sql >schema3.sql
run revgen -d "$M" -m "writers" --autogenerate --schema schema3.sql \
    --rename "table authors->writers"
status_is 0
R3=$(cat "$OUT")
grep -q "ALTER TABLE authors RENAME TO writers" "$R3" || fail "no table rename"
! upgrade_of "$R3" | grep -q "DROP TABLE" || fail "dropped a table"
rm -f "$R3"

tcase "a schema file that does not load names file:line; nothing written"
n=$(count)
printf 'CREATE TABLE a (x);\n\nCREATE TABLE b (\n  y INTEGR,,\n);\n' >bad.sql
run revgen -d "$M" -m "bad" --autogenerate --schema bad.sql
status_is 2
stderr_has "bad.sql:3:"
stderr_has "syntax error"
[ "$(count)" = "$n" ] || fail "a revision was written"
run revgen -d "$M" check --schema bad.sql
status_is 2
stderr_has "bad.sql:3:"

tcase "a revision that fails to replay names its file and line"
revision "$T/m2/versions/aaa_one.sql" aaa "" one \
    "CREATE TABLE t (x);
INSERT INTO missing VALUES (1);" "DROP TABLE t;"
run revgen -d "$T/m2" check --schema schema.sql
status_is 2
stderr_has "aaa_one.sql:7:"
stderr_has "no such table: missing"
run revgen -d "$T/m2" -m x --autogenerate --schema schema.sql
status_is 2
[ "$(ls "$T/m2/versions" | wc -l | tr -d ' ')" = 1 ] || fail "a revision was written"
stderr_lacks "assumed SQLite"
# Without DATABASE_URL, say that SQLite was assumed (PostgreSQL revisions fail oddly).
run env -u DATABASE_URL revgen -d "$T/m2" check --schema schema.sql
status_is 2
stderr_has "aaa_one.sql:7:"
stderr_has "no DATABASE_URL, so autogenerate assumed SQLite"

tcase "names longer than any fixed buffer are written whole"
# SQLite takes identifiers of any length; a cut name would drop or
# rename the wrong column.
L=$(printf '%01100d' 0 | tr 0 b)
revgen -d "$T/long" init >/dev/null 2>&1
printf 'CREATE TABLE "t %s" (id INTEGER PRIMARY KEY, c_%s TEXT, d TEXT);\n' \
    "$L" "$L" >long0.sql
printf 'CREATE TABLE "t %s" (id INTEGER PRIMARY KEY, e_%s TEXT, d2 TEXT);\n' \
    "$L" "$L" >long1b.sql
run revgen -d "$T/long" -m one --autogenerate --schema long0.sql
status_is 0
run revgen -d "$T/long" -m two --autogenerate --schema long1b.sql
status_is 0
stderr_lacks "self-check"
grep -qF "DROP COLUMN c_$L;" "$(cat "$OUT")" || fail "DROP COLUMN cut"
run revapply -d "$T/long" -u "sqlite:$T/long.db" upgrade
status_is 0
run revapply -d "$T/long" -u "sqlite:$T/long.db" downgrade base
status_is 0
run revgen -d "$T/long" check --schema long1b.sql
status_is 0

# A schema file written by `sqlite3 DB .schema` of a rich database: it
# holds CREATE TABLE sqlite_sequence / sqlite_stat1 (SQLite refuses to
# create them), FTS5 shadow tables, the shell's /* view(cols) */
# comments, and IF NOT EXISTS before quoted names.
dot_objects() {
	sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_schema
	    WHERE name NOT LIKE 'sqlite_stat%' AND name NOT IN ('dbrev_revisions',
	    'sqlite_autoindex_dbrev_revisions_1') ORDER BY type, name"
}
sqlite3 "$T/rich.db" <<'EOF'
CREATE TABLE "Customers" (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT UNIQUE);
CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES "Customers"(id) ON DELETE CASCADE,
    total REAL CHECK (total >= 0), note TEXT DEFAULT 'a;b -- c');
CREATE INDEX orders_customer ON orders(customer_id);
CREATE UNIQUE INDEX "orders by note" ON orders(note) WHERE note IS NOT NULL;
CREATE TABLE "line items" ("order id" INTEGER REFERENCES orders(id), "unit price" REAL, qty INTEGER, amount REAL AS ("unit price" * qty));
CREATE TABLE docs (title TEXT, body TEXT);
CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs');
CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN
  INSERT INTO docs_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN
  INSERT INTO docs_fts(docs_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE VIEW customer_totals AS SELECT c.name, sum(o.total) AS total
    FROM "Customers" c JOIN orders o ON o.customer_id = c.id GROUP BY c.id;
CREATE VIEW "it's" AS SELECT 1 AS "x;y";
INSERT INTO "Customers" (name, email) VALUES ('ann', 'a@x'), ('bob', 'b@x');
INSERT INTO orders (customer_id, total) VALUES (1, 3.5), (2, 4);
INSERT INTO docs VALUES ('hello', 'world');
ANALYZE;
EOF
sqlite3 "$T/rich.db" .schema >"$T/dot.sql"
revgen -d "$T/dot" init >/dev/null 2>&1

tcase "a .schema output is a schema file: autogenerate from empty"
grep -q '^CREATE TABLE sqlite_sequence(name,seq);' "$T/dot.sql" &&
    grep -q '^CREATE TABLE sqlite_stat1' "$T/dot.sql" &&
    grep -q "^CREATE TABLE IF NOT EXISTS 'docs_fts_data'" "$T/dot.sql" ||
	fail "the .schema output lacks what this test is about: $(cat "$T/dot.sql")"
run revgen -d "$T/dot" -m adopt --autogenerate --schema "$T/dot.sql"
status_is 0
R=$(cat "$OUT")
! grep -q "sqlite_s" "$R" || fail "the revision names an internal table"
! grep -q "^/\*" "$R" || fail "the shell's comments were copied"

tcase "the applied revision builds the same objects, stored text and all"
run revapply -d "$T/dot" -u "sqlite:$T/dot.db" upgrade
status_is 0
[ "$(dot_objects "$T/dot.db")" = "$(dot_objects "$T/rich.db")" ] ||
	fail "objects differ: $(diff <(dot_objects "$T/rich.db") <(dot_objects "$T/dot.db"))"
# The same statements (in the order of their dependencies, not of the
# source's creation).
sqlite3 "$T/dot.db" .schema >"$T/dot2.sql"
[ "$(grep -v -e sqlite_stat "$T/dot.sql" | sort)" = \
    "$(sed '/"dbrev_revisions"/,/^);$/d' "$T/dot2.sql" | sort)" ] ||
	fail ".schema differs: $(diff "$T/dot.sql" "$T/dot2.sql")"

tcase "revgen check reports nothing, on the source's .schema and on its own"
run revgen -d "$T/dot" check --schema "$T/dot.sql"
status_is 0
stdout_is ""
# The applied database's .schema holds dbrev's version table: ignored.
grep -q dbrev_revisions "$T/dot2.sql" || fail "no version table in .schema"
run revgen -d "$T/dot" check --schema "$T/dot2.sql"
status_is 0
stdout_is ""

tcase "downgrade to base leaves nothing of the schema"
run revapply -d "$T/dot" -u "sqlite:$T/dot.db" downgrade base
status_is 0
[ "$(sqlite3 "$T/dot.db" "SELECT name FROM sqlite_schema WHERE name NOT IN
    ('dbrev_revisions', 'sqlite_autoindex_dbrev_revisions_1', 'sqlite_sequence')")" = "" ] ||
	fail "left behind: $(sqlite3 "$T/dot.db" "SELECT name FROM sqlite_schema")"

# As a careful DBA would: S0 with realistic rows (cascading foreign keys,
# gaps in ids and rowids, an AUTOINCREMENT table with a mixed-case name,
# a stored generated column, an external-content FTS5 index), S1 that
# rebuilds every table at once, then every row compared.
mkdir -p "$T/shop"
cat >"$T/shop/s0.sql" <<'EOF'
CREATE TABLE "Customers" (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT, phone TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES "Customers"(id) ON DELETE CASCADE,
    total INTEGER, status TEXT, note TEXT);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE order_lines (order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE, sku TEXT, qty INTEGER,
    price REAL, amount REAL AS (qty * price) STORED);
CREATE INDEX order_lines_order ON order_lines (order_id);
CREATE TABLE docs (title TEXT, body TEXT);
CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs');
CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN
    INSERT INTO docs_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN
    INSERT INTO docs_fts (docs_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
EOF
cat >"$T/shop/s1.sql" <<'EOF'
CREATE TABLE "Customers" (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL DEFAULT '',
    phone TEXT, tier TEXT NOT NULL DEFAULT 'basic');
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES "Customers"(id) ON DELETE CASCADE,
    total INTEGER, status TEXT CHECK (status IN ('new', 'paid', 'shipped')), note TEXT COLLATE NOCASE);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_open ON orders (status) WHERE status <> 'shipped';
CREATE TABLE order_lines (order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE, sku TEXT,
    qty INTEGER CHECK (qty > 0), price REAL, amount REAL);
CREATE INDEX order_lines_order ON order_lines (order_id);
CREATE TABLE docs (title TEXT NOT NULL, body TEXT);
CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs');
CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN
    INSERT INTO docs_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN
    INSERT INTO docs_fts (docs_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE VIEW order_totals AS SELECT customer_id, sum(total) AS total, count(*) AS n FROM orders GROUP BY customer_id;
EOF
cat >"$T/shop/seed.sql" <<'EOF'
PRAGMA foreign_keys = ON;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO "Customers" (name, email, phone)
    SELECT 'c' || i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || i || '@x' END, '0' || i FROM n;
DELETE FROM "Customers" WHERE id > 1990;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO orders (customer_id, total, status, note)
    SELECT 1 + i % 1990, i * 3, CASE i % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE 'shipped' END, 'Note ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO order_lines (order_id, sku, qty, price)
    SELECT 1 + i % 10000, 'sku' || (i % 97), 1 + i % 5, (i % 100) / 4.0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO docs (title, body) SELECT 'title ' || i, 'word' || (i % 13) || ' body ' || i FROM n;
DELETE FROM docs WHERE rowid % 5 = 0;
DELETE FROM "Customers" WHERE id = 3;
EOF
# Every row and value S1 keeps (email: NULL becomes '', as warned).
shop_rows() {
	sqlite3 "$1" "SELECT 'C', id, name, ifnull(email, ''), phone FROM Customers ORDER BY id;
	    SELECT 'O', rowid, * FROM orders ORDER BY id;
	    SELECT 'L', rowid, order_id, sku, qty, price, amount FROM order_lines ORDER BY rowid;
	    SELECT 'D', rowid, * FROM docs ORDER BY rowid;
	    SELECT 'S', * FROM sqlite_sequence;
	    SELECT 'F', rowid FROM docs_fts WHERE docs_fts MATCH 'word7' ORDER BY rowid;"
}
shop_ok() {
	[ "$(sqlite3 "$1" "PRAGMA foreign_key_check; PRAGMA integrity_check;
	    INSERT INTO docs_fts (docs_fts, rank) VALUES ('integrity-check', 1);")" = ok ] ||
		fail "$1: checks fail: $(sqlite3 "$1" "PRAGMA foreign_key_check;
		    PRAGMA integrity_check; INSERT INTO docs_fts (docs_fts, rank) VALUES ('integrity-check', 1);" 2>&1)"
}
# The database without the version table (its applied_at differs).
shop_dump() { sqlite3 "$1" .dump | grep -v dbrev_revisions; }
SU=sqlite:$T/shop/app.db
revgen -d "$T/shop/m" init >/dev/null 2>&1
revgen -d "$T/shop/m" -u "$SU" -m s0 --autogenerate --schema "$T/shop/s0.sql" >/dev/null 2>&1
revapply -q -d "$T/shop/m" -u "$SU" upgrade
sqlite3 "$T/shop/app.db" <"$T/shop/seed.sql"
cp "$T/shop/app.db" "$T/shop/before.db"

tcase "a realistic revision rebuilding every table says what it converts"
run revgen -d "$T/shop/m" -u "$SU" -m s1 --autogenerate --schema "$T/shop/s1.sql"
status_is 0
R=$(cat "$OUT")
stderr_has "converts data: column customers.email: NULLs become ''"
stderr_has "downgrade: converts data: column order_lines.amount"
stderr_lacks "drops data"
grep -q "^-- transaction: none" "$R" || fail "not marked transaction: none"

tcase "its upgrade keeps every row, rowid, sequence and index entry"
run revapply -d "$T/shop/m" -u "$SU" upgrade
status_is 0
shop_ok "$T/shop/app.db"
[ "$(shop_rows "$T/shop/app.db")" = "$(shop_rows "$T/shop/before.db")" ] ||
	fail "rows differ: $(diff <(shop_rows "$T/shop/before.db") <(shop_rows "$T/shop/app.db") | head -5)"
[ "$(sqlite3 "$T/shop/app.db" "SELECT count(*) FROM Customers WHERE email = ''")" = \
    "$(sqlite3 "$T/shop/before.db" "SELECT count(*) FROM Customers WHERE email IS NULL")" ] ||
	fail "NULL emails not turned into ''"

tcase "the offline script does to a copy what the online run did"
cp "$T/shop/before.db" "$T/shop/offline.db"
P=$(sed -n 's/^-- parents: //p' "$R")
run revapply -d "$T/shop/m" --dialect sqlite --sql upgrade "$P:head"
status_is 0
cp "$OUT" "$T/shop/up.sql"
run sqlite3 -bail "$T/shop/offline.db" ".read $T/shop/up.sql"
status_is 0
[ "$(shop_dump "$T/shop/offline.db")" = "$(shop_dump "$T/shop/app.db")" ] ||
	fail "online and offline differ: $(diff <(shop_dump "$T/shop/app.db") <(shop_dump "$T/shop/offline.db") | head -5)"

tcase "its downgrade gives every row back"
run revapply -d "$T/shop/m" -u "$SU" downgrade
status_is 0
shop_ok "$T/shop/app.db"
[ "$(shop_rows "$T/shop/app.db")" = "$(shop_rows "$T/shop/before.db")" ] ||
	fail "rows differ: $(diff <(shop_rows "$T/shop/before.db") <(shop_rows "$T/shop/app.db") | head -5)"

tcase "the DATABASE_URL database was never opened"
[ ! -e "$T/nodir" ] || fail "$T/nodir exists"
DATABASE_URL="sqlite:$T/absent.db" run revgen -d "$M" check --schema schema.sql
status_is 0
[ ! -e "$T/absent.db" ] || fail "absent.db was created"

finish
