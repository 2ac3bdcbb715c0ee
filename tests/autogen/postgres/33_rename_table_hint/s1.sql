-- dbrev: rename table people -> users
CREATE TABLE users (id integer PRIMARY KEY, name text);
CREATE TABLE pets (id integer PRIMARY KEY, owner integer REFERENCES users (id));
