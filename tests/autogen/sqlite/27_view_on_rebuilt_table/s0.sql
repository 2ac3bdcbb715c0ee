CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, at TEXT, payload TEXT);
CREATE VIEW recent AS SELECT id, kind FROM events WHERE at > '2025';
CREATE VIEW recent_a AS SELECT * FROM recent WHERE kind = 'a';
