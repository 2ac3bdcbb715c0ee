CREATE TABLE t (id integer PRIMARY KEY, v text) WITH (fillfactor = 90, autovacuum_enabled = false);
CREATE TABLE cache (k text PRIMARY KEY, v text);
