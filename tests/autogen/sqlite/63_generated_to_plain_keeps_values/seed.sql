INSERT INTO items (id, price, qty) VALUES (1, 2, 3), (2, 5, 7), (3, 10, 0);
