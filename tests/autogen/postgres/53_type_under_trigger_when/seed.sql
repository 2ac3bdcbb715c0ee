INSERT INTO accounts VALUES (1, 100, 'a'), (2, -5, NULL);
