CREATE TABLE t (id integer PRIMARY KEY, status text DEFAULT 'open', n integer DEFAULT 42, ts timestamp);
