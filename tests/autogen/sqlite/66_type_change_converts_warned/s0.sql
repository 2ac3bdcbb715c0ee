CREATE TABLE codes (
    id     INTEGER PRIMARY KEY,
    code   TEXT,
    n      TEXT,
    amount INTEGER,
    ratio  REAL,
    tag    TEXT,
    size   INT
);
