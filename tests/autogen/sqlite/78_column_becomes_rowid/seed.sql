INSERT INTO items (rowid, id, name) VALUES (1, 10, 'a'), (2, 20, 'b'), (3, NULL, 'c');
