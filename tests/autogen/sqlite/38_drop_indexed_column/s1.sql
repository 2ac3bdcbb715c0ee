CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT, payload TEXT);
CREATE INDEX events_at ON events (at);
