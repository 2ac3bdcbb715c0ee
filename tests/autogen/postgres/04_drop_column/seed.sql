INSERT INTO users VALUES (1, 'a@x', 'old', 5), (2, 'b@x', NULL, 7);
