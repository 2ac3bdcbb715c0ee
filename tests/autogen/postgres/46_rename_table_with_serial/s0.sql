CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL);
CREATE INDEX people_name ON people (name);
