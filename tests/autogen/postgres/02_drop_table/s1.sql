CREATE TABLE keep (id integer PRIMARY KEY, v text);
