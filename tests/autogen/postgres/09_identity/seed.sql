INSERT INTO a (v) VALUES ('x'), ('y');
INSERT INTO b VALUES (1, 'p');
INSERT INTO c (v) VALUES ('q');
