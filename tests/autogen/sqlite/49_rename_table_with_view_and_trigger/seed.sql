INSERT INTO people VALUES (1, 'ann');
