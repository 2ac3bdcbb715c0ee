INSERT INTO orders VALUES (1, 'new'), (2, 'done');
INSERT INTO archive VALUES (1, ARRAY['new', 'old']::status[]);
