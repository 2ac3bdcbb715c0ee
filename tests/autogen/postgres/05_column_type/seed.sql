INSERT INTO t VALUES (1, 10, 'ab', '1.50', 0.5), (2, 20, NULL, '7.25', NULL);
