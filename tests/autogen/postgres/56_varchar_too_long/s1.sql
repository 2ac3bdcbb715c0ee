-- Issue 18.1: a value longer than the new length fails the upgrade
-- (never truncated by an explicit cast); nothing changes.
CREATE TABLE codes (id integer PRIMARY KEY, code varchar(10) NOT NULL, flag char(2));
