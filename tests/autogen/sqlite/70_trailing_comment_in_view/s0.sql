CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
CREATE INDEX t_v ON t (v) -- an index with a comment; SQLite keeps it
;
CREATE VIEW tv AS SELECT v FROM t -- the values; SQLite keeps this comment
;
CREATE TRIGGER tt AFTER INSERT ON t BEGIN SELECT 1; END;
