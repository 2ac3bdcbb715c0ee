-- SQLite takes "" as a name.
CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, "" INTEGER CHECK ("" > 0));
CREATE INDEX "" ON t ("");
