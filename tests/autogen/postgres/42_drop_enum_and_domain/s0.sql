CREATE TYPE mood AS ENUM ('a', 'b');
CREATE DOMAIN pos AS integer CHECK (VALUE > 0);
CREATE TABLE t (id integer PRIMARY KEY, m mood, p pos, keep text);
