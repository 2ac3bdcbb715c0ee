CREATE SCHEMA util;
CREATE FUNCTION util.norm(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(s)) $$;
CREATE TABLE people (id integer PRIMARY KEY, email text CHECK (email = util.norm(email)));
CREATE UNIQUE INDEX people_email_norm ON people (util.norm(email));
CREATE VIEW util.emails AS SELECT util.norm(email) AS email FROM people;
