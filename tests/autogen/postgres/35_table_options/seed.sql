INSERT INTO t VALUES (1, 'a');
INSERT INTO cache VALUES ('k', 'v');
