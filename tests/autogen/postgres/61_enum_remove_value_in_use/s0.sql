-- Issue 12.3: a value still held by a row cannot go: the revision fails
-- before it changes anything, naming the table and the value.
CREATE TYPE status AS ENUM ('new', 'old', 'done');
CREATE TABLE orders (id integer PRIMARY KEY, s status);
CREATE TABLE archive (id integer PRIMARY KEY, history status[]);
