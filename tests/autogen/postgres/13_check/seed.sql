INSERT INTO t VALUES (1, 30, 'ann'), (2, 40, 'bob');
