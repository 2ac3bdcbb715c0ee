INSERT INTO t VALUES (1, 'a', 'c1', 'eu'), (2, 'b', 'c1', 'us');
