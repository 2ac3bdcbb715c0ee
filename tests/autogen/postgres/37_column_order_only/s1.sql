CREATE TABLE t (b integer, a text, id integer PRIMARY KEY);
