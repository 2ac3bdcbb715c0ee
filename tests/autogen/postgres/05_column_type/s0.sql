CREATE TABLE t (id integer PRIMARY KEY, n integer NOT NULL, code varchar(10), amount text, ratio real);
