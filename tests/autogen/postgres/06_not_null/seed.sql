INSERT INTO t VALUES (1, 'x', 'y'), (2, 'z', 'w');
