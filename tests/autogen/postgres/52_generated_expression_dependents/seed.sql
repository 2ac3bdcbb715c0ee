INSERT INTO items (id, price, qty) VALUES (1, 2.50, 4), (2, 10, 3), (3, 0, 9);
