-- revision: a
SELECT 1;
-- +upgrade
