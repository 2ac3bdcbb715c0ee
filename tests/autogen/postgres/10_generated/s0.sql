CREATE TABLE t (id integer PRIMARY KEY, price numeric NOT NULL, qty integer NOT NULL,
    total numeric GENERATED ALWAYS AS (price * qty) STORED);
