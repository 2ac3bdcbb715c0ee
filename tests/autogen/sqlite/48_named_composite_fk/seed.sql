INSERT INTO parent VALUES (1, 2, 'p');
INSERT INTO child VALUES (1, 1, 2);
