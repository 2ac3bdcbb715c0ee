INSERT INTO docs VALUES (1, 'a', repeat('x', 5000), 'x'); INSERT INTO events VALUES (1, now());
