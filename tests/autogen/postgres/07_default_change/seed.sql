INSERT INTO t (id, status, n) VALUES (1, 'x', 1), (2, 'y', NULL);
