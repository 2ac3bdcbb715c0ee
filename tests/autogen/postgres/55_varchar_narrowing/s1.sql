-- Issue 18.1: shorter lengths, values that fit: kept as they are.
CREATE TABLE codes (id integer PRIMARY KEY, code varchar(10) NOT NULL,
    tags varchar(5)[], bits bit varying(4));
