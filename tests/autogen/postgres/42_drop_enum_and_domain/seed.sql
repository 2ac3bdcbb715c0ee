INSERT INTO t VALUES (1, 'a', 3, 'k');
