CREATE TABLE keep (id integer PRIMARY KEY);
CREATE TABLE a (id integer PRIMARY KEY, b_id integer);
CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id));
ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);
CREATE TABLE c (id integer PRIMARY KEY, keep_id integer REFERENCES keep (id));
