-- Issue 18.8 / 12.3: values added in the middle and at the end, used by
-- nothing else in the revision: ADD VALUE in the revision's transaction;
-- the downgrade takes them out again.
CREATE TYPE priority AS ENUM ('low', 'high');
CREATE TABLE tasks (id integer PRIMARY KEY, p priority NOT NULL);
