INSERT INTO keep VALUES (1, 'kept'), (2, 'kept too');
