CREATE TABLE t (id integer PRIMARY KEY, name text, active boolean);
CREATE VIEW active_names AS SELECT id, upper(name) AS name FROM t WHERE active;
CREATE VIEW all_ids WITH (security_barrier = true) AS SELECT id FROM t;
