CREATE TABLE t (id integer PRIMARY KEY, age integer CHECK (age >= 0), name text,
    CONSTRAINT name_len CHECK (length(name) < 100));
