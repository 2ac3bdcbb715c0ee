CREATE TYPE money_amount AS (amount numeric(12, 2), currency char(3));
CREATE TABLE t (id integer PRIMARY KEY, price money_amount);
