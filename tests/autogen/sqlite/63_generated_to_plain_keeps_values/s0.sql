CREATE TABLE items (
    id    INTEGER PRIMARY KEY,
    price INTEGER NOT NULL,
    qty   INTEGER NOT NULL,
    total INTEGER GENERATED ALWAYS AS (price * qty) STORED,
    label TEXT AS ('#' || id || ' x' || qty) VIRTUAL
);
