INSERT INTO Stock VALUES (1, 5, 'a'), (2, 0, NULL);
