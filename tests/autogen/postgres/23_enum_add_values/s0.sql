CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE t (id integer PRIMARY KEY, s status);
