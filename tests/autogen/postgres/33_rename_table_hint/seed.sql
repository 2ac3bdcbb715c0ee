INSERT INTO people VALUES (1, 'ann'), (2, 'bob');
INSERT INTO pets VALUES (1, 2);
