CREATE TABLE items (
    id    INTEGER PRIMARY KEY,
    price INTEGER NOT NULL,
    qty   INTEGER NOT NULL,
    total INTEGER,
    label TEXT
);
