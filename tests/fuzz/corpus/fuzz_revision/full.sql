-- revision: 3f2a9c1b7e44
-- parents: 1a2b3c4d5e6f
-- message: Add user preferences table
-- created: 2026-11-24T01:00:00Z

-- +upgrade
CREATE TABLE user_preferences (id INTEGER PRIMARY KEY);

-- +downgrade
DROP TABLE user_preferences;
