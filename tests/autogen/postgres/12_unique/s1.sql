CREATE TABLE t (id integer PRIMARY KEY, email text, code text, region text,
    CONSTRAINT t_code_region UNIQUE NULLS NOT DISTINCT (code, region));
