CREATE TABLE t (id integer PRIMARY KEY, v text) WITH (fillfactor = 70);
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v text);
