CREATE TABLE t (id integer PRIMARY KEY, amount integer, note text);
CREATE VIEW v AS SELECT id, amount FROM t;
CREATE VIEW v2 AS SELECT id, amount * 2 AS double FROM v;
