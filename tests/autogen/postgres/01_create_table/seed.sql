INSERT INTO authors VALUES (1, 'ann'), (2, 'bob');
