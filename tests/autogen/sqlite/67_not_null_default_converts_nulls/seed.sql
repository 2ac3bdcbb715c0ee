INSERT INTO users VALUES (1, 'ann@x.org'), (2, NULL);
