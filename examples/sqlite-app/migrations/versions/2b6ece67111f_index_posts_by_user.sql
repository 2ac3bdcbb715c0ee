-- revision: 2b6ece67111f
-- parents: 7998fb0eb24d
-- message: Index posts by user
-- created: 2026-11-23T14:00:00Z

-- +upgrade
CREATE INDEX ix_posts_user_id ON posts (user_id);

-- +downgrade
DROP INDEX ix_posts_user_id;
