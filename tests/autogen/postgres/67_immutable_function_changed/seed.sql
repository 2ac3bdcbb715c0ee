INSERT INTO players (id, points) VALUES (1, 10), (2, 40);
