-- INT PRIMARY KEY is not the rowid (and SQLite lets it hold NULL).
CREATE TABLE items (id INT PRIMARY KEY, name TEXT);
