-- revision: 5250d6dab9f9
-- parents:
-- message: Create users table
-- created: 2026-11-20T09:00:00Z

-- +upgrade
CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    email      TEXT NOT NULL UNIQUE
);

-- +downgrade
DROP TABLE users;
