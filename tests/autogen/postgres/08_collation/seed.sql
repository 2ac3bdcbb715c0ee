INSERT INTO t VALUES (1, 'B', 'a'), (2, 'a', 'B');
