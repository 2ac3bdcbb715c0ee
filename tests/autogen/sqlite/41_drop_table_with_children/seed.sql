INSERT INTO authors VALUES (1, 'ann'), (2, 'bob');
INSERT INTO books VALUES (10, 1, 't1'), (11, 2, 't2');
