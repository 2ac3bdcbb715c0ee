-- revision: 3482af2ac7f1
-- parents: ba59604ebf2b
-- message: Add posts table
-- created: 2026-11-21T11:00:00Z

-- Written on another branch at the same time as 9d9bc7b652e7: both have
-- ba59604ebf2b as parent, so the graph had two heads until 7998fb0eb24d
-- merged them.

-- +upgrade
CREATE TABLE posts (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title   TEXT NOT NULL,
    body    TEXT NOT NULL DEFAULT ''
);
INSERT INTO posts (user_id, title)
    SELECT id, 'Hello from ' || first_name FROM users;

-- +downgrade
DROP TABLE posts;
