CREATE TABLE t (id integer PRIMARY KEY, name text, active boolean);
CREATE VIEW active_names AS SELECT name FROM t WHERE active;
CREATE VIEW old_view AS SELECT id FROM t;
