CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, at TEXT, payload TEXT);
CREATE VIEW recent AS SELECT id, kind, at FROM events WHERE at > '2025';
