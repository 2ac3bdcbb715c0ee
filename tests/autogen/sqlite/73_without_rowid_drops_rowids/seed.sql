INSERT INTO tags (rowid, name, n) VALUES (5, 'a', 1), (9, 'b', 2);
