INSERT INTO people VALUES (1, 'ann', 30), (2, 'bob', 40);
