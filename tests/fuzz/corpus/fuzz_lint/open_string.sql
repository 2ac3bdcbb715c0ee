INSERT INTO t VALUES ('never closed); DROP TABLE t;
