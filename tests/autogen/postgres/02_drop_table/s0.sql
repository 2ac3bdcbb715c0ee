CREATE TABLE keep (id integer PRIMARY KEY, v text);
CREATE TABLE gone (id integer PRIMARY KEY, keep_id integer REFERENCES keep (id));
