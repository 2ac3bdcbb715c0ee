-- schema.sql - the schema the revisions in migrations/ build, at their head.
--
-- Edit this file to change the schema, then `make db-migrate M="..."`
-- writes the revision that gets there; `make db-check` (CI) fails when
-- this file and the revisions disagree.

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    email      TEXT NOT NULL UNIQUE,
    full_name  TEXT
);

CREATE TABLE posts (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title   TEXT NOT NULL,
    body    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX ix_posts_user_id ON posts (user_id);
