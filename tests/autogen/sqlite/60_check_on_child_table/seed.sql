INSERT INTO parent VALUES ('a', '1');
INSERT INTO child VALUES (1, 'a');
