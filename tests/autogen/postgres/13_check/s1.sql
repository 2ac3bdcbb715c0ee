CREATE TABLE t (id integer PRIMARY KEY, age integer CHECK (age >= 0 AND age < 200), name text,
    CONSTRAINT name_len CHECK (length(name) < 50), CONSTRAINT name_set CHECK (name IS NOT NULL) NOT VALID);
