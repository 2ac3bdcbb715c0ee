INSERT INTO events VALUES (1, 'a');
