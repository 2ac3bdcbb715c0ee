-- revision: ba59604ebf2b
-- parents: 5250d6dab9f9
-- message: Seed example users
-- created: 2026-11-20T09:30:00Z

-- A data migration: rows the application expects to find.

-- +upgrade
INSERT INTO users (first_name, last_name, email) VALUES
    ('Ada', 'Lovelace', 'ada@example.org'),
    ('Grace', 'Hopper', 'grace@example.org'),
    ('Edsger', 'Dijkstra', 'edsger@example.org');

-- +downgrade
DELETE FROM users WHERE email IN
    ('ada@example.org', 'grace@example.org', 'edsger@example.org');
