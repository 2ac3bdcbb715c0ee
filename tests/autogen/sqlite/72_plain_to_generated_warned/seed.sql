INSERT INTO items VALUES (1, 2, 3, 6), (2, 5, 7, 99);
