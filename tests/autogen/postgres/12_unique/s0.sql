CREATE TABLE t (id integer PRIMARY KEY, email text UNIQUE, code text, region text);
