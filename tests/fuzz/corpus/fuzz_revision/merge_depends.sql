-- revision: m1
-- parents: a b
-- depends: c
-- transaction: none
-- +upgrade
CREATE INDEX CONCURRENTLY i ON t (x);
