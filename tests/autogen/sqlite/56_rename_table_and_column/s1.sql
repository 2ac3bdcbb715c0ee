-- dbrev: rename table people -> users
-- dbrev: rename people.name -> full_name
CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, age INTEGER);
CREATE INDEX people_name ON users (full_name);
