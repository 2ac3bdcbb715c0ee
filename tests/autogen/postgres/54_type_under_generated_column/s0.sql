-- Issue 18.9: a column read by a generated column changes type; the
-- generated column is added again and its values recomputed.
CREATE TABLE lines (
    id integer PRIMARY KEY,
    qty integer NOT NULL,
    unit_price numeric(8, 2) NOT NULL,
    amount numeric GENERATED ALWAYS AS (qty * unit_price) STORED UNIQUE
);
CREATE INDEX lines_amount ON lines (amount);
CREATE VIEW big_lines AS SELECT id, amount FROM lines WHERE amount > 100;
