-- revision: a
-- +upgrade
A;
-- +upgrade
