CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, hidden INTEGER DEFAULT 0);
CREATE VIEW visible AS SELECT id, name FROM items WHERE hidden = 0;
CREATE TRIGGER visible_insert INSTEAD OF INSERT ON visible BEGIN
    INSERT INTO items (id, name) VALUES (new.id, new.name);
END;
