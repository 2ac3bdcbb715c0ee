-- A schema file psql can load, with a statement that cannot run in a
-- transaction block: loaded statement by statement.
CREATE TABLE t (id integer PRIMARY KEY, v text);
CREATE INDEX CONCURRENTLY t_v ON t (v);
