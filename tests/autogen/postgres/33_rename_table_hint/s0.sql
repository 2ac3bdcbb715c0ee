CREATE TABLE people (id integer PRIMARY KEY, name text);
CREATE TABLE pets (id integer PRIMARY KEY, owner integer REFERENCES people (id));
