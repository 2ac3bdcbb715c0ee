INSERT INTO users (id, name, email) VALUES (1, 'ann', 'ann@x.org'), (2, 'bob', NULL);
INSERT INTO logs VALUES (1, 'x');
