CREATE TABLE audit (event_id INTEGER, note TEXT);
