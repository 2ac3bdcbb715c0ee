CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, at TEXT, payload TEXT);
CREATE TABLE audit (event_id INTEGER, note TEXT);
