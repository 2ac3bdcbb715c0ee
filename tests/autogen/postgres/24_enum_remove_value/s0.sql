CREATE TYPE status AS ENUM ('new', 'old', 'done');
CREATE TABLE t (id integer PRIMARY KEY, s status);
