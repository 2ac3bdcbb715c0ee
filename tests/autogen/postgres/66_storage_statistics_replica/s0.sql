-- Issue 18.14: COMPRESSION, SET STORAGE, SET STATISTICS and REPLICA
-- IDENTITY are compared and written (a type change resets the first two).
CREATE TABLE docs (id integer PRIMARY KEY, title varchar(200), body text, tags text);
CREATE TABLE events (id integer NOT NULL, at timestamptz NOT NULL);
CREATE UNIQUE INDEX events_id ON events (id);
