CREATE TABLE t (id integer PRIMARY KEY, status text DEFAULT 'new', n integer, ts timestamp DEFAULT now());
