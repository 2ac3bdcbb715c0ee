CREATE TABLE keep (id integer PRIMARY KEY);
CREATE TABLE c (id integer PRIMARY KEY, keep_id integer);
