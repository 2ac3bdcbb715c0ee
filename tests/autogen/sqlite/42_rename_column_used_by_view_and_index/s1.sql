-- dbrev: rename users.name -> full_name
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    email TEXT
);
CREATE INDEX users_name ON users (full_name);
CREATE VIEW names AS SELECT full_name AS name FROM users;
