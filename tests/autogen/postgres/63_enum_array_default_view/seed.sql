INSERT INTO moods VALUES ('sad'), ('ok'), ('happy');
INSERT INTO days VALUES (1, 'ok', '{sad,happy}', 'happy'), (2, 'happy', DEFAULT, NULL), (3, 'sad', NULL, 'ok');
