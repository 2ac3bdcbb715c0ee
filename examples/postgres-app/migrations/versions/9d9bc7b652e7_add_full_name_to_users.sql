-- revision: 9d9bc7b652e7
-- parents: ba59604ebf2b
-- message: Add full_name to users
-- created: 2026-11-21T10:00:00Z

-- Schema change and data migration in one revision (and so in one
-- transaction): add the column, then fill it from the existing ones.

-- +upgrade
ALTER TABLE users ADD COLUMN full_name text;
UPDATE users SET full_name = first_name || ' ' || last_name;

-- +downgrade
ALTER TABLE users DROP COLUMN full_name;
