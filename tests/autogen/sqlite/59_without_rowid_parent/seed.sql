INSERT INTO parent VALUES ('a', '1'), ('b', '2');
INSERT INTO child VALUES (1, 'a'), (2, 'b');
