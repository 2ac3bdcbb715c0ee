CREATE TABLE t (id integer PRIMARY KEY, email text, tags text[], active boolean, created date);
CREATE INDEX t_created ON t (created);
CREATE INDEX t_gone ON t (active);
