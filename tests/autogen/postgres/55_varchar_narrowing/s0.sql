-- Issue 18.1: shorter lengths, values that fit: kept as they are.
CREATE TABLE codes (id integer PRIMARY KEY, code varchar(100) NOT NULL,
    tags varchar(20)[], bits bit varying(16));
