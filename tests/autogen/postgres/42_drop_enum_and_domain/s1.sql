CREATE TABLE t (id integer PRIMARY KEY, keep text);
