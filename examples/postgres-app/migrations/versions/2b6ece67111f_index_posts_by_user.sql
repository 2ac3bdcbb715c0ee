-- revision: 2b6ece67111f
-- parents: 7998fb0eb24d
-- message: Index posts by user
-- created: 2026-11-23T14:00:00Z
-- transaction: none

-- CREATE INDEX CONCURRENTLY does not lock out writers, and cannot run
-- inside a transaction: hence "transaction: none" above.  Should it be
-- interrupted, revapply reports the revision as in progress; see
-- "Troubleshooting" in docs/migrations.md.

-- +upgrade
CREATE INDEX CONCURRENTLY ix_posts_user_id ON posts (user_id);

-- +downgrade
DROP INDEX CONCURRENTLY IF EXISTS ix_posts_user_id;
