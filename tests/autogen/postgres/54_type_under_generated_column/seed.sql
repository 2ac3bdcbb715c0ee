INSERT INTO lines (id, qty, unit_price) VALUES (1, 3, 50.25), (2, 1, 9.99);
