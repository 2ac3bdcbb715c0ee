CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, at TEXT, payload TEXT);
CREATE INDEX events_lower_kind ON events (lower(kind), substr(at, 1, 4));
