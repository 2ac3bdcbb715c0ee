-- revision: view_v
-- repeatable: yes
-- depends: a1
-- message: view v

-- +upgrade
CREATE OR REPLACE VIEW v AS SELECT 1;
