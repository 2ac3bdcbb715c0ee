CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, at TEXT, payload TEXT);
CREATE INDEX events_kind ON events (kind, at DESC);
