-- Issue 18.5: a changed generation expression keeps the column's
-- indexes, unique constraint, CHECK and comment.
CREATE TABLE items (
    id integer PRIMARY KEY,
    price numeric(10, 2) NOT NULL,
    qty integer NOT NULL,
    total numeric GENERATED ALWAYS AS (price * qty) STORED,
    CONSTRAINT total_small CHECK (total < 100000),
    CONSTRAINT total_unique UNIQUE (id, total)
);
CREATE INDEX items_total ON items (total) WHERE total > 0;
CREATE UNIQUE INDEX items_total_u ON items (total, id);
COMMENT ON COLUMN items.total IS 'price times quantity';
