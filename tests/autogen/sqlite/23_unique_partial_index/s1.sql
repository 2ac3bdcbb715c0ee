CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, at TEXT, payload TEXT);
CREATE UNIQUE INDEX events_at ON events (at) WHERE payload IS NOT NULL;
