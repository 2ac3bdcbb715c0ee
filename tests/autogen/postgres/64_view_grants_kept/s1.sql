-- Issue 18.10: a view made again keeps its GRANTs; column grants and a
-- recreated generated column's grants too.
CREATE TABLE accounts (id integer PRIMARY KEY, owner text, balance bigint,
    doubled bigint GENERATED ALWAYS AS (balance * 2) STORED);
CREATE VIEW balances AS SELECT id, balance FROM accounts;
GRANT SELECT ON balances TO dbrev_reader;
GRANT SELECT, UPDATE ON balances TO "dbrev ""Writer""" WITH GRANT OPTION;
GRANT SELECT (id, doubled) ON accounts TO dbrev_reader;
