INSERT INTO items VALUES (1, 3), (2, 4);
