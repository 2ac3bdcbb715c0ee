CREATE TABLE codes (
    id     INTEGER PRIMARY KEY,
    code   INTEGER,
    n      NUMERIC,
    amount TEXT,
    ratio  INTEGER,
    tag    VARCHAR(20),
    size   BIGINT
);
