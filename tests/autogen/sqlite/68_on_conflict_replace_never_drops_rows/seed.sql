INSERT INTO users VALUES (1, 'ann@x.org'), (2, 'ann@x.org'), (3, 'bob@x.org');
