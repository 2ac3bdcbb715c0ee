CREATE TABLE t (id integer PRIMARY KEY, price numeric NOT NULL, qty integer NOT NULL,
    total numeric GENERATED ALWAYS AS (price * qty * 1.2) STORED,
    label text GENERATED ALWAYS AS ('#' || id::text) STORED);
