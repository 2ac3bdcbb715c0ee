-- dbrev: rename users.name -> full_name
CREATE TABLE users (id integer PRIMARY KEY, full_name text NOT NULL);
CREATE INDEX users_name ON users (full_name);
