-- dbrev: rename table people -> users
-- dbrev: rename people.name -> full_name
CREATE TABLE users (id integer PRIMARY KEY, full_name text NOT NULL, age integer);
