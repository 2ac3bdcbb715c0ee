-- revision: 7998fb0eb24d
-- parents: 9d9bc7b652e7 3482af2ac7f1
-- message: Merge full_name and posts branches
-- created: 2026-11-22T08:00:00Z

-- +upgrade

-- +downgrade
