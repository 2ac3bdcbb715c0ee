CREATE TABLE users (
    email TEXT,
    name TEXT NOT NULL,
    id INTEGER PRIMARY KEY
);
