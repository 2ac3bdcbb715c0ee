-- Issue 18.14: an identity's sequence name counts; a renamed table's
-- identity sequence is renamed as a fresh build would name it.
-- dbrev: rename table people -> persons
CREATE TABLE persons (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
