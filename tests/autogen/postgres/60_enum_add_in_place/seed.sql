INSERT INTO tasks VALUES (1, 'low'), (2, 'high');
