INSERT INTO users VALUES (1, 'ann', 'a@x'), (2, NULL, 'b@x'), (3, 'cy', NULL);
