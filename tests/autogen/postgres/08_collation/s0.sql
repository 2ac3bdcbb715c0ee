CREATE TABLE t (id integer PRIMARY KEY, name text, code text COLLATE "C");
